/**
 * What the server told the person in a turn (a `notice`: "sales.csv is 150,000 characters
 * long: the assistant reads its first 16,000.") stays with the thread in this view when
 * the thread is loaded again: the server keeps no notice, and a load built the state from
 * the stored thread alone. A real ChatSession over a scripted server.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatSession } from "../src/client/session";
import { TURN_NOTICES_KEY } from "../src/protocol";
import { FROM_SERVER } from "../src/client/threadwatch";
import type { TurnSignal } from "../src/client/turnsignal";
import { AT, sse, storedThread, threadCreated, TID, userMessage } from "./agentsteps";
import { type Answer, scriptedTransport } from "./helpers";

const CUT = "sales.csv is 150,000 characters long: the assistant reads its first 16,000.";
const notice = { type: "notice", level: "info", message: CUT };
const answer = {
  type: "thread.item.done",
  item: { id: "msg_2", thread_id: TID, created_at: AT, type: "assistant_message", content: [{ type: "output_text", text: "Seen both.", annotations: [] }] },
};
/** The thread as the server stores it after the turn: its items, no notice. */
const stored = (answering = false): Answer => ({
  json: { ...storedThread([userMessage("msg_1").item, answer.item]), metadata: answering ? { answering: true } : {} },
});
const told = (session: ChatSession): string[] => session.state.notices.map((n) => n.message);

/** What the sidebar (js/lab/src/chat.ts) and a `%chat` widget do with a word about a turn. */
async function hear(session: ChatSession, turn: TurnSignal): Promise<void> {
  session.heardTurn(turn);
  if (session.followsTurn(turn)) await session.openThread(turn.threadId, true, false);
}

test("the server's word that the chat's own turn started, heard after it ended, keeps its notice", async () => {
  // FLAKE9: the page's wait (threadwatch.ts) asked for the new thread at its
  // `thread.created`; the server answered `answering: true` while the turn ran, and under
  // load the page read that answer after the turn's stream had ended: the chat followed
  // "another" turn, loaded the thread again, and the notice was gone.
  const transport = scriptedTransport({
    "threads.create": [{ sse: sse(threadCreated(), userMessage("msg_1"), notice, answer) }],
    "threads.get_by_id": [stored()],
  });
  const session = new ChatSession({ transport });
  await session.send("what is in these?");
  assert.deepEqual(told(session), [CUT]);
  await hear(session, { threadId: TID, phase: "started", source: FROM_SERVER, lastItemId: null });
  assert.ok(transport.sent.some((r) => r.type === "threads.get_by_id"), "the thread was loaded again");
  assert.deepEqual(told(session), [CUT]);
  assert.deepEqual(
    session.state.items.map((i) => i.id),
    ["msg_1", "msg_2"],
  );
});

test("a followed turn's notice stays once the turn ends and the thread shows as saved", async () => {
  // Another chat's turn (the sidebar's, followed by a widget; a page reloaded mid-answer):
  // TURN.WATCH replays its notice; at its end the thread is loaded as saved.
  const transport = scriptedTransport({
    "threads.get_by_id": [stored(true), stored()],
    "turn.watch": [{ sse: sse(userMessage("msg_1"), notice, answer) }],
  });
  const session = new ChatSession({ transport });
  await session.openThread(TID);
  assert.deepEqual(
    transport.sent.map((r) => r.type),
    ["threads.get_by_id", "turn.watch", "threads.get_by_id"],
  );
  assert.deepEqual(told(session), [CUT]);
  assert.equal(session.state.items.at(-1)?.id, "msg_2");
});

test("another thread shows its own notices; back to the first, its notice shows again", async () => {
  const other = { ...storedThread([]), id: "thr_b" };
  const transport = scriptedTransport({
    "threads.create": [{ sse: sse(threadCreated(), userMessage("msg_1"), notice, answer) }],
    "threads.get_by_id": [{ json: other }, stored(), stored()],
    "threads.delete": [{ json: {} }],
  });
  const session = new ChatSession({ transport });
  await session.send("what is in these?");
  await session.openThread("thr_b");
  assert.equal(session.threadId, "thr_b");
  assert.deepEqual(told(session), []);
  await session.openThread(TID);
  assert.deepEqual(told(session), [CUT]);
  // A new conversation says nothing yet; the first one still has its notice.
  session.newThread();
  assert.deepEqual(told(session), []);
  await session.openThread(TID);
  assert.deepEqual(told(session), [CUT]);
  // Deleted: nothing is kept for it.
  await session.deleteThread(TID);
  assert.deepEqual(told(session), []);
  assert.equal(session.threadId, null);
});

test("a turn followed again (its watch broke, the thread still answering) says its notice once", async () => {
  // TURN.WATCH replays a running turn from its start, notice included: the notice kept at
  // the reload must not show twice (nor a switch back while the turn runs).
  const transport = scriptedTransport({
    "threads.get_by_id": [stored(true), stored(true), stored()],
    "turn.watch": [{ sse: sse(userMessage("msg_1"), notice) }, { sse: sse(userMessage("msg_1"), notice, answer) }],
  });
  const session = new ChatSession({ transport });
  await session.openThread(TID);
  assert.deepEqual(
    transport.sent.map((r) => r.type),
    ["threads.get_by_id", "turn.watch", "threads.get_by_id", "turn.watch", "threads.get_by_id"],
  );
  assert.deepEqual(told(session), [CUT]);
});

test("a reload shows the notices the server kept with the thread (TURN_NOTICES_KEY), each once", async () => {
  // A new page (a reload, another window) knows only the stored thread: its notices are
  // the server's (turn_notices.py), said once with those this view was told since.
  const MCP = "The MCP server 'docs' is left out of this turn: it did not start.";
  const kept = [notice, { type: "notice", level: "warning", message: MCP }, { level: "loud", message: 1 }, null];
  const thread = (meta: object): Answer => ({
    json: { ...storedThread([userMessage("msg_1").item, answer.item]), metadata: meta },
  });
  const transport = scriptedTransport({
    "threads.get_by_id": [thread({ [TURN_NOTICES_KEY]: kept }), thread({ [TURN_NOTICES_KEY]: kept })],
  });
  const session = new ChatSession({ transport });
  await session.openThread(TID);
  assert.deepEqual(told(session), [CUT, MCP]);
  await session.openThread(TID);
  assert.deepEqual(told(session), [CUT, MCP]);
});
