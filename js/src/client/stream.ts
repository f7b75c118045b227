/**
 * Reading a ChatKit event stream: its SSE messages chunk by chunk, parsed into events,
 * with the text deltas of one content part that came together joined (one state per
 * chunk, not per word). No session state here.
 */

import { SSEParser } from "./sse";
import { iterateBody, type TransportResponse } from "./transport";
import type { ThreadStreamEvent } from "./types";

/** The SSE messages of a streamed answer, one batch per received chunk (the last one at the end). */
export async function* messageBatches(body: TransportResponse["body"]): AsyncGenerator<readonly { data: string }[]> {
  const parser = new SSEParser();
  for await (const chunk of iterateBody(body)) yield parser.push(chunk);
  yield parser.end();
}

/** The events of one batch of messages; text deltas that follow each other are joined. */
export function parseEvents(messages: readonly { data: string }[]): ThreadStreamEvent[] {
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
  return events;
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
