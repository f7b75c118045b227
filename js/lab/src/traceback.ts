/**
 * Tracebacks and long texts cut for the model: a traceback reduced to the user's frames,
 * the last library frame and the final line (repeats and cycles collapsed, chained
 * errors bounded), texts clipped at a word's edge, base64 payloads replaced by their
 * length, and Markdown fences. The kernel's reduction is the same (context_policy/errors.py,
 * with the patterns and bounds of error_rules.py).
 */

import { ERROR_RULES } from "./error-rules.generated";
import { trimSpace, withCellLines } from "./errortext";
import { stripAnsi } from "./redact";

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
  max: number = ERROR_RULES.limits.tracebackChars,
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
  for (const [i, f] of frames.entries()) {
    if (f.user) lastUser = i;
    else lastLib = i;
  }
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
// it is one, a password's head without the rest of its URL) that no redaction rule, run
// on the result after this, recognises. So a cut falls, within CUT_WINDOW characters, on
// a line's end (a tail: a value keeps its line's label or goes with it), white space, a
// quote or bracket, else punctuation no key holds; past that, a run of one kind of
// character (a DNA sequence, a row of one letter) is cut where it is, and a run mixing
// cases or letters and digits (where a key could be) goes back to whitespace however
// far. As the kernel's notebook_file.head_end.
const BOUNDARY = new RegExp(ERROR_RULES.cutBoundary);
// Looked for first, in order: a line's end, white space, a quote or bracket (cutTiers).
const TIERS = ERROR_RULES.cutTiers.map((tier) => new RegExp(tier));
const SPACE = TIERS[1];
const CUT_WINDOW = ERROR_RULES.limits.cutWindow;

// Capitals, small letters, digits: a run mixing them could be a key or encoded bytes.
const KINDS = [/[A-Z]/, /[a-z]/, /[0-9]/];

function kinds(piece: string): number {
  return KINDS.filter((kind) => kind.test(piece)).length;
}

function headCut(text: string, end: number): number {
  if (end <= 0 || end >= text.length || SPACE.test(text[end]) || SPACE.test(text[end - 1])) {
    return Math.max(0, Math.min(end, text.length));
  }
  const window = Math.max(0, end - CUT_WINDOW);
  for (const tier of [...TIERS.slice(1), BOUNDARY]) {
    for (let i = end - 1; i >= window; i--) if (tier.test(text[i])) return i + 1;
  }
  if (kinds(text.slice(window, end)) < 2) return end;
  return Math.max(...[" ", "\t", "\r", "\n"].map((c) => text.lastIndexOf(c, end - 1))) + 1;
}

function tailCut(text: string, start: number): number {
  if (start <= 0 || start >= text.length || text[start - 1] === "\n") {
    return Math.max(0, Math.min(start, text.length));
  }
  const stop = Math.min(text.length, start + CUT_WINDOW);
  for (const tier of [...TIERS, BOUNDARY]) {
    for (let i = start - 1; i < stop; i++) if (tier.test(text[i])) return i + 1;
  }
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
