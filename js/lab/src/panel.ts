/**
 * The sidebar widget: a context bar saying which notebook the assistant is attached to and
 * which model answers, an Undo notice after a cell replacement, and the shared chat UI.
 *
 * The chat is created on first show, not at start-up, and its code (the chat UI, marked,
 * DOMPurify, highlight.js) is loaded then too: a JupyterLab where nobody opens the
 * assistant pays nothing for it.
 */

import type { NotebookPanel } from "@jupyterlab/notebook";
import type { Message } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";
import type { MessagePart } from "../../src/index";
import { revealIn, revealText } from "../../src/ui/bidi";
import { distinctName } from "../../src/ui/paths";
import type { SendKey, SidebarChat } from "./chat";
import type { Replacement } from "./edits";
import { assistantIcon } from "./icon";
import type { NotebookLink } from "./link";
import { keepClearOfToasts } from "./toastroom";

const NOTICE_MS = 20000;

/** Creates the chat inside `host`, loading its code first (a dynamic import). */
export type LazyChatFactory = (host: HTMLElement) => Promise<SidebarChat>;

/** The Notebook Assistant sidebar panel. */
export class AssistantPanel extends Widget {
  private chat: SidebarChat | null = null;
  private chatReady: Promise<SidebarChat> | null = null;
  private readonly contextEl: HTMLElement;
  private readonly modelEl: HTMLElement;
  private readonly noticeEl: HTMLElement;
  private modelOff = false;
  private readonly chatEl: HTMLElement;
  private noticeTimer = 0;
  // The notebook the conversation shown belongs to (one picked from the history): the bar
  // names it while no notebook is attached.
  private shownNotebook: string | null = null;
  // JupyterLab's toasts (its first-start news question) cover the panel's bottom: the
  // message box moves above them while they show (toastroom.ts), from the first show.
  private stopToastRoom: (() => void) | null = null;

  constructor(
    private readonly link: NotebookLink,
    private readonly factory: LazyChatFactory,
  ) {
    super();
    this.id = "jupyter-chatkit-panel";
    this.addClass("jp-chatkit-panel");
    this.title.icon = assistantIcon;
    this.title.caption = "Notebook Assistant";
    this.title.closable = true;

    // The chat UI has its own header (title, history, new); ours says where we are.
    const bar = document.createElement("div");
    bar.className = "jp-chatkit-contextbar";
    this.contextEl = document.createElement("div");
    this.contextEl.className = "jp-chatkit-context";
    this.modelEl = document.createElement("span");
    this.modelEl.className = "jp-chatkit-model";
    this.modelEl.title = "The model answering (configured on the server)";
    bar.append(this.contextEl, this.modelEl);

    this.noticeEl = document.createElement("div");
    this.noticeEl.className = "jp-chatkit-notice";
    this.noticeEl.hidden = true;

    this.chatEl = document.createElement("div");
    this.chatEl.className = "jp-chatkit-chat";
    this.node.append(bar, this.noticeEl, this.chatEl);

    link.changed.connect(this.showContext, this);
    link.openChanged.connect(this.onOpenChanged, this);
    link.replaced.connect(this.onReplaced, this);
    this.showContext(link, link.panel);
  }

  /** Show the model's name (display only; the server decides); `description` (the
   * model with its provider) shows on hover. */
  setModelLabel(label: string, description: string = label, off = false): void {
    this.modelEl.textContent = label;
    // Off: the description is the server's reason (a refused setting), said as it is.
    this.modelEl.title = off ? description : `The model answering (configured on the server): ${description}`;
    this.modelEl.classList.toggle("jp-chatkit-model-off", off);
    // Said above the chat as long as it holds, before the person types (sending said it
    // only as the message's error).
    if (off) {
      window.clearTimeout(this.noticeTimer);
      this.noticeEl.replaceChildren(document.createTextNode(description));
      this.noticeEl.hidden = false;
    } else if (this.modelOff) {
      this.noticeEl.replaceChildren();
      this.noticeEl.hidden = true;
    }
    this.modelOff = off;
  }

  /** Apply the send-shortcut setting (a chat created later reads it from its factory). */
  setSendKey(key: SendKey): void {
    this.chat?.setSendKey(key);
  }

  /** The conversation shown is `notebook`'s (null: of no notebook): with no notebook
   * attached, the bar says whose it is. */
  setShownNotebook(notebook: string | null): void {
    if (notebook === this.shownNotebook) return;
    this.shownNotebook = notebook;
    this.showContext(this.link, this.link.panel);
  }

  /** Show a short message above the chat for a few seconds. */
  notify(text: string): void {
    this.noticeEl.replaceChildren(document.createTextNode(text));
    this.noticeEl.hidden = false;
    this.hideNoticeLater(6000);
  }

  /** The chat, created (and its code loaded) on first use. */
  ensureChat(): Promise<SidebarChat> {
    if (!this.chatReady) {
      const ready = this.factory(this.chatEl).then((chat) => {
        if (this.isDisposed) chat.dispose();
        else {
          this.chat = chat;
          chat.setShown(this.isVisible);
        }
        return chat;
      });
      ready.catch((e: unknown) => {
        console.error("jupyter-chatkit: could not load the chat", e);
        this.notify("Could not load the Notebook Assistant; reload the page to try again.");
        this.chatReady = null;
      });
      this.chatReady = ready;
    }
    return this.chatReady;
  }

  /** Put the panel back as before its first show: the chat disposed (the next show makes
   * a new one: new thread, empty composer, as on a first show) and no notice. Test suites
   * that keep one JupyterLab page across tests call it between them. */
  async resetChat(): Promise<void> {
    // A chat still loading is waited for, then disposed too.
    for (let ready = this.chatReady; ready; ready = this.chatReady) {
      await ready.catch(() => undefined);
      if (this.chatReady === ready) this.chatReady = null;
    }
    this.chat?.dispose();
    this.chat = null;
    this.setShownNotebook(null);
    window.clearTimeout(this.noticeTimer);
    this.noticeEl.replaceChildren();
    this.noticeEl.hidden = true;
  }

  /** Run `use` with the chat once it is there (a failure to load is said by ensureChat). */
  private withChat(use: (chat: SidebarChat) => unknown): void {
    this.ensureChat().then(
      (chat) => {
        if (!this.isDisposed) void use(chat);
      },
      () => undefined,
    );
  }

  /** Send a message as the user (e.g. "Explain cell [3]": text and cell references). */
  send(text: string | readonly MessagePart[]): void {
    this.withChat((chat) => chat.send(text));
  }

  /** Start a new conversation. */
  newThread(): void {
    this.withChat((chat) => chat.newThread());
  }

  /** Focus the composer. */
  focusInput(): void {
    this.chat?.focus();
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.link.changed.disconnect(this.showContext, this);
    this.link.openChanged.disconnect(this.onOpenChanged, this);
    this.link.replaced.disconnect(this.onReplaced, this);
    window.clearTimeout(this.noticeTimer);
    this.stopToastRoom?.();
    this.chat?.dispose();
    this.chat = null;
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.stopToastRoom ??= keepClearOfToasts(this.node);
    this.withChat(() => undefined);
    this.chat?.setShown(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    // A collapsed sidebar waits for no other browser's turns (threadwatch.ts).
    this.chat?.setShown(false);
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    // The chat's code may take seconds to load the first time. A person who clicks or
    // types elsewhere meanwhile (back in a cell) has moved on: the composer must not
    // take their keys when it comes. Only their own input counts, not focus moves made
    // by JupyterLab (the command palette gives the focus back when it closes).
    let movedOn = false;
    const onInput = (e: Event): void => {
      if (!this.node.contains(e.target as Node)) movedOn = true;
    };
    document.addEventListener("pointerdown", onInput, true);
    document.addEventListener("keydown", onInput, true);
    const stop = (): void => {
      document.removeEventListener("pointerdown", onInput, true);
      document.removeEventListener("keydown", onInput, true);
    };
    // Let the chat render before focusing its composer.
    this.ensureChat().then(
      () =>
        requestAnimationFrame(() => {
          stop();
          if (!movedOn && !this.isDisposed) this.focusInput();
        }),
      stop,
    );
  }

  private showContext(_: unknown, panel: NotebookPanel | null): void {
    this.contextEl.replaceChildren();
    // The bar cuts a long name with an ellipsis: the whole of it shows on hover anywhere.
    this.contextEl.title = panel ? revealText(`Attached to ${panel.context.path}`) : "";
    if (!panel) {
      this.contextEl.classList.add("jp-mod-detached");
      const of = this.shownNotebook;
      if (!of) {
        this.contextEl.textContent = "No notebook open: answers cannot see cells or variables.";
        return;
      }
      // A notebook's conversation (picked from the history): answers do not see that
      // notebook either until it is open, and the bar says which one it is.
      this.contextEl.append(
        "No notebook open: answers cannot see the cells or variables of ",
        this.notebookName(of),
        ", this conversation's notebook.",
      );
      return;
    }
    this.contextEl.classList.remove("jp-mod-detached");
    const label = document.createElement("span");
    label.textContent = "Attached to ";
    this.contextEl.append(label, this.notebookName(panel.context.localPath, panel.context.path));
  }

  private notebookName(localPath: string, path: string = localPath): HTMLElement {
    const name = document.createElement("strong");
    name.className = "jp-chatkit-notebook-name";
    // Its file name, or as much of its path as tells it from another open notebook of
    // that name (the chips' and the history's rule: "a/nb.ipynb" beside "b/nb.ipynb").
    name.textContent = distinctName(localPath, this.link.openPaths());
    name.title = path;
    // A file name may hold bidi controls or zero-width characters: shown for what they are.
    revealIn(name);
    return name;
  }

  /** Another notebook opened or closed: the attached one's name may grow or shrink. */
  private onOpenChanged(): void {
    this.showContext(this.link, this.link.panel);
  }

  private onReplaced(_: NotebookLink, replacement: Replacement): void {
    this.noticeEl.replaceChildren();
    const text = document.createElement("span");
    text.textContent = `Replaced cell ${replacement.index + 1} — `;
    const undo = document.createElement("button");
    undo.type = "button";
    undo.className = "jp-chatkit-undo";
    undo.textContent = "Undo";
    undo.addEventListener("click", () => {
      const ok = replacement.undo();
      text.textContent = ok
        ? `Restored cell ${replacement.index + 1}.`
        : `Cell ${replacement.index + 1} changed since; use Ctrl+Z in the cell instead.`;
      undo.remove();
      this.hideNoticeLater(4000);
    });
    this.noticeEl.append(text, undo);
    this.noticeEl.hidden = false;
    this.hideNoticeLater(NOTICE_MS);
  }

  private hideNoticeLater(ms: number): void {
    window.clearTimeout(this.noticeTimer);
    this.noticeTimer = window.setTimeout(() => {
      this.noticeEl.hidden = true;
    }, ms);
  }
}
