/**
 * A step tells the server it begins (TURN.STEP_STARTED) before it touches the notebook;
 * a page reloaded mid-step finds it begun and does not carry it out again without a
 * click; another tab is refused the same step; a resumed card offers no Approve all;
 * tooltips show bidi controls as code points.
 */
import assert from "node:assert/strict";
import test from "node:test";
import { STEP_STARTED_KEY, STEP_STATUS, TURN } from "../src/protocol";
import { revealText } from "../src/ui/bidi";
import { agentSession, done, fakeHost, sse, stepCall, storedThread, threadCreated, TID, userMessage } from "./agentsteps";
import { stoppedAfterBegun } from "../src/client/stepstarts";

const ownTurn = (name = "run_cell") => sse(threadCreated(), userMessage("u1"), stepCall("s1", name, { index: 3 }));
const sentTypes = (sent: { type: string }[]) => sent.map((r) => r.type);
const outputs = (sent: { type: string; params: { result?: Record<string, unknown> } }[]) =>
  sent.filter((r) => r.type === "threads.add_client_tool_output").map((r) => r.params.result ?? {});
/** A stored thread waiting for step s1 (a run of cell 4), begun by a page when `begun`. */
const waitingThread = (begun: boolean, name = "run_cell") => ({
  ...storedThread([userMessage("u1").item, stepCall("s1", name, { index: 3 }).item]),
  metadata: begun ? { [STEP_STARTED_KEY]: "s1" } : {},
});

test("an approved step tells the server it begins, and is applied only once the server knows", async () => {
  const t = agentSession(
    {
      "threads.create": [{ sse: ownTurn() }],
      [TURN.STEP_STARTED]: [{ json: { started: true } }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "approve",
  );
  const sentWhenApplied: string[][] = [];
  const apply = t.host.apply;
  t.host.apply = (...a) => {
    sentWhenApplied.push(sentTypes(t.transport.sent));
    return apply(...a);
  };
  await t.session.send("go");
  assert.equal(t.applied.length, 1);
  assert.deepEqual(sentWhenApplied, [["threads.create", TURN.STEP_STARTED]]);
  const begin = t.transport.sent[1];
  assert.equal(begin.params.thread_id, TID);
  assert.equal(begin.params.item_id, "s1");
  assert.match(begin.params.page, /^[A-Za-z0-9_-]{1,64}$/);
  assert.equal(begin.params.again, undefined);
  assert.deepEqual(outputs(t.transport.sent), [{ status: "ok" }]);
});

test("a server that cannot be told leaves the approved step to run as before", async () => {
  const t = agentSession(
    {
      "threads.create": [{ sse: ownTurn() }],
      [TURN.STEP_STARTED]: [{ error: new Error("network down") }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "approve",
  );
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    await t.session.send("go");
  } finally {
    console.warn = warn;
  }
  assert.equal(t.applied.length, 1);
});

test("a step resumed after a reload that a page began is not carried out again; the model is told its result is unknown", async () => {
  for (const name of ["run_cell", "edit_cell", "insert_cell"]) {
    const t = agentSession(
      {
        "threads.get_by_id": [{ json: waitingThread(true, name) }],
        "threads.add_client_tool_output": [{ sse: done }],
      },
      () => "read",
    );
    t.approvals.autoRun = true;
    t.approvals.autoApprove = true;
    await t.session.openThread(TID);
    assert.deepEqual(t.cards, ["s1"], name);
    assert.deepEqual(t.begun, ["s1"], name);
    assert.deepEqual(t.approveAll, [], name);
    assert.equal(t.applied.length, 0, name);
    // Nothing began: nothing was asked of the server but the result.
    assert.ok(!sentTypes(t.transport.sent).includes(TURN.STEP_STARTED), name);
    const [result] = outputs(t.transport.sent);
    assert.equal(result.status, STEP_STATUS.UNKNOWN, name);
    // With what the cell shows now (read, not run).
    assert.deepEqual(result.cell, { index: 3, outputs: [{ text: "shown now" }] }, name);
  }
});

test("a begun step runs again only on its card's click, and the server is told it is asked again", async () => {
  const t = agentSession(
    {
      "threads.get_by_id": [{ json: waitingThread(true) }],
      [TURN.STEP_STARTED]: [{ json: { started: true } }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "again",
  );
  await t.session.openThread(TID);
  assert.equal(t.applied.length, 1);
  const begin = t.transport.sent.find((r) => r.type === TURN.STEP_STARTED);
  assert.equal(begin?.params.again, true);
  assert.deepEqual(outputs(t.transport.sent), [{ status: "ok" }]);
});

test("a resumed step no page began asks as before, one by one: its card offers no Approve all", async () => {
  const t = agentSession(
    {
      "threads.get_by_id": [{ json: waitingThread(false) }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "all",
  );
  await t.session.openThread(TID);
  assert.deepEqual(t.mayHaveRun, []);
  assert.deepEqual(t.begun, []);
  assert.deepEqual(t.approveAll, []);
  // The page's own steps still offer it.
  const own = agentSession(
    { "threads.create": [{ sse: ownTurn() }], "threads.add_client_tool_output": [{ sse: done }] },
    () => "skip",
  );
  await own.session.send("go");
  assert.deepEqual(own.approveAll, ["s1"]);
});

test("another tab began the step first: the card says so, and nothing runs here unless clicked", async () => {
  const answers: string[] = [];
  const t = agentSession(
    {
      "threads.create": [{ sse: ownTurn() }],
      [TURN.STEP_STARTED]: [{ json: { started: false, reason: "elsewhere" } }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    (_id, live) => {
      const a = live.begun ? "read" : "approve";
      answers.push(a);
      return a;
    },
  );
  await t.session.send("go");
  assert.deepEqual(answers, ["approve", "read"]);
  assert.deepEqual(t.begun, ["s1"]);
  assert.equal(t.applied.length, 0);
  assert.equal(outputs(t.transport.sent)[0].status, STEP_STATUS.UNKNOWN);
});

test("a step begun by another chat: the model is told every place it may have begun, not only a tab", async () => {
  // The server says only that another runner began it: another tab, another window or
  // browser, or the other chat of this very page (the sidebar's and a notebook's widget).
  const t = agentSession(
    {
      "threads.create": [{ sse: ownTurn() }],
      [TURN.STEP_STARTED]: [{ json: { started: false, reason: "elsewhere" } }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    (_id, live) => (live.begun ? "read" : "approve"),
  );
  await t.session.send("go");
  const note = String(outputs(t.transport.sent)[0].note);
  for (const place of ["tab", "window", "browser", "same page"]) assert.match(note, new RegExp(place), note);
  assert.doesNotMatch(stoppedAfterBegun().note as string, /\(or in another tab\)/);
  assert.match(stoppedAfterBegun().note as string, /window/);
});

test("a step another tab already answered does not run: the thread is shown as it is now", async () => {
  const answered = storedThread([
    userMessage("u1").item,
    { ...stepCall("s1", "run_cell", { index: 3 }).item, status: "completed", output: { status: "ok" } },
  ]);
  const t = agentSession(
    {
      "threads.create": [{ sse: ownTurn() }],
      [TURN.STEP_STARTED]: [{ json: { started: false, reason: "answered" } }],
      "threads.get_by_id": [{ json: answered }],
    },
    () => "approve",
  );
  await t.session.send("go");
  // The thread is opened again (in the background): wait for it.
  const last = () => t.session.state.items.at(-1) as { status?: string } | undefined;
  for (let i = 0; i < 100 && last()?.status !== "completed"; i++) await new Promise((r) => setTimeout(r, 0));
  assert.equal(t.applied.length, 0);
  assert.deepEqual(outputs(t.transport.sent), []);
  assert.equal((t.session.state.items.at(-1) as { status?: string }).status, "completed");
  assert.equal(t.session.busy, false);
});

test("Stop while the server is asked: the step does not run", async () => {
  const t = agentSession(
    {
      "threads.create": [{ sse: ownTurn() }],
      [TURN.STEP_STARTED]: [{ json: { started: true } }],
      "threads.add_client_tool_output": [{ sse: done }],
      "turn.stop": [{ json: { stopped: true } }],
    },
    () => "approve",
  );
  // Stop the moment the step is approved, before the server answered.
  const send = t.transport.send.bind(t.transport);
  t.transport.send = async (body, signal) => {
    if ((body as { type: string }).type === TURN.STEP_STARTED) t.session.cancel();
    return send(body, signal);
  };
  await t.session.send("go");
  assert.equal(t.applied.length, 0);
  assert.equal(outputs(t.transport.sent)[0]?.status, STEP_STATUS.STOPPED);
});

test("tooltips show bidi controls and zero-width characters as code points", () => {
  assert.equal(revealText("x\u202egnp.ipynb"), "x[U+202E]gnp.ipynb");
  assert.equal(revealText("a\u200bb\u2066c\rd"), "a[U+200B]b[U+2066]c[U+000D]d");
  assert.equal(revealText("plain/name.ipynb"), "plain/name.ipynb");
  assert.equal(revealText("a\r\nb"), "a\r\nb");
});

test("the %chat widget's host reads a begun step's cell through the view's notebook host", async () => {
  const { viewsAgentHost } = await import("../src/widget");
  const read: string[] = [];
  const first = {
    ...fakeHost().host,
    current: async (name: string) => {
      read.push(name);
      return { cell: { index: 0 } };
    },
  };
  const el = { isConnected: false } as unknown as HTMLElement;
  const host = viewsAgentHost(first, el, () => el);
  assert.deepEqual(await host.current?.("run_cell", { index: 0 }), { cell: { index: 0 } });
  assert.deepEqual(read, ["run_cell"]);
});

test("a card shown in two tabs, answered in the other one first: Skip or Read sends nothing, the thread is shown as it is", async () => {
  for (const [begun, decision] of [
    [false, "skip"],
    [true, "read"],
  ] as const) {
    const answered = { ...stepCall("s1", "run_cell", { index: 3 }).item, status: "completed", output: { status: "ok" } };
    const t = agentSession(
      {
        "threads.get_by_id": [{ json: waitingThread(begun) }, { json: storedThread([userMessage("u1").item, answered]) }],
        "items.list": [{ json: { data: [answered], has_more: false } }],
      },
      () => decision,
    );
    await t.session.openThread(TID);
    const last = () => t.session.state.items.at(-1) as { status?: string } | undefined;
    for (let i = 0; i < 100 && last()?.status !== "completed"; i++) await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(outputs(t.transport.sent), [], decision);
    assert.equal(last()?.status, "completed", decision);
    assert.equal(t.applied.length, 0, decision);
  }
  // Still waiting there: the answer goes as before.
  const waiting = stepCall("s1", "run_cell", { index: 3 }).item;
  const t = agentSession(
    {
      "threads.get_by_id": [{ json: waitingThread(false) }],
      "items.list": [{ json: { data: [waiting], has_more: false } }],
      "threads.add_client_tool_output": [{ sse: done }],
    },
    () => "skip",
  );
  await t.session.openThread(TID);
  assert.equal(outputs(t.transport.sent)[0]?.status, STEP_STATUS.SKIPPED);
});

test("Stop on a begun step's card tells the model the step may have run", async () => {
  const t = agentSession(
    {
      "threads.get_by_id": [{ json: waitingThread(true) }],
      "threads.add_client_tool_output": [{ sse: done }],
      "turn.stop": [{ json: { stopped: true } }],
    },
    () => "read",
  );
  // Stop as its card comes up, instead of answering it.
  t.session.toolFallback = ((fallback) => (name: string) => {
    const handler = fallback?.(name);
    return handler && ((args, ctx) => {
      queueMicrotask(() => t.session.cancel());
      return handler(args, ctx);
    });
  })(t.session.toolFallback);
  await t.session.openThread(TID);
  for (let i = 0; i < 50 && !outputs(t.transport.sent).length; i++) await new Promise((r) => setTimeout(r, 0));
  const [result] = outputs(t.transport.sent);
  assert.equal(result.status, STEP_STATUS.STOPPED);
  assert.equal(result.may_have_run, true);
  assert.equal(t.applied.length, 0);
});
