/** The thread history panel: paged list, open, rename, delete (with confirmation). */

import type { ChatSession } from "../client/session";
import { onTurnSignals } from "../client/turnsignal";
import type { ThreadMetadata } from "../client/types";
import { revealBidi, revealIn, revealText } from "./bidi";
import { button, h, icon, plainTitle } from "./dom";
import { distinctName } from "./paths";

/** Callbacks of the history panel. */
export interface HistoryHost {
  open(threadId: string): void;
  announce(text: string): void;
}

/** A titled row's start: today's time, another day's date; with the time (`fine` 1), to
 * the second (`fine` 2), when rows it would look like need it (see {@link dateLabels}). */
function when(iso: string, fine = 0, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const sameDay = d.toDateString() === now.toDateString();
  const time = { hour: "2-digit", minute: "2-digit", second: fine > 1 ? "2-digit" : undefined } as const;
  if (sameDay) return d.toLocaleTimeString(undefined, time);
  return d.toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    year: d.getFullYear() === now.getFullYear() ? undefined : "numeric",
    ...(fine > 0 ? time : {}),
  });
}

/**
 * The start each titled row shows, as fine as it takes to tell it from the other rows:
 * the date or today's time, then the time, then the second. Two conversations started in
 * one minute (a question asked again, or two alike) showed the same row but on hover.
 */
export function dateLabels(isos: readonly string[], now = new Date()): string[] {
  const fine = isos.map(() => 0);
  for (let level = 1; level <= 2; level++) {
    const seen = new Map<string, number>();
    const labels = isos.map((iso, i) => when(iso, fine[i], now));
    for (const label of labels) seen.set(label, (seen.get(label) ?? 0) + 1);
    labels.forEach((label, i) => {
      if (label && (seen.get(label) ?? 0) > 1) fine[i] = level;
    });
  }
  return isos.map((iso, i) => when(iso, fine[i], now));
}

/**
 * What names a conversation without a title (`title_threads = 'off'` keeps message words
 * out of titles): when it was started ("Jan 2, 03:04:10"), so its row, Rename and Delete are
 * told apart from the other untitled ones ("Untitled conversation" on every row was not).
 */
function untitled(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "Untitled conversation";
  return d.toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    year: d.getFullYear() === new Date().getFullYear() ? undefined : "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit", // two started in one minute (a few questions in a row) differ
  });
}

/**
 * A row's tooltip: its whole title, its notebook's whole path and when it was started, to
 * the second. Two titles cut off alike ("What columns does…") and asked in one notebook a
 * minute apart showed the same row; hovering anywhere on it now tells them apart.
 */
export function rowTooltip(title: string, notebook: string | null | undefined, createdAt: string): string {
  const started = untitled(createdAt);
  // An untitled row's title is its start already.
  return [title, notebook, started === title ? null : started].filter(Boolean).join("\n");
}

/** A panel listing the threads (`threads.list`, newest first, 20 a page). */
export class HistoryPanel {
  readonly el: HTMLElement;
  private list: HTMLElement;
  private more: HTMLButtonElement;
  private status: HTMLElement;
  private after: string | null = null;
  private session: ChatSession;
  private host: HistoryHost;
  /** The current notebook (threads belong to notebooks), if the host has one. */
  private notebook: () => string | null;
  private scope: HTMLSelectElement;
  // Each load takes a number; only the newest may fill the list. Two in flight (the
  // scope changed, the panel closed and reopened, Load more) appended both pages.
  private loads = 0;
  /** The notebook the listed rows were loaded for (the host's then). */
  private listedFor: string | null = null;
  /** The notebooks of the listed conversations (and the current one): rows name theirs
   * by as much of its path as tells it from these ("a/nb.ipynb" beside "b/nb.ipynb"). */
  private paths = new Set<string>();
  /** Each listed row's relabel: its name shown anew in place (the keyboard stays). */
  private relabels = new Map<HTMLElement, () => void>();

  constructor(session: ChatSession, host: HistoryHost, id: string, notebook?: () => string | null) {
    this.session = session;
    this.host = host;
    this.notebook = notebook ?? (() => null);
    this.scope = h(
      "select",
      { class: "jck-history-scope", "aria-label": "Which conversations" },
      h("option", { value: "notebook" }, "This notebook"),
      h("option", { value: "all" }, "All notebooks"),
    );
    this.scope.addEventListener("change", () => void this.load(true));
    this.list = h("ul", { class: "jck-history-list" });
    this.status = h("p", { class: "jck-muted jck-history-status" });
    this.more = button("Load more", () => void this.load(false), { class: "jck-btn jck-btn-ghost" });
    this.more.hidden = true;
    this.el = h(
      "nav",
      // tabindex -1: it takes the keyboard when its last conversation was deleted.
      { class: "jck-history", id, "aria-label": "Conversation history", hidden: true, tabindex: -1 },
      h("div", { class: "jck-history-head" }, h("h3", null, "History"), this.scope),
      this.status,
      this.list,
      this.more,
    );
  }

  get visible(): boolean {
    return !this.el.hidden;
  }

  /** Show (reloading the first page) or hide. */
  async toggle(show = !this.visible): Promise<void> {
    this.el.hidden = !show;
    this.watchReturns(show);
    if (show) await this.load(true);
  }

  /** Stops listening to the page's turn signals (while shown). */
  private stopSignals: (() => void) | null = null;

  /**
   * While shown, the list catches up when the person comes back to this window (focus,
   * the tab shown again): a conversation started in another tab meanwhile was missing
   * from the top, so the top row here was an older one than there, and deleting "the
   * newest" deleted that older one. It catches up at once, too, when another chat of this
   * page (a `%chat` widget beside the sidebar, or the sidebar beside a widget) or another
   * tab says a turn began or ended (turnsignal.ts): a conversation it created, or titled,
   * reached an open list only when the window next got the focus. No request is made
   * for it but on such a word, and none while the list is hidden.
   */
  private watchReturns(on: boolean): void {
    this.stopSignals?.();
    this.stopSignals = null;
    const win = this.el.ownerDocument.defaultView;
    if (!win) return;
    win.removeEventListener("focus", this.onReturn);
    win.document.removeEventListener("visibilitychange", this.onReturn);
    if (!on) return;
    win.addEventListener("focus", this.onReturn);
    win.document.addEventListener("visibilitychange", this.onReturn);
    // This chat's own turns are not news here (sending closes the list).
    this.stopSignals = onTurnSignals((signal) => {
      if (signal.source !== this.session) void this.catchUp();
    });
  }

  /** The chat goes away: the window's events are no longer listened to. */
  dispose(): void {
    this.watchReturns(false);
  }

  private readonly onReturn = (): void => {
    if (this.el.ownerDocument.visibilityState === "hidden") return;
    void this.catchUp();
  };

  /**
   * Load the list anew when its first page lists a conversation not shown (started
   * elsewhere since), no longer lists one shown at the top (deleted elsewhere), or titles
   * one otherwise (titled or renamed elsewhere); left as it is while a row is being
   * renamed or asked about, or when nothing changed.
   */
  async catchUp(): Promise<void> {
    // One look at a time, and one more after it for what was heard meanwhile: a burst of
    // signals (the server's watch tells of up to 16 threads at once, every tab's turns)
    // is not one request each.
    if (this.catching) {
      this.catchAgain = true;
      return this.catching;
    }
    this.catching = (async () => {
      try {
        do {
          this.catchAgain = false;
          await this.catchUpOnce();
        } while (this.catchAgain);
      } finally {
        this.catching = null;
      }
    })();
    return this.catching;
  }

  /** A catch-up in flight ({@link catchUp}), and whether another was asked meanwhile. */
  private catching: Promise<void> | null = null;
  private catchAgain = false;

  private async catchUpOnce(): Promise<void> {
    if (!this.visible || !this.el.isConnected || this.list.querySelector("input, .jck-history-confirm")) return;
    const seq = this.loads;
    const notebook = this.notebook();
    const only = notebook && this.scope.value === "notebook" ? notebook : null;
    let page: Awaited<ReturnType<ChatSession["listThreads"]>>;
    try {
      page = await this.session.listThreads(null, 20, only ? { notebook: only } : undefined);
    } catch {
      return; // (The list shown stays; the next return tries again.)
    }
    if (seq !== this.loads || !this.visible || this.notebook() !== notebook) return;
    if (this.list.querySelector("input, .jck-history-confirm")) return;
    const rows = [...this.list.querySelectorAll<HTMLElement>(".jck-history-row")];
    const shown = rows.map((li) => `${li.dataset.thread}\u0000${li.dataset.title ?? ""}`);
    const first = page.data.map((t) => `${t.id}\u0000${t.title ?? ""}`);
    if (JSON.stringify(first) !== JSON.stringify(shown.slice(0, first.length))) await this.load(true);
  }

  /**
   * The host's notebook may have changed (another attached): a list shown for the one
   * before is loaded anew ("This notebook" said the last one's, or "No conversations"
   * of a notebook that has some).
   */
  notebookChanged(): void {
    if (this.visible && this.notebook() !== this.listedFor) void this.load(true);
  }

  /** Load the first page (`reset`) or the next one. */
  async load(reset: boolean): Promise<void> {
    const seq = ++this.loads;
    const notebook = this.notebook();
    // The next page of another notebook's list is not this one's: start over.
    if (!reset && notebook !== this.listedFor) reset = true;
    if (reset) {
      this.listedFor = notebook;
      this.after = null;
      this.list.replaceChildren();
      this.relabels.clear();
      this.more.hidden = true;
      this.paths = new Set(notebook ? [notebook] : []);
    }
    this.status.textContent = "Loading…";
    this.scope.hidden = !notebook;
    const only = notebook && this.scope.value === "notebook" ? notebook : null;
    try {
      const page = await this.session.listThreads(this.after, 20, only ? { notebook: only } : undefined);
      if (seq !== this.loads) return; // a newer load owns the list
      // Asked for the notebook attached before: the attached one's list is asked instead.
      if (this.notebook() !== notebook) {
        void this.load(true);
        return;
      }
      const known = this.paths.size;
      for (const t of page.data) if (t.notebook) this.paths.add(t.notebook);
      // A page that brings a name some listed notebook has: those rows say more of theirs.
      if (this.paths.size !== known) this.renameNotebooks();
      for (const t of page.data) this.list.appendChild(this.row(t));
      this.numberUntitled();
      this.dateTitled();
      this.after = page.has_more ? (page.after ?? null) : null;
      this.more.hidden = !this.after;
      this.status.textContent = this.list.childElementCount
        ? ""
        : only
          ? "No conversations for this notebook yet."
          : "No conversations yet.";
    } catch (e) {
      if (seq !== this.loads) return;
      if (this.notebook() !== notebook) {
        void this.load(true);
        return;
      }
      this.status.textContent = `Could not load the history: ${(e as Error).message}`;
    }
  }

  /** The rows' notebook labels, each as much of its path as tells it apart. */
  private renameNotebooks(): void {
    for (const el of this.list.querySelectorAll<HTMLElement>(".jck-history-notebook")) {
      // Its path as given (its tooltip shows bidi controls as code points: bidi.ts).
      const name = distinctName(el.dataset.path ?? "", this.paths);
      if (el.textContent === name) continue;
      el.textContent = name;
      revealIn(el);
    }
  }

  /**
   * Untitled rows named by the same second ("Nov 30, 22:03:04": two conversations started
   * at once, by two kernels or a run of cells) get a number each, the first started (1), so
   * their rows, Rename and Delete are told apart; a row alone with its name has none.
   */
  private numberUntitled(): void {
    const groups = new Map<string, HTMLElement[]>();
    for (const li of this.list.querySelectorAll<HTMLElement>(":scope > .jck-history-row")) {
      const when = li.dataset.untitled;
      if (when) groups.set(when, [...(groups.get(when) ?? []), li]);
    }
    for (const [when, rows] of groups) {
      // Newest first in the list: the first started is the last row.
      rows.reverse().forEach((li, i) => {
        const name = rows.length > 1 ? `${when} (${i + 1})` : when;
        if (li.dataset.name === name) return;
        li.dataset.name = name;
        this.relabels.get(li)?.();
      });
    }
  }

  /** Titled rows' starts, each as fine as tells it from the others' ({@link dateLabels}). */
  private dateTitled(): void {
    const dates = [...this.list.querySelectorAll<HTMLElement>(":scope > .jck-history-row .jck-history-date")];
    const rows = dates.map((el) => el.closest<HTMLElement>(".jck-history-row"));
    const labels = dateLabels(rows.map((li) => li?.dataset.started ?? ""));
    dates.forEach((el, i) => {
      const li = rows[i];
      if (li) li.dataset.when = labels[i];
      if (el.textContent !== labels[i]) el.textContent = labels[i];
    });
  }

  private row(t: ThreadMetadata): HTMLElement {
    const li = h("li", { class: "jck-history-row" });
    li.dataset.started = t.created_at;
    li.dataset.thread = t.id;
    const title = (): string => plainTitle(t.title) || li.dataset.name || untitled(t.created_at);
    const tip = (name: string): string => rowTooltip(name, t.notebook, t.created_at);
    // What shows the name now (a row being renamed or asked about shows it when back).
    const named: { el: HTMLElement; attr?: string; label?: (name: string) => string }[] = [];
    const relabel = (): void => {
      const name = title();
      for (const { el, attr, label } of named) {
        // A tooltip or accessible name shows a title's bidi controls as code points, as
        // its text marks them.
        const value = label ? label(name) : name;
        if (attr) el.setAttribute(attr, revealText(value));
        else {
          el.textContent = name;
          revealBidi(el);
        }
      }
    };
    // A rename or delete replaces the row's buttons: the keyboard goes back to the one it
    // came from (it fell to the page's body, and the next Tab started over at the top).
    const render = (focus?: "rename" | "delete"): void => {
      const keyboardHere = li.contains(document.activeElement);
      const current = this.session.threadId === t.id;
      li.dataset.title = t.title ?? ""; // as the server has it (catchUp compares)
      if (plainTitle(t.title)) delete li.dataset.untitled;
      else li.dataset.untitled = untitled(t.created_at);
      const open = button(
        [
          h("span", { class: "jck-history-title" }, title()),
          t.notebook
            ? h(
                "span",
                { class: "jck-history-notebook", title: t.notebook, "data-path": t.notebook },
                distinctName(t.notebook, this.paths),
              )
            : null,
          // An untitled row's title says when already.
          plainTitle(t.title) ? h("span", { class: "jck-history-date" }, li.dataset.when ?? when(t.created_at)) : null,
        ],
        () => {
          this.host.open(t.id);
        },
        {
          class: "jck-history-open",
          "aria-current": current ? "true" : null,
          // The whole row, not the title alone: its notebook and date are cut off too.
          title: tip(title()),
        },
      );
      // A notebook's name may hold bidi controls or zero-width characters (a file's name
      // is spoofed with either: all shown); a title is prose, whose controls that reorder
      // text are shown (bidi.ts revealBidi: emoji's and Persian's joiners kept).
      const titleEl = open.querySelector(".jck-history-title");
      if (titleEl) revealBidi(titleEl);
      for (const el of open.querySelectorAll(".jck-history-notebook")) revealIn(el);
      const rename = button(icon("pencil"), () => startRename(), {
        class: "jck-btn jck-btn-icon",
        "aria-label": `Rename “${title()}”`,
        title: "Rename",
      });
      const del = button(icon("trash"), () => confirmDelete(), {
        class: "jck-btn jck-btn-icon",
        "aria-label": `Delete “${title()}”`,
        title: "Delete",
      });
      const span = open.querySelector(".jck-history-title") as HTMLElement;
      named.splice(0, named.length, { el: span }, { el: open, attr: "title", label: tip });
      named.push({ el: rename, attr: "aria-label", label: (n) => `Rename “${n}”` });
      named.push({ el: del, attr: "aria-label", label: (n) => `Delete “${n}”` });
      li.replaceChildren(open, h("span", { class: "jck-history-tools" }, rename, del));
      if (focus && keyboardHere) (focus === "rename" ? rename : del).focus();
    };
    const startRename = (): void => {
      const input = h("input", { class: "jck-history-input", type: "text", "aria-label": "New title", maxlength: 200 });
      input.value = t.title ?? "";
      const save = async (): Promise<void> => {
        const value = input.value.trim();
        if (!value || value === t.title) return render("rename");
        if (saving) return;
        saving = true;
        try {
          await this.session.renameThread(t.id, value);
          t = { ...t, title: value };
          this.host.announce("Conversation renamed.");
        } catch (e) {
          // The new title stays in the box, to try again or cancel (it was thrown away).
          this.host.announce(`Could not rename: ${(e as Error).message}`);
          saving = false;
          if (input.isConnected) input.focus();
          return;
        }
        render("rename");
        this.numberUntitled(); // a row named now leaves its untitled namesakes
      };
      let saving = false;
      input.addEventListener("keydown", (e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          void save();
        } else if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          render("rename");
        }
      });
      li.replaceChildren(
        input,
        h(
          "span",
          { class: "jck-history-tools" },
          button(icon("check"), () => void save(), { class: "jck-btn jck-btn-icon", "aria-label": "Save title" }),
          button(icon("close"), () => render("rename"), {
            class: "jck-btn jck-btn-icon",
            "aria-label": "Cancel rename",
          }),
        ),
      );
      named.length = 0;
      input.focus();
      input.select();
    };
    const confirmDelete = (): void => {
      const yes = button(
        "Delete",
        async () => {
          try {
            await this.session.deleteThread(t.id);
            const keyboardHere = li.contains(document.activeElement);
            const next = (li.nextElementSibling ?? li.previousElementSibling)?.querySelector("button");
            li.remove();
            this.relabels.delete(li);
            this.numberUntitled();
            this.host.announce("Conversation deleted.");
            if (!this.list.childElementCount) this.status.textContent = "No conversations yet.";
            // The keyboard moves to the conversation that took the row's place (else the
            // scope, else the panel), not to the page's body.
            if (keyboardHere) (next ?? (this.scope.hidden ? this.el : this.scope)).focus();
          } catch (e) {
            this.host.announce(`Could not delete: ${(e as Error).message}`);
            render("delete");
          }
        },
        { class: "jck-btn jck-btn-danger" },
      );
      const no = button("Cancel", () => render("delete"), { class: "jck-btn" });
      const confirmTitle = h("span", { class: "jck-history-confirm-title", title: title() }, title());
      revealIn(confirmTitle);
      named.splice(0, named.length, { el: confirmTitle }, { el: confirmTitle, attr: "title" });
      li.replaceChildren(
        // The title alone gives way (ellipsised, whole on hover): an unbroken 200-letter one
        // widened the list to ~1600 px, scrolled sideways out of the panel.
        h("span", { class: "jck-history-confirm", role: "alert" }, "Delete “", confirmTitle, "”?"),
        h("span", { class: "jck-history-tools" }, yes, no),
      );
      no.focus();
    };
    this.relabels.set(li, relabel);
    render();
    return li;
  }
}
