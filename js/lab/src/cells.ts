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

// The patterns and bounds are the kernel's too (context_policy/error_rules.py).
const USER_FRAME = new RegExp(ERROR_RULES.userHeader);
const FRAME_HEADER = new RegExp(ERROR_RULES.frameHeader);
// Installed packages, the standard library, and compiled Cython sources.
const LIB_PATH = new RegExp(ERROR_RULES.libPath);

function isUserFrame(block: string): boolean {
  const head = trimSpace(block, true, false).split("\n", 1)[0];
  if (USER_FRAME.test(head) || head.includes("/ipykernel_")) return true;
  return head.startsWith("File ") && !LIB_PATH.test(head);
}

function clipEnd(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const CHAIN_MARKERS: readonly string[] = ERROR_RULES.chainMarkers;

const REPEAT_NOTE = "\n… the frame above repeated ";

/** A traceback frame's text, whether the user wrote it, and how many frames it stands
 * for once repeats are collapsed (1 when not given). */
type TbFrame = { text: string; user: boolean; n?: number };

/** Runs of one frame (a recursion) as that frame once, saying how often it repeated. */
function collapseRepeats(frames: TbFrame[]): TbFrame[] {
  const out: TbFrame[] = [];
  let repeats = 0;
  for (const frame of frames) {
    const last = out[out.length - 1];
    const base = last ? last.text.split(REPEAT_NOTE)[0] : "";
    if (last && frame.text === base) {
      repeats += 1;
      out[out.length - 1] = {
        text: `${base}${REPEAT_NOTE}${repeats.toLocaleString("en-US")} more times`,
        user: last.user,
        n: (last.n ?? 1) + (frame.n ?? 1),
      };
    } else {
      repeats = 0;
      out.push(frame);
    }
  }
  return out;
}

// A recursion through several functions (a calls b calls a) repeats a block of frames;
// blocks up to this long are told once. Mirrors kernel.error_description.CYCLE_FRAMES.
const CYCLE_FRAMES = ERROR_RULES.limits.cycleFrames;

/** Runs of a block of 2 to CYCLE_FRAMES frames repeated (a mutual recursion) as that
 * block once, saying how often it repeated (as the kernel's collapse_cycles). */
function collapseCycles(frames: TbFrame[]): TbFrame[] {
  const same = (a: number, b: number, n: number) => {
    for (let k = 0; k < n; k++) if (frames[a + k]?.text !== frames[b + k]?.text) return false;
    return b + n <= frames.length;
  };
  const out: TbFrame[] = [];
  let i = 0;
  while (i < frames.length) {
    let bestPeriod = 0;
    let bestRepeats = 0;
    for (let period = 2; period <= CYCLE_FRAMES && i + period <= frames.length; period++) {
      if (new Set(frames.slice(i, i + period).map((f) => f.text)).size === 1) continue;
      let repeats = 0;
      while (same(i, i + (repeats + 1) * period, period)) repeats += 1;
      if (repeats > bestRepeats) [bestPeriod, bestRepeats] = [period, repeats];
    }
    if (bestRepeats < 2) {
      out.push(frames[i]);
      i += 1;
      continue;
    }
    const block = frames.slice(i, i + bestPeriod);
    const last = block[block.length - 1];
    const note = `\n… the ${bestPeriod} frames above repeated ${bestRepeats.toLocaleString("en-US")} more times`;
    const n = bestPeriod * bestRepeats + (last.n ?? 1);
    out.push(...block.slice(0, -1), { text: `${trimSpace(last.text, false)}${note}`, user: last.user, n });
    i += bestPeriod * (bestRepeats + 1);
  }
  return out;
}

/** Earlier exceptions of a chain shown (the rest counted), and each one's share. */
const CHAIN_LINKS = ERROR_RULES.limits.chainLinks;
const LINK_CHARS = ERROR_RULES.limits.linkChars;

/**
 * An IPython traceback reduced to what the model needs: the user's own frames, the
 * last library frame (where it broke) and the final `Type: message` line, ANSI-free,
 * in at most `max` characters. The exceptions it was raised from or while handling
 * come first, as Python prints them, each reduced to 700 characters (the last three;
 * older ones counted), when the user's code raised them; one a library raised says its
 * line before the final one. Mirrors `context_policy.errors.reduce_formatted_traceback`.
 */
export function reduceTraceback(
  lines: readonly string[],
  ename = "",
  evalue = "",
  max = LIMITS.tracebackChars,
): string {
  let frames: TbFrame[] = [];
  let final = "";
  let cause = "";
  const links: string[] = [];
  const name = stripAnsi(ename);
  for (const raw of lines) {
    const block = stripAnsi(String(raw));
    const head = trimSpace(block);
    if (!head || /^-+$/.test(head) || head.includes("Traceback (most recent call last)")) continue;
    const marker = CHAIN_MARKERS.find((m) => head.includes(m));
    if (marker) {
      // A chained exception: what came before it is an earlier link of the chain, with
      // its frames when the user's code raised it; one raised inside a library (pandas'
      // KeyError from its index engine) says only its line.
      if (frames.some((f) => f.user)) links.push(`${reduceFrames(frames, final, LINK_CHARS)}\n\n${marker}:\n`);
      else if (final) cause = final.split("\n").pop() ?? "";
      frames = [];
      final = "";
      continue;
    }
    const first = head.split("\n", 1)[0];
    if (FRAME_HEADER.test(head) || first.includes("/ipykernel_")) {
      const [text, said] = splitFinal(block, name);
      frames.push({ text, user: isUserFrame(text) });
      if (said) final = final ? `${final}\n${said}` : said;
    } else {
      final = final ? `${final}\n${head}` : head;
    }
  }
  if (!final || (name && !final.startsWith(name))) {
    final = `${name}: ${stripAnsi(evalue)}`.replace(/^: |: $/g, "") || final;
  } else if (name && final === `${name}:`) {
    // IPython prints "KeyboardInterrupt: " for an empty message; Python, the name.
    final = name;
  }
  if (cause) final = `(raised while handling ${clipEnd(cause, 200)})\n${final}`;
  // IPython's temporary file names name no cell the model knows (errortext.ts).
  const text = reduceFrames(frames, final, max);
  if (!links.length) return withCellLines(text);
  const older = links.length - CHAIN_LINKS;
  const shown = links.slice(-CHAIN_LINKS);
  if (older > 0) shown.unshift(`… ${older} earlier chained exception${older > 1 ? "s" : ""} not shown`);
  return withCellLines([...shown, text].join("\n"));
}

/** A frame block and the final line it ends with, if it does: IPython shows a
 * SyntaxError's location, caret and `Type: message` as one block. */
function splitFinal(block: string, ename: string): [string, string] {
  const body = trimSpace(block, false);
  const cut = body.lastIndexOf("\n");
  const last = body.slice(cut + 1);
  if (!ename || cut < 0 || !(last === ename || last.startsWith(`${ename}:`))) return [block, ""];
  return [body.slice(0, cut), last];
}

/** The user's frames, the last library frame and `final`, in at most `max` chars. */
function reduceFrames(all: TbFrame[], finalLine: string, max: number): string {
  const frames = collapseRepeats(collapseCycles(all));
  let lastLib = -1;
  let lastUser = -1;
  frames.forEach((f, i) => (f.user ? (lastUser = i) : (lastLib = i)));
  const keep = frames.map((f, i) => (f.user ? i : -1)).filter((i) => i >= 0);
  if ((lastLib > lastUser || !keep.length) && lastLib >= 0) keep.push(lastLib);
  keep.sort((a, b) => a - b);
  // Each part with how many frames it stands for (a gap's marker counts them).
  const parts: [string, number][] = [];
  let prev = -1;
  // A gap counts the frames its entries stand for (a recursion collapsed is many).
  const count = (from: number, to: number) => frames.slice(from, to).reduce((n, f) => n + (f.n ?? 1), 0);
  for (const i of keep) {
    const skipped = count(prev + 1, i);
    if (skipped > 0) parts.push([`… ${skipped} library frame${skipped > 1 ? "s" : ""} omitted`, skipped]);
    parts.push([clipEnd(trimSpace(frames[i].text, false), ERROR_RULES.limits.frameChars), frames[i].n ?? 1]);
    prev = i;
  }
  const after = count(prev + 1, frames.length);
  if (after > 0) parts.push([`… ${after} library frame${after > 1 ? "s" : ""} omitted`, after]);
  const final = clipEnd(trimSpace(finalLine), ERROR_RULES.limits.messageChars);
  let text = [...parts.map((p) => p[0]), final].join("\n");
  let gap = -1;
  let dropped = 0;
  while (text.length > max && parts.length > 2) {
    // Keep the outermost and innermost frames: what ran, and what broke. What goes is
    // one run from the middle, told by how many frames it held.
    gap = Math.floor(parts.length / 2);
    dropped += parts.splice(gap, 1)[0][1];
    const marker = `… ${dropped.toLocaleString("en-US")} frame${dropped > 1 ? "s" : ""} not shown`;
    text = [...parts.slice(0, gap).map((p) => p[0]), marker, ...parts.slice(gap).map((p) => p[0]), final].join("\n");
  }
  return clipEnd(text, max);
}

/** `text` cut to `max` characters between words (see headCut), saying how much was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = headCut(text, Math.max(0, max - 40));
  return `${text.slice(0, keep)}\n… [${text.length - keep} more characters]`;
}

/** `text`'s head and tail (a log's last lines say how it ended), saying how much of
 * the middle was cut. */
export function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const tailStart = tailCut(text, text.length - Math.floor(max / 3));
  const headEnd = headCut(text, Math.max(0, max - Math.floor(max / 3) - 45));
  return `${text.slice(0, headEnd)}\n… [${tailStart - headEnd} more characters] …\n${text.slice(tailStart)}`;
}

// A cut inside a word leaves a piece of it (a key's end without the prefix that tells
// it is one) that no redaction rule, run on the result after this, recognises. So a cut
// falls on whitespace or punctuation no key holds, looked for within CUT_WINDOW
// characters; past that, a run of one kind of character (a DNA sequence, a row of one
// letter) is cut where it is, and a run mixing cases or letters and digits (where a key
// could be) goes back to whitespace however far. As the kernel's notebook_file.head_end.
const BOUNDARY = new RegExp(ERROR_RULES.cutBoundary);
const CUT_WINDOW = ERROR_RULES.limits.cutWindow;

// Capitals, small letters, digits: a run mixing them could be a key or encoded bytes.
const KINDS = [/[A-Z]/, /[a-z]/, /[0-9]/];

function kinds(piece: string): number {
  return KINDS.filter((kind) => kind.test(piece)).length;
}

function headCut(text: string, end: number): number {
  if (end <= 0 || end >= text.length || BOUNDARY.test(text[end]) || BOUNDARY.test(text[end - 1])) {
    return Math.max(0, Math.min(end, text.length));
  }
  const window = Math.max(0, end - CUT_WINDOW);
  for (let i = end - 1; i >= window; i--) if (BOUNDARY.test(text[i])) return i + 1;
  if (kinds(text.slice(window, end)) < 2) return end;
  return Math.max(...[" ", "\t", "\r", "\n"].map((c) => text.lastIndexOf(c, end - 1))) + 1;
}

function tailCut(text: string, start: number): number {
  if (start <= 0 || start >= text.length || BOUNDARY.test(text[start - 1])) {
    return Math.max(0, Math.min(start, text.length));
  }
  const stop = Math.min(text.length, start + CUT_WINDOW);
  for (let i = start; i < stop; i++) if (BOUNDARY.test(text[i])) return i + 1;
  if (kinds(text.slice(start, stop)) < 2) return start;
  const space = new RegExp(ERROR_RULES.cutSpace, "g");
  space.lastIndex = start;
  return space.exec(text) ? space.lastIndex : text.length;
}

// Embedded images and other base64 payloads say nothing to the model and would take a
// cell's whole share of the budget: a data URI's payload, or a long unbroken run
// (anchored at the run's start so that many 399-char runs cost linear time) mixing
// capitals, small letters and digits, as encoded bytes do; a DNA sequence, hex or a
// row of one letter is text, clipped like any other.
const DATA_URI = new RegExp(ERROR_RULES.dataUri, "g");
const BASE64_RUN = new RegExp(ERROR_RULES.base64Run, "g");

/** `text` with embedded base64 payloads replaced by their length (as the kernel's
 * notebook_file.without_base64). */
export function withoutBase64(text: string): string {
  if (text.length < 100) return text;
  return text
    .replace(DATA_URI, (m: string, head: string) => `${head}…[${m.length - head.length} chars not shown]`)
    .replace(BASE64_RUN, (m: string) => (kinds(m) === KINDS.length ? `…[base64-like text, ${m.length} chars not shown]` : m));
}

/** Wrap text in a Markdown fence longer than any backtick run inside it. */
export function fence(text: string, language = ""): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(Math.max(3, longest + 1));
  return `${ticks}${language}\n${text.replace(/\s+$/, "")}\n${ticks}`;
}

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

/** The answer of `get_notebook_cells` for `panel`, centred on cell `anchor`. */
export function notebookCells(
  panel: NotebookPanel,
  anchor: number,
  args: NotebookCellsArgs = {},
): Record<string, unknown> {
  const cells = panel.content.widgets;
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
    active_cell_index: anchor,
    cells: infos,
    omitted_cells: omitted,
    truncated,
  };
  if (omitted) {
    result.omitted_note =
      `${omitted} cells farther from the active cell are not shown; ask with ` +
      "include_outputs=false or a different max_cells to see others.";
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
