/**
 * What the chat says to people: a polite live region for screen readers and a toast
 * that shows the same words for a few seconds.
 */

import { isStopped } from "../client/reducer";
import type { ErrorEvent } from "../client/types";
import { h } from "./dom";

/** How long a toast stays. */
const TOAST_MS = 4500;

/** The most characters of an error's text told when an answer failed. */
export const MAX_FAILURE_CHARS = 300;

/**
 * What screen readers are told when a turn ended with `error` (its text, bounded), or
 * null: no error, or a Stop (its button says "Stopped." already).
 */
export function failedAnswerText(error: ErrorEvent | null | undefined): string | null {
  if (!error || isStopped(error)) return null;
  const why = (error.message ?? "").replace(/\s+/g, " ").trim();
  if (!why) return "The answer failed.";
  const cut = why.length > MAX_FAILURE_CHARS ? `${why.slice(0, MAX_FAILURE_CHARS - 1).trimEnd()}…` : why;
  return `The answer failed: ${cut}`;
}

/** The chat's live region and toast. */
export class Announcer {
  /** Read by screen readers (visually hidden). */
  readonly live: HTMLElement = h("div", { class: "jck-sr", role: "status", "aria-live": "polite" });
  /** Shown over the message box (hidden from screen readers: `live` says it). */
  readonly toast: HTMLElement = h("div", { class: "jck-toast", "aria-hidden": "true", hidden: true });
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Say `text`: to screen readers, and in the toast for a while. */
  readonly say = (text: string): void => {
    this.live.textContent = text;
    this.toast.textContent = text;
    this.toast.hidden = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.hideToast(), TOAST_MS);
  };

  /** Tell screen readers only (what everyone sees already, e.g. an answer that came). */
  tell(text: string): void {
    this.live.textContent = text;
  }

  /**
   * A new turn begins: what was said of the one before (its failure, "Stopped.", "The
   * assistant answered.") is not this turn's status. The toast goes, the live region is
   * emptied (a failure said again later is then heard again).
   */
  turnBegins(): void {
    this.hideToast();
    this.live.textContent = "";
  }

  /** Put the toast away (stale, or in the way). */
  hideToast(): void {
    this.toast.hidden = true;
  }

  /** Stop the toast's timer. */
  dispose(): void {
    clearTimeout(this.timer);
  }
}
