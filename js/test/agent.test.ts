import assert from "node:assert/strict";
import { test } from "node:test";
import { type AgentHost, type StepPreview, StepApprovals } from "../src/client/approvals";
import { ChatSession } from "../src/client/session";
import type { ThreadMetadata } from "../src/client/types";
import { isStep, stepTitle, threadMode } from "../src/ui/agent";
import { type Answer, fixtures, scriptedTransport } from "./helpers";

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
  assert.equal(transport.sent.length, 2);
  assert.deepEqual(transport.sent[1].params.result, { status: "stopped", interrupted: true });
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

/** A host that records what it was asked; previews name a notebook and a cell id. */
function fakeHost() {
  const applied: { name: string; args: Record<string, unknown>; shown?: StepPreview }[] = [];
  const turns: string[] = [];
  const host: AgentHost = {
    preview: async (_name, args) => ({ code: `cell ${String(args.index)}`, cellId: `id${String(args.index)}`, notebook: "a.ipynb" }),
    apply: async (name, args, _signal, shown) => {
      applied.push({ name, args, shown });
      return { result: { status: name === "run_cell" ? "ok" : "applied" }, undo: () => true };
    },
    diff: () => {
      throw new Error("no DOM here");
    },
    beginTurn: () => turns.push("begin"),
    endTurn: () => turns.push("end"),
  };
  return { host, applied, turns };
}

/**
 * A session whose step calls go to a StepApprovals; `answer` decides each card as it
 * is shown ("all": Approve all in this turn). Returns what the cards were shown for.
 */
function agentSession(script: Record<string, Answer[]>, answer: (id: string) => "approve" | "skip" | "all") {
  const transport = scriptedTransport(script);
  const session = new ChatSession({ transport });
  const { host, applied, turns } = fakeHost();
  const cards: string[] = [];
  const approvals: StepApprovals = new StepApprovals(session, host, (id) => {
    const live = id ? approvals.live.get(id) : undefined;
    if (!id || live?.phase !== "waiting" || cards.includes(id)) return;
    cards.push(id);
    const a = answer(id);
    queueMicrotask(() => (a === "all" ? live.approveAll?.() : live.decide?.(a)));
  });
  session.toolFallback = (name) => (args, ctx) => approvals.step(name, args, ctx.item, ctx.signal);
  return { session, transport, approvals, applied, turns, cards };
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
  assert.deepEqual(t.transport.sent.at(-1).params.result, { status: "skipped", note: "The user skipped this step; it was not carried out." });
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
  assert.equal(t.approvals.undos.length, 1);
  t.session.newThread();
  assert.equal(t.approvals.undos.length, 0, "another thread: no undo of this one's changes");
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

test("Undo agent changes marks the turn's reverted steps as undone (their cards stop saying Done)", async () => {
  const t = agentSession(
    {
      "threads.create": [{ sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "insert_cell", { source: "a" })) }],
      "threads.add_client_tool_output": [{ sse: sse(stepCall("s2", "edit_cell", { index: 0, source: "b" })) }, { sse: done }],
    },
    () => "approve",
  );
  await t.session.send("go");
  assert.equal(t.approvals.undos.length, 2);
  assert.equal(t.approvals.undone.size, 0);
  assert.deepEqual(t.approvals.undoTurn(), { undone: 2, kept: 0 });
  assert.deepEqual([...t.approvals.undone].sort(), ["s1", "s2"]);
  t.session.newThread();
  assert.equal(t.approvals.undone.size, 0, "another thread: its cards are its own");
});
