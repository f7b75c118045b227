/**
 * ChatSession's turns: a message sent, client tool calls answered, widget actions and
 * their effects, errors and Retry, cancel. Threads: sessionthreads.test.ts; a turn
 * followed from another chat: sessionfollow.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatSession, type SessionEvent } from "../src/client/session";
import { TransportError } from "../src/client/transport";
import { type Answer, fixtures, scriptedTransport } from "./helpers";
import { TURN } from "../src/protocol";

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
  // (Failed again, the thread is then read again: the server's, whatever it kept.)
  assert.deepEqual(transport.sent.filter((r) => r.type === "threads.retry_after_item").at(-1), {
    type: "threads.retry_after_item",
    params: { thread_id: "thr_0001", item_id: "msg_0008" },
  });
});

test("a Retry the server refused (a message sent since elsewhere) leaves the thread as the server has it", async () => {
  const refused =
    'data: {"type":"error","code":"custom","message":"A newer message was sent in this conversation.","allow_retry":false}\n\n';
  const script: Record<string, Answer[]> = {
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
    "threads.retry_after_item": [{ sse: refused }],
  };
  const transport = scriptedTransport(script);
  const session = new ChatSession({ transport, clientTools: { list_kernel_variables: async () => ({}) } });
  await session.send("hi");
  const shown = session.state.items;
  const last = shown.at(-1);
  assert.ok(last && last.type !== "user_message");
  // Meanwhile another window sent a message, answered: the server holds both.
  const at = last.created_at;
  const newer = [
    { id: "msg_new", thread_id: "thr_0001", created_at: at, type: "user_message", content: [{ type: "input_text", text: "and now?" }], attachments: [], inference_options: {} },
    { id: "msg_new_answer", thread_id: "thr_0001", created_at: at, type: "assistant_message", content: [{ type: "output_text", text: "Now this.", annotations: [] }] },
  ];
  script["threads.get_by_id"] = [
    { json: { id: "thr_0001", created_at: at, status: { type: "active" }, metadata: {}, items: { data: [...shown, ...newer], has_more: false } } },
  ];
  await session.retry();
  // Before: the answer dropped on the page, the newer message never shown, "nothing was changed".
  assert.deepEqual(
    session.state.items.map((i) => i.id),
    [...shown.map((i) => i.id), "msg_new", "msg_new_answer"],
  );
  assert.equal(session.state.error?.message, "A newer message was sent in this conversation.");
  assert.equal(session.state.error?.allow_retry, false);
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

const actionError = 'data: {"type":"error","code":"custom","message":"Could not insert.","allow_retry":true}\n\n';

test("an edit names the newest item the chat has seen; refused, it changes nothing", async () => {
  const refused = 'data: {"type":"error","code":"custom","message":"A newer message was sent.","allow_retry":false}\n\n';
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
    "threads.custom_action": [{ sse: refused }],
  });
  const session = new ChatSession({ transport, clientTools: { list_kernel_variables: async () => ({}) } });
  await session.send("hi");
  const before = session.state.items.map((i) => i.id);
  const first = session.state.items.find((i) => i.type === "user_message");
  assert.ok(first && before.length > 1);
  const events = record(session);
  await session.editMessage(first.id, "hello");
  assert.deepEqual(transport.sent.at(-1), {
    type: "threads.custom_action",
    params: {
      thread_id: "thr_0001",
      item_id: null,
      action: { type: "message.edit", payload: { item_id: first.id, text: "hello", last_item_id: before.at(-1) } },
    },
  });
  // The server's refusal (a message sent elsewhere since): shown without Retry, the
  // conversation on screen as it was.
  assert.equal(session.state.error?.allow_retry, false);
  assert.deepEqual(
    session.state.items.map((i) => i.id),
    before,
  );
  // The edited text is not lost: it goes back in the message box.
  assert.deepEqual(
    events.filter((e) => e.type === "failure"),
    [{ type: "failure", message: "A newer message was sent.", restoreText: "hello" }],
  );
});

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
