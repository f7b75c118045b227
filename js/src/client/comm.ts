/**
 * ChatKit over an anywidget comm, for when the Jupyter server extension is not
 * reachable from the page (the kernel then runs its in-process ChatKit server).
 *
 * Message contract (anywidget custom messages, JSON content, no buffers; the type
 * names are COMM in protocol.ts, declared in Python):
 *
 *   front end -> kernel
 *     {type: "chatkit.request", id: string, body: object}
 *         body is the ChatKit request object (what would be POSTed as JSON).
 *     {type: "chatkit.cancel", id: string}
 *         stop listening to the request `id`: the kernel sends nothing more for it, and
 *         a turn it runs goes on to its end and is saved (as over HTTP; a reload or
 *         another conversation opened must not lose the answer). Stop is a request of
 *         its own (`TURN.STOP`, see turns.ts).
 *     {type: "chat.config", id: string}
 *         what answers this chat: see {@link kernelConfig}.
 *
 *   kernel -> front end
 *     {type: "chatkit.chunk", id: string, data: string}
 *         the next piece of the response body as text (UTF-8 decoded). For streaming
 *         requests these are the SSE bytes ("data: {...}\n\n"), split anywhere;
 *         for the others, the JSON document (one or more chunks).
 *     {type: "chatkit.end", id: string, status: number, contentType: string}
 *         the body is complete. status is HTTP-like (200 ok; >= 400 error, in which
 *         case the chunks held a JSON `{"message": ...}` body).
 *     {type: "chatkit.error", id: string, message: string}
 *         the request failed; message is shown to the person.
 *     {type: "chat.config", id: string, offline: boolean}
 *         whether the built-in offline model answers (nothing else of the settings).
 *
 * Every request gets exactly one `chatkit.end` or `chatkit.error` unless cancelled.
 * Messages for unknown ids are ignored (e.g. after a cancel).
 */

import { COMM } from "../protocol";
import { isStreamingReq } from "./types";
import {
  abortError,
  errorMessage,
  type Transport,
  TransportError,
  type TransportResponse,
} from "./transport";

/** The slice of an anywidget model the comm transport needs. */
export interface CommModel {
  send(content: unknown, callbacks?: unknown, buffers?: ArrayBuffer[] | ArrayBufferView[]): void;
  on(eventName: "msg:custom", callback: (msg: unknown, buffers: DataView[]) => void): void;
  off(eventName?: string | null, callback?: ((...args: never[]) => void) | null): void;
}

/** Options of {@link commTransport}. */
export interface CommTransportOptions {
  /** Reject when nothing at all has arrived for a request after this long; 0 = never. */
  firstMessageTimeoutMs?: number;
}

/** A transport that can also stop listening. */
export interface DisposableTransport extends Transport {
  dispose(): void;
}

interface Channel {
  chunks: string[];
  ended: boolean;
  status: number;
  contentType: string;
  error: Error | null;
  wake: (() => void) | null;
  started: boolean;
  onFirst: (() => void) | null;
}

type Incoming =
  | { type: typeof COMM.CHUNK; id: string; data: string }
  | { type: typeof COMM.END; id: string; status?: number; contentType?: string }
  | { type: typeof COMM.ERROR; id: string; message?: string };

let counter = 0;

/** ChatKit requests as anywidget custom messages; see the contract above. */
export function commTransport(model: CommModel, options: CommTransportOptions = {}): DisposableTransport {
  const channels = new Map<string, Channel>();
  const prefix = Math.random().toString(36).slice(2, 8);

  const listener = (raw: unknown): void => {
    const msg = raw as Incoming;
    if (!msg || typeof msg !== "object" || typeof msg.id !== "string") return;
    const ch = channels.get(msg.id);
    if (!ch) return;
    switch (msg.type) {
      case COMM.CHUNK:
        if (typeof msg.data === "string" && msg.data) ch.chunks.push(msg.data);
        break;
      case COMM.END:
        ch.ended = true;
        ch.status = typeof msg.status === "number" ? msg.status : 200;
        ch.contentType = typeof msg.contentType === "string" ? msg.contentType : "";
        break;
      case COMM.ERROR:
        ch.ended = true;
        ch.error = new TransportError(msg.message || "The kernel could not answer the request.");
        break;
      default:
        return;
    }
    ch.started = true;
    ch.onFirst?.();
    ch.wake?.();
  };
  model.on("msg:custom", listener);

  async function* body(id: string, ch: Channel, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const encoder = new TextEncoder();
    try {
      for (;;) {
        if (signal?.aborted) throw abortError();
        if (ch.chunks.length) {
          const text = ch.chunks.join("");
          ch.chunks = [];
          yield encoder.encode(text);
          continue;
        }
        if (ch.error) throw ch.error;
        if (ch.ended) {
          if (ch.status >= 400) throw new TransportError(`The kernel answered ${ch.status}.`, ch.status);
          return;
        }
        await new Promise<void>((resolve) => {
          ch.wake = resolve;
        });
        ch.wake = null;
      }
    } finally {
      channels.delete(id);
    }
  }

  return {
    send(request: object, signal?: AbortSignal): Promise<TransportResponse> {
      if (signal?.aborted) return Promise.reject(abortError());
      const id = `${prefix}-${++counter}`;
      const streaming = isStreamingReq(request as { type: string });
      const ch: Channel = {
        chunks: [],
        ended: false,
        status: 0,
        contentType: "",
        error: null,
        wake: null,
        started: false,
        onFirst: null,
      };
      channels.set(id, ch);

      return new Promise<TransportResponse>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const cleanup = (): void => {
          if (timer !== undefined) clearTimeout(timer);
          ch.onFirst = null;
        };
        const onAbort = (): void => {
          if (!channels.has(id)) return;
          channels.delete(id);
          cleanup();
          try {
            model.send({ type: COMM.CANCEL, id });
          } catch {
            // the comm may be closed already
          }
          ch.error = abortError();
          ch.wake?.();
          reject(abortError());
        };
        signal?.addEventListener("abort", onAbort, { once: true });

        const settle = (): void => {
          // Streaming answers start as soon as anything arrives; the others once complete.
          if (ch.error) {
            cleanup();
            channels.delete(id);
            reject(ch.error);
            return;
          }
          if (!ch.ended && !(streaming && ch.chunks.length)) return;
          cleanup();
          if (ch.ended && ch.status >= 400) {
            channels.delete(id);
            reject(new TransportError(errorMessage(ch.status, ch.chunks.join("")), ch.status));
            return;
          }
          resolve({
            status: ch.ended ? ch.status : 200,
            contentType: ch.contentType || (streaming ? "text/event-stream" : "application/json"),
            body: body(id, ch, signal),
          });
        };
        ch.onFirst = settle;

        const ms = options.firstMessageTimeoutMs ?? 0;
        if (ms > 0) {
          timer = setTimeout(() => {
            if (ch.started || !channels.has(id)) return;
            channels.delete(id);
            try {
              model.send({ type: COMM.CANCEL, id });
            } catch {
              // ignore
            }
            reject(new TransportError("The kernel did not answer (is it busy or stopped?)."));
          }, ms);
        }

        try {
          model.send({ type: COMM.REQUEST, id, body: request });
        } catch (e) {
          cleanup();
          channels.delete(id);
          reject(new TransportError(`Could not reach the kernel (${(e as Error)?.message ?? e}).`));
        }
      });
    },
    dispose(): void {
      model.off("msg:custom", listener as never);
      for (const ch of channels.values()) {
        ch.error = new TransportError("The chat was closed.");
        ch.wake?.();
      }
      channels.clear();
    },
  };
}

/** What the kernel says of the model answering its chat (`COMM.CONFIG`): names only. */
export interface KernelConfig {
  /** The built-in offline model answers. */
  offline: boolean;
  /** The model's name ("" when the kernel cannot tell, or an older kernel). */
  model: string;
}

/**
 * What the kernel says of the model answering its chat (`COMM.CONFIG`), as
 * `GET jupyter-chatkit/config` says it for a chat that reaches the server: whether the
 * built-in offline model answers, and the model's name (the header shows it). Not
 * offline and no name when the comm is closed; the answer waits while a cell runs
 * (messages queue behind it).
 */
export function kernelConfig(model: CommModel): Promise<KernelConfig> {
  const id = `config-${Math.random().toString(36).slice(2, 8)}-${++counter}`;
  return new Promise<KernelConfig>((resolve) => {
    const listener = (raw: unknown): void => {
      const msg = raw as { type?: unknown; id?: unknown; offline?: unknown; model?: unknown } | null;
      if (msg?.type !== COMM.CONFIG || msg.id !== id) return;
      model.off("msg:custom", listener as never);
      resolve({ offline: msg.offline === true, model: typeof msg.model === "string" ? msg.model : "" });
    };
    model.on("msg:custom", listener);
    try {
      model.send({ type: COMM.CONFIG, id });
    } catch {
      model.off("msg:custom", listener as never);
      resolve({ offline: false, model: "" });
    }
  });
}
