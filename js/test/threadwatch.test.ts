/**
 * A page hears of turns another browser runs in the threads it shows, from the server
 * (threadwatch.ts): one long-poll for the page, nothing while it is hidden, a catch-up
 * from the store when it is shown again; a chat holding the thread's newest item does
 * not load the thread again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatSession } from "../src/client/session";
import { FROM_SERVER, watchShownThreads } from "../src/client/threadwatch";
import { onTurnSignals, type TurnSignal } from "../src/client/turnsignal";
import { TURN } from "../src/protocol";
import { storedThread } from "./agentsteps";
import { scriptedTransport } from "./helpers";

// The page's tab channel (turnsignal.ts) would keep node alive: unref'd, as there.
const Channel = globalThis.BroadcastChannel;
globalThis.BroadcastChannel = class extends Channel {
  constructor(name: string) {
    super(name);
    (this as unknown as { unref(): void }).unref();
  }
};

/** A request the page sent, answered when the test says. */
interface Asked {
  body: { type: string; params: { thread_ids: string[]; since?: string; now?: boolean } };
  aborted: boolean;
  answer(value: unknown): void;
}

/** A page (window, document) whose server requests wait for the test's answers. */
function fakePage() {
  const win = Object.assign(new EventTarget(), { location: { origin: "http://watch.test" } });
  const doc = Object.assign(new EventTarget(), { visibilityState: "visible" });
  const globals = globalThis as Record<string, unknown>;
  globals.window = win;
  globals.document = doc;
  const asked: Asked[] = [];
  let arrived: () => void = () => {};
  const request = (body: object, signal: AbortSignal): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const one: Asked = { body: body as Asked["body"], aborted: false, answer: resolve };
      signal.addEventListener("abort", () => {
        one.aborted = true;
        reject(Object.assign(new Error("Aborted"), { name: "AbortError" }));
      });
      asked.push(one);
      arrived();
    });
  /** The next request the page sends (the `n`th, 0-based). */
  const nth = async (n: number): Promise<Asked> => {
    while (asked.length <= n) await new Promise<void>((resolve) => (arrived = resolve));
    return asked[n];
  };
  const setHidden = (hidden: boolean): void => {
    doc.visibilityState = hidden ? "hidden" : "visible";
    doc.dispatchEvent(new Event("visibilitychange"));
  };
  const done = (): void => {
    delete globals.window;
    delete globals.document;
  };
  return { win, asked, nth, request, setHidden, done };
}

test("one wait for the page; the server's word reaches its chats; none while hidden", async () => {
  const page = fakePage();
  const heard: TurnSignal[] = [];
  const stopSignals = onTurnSignals((s) => heard.push(s));
  let second: string | null = null;
  const a = watchShownThreads({ threadId: () => "thr_a", request: page.request });
  const b = watchShownThreads({ threadId: () => second, request: page.request });
  try {
    const first = await page.nth(0);
    assert.equal(first.body.type, TURN.CHANGES);
    assert.deepEqual(first.body.params, { thread_ids: ["thr_a"] });

    // The second chat shows another thread: the wait is asked again, for both.
    second = "thr_b";
    b.changed();
    const both = await page.nth(1);
    assert.ok(first.aborted);
    assert.deepEqual(both.body.params.thread_ids, ["thr_a", "thr_b"]);

    both.answer({
      since: "e:3",
      changed: [{ thread_id: "thr_b", answering: false, last_item_id: "msg_9", step_started: "step_4" }],
    });
    const third = await page.nth(2);
    assert.equal(third.body.params.since, "e:3");
    // (The step a page began there: a card waiting for it elsewhere says so, stepwatch.ts.)
    assert.deepEqual(
      heard.map((s) => [s.threadId, s.phase, s.source === FROM_SERVER, s.lastItemId, s.stepStarted]),
      [["thr_b", "ended", true, "msg_9", "step_4"]],
    );

    // A wait the server let go at once, nothing changed: no new one right away (no busy
    // loop), until a chat shows another thread.
    third.answer({ since: "e:3", changed: [] });
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(page.asked.length, 3);
    b.changed();
    const fourth = await page.nth(3);

    // Hidden: the wait ends and nothing is asked; shown again: a catch-up at once.
    page.setHidden(true);
    assert.ok(fourth.aborted);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(page.asked.length, 4);
    page.setHidden(false);
    const caughtUp = await page.nth(4);
    assert.equal(caughtUp.body.params.now, true);
    assert.equal(page.asked.length, 5);
  } finally {
    a.stop();
    b.stop();
    stopSignals();
    page.done();
  }
});

test("a chat off screen (a collapsed sidebar) asks nothing; shown again, a catch-up at once", async () => {
  const page = fakePage();
  let onScreen = true;
  const chat = watchShownThreads({ threadId: () => "thr_a", request: page.request, shown: () => onScreen });
  try {
    const first = await page.nth(0);
    assert.deepEqual(first.body.params.thread_ids, ["thr_a"]);
    // Collapsed while the page stays visible: the wait ends, no other is asked.
    onScreen = false;
    chat.changed();
    assert.ok(first.aborted);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(page.asked.length, 1);
    // Shown again: what changed meanwhile, from the store, at once.
    onScreen = true;
    chat.shownAgain();
    const caughtUp = await page.nth(1);
    assert.equal(caughtUp.body.params.now, true);
    assert.deepEqual(caughtUp.body.params.thread_ids, ["thr_a"]);
  } finally {
    chat.stop();
    page.done();
  }
});

test("a chat follows another browser's turn unless it holds the thread's newest item", async () => {
  const held = { id: "msg_1", thread_id: "thr_1", created_at: "2026-01-01T00:00:00Z", type: "user_message", content: [], attachments: [], inference_options: {} };
  const transport = scriptedTransport({ "threads.get_by_id": [{ json: { ...storedThread([held]), id: "thr_1" } }] });
  const session = new ChatSession({ transport });
  await session.openThread("thr_1");
  const said = (phase: TurnSignal["phase"], lastItemId: string | null): TurnSignal => ({
    threadId: "thr_1",
    phase,
    source: FROM_SERVER,
    lastItemId,
  });
  assert.equal(session.followsTurn(said("ended", "msg_1")), false);
  assert.equal(session.followsTurn(said("ended", "msg_2")), true);
  assert.equal(session.followsTurn(said("started", "msg_1")), true);
  assert.equal(session.followsTurn({ ...said("ended", "msg_2"), threadId: "thr_other" }), false);
});
