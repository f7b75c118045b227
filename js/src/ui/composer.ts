/**
 * The message box: a textarea that grows with its text (and with its placeholder when
 * empty), the Send / Stop button, and the keys people expect: the send key, Esc back to
 * the notebook, ↑ in an empty box for the last message sent (Esc, a new conversation or
 * another one opened take a recalled message back out, unless the person edited it).
 *
 * The chat (chat.ts) owns what a submit does; this module owns the box. Hosts add
 * things around the box through {@link Composer.el} (e.g. chips above it).
 */

import { h, icon } from "./dom";

/** The key that sends a message ("Accel" is Cmd on macOS, Ctrl elsewhere). */
export type SendKey = "Enter" | "Accel Enter";

const IS_MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** How to send and make new lines with `key`, for tooltips and placeholders. */
export function sendKeyHint(key: SendKey): string {
  return key === "Enter" ? "Enter to send, Shift+Enter for a new line" : `${IS_MAC ? "⌘" : "Ctrl"}+Enter to send`;
}

/**
 * A placeholder: one text, or several from the longest to the shortest, of which the box
 * shows the first that fits on two lines at its width (a 250 px sidebar cannot show the
 * send-key hint without wrapping to four lines; the hint is the box's tooltip anyway).
 */
export type Placeholder = string | readonly string[] | ((key: SendKey) => string | readonly string[]);

/** The tallest the box grows before it scrolls. */
const MAX_HEIGHT = 200;

/** What the composer needs from the chat. */
export interface ComposerHost {
  /** True while an answer streams (the button is Stop). */
  busy(): boolean;
  /** Send `text` (already trimmed; empty only when {@link hasFiles}). */
  submit(text: string): void;
  /** Files wait to go with the next message: a file alone is a message (Send enabled). */
  hasFiles?(): boolean;
  /** The Stop button was clicked. */
  stop(): void;
  /** The last message the person sent in this thread, for ↑ in an empty box. */
  lastMessage(): string | null;
  /** Esc in the box: give the keyboard back to the page (the notebook). */
  escape?(): void;
  /** The person changed the box's text and it is not empty (they are writing). */
  writing?(): void;
  /**
   * The send key (or a keyboard submit) was pressed while {@link busy}, with text in the
   * box: nothing is sent and the text stays. Asked once per busy spell, so that the host
   * says so once (a person pressing Enter right after an answer seemed to end thought the
   * message went).
   */
  held?(): void;
}

/**
 * The box's text and selection once `text`, a message not sent, is put back above `now`
 * (the text typed since, selected from `start` to `end`; see {@link Composer.restore}):
 * null when it is there already (put back twice) or empty. Text typed since that merely
 * begins like the message ("Explain" refused, "Explain this too" typed) is no copy of it.
 */
export function restoredText(
  now: string,
  text: string,
  start: number,
  end: number,
): { value: string; start: number; end: number } | null {
  const message = text.replace(/\s+$/, "");
  const head = `${message}\n\n`;
  if (!message.trim() || now.replace(/\s+$/, "") === message || now.startsWith(head)) return null;
  return { value: head + now, start: start + head.length, end: end + head.length };
}

/** The message box and its button. */
export class Composer {
  /** The form holding the box and the button. */
  readonly el: HTMLFormElement;
  readonly input: HTMLTextAreaElement;
  private readonly sendBtn: HTMLButtonElement;
  private sendKey: SendKey;
  private placeholder: Placeholder;
  /** A fit of the box is due in the next frame ({@link fitSoon}). */
  private fitting = false;
  /**
   * The message ↑ put in the box and what the box held before, until the person edits
   * it (then it is their draft) or it goes: Esc puts `before` back, so a recalled
   * message is not left there to be sent again by accident.
   */
  private recalled: { text: string; before: string } | null = null;
  /** Whether the button shows Stop (true) or Send (false); null before it is drawn. */
  private drawnBusy: boolean | null = null;
  /** {@link ComposerHost.held} was asked in this busy spell (cleared when it ends). */
  private heldTold = false;

  constructor(
    private readonly host: ComposerHost,
    options: { sendKey?: SendKey; placeholder?: Placeholder } = {},
  ) {
    this.sendKey = options.sendKey ?? "Enter";
    this.placeholder = options.placeholder ?? "Ask about your notebook…";
    this.input = h("textarea", { class: "jck-input", rows: 1, "aria-label": "Message" });
    this.sendBtn = h("button", { type: "submit", class: "jck-btn jck-btn-primary jck-send", "aria-label": "Send" });
    this.el = h("form", { class: "jck-composer" }, this.input, this.sendBtn);
    this.showSendKey();
    this.input.addEventListener("input", () => {
      this.recalled = null; // edited: what the box holds is the person's own
      this.autosize();
      this.sync();
      if (this.input.value.trim()) this.host.writing?.();
    });
    this.input.addEventListener("keydown", (e) => this.onKey(e));
    // A window narrower than JupyterLab's layout scrolls sideways, and the browser scrolls
    // only as far as the focused box: the Send button beside it stayed off-screen. The
    // whole row (box and button) comes into view, when it is not already.
    this.input.addEventListener("focus", () => this.el.scrollIntoView?.({ block: "nearest", inline: "nearest" }));
    this.el.addEventListener("submit", (e) => {
      e.preventDefault();
      if (this.host.busy()) {
        // Only the Stop button stops; a keyboard submit while answering does nothing.
        if ((e as SubmitEvent).submitter === this.sendBtn) this.host.stop();
        else this.held();
        return;
      }
      const text = this.input.value.trim();
      if (!text && !this.host.hasFiles?.()) return;
      // The message goes first, the box is fitted after: measuring the box (autosize)
      // lays the page out, 2-4 ms of the sidebar's Enter -> request in JupyterLab. In
      // the next frame, before it is painted, the box shrinks as before.
      this.input.value = "";
      this.recalled = null;
      this.heldTold = false; // a new busy spell begins
      this.host.submit(text);
      this.fitSoon();
    });
    // The placeholder may wrap differently when the box changes width.
    if (typeof ResizeObserver === "function") {
      let width = 0;
      new ResizeObserver(() => {
        if (this.input.clientWidth !== width) {
          width = this.input.clientWidth;
          this.showPlaceholder();
        }
      }).observe(this.input);
    }
  }

  /** Change which key sends. */
  setSendKey(key: SendKey): void {
    this.sendKey = key;
    this.showSendKey();
  }

  /** Replace the box's text (caret at the end) and resize it. */
  setText(text: string): void {
    this.recalled = null;
    this.input.value = text;
    this.input.setSelectionRange(text.length, text.length);
    this.autosize();
    this.sync();
  }

  /**
   * Put a message that was not sent back in the box. An empty box takes it alone (caret
   * at the end); text typed since stays, below it after a blank line, with the caret and
   * selection on the same characters as before: neither text is lost, and typing goes on
   * where it was. Nothing happens when the box already begins with it (put back twice).
   */
  restore(text: string): void {
    const now = this.input.value;
    if (!now.trim()) {
      this.setText(text);
      return;
    }
    const { selectionStart, selectionEnd, selectionDirection } = this.input;
    const back = restoredText(now, text, selectionStart, selectionEnd);
    if (!back) return;
    this.recalled = null;
    this.input.value = back.value;
    this.input.setSelectionRange(back.start, back.end, selectionDirection ?? undefined);
    this.autosize();
    this.sync();
  }

  /**
   * Take a message ↑ recalled (and not edited since) back out of the box, putting back
   * what it held before; true when there was one. What the person typed stays.
   */
  dropRecalled(): boolean {
    const recalled = this.recalled;
    if (!recalled) return false;
    this.recalled = null;
    if (this.input.value !== recalled.text) return false;
    this.setText(recalled.before);
    return true;
  }

  /** Put the keyboard focus in the box. */
  focus(): void {
    this.input.focus();
  }

  /** Bring the button in line with the chat (Send or Stop, enabled or not). Its icon and
   * label are drawn only when it turns from one to the other: every keystroke asks, and a
   * sent message four times (readied, sent, busy seen, the box fitted). */
  sync(): void {
    const busy = this.host.busy();
    if (!busy) this.heldTold = false;
    if (this.drawnBusy !== busy) {
      this.drawnBusy = busy;
      this.sendBtn.replaceChildren(
        icon(busy ? "stop" : "send"),
        h("span", { class: "jck-send-label" }, busy ? "Stop" : "Send"),
      );
      this.sendBtn.setAttribute("aria-label", busy ? "Stop answering" : "Send");
      this.sendBtn.classList.toggle("jck-stop", busy);
    }
    const disabled = !busy && !this.input.value.trim() && !this.host.hasFiles?.();
    // Stop pressed (or the answer ended while it had the keyboard): a disabled button
    // drops the focus to the page's body, so it goes to the box instead.
    if (disabled && !this.sendBtn.disabled && document.activeElement === this.sendBtn) this.input.focus();
    this.sendBtn.disabled = disabled;
  }

  /** Fit the box to its text, or to its placeholder when empty (it may need two lines). */
  autosize(): void {
    const box = this.input;
    box.style.height = "auto";
    let height = box.scrollHeight;
    if (!box.value && box.placeholder) {
      // scrollHeight ignores the placeholder: measure it as if it were the text.
      box.value = box.placeholder;
      height = box.scrollHeight;
      box.value = "";
    }
    if (height > 0) box.style.height = `${Math.min(height + 2, MAX_HEIGHT)}px`;
  }

  /** {@link autosize} and {@link sync} before the next paint, not now: nothing that
   * lays out or rebuilds the page on the way of a message being sent. */
  private fitSoon(): void {
    const fit = (): void => {
      this.fitting = false;
      this.autosize();
      this.sync();
    };
    if (typeof requestAnimationFrame !== "function") {
      fit();
      return;
    }
    if (this.fitting) return;
    this.fitting = true;
    requestAnimationFrame(fit);
  }

  private showSendKey(): void {
    this.input.title = sendKeyHint(this.sendKey);
    this.showPlaceholder();
  }

  /** The longest placeholder that fits on two lines (the last one if none does). */
  private showPlaceholder(): void {
    const p = this.placeholder;
    const value = typeof p === "function" ? p(this.sendKey) : p;
    const choices = typeof value === "string" ? [value] : value;
    const box = this.input;
    // Not measurable now (text in the box, not laid out): the one shown, or the longest.
    let pick = choices.includes(box.placeholder) ? box.placeholder : (choices[0] ?? "");
    if (choices.length > 1 && !box.value && box.clientWidth > 0) {
      pick = choices[choices.length - 1];
      box.style.height = "auto";
      box.value = "x";
      const line = box.scrollHeight;
      // Two lines are one line's height plus a line; three or more are more than two.
      const fits = (text: string): boolean => {
        box.value = text;
        return box.scrollHeight < 2 * line;
      };
      pick = choices.find(fits) ?? pick;
      box.value = "";
    }
    box.placeholder = pick;
    this.autosize();
  }

  /** A send while busy was refused: the host is told once per busy spell, if the box has text. */
  private held(): void {
    if (this.heldTold || !this.input.value.trim()) return;
    this.heldTold = true;
    this.host.held?.();
  }

  private onKey(e: KeyboardEvent): void {
    const plain = !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey;
    const accel = (IS_MAC ? e.metaKey : e.ctrlKey) && !e.shiftKey && !e.altKey;
    // The other Enter (Shift+Enter, or a plain Enter in "Accel Enter" mode) is a newline.
    if (e.key === "Enter" && !e.isComposing && (this.sendKey === "Enter" ? plain : accel)) {
      e.preventDefault();
      if (!this.host.busy()) this.el.requestSubmit();
      else this.held();
    } else if (e.key === "Escape" && plain && !e.isComposing && this.dropRecalled()) {
      // The first Esc after ↑ takes the recalled message back out; the box keeps the keyboard.
      e.preventDefault();
    } else if (e.key === "Escape" && plain && !e.isComposing && this.host.escape) {
      e.preventDefault();
      this.input.blur();
      this.host.escape();
    } else if (e.key === "ArrowUp" && plain && !this.input.value) {
      const last = this.host.lastMessage();
      if (last) {
        e.preventDefault();
        const before = this.input.value;
        this.setText(last);
        this.recalled = { text: last, before };
      }
    }
    // Keep Jupyter's notebook shortcuts away from typing in the chat. A Ctrl/Cmd chord the
    // chat did not take goes on to JupyterLab (Accel+Shift+A closes the sidebar from its
    // own composer, Accel+S saves the notebook); in a widget in a cell its host hands it
    // to the application (appkeys.ts).
    const chord = (e.ctrlKey || e.metaKey) && !e.defaultPrevented;
    if (!chord) e.stopPropagation();
  }
}
