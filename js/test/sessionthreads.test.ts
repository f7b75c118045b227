/**
 * ChatSession's threads: opening one, paging its history, rename, delete, feedback; Stop,
 * and opening another thread or a new one mid-answer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatSession } from "../src/client/session";
import { messageText, STOPPED_NOTE } from "../src/client/reducer";
import { fixtures, scriptedTransport } from "./helpers";
import { TURN } from "../src/protocol";

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
