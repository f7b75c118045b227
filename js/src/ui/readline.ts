/**
 * "What was read", under each answer: one compact line such as
 * "Read: df · cells 3–6 · last error · 2 values hidden", built from the turn's client
 * tool calls and the tags (chips, mentions) of the message it answers. Tool results and
 * tag contents carry `redacted: N` (the context policy's count), summed as "hidden"; that
 * count is a button showing where each value was hidden and why (hiddenlist.ts).
 * Cell references are buttons: the host scrolls the notebook to that cell.
 */

import type { ThreadItem, UserMessageItem } from "../client/types";
import { AGENT_TOOLS, READ_CELLS } from "../protocol";
import { toolLabel, toolSpec } from "../toolspec";
import { revealIn } from "./bidi";
import { h } from "./dom";
import { type HiddenPlace, hiddenList, hiddenPlaces } from "./hiddenlist";
import { toolError } from "./items";

const AGENT_STEPS = new Set<string>(AGENT_TOOLS.map((t) => t.name));

/** One thing read: a label, and the 0-based cells it covers (for scrolling). */
export interface ReadEntry {
  label: string;
  cells?: number[];
}

/** What one turn read. */
export interface ReadSummary {
  entries: ReadEntry[];
  hidden: number;
  /** Where values were hidden and why, as far as the results' markers say. */
  places: HiddenPlace[];
}

/** Ids of the hidden lists (their button controls them). */
let lists = 0;

const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function parseOutput(output: unknown): Record<string, unknown> {
  if (typeof output === "string") {
    try {
      return record(JSON.parse(output));
    } catch {
      return {};
    }
  }
  return record(output);
}

/**
 * "cell 3", "cells 3–6" or "cells 1, 3, 5–11" (1-based, as people count) for 0-based
 * indices: each run of neighbours is one range (a kept-out cell splits a run).
 */
export function cellsLabel(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  if (!sorted.length) return "cells";
  if (sorted.length === 1) return `cell ${sorted[0] + 1}`;
  const runs: [number, number][] = [];
  for (const n of sorted) {
    const run = runs[runs.length - 1];
    if (run && n === run[1] + 1) run[1] = n;
    else runs.push([n, n]);
  }
  return `cells ${runs.map(([a, b]) => (a === b ? `${a + 1}` : `${a + 1}–${b + 1}`)).join(", ")}`;
}

function cellIndices(result: Record<string, unknown>): number[] {
  const out: number[] = [];
  const cells = Array.isArray(result.cells) ? result.cells : [];
  for (const c of [...cells, result.cell]) {
    const { index, kept_out } = record(c);
    // A cell the person kept out (chatkit-private) was named, not read.
    if (typeof index === "number" && Number.isInteger(index) && kept_out === undefined) out.push(index);
  }
  return out;
}

/** The cells a tool result marks kept out (chatkit-private): named to the model, not read. */
function keptOutIndices(result: Record<string, unknown>): number[] {
  const cells = Array.isArray(result.cells) ? result.cells : [];
  return [...cells, result.cell]
    .map(record)
    .filter((c) => c.kept_out !== undefined && typeof c.index === "number" && Number.isInteger(c.index))
    .map((c) => c.index as number);
}

function hiddenIn(result: Record<string, unknown>): number {
  const n = result.redacted;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : 0;
}

/** What the turn answering `message` read: its tags and the tool calls up to the next message. */
export function summarizeTurn(message: UserMessageItem | null, turn: readonly ThreadItem[]): ReadSummary {
  const entries: ReadEntry[] = [];
  const places: HiddenPlace[] = [];
  let hidden = 0;
  const add = (entry: ReadEntry): void => {
    if (!entries.some((e) => e.label === entry.label)) entries.push(entry);
  };
  for (const part of message?.content ?? []) {
    if (part.type !== "input_tag") continue;
    const data = record(part.data);
    const content = record(data.content);
    hidden += hiddenIn(content);
    if (hiddenIn(content)) places.push(...hiddenPlaces(content, part.text));
    const cell = typeof data.cell === "number" ? data.cell : undefined;
    if (data.kind === "error") add({ label: `error in ${part.text}`, cells: cell === undefined ? [] : [cell] });
    else add({ label: part.text, cells: cell === undefined ? undefined : [cell] });
  }
  const cells: number[] = [];
  const keptOut: number[] = [];
  for (const item of turn) {
    if (item.type !== "client_tool_call" || item.status !== "completed") continue;
    const result = parseOutput(item.output);
    // A tool that failed read nothing (its step shows the failure).
    if (toolError(result) !== null) continue;
    hidden += hiddenIn(result);
    const args = record(item.arguments);
    const spec = toolSpec(item.name);
    if (hiddenIn(result)) {
      const where = spec?.read_label ? toolLabel(spec, spec.read_label, args) : item.name;
      places.push(...hiddenPlaces(result, where, typeof result.note === "string" ? result.note : undefined));
    }
    // Agent mode's steps show as cards; what a run read is its cell.
    if (AGENT_STEPS.has(item.name)) cells.push(...(item.name === "run_cell" ? cellIndices(result) : []));
    else if (spec?.read_label === READ_CELLS) {
      cells.push(...cellIndices(result));
      keptOut.push(...keptOutIndices(result));
    } else add({ label: spec?.read_label ? toolLabel(spec, spec.read_label, args) : item.name });
  }
  // Cells a tag of the message already names (the error's chip, a cell chip) are said
  // once: "error in cell 2 · cell 2" read as two things.
  const named = new Set(entries.flatMap((e) => e.cells ?? []));
  if (cells.length && !cells.every((c) => named.has(c))) add({ label: cellsLabel(cells), cells });
  // Said, so the person sees their choice held (the model read only that these were kept out).
  if (keptOut.length)
    add({ label: `${cellsLabel(keptOut)} kept out`, cells: [...new Set(keptOut)].sort((a, b) => a - b) });
  // A value read twice (its cell's chip, then a tool reading the cells) is one place; when
  // every counted value was found, the count is of places too ("1 value hidden", not 2).
  const once = places.filter(
    (p, i) => places.findIndex((q) => q.where === p.where && q.shown === p.shown && q.why === p.why) === i,
  );
  if (places.length === hidden) hidden = once.length;
  return { entries, hidden, places: once };
}

/** The read line's element, or null when nothing was read. */
export function readLine(summary: ReadSummary, onCell?: (index: number) => void): HTMLElement | null {
  if (!summary.entries.length && !summary.hidden) return null;
  const el = h("div", { class: "jck-readline", title: "What the assistant read for this answer" });
  el.appendChild(h("span", { class: "jck-readline-head" }, "Read:"));
  const parts: Node[] = [];
  for (const entry of summary.entries) {
    const cells = entry.cells ?? [];
    if (onCell && cells.length) {
      const link = h(
        "button",
        { type: "button", class: "jck-readline-cell", title: "Show in the notebook" },
        entry.label,
      );
      link.addEventListener("click", () => onCell(Math.min(...cells)));
      parts.push(link);
    } else {
      parts.push(h("span", null, entry.label));
    }
  }
  let list: HTMLElement | null = null;
  if (summary.hidden) {
    const said = `${summary.hidden} value${summary.hidden > 1 ? "s" : ""} hidden`;
    if (summary.places.length) {
      // Pressed: where each was and why (the text as the model got it, never the value).
      list = hiddenList(summary.places, `jck-hidden-${++lists}`, onCell);
      const shown = list;
      const toggle = h(
        "button",
        {
          type: "button",
          class: "jck-readline-hidden",
          "aria-expanded": "false",
          "aria-controls": shown.id,
          title: "Show what was hidden from the assistant, and why",
        },
        said,
      );
      toggle.addEventListener("click", () => {
        shown.hidden = !shown.hidden;
        toggle.setAttribute("aria-expanded", String(!shown.hidden));
      });
      parts.push(toggle);
    } else {
      parts.push(h("span", { class: "jck-readline-hidden" }, said));
    }
  }
  parts.forEach((p, i) => {
    if (i) el.appendChild(h("span", { class: "jck-readline-sep", "aria-hidden": "true" }, " · "));
    el.appendChild(p);
  });
  if (list) el.appendChild(list);
  // A notebook's or file's name read may hold bidi controls or zero-width characters.
  revealIn(el);
  return el;
}

/**
 * Put the read line under the last answer of every finished turn in `log` (the thread
 * view's element, whose entries carry `data-item-id`). Idempotent: a line is rebuilt
 * only when what it says changes.
 */
export function applyReadLines(
  log: HTMLElement,
  items: readonly ThreadItem[],
  busy: boolean,
  onCell?: (index: number) => void,
): void {
  let message: UserMessageItem | null = null;
  let turn: ThreadItem[] = [];
  const finish = (last: boolean): void => {
    if (last && busy) return;
    let answerId: string | null = null;
    for (let i = turn.length - 1; i >= 0; i--) {
      if (turn[i].type === "assistant_message") {
        answerId = turn[i].id;
        break;
      }
    }
    if (!answerId) return;
    const entry = log.querySelector(`[data-item-id="${CSS.escape(answerId)}"]`);
    if (!entry) return;
    const summary = summarizeTurn(message, turn);
    const key = JSON.stringify(summary);
    const old = entry.querySelector(":scope > .jck-readline") as HTMLElement | null;
    if (old?.dataset.key === key) return;
    const line = readLine(summary, onCell);
    if (line) line.dataset.key = key;
    if (old && line) old.replaceWith(line);
    else if (old) old.remove();
    else if (line) entry.appendChild(line);
  };
  for (const item of items) {
    if (item.type === "user_message") {
      if (onCell) linkCellTags(log, item, onCell);
      if (message || turn.length) finish(false);
      message = item;
      turn = [];
    } else {
      turn.push(item);
    }
  }
  finish(true);
}

/** Make the cell tags of a sent message's bubble ("cell 3") links to their cell. */
function linkCellTags(log: HTMLElement, message: UserMessageItem, onCell: (index: number) => void): void {
  const entry = log.querySelector(`[data-item-id="${CSS.escape(message.id)}"]`);
  if (!entry) return;
  const spans = [...entry.querySelectorAll<HTMLElement>(".jck-bubble .jck-tag")];
  const tags = message.content.filter((c) => c.type === "input_tag");
  spans.forEach((span, i) => {
    const cell = record(tags[i]?.data).cell;
    if (typeof cell !== "number" || span.classList.contains("jck-tag-link")) return;
    span.classList.add("jck-tag-link");
    span.setAttribute("role", "button");
    span.tabIndex = 0;
    span.title = "Show this cell in the notebook";
    const go = (): void => onCell(cell);
    span.addEventListener("click", go);
    span.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        go();
      }
    });
  });
}
