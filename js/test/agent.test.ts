/** Agent steps: which calls are steps, request metadata, approval cards and Approve all, the Ask / Agent switch. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatSession } from "../src/client/session";
import type { ThreadMetadata } from "../src/client/types";
import { STEP_STARTED_KEY, TURN } from "../src/protocol";
import { isStep, stepTitle, threadMode } from "../src/ui/agent";
import { type BegunSteps, begunHere, recordBegun } from "../src/client/stepstarts";
import { AT, agentSession, done, sse, stepCall, storedStep, storedThread, threadCreated, TID, userMessage } from "./agentsteps";
import { fixtures, scriptedTransport } from "./helpers";

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

/** A page's localStorage, in memory. */
function memoryStorage(): BegunSteps {
  const kept = new Map<string, string>();
  return { getItem: (k) => kept.get(k) ?? null, setItem: (k, v) => void kept.set(k, v) };
}

test("a resumed step only waiting for approval asks again plainly; one the page began says it may have run", async () => {
  // An edit the server knows was begun (and answered), then a run that only waited: a
  // reload finds the run pending, with the edit's id still in the thread's step record.
  const edit = storedStep("s1", "edit_cell", { index: 0, new_source: "x = 2" }, { status: "applied", diff: "-x\n+x = 2" });
  const thread = () => ({
    ...storedThread([userMessage("u1").item, edit, stepCall("s2", "run_cell", { index: 0 }).item]),
    metadata: { [STEP_STARTED_KEY]: "s1" },
  });
  const waitedSteps = memoryStorage();
  const waited = agentSession(
    { "threads.get_by_id": [{ json: thread() }], "threads.add_client_tool_output": [{ sse: done }] },
    () => "approve",
    waitedSteps,
  );
  await waited.session.openThread(TID);
  assert.deepEqual(waited.cards, ["s2"]);
  assert.deepEqual(waited.mayHaveRun, []);
  assert.deepEqual(waited.begun, []);
  assert.deepEqual(
    waited.applied.map((a) => a.name),
    ["run_cell"],
  );
  // Carried out, it is in the page's record (kept for a reload meanwhile).
  assert.equal(begunHere(waitedSteps, "s2"), true);
  // The page's record (its localStorage) says the run began here before the reload: the
  // card warns it may have run, and nothing runs without a click.
  const begunSteps = memoryStorage();
  recordBegun(begunSteps, "s2");
  const began = agentSession(
    { "threads.get_by_id": [{ json: thread() }], "threads.add_client_tool_output": [{ sse: done }] },
    () => "skip",
    begunSteps,
  );
  await began.session.openThread(TID);
  assert.deepEqual(began.mayHaveRun, ["s2"]);
  assert.deepEqual(began.applied, []);
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

test("Stop ends a step whose card waits for its preview (a notebook closed while it loads never gives one)", async () => {
  const pending = stepCall("s1", "run_cell", { index: 3 }).item;
  const t = agentSession(
    {
      "threads.get_by_id": [{ json: storedThread([userMessage("u1").item, pending]) }],
      "threads.add_client_tool_output": [{ sse: done }],
      [TURN.STOP]: [{ json: { stopped: false } }],
    },
    () => "approve",
  );
  t.host.preview = () => {
    queueMicrotask(() => t.session.cancel());
    return new Promise(() => undefined);
  };
  await t.session.openThread(TID);
  assert.equal(t.session.busy, false);
  assert.equal(t.applied.length, 0);
  // The step is answered as stopped (the turn ends), not left waiting.
  const answer = t.transport.sent.find((r) => r.type === "threads.add_client_tool_output");
  assert.equal((answer?.params.result as { status?: string } | undefined)?.status, "stopped");
  assert.equal(t.approvals.live.get("s1"), undefined);
});

test("a step its preview refuses (a kept-out cell) is answered at once: no card to approve, nothing applied", async () => {
  const t = agentSession(
    {
      "threads.create": [{ sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "run_cell", { index: 3 })) }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "approve",
  );
  t.host.preview = async () => ({ problem: "Cell 4 is kept out.", refusal: "kept out: do not try again" });
  await t.session.send("go");
  assert.deepEqual(t.cards, []);
  assert.equal(t.applied.length, 0);
  const answer = t.transport.sent.find((r) => r.type === "threads.add_client_tool_output");
  assert.deepEqual(answer?.params.result, { status: "failed", error: "kept out: do not try again" });
  assert.equal(t.approvals.live.get("s1"), undefined);
});

/** The step results a session sent. */
const stepResults = (sent: { type: string; params: unknown }[]) =>
  sent
    .filter((r) => r.type === "threads.add_client_tool_output")
    .map((r) => (r.params as { result?: Record<string, unknown> }).result ?? {});

test("a run of a cell whose agent edit was lost (reloaded before saving) asks even with Auto-run, says so, and the model is told", async () => {
  // The stored edit of cell 0 ("old" → "x = 2"); after the reload the cell holds "old" again.
  const edit = storedStep(
    "s1",
    "edit_cell",
    { index: 0, new_source: "x = 2" },
    { status: "applied", notebook: "a.ipynb", undo: { cell_id: "id0", before: "old" } },
  );
  const answered = { id: "a1", thread_id: TID, created_at: AT, type: "assistant_message", content: [] };
  const session = (source: string) => {
    const t = agentSession(
      {
        "threads.get_by_id": [{ json: storedThread([userMessage("u1").item, edit, answered]) }],
        "threads.add_user_message": [{ sse: sse(userMessage("u2"), stepCall("s2", "run_cell", { index: 0 })) }],
        "threads.add_client_tool_output": [{ sse: done }],
      },
      () => "approve",
    );
    t.cells[0].source = source;
    t.approvals.autoRun = true;
    // As the lab's presence (stepguard.stepPresence): where the edit's cell stands now.
    t.host.presence = (step) => {
      const cell = t.cells.find((c) => c.id === step.undo.cell_id);
      if (!cell) return "changed";
      return cell.source === step.args.new_source ? "there" : cell.source === step.undo.before ? "gone" : "changed";
    };
    return t;
  };
  const lost = session("old");
  await lost.session.openThread(TID);
  await lost.session.send("run it");
  assert.deepEqual(lost.cards, ["s2"], "Auto-run does not run a cell whose edit was lost");
  assert.equal(lost.approvals.live.size, 0);
  assert.equal(typeof stepResults(lost.transport.sent)[0]?.agent_edit_lost, "string");
  // The edit still there: Auto-run runs it without a card, and nothing is added for the model.
  const kept = session("x = 2");
  await kept.session.openThread(TID);
  await kept.session.send("run it");
  assert.deepEqual(kept.cards, []);
  assert.deepEqual(
    kept.applied.map((a) => a.name),
    ["run_cell"],
  );
  assert.deepEqual(stepResults(kept.transport.sent).length, 1);
  assert.equal(stepResults(kept.transport.sent)[0]?.agent_edit_lost, undefined);
});

test("a step impossible as its card shows it (no such cell) is answered at once with why: no Approve that could only fail", async () => {
  const t = agentSession(
    {
      "threads.create": [{ sse: sse(threadCreated(), userMessage("u1"), stepCall("s1", "edit_cell", { index: 9, new_source: "z" })) }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "approve",
  );
  t.host.preview = async () => ({ problem: "The notebook has no cell 10.", notebook: "a.ipynb" });
  await t.session.send("go");
  assert.deepEqual(t.cards, []);
  assert.equal(t.applied.length, 0);
  const answer = t.transport.sent.find((r) => r.type === "threads.add_client_tool_output");
  assert.deepEqual(answer?.params.result, { status: "failed", error: "The notebook has no cell 10." });
});
