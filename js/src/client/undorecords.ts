/**
 * Agent mode's undo records, without DOM: what an applied insert or edit keeps with its
 * stored output (`STEP_UNDO_KEY`, which the model never reads), which stored steps "Undo
 * agent changes" can still revert, and what an Undo that could not be recorded says.
 * StepApprovals (approvals.ts) carries out the Undo.
 */

import { MAX_UNDO_SOURCE_CHARS, STEP_STATUS, STEP_UNDO_KEY, STEP_UNDONE_KEY } from "../protocol";
import type { StepUndo, UndoReport, UndoStep, UndoWithheld } from "./approvals";
import type { ThreadItem } from "./types";

/**
 * `result` with the step's undo record. An edit's old source too long to keep is left
 * out, and the record says so (the card tells why that edit cannot be undone).
 */
export function withUndo(result: Record<string, unknown>, undo: StepUndo | undefined): Record<string, unknown> {
  if (!undo || typeof undo.cell_id !== "string" || !undo.cell_id) return result;
  if (undo.before !== undefined && undo.before.length > MAX_UNDO_SOURCE_CHARS) {
    return { ...result, [STEP_UNDO_KEY]: { cell_id: undo.cell_id, withheld: "too_long" } };
  }
  return { ...result, [STEP_UNDO_KEY]: undo };
}

/** Why a stored edit cannot be undone (its record keeps no old source), or null. */
export function undoWithheld(output: unknown): UndoWithheld | null {
  const undo = output && typeof output === "object" ? (output as Record<string, unknown>)[STEP_UNDO_KEY] : undefined;
  const why = undo && typeof undo === "object" ? (undo as Record<string, unknown>).withheld : undefined;
  return why === "secret" || why === "too_long" || why === "changed" ? why : null;
}

/** The record of a stored step that Undo can still revert, or null. */
export function undoRecord(item: ThreadItem): UndoStep | null {
  if (item.type !== "client_tool_call" || item.status !== "completed") return null;
  if (item.name !== "insert_cell" && item.name !== "edit_cell") return null;
  const output = item.output as Record<string, unknown> | null | undefined;
  if (!output || typeof output !== "object" || output.status !== STEP_STATUS.APPLIED) return null;
  if (output[STEP_UNDONE_KEY] === true) return null;
  const undo = output[STEP_UNDO_KEY] as Partial<StepUndo> | undefined;
  if (!undo || typeof undo !== "object" || typeof undo.cell_id !== "string") return null;
  // Withheld: its old source was not kept, or an Undo already left it alone.
  if (undo.withheld !== undefined) return null;
  if (item.name === "edit_cell" && typeof undo.before !== "string") return null;
  return {
    name: item.name,
    args: item.arguments ?? {},
    undo: { cell_id: undo.cell_id, ...(typeof undo.before === "string" ? { before: undo.before } : {}) },
    ...(typeof output.notebook === "string" ? { notebook: output.notebook } : {}),
    ...(Number.isInteger(output.index) && (output.index as number) >= 0 ? { index: output.index as number } : {}),
  };
}

/**
 * The steps "Undo agent changes" would revert: the applied, not yet undone inserts and
 * edits of the thread's last answer (after its last user message), oldest first.
 */
export function undoableSteps(items: readonly ThreadItem[]): { item: ThreadItem; step: UndoStep }[] {
  let start = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    if (items[i].type === "user_message") {
      start = i + 1;
      break;
    }
  }
  const out: { item: ThreadItem; step: UndoStep }[] = [];
  for (const item of items.slice(start)) {
    const step = undoRecord(item);
    if (step) out.push({ item, step });
  }
  return out;
}

/** What the model is told of a run whose cell's last agent edit was lost (see {@link lostEdit}). */
export const LOST_EDIT_NOTE =
  "Your earlier edit of this cell was no longer in the notebook (the page was reloaded before the notebook was " +
  "saved, or the cell was changed back): the user approved running the cell's current source, not your edit.";

/**
 * The agent's last edit of the cell `shown` names, when that edit is no longer in the
 * notebook (`gone`: the cell holds its source from before the edit again), else null.
 * An edit undone, kept or without its old source (nothing to tell gone from changed) is
 * never lost; one changed since is the person's work, not lost.
 */
export function lostEdit(
  host: { presence?(step: UndoStep): string },
  items: readonly ThreadItem[],
  shown: { cellId?: string } | undefined,
): UndoStep | null {
  const cellId = shown?.cellId;
  if (!cellId || !host.presence) return null;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item.type !== "client_tool_call" || item.name !== "edit_cell" || item.status !== "completed") continue;
    const output = item.output as Record<string, unknown> | null | undefined;
    const undo = output?.[STEP_UNDO_KEY] as Partial<StepUndo> | undefined;
    if (output?.status !== STEP_STATUS.APPLIED || undo?.cell_id !== cellId) continue;
    // The cell's last agent edit decides.
    const step = undoRecord(item);
    return step && host.presence(step) === "gone" ? step : null;
  }
  return null;
}

/** The readable message of an Undo that could not be recorded (see UndoReport.failed): one sentence. */
export function undoFailedText(reason: string, notRestored: number, stopped = false): string {
  const except = notRestored === 0 ? "" : `, except ${notRestored} whose cell changed meanwhile`;
  const lead = stopped ? "Undo stopped" : "Undo could not be saved in the conversation";
  return `${lead}: ${reason}, so the agent's changes are back in the notebook as they were${except}, and Undo is offered again.`;
}

/**
 * What an Undo did, as the person reads it: one plain sentence per outcome (the changes
 * reverted, those no longer in the notebook, the cells left alone, those in a notebook
 * not open here), or that there was nothing to undo. Not for a failed Undo (its error
 * says it: {@link undoFailedText}).
 */
export function undoReportText(report: UndoReport): string {
  const { undone, changed, gone, unavailable } = report;
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  const sentences: string[] = [];
  if (undone) sentences.push(`Reverted ${count(undone, "change", "changes")} of the agent.`);
  if (gone) {
    const were = gone === 1 ? "change of the agent was" : "changes of the agent were";
    sentences.push(`${gone} ${were} no longer in the notebook, so there was nothing to revert.`);
  }
  if (changed) {
    const left = changed === 1 ? "cell changed since was left as it is" : "cells changed since were left as they are";
    sentences.push(`${changed} ${left}.`);
  }
  if (unavailable) {
    // Named: the person may have renamed it since, or has another one open.
    const where = report.elsewhere?.length ? ` (${report.elsewhere.join(", ")})` : "";
    const them = unavailable === 1 ? "it" : "them";
    sentences.push(`${count(unavailable, "change is", "changes are")} in a notebook not open here${where}: open it to undo ${them}.`);
  }
  return sentences.length ? sentences.join(" ") : "Nothing to undo.";
}
