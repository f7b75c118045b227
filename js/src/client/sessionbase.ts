/**
 * What every part of a {@link ChatSession} stands on: the thread state and its flags,
 * listeners, and plain requests. The session is built in layers, one concept each:
 * this base, turns (turns.ts), opening threads (threadnav.ts), and the session itself
 * (session.ts: sending, retrying, catching up).
 */

import { type HandedStore, tabStore } from "./handedcalls";
import { emptyState, type ThreadState } from "./reducer";
import { readText, type Transport, TransportError } from "./transport";
import type { ClientToolCallItem, NonStreamingReq } from "./types";

/** Runs one client tool where the notebook is; its return value goes to the model. */
export type ClientToolHandler = (
  args: Record<string, unknown>,
  context: {
    signal: AbortSignal;
    item: ClientToolCallItem;
    /**
     * The call was asked of another page (reloaded or closed before it sent the result)
     * and is answered here: it may have been carried out there already.
     */
    resumed?: boolean;
  },
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

/** Options of a {@link ChatSession}. */
export interface ChatSessionOptions {
  transport: Transport;
  clientTools?: Record<string, ClientToolHandler>;
  /** Stop answering client tool calls after this many in one turn (a runaway guard). */
  maxToolRounds?: number;
  /** Items per `items.list` page when loading history. */
  pageSize?: number;
  /**
   * Where the tab keeps the client tool calls it was handed (handedcalls.ts): its
   * sessionStorage by default; null keeps none (a pending call is then never resumed).
   */
  handedCalls?: HandedStore | null;
}

/** The state and plumbing every layer of a session shares. */
export class SessionBase {
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
  /**
   * The id of the last thread this session saw created (`thread.created`: by its own turn,
   * or by one it was shown, e.g. the kernel's `%%chat` in a `%chat` widget), unlike one
   * opened: a created thread keeps the switches the person set before it existed.
   */
  createdThreadId: string | null = null;
  /** The model for the next messages (`inference_options.model`); null: the server's default. */
  model: string | null = null;
  /**
   * Request metadata of every message sent, Regenerate and widget action (e.g. Agent
   * mode's `{agent: {mode}}`).
   */
  requestMetadata: (() => Record<string, unknown> | undefined) | null = null;
  /** A handler for client tools not named in `clientTools` (e.g. MCP tools' approval). */
  toolFallback: ((name: string) => ClientToolHandler | undefined) | null = null;

  protected transport: Transport;
  protected clientTools: Record<string, ClientToolHandler>;
  /** Client tool calls answered per turn at most (a runaway guard; Agent mode sets it from the server's step limit). */
  maxToolRounds: number;
  /** True when the creator passed `maxToolRounds`: Agent mode then leaves it as given. */
  readonly toolRoundsGiven: boolean;
  protected pageSize: number;
  /** The tab's record of the client tool calls it was handed (handedcalls.ts). */
  protected handedCalls: HandedStore | null;
  private listeners = new Set<(e: SessionEvent) => void>();
  /** Aborts the request being read (a turn's, or a followed one's); null when none is. */
  protected controller: AbortController | null = null;
  /** Counts the threads shown: what arrives for an earlier one is dropped. */
  protected generation = 0;

  constructor(options: ChatSessionOptions) {
    this.transport = options.transport;
    this.clientTools = options.clientTools ?? {};
    this.maxToolRounds = options.maxToolRounds ?? 24;
    this.toolRoundsGiven = options.maxToolRounds !== undefined;
    this.pageSize = options.pageSize ?? 50;
    this.handedCalls = options.handedCalls === undefined ? tabStore() : options.handedCalls;
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

  protected emit(e: SessionEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        console.error("jupyter-chatkit: listener failed", err);
      }
    }
  }

  protected changed(): void {
    this.emit({ type: "state" });
  }

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
}
