/** Node test of the sidebar's notebook-rename message (threads.ts). */

import assert from "node:assert/strict";
import { test } from "node:test";
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

test("a notebook rename moves its threads in one update; their titles are the server's to keep", async () => {
  const { session, sent } = fakeSession("Plotting sales");
  await tellServer({ session }, "thr_1", "a.ipynb", "b.ipynb");
  // No title read first and sent back: that undid a model title saved in between.
  assert.deepEqual(
    sent.map((r) => r.type),
    ["threads.update"],
  );
  assert.equal(sent[0].params.title, "");
  assert.deepEqual(sent[0].metadata, { notebook: "b.ipynb", previous_notebook: "a.ipynb" });
});

// --- One memory for the sidebar and the widget; the server when it remembers nothing.

import type { ChatHandle } from "../../src/index";
import { memoryKey, NotebookThreadMemory, serverKey } from "../../src/notebookthreads";
import type { NotebookLink } from "../src/link";
import { followNotebookThreads, NotebookThreads } from "../src/threads";

/** A localStorage for node, shared by every memory of the test. */
const stored = new Map<string, string>();
(globalThis as unknown as { window: unknown }).window = {
  localStorage: {
    getItem: (k: string) => stored.get(k) ?? null,
    setItem: (k: string, v: string) => void stored.set(k, v),
    removeItem: (k: string) => void stored.delete(k),
  },
};

test("the sidebar (full base URL) and the widget (its path) use one memory key", () => {
  assert.equal(memoryKey("http://127.0.0.1:47245/"), memoryKey("/"));
  assert.equal(memoryKey("http://host:8888/user/me/"), memoryKey("/user/me/"));
  assert.equal(memoryKey("/user/me"), memoryKey("/user/me/"));
  assert.notEqual(memoryKey("/user/me/"), memoryKey("/user/you/"));
  // The conversation of no notebook: a key of its own per server, named alike.
  assert.equal(serverKey("no-notebook-thread", "http://host:8888/user/me"), "jupyter-chatkit:no-notebook-thread:/user/me/");
  assert.notEqual(serverKey("no-notebook-thread", "/"), memoryKey("/"));
  stored.clear();
  new NotebookThreadMemory("http://127.0.0.1:47245/").set("a.ipynb", "thr_a");
  assert.equal(new NotebookThreadMemory("/").get("a.ipynb"), "thr_a");
  assert.equal(new NotebookThreads().get("a.ipynb"), "thr_a"); // PageConfig's base URL: "/" here
  new NotebookThreads().setUnattached("thr_none");
  assert.equal(stored.get("jupyter-chatkit:no-notebook-thread:/"), "thr_none");
});

/** A chat whose server lists `onServer` (notebook → newest thread id); records what it opens. */
function fakeChat(onServer: Record<string, string>, missing: string[] = [], listing: Promise<void> = Promise.resolve()) {
  const listed: unknown[] = [];
  const sent: { type: string; params: Record<string, unknown>; metadata?: unknown }[] = [];
  const opened: string[] = [];
  let threadId: string | null = null;
  let newThreads = 0;
  const listeners: ((id: string | null) => void)[] = [];
  const prepared: (() => void)[] = [];
  const setThread = (id: string | null): void => {
    threadId = id;
    for (const cb of listeners) cb(id);
  };
  const chat = {
    session: {
      busy: false,
      state: { thread: null as { metadata?: Record<string, unknown> } | null },
      subscribe: () => () => undefined,
      request: async (req: { type: string; params: Record<string, unknown>; metadata?: unknown }) => {
        sent.push(req);
        return req.type === "threads.get_by_id" ? { id: req.params.thread_id, title: "Asked early", items: { data: [] } } : {};
      },
      listThreads: async (_after: string | null, _limit: number, metadata?: { notebook: string }) => {
        listed.push(metadata);
        await listing;
        const id = metadata ? onServer[metadata.notebook] : undefined;
        return { data: id ? [{ id }] : [], has_more: false };
      },
    },
    get threadId() {
      return threadId;
    },
    openThread: async (id: string) => {
      if (missing.includes(id)) throw new Error("not found");
      opened.push(id);
      setThread(id);
    },
    newThread: () => {
      newThreads++;
      setThread(null);
    },
    onThreadChange: (cb: (id: string | null) => void) => {
      listeners.push(cb);
      return () => undefined;
    },
    onAnswer: () => () => undefined,
    preparing: false,
    onPrepared: (cb: () => void) => {
      prepared.push(cb);
      return () => undefined;
    },
  } as unknown as ChatHandle;
  /** End a message's preparation (`sent`: the session is busy with it from then). */
  const endPreparing = (sent: boolean): void => {
    (chat as unknown as { preparing: boolean }).preparing = false;
    (chat.session as unknown as { busy: boolean }).busy = sent;
    for (const cb of prepared) cb();
  };
  return { chat, listed, sent, opened, newThreads: () => newThreads, setThread, endPreparing };
}

/** A notebook link that attaches the panels the test gives it. */
function fakeLink() {
  const slots: ((link: NotebookLink, panel: unknown) => void)[] = [];
  const link = {
    panel: null,
    changed: {
      connect: (cb: (link: NotebookLink, panel: unknown) => void) => void slots.push(cb),
      disconnect: () => undefined,
    },
  } as unknown as NotebookLink;
  const attach = (path: string): void => {
    const panel = { context: { path } };
    (link as unknown as { panel: unknown }).panel = panel;
    for (const cb of slots) cb(link, panel);
  };
  /** The last notebook closed: none attached. */
  const close = (): void => {
    (link as unknown as { panel: unknown }).panel = null;
    for (const cb of slots) cb(link, null);
  };
  return { link, attach, close };
}

/** Let the chained promises of a switch settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The sidebar following `chat` through a fake notebook link, with a fresh memory that
 * remembers `remembered` (notebook → thread id); `attached`: a notebook already open.
 */
function follow(chat: ChatHandle, remembered: Record<string, string> = {}, attached?: string) {
  stored.clear();
  const memory = new NotebookThreads();
  for (const [notebook, id] of Object.entries(remembered)) memory.set(notebook, id);
  const { link, attach, close } = fakeLink();
  if (attached) (link as unknown as { panel: unknown }).panel = { context: { path: attached } };
  followNotebookThreads(chat, link, memory);
  return { memory, attach, close };
}

test("with nothing remembered, the sidebar opens the notebook's newest conversation on the server (a closed notebook renamed)", async () => {
  const { chat, listed, opened } = fakeChat({ "new.ipynb": "thr_1" });
  // The browser still knows the notebook by its old name.
  const { memory, attach } = follow(chat, { "old.ipynb": "thr_1" });
  attach("new.ipynb");
  await settle();
  assert.deepEqual(listed, [{ notebook: "new.ipynb" }]);
  assert.deepEqual(opened, ["thr_1"]);
  assert.equal(memory.get("new.ipynb"), "thr_1"); // remembered from now on
});

test("a remembered conversation that no longer opens falls back to the server's newest", async () => {
  const { chat, opened } = fakeChat({ "a.ipynb": "thr_2" }, ["thr_gone"]);
  const { memory, attach } = follow(chat, { "a.ipynb": "thr_gone" });
  attach("a.ipynb");
  await settle();
  await settle();
  assert.deepEqual(opened, ["thr_2"]);
  assert.equal(memory.get("a.ipynb"), "thr_2");
});

test("a notebook without conversations anywhere gets a new one", async () => {
  const { chat, opened, newThreads } = fakeChat({ "a.ipynb": "thr_a" });
  const { attach } = follow(chat, { "a.ipynb": "thr_a" });
  attach("a.ipynb");
  await settle();
  assert.deepEqual(opened, ["thr_a"]);
  attach("b.ipynb");
  await settle();
  assert.equal(newThreads(), 1);
  assert.equal(chat.threadId, null);
});

test("a conversation the person started while the server was slow to list stays", async () => {
  let answer = (): void => undefined;
  const listing = new Promise<void>((resolve) => {
    answer = resolve;
  });
  const { chat, newThreads, setThread } = fakeChat({}, [], listing);
  const { attach } = follow(chat);
  attach("a.ipynb");
  await settle();
  // The person asked, and the answer ended, before the server listed no conversation.
  setThread("thr_mine");
  answer();
  await settle();
  assert.equal(newThreads(), 0);
  assert.equal(chat.threadId, "thr_mine");
});

test("a notebook's remembered conversation failing late does not forget the notebook attached since", async () => {
  let fail = (): void => undefined;
  const failing = new Promise<void>((_, reject) => {
    fail = () => reject(new Error("not found"));
  });
  failing.catch(() => undefined);
  const { chat, opened } = fakeChat({ "a.ipynb": "thr_a2", "b.ipynb": "thr_b" });
  // a.ipynb's remembered thread answers "not found" only after b.ipynb is attached.
  const open = chat.openThread.bind(chat);
  (chat as unknown as { openThread: (id: string) => Promise<void> }).openThread = (id) =>
    id === "thr_gone" ? failing : open(id);
  const { memory, attach } = follow(chat, { "a.ipynb": "thr_gone", "b.ipynb": "thr_b" });
  attach("a.ipynb");
  attach("b.ipynb");
  await settle();
  fail();
  await settle();
  await settle();
  assert.equal(memory.get("b.ipynb"), "thr_b");
  assert.deepEqual(opened, ["thr_b"]);
  assert.equal(chat.threadId, "thr_b");
});

test("a notebook switched while a message is readied waits: the message stays the shown conversation's", async () => {
  const { chat, opened, endPreparing } = fakeChat({});
  const { attach } = follow(chat, { "a.ipynb": "thr_a", "b.ipynb": "thr_b" });
  attach("a.ipynb");
  await settle();
  assert.deepEqual(opened, ["thr_a"]);
  // Enter in a.ipynb: its chips resolve through the kernel while the person opens b.ipynb.
  (chat as unknown as { preparing: boolean }).preparing = true;
  attach("b.ipynb");
  await settle();
  assert.deepEqual(opened, ["thr_a"]);
  assert.equal(chat.threadId, "thr_a");
  // Sent: the switch now waits for the answer.
  endPreparing(true);
  await settle();
  assert.deepEqual(opened, ["thr_a"]);
});

test("a switch deferred while a message was readied happens when it stays in the box", async () => {
  const { chat, opened, endPreparing } = fakeChat({});
  const { attach } = follow(chat, { "a.ipynb": "thr_a", "b.ipynb": "thr_b" });
  attach("a.ipynb");
  await settle();
  (chat as unknown as { preparing: boolean }).preparing = true;
  attach("b.ipynb");
  await settle();
  endPreparing(false); // stopped: nothing went, nothing to wait for
  await settle();
  assert.deepEqual(opened, ["thr_a", "thr_b"]);
  assert.equal(chat.threadId, "thr_b");
});

// --- A switch deferred behind an answer happens when that answer ends, whichever way.

import { ChatSession, type Transport } from "../../src/index";
import { chatOver } from "./sessionchat";

/**
 * A chat over a real ChatSession: `threads.get_by_id` opens any id, a message's answer
 * streams one progress event and then waits for the test to end it (`end`).
 */
function answeringChat() {
  const opened: string[] = [];
  let end: (how: "answer" | "error" | "drop") => void = () => undefined;
  const encoder = new TextEncoder();
  const sse = (event: object): Uint8Array => encoder.encode(`data: ${JSON.stringify(event)}\n\n`);
  const transport: Transport = {
    async send(body: object, signal?: AbortSignal) {
      const req = body as { type: string; params: { thread_id?: string } };
      if (req.type === "threads.get_by_id") {
        const id = String(req.params.thread_id);
        opened.push(id);
        const thread = { id, title: id, created_at: "2026-01-01T00:00:00", status: { type: "active" }, metadata: {} };
        return { status: 200, contentType: "application/json", body: [encoder.encode(JSON.stringify({ ...thread, items: { data: [], has_more: false } }))] as unknown as AsyncIterable<Uint8Array> };
      }
      const ended = new Promise<"answer" | "error" | "drop">((resolve, reject) => {
        end = resolve;
        signal?.addEventListener("abort", () => reject(Object.assign(new Error("Aborted"), { name: "AbortError" })));
      });
      async function* stream(): AsyncGenerator<Uint8Array> {
        yield sse({ type: "progress_update", text: "Thinking" });
        const how = await ended;
        if (how === "drop") throw new TypeError("network error");
        if (how === "error") yield sse({ type: "error", code: "custom", message: "The model failed.", allow_retry: true });
        else {
          const item = { id: "msg_1", thread_id: "thr_a", created_at: "2026-01-01T00:00:00", type: "assistant_message", content: [{ type: "output_text", text: "Done.", annotations: [] }] };
          yield sse({ type: "thread.item.done", item });
        }
      }
      return { status: 200, contentType: "text/event-stream", body: stream() };
    },
  };
  const session = new ChatSession({ transport });
  const chat = chatOver(session);
  return { chat, session, opened, end: (how: "answer" | "error" | "drop") => end(how) };
}

for (const [how, label] of [
  ["answer", "is answered"],
  ["error", "fails with an error"],
  ["drop", "loses the network"],
  ["stop", "is stopped"],
] as const) {
  test(`a notebook switch deferred while an answer runs happens, once, when the answer ${label}`, async () => {
    const { chat, session, opened, end } = answeringChat();
    const { attach } = follow(chat, { "a.ipynb": "thr_a", "b.ipynb": "thr_b" });
    attach("a.ipynb");
    await settle();
    assert.equal(session.threadId, "thr_a");
    const turn = session.send("plot it");
    await settle();
    assert.equal(session.busy, true);
    attach("b.ipynb"); // deferred: the answer would be cut
    await settle();
    assert.deepEqual(opened, ["thr_a"]);
    if (how === "stop") session.cancel();
    else end(how);
    await turn;
    await settle();
    await settle();
    assert.deepEqual(opened, ["thr_a", "thr_b"]);
    assert.equal(session.threadId, "thr_b");
    // Later state changes (a message in b.ipynb's conversation) apply nothing again.
    const next = session.send("and now?");
    await settle();
    end("answer");
    await next;
    await settle();
    assert.deepEqual(opened, ["thr_a", "thr_b"]);
  });
}

test("a notebook already attached when the sidebar starts, remembered nowhere in this browser, opens its newest conversation on the server", async () => {
  // Another browser, or cleared storage, with the notebook restored before the sidebar's
  // chat was made: no attach event follows, yet the notebook has its conversation.
  const { chat, listed, opened } = fakeChat({ "a.ipynb": "thr_a" });
  const { memory } = follow(chat, {}, "a.ipynb");
  await settle();
  assert.deepEqual(listed, [{ notebook: "a.ipynb" }]);
  assert.deepEqual(opened, ["thr_a"]);
  assert.equal(memory.get("a.ipynb"), "thr_a");
});

// --- A command's message (error buttons, cell menu) is never dropped without a word.

import { STILL_ANSWERING, STILL_PREPARING, sendFromCommand } from "../src/sendguard";

test("a command's message while the chat answers or readies another is said, not dropped silently", async () => {
  const sent: unknown[] = [];
  const said: string[] = [];
  const chat = { session: { busy: false }, preparing: false, send: async (t: unknown) => void sent.push(t) };
  const handle = chat as unknown as Parameters<typeof sendFromCommand>[0];
  await sendFromCommand(handle, "Fix the error in cell 3", (m) => said.push(m));
  chat.preparing = true; // a message typed just before still resolves its chips
  await sendFromCommand(handle, "Explain cell 2", (m) => said.push(m));
  chat.preparing = false;
  chat.session.busy = true;
  await sendFromCommand(handle, "Explain cell 4", (m) => said.push(m));
  assert.deepEqual(sent, ["Fix the error in cell 3"]);
  assert.deepEqual(said, [STILL_PREPARING, STILL_ANSWERING]);
});

test("a conversation of another notebook opened from the history with nothing attached stays that notebook's; one of the notebook attached is its own", async () => {
  // Opened from the history (notebook c's) with nothing attached: d gets its own.
  const opened = fakeChat({});
  const second = follow(opened.chat);
  (opened.chat.session as unknown as { state: unknown }).state = { thread: { metadata: { notebook: "c.ipynb" } } };
  opened.setThread("thr_of_c");
  second.attach("d.ipynb");
  await settle();
  assert.equal(opened.newThreads(), 1);
  assert.equal(second.memory.get("d.ipynb"), null);
  assert.equal(second.memory.unattached(), null);
  assert.deepEqual(opened.sent, []);
  // c's own conversation, opened before c was attached, is c's: kept and remembered.
  opened.setThread("thr_of_c");
  second.attach("c.ipynb");
  await settle();
  assert.equal(opened.newThreads(), 1);
  assert.equal(second.memory.get("c.ipynb"), "thr_of_c");
});

test("a notebook switch deferred while an answer runs is dropped when the person starts a new conversation", async () => {
  // Walk NU 31: the deferred switch ran when New conversation cut the answer, opening
  // the notebook's remembered conversation over the new one (or "No such conversation"
  // when that was one whose save still waited).
  const { chat, session, opened } = answeringChat();
  const { attach } = follow(chat, { "a.ipynb": "thr_a", "b.ipynb": "thr_b" });
  attach("a.ipynb");
  await settle();
  const turn = session.send("plot it");
  await settle();
  attach("b.ipynb"); // deferred: the answer would be cut
  await settle();
  chat.newThread(); // the person's choice: a new conversation, in b.ipynb
  await turn;
  await settle();
  await settle();
  assert.deepEqual(opened, ["thr_a"]);
  assert.equal(session.threadId, null);
});

test("the notebook closed while its question is answered: the answer stays shown, not an empty conversation", async () => {
  // Walk 13: the sidebar went to an empty conversation of no notebook as the answer
  // ended, while screen readers were told "The assistant answered."; reopening the
  // notebook showed it. Closed when nothing is answered: the conversation of no notebook.
  for (const how of ["answer", "error"] as const) {
    const { chat, session, opened, end } = answeringChat();
    const { attach, close } = follow(chat, { "a.ipynb": "thr_a" });
    attach("a.ipynb");
    await settle();
    const turn = session.send("why does this cell fail?");
    await settle();
    close(); // deferred: the answer would be cut
    await settle();
    assert.equal(session.busy, true);
    end(how);
    await turn;
    await settle();
    await settle();
    assert.deepEqual(opened, ["thr_a"]);
    assert.equal(session.threadId, "thr_a", how);
    // A notebook attached then: its own conversation, as always.
    attach("a.ipynb");
    await settle();
    assert.equal(session.threadId, "thr_a");
    close(); // nothing answered now: the conversation of no notebook (a new one here)
    await settle();
    assert.equal(session.threadId, null);
  }
});
