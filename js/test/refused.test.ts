/**
 * A message the server refuses before saving it (one error event, no user message back:
 * a model off the allow-list, too many new conversations in a minute, a message longer
 * than the model reads) gives its text back to the box, as a request that failed does.
 * Before, the error showed and what was typed was gone.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatSession, type SessionEvent } from "../src/client/session";
import { fixtures, scriptedTransport } from "./helpers";

function refusal(message: string): string {
  return `data: ${JSON.stringify({ type: "error", code: "custom", message, allow_retry: false })}\n\n`;
}

function failures(session: ChatSession): SessionEvent[] {
  const out: SessionEvent[] = [];
  session.subscribe((e) => {
    if (e.type === "failure") out.push(e);
  });
  return out;
}

test("a new conversation refused before it is saved gives the text back", async () => {
  const transport = scriptedTransport({ "threads.create": [{ sse: refusal("The message is too long.") }] });
  const session = new ChatSession({ transport });
  const seen = failures(session);
  await session.send("  a long message  ");
  assert.equal(session.busy, false);
  assert.equal(session.state.error?.message, "The message is too long.");
  assert.deepEqual(
    seen.map((e) => (e.type === "failure" ? e.restoreText : null)),
    ["a long message"],
  );
});

test("a message to a conversation refused before it is saved gives the text back", async () => {
  const transport = scriptedTransport({
    "threads.get_by_id": [{ json: fixtures.thread }, { json: fixtures.thread }],
    "threads.add_user_message": [{ sse: refusal("The model 'x' is not available on this server.") }],
  });
  const session = new ChatSession({ transport });
  await session.openThread(fixtures.thread.id);
  const seen = failures(session);
  await session.send("explain cell 3");
  assert.ok(session.state.error);
  assert.ok(seen.length >= 1);
  assert.ok(seen.every((e) => e.type === "failure" && e.restoreText === "explain cell 3"));
});

test("a turn that fails after its message was saved keeps the text in the conversation", async () => {
  const transport = scriptedTransport({
    "threads.get_by_id": [{ json: fixtures.thread }],
    "threads.add_user_message": [{ sse: fixtures.error }],
  });
  const session = new ChatSession({ transport });
  await session.openThread(fixtures.thread.id);
  const seen = failures(session);
  await session.send("fail");
  assert.equal(session.state.error?.message, "The model is unavailable right now.");
  assert.deepEqual(seen, []);
});
