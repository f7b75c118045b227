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

class Lines {
  readonly starts: number[] = [0];
  readonly long: number[] = [];
  readonly words = new Map<string, number[]>();

  constructor(text: string) {
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) this.starts.push(at + 1);
    for (let k = 0; k < this.starts.length; k++) {
      const end = k + 1 < this.starts.length ? this.starts[k + 1] - 1 : text.length;
      if (end - this.starts[k] > MAX_LINE) this.long.push(k);
    }
    WORD_LINE.lastIndex = 0;
    for (let found = WORD_LINE.exec(text); found !== null; found = WORD_LINE.exec(text)) {
      if (found[0] === "") WORD_LINE.lastIndex++;
      const key = found[1].toLowerCase();
      const list = this.words.get(key) ?? [];
      list.push(this.lineOf(found.index));
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
  let lines: Lines | null = null;
  let done = 0;
  pattern.lastIndex = 0;
  for (let head = pattern.exec(text); head !== null; head = pattern.exec(text)) {
    if (head[0] === "") pattern.lastIndex++;
    const headEnd = head.index + head[0].length;
    if (head.index < done) continue;
    lines ??= new Lines(text);
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
