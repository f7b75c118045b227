/**
 * Python string literals, both ways.
 *
 * A kernel answers a `user_expressions` entry with the `text/plain` repr of its value,
 * so the JSON string `tool_json` returns arrives as a Python literal such as
 * `'{"a": "it\'s"}'`. We decode that literal instead of asking the kernel to print,
 * because printing would go through IOPub and could land in the user's output area.
 */

/** A Python string literal for `text` (JSON escapes are valid Python escapes). */
export function pyString(text: string): string {
  return JSON.stringify(text);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  r: "\r",
  t: "\t",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

/**
 * Decode the repr of a Python `str` (`'...'` or `"..."`, optionally with a `u` prefix).
 * Throws on anything else, e.g. the repr of a non-string value.
 */
export function parsePyStringRepr(repr: string): string {
  let s = repr.trim();
  if (s.startsWith("u")) s = s.slice(1);
  const quote = s[0];
  if ((quote !== "'" && quote !== '"') || s.length < 2 || s[s.length - 1] !== quote) {
    throw new Error(`not a Python string repr: ${repr.slice(0, 80)}`);
  }
  const body = s.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = body[++i];
    if (next === undefined) throw new Error("dangling backslash in Python string repr");
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const width = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    if (!width) {
      // Python keeps unknown escapes verbatim; repr never makes them, but be lenient.
      out += `\\${next}`;
      continue;
    }
    const hex = body.slice(i + 1, i + 1 + width);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) {
      throw new Error(`bad \\${next} escape in Python string repr`);
    }
    out += String.fromCodePoint(parseInt(hex, 16));
    i += width;
  }
  return out;
}
