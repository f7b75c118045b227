/**
 * A page hears of turns run in the threads it shows from another browser (or machine,
 * the same user), from the server: tabs of this browser hear each other already
 * (turnsignal.ts), another browser showed such a turn only at its own next message.
 *
 * One bounded long-poll per page (`TURN.CHANGES`, however many chats show threads: a
 * browser opens few connections to a server at once) waits on the server's in-process
 * notifier, never polling the store. What it hears goes to the page's chats as a
 * {@link TurnSignal} from the server, which follow a running turn or load the thread
 * again (unless they hold its newest item: their own turn, one they followed).
 *
 * Nothing is asked while the page is hidden, nor for a chat not on screen (a collapsed
 * sidebar). Shown again (the page, or such a chat), or its window focused, the page asks
 * once at once (`now`): the store says what another server process on the same store
 * added (JupyterHub-like setups), which its notifier cannot, and what changed meanwhile.
 */

import { TURN } from "../protocol";
import { isAbortError, TransportError } from "./transport";
import { TURN_SIGNAL, type TurnSignal } from "./turnsignal";

/** A chat showing threads: which one now, and how it asks its server. */
export interface ShownThread {
  /** The thread it shows now; null for none (a new conversation). */
  threadId(): string | null;
  /** A JSON request to its Jupyter server (never a kernel's comm). */
  request(body: object, signal: AbortSignal): Promise<unknown>;
  /** Whether it is on screen now (a sidebar collapsed is not); always, when absent. */
  shown?(): boolean;
}

/** What a chat keeps to tell the page's watch. */
export interface ThreadWatchHandle {
  /** The chat shows another thread now, or went off screen. */
  changed(): void;
  /** The chat is on screen again: what changed meanwhile is asked at once (`now`). */
  shownAgain(): void;
  /** The chat is gone. */
  stop(): void;
}

/** Threads one request lists at most (the server's limit). */
export const MAX_WATCHED = 16;
/** The least time between two catch-ups on focus or visibility. */
const CATCH_UP_MS = 3000;
/**
 * An answer with no change that came sooner than this (the server let the wait go: more
 * waits of the user than it holds) is followed by a pause as long: never a busy loop.
 */
const EARLY_MS = 5000;
/** Waits after failed requests: 2 s, doubling, up to a minute. */
const RETRY_MS = 2000;
const MAX_RETRY_MS = 60_000;

/** Where the page keeps its one watch, shared by its bundles (the lab extension's, each widget's). */
const PAGE_WATCH = "__jupyterChatkitThreadWatch";

/** A signal's source: the server (no chat of any page). */
export const FROM_SERVER = Object.freeze({});

interface PageWatch {
  add(shown: ShownThread): ThreadWatchHandle;
}

interface Changed {
  thread_id?: unknown;
  answering?: unknown;
  last_item_id?: unknown;
  step_started?: unknown;
}

function pageGlobals(): { win: Window; doc: Document } | null {
  if (typeof window === "undefined" || typeof document === "undefined" || typeof CustomEvent === "undefined")
    return null;
  return { win: window, doc: document };
}

/** Tell the page's watch that `shown` shows threads (see the module's docs). */
export function watchShownThreads(shown: ShownThread): ThreadWatchHandle {
  const page = pageGlobals();
  if (!page) return { changed() {}, shownAgain() {}, stop() {} };
  const held = page.win as unknown as Record<string, unknown>;
  if (!held[PAGE_WATCH]) held[PAGE_WATCH] = makeWatch(page.win, page.doc);
  return (held[PAGE_WATCH] as PageWatch).add(shown);
}

function makeWatch(win: Window, doc: Document): PageWatch {
  const chats = new Set<ShownThread>();
  let since: string | null = null;
  let asking: AbortController | null = null;
  let askedFor = "";
  let running = false;
  let catchUp = false;
  let lastCatchUp = 0;
  let failures = 0;
  let unsupported = false;
  let retry: { timer: ReturnType<typeof setTimeout>; done: () => void } | null = null;

  const onScreen = (chat: ShownThread): boolean => chat.shown?.() ?? true;
  const shownIds = (): string[] => {
    const ids = new Set<string>();
    for (const chat of chats) {
      const id = onScreen(chat) ? chat.threadId() : null;
      if (id) ids.add(id);
    }
    return [...ids].sort().slice(0, MAX_WATCHED);
  };

  /** Ask again now: the threads shown changed, or a catch-up is due. */
  const kick = (): void => {
    if (retry) {
      clearTimeout(retry.timer);
      retry.done();
      retry = null;
    }
    if (running) {
      if (asking && (catchUp || shownIds().join(" ") !== askedFor)) asking.abort();
      return;
    }
    void loop();
  };

  const onVisibility = (): void => {
    if (doc.visibilityState === "hidden") {
      asking?.abort();
      return;
    }
    wantCatchUp();
    kick();
  };
  const wantCatchUp = (always = false): void => {
    const now = Date.now();
    if ((!always && now - lastCatchUp < CATCH_UP_MS) || doc.visibilityState === "hidden") return;
    lastCatchUp = now;
    catchUp = true;
    kick();
  };

  const tell = (changed: Changed[]): void => {
    for (const c of changed) {
      if (!c || typeof c.thread_id !== "string" || !c.thread_id) continue;
      const lastItemId = typeof c.last_item_id === "string" ? c.last_item_id : null;
      const detail: TurnSignal = {
        threadId: c.thread_id,
        phase: c.answering === true ? "started" : "ended",
        source: FROM_SERVER,
        lastItemId,
        stepStarted: typeof c.step_started === "string" ? c.step_started : null,
      };
      win.dispatchEvent(new CustomEvent<TurnSignal>(TURN_SIGNAL, { detail }));
    }
  };

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      retry = { timer: setTimeout(resolve, ms), done: resolve };
    });

  async function loop(): Promise<void> {
    running = true;
    try {
      while (chats.size && !unsupported && doc.visibilityState !== "hidden") {
        const ids = shownIds();
        const chat = [...chats].find((c) => onScreen(c) && c.threadId());
        if (!ids.length || !chat) {
          catchUp = false;
          return;
        }
        const now = catchUp;
        catchUp = false;
        const controller = new AbortController();
        asking = controller;
        askedFor = ids.join(" ");
        const params = { thread_ids: ids, ...(since ? { since } : {}), ...(now ? { now: true } : {}) };
        let answer: { since?: unknown; changed?: unknown };
        const asked = Date.now();
        try {
          answer = (await chat.request({ type: TURN.CHANGES, params }, controller.signal)) as typeof answer;
        } catch (e) {
          if (controller.signal.aborted || isAbortError(e)) continue;
          // A server without this request (an older one) says 400: only tabs and the
          // chats' own messages catch up then.
          if (e instanceof TransportError && e.status === 400) unsupported = true;
          failures++;
          await pause(Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** (failures - 1)));
          continue;
        } finally {
          if (asking === controller) asking = null;
        }
        failures = 0;
        if (typeof answer?.since === "string") since = answer.since;
        const changed = Array.isArray(answer?.changed) ? (answer.changed as Changed[]) : [];
        tell(changed);
        if (!now && !changed.length && Date.now() - asked < EARLY_MS) await pause(EARLY_MS);
      }
    } finally {
      running = false;
    }
  }

  const onFocus = (): void => wantCatchUp();
  const shownAgain = (): void => wantCatchUp(true);
  return {
    add(shown) {
      if (!chats.size) {
        doc.addEventListener("visibilitychange", onVisibility);
        win.addEventListener("focus", onFocus);
      }
      chats.add(shown);
      kick();
      return {
        changed: kick,
        shownAgain,
        stop() {
          chats.delete(shown);
          if (!chats.size) {
            doc.removeEventListener("visibilitychange", onVisibility);
            win.removeEventListener("focus", onFocus);
            asking?.abort();
          }
        },
      };
    },
  };
}
