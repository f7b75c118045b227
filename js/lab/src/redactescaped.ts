/**
 * Texts held escaped in one string of a JSON text or a repr, read as their lines: the
 * twin of Python's context_policy/escaped_lines.py (same output on every text).
 *
 * A JSON attachment, a JSON log line or a dict's repr holds a frame, a YAML block or a
 * CSV in one string whose line breaks show as `\n`, or as a list of strings, one a line
 * (`readlines()`, a JSON log's `"lines": [...]`): the rules that read lines never saw
 * those lines. Such a string is decoded (its escapes only), redacted as text, and written
 * back, escaped the same way, when anything in it was hidden.
 */

// A JSON or Python string literal on one line; a quote after a backslash starts none.
const STRING = /(?<!\\)(?:"((?:[^"\\\n]|\\[^\n])*)"|'((?:[^'\\\n]|\\[^\n])*)')/g;
// A character outside the BMP is a surrogate pair (`\ud83d\ude00`: Python's json.dumps
// writes every emoji so), read as the one character it is; a lone half is no text.
const ESCAPE =
  /\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([\s\S]))/g;
const SIMPLE: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", '"': '"', "/": "/" };
const WRITE: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** The text a literal's body holds, or null for an escape this reader does not know. */
export function decodeEscaped(body: string): string | null {
  let bad = false;
  const text = body.replace(
    ESCAPE,
    (
      _whole,
      high: string | undefined,
      low: string | undefined,
      u: string | undefined,
      x: string | undefined,
      c: string | undefined,
    ) => {
      if (high !== undefined && low !== undefined) {
        return String.fromCodePoint(0x10000 + ((parseInt(high, 16) - 0xd800) << 10) + (parseInt(low, 16) - 0xdc00));
      }
      const code = u ?? x;
      if (code !== undefined) {
        const point = parseInt(code, 16);
        if (point >= 0xd800 && point <= 0xdfff) bad = true;
        return String.fromCodePoint(point);
      }
      const simple = c === undefined ? undefined : SIMPLE[c];
      if (simple === undefined) {
        bad = true;
        return "";
      }
      return simple;
    },
  );
  return bad ? null : text;
}

/** `text` as the body of a literal in `quote`. */
export function encodeEscaped(text: string, quote: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (WRITE[ch] !== undefined) out += WRITE[ch];
    else if (ch === quote) out += `\\${quote}`;
    else if (code < 0x20 || code === 0x7f)
      out += quote === '"' ? `\\u${code.toString(16).padStart(4, "0")}` : `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}

/** `text` with every string literal holding `escaped` (an escaped line break, or JSON's
 * escaped slash: `"postgres:\/\/app:pw@db"`, which no URL rule reads) redacted as the
 * text it holds (by `redact`); the others are left as they are. */
export function readEscapedLines(text: string, redact: (plain: string) => string, escaped = "\\n"): string {
  return text.replace(STRING, (whole: string, dq: string | undefined, sq: string | undefined) => {
    const body = dq ?? sq ?? "";
    if (!body.includes(escaped)) return whole;
    const plain = decodeEscaped(body);
    if (plain === null) return whole;
    const clean = redact(plain);
    if (clean === plain) return whole;
    const quote = whole[0];
    const written = encodeEscaped(clean, quote);
    // Written back as it was: a writer that escapes slashes escapes them all.
    return quote + (body.includes("\\/") ? written.replaceAll("/", "\\/") : written) + quote;
  });
}

// A list of 2+ string literals (JSON or Python, one line or many): a file's lines.
const ITEM = String.raw`(?:"(?:[^"\\\n]|\\[^\n])*"|'(?:[^'\\\n]|\\[^\n])*')`;
const LINE_LIST = new RegExp(String.raw`\[[ \t\r\n]*(?:${ITEM}[ \t\r\n]*,[ \t\r\n]*)+${ITEM}[ \t\r\n]*,?[ \t\r\n]*\]`, "g");

// The line break `readlines()` leaves at the end of each line.
const LINE_END = /\r?\n$/;

// A line of a file, not a phrase: a delimiter, an assignment or an indent.
const LINE_SHAPE = /[=:,|\t]|^[ \t]/;

/** `text` with every list of string literals redacted as the lines they are (by `redact`),
 * each item written back in its own quotes; the others are left as they are. When hiding
 * joined lines (a PEM block's), the list is written as the lines left. */
export function readListedLines(text: string, redact: (plain: string) => string): string {
  return text.replace(LINE_LIST, (whole: string) => {
    const items = [...whole.matchAll(STRING)];
    const plain: string[] = [];
    const ends: string[] = [];
    for (const item of items) {
      const decoded = decodeEscaped(item[1] ?? item[2] ?? "");
      if (decoded === null) return whole;
      // `readlines()` keeps each line's break: read without it, written back with it.
      const end = LINE_END.exec(decoded)?.[0] ?? "";
      const line = decoded.slice(0, decoded.length - end.length);
      if (line.includes("\n")) return whole;
      ends.push(end);
      plain.push(line);
    }
    if (!plain.some((line) => LINE_SHAPE.test(line))) return whole; // `["load data", "set password policy"]`: words
    const clean = redact(plain.join("\n")).split("\n");
    if (clean.length === plain.length && clean.every((c, k) => c === plain[k])) return whole;
    if (clean.length !== plain.length) {
      const quote = items[0][0][0];
      const end = new Set(ends).size === 1 ? ends[0] : "";
      return `[${clean.map((c) => quote + encodeEscaped(c + end, quote) + quote).join(", ")}]`;
    }
    let out = "";
    let done = 0;
    items.forEach((item, k) => {
      if (clean[k] === plain[k]) return;
      const quote = item[0][0];
      const at = item.index ?? 0;
      out += whole.slice(done, at) + quote + encodeEscaped(clean[k] + ends[k], quote) + quote;
      done = at + item[0].length;
    });
    return out + whole.slice(done);
  });
}
