/** Shared test helpers: recorded fixtures and a scripted transport. */
import createSse from "./fixtures/create.sse";
import customActionSse from "./fixtures/custom_action.sse";
import errorSse from "./fixtures/error.sse";
import hostileSse from "./fixtures/hostile.sse";
import removeSse from "./fixtures/remove.sse";
import toolOutputSse from "./fixtures/tool_output.sse";
import itemsPage from "./fixtures/items_page.json";
import threadJson from "./fixtures/thread.json";
import threadAfterTool from "./fixtures/thread_after_tool.json";
import threadsJson from "./fixtures/threads.json";
import type { Transport, TransportResponse } from "../src/client/transport";
import { isStreamingReq } from "../src/client/types";

/** Recorded bytes of the real chatkit server (see fixtures/record.py). */
export const fixtures = {
  create: createSse,
  toolOutput: toolOutputSse,
  customAction: customActionSse,
  error: errorSse,
  hostile: hostileSse,
  remove: removeSse,
  thread: threadJson,
  threadAfterTool,
  itemsPage,
  threads: threadsJson,
};

const encoder = new TextEncoder();

/** Split bytes at the given offsets. */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** Split bytes into pieces of `size`. */
export function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** A small deterministic PRNG (tests must not flake). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** What a scripted transport answers: SSE text, a JSON value, or a thrown error. */
export type Answer =
  | { sse: string; chunk?: number }
  | { json: unknown }
  | { error: Error }
  | { status: number; json: unknown };

/** The answer to a request its script does not name: a step may begin (`turn.step_started`). */
function unscripted(type: string): Answer | undefined {
  return type === "turn.step_started" ? { json: { started: true } } : undefined;
}

/**
 * A transport answering from a script keyed by request type (queues of answers);
 * records every request body it got. A script naming no `turn.step_started` answers
 * it as a server does when the step may begin.
 */
export function scriptedTransport(script: Record<string, Answer[]>): Transport & { sent: any[] } {
  const sent: any[] = [];
  return {
    sent,
    async send(body: object, signal?: AbortSignal): Promise<TransportResponse> {
      sent.push(JSON.parse(JSON.stringify(body)));
      const type = (body as { type: string }).type;
      const queue = script[type];
      const answer = queue?.shift() ?? unscripted(type);
      if (!answer) throw new Error(`no scripted answer for ${type}`);
      if ("error" in answer) throw answer.error;
      if ("sse" in answer) {
        const pieces = chunked(bytes(answer.sse), answer.chunk ?? 64);
        return {
          status: 200,
          contentType: "text/event-stream",
          body: (async function* () {
            for (const p of pieces) {
              if (signal?.aborted) throw Object.assign(new Error("Aborted"), { name: "AbortError" });
              await Promise.resolve();
              yield p;
            }
          })(),
        };
      }
      if (!isStreamingReq(body as { type: string }) && "json" in answer) {
        const status = "status" in answer ? Number(answer.status) : 200;
        return {
          status,
          contentType: "application/json",
          body: (async function* () {
            yield bytes(JSON.stringify(answer.json));
          })(),
        };
      }
      throw new Error("bad script");
    },
  };
}
