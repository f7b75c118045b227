/**
 * `createChat`: the whole chat (header, history, thread, composer) in one element,
 * shared by the JupyterLab sidebar and the notebook widget.
 */

import { cellPosition } from "../bridge";
import { providerWarmer } from "../client/providerwarm";
import { ChatSession, type SessionEvent } from "../client/session";
import { ACTION } from "../protocol";
import { AgentSteps } from "./agent";
import { Announcer, failedAnswerText } from "./announcer";
import { AttachmentTray, type TakenAttachments } from "./attachments";
import type { ChatAnswer, ChatHandle, ChatOptions } from "./chatapi";
import { codeCards, INSERT_ACTIONS } from "./codecards";
import { Composer, type SendKey, sendKeyHint } from "./composer";
import { ContextChips, type MessagePart, messageContent, partsText } from "./context";
import { button, h, icon, uniqueId } from "./dom";
import { ChatHeader } from "./header";
import { HistoryPanel } from "./history";
import { ThreadView, userText } from "./items";
import { Completer, toolMentions } from "./mentions";
import { type ModelChoice, ModelPicker } from "./models";
import { askOwedTitle } from "./owedtitle";
import { applyReadLines } from "./readline";
import { FrameScheduler } from "./scheduler";
import { EndFollower } from "./scrolling";
import { StatusView } from "./status";

export type { ChatAnswer, ChatHandle, ChatOptions };
export { type ModelChoice, type SendKey, sendKeyHint };

/** Per session, the chat (of those sharing it) a person last used. */
const lastUsed = new WeakMap<ChatSession, object>();

/**
 * How to connect a real model, for a new user of the offline model: the settings the
 * README documents, by name only (the server holds any key; nothing here is a value of
 * theirs). Plain text: no link or button to click, nothing fetched.
 */
function offlineHowTo(): HTMLElement {
  const code = (text: string): HTMLElement => h("code", null, text);
  return h(
    "p",
    { class: "jck-muted jck-offline-howto" },
    "To connect one, set ",
    code("OPENAI_API_KEY"),
    " (OpenAI), or ",
    code("OPENAI_BASE_URL"),
    " for an OpenAI-compatible server (Ollama: ",
    code("http://localhost:11434/v1"),
    ") with ",
    code("JUPYTER_CHATKIT_MODEL"),
    ", then restart Jupyter. ",
    code("jupyter chatkit"),
    " checks the setup.",
  );
}

/** Mount the chat into `el` (its content is replaced). */
export function createChat(el: HTMLElement, options: ChatOptions): ChatHandle {
  const session =
    options.session ?? new ChatSession({ transport: options.transport, clientTools: options.clientTools });
  // Of the chats sharing a session, the one a person last used takes its effects (a
  // card's Insert) and failures (the unsent text back in its box): one cell, one box.
  const me = {};
  const mine = (): boolean => {
    const user = lastUsed.get(session);
    if (user) return user === me;
    lastUsed.set(session, me);
    return true;
  };
  if (!lastUsed.has(session)) lastUsed.set(session, me);
  // Agent mode: the switch, the approval cards and the step tools (ui/agent.ts).
  const agent = options.agent ? new AgentSteps(session, options.agent, (text) => announce(text)) : null;
  const answerListeners = new Set<(a: ChatAnswer) => void>();
  const threadListeners = new Set<(id: string | null) => void>();
  let lastThreadId: string | null = null;
  let disposed = false;

  // ------------------------------------------------------------ announcements
  const announcer = new Announcer();
  const { live, toast, say: announce } = announcer;

  // ------------------------------------------------------------ code → notebook
  const { insert, markdownOptions, widgetContext } = codeCards(session, options, announce);

  // ------------------------------------------------------------ layout
  const historyId = uniqueId("jck-history");
  const view = new ThreadView({
    markdown: markdownOptions,
    widgetContext,
    feedback: (id, kind) => session.feedback([id], kind),
    announce,
    // Content grew: scroll in the next frame (never a layout read from here).
    changed: () => {
      if (!rendering) schedule();
    },
    idle: () => !session.busy,
    toolView: (item) => agent?.view(item) ?? null,
    regenerate: () => {
      follow.atEnd = true;
      // The answer goes, its Regenerate with it: the keyboard goes to the message box
      // (it fell to the page's body).
      const keyboardHere = view.el.contains(document.activeElement);
      void session.retry();
      if (keyboardHere) composerBox.focus();
    },
    edit: (itemId, text) => {
      if (session.busy) return;
      follow.atEnd = true;
      void session.editMessage(itemId, text);
    },
  });
  const history = new HistoryPanel(session, { open: (id) => void openThread(id), announce }, historyId, () => {
    const notebook = options.threadMetadata?.()?.notebook;
    return typeof notebook === "string" ? notebook : null;
  });

  // ------------------------------------------------------------ header
  const model = new ModelPicker(session, options.models, announce, () => disposed);
  const header = new ChatHeader({
    title: options.title,
    shortTitle: options.shortTitle,
    model: model.el,
    history,
    historyId,
    newThread: () => newThread(true),
  });
  const { subtitle } = header;
  const closeHistory = (): Promise<void> => header.closeHistory();

  const older = button(
    "Show earlier messages",
    () => {
      older.disabled = true;
      void session
        .loadOlder()
        .catch((e) => announce(`Could not load: ${(e as Error).message}`))
        .finally(() => {
          older.disabled = false;
        });
    },
    { class: "jck-btn jck-btn-ghost jck-older" },
  );
  // Said once here, not under every answer of the offline model.
  const offlineNote = h(
    "div",
    { class: "jck-offline" },
    h("p", null, "Offline demo model — configure a provider to get real answers"),
    offlineHowTo(),
  );
  offlineNote.hidden = true;
  void Promise.resolve(options.offline).then((on) => {
    offlineNote.hidden = !on;
  });
  const empty = h(
    "div",
    { class: "jck-empty" },
    icon("sparkle", "jck-icon jck-empty-icon"),
    h("p", null, "Ask about your notebook, your data or your code."),
    h(
      "p",
      { class: "jck-muted" },
      "The assistant can read your cells and kernel variables when it needs them; code reaches a cell only when you click Insert.",
    ),
    offlineNote,
  );
  const status = new StatusView(session, {
    empty,
    older,
    subtitle,
    busyChanged: () => composerBox.sync(),
    focusComposer: () => composerBox.focus(),
  });
  const { pending, progress, notices, errorBox } = status;
  const scroller = h("div", { class: "jck-scroll" }, older, empty, view.el, pending, progress, notices, errorBox);

  const chips = new ContextChips(announce);
  const tray = options.upload ? new AttachmentTray(session, options.upload, announce) : null;
  /** Send `parts` with the chips as tags (resolved now, through the host's producers). */
  // A message being readied (chips resolved through the kernel, uploads finishing, a
  // conversation still opening) counts as busy: a second Enter meanwhile was taken from
  // the box and then dropped by the session, busy by then with the first.
  let preparing: { stopped: boolean } | null = null;
  const preparedListeners = new Set<() => void>();
  const sendParts = async (parts: readonly MessagePart[]): Promise<void> => {
    if (session.busy || preparing) return;
    const mine = { stopped: false };
    preparing = mine;
    // The message's turn begins with its readying (chips read through a kernel that may
    // be starting again): what was said of the turn before is not its status.
    announcer.turnBegins();
    composerBox.sync();
    let sending: Promise<void> | null = null;
    // Files taken from the tray for this message: back to the tray unless it is sent.
    let taken: TakenAttachments | null = null;
    try {
      const move = ++moves;
      // A conversation still opening (the one remembered at start, a notebook's): the
      // message belongs to it, and its late answer must not replace the turn just begun.
      if (opening) await opening.catch(() => undefined);
      const thread = session.threadId;
      follow.atEnd = true;
      const content = await messageContent(parts, chips.chips());
      taken = tray ? await tray.take() : null;
      // Another conversation opened (or a new one began: a notebook tab switched) while
      // the chips resolved: the message, written with the other notebook's chips, is not
      // sent here. Nor to the conversation it was written in: its answer would stream
      // into a conversation nobody sees. The text goes back to the box.
      const moved = move !== moves || session.threadId !== thread;
      if (mine.stopped || moved || session.busy) {
        // Stopped before it went (or overtaken): the text goes back to the box, above
        // anything typed since (composer.ts restore): neither is lost.
        const typed = !!input.value.trim();
        composerBox.restore(partsText(parts));
        const where = typed ? " It is back in the box, above what you typed since." : " It is back in the box.";
        if (moved && !mine.stopped)
          announce(`Not sent: the conversation changed while the message was prepared.${where}`);
        // An answer began meanwhile (a Regenerate, another chat of a shared session).
        else if (!mine.stopped) announce(`Not sent: an answer began while your message was prepared.${where}`);
        return;
      }
      const metadata = session.threadId ? undefined : options.threadMetadata?.();
      // The session is busy from here (synchronously), before the host hears the
      // preparation ended: a switch it deferred waits for the answer.
      unsent = taken;
      sending = session.send(partsText(parts), { content, metadata, attachments: taken?.ids ?? [] });
      // The list would hide the turn just sent and its answer (walking the sidebar, a
      // message sent with the history open seemed to do nothing).
      void closeHistory();
    } finally {
      // Stopped, overtaken, moved or failed while readied: the files stay the person's.
      if (!sending) taken?.putBack();
      preparing = null;
      composerBox.sync();
      for (const cb of [...preparedListeners]) cb();
    }
    try {
      await sending;
    } finally {
      if (unsent === taken) unsent = null;
      // The button said Stop from the finally above (the turn had begun). The status view
      // brings it back to Send when a render sees the busy flag change; a turn that began
      // and ended between two renders (a background tab renders on a throttled timer, a
      // quick answer or error) changed nothing it saw, and Stop stayed for good.
      composerBox.sync();
    }
  };
  // The files of the message being sent, until its turn ends: a send that fails before
  // the message reached the server returns its text to the box and its files to the tray.
  let unsent: TakenAttachments | null = null;
  /** What the toast says about an Enter held while busy; put away when the spell ends. */
  let heldHint: string | null = null;
  const dropHeldHint = (): void => {
    if (heldHint && announcer.toast.textContent === heldHint) announcer.hideToast();
    heldHint = null;
  };
  const composerBox = new Composer(
    {
      busy: () => session.busy || preparing !== null,
      submit: (text) => {
        void sendParts(completer.parts(text));
      },
      hasFiles: () => (tray?.count ?? 0) > 0,
      stop: () => {
        if (preparing && !session.busy) preparing.stopped = true;
        else session.cancel();
        dropHeldHint(); // "press Stop": done
        // Screen readers only: the Stopped box (or the answer's "[Stopped.]") shows it, and a
        // toast repeating it covered the chips for seconds.
        announcer.tell("Stopped.");
      },
      lastMessage: () => lastUserText(),
      // Enter while busy sends nothing: said once a busy spell (composer.ts), politely, in
      // the live region and the toast over the box; the focus and the text stay.
      held: () => {
        heldHint = session.busy
          ? "Still answering: your message stays in the box. Press Stop, or wait for the answer to end."
          : "Your message stays in the box: the previous one is still being sent.";
        announce(heldHint);
      },
      escape: options.onEscape ? () => options.onEscape?.() : undefined,
      // The provider's connection, opened again while the person writes (providerwarm.ts).
      writing: providerWarmer(session),
    },
    { sendKey: options.sendKey, placeholder: options.placeholder },
  );
  const composer = composerBox.el;
  const completer = new Completer(
    composerBox.input,
    // Without a source of its own, the host's client tools answer (kernel variables).
    options.mentions ?? (options.clientTools ? toolMentions(options.clientTools) : null),
    () => [
      ...(options.commands ?? []),
      {
        name: "new",
        description: "Start a new conversation",
        run: () => {
          newThread(true);
          return true;
        },
      },
    ],
    (text) => composerBox.setText(text),
    // What the box mentions (`@df`) is read with the message: the chips row names it too.
    (refs) => chips.setMentioned(refs),
  );
  const input = composerBox.input;
  // The toast floats over the message box: typing there puts it away, not over the words.
  input.addEventListener("input", () => announcer.hideToast());
  const follow = new EndFollower(
    scroller,
    [scroller, view.el, pending, progress, notices, errorBox],
    () => session.busy,
  );
  const jump = follow.jump;
  // Over the bottom of the messages, whatever sits above the composer (chips…).
  const body = h("div", { class: "jck-body" }, history.el, scroller, jump);
  const root = h(
    "div",
    { class: `jck-chat${options.compact ? " jck-compact" : ""}` },
    header.el,
    body,
    toast,
    completer.el,
    chips.el,
    tray?.el,
    agent?.bar,
    composer,
    live,
  );
  el.replaceChildren(root);
  const used = (): void => void lastUsed.set(session, me);
  root.addEventListener("pointerdown", used, true);
  root.addEventListener("focusin", used);
  if (tray) {
    tray.bind(root, input);
    tray.onChange = () => composerBox.sync();
    composer.insertBefore(tray.controls, input.nextSibling);
  }

  // ------------------------------------------------------------ composer
  /** The text of the person's last message in this thread (for ↑ in an empty box). */
  const lastUserText = (): string | null => {
    const items = session.state.items;
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i];
      // Its words, mentioned names included ("plot df", not "plot ").
      if (it.type === "user_message") return userText(it).trim() || null;
    }
    return null;
  };

  // ------------------------------------------------------------ rendering
  // Session events only schedule; render() runs at most once per animation frame. But an
  // answer's first words: see firstWords.
  const scheduler = new FrameScheduler(() => render());
  let rendering = false;
  const schedule = (): void => {
    if (!disposed) scheduler.schedule();
  };
  /** What the read lines were last applied for (see render). */
  let readLinesFor = { count: -1, busy: false };
  const render = (): void => {
    scheduler.cancel();
    if (disposed) return;
    rendering = true;
    try {
      const { items } = session.state;
      view.render(session.state, session.busy, (id) => session.streaming(id));
      // While an answer streams, earlier turns' read lines cannot change: look again only
      // when items come or go, or the turn ends.
      const streaming = session.busy && readLinesFor.busy;
      if (!streaming || readLinesFor.count !== items.length) {
        applyReadLines(view.el, items, session.busy, options.showCell);
        readLinesFor = { count: items.length, busy: session.busy };
      }
      status.render();
    } finally {
      rendering = false;
    }
    follow.rendered();
    const id = session.threadId;
    if (id !== lastThreadId) {
      const previous = lastThreadId;
      lastThreadId = id;
      model.threadChanged(previous);
      for (const cb of [...threadListeners]) cb(id);
    }
  };

  /** The answer whose first words were rendered at once (see firstWords). */
  let worded: string | null = null;
  /**
   * Whether the state holds the first words of the answer streaming in, not rendered yet.
   * They are rendered now, not in the next frame, where the render (the message's
   * elements, its markdown) would run in front of the frame's paint. The deltas after
   * them come at most once per frame, batched, as everything else.
   */
  const firstWords = (): boolean => {
    if (!session.busy) return false;
    const last = session.state.items.at(-1);
    if (last?.type !== "assistant_message" || last.id === worded || !last.content.some((c) => c.text)) return false;
    worded = last.id;
    return true;
  };
  // A first turn's owed model title is asked for when the turn ends (owedtitle.ts).
  let wasBusy = false;
  const onEvent = (e: SessionEvent): void => {
    if (disposed) return;
    switch (e.type) {
      case "state":
        if (firstWords()) render();
        else schedule();
        if (wasBusy && !session.busy) {
          dropHeldHint(); // "wait for the answer to end": it did
          void askOwedTitle(session, () => !disposed);
          // A failed answer says so (a good one says "answered", below): never the last
          // turn's words left standing.
          const failed = failedAnswerText(session.state.error);
          if (failed) announcer.tell(failed);
        }
        // A new turn (Send, Retry, an edit, one followed): an earlier toast ("Stopped.") is
        // stale, and so is what screen readers were told of the turn before ("The answer
        // failed: …" stood as the status of the next message while it was answered). But
        // the hint that a message stays in the box: it still does.
        if (!wasBusy && session.busy && !(heldHint && announcer.toast.textContent === heldHint)) announcer.turnBegins();
        wasBusy = session.busy;
        break;
      case "answer":
        announcer.tell("The assistant answered.");
        for (const cb of [...answerListeners]) cb({ text: e.text, threadId: e.threadId });
        break;
      case "effect":
        if (!mine()) break;
        if (INSERT_ACTIONS.has(e.name)) {
          if (e.userInitiated) {
            const run = e.name === ACTION.INSERT_AND_RUN_CELL || e.data.run === true;
            // The card whose action this is (the turn a custom action runs).
            void insert(
              String(e.data.code ?? ""),
              run,
              cellPosition(e.data.position),
              session.actionItemId ?? undefined,
            );
          } else {
            // Code reaches a cell only when a person clicks.
            console.warn("jupyter-chatkit: ignoring a cell insertion the person did not click for");
          }
        } else {
          options.onEffect?.(e.name, e.data);
        }
        break;
      case "failure":
        if (!mine()) break;
        if (e.restoreText) composerBox.restore(e.restoreText);
        if (e.restoreText !== undefined) unsent?.putBack();
        break;
    }
  };
  const unsubscribe = session.subscribe(onEvent);

  // ------------------------------------------------------------ handle
  // Each open, new conversation and send is a move; an open whose answer comes after a
  // later move (the person sent, or opened another) is superseded: its failure must not
  // start a new conversation over theirs (that cancelled the turn they had started).
  let moves = 0;
  let opening: Promise<void> | null = null;
  /** Start a new conversation; `focus` when the person asked for it (button, `/new`). */
  const newThread = (focus = false): void => {
    moves++;
    // A message ↑ recalled from the conversation left is not carried into the new one
    // (sent there by accident); what the person typed themselves stays.
    composerBox.dropRecalled();
    session.newThread();
    view.clear();
    render();
    void closeHistory();
    if (focus) input.focus();
  };
  const openThread = async (id: string): Promise<void> => {
    const move = ++moves;
    composerBox.dropRecalled();
    const open = (async () => {
      view.clear();
      await session.openThread(id);
      await closeHistory();
      follow.atEnd = true;
      render();
    })();
    opening = open;
    try {
      await open;
    } catch (e) {
      if (move !== moves) return; // superseded: what came after stands
      // The view was cleared for the thread that did not come: show the one still open.
      render();
      announce(`Could not open the conversation: ${(e as Error).message}`);
      throw e;
    } finally {
      if (opening === open) opening = null;
    }
  };

  render();
  if (options.initialThreadId) {
    void openThread(options.initialThreadId).catch(() => newThread());
  }

  return {
    send: (text) => sendParts(typeof text === "string" ? [text] : text),
    setContext: (refs) => {
      chips.setCurrent(refs);
      // The context moves with the notebook attached: an open history lists that one's.
      history.notebookChanged();
    },
    pinContext: (ref) => chips.pin(ref),
    setOpenNotebooks: (paths) => chips.setOpen(paths),
    newThread: () => newThread(),
    openThread,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      scheduler.dispose();
      follow.dispose();
      unsubscribe();
      agent?.dispose();
      history.dispose();
      if (lastUsed.get(session) === me) lastUsed.delete(session);
      // The turn goes on (on the server, in the other chats of a shared session): closing is not Stop.
      if (!options.session) session.detach();
      announcer.dispose();
      el.replaceChildren();
    },
    focus: () => composerBox.focus(),
    setSendKey: (key) => composerBox.setSendKey(key),
    onAnswer: (cb) => {
      answerListeners.add(cb);
      return () => answerListeners.delete(cb);
    },
    onThreadChange: (cb) => {
      threadListeners.add(cb);
      return () => threadListeners.delete(cb);
    },
    get threadId() {
      return session.threadId;
    },
    get preparing() {
      return preparing !== null;
    },
    onPrepared: (cb) => {
      preparedListeners.add(cb);
      return () => preparedListeners.delete(cb);
    },
    session,
  };
}
