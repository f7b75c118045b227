/** The panel's model label follows the model that answers (src/modelfollow.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { followServerModel, type TurnListen } from "../src/modelfollow";

/** A page's turn signals, told by the test. */
function turns(): { listen: TurnListen; tell(phase: "started" | "ended"): void } {
  const listeners = new Set<(turn: { phase: "started" | "ended" }) => void>();
  return {
    listen: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    tell: (phase) => {
      for (const l of [...listeners]) l({ phase });
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

test("a server restarted with another model: the label shows it once a turn starts", async () => {
  let serverModel = "gpt-4.1-mini";
  const shown: string[] = [];
  const page = turns();
  const stop = followServerModel(async () => ({ model: serverModel }), (info) => shown.push(info.model), page.listen);
  // Jupyter restarted with another JUPYTER_CHATKIT_MODEL; the next message is answered by it.
  serverModel = "qwen2.5-coder";
  page.tell("ended"); // the interrupted turn's end says nothing of the model
  await settle();
  assert.deepEqual(shown, []);
  page.tell("started");
  await settle();
  assert.deepEqual(shown, ["qwen2.5-coder"]);
  // Removed (the page goes): nothing read or shown after.
  stop();
  serverModel = "other";
  page.tell("started");
  await settle();
  assert.deepEqual(shown, ["qwen2.5-coder"]);
});

test("a read that fails leaves the label; a read overtaken by a later one is dropped", async () => {
  const answers: ((info: { model: string } | null) => void)[] = [];
  const shown: string[] = [];
  const page = turns();
  followServerModel(
    () => new Promise<{ model: string } | null>((r) => answers.push(r)),
    (info) => shown.push(info.model),
    page.listen,
  );
  page.tell("started");
  page.tell("started");
  answers[1]({ model: "new" });
  answers[0]({ model: "old" }); // the earlier read answers last: not shown over the newer
  await settle();
  assert.deepEqual(shown, ["new"]);
  page.tell("started");
  answers[2](null); // the server did not say (a request that failed)
  await settle();
  assert.deepEqual(shown, ["new"]);
});
