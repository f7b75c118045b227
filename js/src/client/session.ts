/**
 * A ChatKit conversation driven over a {@link Transport}: sends requests, parses the
 * event streams, keeps the thread state, answers client tool calls and routes client
 * effects. No DOM: the UI subscribes to it, and tests drive it directly.
 */

import {
  applyEvent,
  beginTurn,
  completeToolCall,
  emptyState,
  lastUserMessageId,
  messageText,
  prependItems,
  settleStopped,
  stateFromThread,
  type ThreadState,
  truncateAfter,
} from "./reducer";
import { catchUpLimit, missedItems } from "./catchup";
import { TURN } from "../protocol";
import { SSEParser } from "./sse";
import {
  isAbortError,
  iterateBody,
  readText,
  type Transport,
  TransportError,
} from "./transport";
import type {
  Action,
  ClientToolCallItem,
  FeedbackKind,
  NonStreamingReq,
  Page,
  StreamingReq,
  StructuredInputSubmission,
  Thread,
  ThreadItem,
  ThreadMetadata,
  ThreadStreamEvent,
  UserMessageContent,
  UserMessageInput,
} from "./types";

/** Runs one client tool where the notebook is; its return value goes to the model. */
export type ClientToolHandler = (
  args: Record<string, unknown>,
  context: { signal: AbortSignal; item: ClientToolCallItem },
) => Promise<unknown>;

/** Everything a {@link ChatSession} reports to its listeners. */
export type SessionEvent =
  /** The thread state (or busy flag, pending text, history cursor) changed. */
  | { type: "state" }
  /** An assistant turn finished; `text` is what the assistant said in it. */
  | { type: "answer"; text: string; threadId: string }
  /**
   * A `client_effect` arrived. `userInitiated` is true when the turn was started by a
   * person clicking a widget action (only then may effects touch the notebook).
   */
  | { type: "effect"; name: string; data: Record<string, unknown>; userInitiated: boolean }
  /** A request failed before it reached the thread; `text` is the unsent message, if any. */
  | { type: "failure"; message: string; restoreText?: string };

/** What a message carries besides its text (see {@link ChatSession.send}). */
export interface SendExtras {
  /** The message's parts, text and tags; `text` is then only what is shown while sending. */
  content?: UserMessageContent[];
  /** Ids of uploaded attachments. */
  attachments?: string[];
  /** Request metadata of a new thread (`threads.create`), e.g. its notebook. */
  metadata?: Record<string, unknown>;
}

/** Options of {@link ChatSession}. */
export interface ChatSessionOptions {
  transport: Transport;
  clientTools?: Record<string, ClientToolHandler>;
  /** Stop answering client tool calls after this many in one turn (a runaway guard). */
  maxToolRounds?: number;
  /** Items per `items.list` page when loading history. */
  pageSize?: number;
}

const DEFAULT_ERROR = "Something went wrong while answering.";
/** How long a Stop asked before a new thread is named waits for its name at most. */
const STOP_OWED_MS = 5000;
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
export class ChatSession {
  /** Current thread state; replaced (never mutated) on every change. */
  state: ThreadState = emptyState();
  /** True while a turn is streaming (including client tool round trips). */
  busy = false;
  /** The text just sent, shown until the server echoes the user message. */
  pendingText: string | null = null;
  /** Cursor for older items (`items.list`), null when the whole thread is loaded. */
  olderCursor: string | null = null;
  /** True while a custom action turn streams, with its widget item id. */
  actionItemId: string | null = null;
  /** The model for the next messages (`inference_options.model`); null: the server's default. */
  model: string | null = null;
  /**
   * Request metadata of every message sent, Regenerate and widget action (e.g. Agent
   * mode's `{agent: {mode}}`).
   */
  requestMetadata: (() => Record<string, unknown> | undefined) | null = null;
  /** A handler for client tools not named in `clientTools` (e.g. MCP tools' approval). */
  toolFallback: ((name: string) => ClientToolHandler | undefined) | null = null;

  private transport: Transport;
  private clientTools: Record<string, ClientToolHandler>;
  /** Client tool calls answered per turn at most (a runaway guard; Agent mode sets it from the server's step limit). */
  maxToolRounds: number;
  /** True when the creator passed `maxToolRounds`: Agent mode then leaves it as given. */
  readonly toolRoundsGiven: boolean;
  private pageSize: number;
  private listeners = new Set<(e: SessionEvent) => void>();
  private controller: AbortController | null = null;
  private generation = 0;
  private pendingCall: ClientToolCallItem | null = null;
  /** The first request of the latest turn, for Retry. */
  private lastTurn: StreamingReq | null = null;
  /** The latest turn's answer was one error event and nothing else. */
  private onlyAnError = false;
  /** Items of the current turn added but not yet done (what a Stop leaves unfinished). */
  private readonly unfinished = new Set<string>();
  /**
   * Stop was asked before the new thread of the running turn was named: the server is
   * told once `thread.created` arrives (a turn goes on when its request is only aborted).
   */
  private stopOwed: AbortController | null = null;

  constructor(options: ChatSessionOptions) {
    this.transport = options.transport;
    this.clientTools = options.clientTools ?? {};
    this.maxToolRounds = options.maxToolRounds ?? 24;
    this.toolRoundsGiven = options.maxToolRounds !== undefined;
    this.pageSize = options.pageSize ?? 50;
  }

  /** The current thread's id, null before the first message of a new thread. */
  get threadId(): string | null {
    return this.state.thread?.id ?? null;
  }

  /** Listen to session events; returns the unsubscribe function. */
  subscribe(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: SessionEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        console.error("jupyter-chatkit: listener failed", err);
      }
    }
  }

  private changed(): void {
    this.emit({ type: "state" });
  }

  // ------------------------------------------------------------ requests

  /** Send a non-streaming request and parse its JSON answer. */
  async request<T>(req: NonStreamingReq, signal?: AbortSignal): Promise<T> {
    const res = await this.transport.send(req, signal);
    const text = await readText(res.body);
    if (!text.trim()) return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new TransportError("The server sent an answer that is not JSON.", res.status);
    }
  }

  /** Send a user message: creates the thread first when there is none. */
  async send(text: string, extra: SendExtras = {}): Promise<void> {
    const trimmed = text.trim();
    const tags = extra.content?.some((c) => c.type === "input_tag");
    if ((!trimmed && !tags) || this.busy) return;
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
    // An action may answer a message again (message.edit): it carries the same metadata.
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
  }

  /**
   * True while item `id` is being streamed: added by the running turn and not done yet.
   * (A turn that only runs a widget action leaves the answer above it complete.)
   */
  streaming(id: string): boolean {
    return this.busy && this.unfinished.has(id);
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

  /**
   * Stop the running turn: tells the server to stop it (`TURN.STOP`) and stops listening.
   * Only this stops a turn: one whose request is just aborted (a reload, a closed tab,
   * another thread opened) is finished and saved by the server.
   */
  cancel(): void {
    const controller = this.controller;
    if (!controller) return;
    // (A stream's items name their thread too.)
    const threadId = this.threadId ?? this.state.items.at(-1)?.thread_id;
    if (!threadId) {
      // A new thread not named yet (its first event is on its way): stop it once it is,
      // or, should that never come, just stop listening.
      this.stopOwed = controller;
      setTimeout(() => controller.abort(), STOP_OWED_MS);
      return;
    }
    this.requestStop(threadId);
    controller.abort();
  }

  /** Ask the server to stop the turn of `threadId` (nothing happens when none runs). */
  private requestStop(threadId: string): void {
    this.transport
      .send({ type: TURN.STOP, params: { thread_id: threadId } })
      .then((res) => readText(res.body))
      .catch((e) => console.warn("jupyter-chatkit: could not stop the answer", e));
  }

  /** Stop listening to the running turn, which goes on on the server. */
  private detach(): void {
    this.stopOwed = null;
    this.controller?.abort();
  }

  /** Forget the current thread; the next message creates a new one. */
  newThread(): void {
    this.detach();
    this.generation++;
    this.state = emptyState();
    this.pendingText = null;
    this.olderCursor = null;
    this.changed();
  }

  /** Load a thread (its newest items; older ones via {@link loadOlder}). */
  async openThread(threadId: string, follow = true): Promise<void> {
    this.detach();
    const gen = ++this.generation;
    const thread = await this.request<Thread>({ type: "threads.get_by_id", params: { thread_id: threadId } });
    if (gen !== this.generation) return;
    let state = stateFromThread(thread);
    let cursor: string | null = null;
    if (thread.items?.has_more) {
      // get_by_id gives the oldest page; show the newest instead and page backwards.
      const page = await this.request<Page<ThreadItem>>({
        type: "items.list",
        params: { thread_id: threadId, order: "desc", limit: this.pageSize },
      });
      if (gen !== this.generation) return;
      state = { ...state, items: [...page.data].reverse() };
      cursor = page.has_more ? (page.after ?? null) : null;
    }
    this.state = state;
    this.olderCursor = cursor;
    this.pendingText = null;
    this.changed();
    // Its answer is still being written (the page was reloaded mid-answer, or another
    // browser asked): follow it live, then show the thread as saved.
    if (follow && thread.metadata?.answering === true) await this.watch(threadId, gen);
  }

  /** Follow the turn running in `threadId` (`TURN.WATCH`) until it ends; Stop stops it. */
  private async watch(threadId: string, gen: number): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    this.unfinished.clear();
    this.busy = true;
    this.changed();
    let events = 0;
    try {
      const res = await this.transport.send({ type: TURN.WATCH, params: { thread_id: threadId } }, controller.signal);
      const parser = new SSEParser();
      for await (const chunk of iterateBody(res.body)) {
        const messages = parser.push(chunk);
        events += messages.length;
        this.handleData(messages, gen, false);
      }
      this.handleData(parser.end(), gen, false);
    } catch (e) {
      if (!isAbortError(e)) console.warn("jupyter-chatkit: could not follow the answer", e);
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        this.busy = false;
        this.changed();
      }
    }
    // The turn ended: the thread as saved (its title, a stopped answer's mark). Once
    // more only when something was followed (a turn queued after it is followed too).
    if (gen === this.generation && !controller.signal.aborted) await this.openThread(threadId, events > 0);
  }

  /** Load the next older page of items; false when there is none. */
  async loadOlder(): Promise<boolean> {
    const threadId = this.threadId;
    if (!threadId || !this.olderCursor) return false;
    const gen = this.generation;
    const page = await this.request<Page<ThreadItem>>({
      type: "items.list",
      params: { thread_id: threadId, order: "desc", limit: this.pageSize, after: this.olderCursor },
    });
    if (gen !== this.generation) return false;
    this.state = prependItems(this.state, [...page.data].reverse());
    this.olderCursor = page.has_more ? (page.after ?? null) : null;
    this.changed();
    return true;
  }

  /** One page of the thread history, newest first. */
  listThreads(
    after: string | null = null,
    limit = 20,
    metadata?: Record<string, unknown>,
  ): Promise<Page<ThreadMetadata>> {
    return this.request<Page<ThreadMetadata>>({
      type: "threads.list",
      params: { limit, order: "desc", after },
      // e.g. { notebook: path }: only that notebook's threads (jupyter-chatkit's server).
      ...(metadata ? { metadata } : {}),
    });
  }

  /** Rename a thread. */
  async renameThread(threadId: string, title: string): Promise<void> {
    const thread = await this.request<Thread>({
      type: "threads.update",
      params: { thread_id: threadId, title },
    });
    if (this.threadId === threadId && this.state.thread) {
      this.state = { ...this.state, thread: { ...this.state.thread, title: thread.title ?? title } };
      this.changed();
    }
  }

  /** Delete a thread; the current one is forgotten if it is the one deleted. */
  async deleteThread(threadId: string): Promise<void> {
    await this.request({ type: "threads.delete", params: { thread_id: threadId } });
    if (this.threadId === threadId) this.newThread();
  }

  /** 👍 / 👎 on assistant items. */
  async feedback(itemIds: string[], kind: FeedbackKind): Promise<void> {
    const threadId = this.threadId;
    if (!threadId) return;
    await this.request({ type: "items.feedback", params: { thread_id: threadId, item_ids: itemIds, kind } });
  }

  // ------------------------------------------------------------ streaming

  private async runTurn(
    first: StreamingReq,
    opts: { userInitiated: boolean; restoreText?: string },
  ): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    this.lastTurn = first;
    this.unfinished.clear();
    this.stopOwed = null;
    const gen = this.generation;
    const before = new Set(this.state.items.map((i) => i.id));
    this.busy = true;
    this.state = beginTurn(this.state);
    this.changed();

    let req: StreamingReq | null = first;
    let rounds = 0;
    let events = 0;
    this.onlyAnError = false;
    let failed = false;
    let reachedThread = false;
    try {
      while (req && !controller.signal.aborted) {
        this.pendingCall = null;
        const res = await this.transport.send(req, controller.signal);
        const parser = new SSEParser();
        for await (const chunk of iterateBody(res.body)) {
          const messages = parser.push(chunk);
          if (messages.length) reachedThread = true;
          events += messages.length;
          this.handleData(messages, gen, opts.userInitiated);
        }
        const last = parser.end();
        events += last.length;
        this.handleData(last, gen, opts.userInitiated);
        if (rounds === 0) this.onlyAnError = events === 1 && !!this.state.error;
        if (gen !== this.generation || controller.signal.aborted) break;

        const call = this.pendingCall as ClientToolCallItem | null;
        if (!call || this.state.error) break;
        if (++rounds > this.maxToolRounds) {
          this.state = {
            ...this.state,
            error: { type: "error", code: "custom", message: "Stopped: too many tool calls in one answer.", allow_retry: true },
          };
          this.changed();
          break;
        }
        const result = await this.runTool(call, controller.signal);
        if (gen === this.generation && controller.signal.aborted && isStopped(result)) {
          // A step cut short by Stop (a cell interrupted): record its result, which ends
          // the turn on the server without another model call.
          await this.settleStopped(call, result, gen);
        }
        if (gen !== this.generation || controller.signal.aborted) break;
        this.state = completeToolCall(this.state, call.id, result);
        this.changed();
        req = {
          type: "threads.add_client_tool_output",
          params: { thread_id: call.thread_id || (this.threadId as string), result },
        };
      }
    } catch (e) {
      if (!isAbortError(e) && gen === this.generation) {
        failed = true;
        const message = e instanceof Error ? e.message : String(e);
        const userMessageSaved = !opts.restoreText || reachedThread;
        this.state = {
          ...this.state,
          progress: null,
          error: {
            type: "error",
            code: "custom",
            message: message || DEFAULT_ERROR,
            allow_retry: userMessageSaved && lastUserMessageId(this.state) !== null,
          },
        };
        this.emit({
          type: "failure",
          message,
          restoreText: userMessageSaved ? undefined : opts.restoreText,
        });
      }
    } finally {
      // The busy flag belongs to the turn, not to the thread on screen: a turn cut short by
      // opening another thread (or a new one) must still release it, or nothing can be
      // sent again. Its late events were already dropped by the generation check.
      const owner = this.controller === controller;
      if (owner) {
        this.controller = null;
        this.busy = false;
        this.actionItemId = null;
      }
      if (gen !== this.generation) {
        if (owner) this.changed();
      } else {
        this.busy = false;
        this.pendingText = null;
        this.actionItemId = null;
        this.state = { ...this.state, progress: null };
        if (controller.signal.aborted) this.state = settleStopped(this.state, this.unfinished);
        this.changed();
        if (!failed && !controller.signal.aborted && !this.state.error) {
          const text = this.state.items
            .filter((i) => !before.has(i.id) && i.type === "assistant_message")
            .map((i) => messageText(i as Extract<ThreadItem, { type: "assistant_message" }>))
            .join("\n\n");
          if (text && this.threadId) this.emit({ type: "answer", text, threadId: this.threadId });
        }
      }
    }
  }

  /**
   * Apply the events of one received chunk, then tell listeners once. Text deltas of the
   * same content part that follow each other are joined first: one state per chunk, not
   * per word.
   */
  private handleData(messages: readonly { data: string }[], gen: number, userInitiated: boolean): void {
    if (gen !== this.generation || !messages.length) return;
    const events: ThreadStreamEvent[] = [];
    for (const { data } of messages) {
      let event: ThreadStreamEvent;
      try {
        event = JSON.parse(data) as ThreadStreamEvent;
      } catch {
        console.warn("jupyter-chatkit: skipping an event that is not JSON", data.slice(0, 200));
        continue;
      }
      const prev = events[events.length - 1];
      const joined = prev && joinDeltas(prev, event);
      if (joined) events[events.length - 1] = joined;
      else events.push(event);
    }
    for (const event of events) this.applyOne(event, userInitiated);
    if (events.length) this.changed();
  }

  /** Apply one event (exposed for tests and for replaying recorded streams). */
  apply(event: ThreadStreamEvent, userInitiated = false): void {
    this.applyOne(event, userInitiated);
    this.changed();
  }

  private applyOne(event: ThreadStreamEvent, userInitiated: boolean): void {
    this.state = applyEvent(this.state, event);
    if (event.type === "thread.created" && this.stopOwed) {
      // Stop was asked before the thread had its id: now the server can be told.
      const owed = this.stopOwed;
      this.stopOwed = null;
      if (owed === this.controller) {
        this.requestStop(event.thread.id);
        owed.abort();
      }
    }
    if (event.type === "thread.item.added") this.unfinished.add(event.item.id);
    else if (event.type === "thread.item.done" || event.type === "thread.item.replaced") {
      this.unfinished.delete(event.item.id);
    } else if (event.type === "thread.item.removed") this.unfinished.delete(event.item_id);
    if (event.type === "thread.item.done" || event.type === "thread.item.added") {
      if (event.item.type === "user_message") this.pendingText = null;
      if (event.type === "thread.item.done" && event.item.type === "client_tool_call") {
        this.pendingCall = event.item.status === "pending" ? event.item : null;
      }
    }
    if (event.type === "client_effect") {
      this.emit({ type: "effect", name: event.name, data: event.data ?? {}, userInitiated });
    }
  }

  /** Post a stopped step's output (not abortable: it is what Stop leaves behind). */
  private async settleStopped(call: ClientToolCallItem, result: unknown, gen: number): Promise<void> {
    this.state = completeToolCall(this.state, call.id, result);
    try {
      const res = await this.transport.send({
        type: "threads.add_client_tool_output",
        params: { thread_id: call.thread_id || (this.threadId as string), result },
      });
      const parser = new SSEParser();
      for await (const chunk of iterateBody(res.body)) {
        for (const msg of parser.push(chunk)) if (gen === this.generation) this.apply(JSON.parse(msg.data));
      }
    } catch (e) {
      console.warn("jupyter-chatkit: could not record the stopped step", e);
    }
  }

  private async runTool(call: ClientToolCallItem, signal: AbortSignal): Promise<unknown> {
    const handler = this.clientTools[call.name] ?? this.toolFallback?.(call.name);
    if (!handler) return { error: `This front end has no client tool named ${call.name}.` };
    try {
      const result = await handler(call.arguments ?? {}, { signal, item: call });
      return result === undefined ? null : result;
    } catch (e) {
      if (isAbortError(e) && signal.aborted) throw e;
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }
}

/** Two text deltas of the same content part as one, or null when they are not that. */
function joinDeltas(a: ThreadStreamEvent, b: ThreadStreamEvent): ThreadStreamEvent | null {
  if (a.type !== "thread.item.updated" || b.type !== "thread.item.updated" || a.item_id !== b.item_id) return null;
  const x = a.update;
  const y = b.update;
  if (x.type !== "assistant_message.content_part.text_delta" || y.type !== x.type) return null;
  if (x.content_index !== y.content_index) return null;
  return { ...a, update: { ...x, delta: x.delta + y.delta } };
}

/** True for a tool result saying the person stopped the step. */
function isStopped(result: unknown): boolean {
  return !!result && typeof result === "object" && (result as { status?: unknown }).status === "stopped";
}
