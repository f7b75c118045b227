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
 */

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
}

/** A page's `window` to signal on; none outside a browser (node tests, a stand-in `window`). */
function page(): Window | null {
  if (typeof window === "undefined" || typeof CustomEvent === "undefined") return null;
  return typeof window.dispatchEvent === "function" && typeof window.addEventListener === "function" ? window : null;
}

/** Tell the page about a turn. */
export function announceTurn(signal: TurnSignal): void {
  page()?.dispatchEvent(new CustomEvent<TurnSignal>(TURN_SIGNAL, { detail: signal }));
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
  return () => win.removeEventListener(TURN_SIGNAL, onEvent);
}
