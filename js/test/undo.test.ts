/** Undo of agent steps: undo records, Undo newest first, after a reload, and changes put back when an Undo cannot be recorded. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  StepApprovals,
  toolRoundCap,
  undoableSteps,
  undoFailedText,
  undoReportText,
  undoWithheld,
  withUndo,
} from "../src/client/approvals";
import { ChatSession } from "../src/client/session";
import type { ThreadItem } from "../src/client/types";
import {
  agentSession,
  appliedEdit,
  appliedInsert,
  done,
  fakeHost,
  openedStored,
  replaced,
  sse,
  stepCall,
  storedStep,
  storedThread,
  threadCreated,
  userMessage,
} from "./agentsteps";
import { type Answer, scriptedTransport } from "./helpers";

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

test("after a reload without saving, steps whose change is not in the notebook are gone: no Undo, nothing recorded, nothing touched", async () => {
  const t = await openedStored([userMessage("u1").item, appliedInsert(), appliedEdit()]);
  // The notebook as its file had it: no cell new1, cell id0 with its old source.
  assert.deepEqual(t.cells, [{ id: "id0", source: "old" }]);
  const sent = t.transport.sent.length;
  // Without the host's presence (a notebook not known), Undo finds them gone when it
  // reverts: it says so, and records nothing (nothing was reverted: not "Undone").
  assert.deepEqual(await t.approvals.undoTurn(), { undone: 0, changed: 0, gone: 2, unavailable: 0 });
  assert.deepEqual(t.cells, [{ id: "id0", source: "old" }]);
  assert.equal(t.transport.sent.length, sent, "no agent.undo sent");
  assert.equal(t.approvals.undone.size, 0);
  // With it (the lab's stepPresence), Undo is not offered for them at all.
  t.host.presence = (step) => (step.name === "insert_cell" ? "gone" : t.cells[0].source === step.undo.before ? "gone" : "there");
  assert.deepEqual(t.approvals.undoable(), []);
  assert.deepEqual(await t.approvals.undoTurn(), { undone: 0, changed: 0, gone: 0, unavailable: 0 });
  // The edit back in the cell (the person redid it): Undo offers that one again.
  t.cells[0].source = "b";
  assert.deepEqual(
    t.approvals.undoable().map((s) => s.item.id),
    ["s2"],
  );
  // Held by another tab (applied there, unsaved): neither gone nor Undo's here.
  t.host.presence = () => "held";
  assert.deepEqual(t.approvals.undoable(), []);
  const [first] = undoableSteps(t.session.state.items);
  assert.equal(t.approvals.changeHeld(first.step), true);
  assert.equal(t.approvals.changeGone(first.item.id, first.step), false);
});

test("what an Undo did reads as one plain sentence per outcome", () => {
  const none = { undone: 0, changed: 0, gone: 0, unavailable: 0 };
  const sentences = (text: string) => text.split(/(?<=\.) /);
  assert.equal(sentences(undoReportText(none)).length, 1);
  assert.equal(sentences(undoReportText({ ...none, undone: 2 })).length, 1);
  assert.equal(sentences(undoReportText({ ...none, gone: 1 })).length, 1);
  assert.equal(sentences(undoReportText({ ...none, undone: 1, changed: 1 })).length, 2);
  const all = undoReportText({ ...none, undone: 1, changed: 2, gone: 1, unavailable: 1, elsewhere: ["b.ipynb"] });
  assert.equal(sentences(all).length, 4, all);
  // An Undo that could not be recorded says why and what became of the changes, once.
  const failed = undoFailedText("the server did not answer", 1);
  assert.equal(sentences(failed).length, 1, failed);
  assert.ok(failed.includes("the server did not answer"), failed);
  assert.ok(all.includes("b.ipynb"), all);
  // No clause says the same thing twice ("Nothing reverted; ... nothing to revert").
  for (const report of [{ ...none, gone: 2 }, { ...none, changed: 1 }, { ...none, unavailable: 1 }]) {
    const text = undoReportText(report).toLowerCase();
    assert.ok(!text.includes(";"), text);
    assert.ok((text.match(/nothing/g) ?? []).length <= 1, text);
  }
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
  // The step's place comes with its record (found there when its cell's id is new).
  const placed = replaced("s3", "insert_cell", { source: "b" }, { status: "applied", index: 2, undo: { cell_id: "n" } }).item;
  assert.equal(undoableSteps([placed] as ThreadItem[])[0].step.index, 2);
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
