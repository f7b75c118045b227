/**
 * Another tab's turn signals (turnsignal.ts): a turn failure crossing from another tab
 * is shown only in a failure's shape; a malformed one is left out, the end still followed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { onTurnSignals, type TurnSignal } from "../src/client/turnsignal";

// The module keeps its channel open for the page's life; in node an open channel keeps
// the test process alive, so the module's channel (made at its first use, below) is
// unref'd: the process ends when the test does. The test's own sender is closed.
const Channel = globalThis.BroadcastChannel;
globalThis.BroadcastChannel = class extends Channel {
  constructor(name: string) {
    super(name);
    (this as unknown as { unref(): void }).unref();
  }
};

test("another tab's malformed turn failure is left out", async () => {
  const win = Object.assign(new EventTarget(), { location: { origin: "http://tabs.test" } });
  (globalThis as Record<string, unknown>).window = win;
  const heard: TurnSignal[] = [];
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const stop = onTurnSignals((signal) => {
    heard.push(signal);
    if (signal.threadId === "last") done();
  });
  const other = new Channel("jupyter-chatkit:turns:http://tabs.test/");
  const error = { type: "error", code: "custom", allow_retry: true, message: "Rate limited" };
  const sent = [
    { failure: { error, lastItemId: "msg_1" } },
    { failure: { error: { ...error, type: "notice" }, lastItemId: "msg_1" } },
    { failure: { error, lastItemId: 7 } },
    { failure: { error: { ...error, message: { toString: "x" } }, lastItemId: "msg_1" } },
    { failure: { error: "Rate limited", lastItemId: "msg_1" } },
    { failure: "failed" },
  ];
  try {
    sent.forEach((extra, n) => {
      other.postMessage({ page: "another", threadId: `thr_${n}`, phase: "ended", ...extra });
    });
    other.postMessage({ page: "another", threadId: "last", phase: "ended" });
    await all;
  } finally {
    stop();
    other.close();
    delete (globalThis as Record<string, unknown>).window;
  }
  assert.deepEqual(
    heard.map((s) => [s.threadId, s.phase, s.failure ?? null]),
    [
      ["thr_0", "ended", { error, lastItemId: "msg_1" }],
      ["thr_1", "ended", null],
      ["thr_2", "ended", null],
      ["thr_3", "ended", null],
      ["thr_4", "ended", null],
      ["thr_5", "ended", null],
      ["last", "ended", null],
    ],
  );
});
