/**
 * A ChatKit conversation driven over a `Transport`: sends requests, parses the
 * event streams, keeps the thread state, answers client tool calls and routes client
 * effects. No DOM: the UI subscribes to it, and tests drive it directly.
 *
 * Built in layers, one concept each: the state and requests (sessionbase.ts), turns and
 * Stop (turns.ts), which thread is shown (threadnav.ts); here, what a person does in a
 * thread (send, act on a widget, retry) and what follows a turn (catching up with
 * turns made elsewhere, a thread deleted elsewhere).
 */

import { ACTION } from "../protocol";
import { catchUpLimit, missedItems } from "./catchup";
import { lastUserMessageId, truncateAfter } from "./reducer";
import { ThreadSession } from "./threadnav";
import { TransportError } from "./transport";
import type {
  Action,
  Page,
  StreamingReq,
  StructuredInputSubmission,
  ThreadItem,
  UserMessageContent,
  UserMessageInput,
} from "./types";

export type { ChatSessionOptions, ClientToolHandler, SessionEvent } from "./sessionbase";

/** What a message carries besides its text (see {@link ChatSession.send}). */
export interface SendExtras {
  /** The message's parts, text and tags; `text` is then only what is shown while sending. */
  content?: UserMessageContent[];
  /** Ids of uploaded attachments. */
  attachments?: string[];
  /** Request metadata of a new thread (`threads.create`), e.g. its notebook. */
  metadata?: Record<string, unknown>;
}

/** Said when the conversation on screen was deleted elsewhere (see afterThreadGone). */
export const THREAD_GONE =
  "This conversation was deleted (in another view or window). Your message is back in the box: send it to start a new conversation.";

/**
 * What `map` keeps for `session`, made by `make` the first time: state shared by the
 * chats that show one session (one widget shown twice).
 */
export function perSession<T>(map: WeakMap<ChatSession, T>, session: ChatSession, make: () => T): T {
  let kept = map.get(session);
  if (kept === undefined) {
    kept = make();
    map.set(session, kept);
  }
  return kept;
}

/** One conversation with a ChatKit server. */
export class ChatSession extends ThreadSession {
  /** Send a user message: creates the thread first when there is none. */
  async send(text: string, extra: SendExtras = {}): Promise<void> {
    const trimmed = text.trim();
    const tags = extra.content?.some((c) => c.type === "input_tag");
    // A file alone is a message too (a picture to explain).
    if ((!trimmed && !tags && !extra.attachments?.length) || this.busy) return;
    const input: UserMessageInput = {
      // Tags (mentions, context chips) travel as ChatKit input_tag parts, not as text.
      content: extra.content?.length ? extra.content : [{ type: "input_text", text: trimmed }],
      attachments: extra.attachments ?? [],
      inference_options: this.model ? { model: this.model } : {},
    };
    const threadId = this.threadId;
    const turn = this.requestMetadata?.();
    const metadata = threadId ? turn : extra.metadata || turn ? { ...extra.metadata, ...turn } : undefined;
    const req: StreamingReq = threadId
      ? { type: "threads.add_user_message", params: { thread_id: threadId, input }, ...(metadata ? { metadata } : {}) }
      : { type: "threads.create", params: { input }, ...(metadata ? { metadata } : {}) };
    this.pendingText = trimmed || input.content.map((c) => c.text).join("");
    const gen = this.generation;
    const known = new Set(this.state.items.map((i) => i.id));
    const lastKnown = this.state.items.at(-1)?.id ?? null;
    await this.runTurn(req, { userInitiated: false, restoreText: trimmed });
    if (threadId && gen === this.generation) {
      await this.afterThreadGone(threadId, trimmed);
      await this.catchUp(threadId, known, lastKnown);
    }
  }

  /**
   * After a turn in `threadId`: when the thread got turns elsewhere (another browser or
   * view) that this view never saw, before or during this one, load it again, so the
   * screen shows what the model read. One small `items.list` per message.
   */
  private async catchUp(threadId: string, known: ReadonlySet<string>, lastKnown: string | null): Promise<void> {
    if (this.busy || this.state.error || this.threadId !== threadId || !lastKnown) return;
    const gen = this.generation;
    const ours = new Set(this.state.items.filter((i) => !known.has(i.id)).map((i) => i.id));
    let page: Page<ThreadItem>;
    try {
      page = await this.request<Page<ThreadItem>>({
        type: "items.list",
        params: { thread_id: threadId, order: "desc", limit: catchUpLimit(ours) },
      });
    } catch {
      return; // the answer is there; catching up can wait for the next message
    }
    if (gen !== this.generation || this.busy || this.threadId !== threadId) return;
    if (Array.isArray(page?.data) && missedItems(page.data, ours, lastKnown)) await this.openThread(threadId);
  }

  /**
   * A message to `threadId` that failed before it was saved: when the conversation is
   * gone (deleted in another view, the sidebar or another widget), start a new one and
   * give the message back. Its bare "No such conversation" had lost what was typed, and
   * every later message failed the same way.
   */
  private async afterThreadGone(threadId: string, text: string): Promise<void> {
    // The server refuses a missing thread with one error event before anything else.
    if (!this.onlyAnError || this.busy || !this.state.error || this.threadId !== threadId) return;
    const gen = this.generation;
    try {
      await this.request({ type: "threads.get_by_id", params: { thread_id: threadId } });
      return; // it is there: the error stands as it is
    } catch (e) {
      // Asked by code (404, `not_found`), never by the error's words.
      if (!(e instanceof TransportError && e.status === 404)) return;
    }
    if (gen !== this.generation || this.busy || this.threadId !== threadId) return;
    this.newThread();
    this.state = { ...this.state, error: { type: "error", code: "custom", message: THREAD_GONE, allow_retry: false } };
    this.changed();
    this.emit({ type: "failure", message: THREAD_GONE, restoreText: text });
  }

  /**
   * Send a widget action (`threads.custom_action`), from a click: effects of this turn
   * are marked user-initiated.
   */
  async customAction(action: Action, itemId: string | null): Promise<void> {
    const threadId = this.threadId;
    if (!threadId || this.busy) return;
    this.actionItemId = itemId;
    // An action may start an answer: it carries the metadata a new message has.
    const metadata = this.requestMetadata?.();
    await this.runTurn(
      {
        type: "threads.custom_action",
        params: { thread_id: threadId, item_id: itemId, action },
        ...(metadata ? { metadata } : {}),
      },
      { userInitiated: true },
    );
  }

  /**
   * Edit user message `itemId` to `text` and send it again (`message.edit`): the server
   * removes the message and what followed. The action names the newest item this chat
   * has seen (`last_item_id`), so a message sent since in another window, which the
   * edit would delete unseen, makes the server refuse it instead. Refused before the
   * edited message was saved, its text goes back in the message box (a `failure` event).
   */
  async editMessage(itemId: string, text: string): Promise<void> {
    const threadId = this.threadId;
    if (!threadId || this.busy) return;
    const lastItemId = this.state.items.at(-1)?.id;
    const payload = { item_id: itemId, text, ...(lastItemId ? { last_item_id: lastItemId } : {}) };
    this.actionItemId = null;
    this.pendingText = text;
    // It answers a message again: it carries the metadata a new message has.
    const metadata = this.requestMetadata?.();
    await this.runTurn(
      {
        type: "threads.custom_action",
        params: { thread_id: threadId, item_id: null, action: { type: ACTION.EDIT_MESSAGE, payload } },
        ...(metadata ? { metadata } : {}),
      },
      { userInitiated: true, restoreText: text },
    );
  }

  /** Answer a pending structured input item. */
  async submitStructuredInput(itemId: string, input: StructuredInputSubmission): Promise<void> {
    const threadId = this.threadId;
    if (!threadId || this.busy) return;
    await this.runTurn(
      { type: "threads.add_structured_input", params: { thread_id: threadId, item_id: itemId, input } },
      { userInitiated: false },
    );
  }

  /**
   * Retry the failed turn: a failed widget action is sent again as it was (its card
   * stays); anything else runs the last user message again (`threads.retry_after_item`).
   */
  async retry(): Promise<void> {
    const threadId = this.threadId;
    const failed = this.lastTurn;
    if (threadId && !this.busy && this.state.error && failed?.type === "threads.custom_action") {
      this.actionItemId = failed.params.item_id ?? null;
      await this.runTurn(failed, { userInitiated: true });
      return;
    }
    const itemId = lastUserMessageId(this.state);
    if (!threadId || !itemId || this.busy) return;
    this.state = truncateAfter(this.state, itemId);
    this.changed();
    // Regenerate answers the message again, with the request metadata a new message has.
    const metadata = this.requestMetadata?.();
    await this.runTurn(
      {
        type: "threads.retry_after_item",
        params: { thread_id: threadId, item_id: itemId },
        ...(metadata ? { metadata } : {}),
      },
      { userInitiated: false },
    );
    // Failed with nothing after the message: the answer was dropped here, but the server
    // may have kept it (it refuses a Retry that would delete a message sent since, in
    // another window). The thread as the server has it comes back, the error kept.
    const error = this.state.error;
    if (!error || this.busy || this.threadId !== threadId || this.state.items.at(-1)?.id !== itemId) return;
    try {
      await this.openThread(threadId);
    } catch {
      return;
    }
    if (!this.busy && this.threadId === threadId && !this.state.error) {
      this.state = { ...this.state, error };
      this.changed();
    }
  }

  /**
   * Show `message` as the last turn's error instead, without Retry: for a widget action
   * whose caller undid what it was for (Agent mode's Undo puts the cells back when it
   * could not be recorded), so sending it again would be wrong. No error shown: nothing.
   */
  replaceError(message: string): void {
    if (!this.state.error || this.busy) return;
    this.state = { ...this.state, error: { type: "error", code: "custom", message, allow_retry: false } };
    this.changed();
  }
}
