/**
 * Turns the kernel runs (`%chat QUESTION`, `%%chat`, `Chat().ask()`) in the conversation
 * the sidebar shows: shown there as they happen.
 *
 * No chat of the page sends such a turn, so none announces it (turnsignal.ts), and the
 * sidebar showed it only with its own next message. What the page sees of it is the
 * followed notebook's kernel's IOPub:
 * - the answer's output streaming (`ANSWER_MIME`, kernel/live.py; its first update comes
 *   with the turn's first events): the thread shown is read again, once per answer. A
 *   kernel started by this Jupyter server asks the server (kernel/remote.py), so the
 *   turn runs there: the thread says it is answering and is followed live (`TURN.WATCH`,
 *   from the turn's start), then shown as saved. A kernel running its own assistant
 *   writes to the same store: the question shows then;
 * - the stream events the kernel relays to its `%chat` widget's views (custom messages
 *   `COMM.THREAD_EVENT` on the widget's comm, kernel/widget.py `_relay`; the Jupyter
 *   widget message protocol carries them as `{method: "custom", content}`): applied as
 *   they come, as the widget does, while not following the turn from the server;
 * - the answer's final output, which names its thread: that thread, when shown, is read
 *   again as saved;
 * - a streaming answer's update naming the conversation its turn created (`%%chat --new`,
 *   a first question): the notebook's conversation now. A sidebar showing no conversation
 *   goes to it; one showing a conversation stays there (the person is reading or writing
 *   in it: it was switched away mid-use) and the new one is remembered as the notebook's,
 *   opened when the sidebar opens or the notebook is attached again.
 *
 * Not while the sidebar answers or readies a message of its own (its own turn's catch-up
 * shows the thread), and never the other turn's client effects. Nothing is parsed beyond
 * a message's type until it is one of these.
 */

import type { ISessionContext } from "@jupyterlab/apputils";
import type { NotebookPanel } from "@jupyterlab/notebook";
import type { KernelMessage } from "@jupyterlab/services";
import type { ThreadStreamEvent } from "../../src/client/types";
import { COMM } from "../../src/protocol";
import { ANSWER_MIME } from "./answermime";
import type { NotebookLink } from "./link";

/** What {@link followKernelTurns} needs of the sidebar's chat. */
export interface KernelTurnChat {
  readonly session: {
    readonly threadId: string | null;
    readonly busy: boolean;
    apply(event: ThreadStreamEvent): void;
    openThread(threadId: string, follow?: boolean, resume?: boolean): Promise<void>;
  };
  /** A message of the chat's own is being readied (its turn is about to start). */
  readonly preparing: boolean;
}

/** The ChatKit stream event a kernel's IOPub message relays to a `%chat` widget, if any. */
export function relayedEvent(msg: KernelMessage.IMessage): ThreadStreamEvent | null {
  if (msg.header.msg_type !== "comm_msg") return null;
  const data = (msg.content as { data?: unknown }).data as { method?: unknown; content?: unknown } | undefined;
  if (data?.method !== "custom") return null;
  const custom = data.content as { type?: unknown; data?: unknown } | null | undefined;
  if (custom?.type !== COMM.THREAD_EVENT || typeof custom.data !== "string") return null;
  try {
    const event = JSON.parse(custom.data) as ThreadStreamEvent | null;
    return event && typeof event === "object" && typeof event.type === "string" ? event : null;
  } catch {
    return null;
  }
}

const DISPLAYS = new Set(["display_data", "update_display_data", "execute_result"]);

/** The thread of a finished `%chat` answer a kernel's IOPub message shows, if any. */
export function answeredThread(msg: KernelMessage.IMessage): string | null {
  if (!DISPLAYS.has(msg.header.msg_type)) return null;
  const bundle = (msg.content as { data?: Record<string, unknown> }).data;
  const answer = bundle?.[ANSWER_MIME] as { streaming?: unknown; thread_id?: unknown } | undefined;
  if (answer?.streaming !== false || typeof answer.thread_id !== "string") return null;
  return answer.thread_id || null;
}

/** The request (the kernel's execution) a streaming `%chat` answer's update belongs to. */
export function streamingAnswer(msg: KernelMessage.IMessage): string | null {
  if (msg.header.msg_type !== "update_display_data") return null;
  const bundle = (msg.content as { data?: Record<string, unknown> }).data;
  const answer = bundle?.[ANSWER_MIME] as { streaming?: unknown } | undefined;
  if (answer?.streaming !== true) return null;
  const parent = (msg.parent_header as { msg_id?: unknown } | undefined)?.msg_id;
  return typeof parent === "string" && parent ? parent : null;
}

/**
 * The conversation a streaming `%chat` answer's turn created (`%%chat --new`, a first
 * question), once its update names it; null otherwise.
 */
export function createdThread(msg: KernelMessage.IMessage): string | null {
  if (msg.header.msg_type !== "update_display_data") return null;
  const bundle = (msg.content as { data?: Record<string, unknown> }).data;
  const answer = bundle?.[ANSWER_MIME] as { streaming?: unknown; new_thread?: unknown } | undefined;
  if (answer?.streaming !== true || typeof answer.new_thread !== "string") return null;
  return answer.new_thread || null;
}

/** The thread a stream event is about; null for events that name none (text deltas…). */
function threadOf(event: ThreadStreamEvent): string | null {
  if ("item" in event && event.item && typeof event.item.thread_id === "string") return event.item.thread_id;
  if (event.type === "thread.created" || event.type === "thread.updated") return event.thread.id;
  return null;
}

/**
 * Show in `chat` the turns the kernel of `link`'s notebook runs in the thread it shows
 * (see the module docs). Returns the function that stops following.
 */
export function followKernelTurns(
  chat: KernelTurnChat,
  link: Pick<NotebookLink, "panel" | "changed">,
  remember: (threadId: string) => void = () => {},
): () => void {
  let context: ISessionContext | null = null;
  // Whether the kernel's events are about the thread shown: set by each event that names
  // its thread, and holding for those that do not (text deltas name only their item).
  let following = false;
  // The kernel answer (its execution's id) for which the thread shown was read again.
  let looked: string | null = null;
  // The conversation a kernel turn created that the sidebar went to.
  let went: string | null = null;
  const idle = (): boolean => !chat.session.busy && !chat.preparing;

  const onMessage = (_: ISessionContext, msg: KernelMessage.IMessage): void => {
    const event = relayedEvent(msg);
    if (event) {
      const thread = threadOf(event);
      if (thread !== null) following = thread === chat.session.threadId && event.type !== "thread.created";
      // Another turn's client effects are its own page's (a cell inserted once, not twice).
      if (following && event.type !== "client_effect" && idle()) chat.session.apply(event);
      return;
    }
    const started = streamingAnswer(msg);
    const created = started ? createdThread(msg) : null;
    if (started && created && created !== chat.session.threadId && created !== went && chat.session.threadId) {
      // A new conversation of the notebook (`%%chat --new`) while the person has one on
      // screen: theirs stays; the new one is the notebook's next time (once).
      looked = started;
      went = created;
      remember(created);
      return;
    }
    if (started && created && created !== chat.session.threadId && created !== went && idle()) {
      // …and with none on screen, the sidebar goes to it and follows its turn as any
      // other (once: the next updates may come before it is open).
      looked = started;
      went = created;
      void chat.session.openThread(created, true, false).catch(() => {});
      return;
    }
    if (started) {
      const shown = chat.session.threadId;
      if (started !== looked && shown && idle()) {
        looked = started;
        // Followed live when the server runs a turn in it (see the module docs).
        void chat.session.openThread(shown, true, false).catch(() => {});
      }
      return;
    }
    const answered = answeredThread(msg);
    if (answered) following = false;
    if (answered && answered === chat.session.threadId && idle()) {
      // The thread as saved: the turn whole when no event came, else its final state.
      void chat.session.openThread(answered, true, false).catch(() => {});
    }
  };

  const attach = (panel: NotebookPanel | null): void => {
    context?.iopubMessage.disconnect(onMessage);
    context = panel && !panel.isDisposed ? panel.sessionContext : null;
    context?.iopubMessage.connect(onMessage);
  };
  const onChanged = (_: unknown, panel: NotebookPanel | null): void => attach(panel);
  link.changed.connect(onChanged);
  attach(link.panel);
  return () => {
    link.changed.disconnect(onChanged);
    attach(null);
  };
}
