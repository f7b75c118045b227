/**
 * Heredoc bodies under a secret's name (`password = <<EOT` … `EOT`), found in linear work
 * however many heads a text holds; mirrors Python's context_policy/heredoc.py.
 *
 * The rule's pattern (`heredoc: true`) matches the head alone (group 1 the head through
 * its line's end, group 2 the closing word). The body runs from the next line to the
 * first line holding only that word (any case, blanks around), at most 40 lines of at
 * most 1,000 characters each. The text's lines are indexed once (where each starts,
 * which are long, which hold a single word) and each head looks its closing line up:
 * scanned from every head, 60,000 unclosed heads took seconds.
 */

const MAX_LINES = 40;
const MAX_LINE = 1000;
// A line that can close a heredoc: one word, blanks around, then `\r\n`, `\n` or the
// text's end (a lone `\r` at the end does not close: as the rule always read it). No
// "m" flag: JavaScript's `^` and `$` would also stop at a lone `\r`.
const WORD_LINE = /(?:^|(?<=\n))[ \t]*([A-Za-z_][A-Za-z0-9_]{0,19})[ \t]*(?=\r?\n|$)/g;

/** The first index in sorted `values` whose value is greater than `x` (or `<= x` when `strict` is false). */
function firstAbove(values: number[], x: number, strict = true): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (strict ? values[mid] <= x : values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// A line too long for a body.
const LONG_LINE = new RegExp(`(?:^|(?<=\\n))[^\\n]{${MAX_LINE + 1}}`, "g");

/** Each match of global `re` in `text` (in order) with its line, the newlines before it counted as they come. */
function* numbered(text: string, re: RegExp): Generator<[number, RegExpExecArray]> {
  let line = 0;
  let at = 0;
  re.lastIndex = 0;
  for (let found = re.exec(text); found !== null; found = re.exec(text)) {
    if (found[0] === "") re.lastIndex++;
    for (let nl = text.indexOf("\n", at); nl !== -1 && nl < found.index; nl = text.indexOf("\n", nl + 1)) line++;
    at = found.index;
    yield [line, found];
  }
}

class Lines {
  readonly starts: number[] = [0];
  readonly long: number[] = [];
  readonly words = new Map<string, number[]>();

  constructor(text: string, wanted: Set<string>) {
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) this.starts.push(at + 1);
    for (const [line] of numbered(text, LONG_LINE)) this.long.push(line);
    for (const [line, found] of numbered(text, WORD_LINE)) {
      const key = found[1].toLowerCase();
      if (!wanted.has(key)) continue;
      const list = this.words.get(key) ?? [];
      list.push(line);
      this.words.set(key, list);
    }
  }

  lineOf(position: number): number {
    return firstAbove(this.starts, position) - 1;
  }
}

/** Spans [start, end) of the bodies of the heads `pattern` (global) finds in `text`, in
 * order and apart (a head inside a body before it is part of that body). */
export function heredocBodies(pattern: RegExp, text: string): [number, number][] {
  const spans: [number, number][] = [];
  const heads: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  for (let head = pattern.exec(text); head !== null; head = pattern.exec(text)) {
    if (head[0] === "") pattern.lastIndex++;
    heads.push(head);
  }
  if (!heads.length) return spans;
  const lines = new Lines(text, new Set(heads.map((head) => head[2].toLowerCase())));
  let done = 0;
  for (const head of heads) {
    const headEnd = head.index + head[0].length;
    if (head.index < done) continue;
    const first = lines.lineOf(headEnd);
    const closing = lines.words.get(head[2].toLowerCase()) ?? [];
    const k = firstAbove(closing, first);
    if (k === closing.length || closing[k] > first + MAX_LINES) continue;
    const last = closing[k]; // the closing line; the body is lines first .. last - 1
    const long = firstAbove(lines.long, first, false);
    if (long < lines.long.length && lines.long[long] < last) continue;
    let end = lines.starts[last] - 1; // the "\n" before the closing line
    if (end > headEnd && text[end - 1] === "\r") end -= 1;
    spans.push([headEnd, end]);
    done = end;
  }
  return spans;
}
