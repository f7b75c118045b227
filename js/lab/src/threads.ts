/**
 * Threads belong to notebooks (issue 10, item 5), in the sidebar: each notebook's last
 * conversation is remembered (per Jupyter server, in this browser), attaching the
 * sidebar to a notebook reopens that notebook's conversation (with nothing remembered,
 * the notebook's newest one on the server, as the widget does; else a new one), and
 * renaming or moving the open notebook keeps the link (here and on the server). A new
 * thread sends its notebook's path with `threads.create` (request metadata), and the
 * history can list one notebook's threads.
 */

import { PageConfig } from "@jupyterlab/coreutils";
import type { NotebookPanel } from "@jupyterlab/notebook";
import type { ChatHandle } from "../../src/index";
import { NotebookThreadMemory, newestNotebookThread, tellServer } from "../../src/notebookthreads";
import type { NotebookLink } from "./link";

/**
 * Notebook path → its last thread id, kept in localStorage per Jupyter server; the same
 * memory as the `%chat` widget's, so both reopen a notebook's last conversation.
 */
export class NotebookThreads extends NotebookThreadMemory {
  /** The memory of this page's Jupyter server (keyed by its base URL's path). */
  constructor() {
    super(PageConfig.getBaseUrl());
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
export function followNotebookThreads(chat: ChatHandle, link: NotebookLink, threads: NotebookThreads): () => void {
  let panel: NotebookPanel | null = link.panel;
  let path: string | null = panel?.context.path ?? null;
  let pending = false;

  // The conversation shown while no notebook was attached (asked while JupyterLab still
  // restored the notebook, or before any was open): the next notebook attached adopts it
  // when that notebook has no conversation of its own, rather than clearing the screen.
  // One that belongs to another notebook (opened from the history) is that notebook's.
  let unattached: string | null = null;
  const adoptable = (): boolean =>
    !!chat.threadId && chat.threadId === unattached && !chat.session.state.thread?.metadata?.notebook;
  const stopRemember = chat.onThreadChange((id) => {
    if (path && id) threads.set(path, id);
    if (!path) unattached = id;
    // A new conversation (the person's choice, in the notebook attached now): a switch
    // deferred behind the answer it cut no longer opens the notebook's remembered one.
    if (!id) pending = false;
  });
  const switchTo = (): void => {
    // A message being readied (its chips resolving through the kernel) is the shown
    // conversation's: switching now sent it, with this notebook's chips, to the next one.
    if (chat.session.busy || chat.preparing) {
      pending = true;
      return;
    }
    pending = false;
    const target = threads.get(path);
    // A conversation still loading (asked for the notebook attached before, or the last
    // one open at start-up) must not land now: it showed over this notebook's, which then
    // remembered it, and the next message went there. Opening the target drops it too.
    if (chat.session.loadingThread && chat.session.loadingThread !== target) chat.session.stopLoading();
    if (!target) {
      // Nothing remembered: the server is asked. Meanwhile the conversation shown is
      // another notebook's, where a message sent now went (the bar says this one): a new
      // conversation of this notebook shows until the answer, unless it is to be adopted.
      if (chat.threadId && !adoptable()) chat.newThread();
      void fromServer();
      return;
    }
    unattached = null;
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
    else if (!newest && chat.threadId && adoptable()) {
      threads.set(asked, chat.threadId);
      void adoptOnServer(chat, chat.threadId, asked);
    }
    else if (!newest && chat.threadId) chat.newThread();
    unattached = null;
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
    // With no notebook attached, the conversation on screen stays.
    if (path) switchTo();
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
    if (ended && pending) {
      queueMicrotask(() => {
        if (pending && !chat.session.busy && !chat.preparing) switchTo();
      });
    }
  });
  // Readied and sent: busy now, the answer switches. Readied and kept (stopped): now.
  const stopPrepared = chat.onPrepared(() => {
    if (pending) switchTo();
  });
  link.changed.connect(onChanged);
  // A notebook attached before the chat was made (restored with the page) gets no
  // attach event: with nothing remembered in this browser, ask the server now.
  if (path && !threads.get(path)) void fromServer();
  return () => {
    link.changed.disconnect(onChanged);
    stopRemember();
    stopIdle();
    stopPrepared();
  };
}
