/**
 * Threads belong to notebooks (issue 10, item 5), in the sidebar: each notebook's last
 * conversation is remembered (per Jupyter server, in this browser), attaching the
 * sidebar to a notebook reopens that notebook's conversation (with nothing remembered,
 * the notebook's newest one on the server, as the widget does; else a new one), and
 * renaming or moving the open notebook keeps the link (here and on the server). A new
 * thread sends its notebook's path with `threads.create` (request metadata), and the
 * history can list one notebook's threads.
 *
 * A conversation belongs to the notebook it was started for, or to none. With no
 * notebook attached (the last one closed, JupyterLab's launcher, Notebook 7's tree,
 * console or editor pages) the bar says so, and the sidebar shows the last conversation
 * of no notebook (or a new one): a message sent then goes to no notebook's thread. A
 * notebook attached later never takes such a conversation over. But a notebook closed
 * while its question is answered leaves that conversation shown once the answer ends
 * (the answer the person waits for, and is told came), its bar naming the notebook.
 */

import { PageConfig } from "@jupyterlab/coreutils";
import type { NotebookPanel } from "@jupyterlab/notebook";
import type { ChatHandle } from "../../src/index";
import { NotebookThreadMemory, newestNotebookThread, serverKey, tellServer } from "../../src/notebookthreads";
import type { NotebookLink } from "./link";

/**
 * Notebook path → its last thread id, kept in localStorage per Jupyter server; the same
 * memory as the `%chat` widget's, so both reopen a notebook's last conversation. Also
 * the last conversation of no notebook (a Notebook 7 tree page and the next one share it).
 */
export class NotebookThreads extends NotebookThreadMemory {
  private readonly noNotebookKey: string;

  /** The memory of this page's Jupyter server (keyed by its base URL's path). */
  constructor() {
    super(PageConfig.getBaseUrl());
    this.noNotebookKey = serverKey("no-notebook-thread", PageConfig.getBaseUrl());
  }

  /** The last conversation shown with no notebook attached, if any. */
  unattached(): string | null {
    try {
      return window.localStorage.getItem(this.noNotebookKey);
    } catch {
      return null; // storage disabled
    }
  }

  /** Remember `id` as the conversation of no notebook (null forgets it). */
  setUnattached(id: string | null): void {
    try {
      if (id) window.localStorage.setItem(this.noNotebookKey, id);
      else window.localStorage.removeItem(this.noNotebookKey);
    } catch {
      // storage disabled: nothing to remember
    }
  }
}

/** Tell the server a notebook moved (the `%chat` widget's views do the same). */
export { tellServer };

/**
 * Tell the server the conversation `threadId`, of no notebook, is now the notebook at
 * `path`'s (`threads.update` with request metadata `{notebook}` and no
 * `previous_notebook`), so every browser lists it under "This notebook". The server ties
 * only a thread of no notebook, and keeps its title (see {@link tellServer}).
 */
export async function adoptOnServer(chat: Pick<ChatHandle, "session">, threadId: string, path: string): Promise<void> {
  try {
    await chat.session.request({
      type: "threads.update",
      params: { thread_id: threadId, title: "" },
      metadata: { notebook: path },
    });
  } catch (e) {
    console.warn("jupyter-chatkit: could not tie the conversation to its notebook", e);
  }
}

/**
 * Keep `chat` on the attached notebook's conversation. Returns the function that stops.
 * A switch waits while an answer streams (the answer would be cut otherwise) and while a
 * message is readied (it belongs to the conversation it was written in); it happens
 * once that answer ends, answered, failed or stopped.
 */
export function followNotebookThreads(
  chat: ChatHandle,
  link: NotebookLink,
  threads: NotebookThreads,
  restored?: Promise<boolean>,
): () => void {
  let panel: NotebookPanel | null = link.panel;
  let path: string | null = panel?.context.path ?? null;
  let pending = false;

  // A conversation of no notebook a message was sent in while JupyterLab still restored
  // its layout (the notebook on its way) is the restored notebook's: the first one
  // attached takes it, whether the message started it or went to one shown already (the
  // last one of no notebook, reopened). `restored` says, once the layout is there,
  // whether it holds a notebook; without one, nothing is taken up (a conversation asked
  // in on the launcher is of no notebook). One only opened meanwhile is not taken.
  let restoring = !!restored;
  let startedRestoring: string | null = null;
  // Sent then to start a conversation whose creation has not landed yet: it may land
  // after the notebook attached (the request in flight), and is taken up the same way.
  let creating = false;
  void restored?.then((withNotebook) => {
    restoring = false;
    if (!withNotebook) {
      startedRestoring = null;
      creating = false;
    }
  });
  const stopRemember = chat.onThreadChange((id) => {
    // Started: created by the message being answered (busy), not a conversation opened.
    const started = !!id && chat.session.busy && (creating || (!path && restoring));
    creating = false;
    if (started) startedRestoring = id;
    // Created once the notebook attached, of no notebook still: as if created before, the
    // switch deferred behind this answer decides whose it is.
    if (path && id && !started) threads.set(path, id);
    // With no notebook attached, a conversation of no notebook is remembered as such;
    // one opened from the history that is a notebook's stays that notebook's.
    if ((!path || started) && id && !chat.session.state.thread?.metadata?.notebook) threads.setUnattached(id);
    // A new conversation (the person's choice, in the notebook attached now): a switch
    // deferred behind the answer it cut no longer opens the notebook's remembered one.
    if (!id) pending = false;
  });
  /** `afterAnswer`: the switch deferred behind an answer, now that it ended. */
  const switchTo = (afterAnswer = false): void => {
    // A message being readied (its chips resolving through the kernel) is the shown
    // conversation's: switching now sent it, with this notebook's chips, to the next one.
    if (chat.session.busy || chat.preparing) {
      pending = true;
      return;
    }
    pending = false;
    if (!path) {
      // The notebook closed while its question was answered: the answer, which screen
      // readers are told came, stays on screen (it went to a new empty conversation as
      // it ended), the bar naming its notebook (panel.ts). Reopening the notebook shows
      // the same conversation; New conversation starts one of no notebook.
      if (!afterAnswer) detach();
      return;
    }
    const target = threads.get(path);
    if (target) startedRestoring = null;
    // A conversation still loading (asked for the notebook attached before, or the last
    // one open at start-up) must not land now: it showed over this notebook's, which then
    // remembered it, and the next message went there. Opening the target drops it too.
    if (chat.session.loadingThread && chat.session.loadingThread !== target) chat.session.stopLoading();
    if (!target) {
      // Nothing remembered: the server is asked. Meanwhile the conversation shown is
      // another notebook's or none's, where a message sent now went (the bar says this
      // one): a new conversation of this notebook shows until the answer. One of this
      // notebook (opened from the history before it was attached) is its own.
      const own = !!path && chat.session.state.thread?.metadata?.notebook === path;
      const taken = !!chat.threadId && chat.threadId === startedRestoring && !chat.session.state.thread?.metadata?.notebook;
      startedRestoring = null;
      if (chat.threadId && taken) {
        threads.set(path, chat.threadId);
        if (threads.unattached() === chat.threadId) threads.setUnattached(null);
        void adoptOnServer(chat, chat.threadId, path);
      } else if (chat.threadId && own) threads.set(path, chat.threadId);
      else {
        if (chat.threadId) chat.newThread();
        void fromServer();
      }
      return;
    }
    if (target !== chat.threadId) {
      const asked = path;
      void chat.openThread(target).catch(() => {
        // Another notebook attached while this one's failed: its memory is not this
        // one's to forget (that cleared the newer notebook's conversation).
        if (path !== asked) return;
        // Deleted, or another store's: ask the server for the notebook's newest.
        if (path) threads.set(path, null);
        void fromServer();
      });
    }
  };
  // No notebook attached: the bar says so, so the conversation shown is of no notebook
  // (the last one, else a new one), never the notebook closed or left a moment ago,
  // where a message sent now went.
  const detach = (): void => {
    const keep = threads.unattached();
    if (chat.session.loadingThread && chat.session.loadingThread !== keep) chat.session.stopLoading();
    // Shown already, or on its way (the chat's start opens it).
    if (chat.threadId === keep || (keep && chat.session.loadingThread === keep)) return;
    if (!keep) {
      if (chat.threadId) chat.newThread();
      return;
    }
    void chat.openThread(keep).catch(() => {
      if (path || chat.threadId === keep) return;
      threads.setUnattached(null);
      chat.newThread();
    });
  };
  // Nothing remembered in this browser (a closed notebook renamed, another browser,
  // cleared storage): the server knows the notebook's conversations.
  const fromServer = async (): Promise<void> => {
    const asked = path;
    const shown = chat.threadId;
    if (!asked) return;
    let newest: string | null = null;
    try {
      newest = await newestNotebookThread(chat.session, asked);
    } catch (e) {
      console.warn("jupyter-chatkit: could not ask for the notebook's conversation", e);
    }
    // Another notebook attached meanwhile, or the person started writing (an answer may
    // even have ended while the server was slow to list): theirs stands.
    if (path !== asked || chat.session.busy || chat.threadId !== shown) return;
    if (newest && newest !== chat.threadId) await chat.openThread(newest).catch(() => chat.newThread());
    else if (!newest && chat.threadId) chat.newThread();
  };
  const onChanged = (_: NotebookLink, next: NotebookPanel | null): void => {
    const nextPath = next?.context.path ?? null;
    if (next && next === panel && path && nextPath && nextPath !== path) {
      // The same notebook, renamed or moved: its conversations follow it.
      void tellServer(chat, threads.get(path), path, nextPath);
      threads.move(path, nextPath);
      path = nextPath;
      return;
    }
    if (next === panel && nextPath === path) return;
    panel = next;
    path = nextPath;
    switchTo();
  };
  // The answer ended, whichever way: answered, failed (an error, the network) or
  // stopped. Only an answered turn calls onAnswer, so the session's busy flag is
  // watched: a switch deferred behind a failed answer was lost. Checked after the turn's
  // own events (a microtask later); `pending` is cleared by the one switch, never twice.
  let wasBusy = chat.session.busy;
  const stopIdle = chat.session.subscribe((e) => {
    if (e.type !== "state") return;
    const busy = chat.session.busy;
    const ended = wasBusy && !busy;
    wasBusy = busy;
    // Failed before the conversation was created: the next one created is not that one.
    if (ended) creating = false;
    if (ended && pending) {
      queueMicrotask(() => {
        if (pending && !chat.session.busy && !chat.preparing) switchTo(true);
      });
    }
  });
  // Readied and sent: busy now, the answer switches. Readied and kept (stopped): now.
  const stopPrepared = chat.onPrepared(() => {
    // Sent while restoring in the conversation shown, with no notebook attached: the one
    // the restored notebook takes (a new one's id comes with its creation, above).
    if (!path && restoring && chat.session.busy) {
      if (chat.threadId) startedRestoring = chat.threadId;
      else creating = true;
    }
    if (pending) switchTo();
  });
  link.changed.connect(onChanged);
  // Another tab of this browser started the attached notebook's conversation while this
  // one shows none yet (a new, empty one): this tab goes to it, rather than a second
  // conversation of the notebook starting here at the next message.
  const onStorage = (e: StorageEvent): void => {
    if (!path || chat.threadId || chat.session.busy || chat.preparing || chat.session.loadingThread) return;
    if (e.key !== null && e.key !== threads.storageKey) return;
    const target = threads.get(path);
    if (target) void chat.openThread(target).catch(() => undefined);
  };
  const storageEvents = typeof window.addEventListener === "function";
  if (storageEvents) window.addEventListener("storage", onStorage);
  // A notebook attached before the chat was made (restored with the page) gets no
  // attach event: with nothing remembered in this browser, ask the server now.
  if (path && !threads.get(path)) void fromServer();
  // None attached: the chat opened the conversation of no notebook (chat.ts), or shows
  // a new one; a notebook's shown (the chat's own start) gives way to it.
  else if (!path) detach();
  return () => {
    link.changed.disconnect(onChanged);
    if (storageEvents) window.removeEventListener("storage", onStorage);
    stopRemember();
    stopIdle();
    stopPrepared();
  };
}
