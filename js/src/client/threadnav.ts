/**
 * Which thread a session shows: a new one, a stored one (its newest page, older pages on
 * demand), and the thread list's requests (rename, delete, feedback). A thread whose
 * answer is still being written (the page was reloaded mid-answer, another browser
 * asked) is followed live until its turn ends (`TURN.WATCH`).
 */

import { TURN, TURN_NOTICES_KEY } from "../protocol";
import {
  emptyState,
  errorStillStanding,
  failureOf,
  keptFailure,
  prependItems,
  stateFromThread,
  type TurnFailure,
} from "./reducer";
import { isStep, owedHere, settled } from "./handedcalls";
import { messageBatches } from "./stream";
import { isAbortError } from "./transport";
import type { TurnSignal } from "./turnsignal";
import { TurnSession } from "./turns";
import type { FeedbackKind, NoticeEvent, Page, Thread, ThreadItem, ThreadMetadata } from "./types";

/** Threads whose notices a session keeps (see {@link ThreadSession.keepNotices}), the last shown. */
const NOTICED_THREADS = 50;

/** The notices the server kept with `thread` (protocol.py's TURN_NOTICES_KEY), oldest first. */
function keptNotices(thread: Thread | ThreadMetadata): NoticeEvent[] {
  const kept = thread.metadata?.[TURN_NOTICES_KEY];
  if (!Array.isArray(kept)) return [];
  return kept.filter(
    (n): n is NoticeEvent =>
      !!n &&
      typeof n === "object" &&
      typeof n.message === "string" &&
      (n.title == null || typeof n.title === "string") &&
      ["info", "warning", "danger"].includes(n.level),
  );
}

/** `first` then those of `then` not said in it (same level, title and message), in order. */
function sayOnce(first: readonly NoticeEvent[], then: readonly NoticeEvent[]): NoticeEvent[] {
  const key = (n: NoticeEvent): string => JSON.stringify([n.level, n.title ?? null, n.message]);
  const said = new Set(first.map(key));
  return [...first, ...then.filter((n) => !said.has(key(n)))];
}

/** Opening threads on top of {@link TurnSession}. */
export class ThreadSession extends TurnSession {
  /** The failure of the last turn another chat of the page ran, by thread (see {@link heardTurn}). */
  private failedElsewhere = new Map<string, TurnFailure>();
  /** The thread being loaded ({@link openThread} before it shows it), with its generation. */
  private loading: { id: string; gen: number } | null = null;
  /**
   * What this view was told in each thread it showed (`notice` events: an attachment
   * read only in part, an MCP server left out), by thread. A thread loaded again (a
   * followed turn's end, a catch-up, the server's word of a turn there, a switch back)
   * shows those the server kept with it (its metadata) and these.
   */
  private notices = new Map<string, NoticeEvent[]>();

  /** The thread an {@link openThread} is loading and has not shown yet, if any. */
  get loadingThread(): string | null {
    return this.loading && this.loading.gen === this.generation ? this.loading.id : null;
  }

  /**
   * Drop the thread load under way: what it brings is not shown (the thread shown stays).
   * A host that moved on (the sidebar attached to another notebook) calls it, so a slow
   * load asked for before cannot land after the move, over the conversation it wants.
   */
  stopLoading(): void {
    if (!this.loadingThread) return;
    this.loading = null;
    this.generation++;
  }

  /**
   * A page's word about another chat's turn (turnsignal.ts), heard before anything else
   * is done with it (this chat may be busy following that very turn): an ended turn's
   * failure is shown when the thread is loaded again and still ends where it failed.
   */
  heardTurn(turn: TurnSignal): void {
    // The server's word carries no failure, and says nothing of one another chat gave.
    if (turn.source === this || turn.lastItemId !== undefined) return;
    if (turn.phase === "ended" && turn.failure) this.failedElsewhere.set(turn.threadId, turn.failure);
    else this.failedElsewhere.delete(turn.threadId);
  }

  /**
   * Whether a turn another chat, tab or browser runs in the thread shown here is to be
   * followed (or the thread loaded again, once it ended): not this chat's own, not while
   * it answers or follows one (its own catch-up shows the other), and not when the
   * server says the thread's newest item is one this chat holds (it has that turn).
   */
  followsTurn(turn: TurnSignal): boolean {
    if (turn.source === this || this.busy || turn.threadId !== this.threadId) return false;
    const last = turn.lastItemId;
    return !(turn.phase === "ended" && last && this.state.items.some((item) => item.id === last));
  }

  /** Forget the current thread; the next message creates a new one. */
  newThread(): void {
    this.detach();
    this.generation++;
    this.keepNotices();
    this.state = emptyState();
    this.pendingText = null;
    this.olderCursor = null;
    this.changed();
  }

  /**
   * Load a thread (its newest items; older ones via {@link loadOlder}) and carry on its
   * unfinished answer: follow a turn still running (when `follow`), or (when `resume`)
   * run the client tool call it waits for. A chat following another chat's turn of the page
   * does not `resume`: that chat runs the call (both did: two results, two answers).
   */
  async openThread(threadId: string, follow = true, resume = true): Promise<void> {
    this.detach();
    const gen = ++this.generation;
    this.loading = { id: threadId, gen };
    try {
      await this.load(threadId, gen, follow, resume);
    } catch (e) {
      // A load dropped for a later move failed after it: nothing of it is said.
      if (gen === this.generation) throw e;
    } finally {
      if (this.loading?.gen === gen) this.loading = null;
    }
  }

  /** {@link openThread}'s work, generation `gen`: dropped once a later move took over. */
  private async load(threadId: string, gen: number, follow: boolean, resume: boolean): Promise<void> {
    // What this view showed of the same thread: an error its stream gave (a turn of its
    // own, or one it followed) still says why the last message has no answer.
    const same = this.threadId === threadId;
    const before = same ? failureOf(this.state) : null;
    // And why earlier messages failed, as this view saw it (a failure the server could
    // not keep, its store refusing the write, stays said here).
    const seenEarlier = same ? this.state.earlier : null;
    const thread = await this.request<Thread>({ type: "threads.get_by_id", params: { thread_id: threadId } });
    if (gen !== this.generation) return;
    let state = stateFromThread(thread);
    let cursor: string | null = null;
    if (thread.items?.has_more) {
      // get_by_id gives the oldest page; show the newest instead and page backwards.
      const page = await this.request<Page<ThreadItem>>({
        type: "items.list",
        params: { thread_id: threadId, order: "desc", limit: this.pageSize },
      });
      if (gen !== this.generation) return;
      state = { ...state, items: [...page.data].reverse() };
      cursor = page.has_more ? (page.after ?? null) : null;
    }
    // Or the failure the server kept with the thread: a reload, another window, says why too.
    const error =
      errorStillStanding(before, state) ??
      errorStillStanding(this.failedElsewhere.get(threadId) ?? null, state) ??
      errorStillStanding(keptFailure(thread), state);
    if (error) state = { ...state, error };
    if (seenEarlier && seenEarlier !== state.earlier && Object.keys(seenEarlier).length) {
      state = { ...state, earlier: { ...seenEarlier, ...state.earlier } };
    }
    // What the person was told in this thread's turns: as the server kept it (a reload,
    // another window), and here (a notice it could not keep), said again.
    this.keepNotices();
    const told = sayOnce(keptNotices(thread), this.notices.get(threadId) ?? []);
    if (told.length) state = { ...state, notices: told };
    this.state = state;
    this.olderCursor = cursor;
    this.pendingText = null;
    this.loading = null;
    this.changed();
    // Its answer is still being written (the page was reloaded mid-answer, or another
    // browser asked): follow it live, then show the thread as saved. Not followed, a
    // thread still answering is only shown: its turn may still ask for the call below.
    if (thread.metadata?.answering === true) {
      if (follow) await this.watch(threadId, gen, resume);
      return;
    }
    if (!resume) return;
    // Its answer waits for a client tool's result that this tab's turn was to send and
    // never did (the tab was reloaded, or left the thread, in between): run it here. A
    // call another client's turn asked for (the kernel's own %chat turn, another window)
    // is that client's, running it now though no turn is answering: left to it
    // (handedcalls.ts). An Agent step is asked again as before (a person approves it, and
    // its run is claimed: TURN.STEP_STARTED).
    const last = this.state.items.at(-1);
    if (last?.type !== "client_tool_call" || last.status !== "pending") {
      // Nothing waits (a turn this tab left ended without a call): the tab owes the thread
      // nothing, and a call another client's turn asks for later is not taken for its own.
      if (owedHere(this.handedCalls, threadId)) settled(this.handedCalls, threadId);
      return;
    }
    if (isStep(last.name) || owedHere(this.handedCalls, threadId)) await this.resumePendingCall(last);
  }

  /**
   * Keep the shown thread's notices before its state is replaced (a load, a new
   * conversation): shown again when the thread is. The last {@link NOTICED_THREADS} only.
   */
  private keepNotices(): void {
    const id = this.threadId;
    if (!id) return;
    this.notices.delete(id);
    if (!this.state.notices.length) return;
    this.notices.set(id, this.state.notices);
    if (this.notices.size > NOTICED_THREADS) this.notices.delete(this.notices.keys().next().value as string);
  }

  /** Follow the turn running in `threadId` (`TURN.WATCH`) until it ends; Stop stops it. */
  protected async watch(threadId: string, gen: number, resume = true): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    this.unfinished.clear();
    this.busy = true;
    this.changed();
    let events = 0;
    try {
      const res = await this.transport.send({ type: TURN.WATCH, params: { thread_id: threadId } }, controller.signal);
      for await (const messages of messageBatches(res.body)) {
        events += messages.length;
        this.handleData(messages, gen, false);
      }
    } catch (e) {
      if (!isAbortError(e)) console.warn("jupyter-chatkit: could not follow the answer", e);
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        this.busy = false;
        this.changed();
      }
    }
    // The turn ended: the thread as saved (its title, a stopped answer's mark). Followed
    // again only when something was followed (a turn queued after it is followed too);
    // a turn that ended before the watch reached it (nothing followed) may have ended
    // asking for a client tool's result, which is run all the same.
    if (gen === this.generation && !controller.signal.aborted) await this.openThread(threadId, events > 0, resume);
  }

  /** Load the next older page of items; false when there is none. */
  async loadOlder(): Promise<boolean> {
    const threadId = this.threadId;
    if (!threadId || !this.olderCursor) return false;
    const gen = this.generation;
    const page = await this.request<Page<ThreadItem>>({
      type: "items.list",
      params: { thread_id: threadId, order: "desc", limit: this.pageSize, after: this.olderCursor },
    });
    if (gen !== this.generation) return false;
    this.state = prependItems(this.state, [...page.data].reverse());
    this.olderCursor = page.has_more ? (page.after ?? null) : null;
    this.changed();
    return true;
  }

  /** One page of the thread history, newest first. */
  listThreads(
    after: string | null = null,
    limit = 20,
    metadata?: Record<string, unknown>,
  ): Promise<Page<ThreadMetadata>> {
    return this.request<Page<ThreadMetadata>>({
      type: "threads.list",
      params: { limit, order: "desc", after },
      // e.g. { notebook: path }: only that notebook's threads (jupyter-chatkit's server).
      ...(metadata ? { metadata } : {}),
    });
  }

  /** Rename a thread. */
  async renameThread(threadId: string, title: string): Promise<void> {
    const thread = await this.request<Thread>({
      type: "threads.update",
      params: { thread_id: threadId, title },
    });
    if (this.threadId === threadId && this.state.thread) {
      this.state = { ...this.state, thread: { ...this.state.thread, title: thread.title ?? title } };
      this.changed();
    }
  }

  /** Delete a thread; the current one is forgotten if it is the one deleted. */
  async deleteThread(threadId: string): Promise<void> {
    await this.request({ type: "threads.delete", params: { thread_id: threadId } });
    if (this.threadId === threadId) this.newThread();
    this.notices.delete(threadId);
  }

  /** 👍 / 👎 on assistant items. */
  async feedback(itemIds: string[], kind: FeedbackKind): Promise<void> {
    const threadId = this.threadId;
    if (!threadId) return;
    await this.request({ type: "items.feedback", params: { thread_id: threadId, item_ids: itemIds, kind } });
  }
}
