/**
 * A session's turns: a streaming request and its client tool round trips, the events it
 * streams applied to the thread state, and Stop. A turn goes on on the server when its
 * request is only aborted (a reload, another thread opened); Stop tells the server
 * (`TURN.STOP`), since an abort no longer says it.
 */

import { TURN } from "../protocol";
import {
  applyEvent,
  beginTurn,
  completeToolCall,
  failureOf,
  lastUserMessageId,
  markStopped,
  messageText,
  settleStopped,
} from "./reducer";
import { owe, released, settled } from "./handedcalls";
import { SessionBase } from "./sessionbase";
import { messageBatches, parseEvents } from "./stream";
import { isAbortError, readText } from "./transport";
import { announceTurn } from "./turnsignal";
import type { ClientToolCallItem, StreamingReq, ThreadItem, ThreadStreamEvent } from "./types";

const DEFAULT_ERROR = "Something went wrong while answering.";
/** How long a Stop asked before a new thread is named waits for its name at most. */
const STOP_OWED_MS = 5000;

/** Running turns on top of {@link SessionBase}. */
export class TurnSession extends SessionBase {
  protected pendingCall: ClientToolCallItem | null = null;
  /** The first request of the latest turn, for Retry. */
  protected lastTurn: StreamingReq | null = null;
  /** The latest turn's answer was one error event and nothing else. */
  protected onlyAnError = false;
  /** Items of the current turn added but not yet done (what a Stop leaves unfinished). */
  protected readonly unfinished = new Set<string>();
  /**
   * Stop was asked before the new thread of the running turn was named: the server is
   * told once `thread.created` arrives (a turn goes on when its request is only aborted).
   */
  private stopOwed: AbortController | null = null;

  /**
   * True while item `id` is being streamed: added by the running turn and not done yet.
   * (A turn that only runs a widget action leaves the answer above it complete.)
   */
  streaming(id: string): boolean {
    return this.busy && this.unfinished.has(id);
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

  /**
   * Stop listening to the running turn, which goes on on the server (another thread
   * opened, the chat closed): reopened, the thread shows it (or follows it live).
   */
  detach(): void {
    this.stopOwed = null;
    this.controller?.abort();
  }

  protected async runTurn(
    first: StreamingReq | null,
    opts: { userInitiated: boolean; restoreText?: string; resume?: ClientToolCallItem },
  ): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    if (first) this.lastTurn = first;
    this.unfinished.clear();
    this.stopOwed = null;
    const gen = this.generation;
    const before = new Set(this.state.items.map((i) => i.id));
    this.busy = true;
    this.state = beginTurn(this.state);
    this.changed();

    let req: StreamingReq | null = first;
    // A call the server still waits for (see resumePendingCall): answered before any send.
    let resume = opts.resume ?? null;
    const resumed = resume;
    let rounds = 0;
    let events = 0;
    this.onlyAnError = false;
    let failed = false;
    let reachedThread = false;
    let announced: string | null = null;
    // The thread whose client tool calls this turn asks of this tab (handedcalls.ts).
    let ownThread: string | null = null;
    const own = (threadId: string): void => {
      if (threadId === ownThread) return;
      ownThread = threadId;
      owe(this.handedCalls, threadId);
    };
    try {
      while ((req || resume) && !controller.signal.aborted) {
        let call: ClientToolCallItem | null = resume;
        resume = null;
        if (!call && req) {
          this.pendingCall = null;
          const res = await this.transport.send(req, controller.signal);
          for await (const messages of messageBatches(res.body)) {
            if (messages.length) reachedThread = true;
            events += messages.length;
            this.handleData(messages, gen, opts.userInitiated);
            // The server runs it now: other chats of the page showing the thread follow it.
            if (!announced && gen === this.generation && this.threadId) {
              announced = this.threadId;
              // A reload from here on leaves its calls to this tab (handedcalls.ts).
              own(announced);
              announceTurn({ threadId: announced, phase: "started", source: this });
            }
          }
          if (rounds === 0) this.onlyAnError = events === 1 && !!this.state.error;
          if (gen !== this.generation || controller.signal.aborted) break;
          call = this.pendingCall as ClientToolCallItem | null;
        }
        if (!call || this.state.error) break;
        if (++rounds > this.maxToolRounds) {
          this.state = {
            ...this.state,
            error: { type: "error", code: "custom", message: "Stopped: too many tool calls in one answer.", allow_retry: true },
          };
          this.changed();
          break;
        }
        // This tab runs it: a reload before its result goes out resumes it here (and only
        // here: handedcalls.ts).
        const owed = call.thread_id || this.threadId;
        if (owed) own(owed);
        const result = await this.runTool(call, controller.signal, call === resumed);
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
      if (
        opts.restoreText !== undefined &&
        this.pendingText !== null &&
        this.state.error &&
        gen === this.generation &&
        !controller.signal.aborted
      ) {
        // Refused before the message was saved (its error came, the message never did: a
        // model off the list, too many new conversations, a message too long): what was
        // typed goes back in the box, as when the request itself failed.
        this.emit({ type: "failure", message: this.state.error.message ?? "", restoreText: opts.restoreText });
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
      // Ended here (answered, stopped, refused): nothing owed. Left for another thread, or
      // cut off by a failed request: its call, asked or to come, stays this tab's.
      if (ownThread) {
        if (failed || gen !== this.generation) released(ownThread);
        else settled(this.handedCalls, ownThread);
      }
      if (announced) {
        const failure = gen === this.generation ? failureOf(this.state) : null;
        announceTurn({ threadId: announced, phase: "ended", source: this, ...(failure ? { failure } : {}) });
      }
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
        if (controller.signal.aborted) this.state = markStopped(settleStopped(this.state, this.unfinished));
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
   * Apply the events of one received chunk, then tell listeners once (text deltas joined
   * first: one state per chunk, not per word).
   */
  protected handleData(messages: readonly { data: string }[], gen: number, userInitiated: boolean): void {
    if (gen !== this.generation || !messages.length) return;
    const events = parseEvents(messages);
    for (const event of events) this.applyOne(event, userInitiated);
    if (events.length) this.changed();
  }

  /** Apply one event (exposed for tests and for replaying recorded streams). */
  apply(event: ThreadStreamEvent, userInitiated = false): void {
    this.applyOne(event, userInitiated);
    this.changed();
  }

  protected applyOne(event: ThreadStreamEvent, userInitiated: boolean): void {
    this.state = applyEvent(this.state, event);
    if (event.type === "thread.created") this.createdThreadId = event.thread.id;
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
  protected async settleStopped(call: ClientToolCallItem, result: unknown, gen: number): Promise<void> {
    this.state = completeToolCall(this.state, call.id, result);
    try {
      const res = await this.transport.send({
        type: "threads.add_client_tool_output",
        params: { thread_id: call.thread_id || (this.threadId as string), result },
      });
      for await (const messages of messageBatches(res.body)) {
        for (const msg of messages) if (gen === this.generation) this.apply(JSON.parse(msg.data));
      }
    } catch (e) {
      console.warn("jupyter-chatkit: could not record the stopped step", e);
    }
  }

  /**
   * Answer the client tool call a thread ends with when no turn runs: the page that was
   * to run it went away (a reload, a closed tab) after the server asked, so the server
   * still waits for its result. Run here, it carries the answer on (an Agent step shows
   * its approval again, as asked).
   */
  protected async resumePendingCall(call: ClientToolCallItem): Promise<void> {
    await this.runTurn(null, { userInitiated: false, resume: call });
  }

  protected async runTool(call: ClientToolCallItem, signal: AbortSignal, resumed = false): Promise<unknown> {
    const handler = this.clientTools[call.name] ?? this.toolFallback?.(call.name);
    if (!handler) return { error: `This front end has no client tool named ${call.name}.` };
    try {
      const result = await handler(call.arguments ?? {}, { signal, item: call, ...(resumed ? { resumed } : {}) });
      return result === undefined ? null : result;
    } catch (e) {
      if (isAbortError(e) && signal.aborted) throw e;
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }
}

/** True for a tool result saying the person stopped the step. */
function isStopped(result: unknown): boolean {
  return !!result && typeof result === "object" && (result as { status?: unknown }).status === "stopped";
}
