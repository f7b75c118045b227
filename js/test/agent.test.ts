import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type AgentHost,
  type StepPreview,
  StepApprovals,
  toolRoundCap,
  type UndoStep,
  undoableSteps,
  undoWithheld,
  withUndo,
} from "../src/client/approvals";
import { ChatSession } from "../src/client/session";
import type { ThreadItem, ThreadMetadata } from "../src/client/types";
import { isStep, stepTitle, threadMode } from "../src/ui/agent";
import { type Answer, fixtures, scriptedTransport } from "./helpers";
import { TURN } from "../src/protocol";

test("agent steps: which calls need approval, and what their cards say", () => {
  assert.ok(isStep("insert_cell") && isStep("edit_cell") && isStep("run_cell"));
  assert.ok(isStep("mcp__docs__search"));
  assert.ok(!isStep("get_notebook_cells") && !isStep("list_kernel_variables"));
  assert.equal(stepTitle("run_cell", { index: 2 }), "Run cell 3");
  assert.equal(stepTitle("edit_cell", { index: 0 }), "Edit cell 1");
  assert.equal(stepTitle("insert_cell", { source: "x", after: -1 }), "Insert a cell at the top");
  assert.equal(stepTitle("insert_cell", { source: "x", cell_type: "markdown", after: 1 }), "Insert a Markdown cell after cell 2");
  assert.equal(stepTitle("run_cell", { index: "2" }), "Run a cell");
  assert.equal(stepTitle("mcp__docs__search", {}), "Use search (docs)");
});

test("every message carries the request metadata; a new thread's with its own", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
  });
  const session = new ChatSession({ transport, clientTools: { list_kernel_variables: async () => ({}) } });
  session.requestMetadata = () => ({ agent: { mode: "agent", auto_run: false } });
  await session.send("x", { metadata: { notebook: "a.ipynb" } });
  assert.deepEqual(transport.sent[0].metadata, { notebook: "a.ipynb", agent: { mode: "agent", auto_run: false } });
  // A tool output is no message: it carries none.
  assert.equal(transport.sent[1].metadata, undefined);
});

test("calls not in clientTools go to the fallback (approval cards)", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
  });
  const session = new ChatSession({ transport });
  const asked: string[] = [];
  session.toolFallback = (name) => {
    asked.push(name);
    return async () => ({ status: "skipped" });
  };
  await session.send("x");
  assert.deepEqual(asked, ["list_kernel_variables"]);
  assert.deepEqual(transport.sent[1].params.result, { status: "skipped" });
});

test("a step stopped by Stop is recorded (ending the turn); other cancelled calls are not", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: "" }],
    [TURN.STOP]: [{ json: { stopped: false } }],
  });
  const session = new ChatSession({
    transport,
    clientTools: {
      list_kernel_variables: async (_args, { signal }) => {
        session.cancel();
        assert.equal(signal.aborted, true);
        return { status: "stopped", interrupted: true };
      },
    },
  });
  await session.send("x");
  const sent = transport.sent.filter((r) => r.type !== TURN.STOP);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1].params.result, { status: "stopped", interrupted: true });
  assert.equal(session.busy, false);
  const call = session.state.items.find((i) => i.type === "client_tool_call");
  assert.equal(call?.type === "client_tool_call" && call.status, "completed");
});

// ---------------------------------------------------------------- approval decisions

const AT = "2025-01-02T03:04:06";
const TID = "thr_a";

function sse(...events: object[]): string {
  return events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("");
}
const threadCreated = (id = TID) => ({
  type: "thread.created",
  thread: { id, created_at: AT, status: { type: "active" }, metadata: {}, items: { data: [], has_more: false } },
});
const userMessage = (id: string, thread = TID) => ({
  type: "thread.item.done",
  item: { id, thread_id: thread, created_at: AT, type: "user_message", content: [{ type: "input_text", text: "go" }], attachments: [], inference_options: {} },
});
const stepCall = (id: string, name: string, args: Record<string, unknown>, thread = TID) => ({
  type: "thread.item.done",
  item: { id, thread_id: thread, created_at: AT, type: "client_tool_call", status: "pending", call_id: `c_${id}`, name, arguments: args },
});
const done = sse({ type: "thread.item.done", item: { id: "end", thread_id: TID, created_at: AT, type: "assistant_message", content: [] } });

/**
 * A host that records what it was asked; previews name a notebook and a cell id. Its
 * notebook is a list of cells (id, source) that inserts and edits change and Undo reverts.
 */
function fakeHost() {
  const applied: { name: string; args: Record<string, unknown>; shown?: StepPreview }[] = [];
  const turns: string[] = [];
  const reverted: UndoStep[] = [];
  const cells: { id: string; source: string }[] = [{ id: "id0", source: "old" }];
  /** The notebook open here (Undo reaches only its steps). */
  const here = { notebook: "a.ipynb" };
  const host: AgentHost = {
    preview: async (_name, args) => ({ code: `cell ${String(args.index)}`, cellId: `id${String(args.index)}`, notebook: "a.ipynb" }),
    apply: async (name, args, _signal, shown) => {
      applied.push({ name, args, shown });
      if (name === "insert_cell") {
        const id = `new${cells.length}`;
        cells.push({ id, source: String(args.source) });
        return { result: { status: "applied", notebook: "a.ipynb" }, undo: { cell_id: id } };
      }
      if (name === "edit_cell") {
        const cell = cells[Number(args.index)];
        const before = cell.source;
        cell.source = String(args.new_source);
        return { result: { status: "applied", notebook: "a.ipynb" }, undo: { cell_id: cell.id, before } };
      }
      return { result: { status: "ok" } };
    },
    // As the lab's revertStep (js/lab/test/stepguard.test.ts tests that one).
    revert: (step) => {
      if (step.notebook !== here.notebook) return "unavailable";
      const i = cells.findIndex((c) => c.id === step.undo.cell_id);
      const wrote = String(step.name === "insert_cell" ? step.args.source : step.args.new_source);
      if (i < 0) return step.name === "insert_cell" ? "gone" : "changed";
      const cell = cells[i];
      if (cell.source !== wrote) return cell.source === step.undo.before ? "gone" : "changed";
      reverted.push(step);
      if (step.name === "insert_cell") {
        cells.splice(i, 1);
        const restore = (): boolean => {
          cells.splice(i, 0, cell);
          return true;
        };
        return { outcome: "undone", restore };
      }
      cell.source = step.undo.before ?? "";
      const restore = (): boolean => {
        cell.source = wrote;
        return true;
      };
      return { outcome: "undone", restore };
    },
    diff: () => {
      throw new Error("no DOM here");
    },
    beginTurn: () => turns.push("begin"),
    endTurn: () => turns.push("end"),
  };
  return { host, applied, turns, cells, reverted, here };
}

/**
 * A session whose step calls go to a StepApprovals; `answer` decides each card as it
 * is shown ("all": Approve all in this turn). Returns what the cards were shown for.
 */
function agentSession(script: Record<string, Answer[]>, answer: (id: string) => "approve" | "skip" | "all") {
  const transport = scriptedTransport(script);
  const session = new ChatSession({ transport });
  const { host, applied, turns, cells, reverted, here } = fakeHost();
  const cards: string[] = [];
  // The cards that said their step may already have been carried out.
  const mayHaveRun: string[] = [];
  const approvals: StepApprovals = new StepApprovals(session, host, (id) => {
    const live = id ? approvals.live.get(id) : undefined;
    if (!id || live?.phase !== "waiting" || cards.includes(id)) return;
    cards.push(id);
    if (live.mayHaveRun) mayHaveRun.push(id);
    const a = answer(id);
    queueMicrotask(() => (a === "all" ? live.approveAll?.() : live.decide?.(a)));
  });
  // As ui/agent.ts hands them over.
  session.toolFallback = (name) => (args, ctx) => approvals.step(name, args, ctx.item, ctx.signal, ctx.resumed === true);
  return { session, transport, approvals, applied, turns, cards, mayHaveRun, cells, reverted, here, host };
}

test("Approve all holds for the rest of its turn only: Regenerate, an edited message and another thread show cards again", async () => {
  const t = agentSession(
    {
      "threads.create": [{ sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "run_cell", { index: 0 })) }],
      "threads.add_client_tool_output": [
        // The same turn: the next step runs without a card.
        { sse: sse(stepCall("s2", "edit_cell", { index: 1, new_source: "x" })) },
        { sse: done },
        // Regenerate's step.
        { sse: done },
        // The edited message's step.
        { sse: done },
        { sse: done },
      ],
      "threads.retry_after_item": [{ sse: sse(stepCall("s3", "run_cell", { index: 0 })) }],
      "threads.custom_action": [{ sse: sse(stepCall("s4", "run_cell", { index: 2 })) }],
      "threads.add_user_message": [{ sse: sse(userMessage("u2"), stepCall("s5", "insert_cell", { source: "y" })) }],
    },
    (id) => (id === "s1" ? "all" : "skip"),
  );
  await t.session.send("go");
  assert.deepEqual(t.cards, ["s1"]);
  assert.deepEqual(
    t.applied.map((a) => a.name),
    ["run_cell", "edit_cell"],
  );
  assert.equal(t.approvals.approvingAll, false, "the turn ended: Approve all is over");

  await t.session.retry();
  assert.deepEqual(t.cards, ["s1", "s3"], "Regenerate's step waits for its card");
  await t.session.customAction({ type: "message.edit", payload: { item_id: "u1", text: "again" } }, null);
  assert.deepEqual(t.cards, ["s1", "s3", "s4"], "an edited message's step waits for its card");
  await t.session.send("more");
  assert.deepEqual(t.cards, ["s1", "s3", "s4", "s5"]);
  // Skipped steps were never applied.
  assert.equal(t.applied.length, 2);
  // (The last request may be the newest items asked for after the answer: catchup.ts.)
  const lastTurn = t.transport.sent.filter((r: { type: string }) => r.type !== "items.list").at(-1);
  assert.deepEqual(lastTurn.params.result, { status: "skipped", note: "The user skipped this step; it was not carried out." });
  // Every streaming request was a turn of its own for the host (it pins the notebook).
  assert.deepEqual(t.turns, ["begin", "end", "begin", "end", "begin", "end", "begin", "end"]);
});

test("Approve all does not carry over to another thread, nor does the undo list", async () => {
  const other = "thr_b";
  const t = agentSession(
    {
      "threads.create": [
        { sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "insert_cell", { source: "a" })) },
        { sse: sse(threadCreated(other), userMessage("u9", other), stepCall("s9", "insert_cell", { source: "b" }, other)) },
      ],
      "threads.add_client_tool_output": [{ sse: done }, { sse: done }],
    },
    (id) => (id === "s1" ? "all" : "skip"),
  );
  await t.session.send("go");
  assert.equal(t.approvals.undoable().length, 1);
  t.session.newThread();
  assert.equal(t.approvals.undoable().length, 0, "another thread: no undo of this one's changes");
  await t.session.send("go");
  assert.deepEqual(t.cards, ["s1", "s9"]);
  assert.equal(t.applied.length, 1);
});

test("an approved step is applied with what its card showed; an auto-approved one with nothing", async () => {
  const t = agentSession(
    {
      "threads.create": [{ sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "run_cell", { index: 3 })) }],
      "threads.add_client_tool_output": [{ sse: sse(stepCall("s2", "run_cell", { index: 4 })) }, { sse: done }],
    },
    () => "approve",
  );
  await t.session.send("go");
  assert.deepEqual(t.applied[0].shown, { code: "cell 3", cellId: "id3", notebook: "a.ipynb" });
  t.approvals.autoRun = true;
  assert.equal(t.applied.length, 2);
  assert.deepEqual(t.cards, ["s1", "s2"]);
  // Auto-run: no card, so nothing shown to check against.
  const auto = agentSession(
    {
      "threads.create": [{ sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "run_cell", { index: 3 })) }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "skip",
  );
  auto.approvals.autoRun = true;
  await auto.session.send("go");
  assert.deepEqual(auto.cards, []);
  assert.equal(auto.applied[0].shown, undefined);
});

test("a step resumed after a reload asks first, though Auto-run and auto-approve are on", async () => {
  // The page that was to carry it out was reloaded before it sent the result: the step
  // may have run there already. Its Auto-run was for that page's turn.
  for (const name of ["run_cell", "insert_cell"]) {
    const pending = stepCall("s1", name, { index: 3, source: "x" }).item;
    const t = agentSession(
      {
        "threads.get_by_id": [{ json: storedThread([userMessage("u1").item, pending]) }],
        "threads.add_client_tool_output": [{ sse: done }],
      },
      () => "skip",
    );
    t.approvals.autoRun = true;
    t.approvals.autoApprove = true;
    await t.session.openThread(TID);
    assert.deepEqual(t.cards, ["s1"], name);
    assert.equal(t.applied.length, 0, name);
  }
  // A step of the page's own turn still runs without a card.
  const own = agentSession(
    {
      "threads.create": [{ sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "run_cell", { index: 3 })) }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "skip",
  );
  own.approvals.autoRun = true;
  await own.session.send("go");
  assert.deepEqual(own.cards, []);
  assert.equal(own.applied.length, 1);
});

test("a resumed step's card says it may already have been carried out; a step of the page's own turn does not", async () => {
  const pending = stepCall("s1", "run_cell", { index: 3 }).item;
  const resumed = agentSession(
    {
      "threads.get_by_id": [{ json: storedThread([userMessage("u1").item, pending]) }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "skip",
  );
  await resumed.session.openThread(TID);
  assert.deepEqual(resumed.cards, ["s1"]);
  assert.deepEqual(resumed.mayHaveRun, ["s1"]);
  const own = agentSession(
    {
      "threads.create": [{ sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "run_cell", { index: 3 })) }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "skip",
  );
  await own.session.send("go");
  assert.deepEqual(own.cards, ["s1"]);
  assert.deepEqual(own.mayHaveRun, []);
});

test("a running step that has to wait says what for on its card, until it is done", async () => {
  const t = agentSession(
    {
      "threads.create": [{ sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "run_cell", { index: 3 })) }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "approve",
  );
  const seen: (string | undefined)[] = [];
  t.host.apply = async (_name, _args, _signal, _shown, waiting) => {
    seen.push(t.approvals.live.get("s1")?.note);
    waiting?.("what the host waits for");
    seen.push(t.approvals.live.get("s1")?.note);
    return { result: { status: "ok" } };
  };
  await t.session.send("go");
  assert.deepEqual(seen, [undefined, "what the host waits for"]);
  assert.equal(t.approvals.live.get("s1"), undefined);
});

test("Regenerate and widget actions carry the request metadata too (the Ask/Agent switch as it is now)", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: sse(threadCreated(), userMessage("u1")) + done }],
    "threads.retry_after_item": [{ sse: done }],
    "threads.custom_action": [{ sse: done }],
  });
  const session = new ChatSession({ transport });
  let mode = "ask";
  session.requestMetadata = () => ({ agent: { mode, auto_run: false } });
  await session.send("go");
  mode = "agent";
  await session.retry();
  await session.customAction({ type: "message.edit", payload: { item_id: "u1", text: "again" } }, null);
  assert.deepEqual(
    transport.sent.map((r) => [r.type, r.metadata?.agent?.mode]),
    [
      ["threads.create", "ask"],
      ["threads.retry_after_item", "agent"],
      ["threads.custom_action", "agent"],
    ],
  );
});

test("the Ask / Agent switch is per conversation: a new one starts in Ask, an opened one has its own", () => {
  const agentOn = { mode: "agent" as const, autoRun: true };
  assert.deepEqual(threadMode(null, agentOn), { mode: "ask", autoRun: false }, "a new conversation starts in Ask");
  const thread = (metadata: Record<string, unknown>): ThreadMetadata => ({
    id: "thr_x",
    title: null,
    created_at: "2025-01-02T03:04:05",
    status: { type: "active" },
    metadata,
  });
  assert.deepEqual(threadMode(thread({ agent: { mode: "agent", auto_run: false } }), { mode: "ask", autoRun: false }), {
    mode: "agent",
    autoRun: false,
  });
  assert.deepEqual(threadMode(thread({ agent: { mode: "ask" } }), agentOn), { mode: "ask", autoRun: false });
  assert.deepEqual(threadMode(thread({}), agentOn), agentOn, "a thread that recorded no mode keeps the switch");
});

const replaced = (id: string, name: string, args: Record<string, unknown>, output: Record<string, unknown>) => ({
  type: "thread.item.replaced",
  item: { id, thread_id: TID, created_at: AT, type: "client_tool_call", status: "completed", call_id: `c_${id}`, name, arguments: args, output },
});
/** A stored step (a completed client tool call) with its output. */
const storedStep = (id: string, name: string, args: Record<string, unknown>, output: Record<string, unknown>) =>
  replaced(id, name, args, output).item;
/** The stored thread `threads.get_by_id` answers with, holding `data`. */
const storedThread = (data: unknown[]) => ({
  id: TID,
  created_at: AT,
  status: { type: "active" },
  metadata: {},
  items: { data, has_more: false },
});
/** Stored step s1: an insert of "a" as cell new1 in a.ipynb, applied (undoable). */
const appliedInsert = () => storedStep("s1", "insert_cell", { source: "a" }, { status: "applied", notebook: "a.ipynb", undo: { cell_id: "new1" } });
/** Stored step s2: an edit of cell id0 from "old" to "b" in a.ipynb, applied (undoable). */
const appliedEdit = () => storedStep("s2", "edit_cell", { index: 0, new_source: "b" }, { status: "applied", notebook: "a.ipynb", undo: { cell_id: "id0", before: "old" } });

/**
 * An agent session (every card approved) that opened the stored thread holding `items`.
 * `script` answers more requests (by default one Undo record, `threads.custom_action`);
 * its `threads.get_by_id` answers come after the stored thread's.
 */
async function openedStored(items: unknown[], script: Record<string, Answer[]> = {}) {
  const opened = { json: storedThread(items) };
  const t = agentSession(
    {
      "threads.custom_action": [{ sse: "" }],
      ...script,
      "threads.get_by_id": [opened, ...(script["threads.get_by_id"] ?? [])],
    },
    () => "approve",
  );
  await t.session.openThread(TID);
  return t;
}

test("a step's result carries its undo record; Undo reverts newest first and records it on the server", async () => {
  const t = agentSession(
    {
      "threads.create": [{ sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "insert_cell", { source: "a" })) }],
      "threads.add_client_tool_output": [
        { sse: sse(stepCall("s2", "edit_cell", { index: 0, new_source: "b" })) },
        { sse: sse(stepCall("s3", "run_cell", { index: 0 })) },
        { sse: done },
      ],
      // The server's answer: both steps marked undone in the stored thread.
      "threads.custom_action": [
        {
          sse: sse(
            replaced("s2", "edit_cell", { index: 0, new_source: "b" }, { status: "applied", undone: true }),
            replaced("s1", "insert_cell", { source: "a" }, { status: "applied", undone: true }),
          ),
        },
      ],
    },
    () => "approve",
  );
  await t.session.send("go");
  // What goes to the server (and is stored): the result and, apart, the undo record.
  const results = t.transport.sent.filter((r) => r.type === "threads.add_client_tool_output").map((r) => r.params.result);
  assert.deepEqual(results[0], { status: "applied", notebook: "a.ipynb", undo: { cell_id: "new1" } });
  assert.deepEqual(results[1], { status: "applied", notebook: "a.ipynb", undo: { cell_id: "id0", before: "old" } });
  assert.equal(results[2].undo, undefined, "a run has nothing to undo");
  assert.deepEqual(
    t.approvals.undoable().map((s) => s.item.id),
    ["s1", "s2"],
  );

  assert.deepEqual(await t.approvals.undoTurn(), { undone: 2, changed: 0, gone: 0, unavailable: 0 });
  assert.deepEqual(
    t.reverted.map((s) => s.name),
    ["edit_cell", "insert_cell"],
    "newest first",
  );
  assert.deepEqual(t.cells, [{ id: "id0", source: "old" }]);
  const action = t.transport.sent.at(-1);
  assert.equal(action.type, "threads.custom_action");
  assert.deepEqual(action.params.action, { type: "agent.undo", payload: { item_ids: ["s2", "s1"] } });
  // The stored steps say undone now: no second Undo.
  const outputs = t.session.state.items.filter((i) => i.type === "client_tool_call").map((i) => (i as { output: unknown }).output);
  assert.deepEqual(outputs.slice(0, 2), [
    { status: "applied", undone: true },
    { status: "applied", undone: true },
  ]);
  assert.deepEqual(t.approvals.undoable(), []);
  t.session.newThread();
  assert.equal(t.approvals.undone.size, 0, "another thread: its cards are its own");
});

test("after a reload Undo works from the stored steps; a cell changed since is left alone and said so", async () => {
  const items = [
    userMessage("u0").item,
    storedStep("old", "insert_cell", { source: "z" }, { status: "applied", notebook: "a.ipynb", undo: { cell_id: "idz" } }),
    userMessage("u1").item,
    appliedInsert(),
    appliedEdit(),
    storedStep("s3", "edit_cell", { index: 0, new_source: "c" }, { status: "skipped" }),
    storedStep("s4", "insert_cell", { source: "q" }, { status: "applied", notebook: "a.ipynb", undone: true }),
  ];
  const t = await openedStored(items, { "threads.get_by_id": [{ json: storedThread(items) }] });
  // Only the last answer's applied, not undone inserts and edits (the older answer's stays).
  assert.deepEqual(
    undoableSteps(t.session.state.items).map((s) => s.item.id),
    ["s1", "s2"],
  );
  // The notebook as the person left it: cell new1 as inserted, cell id0 edited again by hand.
  t.cells.splice(0, 1, { id: "id0", source: "b, then my own change" }, { id: "new1", source: "a" });
  assert.deepEqual(await t.approvals.undoTurn(), { undone: 1, changed: 1, gone: 0, unavailable: 0 });
  assert.deepEqual(t.cells, [{ id: "id0", source: "b, then my own change" }], "the hand-edited cell stayed");
  assert.ok(t.approvals.kept.has("s2") && t.approvals.undone.has("s1"));
  // The step left alone is recorded too (kept), so a reload refuses it as this page does.
  assert.deepEqual(t.transport.sent.at(-1).params.action.payload, { item_ids: ["s1"], kept_ids: ["s2"] });
  assert.deepEqual(t.approvals.undoable(), [], "no second Undo for this answer here");

  // Nothing reverted (every cell changed): only the kept steps are recorded.
  const u = await openedStored(items);
  u.cells.splice(0, 1, { id: "id0", source: "mine" }, { id: "new1", source: "a, and mine" });
  assert.deepEqual(await u.approvals.undoTurn(), { undone: 0, changed: 2, gone: 0, unavailable: 0 });
  const actions = u.transport.sent.filter((r) => r.type === "threads.custom_action");
  assert.deepEqual(
    actions.map((r) => r.params.action.payload),
    [{ item_ids: [], kept_ids: ["s2", "s1"] }],
  );
});

test("a step an Undo left alone stays refused after a reload: the thread keeps it as kept", () => {
  // The server's answer to kept_ids: the record says why, and keeps no old source.
  const items = [
    userMessage("u1").item,
    appliedInsert(),
    storedStep("s2", "edit_cell", { index: 0, new_source: "b" }, { status: "applied", notebook: "a.ipynb", undo: { cell_id: "id0", withheld: "changed" } }),
    storedStep("s3", "insert_cell", { source: "c" }, { status: "applied", notebook: "a.ipynb", undo: { cell_id: "new3", withheld: "changed" } }),
  ] as ThreadItem[];
  assert.deepEqual(
    undoableSteps(items).map((s) => s.item.id),
    ["s1"],
  );
  assert.equal(undoWithheld((items[2] as { output: unknown }).output), "changed");
});

test("after a reload without saving, steps whose change is not in the notebook are gone: recorded undone, nothing touched", async () => {
  const t = await openedStored([userMessage("u1").item, appliedInsert(), appliedEdit()]);
  // The notebook as its file had it: no cell new1, cell id0 with its old source.
  assert.deepEqual(t.cells, [{ id: "id0", source: "old" }]);
  assert.deepEqual(await t.approvals.undoTurn(), { undone: 0, changed: 0, gone: 2, unavailable: 0 });
  assert.deepEqual(t.cells, [{ id: "id0", source: "old" }]);
  assert.deepEqual(t.transport.sent.at(-1).params.action.payload, { item_ids: ["s2", "s1"] });
  assert.deepEqual(t.approvals.undoable(), []);
});

for (const [how, answer] of [
  ["the server is unreachable", { error: new TypeError("Failed to fetch") }],
  [
    "the server refuses it",
    { sse: sse({ type: "error", code: "custom", message: "Only the agent's inserts and edits in this conversation can be undone.", allow_retry: false }) },
  ],
] as [string, Answer][]) {
  test(`an Undo that cannot be recorded (${how}) puts the changes back, says why, and is offered again`, async () => {
    const t = await openedStored([userMessage("u1").item, appliedInsert(), appliedEdit()], {
      "threads.custom_action": [
        answer,
        { sse: sse(replaced("s2", "edit_cell", { index: 0, new_source: "b" }, { status: "applied", undone: true }), replaced("s1", "insert_cell", { source: "a" }, { status: "applied", undone: true })) },
      ],
    });
    t.cells.splice(0, 1, { id: "id0", source: "b" }, { id: "new1", source: "a" });
    const report = await t.approvals.undoTurn();
    assert.equal(report.undone, 2);
    assert.ok(report.failed, "the report says it failed");
    // The notebook is as before the click, in the same order; the cards are not "Undone".
    assert.deepEqual(t.cells, [{ id: "id0", source: "b" }, { id: "new1", source: "a" }]);
    assert.equal(t.approvals.undone.size, 0);
    // The chat's error says so, readable, without a Retry that would record an undo of
    // changes that are back.
    const error = t.session.state.error;
    assert.equal(error?.message, report.failed);
    assert.equal(error?.allow_retry, false);
    assert.ok(!/\n\s+at /.test(error?.message ?? ""), "no stack trace");
    // Undo is offered again, and works.
    assert.deepEqual(
      t.approvals.undoable().map((s) => s.item.id),
      ["s1", "s2"],
    );
    assert.deepEqual(await t.approvals.undoTurn(), { undone: 2, changed: 0, gone: 0, unavailable: 0 });
    assert.deepEqual(t.cells, [{ id: "id0", source: "old" }]);
    assert.equal(t.session.state.error, null);
    assert.deepEqual(t.approvals.undoable(), []);
  });
}

test("Undo of steps in a notebook not open here is offered again once that notebook is", async () => {
  const t = await openedStored(
    [
      userMessage("u1").item,
      appliedInsert(),
      storedStep("s2", "insert_cell", { source: "b" }, { status: "applied", notebook: "b.ipynb", undo: { cell_id: "newb" } }),
    ],
    { "threads.custom_action": [{ sse: "" }, { sse: "" }] },
  );
  t.cells.push({ id: "new1", source: "a" });
  // A host whose revert has to load first answers with a promise.
  const revert = t.host.revert;
  t.host.revert = async (step) => revert?.(step) ?? "unavailable";
  assert.deepEqual(await t.approvals.undoTurn(), {
    undone: 1,
    changed: 0,
    gone: 0,
    unavailable: 1,
    elsewhere: ["b.ipynb"],
  });
  assert.deepEqual(
    t.approvals.undoable().map((s) => s.item.id),
    ["s2"],
    "the step in b.ipynb is still undoable",
  );
  // The person opens b.ipynb (the step's cell is there as inserted): Undo reaches it.
  t.here.notebook = "b.ipynb";
  t.cells.push({ id: "newb", source: "b" });
  assert.deepEqual(await t.approvals.undoTurn(), { undone: 1, changed: 0, gone: 0, unavailable: 0 });
  assert.deepEqual(t.cells, [{ id: "id0", source: "old" }]);
  const undos = t.transport.sent.filter((r) => r.type === "threads.custom_action").map((r) => r.params.action.payload);
  assert.deepEqual(undos, [{ item_ids: ["s1"] }, { item_ids: ["s2"] }]);
  assert.deepEqual(t.approvals.undoable(), []);
});

test("an undo record too long to keep is dropped; the tool-round guard follows agent_max_steps", async () => {
  assert.deepEqual(withUndo({ status: "applied" }, { cell_id: "a", before: "x" }), { status: "applied", undo: { cell_id: "a", before: "x" } });
  const long = withUndo({ status: "applied" }, { cell_id: "a", before: "x".repeat(20_001) });
  assert.deepEqual(long, { status: "applied", undo: { cell_id: "a", withheld: "too_long" } }, "no old source kept; the record says why");
  assert.equal(undoWithheld(long), "too_long");
  assert.equal(undoWithheld({ status: "applied", undo: { cell_id: "a", before: "x" } }), null);
  // A stored edit whose old source was withheld (too long, or it held a secret) is not undoable.
  const stored = (id: string, undo: Record<string, unknown>) =>
    replaced(id, "edit_cell", { index: 0, new_source: "b" }, { status: "applied", notebook: "a.ipynb", undo }).item;
  assert.deepEqual(
    undoableSteps([
      userMessage("u1").item,
      stored("s1", { cell_id: "c1", withheld: "secret" }),
      stored("s2", { cell_id: "c2", before: "old" }),
    ] as ThreadItem[]).map((s) => s.item.id),
    ["s2"],
  );
  assert.deepEqual(withUndo({ status: "ok" }, undefined), { status: "ok" });
  assert.equal(toolRoundCap(null), 24, "unknown: the default");
  assert.equal(toolRoundCap(10), 24);
  assert.equal(toolRoundCap(50), 104, "50 steps, as many MCP calls, some reads");
  assert.equal(toolRoundCap(10_000_000), 500, "a runaway guard stays");
  assert.equal(toolRoundCap(-3), 24);

  const session = new ChatSession({ transport: scriptedTransport({}) });
  const { host } = fakeHost();
  new StepApprovals(session, { ...host, maxSteps: Promise.resolve(40) });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(session.maxToolRounds, 84);

  // A cap the session's creator set stays as given.
  const fixed = new ChatSession({ transport: scriptedTransport({}), maxToolRounds: 7 });
  new StepApprovals(fixed, { ...host, maxSteps: Promise.resolve(40) });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(fixed.maxToolRounds, 7);
});

test("an Undo whose record cannot be sent (another answer started while it reverted) puts the changes back", async () => {
  const t = await openedStored([userMessage("u1").item, appliedInsert()], {
    "threads.add_user_message": [{ sse: done }],
    "threads.custom_action": [],
  });
  t.cells.push({ id: "new1", source: "a" });
  // A host that loads first: the person sends a message meanwhile.
  const revert = t.host.revert;
  let sent: Promise<void> | undefined;
  t.host.revert = async (step) => {
    sent = t.session.send("something else");
    return revert?.(step) ?? "unavailable";
  };
  const report = await t.approvals.undoTurn();
  assert.match(report.failed ?? "", /another answer is running/);
  assert.deepEqual(t.cells, [
    { id: "id0", source: "old" },
    { id: "new1", source: "a" },
  ]);
  assert.equal(t.transport.sent.filter((r) => r.type === "threads.custom_action").length, 0);
  await sent;
  assert.deepEqual(
    t.approvals.undoable().map((s) => s.item.id),
    ["s1"],
    "Undo is offered again",
  );
  assert.equal(t.approvals.undone.size, 0);
});

test("an Undo whose conversation was left while it reverted records nothing there and puts the changes back", async () => {
  const other = { ...storedThread([userMessage("u9", "thr_b").item]), id: "thr_b" };
  const t = await openedStored([userMessage("u1").item, appliedInsert()], { "threads.get_by_id": [{ json: other }] });
  t.cells.push({ id: "new1", source: "a" });
  // A host that loads first: the person opens another conversation meanwhile.
  const revert = t.host.revert;
  t.host.revert = async (step) => {
    await t.session.openThread("thr_b");
    return revert?.(step) ?? "unavailable";
  };
  const report = await t.approvals.undoTurn();
  assert.equal(t.session.threadId, "thr_b");
  assert.match(report.failed ?? "", /another conversation was opened/);
  assert.deepEqual(t.cells, [
    { id: "id0", source: "old" },
    { id: "new1", source: "a" },
  ]);
  assert.equal(t.transport.sent.filter((r) => r.type === "threads.custom_action").length, 0, "nothing recorded in thr_b");
  assert.equal(t.approvals.undone.size, 0);
});

test("an Undo whose revert fails partway puts back the changes already reverted and says why", async () => {
  const t = await openedStored([userMessage("u1").item, appliedInsert(), appliedEdit()]);
  t.cells.splice(0, 1, { id: "id0", source: "b" }, { id: "new1", source: "a" });
  // The edit (newest) reverts; the insert's notebook then fails to answer.
  const revert = t.host.revert;
  t.host.revert = async (step) => {
    if (step.name === "insert_cell") throw new Error("the notebook closed");
    return revert?.(step) ?? "unavailable";
  };
  const report = await t.approvals.undoTurn();
  assert.match(report.failed ?? "", /^Undo stopped: a change could not be reverted \(the notebook closed\)/);
  assert.equal(report.notRestored, 0);
  assert.deepEqual(t.cells, [
    { id: "id0", source: "b" },
    { id: "new1", source: "a" },
  ]);
  assert.equal(t.transport.sent.filter((r) => r.type === "threads.custom_action").length, 0);
  assert.equal(t.approvals.undone.size, 0);
  assert.deepEqual(
    t.approvals.undoable().map((s) => s.item.id),
    ["s1", "s2"],
    "Undo is offered again",
  );
});
