/**
 * A person writing tells the server (TURN.WARM) so the provider's connection is opened
 * again before Enter: at most every WARM_EVERY_MS, never while a turn streams, and a
 * server that cannot be told changes nothing.
 */
import assert from "node:assert/strict";
import test from "node:test";
import { providerWarmer, WARM_EVERY_MS } from "../src/client/providerwarm";
import { TURN } from "../src/protocol";

function fakeSession(fail = false) {
  const sent: { type: string; params: unknown }[] = [];
  return {
    sent,
    busy: false,
    async request<T>(req: unknown): Promise<T> {
      sent.push(req as { type: string; params: unknown });
      if (fail) throw new Error("network down");
      return { warming: true } as T;
    },
  };
}

test("writing tells the server once per WARM_EVERY_MS, and not while a turn streams", () => {
  const session = fakeSession();
  let clock = 1_000_000;
  const writing = providerWarmer(session, () => clock);
  writing();
  clock += 100;
  writing(); // the next keys of the same words: nothing more
  assert.deepEqual(session.sent, [{ type: TURN.WARM, params: {} }]);
  clock += WARM_EVERY_MS;
  session.busy = true; // an answer streams on the connection
  writing();
  assert.equal(session.sent.length, 1);
  session.busy = false;
  writing();
  assert.equal(session.sent.length, 2);
});

test("a server that cannot be told is ignored", async () => {
  const session = fakeSession(true);
  providerWarmer(session, () => 0)();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(session.sent.length, 1);
});
