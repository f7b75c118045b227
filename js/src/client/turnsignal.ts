/**
 * A page-wide word that a chat's turn is running in a thread, and that it ended.
 *
 * The JupyterLab sidebar and a `%chat` widget can show the same conversation in one page,
 * each with a session of its own (and, in JupyterLab, bundles of their own). A turn sent
 * from one goes to the server; the other hears nothing of it, and showed the thread without
 * it until its own next update. Each session says on `window` when its turn reached the
 * server (the server now knows it runs, so `TURN.WATCH` follows it from its start) and when
 * it ended; a chat showing that thread then follows it (see widget.ts). No request is made
 * for it, and no connection is held open: only pages where both show one thread act.
 *
 * Other tabs of the browser on the same Jupyter server hear it too, on a BroadcastChannel
 * named by the server's base URL: a conversation open in two tabs showed the other tab's
 * turns only after its own next message. A tab ignores what its own page sent (each bundle
 * of a page has a channel of its own, and heard the page's event already).
 */

import type { ErrorEvent } from "./chatkit.generated";
import type { TurnFailure } from "./reducer";

/** The `window` event's name; its `detail` is a {@link TurnSignal}. */
export const TURN_SIGNAL = "jupyter-chatkit:turn";

/** One word about a turn. */
export interface TurnSignal {
  /** The thread the turn runs in. */
  threadId: string;
  /** `started`: the server runs it (its first events came); `ended`: it ended, any way. */
  phase: "started" | "ended";
  /** Who runs it (a session object): a chat ignores its own turns. */
  source: object;
  /**
   * An ended turn's error and where it left the thread: a chat following it shows why
   * the message has no answer (the error is not saved in the thread, and a quick failure
   * ends before the follower's `TURN.WATCH` reaches the server).
   */
  failure?: TurnFailure;
  /**
   * Said by the server (threadwatch.ts), of a thread whose turn began or ended elsewhere:
   * its newest shown item now (null: none). A chat holding it has that turn already.
   */
  lastItemId?: string | null;
  /**
   * Said by the server too: the Agent step a page began in that thread (null: none), so a
   * card waiting for it in another page says so without a click (stepwatch.ts).
   */
  stepStarted?: string | null;
}

/** What another tab's turn comes from: no session of this page. */
const OTHER_TAB = Object.freeze({});
/** Where a page keeps its id, shared by its bundles (the lab extension's, each widget's). */
const PAGE_ID = "__jupyterChatkitPageId";

/** A signal as it crosses to other tabs (a session cannot: `page` says whose it was). */
interface TabSignal {
  page: string;
  threadId: string;
  phase: TurnSignal["phase"];
  failure?: TurnFailure;
}

let channel: BroadcastChannel | null | undefined;

/** This bundle's channel to the other tabs on this Jupyter server; null where there is none. */
function tabs(win: Window): BroadcastChannel | null {
  if (channel !== undefined) return channel;
  channel = null;
  if (typeof BroadcastChannel !== "function") return channel;
  let base = "/";
  try {
    const config = JSON.parse(document.getElementById("jupyter-config-data")?.textContent || "{}");
    if (typeof config.baseUrl === "string") base = config.baseUrl;
  } catch {
    // no page config (a bare page): the origin's root
  }
  channel = new BroadcastChannel(`jupyter-chatkit:turns:${win.location.origin}${base}`);
  return channel;
}

function pageId(win: Window): string {
  const held = win as unknown as Record<string, unknown>;
  if (typeof held[PAGE_ID] !== "string") held[PAGE_ID] = `${Date.now()}-${Math.random()}`;
  return held[PAGE_ID] as string;
}

/** A page's `window` to signal on; none outside a browser (node tests, a stand-in `window`). */
function page(): Window | null {
  if (typeof window === "undefined" || typeof CustomEvent === "undefined") return null;
  return typeof window.dispatchEvent === "function" && typeof window.addEventListener === "function" ? window : null;
}

/** Tell the page about a turn. */
export function announceTurn(signal: TurnSignal): void {
  const win = page();
  if (!win) return;
  win.dispatchEvent(new CustomEvent<TurnSignal>(TURN_SIGNAL, { detail: signal }));
  const { threadId, phase, failure } = signal;
  const sent: TabSignal = { page: pageId(win), threadId, phase, ...(failure ? { failure } : {}) };
  try {
    tabs(win)?.postMessage(sent);
  } catch {
    // a failure that cannot be cloned: the other tabs catch up at their next message
  }
}

/**
 * Another tab's turn failure as this page shows it: only the fields a failure has, of
 * their types (a copy); null when malformed (the end is still followed, without it).
 */
function tabFailure(value: unknown): TurnFailure | null {
  if (!value || typeof value !== "object") return null;
  const { error, lastItemId } = value as Record<string, unknown>;
  if (typeof lastItemId !== "string" || !lastItemId || !error || typeof error !== "object") return null;
  const { type, code, message, allow_retry } = error as Record<string, unknown>;
  if (type !== "error" || typeof code !== "string" || typeof allow_retry !== "boolean") return null;
  if (message !== undefined && message !== null && typeof message !== "string") return null;
  const shown: ErrorEvent = { type, code: code as ErrorEvent["code"], allow_retry, message };
  return { error: shown, lastItemId };
}

/** Listen to the page's turn signals; returns the remover. */
export function onTurnSignals(listener: (signal: TurnSignal) => void): () => void {
  const win = page();
  if (!win) return () => {};
  const onEvent = (e: Event): void => {
    const detail = (e as CustomEvent<TurnSignal>).detail;
    if (detail && typeof detail.threadId === "string" && detail.threadId) listener(detail);
  };
  win.addEventListener(TURN_SIGNAL, onEvent);
  const other = tabs(win);
  const onTab = (e: MessageEvent<TabSignal>): void => {
    const d = e.data;
    if (!d || d.page === pageId(win) || typeof d.threadId !== "string" || !d.threadId) return;
    if (d.phase !== "started" && d.phase !== "ended") return;
    const failure = tabFailure(d.failure);
    listener({ threadId: d.threadId, phase: d.phase, source: OTHER_TAB, ...(failure ? { failure } : {}) });
  };
  other?.addEventListener("message", onTab);
  return () => {
    win.removeEventListener(TURN_SIGNAL, onEvent);
    other?.removeEventListener("message", onTab);
  };
}
