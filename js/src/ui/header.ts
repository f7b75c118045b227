/**
 * The chat's header: its title, the thread's title under it (with the model picker), and
 * the History and New buttons. The history list opens and closes from here.
 */

import { button, h, icon } from "./dom";
import type { HistoryPanel } from "./history";

/** What the header shows and does besides its own elements. */
export interface HeaderParts {
  /** The chat's title ("Notebook Assistant" by default). */
  title?: string;
  /** The title shown where the full one does not fit ("Assistant" with the default title). */
  shortTitle?: string;
  /** The model label or picker (models.ts). */
  model: HTMLElement;
  /** The list of conversations the History button shows, and its element id. */
  history: HistoryPanel;
  historyId: string;
  /** The New button: start a new conversation (the keyboard goes to the message box). */
  newThread(): void;
}

/** The header of one chat. */
export class ChatHeader {
  readonly el: HTMLElement;
  /** The thread's title, set by the status view (status.ts). */
  readonly subtitle = h("span", { class: "jck-subtitle" });
  private readonly historyBtn: HTMLButtonElement;
  private readonly history: HistoryPanel;

  constructor(parts: HeaderParts) {
    const { history } = parts;
    this.history = history;
    const titleEl = headerTitle(parts.title, parts.shortTitle);
    const historyBtn = button(
      icon("history"),
      () => {
        const show = !history.visible;
        historyBtn.setAttribute("aria-expanded", String(show));
        void history.toggle(show).then(() => {
          // The list has come: the keyboard goes to it, unless the person went on while
          // it loaded (back to the message box, the notebook): keys typed there stay there.
          const at = document.activeElement;
          if (!history.visible || (at !== historyBtn && at !== document.body && at !== null)) return;
          (history.el.querySelector(".jck-history-open") as HTMLElement | null)?.focus();
        });
      },
      {
        class: "jck-btn jck-btn-icon",
        "aria-label": "Conversation history",
        title: "History",
        "aria-controls": parts.historyId,
        "aria-expanded": "false",
      },
    );
    this.historyBtn = historyBtn;
    const newBtn = button(icon("plus"), () => parts.newThread(), {
      class: "jck-btn jck-btn-icon",
      "aria-label": "New conversation",
      title: "New conversation",
    });
    this.el = h(
      "header",
      { class: "jck-header" },
      h("div", { class: "jck-heading" }, titleEl, h("div", { class: "jck-subline" }, parts.model, this.subtitle)),
      h("div", { class: "jck-header-tools" }, historyBtn, newBtn),
    );
    // Esc in the list puts it away and gives the keyboard back to its button.
    history.el.addEventListener("keydown", (e) => {
      if (e.key !== "Escape" || !history.visible) return;
      e.preventDefault();
      e.stopPropagation();
      void history.toggle(false).then(() => {
        historyBtn.setAttribute("aria-expanded", "false");
        historyBtn.focus();
      });
    });
  }

  /** Put the history list away (it covers the conversation), if it shows. */
  async closeHistory(): Promise<void> {
    if (!this.history.visible) return;
    await this.history.toggle(false);
    this.historyBtn.setAttribute("aria-expanded", "false");
  }
}

const DEFAULT_TITLE = "Notebook Assistant";

/**
 * The header's title: the full one, and a short one shown instead where the full one
 * would be cut (a narrow sidebar: styles.css, container queries). Either way the full
 * title is the heading's tooltip; the one not shown is `display: none`, so a screen
 * reader reads the one on screen.
 */
function headerTitle(title: string | undefined, shortTitle: string | undefined): HTMLElement {
  const full = title ?? DEFAULT_TITLE;
  const short = shortTitle ?? (title === undefined || title === DEFAULT_TITLE ? "Assistant" : undefined);
  const el = h("h2", { class: "jck-title", title: full }, h("span", { class: "jck-title-full" }, full));
  if (short && short !== full) el.append(h("span", { class: "jck-title-short" }, short));
  return el;
}
