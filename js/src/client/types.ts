/**
 * ChatKit protocol types. The wire types are generated from `chatkit.types` of
 * openai-chatkit (the source of truth) into chatkit.generated.ts; widgets are
 * widget-types.ts. Here: what we add to them. Wire shapes only: no I/O here.
 */

import type { ActionStrAny, StreamingReq, ThreadMetadata as WireThreadMetadata } from "./chatkit.generated";
import { TURN } from "../protocol";

export * from "./chatkit.generated";
export * from "./widget-types";

/** Paginated collection of records returned from the API. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  after?: string | null;
}

export type FeedbackKind = "positive" | "negative";

/** The action sent back to the server in `threads.custom_action`. */
export type Action = ActionStrAny;

/** A thread in a listing; jupyter-chatkit's `threads.list` adds its notebook. */
export type ThreadMetadata = WireThreadMetadata & { notebook?: string | null };

const STREAMING_TYPES: ReadonlySet<string> = new Set([
  "threads.create",
  "threads.add_user_message",
  "threads.add_client_tool_output",
  "threads.add_structured_input",
  "threads.retry_after_item",
  "threads.custom_action",
  // jupyter-chatkit's own: following a running turn (see protocol.py's Turn).
  TURN.WATCH,
]);

/** True for the request types the server answers with an event stream. */
export function isStreamingReq(req: { type: string }): req is StreamingReq {
  return STREAMING_TYPES.has(req.type);
}
