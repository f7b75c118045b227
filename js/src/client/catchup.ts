/**
 * Catching up with a conversation that moved on elsewhere: another browser, tab or view
 * of the same thread added a turn that this view never saw. Its own next answer then
 * streamed in after the turn it missed, and the model read that turn while the screen
 * left it out (until a reload).
 */

import { HIDDEN } from "./reducer";
import type { ThreadItem } from "./types";

/** Newest items to ask for: this turn's own, and a few more to find what came before. */
export function catchUpLimit(ours: ReadonlySet<string>): number {
  return ours.size + 4;
}

/**
 * Whether the thread holds items this view missed: in `newestFirst` (the thread's newest
 * page), the first item that is not one of this turn's own (`ours`) should be the last
 * one the view knew before the turn (`lastKnown`). False when the page does not reach
 * past this turn's items (it cannot tell) or the view knew no item.
 */
export function missedItems(
  newestFirst: readonly ThreadItem[],
  ours: ReadonlySet<string>,
  lastKnown: string | null,
): boolean {
  if (!lastKnown) return false;
  for (const item of newestFirst) {
    if (HIDDEN.has(item.type) || ours.has(item.id)) continue;
    return item.id !== lastKnown;
  }
  return false;
}
