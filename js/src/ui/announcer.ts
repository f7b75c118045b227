/**
 * What the chat says to people: a polite live region for screen readers and a toast
 * that shows the same words for a few seconds.
 */

import { h } from "./dom";

/** How long a toast stays. */
const TOAST_MS = 4500;

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

  /** Put the toast away (stale, or in the way). */
  hideToast(): void {
    this.toast.hidden = true;
  }

  /** Stop the toast's timer. */
  dispose(): void {
    clearTimeout(this.timer);
  }
}
