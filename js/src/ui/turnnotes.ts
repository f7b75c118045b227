/**
 * The history's notes: under a message a later one followed with no answer between, why
 * its turn ended so (the failure the server kept, or this view saw), without Retry.
 */

import { isStopped, type ThreadState } from "../client/reducer";
import type { ErrorEvent, ThreadItem } from "../client/types";
import { h, icon } from "./dom";

/** Items never shown (a message they stand between is still followed by the next). */
const UNSEEN = new Set(["hidden_context_item", "sdk_hidden_context", "end_of_turn"]);

/**
 * The items of `state` a later message followed where their turn ended unanswered, each
 * with why (null: unknown, as in threads saved before reasons were kept): a message that
 * another message follows with nothing between, and an item a failure was kept after.
 */
export function turnNotes(state: ThreadState): Map<string, ErrorEvent | null> {
  const notes = new Map<string, ErrorEvent | null>();
  let prev: ThreadItem | null = null;
  for (const item of state.items) {
    if (UNSEEN.has(item.type)) continue;
    if (item.type === "user_message" && prev) {
      const why = state.earlier[prev.id] ?? null;
      if (prev.type === "user_message" || why) notes.set(prev.id, why);
    }
    prev = item;
  }
  return notes;
}

/** The note under an item whose turn ended unanswered: why, without Retry (history). */
export function noteFor(why: ErrorEvent | null): HTMLElement {
  const note = h("div", { class: "jck-turn-note", role: "note" });
  if (why && isStopped(why)) {
    note.classList.add("jck-stopped");
    note.append("Stopped before an answer.");
  } else if (why) {
    note.append(icon("warning"), h("span", null, `No answer: ${why.message || "something went wrong."}`));
  } else {
    note.append("No answer (it failed or was stopped).");
  }
  return note;
}
