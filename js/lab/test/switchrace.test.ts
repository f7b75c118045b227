/**
 * Node test of the sidebar's conversation when notebooks switch (threads.ts over a real
 * ChatSession): a load asked for the notebook attached before must not land after the
 * switch, and a message sent right after a switch goes to the attached notebook's
 * conversation. The server is a fake transport whose answers the test releases.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { type ChatHandle, ChatSession, type Transport } from "../../src/index";
import type { NotebookLink } from "../src/link";
import { followNotebookThreads, NotebookThreads } from "../src/threads";
import { chatOver } from "./sessionchat";

/** A localStorage for node, and the tabs' storage events. */
const stored = new Map<string, string>();
const storageListeners = new Set<(e: { key: string | null }) => void>();
(globalThis as unknown as { window: unknown }).window = {
  localStorage: {
    getItem: (k: string) => stored.get(k) ?? null,
    setItem: (k: string, v: string) => void stored.set(k, v),
    removeItem: (k: string) => void stored.delete(k),
  },
  addEventListener: (type: string, cb: (e: { key: string | null }) => void) => {
    if (type === "storage") storageListeners.add(cb);
  },
  removeEventListener: (_: string, cb: (e: { key: string | null }) => void) => void storageListeners.delete(cb),
};

const encoder = new TextEncoder();
const json = (value: object) => ({
  status: 200,
  contentType: "application/json",
  body: [encoder.encode(JSON.stringify(value))] as unknown as AsyncIterable<Uint8Array>,
});

/** A request the fake server holds until the test says. */
interface Held {
  type: string;
  key: string;
  release: () => void;
}

/**
 * A chat over a real ChatSession. `threads` (id → notebook) are on the server;
 * `threads.get_by_id` and `threads.list` wait while `hold` names them (by thread id or
 * notebook path), a new thread's creation while it holds "create"; every request is
 * recorded; a message's answer ends at once.
 */
function serverChat(threads: Record<string, string>, hold: Set<string>) {
  const requests: { type: string; params: Record<string, unknown>; metadata?: Record<string, unknown> }[] = [];
  const held: Held[] = [];
  const wait = (type: string, key: string): Promise<void> =>
    hold.has(key) ? new Promise((resolve) => held.push({ type, key, release: resolve })) : Promise.resolve();
  const transport: Transport = {
    async send(body: object) {
      const req = body as { type: string; params: Record<string, unknown>; metadata?: Record<string, unknown> };
      requests.push(req);
      if (req.type === "threads.get_by_id") {
        const id = String(req.params.thread_id);
        await wait(req.type, id);
        const thread = { id, title: id, created_at: "2026-01-01T00:00:00", status: { type: "active" } };
        return json({ ...thread, metadata: { notebook: threads[id] }, items: { data: [], has_more: false } });
      }
      if (req.type === "threads.list") {
        const notebook = String(req.metadata?.notebook);
        await wait(req.type, notebook);
        const ids = Object.keys(threads).filter((id) => threads[id] === notebook);
        return json({ data: ids.map((id) => ({ id, created_at: "2026-01-01T00:00:00" })), has_more: false });
      }
      if (req.type === "threads.update") return json({});
      async function* stream(): AsyncGenerator<Uint8Array> {
        const id = String(req.params.thread_id ?? "thr_new");
        const thread = { id, title: "", created_at: "2026-01-01T00:00:00", status: { type: "active" }, metadata: {} };
        if (req.type === "threads.create") {
          await wait(req.type, "create");
          yield encoder.encode(`data: ${JSON.stringify({ type: "thread.created", thread: { ...thread, items: { data: [], has_more: false } } })}\n\n`);
        }
        const item = { id: `msg_${requests.length}`, thread_id: id, created_at: "2026-01-01T00:00:00", type: "assistant_message", content: [{ type: "output_text", text: "Done.", annotations: [] }] };
        yield encoder.encode(`data: ${JSON.stringify({ type: "thread.item.done", item })}\n\n`);
      }
      return { status: 200, contentType: "text/event-stream", body: stream() };
    },
  };
  const session = new ChatSession({ transport });
  const chat = chatOver(session);
  /** Answer the held request for `key`. */
  const release = (key: string): void => {
    hold.delete(key);
    for (const h of held.splice(0)) {
      if (h.key === key) h.release();
      else held.push(h);
    }
  };
  /** The thread each message went to (null: a new one, `threads.create`). */
  const messages = () =>
    requests
      .filter((r) => r.type === "threads.create" || r.type === "threads.add_user_message")
      .map((r) => (r.type === "threads.create" ? null : r.params.thread_id));
  return { chat, session, requests, release, messages, held };
}

/** The sidebar following `chat`, `attached` open at start (null: none), `remembered` in
 * this browser. `attach(null)`: the last notebook closed, or a console or Markdown file
 * active on a Notebook 7 page of its own. */
function follow(
  chat: ChatHandle,
  remembered: Record<string, string>,
  attached: string | null,
  restored?: Promise<boolean>,
  unattached?: string,
) {
  stored.clear();
  const memory = new NotebookThreads();
  for (const [notebook, id] of Object.entries(remembered)) memory.set(notebook, id);
  // The last conversation of no notebook (an earlier page's): the sidebar reopens it.
  if (unattached) memory.setUnattached(unattached);
  const slots: ((link: NotebookLink, panel: unknown) => void)[] = [];
  const link = {
    panel: attached ? { context: { path: attached } } : null,
    changed: { connect: (cb: (l: NotebookLink, p: unknown) => void) => void slots.push(cb), disconnect: () => undefined },
  } as unknown as NotebookLink;
  followNotebookThreads(chat, link, memory, restored);
  const attach = (path: string | null): void => {
    const panel = path ? { context: { path } } : null;
    (link as unknown as { panel: unknown }).panel = panel;
    for (const cb of slots) cb(link, panel);
  };
  return { memory, attach };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** JupyterLab restoring its layout: `restore(withNotebook)` ends it. */
const pendingRestore = () => {
  let restore = (_: boolean): void => undefined;
  const restored = new Promise<boolean>((resolve) => {
    restore = resolve;
  });
  return { restored, restore };
};

const META = "secrets_meta.ipynb";
const NEW = "sub dir/ünï <b>x</b> &amp; 📓.ipynb";

test("a slow load of the start-up notebook's conversation does not land after a switch to a notebook with none (RED7)", async () => {
  const { chat, session, release, messages } = serverChat({ thr_meta: META }, new Set(["thr_meta"]));
  const { memory, attach } = follow(chat, { [META]: "thr_meta" }, META);
  // The chat's start-up open (initialThreadId: the attached notebook's conversation), slow.
  const opening = chat.openThread("thr_meta");
  await settle();
  attach(NEW); // the reload's notebook, new to the workspace: none here nor on the server
  await settle();
  release("thr_meta");
  await opening;
  await settle();
  assert.equal(session.threadId, null, "secrets_meta's conversation shows under the new notebook");
  assert.equal(memory.get(NEW), null, "the new notebook remembers secrets_meta's conversation");
  assert.equal(memory.get(META), "thr_meta");
  await session.send("hello");
  assert.deepEqual(messages(), [null], "the message went to secrets_meta's conversation");
});

test("a slow load of the notebook attached before does not land over the next notebook's conversation from the server", async () => {
  const { chat, session, release } = serverChat({ thr_a: "a.ipynb", thr_b: "b.ipynb" }, new Set(["thr_a", "b.ipynb"]));
  const { memory, attach } = follow(chat, { "a.ipynb": "thr_a" }, "a.ipynb");
  const opening = chat.openThread("thr_a");
  await settle();
  attach("b.ipynb"); // nothing remembered: the server is asked, slowly too
  await settle();
  release("thr_a"); // a.ipynb's comes first...
  await opening;
  await settle();
  assert.notEqual(session.threadId, "thr_a");
  release("b.ipynb"); // ...then the server names b.ipynb's
  await settle();
  assert.equal(session.threadId, "thr_b");
  assert.equal(memory.get("b.ipynb"), "thr_b");
});

test("a switch while the notebook's remembered conversation loads: the one attached last wins, whatever answers last", async () => {
  const { chat, session, release } = serverChat({ thr_a: "a.ipynb", thr_c: "c.ipynb" }, new Set(["thr_a"]));
  const { memory, attach } = follow(chat, { "c.ipynb": "thr_c" }, "b.ipynb");
  attach("a.ipynb"); // remembered nowhere here: the server names thr_a, slow to load
  await settle();
  attach("c.ipynb");
  await settle();
  assert.equal(session.threadId, "thr_c");
  release("thr_a");
  await settle();
  assert.equal(session.threadId, "thr_c");
  assert.equal(memory.get("a.ipynb"), null);
  assert.equal(memory.get("c.ipynb"), "thr_c");
});

test("a message sent right after a switch, while the server is asked for the notebook's conversation, is not the last notebook's", async () => {
  const { chat, session, release, messages } = serverChat({ thr_a: "a.ipynb" }, new Set(["b.ipynb"]));
  const { memory, attach } = follow(chat, { "a.ipynb": "thr_a" }, "a.ipynb");
  await chat.openThread("thr_a");
  attach("b.ipynb"); // nothing remembered for b.ipynb: the server is asked (slow)
  await settle();
  await session.send("what is in this notebook?");
  release("b.ipynb");
  await settle();
  assert.deepEqual(messages(), [null], "the message went to a.ipynb's conversation");
  assert.equal(memory.get("a.ipynb"), "thr_a");
  assert.notEqual(memory.get("b.ipynb"), "thr_a");
});

// --- With no notebook attached, no notebook's conversation (LEFT8 items 1 and 2).

test("with no notebook attached, the bar says none and the next message goes to no notebook's conversation", async () => {
  const { chat, session, messages } = serverChat({ thr_a: "a.ipynb" }, new Set());
  const { memory, attach } = follow(chat, { "a.ipynb": "thr_a" }, "a.ipynb");
  await chat.openThread("thr_a");
  attach(null); // a.ipynb closed: "No notebook open"
  await settle();
  assert.equal(session.threadId, null, "a.ipynb's conversation stays under 'No notebook open'");
  await session.send("what can you do?");
  await settle();
  assert.deepEqual(messages(), [null], "the message went to a.ipynb's conversation");
  assert.equal(memory.get("a.ipynb"), "thr_a");
  // The conversation of no notebook is that one from now on; a.ipynb gets its own back.
  assert.equal(memory.unattached(), "thr_new");
  attach("a.ipynb");
  await settle();
  assert.equal(session.threadId, "thr_a");
  // Closed again: the conversation of no notebook comes back, not a new one each time,
  // also from a notebook whose conversation is new and empty.
  attach(null);
  await settle();
  assert.equal(session.threadId, "thr_new");
  attach("b.ipynb");
  await settle();
  assert.equal(session.threadId, null);
  attach(null);
  await settle();
  assert.equal(session.threadId, "thr_new");
});

test("a conversation started with no notebook open is not adopted by the next notebook opened", async () => {
  const { chat, session, requests, messages } = serverChat({}, new Set());
  // JupyterLab restored a layout without a notebook (the launcher).
  const { memory, attach } = follow(chat, {}, null, Promise.resolve(false));
  await session.send("hello from the launcher");
  await settle();
  assert.equal(session.threadId, "thr_new");
  attach("b.ipynb"); // none of its own, here or on the server
  await settle();
  assert.equal(session.threadId, null, "b.ipynb shows the launcher's conversation as its own");
  assert.equal(memory.get("b.ipynb"), null);
  assert.ok(!requests.some((r) => r.type === "threads.update"), "the server was told to tie it to b.ipynb");
  await session.send("and this notebook?");
  assert.deepEqual(messages(), [null, null], "b.ipynb's first message went to the launcher's conversation");
});

test("a page with no notebook (Notebook 7's tree) does not keep a notebook's conversation the chat opened", async () => {
  const { chat, session } = serverChat({ thr_a: "a.ipynb", thr_none: "" }, new Set());
  stored.clear();
  // The chat opened a notebook's conversation (a history pick before the reload, an
  // older page's memory); the sidebar starts with none attached.
  await chat.openThread("thr_a");
  const memory = new NotebookThreads();
  memory.setUnattached("thr_none");
  const link = { panel: null, changed: { connect: () => undefined, disconnect: () => undefined } } as unknown as NotebookLink;
  followNotebookThreads(chat, link, memory);
  await settle();
  assert.equal(session.threadId, "thr_none");
});

test("a conversation started while JupyterLab restores a notebook is that notebook's; an older one reopened then is not", async () => {
  // Asked while the layout loads: the restored notebook takes the conversation up.
  const asked = serverChat({}, new Set());
  const first = pendingRestore();
  const { memory, attach } = follow(asked.chat, {}, null, first.restored);
  await asked.session.send("asked while restoring");
  await settle();
  assert.equal(asked.session.threadId, "thr_new");
  attach("restoring.ipynb");
  first.restore(true);
  await settle();
  assert.equal(asked.session.threadId, "thr_new");
  assert.equal(memory.get("restoring.ipynb"), "thr_new");
  const update = asked.requests.find((r) => r.type === "threads.update");
  assert.deepEqual(update?.metadata, { notebook: "restoring.ipynb" });
  // Closed: the conversation of no notebook is not the one the notebook took.
  attach(null);
  await settle();
  assert.notEqual(asked.session.threadId, "thr_new");

  // Only reopened then (the chat's start, the last conversation of no notebook): not taken.
  const reopened = serverChat({ thr_old: "" }, new Set());
  const second = pendingRestore();
  const other = follow(reopened.chat, {}, null, second.restored);
  await reopened.chat.openThread("thr_old");
  other.attach("restoring.ipynb");
  second.restore(true);
  await settle();
  assert.equal(reopened.session.threadId, null);
  assert.equal(other.memory.get("restoring.ipynb"), null);
  assert.ok(!reopened.requests.some((r) => r.type === "threads.update"));
});

test("a message sent while restoring in the conversation of no notebook reopened makes it the restored notebook's (LEFT9)", async () => {
  const { restored, restore } = pendingRestore();
  // An earlier page asked on the launcher: its conversation of no notebook is remembered,
  // and the sidebar opened while the layout loads shows it again.
  const { chat, session, requests, messages } = serverChat({ thr_none: "" }, new Set());
  const { memory, attach } = follow(chat, {}, null, restored, "thr_none");
  await settle();
  assert.equal(session.threadId, "thr_none");
  await chat.send("asked while restoring");
  await settle();
  assert.deepEqual(messages(), ["thr_none"]);
  attach("restoring.ipynb");
  restore(true);
  await settle();
  assert.equal(session.threadId, "thr_none", "the question went out of view for a new, empty conversation");
  assert.equal(memory.get("restoring.ipynb"), "thr_none");
  const update = requests.find((r) => r.type === "threads.update");
  assert.deepEqual(update?.metadata, { notebook: "restoring.ipynb" }, "not tied to the notebook on the server");
  assert.equal(memory.unattached(), null, "the notebook's conversation is still the one of no notebook");
  // Closed: not back under "No notebook open" (it is the notebook's).
  attach(null);
  await settle();
  assert.equal(session.threadId, null);
});

test("a conversation whose creation lands after the restored notebook attached is that notebook's, on the server too", async () => {
  // The question is sent while the layout loads; the notebook attaches while the request
  // creating its conversation is still in flight.
  const { restored, restore } = pendingRestore();
  const { chat, session, requests, release } = serverChat({}, new Set(["create"]));
  const { memory, attach } = follow(chat, {}, null, restored);
  const sent = chat.send("asked while restoring");
  await settle();
  assert.equal(session.threadId, null);
  attach("restoring.ipynb");
  restore(true);
  await settle();
  release("create");
  await sent;
  await settle();
  assert.equal(session.threadId, "thr_new", "the question went out of view");
  assert.equal(memory.get("restoring.ipynb"), "thr_new");
  const update = requests.find((r) => r.type === "threads.update");
  assert.deepEqual(update?.params, { thread_id: "thr_new", title: "" });
  assert.deepEqual(update?.metadata, { notebook: "restoring.ipynb" }, "not tied to the notebook on the server");
  assert.equal(memory.unattached(), null);

  // The same with a conversation of the notebook remembered: it is the notebook's, as
  // when the creation lands before the notebook attaches; the new one stays of no notebook.
  const later = pendingRestore();
  const other = serverChat({ thr_a: "restoring.ipynb" }, new Set(["create"]));
  const two = follow(other.chat, { "restoring.ipynb": "thr_a" }, null, later.restored);
  const second = other.chat.send("asked while restoring");
  await settle();
  two.attach("restoring.ipynb");
  later.restore(true);
  await settle();
  other.release("create");
  await second;
  await settle();
  assert.equal(two.memory.get("restoring.ipynb"), "thr_a");
  assert.equal(other.session.threadId, "thr_a");
  assert.ok(!other.requests.some((r) => r.type === "threads.update"));
  assert.equal(two.memory.unattached(), "thr_new");
});

test("a message sent while restoring in a notebook's conversation opened from History: the restored notebook does not take it", async () => {
  // a.ipynb's conversation opened from History while restoring, a message sent in it: a.ipynb's.
  const own = serverChat({ thr_a: "a.ipynb" }, new Set());
  const { restored, restore } = pendingRestore();
  const two = follow(own.chat, {}, null, restored);
  await own.chat.openThread("thr_a");
  await own.chat.send("about a.ipynb");
  await settle();
  assert.deepEqual(own.messages(), ["thr_a"]);
  two.attach("restoring.ipynb");
  restore(true);
  await settle();
  assert.notEqual(own.session.threadId, "thr_a");
  assert.equal(two.memory.get("restoring.ipynb"), null);
  assert.ok(!own.requests.some((r) => r.type === "threads.update"));
});

test("two tabs on one notebook: the tab showing no conversation yet goes to the one the other tab started", async () => {
  storageListeners.clear();
  const onServer: Record<string, string> = { thr_b: "b.ipynb" };
  const { chat, session, messages } = serverChat(onServer, new Set());
  const { memory } = follow(chat, {}, "a.ipynb");
  await settle();
  assert.equal(session.threadId, null);
  // The other tab's first message started a.ipynb's conversation (its memory, shared).
  onServer.thr_a = "a.ipynb";
  memory.set("a.ipynb", "thr_a");
  for (const cb of storageListeners) cb({ key: memory.storageKey });
  await settle();
  assert.equal(session.threadId, "thr_a", "this tab's next message started a second conversation of a.ipynb");
  await session.send("from this tab");
  assert.deepEqual(messages(), ["thr_a"]);
  // A conversation on screen stays: another notebook's memory changing moves nothing.
  memory.set("a.ipynb", "thr_b");
  for (const cb of storageListeners) cb({ key: memory.storageKey });
  await settle();
  assert.equal(session.threadId, "thr_a");
});
