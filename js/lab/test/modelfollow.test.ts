/** The panel's model label follows the model that answers (src/modelfollow.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { followServerModel, MIN_GAP_MS, type TurnListen } from "../src/modelfollow";

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

test("a server restarted with another model: the label shows it once a turn ends, not on its way", async () => {
  let serverModel = "gpt-4.1-mini";
  let clock = 0;
  let reads = 0;
  const shown: string[] = [];
  const page = turns();
  const stop = followServerModel(
    async () => {
      reads++;
      return { model: serverModel };
    },
    (info) => shown.push(info.model),
    page.listen,
    { now: () => clock },
  );
  // Jupyter restarted with another JUPYTER_CHATKIT_MODEL; the next message is answered by it.
  serverModel = "qwen2.5-coder";
  page.tell("started"); // nothing read while the message goes
  await settle();
  assert.equal(reads, 0);
  page.tell("ended");
  await settle();
  assert.deepEqual(shown, ["qwen2.5-coder"]);
  // Turns of the page's other chats and tabs: read again only after the gap.
  clock += MIN_GAP_MS - 1;
  page.tell("ended");
  await settle();
  assert.equal(reads, 1);
  clock += 1;
  serverModel = "llama3.1";
  page.tell("ended");
  await settle();
  assert.deepEqual(shown, ["qwen2.5-coder", "llama3.1"]);
  // Removed (the page goes): nothing read or shown after.
  stop();
  clock += MIN_GAP_MS;
  page.tell("ended");
  await settle();
  assert.equal(reads, 2);
});

test("a hidden page reads nothing; a failed read leaves the label; an overtaken read is dropped", async () => {
  const answers: ((info: { model: string } | null) => void)[] = [];
  const shown: string[] = [];
  let visible = false;
  const page = turns();
  followServerModel(
    () => new Promise<{ model: string } | null>((r) => answers.push(r)),
    (info) => shown.push(info.model),
    page.listen,
    { shown: () => visible },
  );
  page.tell("ended");
  assert.equal(answers.length, 0);
  visible = true;
  page.tell("ended");
  answers[0](null); // the server did not say (a request that failed): asked again next time
  await settle();
  page.tell("ended");
  page.tell("ended");
  answers[2]({ model: "new" });
  answers[1]({ model: "old" }); // the earlier read answers last: not shown over the newer
  await settle();
  assert.deepEqual(shown, ["new"]);
});
