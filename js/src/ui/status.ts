/**
 * The chat's status elements around the thread: the empty-thread hint and "Show earlier
 * messages" (shown or hidden), the thread title, the pending message bubble, the
 * progress line, the server's notices and the error box with Retry.
 *
 * Each element is rebuilt only when its own input changes, so a streamed text delta
 * (which changes none of them) costs a few comparisons.
 */

import { isStopped, lastUserMessageId } from "../client/reducer";
import type { ChatSession } from "../client/session";
import { revealBidi, revealText } from "./bidi";
import { button, h, icon, plainTitle } from "./dom";
import { renderMarkdown } from "./markdown";

/** Elements the chat builds and this view only shows or hides or fills. */
export interface StatusSlots {
  /** The hint shown while the thread is empty. */
  empty: HTMLElement;
  /** "Show earlier messages". */
  older: HTMLElement;
  /** The header's thread title. */
  subtitle: HTMLElement;
  /** Called when the busy flag changed (the composer's button follows it). */
  busyChanged(): void;
  /** Give the keyboard to the message box (a Retry pressed goes away with its box). */
  focusComposer(): void;
}

function setHidden(el: HTMLElement, hidden: boolean): void {
  if (el.hidden !== hidden) el.hidden = hidden;
}

/** The status elements of one chat, brought in line with its session by {@link render}. */
export class StatusView {
  readonly pending = h("div", { class: "jck-msg jck-user jck-pending-msg", role: "article", "aria-label": "You" });
  readonly progress = h("div", { class: "jck-activity jck-progress", role: "status" });
  readonly notices = h("div", { class: "jck-notices" });
  readonly errorBox = h("div", { class: "jck-error", role: "alert" });
  /** What each element shows now (see the module docs). */
  private shown: {
    pending?: string;
    progress?: string;
    notices?: unknown;
    error?: string;
    title?: string;
    /** The thread's title as the server sent it (plainTitle's regexes run when it changes). */
    rawTitle?: string;
    busy?: boolean;
  } = {};

  constructor(
    private readonly session: ChatSession,
    private readonly slots: StatusSlots,
  ) {}

  /**
   * What the last render read, but the items' contents: a frame of a streaming answer
   * (its text grew, nothing else) changes none of it, and the render is skipped.
   */
  private inputs: readonly unknown[] = [];

  /** Bring every status element in line with the session. */
  render(): void {
    const { session, slots, shown } = this;
    const s = session.state;
    const last = s.items[s.items.length - 1];
    const inputs = [
      s.thread,
      s.items.length,
      last?.id,
      s.progress,
      s.notices,
      s.error,
      session.busy,
      session.pendingText,
      session.olderCursor,
      this.hasAssistantOutputAfterUser(),
    ];
    // With an error shown, its Retry depends on which message is the last user's: rendered.
    if (!s.error && inputs.every((v, i) => v === this.inputs[i])) return;
    this.inputs = inputs;
    const hasThread = !!s.thread || s.items.length > 0 || !!session.pendingText;
    setHidden(slots.empty, hasThread || !!s.error);
    setHidden(slots.older, !session.olderCursor);
    // Per frame while an answer streams: the title's regexes only when it changed.
    const rawTitle = s.thread?.title ?? "";
    if (shown.rawTitle !== rawTitle) {
      shown.rawTitle = rawTitle;
      const title = plainTitle(rawTitle);
      if (shown.title !== title) {
        // Cut with an ellipsis in a narrow sidebar: the whole title shows on hover. The
        // controls that reorder text are shown, not obeyed, as in an answer's prose
        // (bidi.ts; zero-width joiners kept: emoji, Persian).
        slots.subtitle.textContent = shown.title = title;
        revealBidi(slots.subtitle);
        slots.subtitle.title = revealText(title);
      }
    }
    setHidden(this.pending, !session.pendingText);
    if (shown.pending !== (session.pendingText ?? "")) {
      shown.pending = session.pendingText ?? "";
      this.pending.replaceChildren(h("div", { class: "jck-bubble" }, shown.pending));
      // The person's words as sent: their reordering controls shown (bidi.ts), as in the
      // bubble that replaces this one.
      revealBidi(this.pending);
    }

    const showProgress = session.busy && (s.progress || !this.hasAssistantOutputAfterUser());
    setHidden(this.progress, !showProgress);
    const progressText = s.progress?.text ?? "Thinking…";
    if (shown.progress !== progressText) {
      shown.progress = progressText;
      this.progress.replaceChildren(
        h("span", { class: "jck-spinner", "aria-hidden": "true" }),
        h("span", null, progressText),
      );
      // A step's label may name a notebook, file or variable.
      revealBidi(this.progress);
    }

    if (shown.notices !== s.notices) {
      shown.notices = s.notices;
      this.notices.replaceChildren(
        ...s.notices.map((n) => {
          const box = h("div", {
            class: `jck-notice jck-notice-${n.level}`,
            role: n.level === "danger" ? "alert" : "note",
          });
          box.appendChild(icon(n.level === "info" ? "info" : "warning"));
          const text = h("div", { class: "jck-notice-text" });
          if (n.title) text.appendChild(h("strong", null, n.title));
          const md = h("div", { class: "jck-md" });
          md.appendChild(renderMarkdown(n.message, { imageDomains: [] }));
          text.appendChild(md);
          box.appendChild(text);
          // Its title may quote a notebook's or file's name (its message is revealed as markdown).
          revealBidi(text);
          return box;
        }),
      );
    }
    this.renderErrorAndBusy();
  }

  private renderErrorAndBusy(): void {
    const { session, shown } = this;
    const s = session.state;
    // A message left without an answer (a failed or stopped turn, seen on reopening).
    const last = s.items[s.items.length - 1];
    const unanswered = !s.error && !session.busy && !session.pendingText && last?.type === "user_message";
    setHidden(this.errorBox, !s.error && !unanswered);
    const retry = !!s.error?.allow_retry && !!lastUserMessageId(s) && !session.busy;
    const errorKey = unanswered ? "unanswered" : s.error ? `${retry}:${s.error.message}` : "";
    if (shown.error !== errorKey) {
      shown.error = errorKey;
      this.errorBox.classList.toggle("jck-stopped", isStopped(s.error));
      this.errorBox.setAttribute("role", isStopped(s.error) ? "status" : "alert");
      this.renderError(unanswered, retry);
    }
    // The composer follows the busy flag (its own input events cover the rest).
    if (shown.busy !== session.busy) {
      shown.busy = session.busy;
      this.slots.busyChanged();
    }
  }

  private renderError(unanswered: boolean, retry: boolean): void {
    this.fillError(unanswered, retry);
    // An error may quote the person's words, a notebook's or a file's name.
    revealBidi(this.errorBox);
  }

  private fillError(unanswered: boolean, retry: boolean): void {
    const { session } = this;
    const s = session.state;
    if (unanswered) {
      this.errorBox.replaceChildren(
        icon("warning"),
        h("span", { class: "jck-error-text" }, "This message has no answer."),
        button([icon("retry"), h("span", null, "Retry")], () => this.retry(), { class: "jck-btn" }),
      );
    } else if (isStopped(s.error)) {
      // The person's own Stop: said plainly, not as a failure.
      this.errorBox.replaceChildren(
        h("span", { class: "jck-error-text" }, s.error?.message ?? "Stopped."),
        button([icon("retry"), h("span", null, "Retry")], () => this.retry(), { class: "jck-btn" }),
      );
    } else if (s.error) {
      const msg = s.error.message || "Something went wrong while answering.";
      const parts: (Node | string)[] = [icon("warning"), h("span", { class: "jck-error-text" }, msg)];
      if (retry) {
        parts.push(button([icon("retry"), h("span", null, "Retry")], () => this.retry(), { class: "jck-btn" }));
      }
      this.errorBox.replaceChildren(...parts);
    }
  }

  /**
   * Retry the failed turn. Its box goes away with the Retry button: pressed from the
   * keyboard, the keyboard goes to the message box (it fell to the page's body, and the
   * next Tab started over at the top of JupyterLab).
   */
  private retry(): void {
    const keyboardHere = this.errorBox.contains(document.activeElement);
    void this.session.retry();
    if (keyboardHere) this.slots.focusComposer();
  }

  private hasAssistantOutputAfterUser(): boolean {
    const items = this.session.state.items;
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i];
      if (it.type === "user_message") return false;
      if (it.type === "assistant_message" && it.content.some((c) => c.text)) return true;
      if (it.type === "widget" || (it.type === "client_tool_call" && it.status === "pending")) return true;
    }
    return false;
  }
}
