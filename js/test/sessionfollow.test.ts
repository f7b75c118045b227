/**
 * ChatSession following a turn another chat (or an earlier page) is running, and the
 * failures a thread keeps: said again once the thread is loaded after a reload.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatSession } from "../src/client/session";
import { beginTurn, messageText, STOPPED_ERROR, stateFromThread } from "../src/client/reducer";
import type { ErrorEvent, Thread, ThreadItem } from "../src/client/types";
import { type HandedStore, owe, owedHere, released } from "../src/client/handedcalls";
import { fixtures, scriptedTransport } from "./helpers";
import { EARLIER_FAILURES_KEY, TURN, TURN_FAILURE_KEY } from "../src/protocol";

test("a thread whose answer is being written is followed live, then shown as saved", async () => {
  const at = "2025-01-02T03:04:09";
  const running = { ...fixtures.thread, metadata: { answering: true }, items: { data: [], has_more: false } };
  const saved = {
    ...fixtures.thread,
    metadata: {},
    items: {
      data: [{ id: "m_1", thread_id: fixtures.thread.id, created_at: at, type: "assistant_message", content: [{ type: "output_text", text: "Hello world", annotations: [] }] }],
      has_more: false,
    },
  };
  const watched =
    `data: ${JSON.stringify({ type: "thread.item.added", item: { id: "m_1", thread_id: fixtures.thread.id, created_at: at, type: "assistant_message", content: [{ type: "output_text", text: "Hel", annotations: [] }] } })}\n\n` +
    `data: ${JSON.stringify({ type: "thread.item.updated", item_id: "m_1", update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "lo" } })}\n\n`;
  const transport = scriptedTransport({
    "threads.get_by_id": [{ json: running }, { json: saved }],
    [TURN.WATCH]: [{ sse: watched, chunk: 4096 }],
  });
  const session = new ChatSession({ transport });
  const texts: string[] = [];
  session.subscribe(() => {
    const item = session.state.items.find((i) => i.id === "m_1");
    if (item?.type === "assistant_message") texts.push(`${session.busy}:${messageText(item)}`);
  });
  await session.openThread(fixtures.thread.id);
  assert.ok(texts.includes("true:Hello"), texts.join(" | "));
  assert.deepEqual(
    transport.sent.map((r) => r.type),
    ["threads.get_by_id", TURN.WATCH, "threads.get_by_id"],
  );
  assert.equal(session.busy, false);
  const item = session.state.items.find((i) => i.id === "m_1");
  assert.equal(item?.type === "assistant_message" && messageText(item), "Hello world");
});

test("a thread ending in a client tool call nobody answered runs it when opened, and the answer comes", async () => {
  // The page that was to run the call was reloaded between the server's ask and its
  // result: no turn runs (not answering), and the server waits for the result.
  const saved = fixtures.threadAfterTool.items.data;
  const callAt = saved.findIndex((i: { type: string }) => i.type === "client_tool_call");
  const pendingCall = { ...saved[callAt], status: "pending", output: null } as unknown as {
    name: string;
    arguments: unknown;
  };
  const waiting = {
    ...fixtures.thread,
    metadata: {},
    items: { data: [...saved.slice(0, callAt), pendingCall], has_more: false },
  };
  const transport = scriptedTransport({
    "threads.get_by_id": [{ json: waiting }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput, chunk: 7 }],
  });
  const calls: unknown[] = [];
  // The tab's record names the thread: the turn that asked was this tab's, before the reload.
  const tab = tabRecord();
  owe(tab, fixtures.thread.id);
  released(fixtures.thread.id); // (the reload: no chat of the page runs it now)
  const session = new ChatSession({
    transport,
    handedCalls: tab,
    clientTools: {
      [pendingCall.name]: async (args: unknown) => {
        calls.push(args);
        return { variables: [{ name: "df" }] };
      },
    },
  });
  await session.openThread(fixtures.thread.id);
  assert.deepEqual(calls, [pendingCall.arguments]);
  // Its answer came: the tab owes the thread nothing.
  assert.equal(owedHere(tab, fixtures.thread.id), false);
  assert.equal(tab.getItem("jupyter-chatkit:threads-owed"), "[]");
  assert.deepEqual(
    transport.sent.map((r) => r.type),
    ["threads.get_by_id", "threads.add_client_tool_output"],
  );
  assert.deepEqual(transport.sent[1].params, { thread_id: fixtures.thread.id, result: { variables: [{ name: "df" }] } });
  assert.equal(session.busy, false);
  assert.equal(session.state.items.at(-1)?.type, "assistant_message");

  // Still answering but not followed (its turn may yet ask for the call), or with its call
  // answered: nothing runs.
  const running = { ...waiting, metadata: { answering: true } };
  const quiet = scriptedTransport({ "threads.get_by_id": [{ json: running }, { json: fixtures.thread }] });
  const ran: unknown[] = [];
  const other = new ChatSession({
    transport: quiet,
    handedCalls: tab,
    clientTools: { [pendingCall.name]: async (a: unknown) => ran.push(a) },
  });
  await other.openThread(fixtures.thread.id, false);
  await other.openThread(fixtures.thread.id);
  assert.deepEqual(ran, []);
  assert.deepEqual(quiet.sent.map((r) => r.type), ["threads.get_by_id", "threads.get_by_id"]);
});

test("a turn that ends asking for a client tool before the watch reaches it still gets the result", async () => {
  // A reload mid-answer: the page sees the thread answering, but the turn ends (waiting for
  // the call the reloaded page was to run) before TURN.WATCH reaches the server, so the
  // watch follows nothing. The call must run all the same, or the answer never comes.
  const saved = fixtures.threadAfterTool.items.data;
  const callAt = saved.findIndex((i: { type: string }) => i.type === "client_tool_call");
  const pendingCall = { ...saved[callAt], status: "pending", output: null } as unknown as {
    name: string;
    arguments: unknown;
  };
  const items = { data: [...saved.slice(0, callAt), pendingCall], has_more: false };
  const transport = scriptedTransport({
    "threads.get_by_id": [
      { json: { ...fixtures.thread, metadata: { answering: true }, items } },
      { json: { ...fixtures.thread, metadata: {}, items } },
    ],
    [TURN.WATCH]: [{ sse: "", chunk: 4096 }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput, chunk: 7 }],
  });
  const calls: unknown[] = [];
  // The turn was this tab's, begun before the reload.
  const tab = tabRecord();
  owe(tab, fixtures.thread.id);
  released(fixtures.thread.id);
  const session = new ChatSession({
    transport,
    handedCalls: tab,
    clientTools: { [pendingCall.name]: async (args: unknown) => calls.push(args) },
  });
  await session.openThread(fixtures.thread.id);
  assert.deepEqual(calls, [pendingCall.arguments]);
  assert.deepEqual(
    transport.sent.map((r) => r.type),
    ["threads.get_by_id", TURN.WATCH, "threads.get_by_id", "threads.add_client_tool_output"],
  );
  assert.equal(session.busy, false);
  assert.equal(session.state.items.at(-1)?.type, "assistant_message");
});

/** A tab's sessionStorage, as the handed calls use it. */
function tabRecord(): HandedStore {
  const kept = new Map<string, string>();
  return { getItem: (k) => kept.get(k) ?? null, setItem: (k, v) => void kept.set(k, v) };
}

test("a pending call handed to another client (the kernel's %chat turn, another window) is left to it", async () => {
  // Run All: a %chat widget shows the thread while the kernel's own %chat turn runs the
  // client tool its model asked for. No turn is answering then (the server's turn ended
  // with the call), as after a reload; before, the widget ran the call too: two results,
  // the loser an error (the kernel's cell said it could not answer).
  const saved = fixtures.threadAfterTool.items.data;
  const callAt = saved.findIndex((i: { type: string }) => i.type === "client_tool_call");
  const pendingCall = { ...saved[callAt], id: "tc_kernel", status: "pending", output: null } as unknown as {
    id: string;
    name: string;
  };
  const waiting = { ...fixtures.thread, metadata: {}, items: { data: [...saved.slice(0, callAt), pendingCall], has_more: false } };
  // A tab that left an earlier turn of the thread, which ended without a call: opening the
  // thread then settles the tab's record, so the kernel's call asked later is not its own.
  const answeredThread = { ...fixtures.thread, metadata: {}, items: { data: saved, has_more: false } };
  const earlier = tabRecord();
  owe(earlier, fixtures.thread.id);
  released(fixtures.thread.id);
  await new ChatSession({ transport: scriptedTransport({ "threads.get_by_id": [{ json: answeredThread }] }), handedCalls: earlier }).openThread(fixtures.thread.id);
  assert.equal(owedHere(earlier, fixtures.thread.id), false);
  for (const tab of [tabRecord(), null, earlier]) {
    const transport = scriptedTransport({ "threads.get_by_id": [{ json: waiting }] });
    const ran: unknown[] = [];
    const widget = new ChatSession({ transport, handedCalls: tab, clientTools: { [pendingCall.name]: async (a: unknown) => ran.push(a) } });
    await widget.openThread(fixtures.thread.id);
    assert.deepEqual(ran, []);
    assert.deepEqual(transport.sent.map((r) => r.type), ["threads.get_by_id"]);
    assert.equal(widget.busy, false);
  }
});

test("a turn of this tab keeps its thread owed until it ends here, and not to be resumed while a chat of the page runs it", async () => {
  const tab = tabRecord();
  let release!: () => void;
  const running = new Promise<void>((go) => {
    release = go;
  });
  let begun!: (threadId: string) => void;
  const started = new Promise<string>((go) => {
    begun = go;
  });
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
  });
  const sidebar = new ChatSession({
    transport,
    handedCalls: tab,
    clientTools: {
      list_kernel_variables: async (_a, ctx) => {
        begun(ctx.item.thread_id);
        await running;
        return { variables: [] };
      },
    },
  });
  const turn = sidebar.send("hi");
  const threadId = await started;
  // Kept in the tab's record (a reload now resumes its call), but run by a chat of the page.
  assert.deepEqual(JSON.parse(tab.getItem("jupyter-chatkit:threads-owed") ?? "[]"), [threadId]);
  const whileRunning = owedHere(tab, threadId);
  release();
  await turn;
  assert.equal(whileRunning, false);
  assert.equal(owedHere(tab, threadId), false);
  assert.deepEqual(JSON.parse(tab.getItem("jupyter-chatkit:threads-owed") ?? "[]"), []);
});

test("a chat following another chat's turn (resume off) never runs the client tool call it waits for", async () => {
  // The sidebar runs the call (it is its turn); a %chat widget of the page that follows
  // the turn must not run it too (two results, two answers).
  const saved = fixtures.threadAfterTool.items.data;
  const callAt = saved.findIndex((i: { type: string }) => i.type === "client_tool_call");
  const pendingCall = { ...saved[callAt], status: "pending", output: null } as unknown as { name: string };
  const items = { data: [...saved.slice(0, callAt), pendingCall], has_more: false };
  const running = { ...fixtures.thread, metadata: { answering: true }, items };
  const waiting = { ...fixtures.thread, metadata: {}, items };
  const watched = `data: ${JSON.stringify({ type: "progress_update", text: "Reading" })}\n\n`;
  const transport = scriptedTransport({
    "threads.get_by_id": [{ json: running }, { json: waiting }, { json: waiting }],
    [TURN.WATCH]: [{ sse: watched, chunk: 4096 }],
  });
  const ran: unknown[] = [];
  const session = new ChatSession({ transport, clientTools: { [pendingCall.name]: async (a: unknown) => ran.push(a) } });
  await session.openThread(fixtures.thread.id, true, false); // followed, then shown as saved
  await session.openThread(fixtures.thread.id, true, false); // the turn's end, not followed
  assert.deepEqual(ran, []);
  assert.deepEqual(
    transport.sent.map((r) => r.type),
    ["threads.get_by_id", TURN.WATCH, "threads.get_by_id", "threads.get_by_id"],
  );
  assert.equal(session.busy, false);
});

test("a followed turn that failed keeps saying why once the thread is loaded again", async () => {
  // The sidebar's turn fails (the model server is down); a %chat widget following it must
  // show the stream's error, not a bare "no answer", after the thread is reloaded at the
  // turn's end and again on the page's "ended" signal.
  const asked = {
    id: "msg_0008",
    thread_id: fixtures.thread.id,
    created_at: "2025-01-02T03:04:09",
    type: "user_message",
    content: [{ type: "input_text", text: "fail" }],
    attachments: [],
    inference_options: {},
  };
  const running = { ...fixtures.thread, metadata: { answering: true }, items: { data: [], has_more: false } };
  const saved = { ...fixtures.thread, metadata: {}, items: { data: [asked], has_more: false } };
  const reply = fixtures.thread.items.data.find((i: { type: string }) => i.type === "assistant_message");
  const answered = { ...saved, items: { data: [asked, { ...reply, id: "m_9" }], has_more: false } };
  const transport = scriptedTransport({
    "threads.get_by_id": [{ json: running }, { json: saved }, { json: saved }, { json: answered }],
    [TURN.WATCH]: [{ sse: fixtures.error, chunk: 4096 }],
  });
  const session = new ChatSession({ transport });
  await session.openThread(fixtures.thread.id, true, false); // followed, then shown as saved
  const said = session.state.error?.message;
  assert.ok(said, "the stream's error is shown");
  assert.equal(session.state.error?.allow_retry, true);
  await session.openThread(fixtures.thread.id, true, false); // the turn's end signal
  assert.equal(session.state.error?.message, said);
  // An answer came since (a retry elsewhere): the error goes with the reload.
  await session.openThread(fixtures.thread.id, true, false);
  assert.equal(session.state.error, null);
});

test("a turn of another chat that failed before it could be followed: its ended word says why", async () => {
  // A quick failure ends before the follower's TURN.WATCH reaches the server: the watch
  // follows nothing, and only the page's "ended" signal carries the error.
  const asked = { ...fixtures.thread.items.data.at(-1), id: "msg_0008", type: "user_message" };
  const saved = { ...fixtures.thread, metadata: {}, items: { data: [asked], has_more: false } };
  const transport = scriptedTransport({ "threads.get_by_id": [{ json: saved }] });
  const session = new ChatSession({ transport });
  const error = { type: "error", code: "custom", message: "Could not reach the model server.", allow_retry: true } as const;
  const other = {};
  session.heardTurn({ threadId: fixtures.thread.id, phase: "ended", source: other, failure: { error, lastItemId: "msg_0008" } });
  await session.openThread(fixtures.thread.id, true, false);
  assert.equal(session.state.error?.message, error.message);
});

test("an earlier turn's failure stays with its message, live and after a reload", async () => {
  // Live: the error of a message left unanswered moves to the history when the next turn
  // begins; reloaded, the server's earlier failures say the same (EARLIER_FAILURES_KEY).
  const asked = { ...fixtures.thread.items.data.at(-1), id: "msg_0008", type: "user_message" } as ThreadItem;
  const error: ErrorEvent = { type: "error", code: "custom", message: "The model server refused it.", allow_retry: true };
  const thread = { ...fixtures.thread, items: { data: [asked], has_more: false } } as Thread;
  let state = beginTurn({ ...stateFromThread(thread), error });
  assert.deepEqual(state.earlier, { msg_0008: error });
  assert.equal(state.error, null);
  const stopped = { [EARLIER_FAILURES_KEY]: [{ error: { ...error, message: "Stopped." }, after: "m_1", stopped: true }] };
  const metadata = { ...stopped, [TURN_FAILURE_KEY]: { error, after: "msg_0008" } };
  state = stateFromThread({ ...thread, metadata });
  assert.deepEqual(state.earlier, { m_1: STOPPED_ERROR, msg_0008: error });
});

test("a failure the server kept with the thread says why after a reload, until an answer", async () => {
  // A new page (a reload, another window) knows nothing of the failed turn: the thread's
  // metadata says why (protocol.py TURN_FAILURE_KEY), shown while the thread ends there.
  const asked = { ...fixtures.thread.items.data.at(-1), id: "msg_0008", type: "user_message" };
  const error = { type: "error", code: "custom", message: "The model server refused it.", allow_retry: true };
  const metadata = { [TURN_FAILURE_KEY]: { error, after: "msg_0008" } };
  const failed = { ...fixtures.thread, metadata, items: { data: [asked], has_more: false } };
  const reply = fixtures.thread.items.data.find((i: { type: string }) => i.type === "assistant_message");
  const answered = { ...failed, items: { data: [asked, { ...reply, id: "m_9" }], has_more: false } };
  const transport = scriptedTransport({ "threads.get_by_id": [{ json: failed }, { json: answered }] });
  const session = new ChatSession({ transport });
  await session.openThread(fixtures.thread.id, false, false);
  assert.deepEqual(session.state.error, error);
  await session.openThread(fixtures.thread.id, false, false); // stale: an answer came since
  assert.equal(session.state.error, null);
});
