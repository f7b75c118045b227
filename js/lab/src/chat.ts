/**
 * The sidebar's chat: the shared chat UI (js/src/index.ts) wired to the Jupyter server
 * and the current notebook. The one place that knows the shared UI's API, so a change
 * there is a change here only.
 */

import { PageConfig } from "@jupyterlab/coreutils";
import { watchShownThreads } from "../../src/client/threadwatch";
import { onTurnSignals } from "../../src/client/turnsignal";
import type { ContextRef, MessagePart } from "../../src/index";
import {
  createChat,
  fetchTransport,
  jupyterUpload,
  type ModelChoice,
  type SendKey,
  sendKeyHint,
  withFrontEnd,
} from "../../src/index";
import { REPLACE_CELL_LABEL } from "../../src/protocol";
import { NotebookAgent } from "./agent";
import { notebookClientTools } from "./clienttools";
import { showCell, watchContext } from "./context";
import { turnCells } from "./insertanchor";
import { guardedTransport, precheckDrafts } from "./kernelguard";
import { followKernelTurns } from "./kernelturns";
import type { NotebookLink } from "./link";
import { labCommands, labMentions } from "./mentions";
import { keptOutIndexes } from "./privatecells";
import { sendFromCommand } from "./sendguard";
import { followNotebookThreads, NotebookThreads } from "./threads";
import { ensureChatStyles } from "./uistyle";

export type { SendKey };

/** What the sidebar panel does with its chat. */
export interface SidebarChat {
  /** Send a message as the person (says so instead when a turn is still running). */
  send(text: string | readonly MessagePart[]): Promise<void>;
  newThread(): void;
  openThread(id: string): Promise<void>;
  /** Put the keyboard focus in the message box. */
  focus(): void;
  /** Apply the send-shortcut setting. */
  setSendKey(key: SendKey): void;
  /** The sidebar was shown or hidden (collapsed): nothing is awaited for it off screen. */
  setShown(shown: boolean): void;
  dispose(): void;
}

/** Creates the chat inside `host`. */
export type ChatFactory = (host: HTMLElement) => SidebarChat;

/** Options of {@link chatFactory}. */
export interface ChatFactoryOptions {
  link: NotebookLink;
  /** Settles once JupyterLab restored its layout: whether a notebook is open then. */
  restored?: Promise<boolean>;
  /** The send-shortcut setting when the chat is created. */
  sendKey: () => SendKey;
  /** Show a short message in the panel. */
  notify: (text: string) => void;
  /** Whether the server runs the offline demo model. */
  offline?: Promise<boolean>;
  /** The models people may pick (a picker in the chat's header when several). */
  models?: Promise<ModelChoice | null>;
  /** Esc in the message box: back to the notebook. */
  escape?: () => void;
  /** The conversation shown is this notebook's (null: of none), told at each change. */
  shownNotebook?: (notebook: string | null) => void;
}

/**
 * The composer's placeholder for a send key: with the key's hint where the box is wide
 * enough, else without it (the hint is the box's tooltip), the first fitting two lines.
 */
export function placeholderFor(key: SendKey): string[] {
  return [`Ask the assistant…  (${sendKeyHint(key)})`, "Ask the assistant…"];
}

/** A factory creating the chat UI wired to the Jupyter server and the current notebook. */
export function chatFactory(options: ChatFactoryOptions): ChatFactory {
  const { link, notify } = options;
  return (host: HTMLElement): SidebarChat => {
    ensureChatStyles();
    const token = PageConfig.getToken();
    const threads = new NotebookThreads();
    // `/explain` and `/fix` send through the chat made just below.
    const sendParts = (parts: MessagePart[]): void => void chat.send(parts);
    const chat = createChat(host, {
      // What a message carries from the notebook passes its kernel first (kernelguard.ts).
      // Its code cards carry Replace cell too: what the answer says of a card names it.
      transport: withFrontEnd(
        guardedTransport(
          fetchTransport({ baseUrl: PageConfig.getBaseUrl(), ...(token ? { token } : {}) }),
          () => link.panel?.sessionContext,
        ),
        // The cells kept out now (privatecells.ts): the server refuses Agent steps on them.
        () => ({ card_buttons: [REPLACE_CELL_LABEL], kept_out_cells: keptOutIndexes(link.panel) }),
      ),
      clientTools: notebookClientTools(link),
      // Code-card and code-block insertions (the UI calls this only on a click), next to
      // the cells the answer's question named (insertanchor.ts).
      insertCell: (code, opts) => link.insert(code, opts, turnCells(chat.session.state.items, opts.item)),
      insertBlocked: () => {
        const target = link.target();
        if (!target) return "no notebook is open";
        // JupyterLab holds it read-only (e.g. a share without write access): say so,
        // rather than blame a missing extension.
        return target.panel.content.model?.readOnly ? "the notebook is read-only" : null;
      },
      codeActions: [
        {
          label: REPLACE_CELL_LABEL,
          ariaLabel: "Replace the cell with this code",
          title:
            "Replace the code of the cell the question was about, or of the active cell (shows the change first; undoable)",
          icon: "replace",
          className: "jck-replace",
          // The cell the card's (or message's) question was about, found again after a
          // reload (insertanchor.ts), else the active cell.
          run: (code, item) => {
            void link.previewReplaceActive(code, turnCells(chat.session.state.items, item)).then((done) => {
              if (done === "no-cell") notify("No active cell to replace: open a notebook and select a cell.");
              if (done === "changed") notify("The cell changed while the diff was shown: nothing was replaced.");
            });
          },
        },
      ],
      title: "Notebook Assistant",
      shortTitle: "Assistant",
      sendKey: options.sendKey(),
      placeholder: placeholderFor,
      // The attached notebook's own conversation; with none attached, the last one of no
      // notebook (a notebook's would take the messages while the bar says none is open).
      initialThreadId: link.panel ? threads.get(link.panel.context.path) : threads.unattached(),
      offline: options.offline,
      models: options.models,
      onEscape: options.escape,
      showCell: (index) => showCell(link.panel, index),
      // A new thread belongs to the notebook it was started from.
      threadMetadata: () => (link.panel ? { notebook: link.panel.context.path } : undefined),
      mentions: labMentions(link),
      upload: jupyterUpload(token || undefined),
      commands: labCommands(link, sendParts, notify),
      // Agent mode: approved inserts, edits and runs in the followed notebook.
      agent: new NotebookAgent(() => link.panel),
    });
    // The kernel checks the draft while it is written: Enter sends at once (kernelguard.ts).
    let chips: readonly ContextRef[] = [];
    const drafts = precheckDrafts({ chat, host, chips: () => chips, session: () => link.panel?.sessionContext });
    const offer = (refs: readonly ContextRef[]): void => {
      chips = refs;
      chat.setContext(refs);
      drafts.changed();
    };
    const stopContext = watchContext({ setContext: offer }, link, host);
    // The chips name a notebook apart from the others open, as the "Attached to" bar does.
    const showOpen = (): void => chat.setOpenNotebooks(link.openPaths());
    link.openChanged.connect(showOpen);
    showOpen();
    const stopFollow = followNotebookThreads(chat, link, threads, options.restored);
    // Whose conversation is shown: the bar names it while no notebook is attached.
    let shownNotebook: string | null = null;
    const tellNotebook = (): void => {
      const notebook = chat.session.state.thread?.metadata?.notebook;
      const now = typeof notebook === "string" && notebook ? notebook : null;
      if (now === shownNotebook) return;
      shownNotebook = now;
      options.shownNotebook?.(now);
    };
    const stopTellNotebook = chat.session.subscribe(tellNotebook);
    tellNotebook();
    // A turn a `%chat` widget of this page runs in the conversation shown here: follow it
    // live (TURN.WATCH from its start), then show the thread as saved (turnsignal.ts; the
    // widget does the same for the sidebar's turns). Not while this chat answers or
    // readies a message (its own turn's catch-up shows it), never running the widget's
    // client tools (no resume).
    const stopTurnSignals = onTurnSignals((turn) => {
      const session = chat.session;
      session.heardTurn(turn);
      if (chat.preparing || !session.followsTurn(turn)) return;
      void session.openThread(turn.threadId, true, false).catch(() => {});
    });
    // …and one another browser runs in it, as the server tells (threadwatch.ts), while
    // the sidebar is on screen (shown again, it catches up at once).
    let onScreen = true;
    const watched = watchShownThreads({
      threadId: () => chat.session.threadId,
      request: (body, signal) => chat.session.request(body as never, signal),
      shown: () => onScreen,
    });
    const stopWatchChange = chat.onThreadChange(() => watched.changed());
    // A turn the notebook's kernel runs in it (`%%chat`, `%chat QUESTION`): the same,
    // from the kernel's messages (kernelturns.ts).
    // A conversation a kernel turn created is the notebook's next time, not now (the
    // sidebar stays on the one the person has on screen).
    const stopKernelTurns = followKernelTurns(chat, link, (id) => {
      const path = link.panel?.context.path;
      if (path) threads.set(path, id);
    });
    return {
      // The UI ignores a send while it answers or readies a message; say so instead.
      send: (text) => sendFromCommand(chat, text, notify),
      newThread: () => chat.newThread(),
      openThread: (id) => chat.openThread(id),
      focus: () => chat.focus(),
      setSendKey: (key) => chat.setSendKey(key),
      setShown: (shown) => {
        if (shown === onScreen) return;
        onScreen = shown;
        if (shown) watched.shownAgain();
        else watched.changed();
      },
      dispose: () => {
        stopFollow();
        stopTellNotebook();
        stopTurnSignals();
        stopWatchChange();
        watched.stop();
        stopKernelTurns();
        stopContext();
        link.openChanged.disconnect(showOpen);
        drafts.dispose();
        chat.dispose();
      },
    };
  };
}
