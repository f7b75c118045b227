import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatSession, type SessionEvent } from "../src/client/session";
import { beginTurn, messageText, STOPPED_ERROR, STOPPED_NOTE, stateFromThread } from "../src/client/reducer";
import { TransportError } from "../src/client/transport";
import type { ErrorEvent, Thread, ThreadItem } from "../src/client/types";
import { fixtures, scriptedTransport } from "./helpers";
import { EARLIER_FAILURES_KEY, TURN, TURN_FAILURE_KEY } from "../src/protocol";

function record(session: ChatSession): SessionEvent[] {
  const out: SessionEvent[] = [];
  session.subscribe((e) => out.push(e));
  return out;
}

test("send → client tool call → tool output → answer", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create, chunk: 13 }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput, chunk: 5 }],
  });
  const calls: unknown[] = [];
  const session = new ChatSession({
    transport,
    clientTools: {
      list_kernel_variables: async (args) => {
        calls.push(args);
        return { variables: [{ name: "df" }] };
      },
    },
  });
  const events = record(session);
  await session.send("  load data.csv ");
  assert.deepEqual(calls, [{ max_items: 20 }]);
  assert.equal(transport.sent.length, 2);
  assert.equal(transport.sent[0].type, "threads.create");
  assert.deepEqual(transport.sent[0].params.input.content, [{ type: "input_text", text: "load data.csv" }]);
  assert.deepEqual(transport.sent[1], {
    type: "threads.add_client_tool_output",
    params: { thread_id: "thr_0001", result: { variables: [{ name: "df" }] } },
  });
  assert.equal(session.threadId, "thr_0001");
  assert.equal(session.busy, false);
  assert.deepEqual(session.state.items, fixtures.threadAfterTool.items.data);
  const answers = events.filter((e) => e.type === "answer");
  assert.equal(answers.length, 1);
  const answer = answers[0] as Extract<SessionEvent, { type: "answer" }>;
  assert.ok(answer.text.startsWith("Here is how to load the data:"));
  assert.ok(answer.text.endsWith("The kernel has `df` (a DataFrame, 3 rows)."));
  const effects = events.filter((e) => e.type === "effect");
  assert.deepEqual(effects, [{ type: "effect", name: "demo.effect", data: { value: 1 }, userInitiated: false }]);
});

test("a failing tool handler sends {error} instead of hanging", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
  });
  const session = new ChatSession({
    transport,
    clientTools: {
      list_kernel_variables: async () => {
        throw new Error("kernel is busy");
      },
    },
  });
  await session.send("hi");
  assert.deepEqual(transport.sent[1].params.result, { error: "kernel is busy" });
});

test("an unknown tool answers with an error result", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
  });
  const session = new ChatSession({ transport });
  await session.send("hi");
  assert.match(transport.sent[1].params.result.error, /no client tool named list_kernel_variables/);
});

test("custom action effects are user-initiated", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
    "threads.custom_action": [{ sse: fixtures.customAction }],
  });
  const session = new ChatSession({ transport, clientTools: { list_kernel_variables: async () => ({}) } });
  await session.send("hi");
  const events = record(session);
  await session.customAction({ type: "notebook.insert_cell", payload: { code: "df.head()" } }, "msg_0005");
  assert.deepEqual(transport.sent.at(-1), {
    type: "threads.custom_action",
    params: {
      thread_id: "thr_0001",
      item_id: "msg_0005",
      action: { type: "notebook.insert_cell", payload: { code: "df.head()" } },
    },
  });
  const effect = events.find((e) => e.type === "effect");
  assert.deepEqual(effect, {
    type: "effect",
    name: "notebook.insert_cell",
    data: { code: "df.head()", position: "below", run: false },
    userInitiated: true,
  });
  assert.equal(events.filter((e) => e.type === "answer").length, 0);
});

test("error event then retry_after_item on the last user message", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
    "threads.add_user_message": [{ sse: fixtures.error }],
    "threads.retry_after_item": [{ sse: fixtures.error }],
  });
  const session = new ChatSession({ transport, clientTools: { list_kernel_variables: async () => ({}) } });
  await session.send("hi");
  await session.send("fail");
  assert.equal(session.state.error?.allow_retry, true);
  await session.retry();
  assert.deepEqual(transport.sent.at(-1), {
    type: "threads.retry_after_item",
    params: { thread_id: "thr_0001", item_id: "msg_0008" },
  });
});

test("transport failure before the thread: error shown, text handed back", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ error: new TransportError("Forbidden (XSRF)", 403) }],
  });
  const session = new ChatSession({ transport });
  const events = record(session);
  await session.send("hello");
  assert.equal(session.busy, false);
  assert.equal(session.state.error?.message, "Forbidden (XSRF)");
  assert.equal(session.state.error?.allow_retry, false);
  assert.deepEqual(events.find((e) => e.type === "failure"), {
    type: "failure",
    message: "Forbidden (XSRF)",
    restoreText: "hello",
  });
});

test("cancel aborts the stream and the pending tool call", async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create, chunk: 200 }],
    [TURN.STOP]: [{ json: { stopped: false } }],
  });
  let toolSignal: AbortSignal | null = null;
  const session = new ChatSession({
    transport,
    clientTools: {
      list_kernel_variables: async (_args, { signal }) => {
        toolSignal = signal;
        session.cancel();
        await gate;
        return {};
      },
    },
  });
  const events = record(session);
  const done = session.send("x");
  release();
  await done;
  assert.equal(toolSignal!.aborted, true);
  assert.deepEqual(
    transport.sent.map((r) => r.type),
    ["threads.create", TURN.STOP],
    "no tool output sent after cancel; the server is told to stop",
  );
  assert.equal(session.busy, false);
  assert.equal(events.filter((e) => e.type === "answer").length, 0);
});

test("open thread, history paging, rename, delete, feedback", async () => {
  const bigThread = { ...fixtures.thread, items: { ...fixtures.thread.items, has_more: true } };
  const transport = scriptedTransport({
    "threads.get_by_id": [{ json: bigThread }],
    "items.list": [
      { json: fixtures.itemsPage },
      { json: { data: [fixtures.thread.items.data[0]], has_more: false, after: null } },
    ],
    "threads.update": [{ json: { ...fixtures.thread, title: "Renamed" } }],
    "items.feedback": [{ json: {} }],
    "threads.delete": [{ json: {} }],
    "threads.list": [{ json: fixtures.threads }],
  });
  const session = new ChatSession({ transport, pageSize: 5 });
  await session.openThread("thr_0001");
  assert.equal(session.threadId, "thr_0001");
  assert.deepEqual(
    session.state.items.map((i) => i.id),
    [...fixtures.itemsPage.data].reverse().map((i: any) => i.id),
  );
  assert.equal(session.olderCursor, fixtures.itemsPage.after);
  assert.equal(await session.loadOlder(), true);
  assert.equal(session.state.items[0].id, fixtures.thread.items.data[0].id);
  assert.equal(session.olderCursor, null);
  await session.renameThread("thr_0001", "Renamed");
  assert.equal(session.state.thread?.title, "Renamed");
  await session.feedback(["msg_0004"], "positive");
  assert.deepEqual(transport.sent.find((b) => b.type === "items.feedback").params, {
    thread_id: "thr_0001",
    item_ids: ["msg_0004"],
    kind: "positive",
  });
  const page = await session.listThreads();
  assert.equal(page.data.length, 2);
  await session.deleteThread("thr_0001");
  assert.equal(session.threadId, null);
  assert.equal(session.state.items.length, 0);
});

const actionError = 'data: {"type":"error","code":"custom","message":"Could not insert.","allow_retry":true}\n\n';

test("retry after a failed widget action sends the action again and keeps its card", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
    "threads.custom_action": [{ sse: actionError }, { sse: fixtures.customAction }],
  });
  const session = new ChatSession({ transport, clientTools: { list_kernel_variables: async () => ({}) } });
  await session.send("hi");
  const before = session.state.items.map((i) => i.id);
  assert.ok(before.includes("msg_0005"));
  const action = { type: "notebook.insert_cell", payload: { code: "df.head()" } };
  await session.customAction(action, "msg_0005");
  assert.equal(session.state.error?.allow_retry, true);
  await session.retry();
  assert.deepEqual(transport.sent.at(-1), {
    type: "threads.custom_action",
    params: { thread_id: "thr_0001", item_id: "msg_0005", action },
  });
  assert.equal(transport.sent.filter((r) => r.type === "threads.retry_after_item").length, 0);
  assert.deepEqual(
    session.state.items.map((i) => i.id),
    before,
    "the card and everything before it stay",
  );
  assert.equal(session.state.error, null);
});

test("after Stop, only what the server keeps stays on screen", async () => {
  const at = "2025-01-02T03:04:09";
  const added = (item: object) => `data: ${JSON.stringify({ type: "thread.item.added", item })}\n\n`;
  const sse =
    added({ id: "msg_u", thread_id: "thr_0001", created_at: at, type: "user_message", content: [{ type: "input_text", text: "q" }], attachments: [], inference_options: {} }).replace("item.added", "item.done") +
    added({ id: "wf_1", thread_id: "thr_0001", created_at: at, type: "workflow", workflow: { type: "custom", tasks: [], expanded: true } }) +
    added({ id: "w_1", thread_id: "thr_0001", created_at: at, type: "widget", widget: { type: "Card", children: [] } }) +
    added({ id: "m_empty", thread_id: "thr_0001", created_at: at, type: "assistant_message", content: [] }) +
    added({ id: "m_text", thread_id: "thr_0001", created_at: at, type: "assistant_message", content: [{ type: "output_text", text: "Half an", annotations: [] }] }) +
    'data: {"type":"progress_update","text":"stop here"}\n\n';
  const transport = scriptedTransport({ "threads.create": [{ sse, chunk: 4096 }], [TURN.STOP]: [{ json: {} }] });
  const session = new ChatSession({ transport });
  session.subscribe(() => {
    if (session.state.progress?.text === "stop here") session.cancel();
  });
  await session.send("q");
  assert.equal(session.busy, false);
  const kept = session.state.items.map((i) => i.id);
  assert.deepEqual(kept, ["msg_u", "wf_1", "m_text"]);
  const wf = session.state.items.find((i) => i.id === "wf_1");
  assert.equal(wf?.type === "workflow" && wf.workflow.expanded, false);
  // The kept answer says it was stopped, as the stored thread does (partial.mark_partial).
  const answer = session.state.items.find((i) => i.id === "m_text");
  assert.equal(answer?.type === "assistant_message" && messageText(answer), `Half an\n\n${STOPPED_NOTE}`);
});

test("opening another thread mid-answer frees the session; the old turn's events stay out", async () => {
  const at = "2025-01-02T03:04:09";
  const added = (item: object) => `data: ${JSON.stringify({ type: "thread.item.added", item })}\n\n`;
  const first =
    added({ id: "m_old", thread_id: "thr_0001", created_at: at, type: "assistant_message", content: [{ type: "output_text", text: "Half", annotations: [] }] }) +
    'data: {"type":"progress_update","text":"switch here"}\n\n';
  // One chunk up to the switch, the late item after it.
  const sse = first + added({ id: "m_late", thread_id: "thr_0001", created_at: at, type: "assistant_message", content: [] });
  const other = { ...fixtures.thread, id: "thr_other", items: { ...fixtures.thread.items, has_more: false } };
  const transport = scriptedTransport({
    "threads.create": [{ sse, chunk: first.length }],
    "threads.get_by_id": [{ json: other }],
    "threads.add_user_message": [{ sse: 'data: {"type":"progress_update","text":"again"}\n\n' }],
  });
  const session = new ChatSession({ transport });
  let opening: Promise<void> | null = null;
  session.subscribe(() => {
    if (!opening && session.state.progress?.text === "switch here") opening = session.openThread("thr_other");
  });
  await session.send("long answer please");
  assert.ok(opening, "the switch happened mid-answer");
  await opening;
  assert.equal(session.busy, false, "the cancelled turn released the busy flag");
  assert.equal(session.threadId, "thr_other");
  assert.equal(session.state.progress, null);
  const ids = session.state.items.map((i) => i.id);
  assert.ok(!ids.includes("m_old") && !ids.includes("m_late"), "nothing of the old turn in the new thread");
  await session.send("next question");
  // (After its answer the session may ask for the newest items: catchup.ts.)
  const last = transport.sent.filter((r: { type: string }) => r.type !== "items.list").at(-1);
  assert.equal(last.type, "threads.add_user_message", "a new message reaches the server");
  assert.equal(last.params.thread_id, "thr_other");
  assert.equal(session.busy, false);
});

test("a new thread mid-answer frees the session too", async () => {
  const first = 'data: {"type":"progress_update","text":"switch here"}\n\n';
  const sse = `${first}data: {"type":"progress_update","text":"late"}\n\n`;
  const transport = scriptedTransport({
    "threads.create": [{ sse, chunk: first.length }, { sse: 'data: {"type":"progress_update","text":"x"}\n\n' }],
  });
  const session = new ChatSession({ transport });
  let switched = false;
  session.subscribe(() => {
    if (!switched && session.state.progress?.text === "switch here") {
      switched = true;
      session.newThread();
    }
  });
  await session.send("first");
  assert.ok(switched);
  assert.equal(session.busy, false);
  assert.equal(session.state.progress, null);
  await session.send("second");
  assert.equal(transport.sent.filter((r) => r.type === "threads.create").length, 2);
});

test("Stop tells the server; opening another thread mid-answer does not (the answer goes on there)", async () => {
  const first = 'data: {"type":"progress_update","text":"switch here"}\n\n';
  const created = `data: ${JSON.stringify({ type: "thread.created", thread: { ...fixtures.thread, items: { data: [], has_more: false } } })}\n\n`;
  const other = { ...fixtures.thread, id: "thr_other", items: { ...fixtures.thread.items, has_more: false } };
  const transport = scriptedTransport({
    "threads.create": [{ sse: created + first + first, chunk: (created + first).length }],
    "threads.get_by_id": [{ json: other }],
  });
  const session = new ChatSession({ transport });
  let opening: Promise<void> | null = null;
  session.subscribe(() => {
    if (!opening && session.state.progress?.text === "switch here") opening = session.openThread("thr_other");
  });
  await session.send("long answer please");
  await opening;
  assert.deepEqual(
    transport.sent.map((r) => r.type),
    ["threads.create", "threads.get_by_id"],
  );
});

test("Stop before the new thread is named is sent once it is", async () => {
  const created = `data: ${JSON.stringify({ type: "thread.created", thread: { ...fixtures.thread, items: { data: [], has_more: false } } })}\n\n`;
  const progress = 'data: {"type":"progress_update","text":"working"}\n\n';
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const stops: string[] = [];
  const transport = {
    sent: [] as any[],
    async send(body: any, signal?: AbortSignal) {
      if (body.type === TURN.STOP) {
        stops.push(body.params.thread_id);
        return { status: 200, contentType: "application/json", body: (async function* () {})() };
      }
      return {
        status: 200,
        contentType: "text/event-stream",
        body: (async function* () {
          await gate; // Stop is pressed before anything arrived
          for (const piece of [created, progress, progress]) {
            if (signal?.aborted) throw Object.assign(new Error("Aborted"), { name: "AbortError" });
            yield new TextEncoder().encode(piece);
            await Promise.resolve();
          }
        })(),
      };
    },
  };
  const session = new ChatSession({ transport });
  const sending = session.send("q");
  await Promise.resolve();
  session.cancel();
  assert.deepEqual(stops, [], "nothing to name yet");
  release();
  await sending;
  assert.deepEqual(stops, [fixtures.thread.id]);
  assert.equal(session.busy, false);
});

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
  const session = new ChatSession({
    transport,
    clientTools: {
      [pendingCall.name]: async (args: unknown) => {
        calls.push(args);
        return { variables: [{ name: "df" }] };
      },
    },
  });
  await session.openThread(fixtures.thread.id);
  assert.deepEqual(calls, [pendingCall.arguments]);
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
  const session = new ChatSession({
    transport,
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
