/**
 * Reading a notebook for the model: cell sources and outputs as bounded plain text.
 *
 * These answer the `get_notebook_cells` and `get_active_cell` client tools. Everything
 * is bounded (per output, per cell, in total) because a notebook can hold megabytes of
 * output and the tool result goes into the model's context window.
 */

import type { Cell, ICodeCellModel } from "@jupyterlab/cells";
import type * as nbformat from "@jupyterlab/nbformat";
import type { NotebookPanel } from "@jupyterlab/notebook";
import { OMITTED_CELLS_NOTE } from "../../src/protocol";
import { shownByOtherCode } from "./backgrounderror";
import { ERROR_RULES } from "./error-rules.generated";
import { trimSpace, withCellLines } from "./errortext";
import { htmlText } from "./htmltext";
import { RUN_CODE } from "./grouperror";
import { isPrivate, keptOut } from "./privatecells";
import { cellOutputs } from "./prompts";
import { hideShownSecret, marker, namesSecret, policyResult, stripAnsi } from "./redact";
import { multilineText } from "./streams";
import { frameValuesShown, hidePositionalSecrets, notebookDefinitions, secretFrames } from "./signatures";
import { clip, clipMiddle, reduceTraceback, withoutBase64 } from "./traceback";

/**
 * Limits, in characters. A whole result stays under 16k characters of JSON whatever
 * the model asks for (the server cuts it there again, and redacts it again).
 */
export const LIMITS = {
  sourceChars: 3000,
  outputChars: 1500,
  cellOutputChars: 3000,
  totalChars: 12000,
  defaultMaxCells: 30,
  maxMaxCells: 200,
  selectionChars: 2000,
  tracebackChars: ERROR_RULES.limits.tracebackChars as number,
};

/** Text without ANSI escape sequences (IPython colours its tracebacks). */
export { stripAnsi };

const joinText = (value: nbformat.MultilineString | undefined): string => multilineText(value);

const ENAME_CHARS = ERROR_RULES.limits.enameChars;
// A line of IPython's traceback: a frame's header or the chain's heading.
const PYTHON_TRACEBACK = new RegExp(ERROR_RULES.pythonTraceback);
// A display's text/plain that is only its object's default repr (error_rules.py).
const DEFAULT_REPR = new RegExp(ERROR_RULES.defaultRepr);

/**
 * An error output's traceback for the model, bounded. IPython's is reduced
 * (`reduceTraceback`); another language's kernel (R, Julia, JavaScript) saves a shape
 * that reduction does not know: it is kept, head and tail, with the `ename: evalue` line
 * when it does not say it. Mirrors `kernel.notebook_file.error_text`.
 */
export function errorText(lines: readonly string[], ename: string, evalue: string, max: number): string {
  const plain = trimSpace(stripAnsi(lines.join("\n")));
  if (RUN_CODE.test(plain)) return printedTraceback(plain, max);
  const reduced = reduceTraceback(lines, ename, evalue, max);
  if (!plain || PYTHON_TRACEBACK.test(plain) || reduced.includes(plain)) return reduced;
  const final = reduced.split("\n").pop() ?? "";
  return clipMiddle(withCellLines(plain.includes(final) ? plain : `${plain}\n${final}`), max);
}

/** A traceback Python printed (IPython's way to show an uncaught ExceptionGroup, see
 * grouperror.ts), head and tail, without IPython's own frame (the same in every cell). */
function printedTraceback(plain: string, max: number): string {
  const lines = plain.split("\n");
  const at = lines.findIndex((line) => RUN_CODE.test(line));
  // The frame's line and the line of code under it (`exec(code_obj, ...)`).
  if (at >= 0) lines.splice(at, 2);
  return clipMiddle(withCellLines(lines.join("\n")), max);
}

/** One output as plain text the model can read. */
export interface OutputText {
  output_type: string;
  text: string;
  /** For errors: exception class and message, handy without reading the traceback. */
  ename?: string;
  evalue?: string;
  /** For an error a thread or a callback showed while the cell ran (backgrounderror.ts). */
  note?: string;
  name?: string;
}

/** An output's text within `max` characters, as every reader of outputs bounds it (the
 * kernel's `bounded_output`): a stream's head and tail (a log's end says how it ended), a
 * result's head. */
export function boundedOutput(kind: string, text: string, max = LIMITS.outputChars): string {
  return kind === "stream" ? clipMiddle(text, max) : clip(text, max);
}

/** Describe one nbformat output as bounded text. */
export function outputText(output: nbformat.IOutput, max = LIMITS.outputChars): OutputText {
  const type = String(output.output_type);
  if (type === "stream") {
    const o = output as nbformat.IStream;
    // `traceback.print_exc()`, warnings: the cell's line, not IPython's file (errortext.ts).
    const text = withCellLines(withoutBase64(stripAnsi(joinText(o.text))));
    return { output_type: type, name: o.name, text: boundedOutput(type, text, max) };
  }
  if (type === "error") {
    const o = output as nbformat.IError;
    // ANSI colours are stripped from every field, not only the traceback. Other kernels
    // and tools save fields missing, null, or the traceback as one string.
    const ename = clip(stripAnsi(String(o.ename ?? "")), ENAME_CHARS);
    const evalue = stripAnsi(String(o.evalue ?? ""));
    const raw = o.traceback as unknown;
    const lines = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.map((l) => String(l ?? "")) : [];
    return {
      output_type: type,
      ename,
      evalue: clip(withCellLines(evalue), ERROR_RULES.limits.messageChars),
      text: errorText(lines, ename, evalue, Math.max(max, LIMITS.tracebackChars)),
      // A thread's, a callback's: not the cell's error (a saved output has no reply status).
      ...(shownByOtherCode(o) ? { note: ERROR_RULES.shownByOtherCode } : {}),
    };
  }
  const data = ((output as nbformat.IExecuteResult).data ?? {}) as nbformat.IMimeBundle;
  const mimes = Object.keys(data);
  let text = "";
  if ("text/plain" in data) text = stripAnsi(joinText(data["text/plain"] as nbformat.MultilineString));
  if (!text || DEFAULT_REPR.test(text)) {
    // A traceback shown as Markdown or HTML: its text, with the cell's line as in a
    // stream (HTML as a person reads it: htmltext.ts).
    const markdown = "text/markdown" in data ? joinText(data["text/markdown"] as nbformat.MultilineString) : "";
    const html = !markdown && "text/html" in data ? joinText(data["text/html"] as nbformat.MultilineString) : "";
    const shown = markdown || (html ? htmlText(stripAnsi(html)) : "");
    if (shown) text = withCellLines(withoutBase64(stripAnsi(shown)));
  }
  const others = mimes.filter((m) => m !== "text/plain");
  if (others.length) text += `${text ? "\n" : ""}[also: ${others.join(", ")}]`;
  return { output_type: type, text: boundedOutput(type, text, max) };
}

// Error outputs kept past a cell's output budget (each bounded by its own traceback cut).
const MAX_LATE_ERRORS = 3;

/** One cell as the model sees it. */
export interface CellInfo {
  index: number;
  cell_type: string;
  /** Absent for a cell kept out (privatecells.ts), which has `kept_out` instead. */
  source?: string;
  kept_out?: string;
  execution_count?: number | null;
  outputs?: OutputText[];
  outputs_truncated?: boolean;
  /** Set when the cell was edited after it ran: its outputs are of the code before. */
  edited_since_run?: string;
  /** Set while the cell runs or waits to run ([*]): no execution count yet, its outputs
   * so far (the kernel's reader of its history says `running` the same way). */
  running?: boolean;
}

/** Said of a cell edited since it ran, whose error would otherwise seem the new code's. */
export const EDITED_SINCE_RUN =
  "The source was edited after this cell last ran: its execution count, outputs and any error come from the code before the edit.";

/** The functions and classes of a notebook with secret-named parameters (see
 * signatures.ts), read from all its cells' text. */
export function panelDefinitions(panel: NotebookPanel): Map<string, string[]> {
  return notebookDefinitions(panel.content.widgets.map((c) => c.model.sharedModel.getSource()));
}

/** The notebook's frames with a secret-named column (see signatures.ts `secretFrames`),
 * from its cells' sources and the outputs of cells that show a frame. */
export function panelFrames(panel: NotebookPanel): Set<string> {
  const cells = panel.content.widgets;
  const shown = cells
    .filter((c) => c.model.type === "code")
    .map((c): [string, string] => {
      const first = cellOutputs(c)[0];
      return [c.model.sharedModel.getSource().slice(-500), first ? outputText(first, 2000).text : ""];
    })
    .filter(([, text]) => text);
  return secretFrames(cells.map((c) => c.model.sharedModel.getSource()), shown);
}

/** Describe one cell, with outputs bounded per output and per cell. `defs`: the
 * notebook's definitions, so literals passed by position to a secret parameter hide. A
 * cell kept out (privatecells.ts) gives its number only, unless the person `chosen` it. */
export function cellInfo(
  cell: Cell,
  index: number,
  includeOutputs: boolean,
  defs: Map<string, string[]> = new Map(),
  frames: ReadonlySet<string> = new Set(),
  chosen = false,
): CellInfo {
  if (!chosen && isPrivate(cell.model)) return keptOut(index, cell.model.type);
  const source = hidePositionalSecrets(clip(withoutBase64(cell.model.sharedModel.getSource()), LIMITS.sourceChars), defs);
  const info: CellInfo = { index, cell_type: cell.model.type, source };
  if (cell.model.type !== "code") return info;
  info.execution_count = (cell.model as ICodeCellModel).executionCount;
  // JupyterLab's own mark (the cell's "edited since run" indicator), reset when it runs.
  if ((cell.model as ICodeCellModel).isDirty === true) info.edited_since_run = EDITED_SINCE_RUN;
  if ((cell.model as { executionState?: string }).executionState === "running") info.running = true;
  if (!includeOutputs) return info;
  const outputs: OutputText[] = [];
  let used = 0;
  const raw = cellOutputs(cell);
  // `%env DB_PASSWORD`, `print(token)`: a one-line output is the secret the line names.
  const showsSecret = namesSecret(source);
  // `df.values` of a frame with a password column: values without their names.
  const showsValues = frameValuesShown(source, frames);
  let lateErrors = 0;
  for (const output of raw) {
    const room = LIMITS.cellOutputChars - used;
    if (room <= 0) {
      info.outputs_truncated = true;
      // The error after a long log is what the person asks about: it still comes (a few).
      if (String(output.output_type) !== "error" || lateErrors >= MAX_LATE_ERRORS) continue;
      lateErrors += 1;
    }
    const o = outputText(output, Math.max(1, Math.min(LIMITS.outputChars, room)));
    if (showsValues && o.output_type !== "error" && o.text.trim()) {
      o.text = marker(`${o.output_type} output, ${o.text.length.toLocaleString("en-US")} chars`);
    } else if (showsSecret && o.output_type !== "error") o.text = hideShownSecret(o.text);
    // A traceback quotes the failing call: the same literals as the source.
    if (o.output_type === "error") o.text = hidePositionalSecrets(o.text, defs);
    used += o.text.length;
    outputs.push(o);
  }
  info.outputs = outputs;
  return info;
}

/** Arguments of `get_notebook_cells` (validated loosely: the model may send junk). */
export interface NotebookCellsArgs {
  max_cells?: unknown;
  include_outputs?: unknown;
  /** Centre on this cell index instead of the active cell. */
  around?: unknown;
}

// Ranges named one by one in omitted_note; past this, how many more there are.
const MAX_RANGES = 6;

/** `around` as a cell index, or null when it is not a whole number (ignored: the model may
 * send anything); negative ones are cell 0. Mirrors kernel/cellpick.py `around_index`. */
export function aroundIndex(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) ? Math.max(0, value) : null;
}

/** The cells of `0..count-1` not in `shown`, as ranges: "cells 0-49 and 250-499".
 * Mirrors kernel/cellpick.py `omitted_ranges`. */
export function omittedRanges(count: number, shown: ReadonlySet<number>): string {
  const runs: [number, number][] = [];
  let missing = 0;
  for (let i = 0; i < count; i++) {
    if (shown.has(i)) continue;
    missing += 1;
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  let spans = runs.map(([a, b]) => (b > a ? `${a}-${b}` : String(a)));
  if (spans.length > MAX_RANGES) {
    spans = [...spans.slice(0, MAX_RANGES - 1), `${spans.length - MAX_RANGES + 1} more ranges`];
  }
  const listed = spans.length === 1 ? spans[0] : `${spans.slice(0, -1).join(", ")} and ${spans[spans.length - 1]}`;
  return `${missing === 1 ? "cell" : "cells"} ${listed}`;
}

/** Cell indices nearest `anchor`, alternating after/before, kept in notebook order. */
export function nearestIndices(count: number, anchor: number, max: number): number[] {
  const picked: number[] = [];
  const a = Math.min(Math.max(anchor, 0), Math.max(count - 1, 0));
  if (count > 0) picked.push(a);
  for (let d = 1; picked.length < Math.min(max, count); d++) {
    // Cells above the anchor usually explain it (imports, data), so they go first.
    if (a - d >= 0) picked.push(a - d);
    if (picked.length < max && a + d < count) picked.push(a + d);
    if (a - d < 0 && a + d >= count) break;
  }
  return picked.sort((x, y) => x - y);
}

/** The answer of `get_notebook_cells` for `panel`, centred on the active cell `active`,
 * or on the cell `args.around` names. */
export function notebookCells(
  panel: NotebookPanel,
  active: number,
  args: NotebookCellsArgs = {},
): Record<string, unknown> {
  const cells = panel.content.widgets;
  const asked = cells.length ? aroundIndex(args.around) : null;
  const anchor = Math.min(Math.max(asked ?? active, 0), Math.max(cells.length - 1, 0));
  const requested = Number(args.max_cells);
  const maxCells = Number.isFinite(requested) && requested >= 1
    ? Math.min(Math.floor(requested), LIMITS.maxMaxCells)
    : LIMITS.defaultMaxCells;
  const includeOutputs = args.include_outputs !== false;
  const indices = nearestIndices(cells.length, anchor, maxCells);
  const infos: CellInfo[] = [];
  let total = 0;
  let truncated = false;
  // Spend the budget on the anchor first and then outwards, so a huge early cell
  // cannot push out the cell the user is asking about.
  const byDistance = [...indices].sort((x, y) => Math.abs(x - anchor) - Math.abs(y - anchor));
  const kept = new Set<number>();
  const defs = panelDefinitions(panel);
  const frames = includeOutputs ? panelFrames(panel) : new Set<string>();
  for (const i of byDistance) {
    const info = cellInfo(cells[i], i, includeOutputs, defs, frames);
    const size = JSON.stringify(info).length;
    if (total + size > LIMITS.totalChars && kept.size > 0) {
      truncated = true;
      continue;
    }
    total += size;
    kept.add(i);
    infos.push(info);
  }
  infos.sort((x, y) => x.index - y.index);
  const omitted = cells.length - infos.length;
  const result: Record<string, unknown> = {
    from: "notebook",
    notebook: panel.context.path,
    kernel: panel.sessionContext.kernelDisplayName,
    cell_count: cells.length,
    active_cell_index: active,
    ...(asked === null ? {} : { centred_on: anchor }),
    cells: infos,
    omitted_cells: omitted,
    truncated,
  };
  if (omitted) {
    result.omitted_note = OMITTED_CELLS_NOTE.replace("{cells}", omittedRanges(cells.length, kept));
  }
  return policyResult(result, "Cut to fit; ask for fewer cells or include_outputs=false.");
}

/** The text selected in a cell's editor ("" when none or no editor). */
export function selectedText(cell: Cell): string {
  const editor = cell.editor;
  if (!editor) return "";
  const sel = editor.getSelection();
  const start = editor.getOffsetAt(sel.start);
  const end = editor.getOffsetAt(sel.end);
  if (start === end) return "";
  const source = cell.model.sharedModel.getSource();
  return clip(source.slice(Math.min(start, end), Math.max(start, end)), LIMITS.selectionChars);
}

/** The answer of `get_active_cell` for cell `index` of `panel`; a cell kept out
 * (privatecells.ts) is read only when the person `chosen` it (a mention, /fix). */
export function activeCell(panel: NotebookPanel, index: number, chosen = false): Record<string, unknown> {
  const cell = panel.content.widgets[index];
  if (!cell) return { error: "The notebook has no active cell." };
  if (!chosen && isPrivate(cell.model)) {
    return policyResult({
      from: "notebook",
      notebook: panel.context.path,
      cell_count: panel.content.widgets.length,
      cell: keptOut(index, cell.model.type),
    });
  }
  // Nested under "cell" like the kernel-side fallback answer, so both read the same.
  return policyResult({
    from: "notebook",
    notebook: panel.context.path,
    cell_count: panel.content.widgets.length,
    cell: {
      ...cellInfo(cell, index, true, panelDefinitions(panel), panelFrames(panel), chosen),
      selected_text: selectedText(cell),
    },
  });
}
