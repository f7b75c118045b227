/**
 * An edit's line diff, and what the model reads of an agent's applied edit: the diff of
 * the cell's old and new source, or, for a cell kept out (privatecells.ts), no line of
 * its old source (the model wrote the new one; the old one is the person's to keep).
 */

import type { ICellModel } from "@jupyterlab/cells";
import { diffLines } from "diff";
import { isPrivate, KEPT_OUT_NOTE } from "./privatecells";

/** A line diff of `before` → `after`: `-` removed, `+` added, ` ` kept. */
export function diffRows(before: string, after: string): { kind: "add" | "del" | "same"; text: string }[] {
  const rows: { kind: "add" | "del" | "same"; text: string }[] = [];
  for (const part of diffLines(before, after)) {
    const kind = part.added ? "add" : part.removed ? "del" : "same";
    for (const line of part.value.replace(/\n$/, "").split("\n")) rows.push({ kind, text: line });
  }
  return rows;
}

/** The changed lines of an edit, marked `-` / `+` (what the step card and the model see). */
export function diffText(before: string, after: string): string {
  const marks = { add: "+ ", del: "- ", same: "  " } as const;
  return diffRows(before, after)
    .map((row) => marks[row.kind] + row.text)
    .join("\n");
}

/** What an applied edit of `model` tells the model: its diff (at most `max` characters),
 * or for a kept-out cell only that it was kept out. */
export function editSeen(
  model: Pick<ICellModel, "getMetadata">,
  before: string,
  after: string,
  max: number,
): { diff: string } | { kept_out: string } {
  if (isPrivate(model)) return { kept_out: KEPT_OUT_NOTE };
  return { diff: diffText(before, after).slice(0, max) };
}
