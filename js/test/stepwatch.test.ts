/**
 * A card waiting for an Agent step learns from the server's word (the page's
 * `TURN.CHANGES` long-poll, threadwatch.ts) that another page began the step or sent its
 * result, without a click (stepwatch.ts): begun, it says so; answered, the thread is
 * shown as it is now, with the step's outcome. Nothing runs here.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StepApprovals } from "../src/client/approvals";
import { ChatSession } from "../src/client/session";
import { FROM_SERVER } from "../src/client/threadwatch";
import { TURN_SIGNAL, type TurnSignal } from "../src/client/turnsignal";
import { fakeHost, stepCall, storedThread, TID, userMessage } from "./agentsteps";
import { scriptedTransport } from "./helpers";

// The page's tab channel (turnsignal.ts) would keep node alive: unref'd, as there.
const Channel = globalThis.BroadcastChannel;
globalThis.BroadcastChannel = class extends Channel {
  constructor(name: string) {
    super(name);
    (this as unknown as { unref(): void }).unref();
  }
};

const until = async (what: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 0));
  assert.ok(what());
};

test("a waiting card hears that another page began its step, then that it was answered, and shows the outcome", async () => {
  const globals = globalThis as Record<string, unknown>;
  const win = Object.assign(new EventTarget(), { location: { origin: "http://steps.test" } });
  globals.window = win;
  const pending = stepCall("s1", "run_cell", { index: 3 }).item;
  const completed = { ...pending, status: "completed", output: { status: "ok" } };
  const transport = scriptedTransport({
    "threads.get_by_id": [
      { json: storedThread([userMessage("u1").item, pending]) },
      { json: storedThread([userMessage("u1").item, completed]) },
    ],
    "items.list": [{ json: { data: [pending], has_more: false } }, { json: { data: [completed], has_more: false } }],
  });
  const session = new ChatSession({ transport });
  const { host, applied } = fakeHost();
  const approvals = new StepApprovals(session, host);
  session.toolFallback = () => (args, ctx) => approvals.step("run_cell", args, ctx.item, ctx.signal, ctx.resumed === true);
  const tell = (detail: TurnSignal): boolean => win.dispatchEvent(new CustomEvent(TURN_SIGNAL, { detail }));
  try {
    // This page shows the step's card (resumed: asked of it too), nobody clicks.
    const opened = session.openThread(TID);
    await until(() => approvals.live.get("s1")?.phase === "waiting");
    assert.equal(approvals.live.get("s1")?.begun, undefined);
    // Another page begins it: the server says so.
    tell({ threadId: TID, phase: "ended", source: FROM_SERVER, lastItemId: "s1", stepStarted: "s1" });
    await until(() => approvals.live.get("s1")?.begun === true);
    // It sent the result (a turn runs on it): the card goes, the thread shows the outcome.
    tell({ threadId: TID, phase: "started", source: FROM_SERVER, lastItemId: null, stepStarted: null });
    await opened;
    await until(() => (session.state.items.at(-1) as { status?: string } | undefined)?.status === "completed");
    assert.equal(approvals.live.get("s1"), undefined);
    assert.equal(applied.length, 0);
    assert.deepEqual(
      transport.sent.filter((r) => r.type === "threads.add_client_tool_output" || r.type === "turn.step_started"),
      [],
    );
    // Its change is in the other page's notebook (unsaved), not this page's: its card
    // never says it is gone (as a change a reload lost would be).
    host.presence = () => "gone";
    const step = { name: "insert_cell", args: { source: "a" }, undo: { cell_id: "n1" } };
    assert.equal(approvals.changeGone("s1", step), false);
    assert.equal(approvals.changeGone("s2", step), true);
  } finally {
    approvals.dispose();
    delete globals.window;
  }
});
