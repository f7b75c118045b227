/** Node test of the sidebar's notebook-rename message (threads.ts). */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChatSession } from "../../src/index";
import { tellServer } from "../src/threads";

/** A session answering `threads.get_by_id` with `title`, recording every request. */
function fakeSession(title: string | null) {
  const sent: { type: string; params: Record<string, unknown>; metadata?: unknown }[] = [];
  const session = {
    request: async (req: { type: string; params: Record<string, unknown>; metadata?: unknown }) => {
      sent.push(req);
      return req.type === "threads.get_by_id" ? { id: req.params.thread_id, title, items: { data: [] } } : {};
    },
  } as unknown as ChatSession;
  return { session, sent };
}

test("a notebook rename moves its threads and keeps an untitled thread untitled (auto-titling stays on)", async () => {
  const { session, sent } = fakeSession(null);
  await tellServer({ session }, "thr_1", "a.ipynb", "b.ipynb");
  const update = sent.find((r) => r.type === "threads.update");
  assert.ok(update);
  assert.equal(update.params.title, "");
  assert.deepEqual(update.metadata, { notebook: "b.ipynb", previous_notebook: "a.ipynb" });
});

test("a notebook rename keeps a titled thread's title", async () => {
  const { session, sent } = fakeSession("Plotting sales");
  await tellServer({ session }, "thr_1", "a.ipynb", "b.ipynb");
  assert.equal(sent.find((r) => r.type === "threads.update")?.params.title, "Plotting sales");
});
