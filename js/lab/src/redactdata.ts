/**
 * The data walk's readings of the variable tools' descriptions and of lists: a
 * Kubernetes Secret shown as `[key, value]` pairs, a key's body as a list of lines, and
 * random-looking cells under key-ish columns. The twin of the matching methods of Python's
 * context_policy/datawalk.py; used by Redactor.data (redact.ts).
 */

import { codeLength } from "./codepoints";
import { RULES } from "./redaction-rules.generated";
import { holdsShortPassword, isKeyishName, isSecretName, isSecretPair, looksRandom, namesIdOrDigest } from "./redactnames";
import { multilineText, splitStreams } from "./streams";

type Hide = (value: unknown) => string;
/** The redactor as these read text with it: its text reading and its count. */
interface Reader {
  count: number;
  text(value: string): string;
}

// A Kubernetes Secret's mappings of secrets, and a line of a base64 block (datawalk.py).
const SECRET_DATA_KEYS = new Set(["data", "stringData"]);
const KEY_LINE = /^[A-Za-z0-9+/]{48,100}={0,2}$/;
// A name that holds a key only sometimes, not a secret's name; a random-looking string.
const keyishOnly = (name: unknown): boolean => typeof name === "string" && isKeyishName(name) && !isSecretName(name);
const randomStr = (value: unknown): boolean => typeof value === "string" && looksRandom(value);
const bareKey = (key: unknown): string => (typeof key === "string" ? key.replace(/^['"]+|['"]+$/g, "") : "");

/** A mapping shown as `[key, value]` pairs (a kernel's dict) that is a Kubernetes Secret:
 * the values of its `data` / `stringData` hidden in place (datawalk.py's twin). */
export function manifestPairs(items: unknown[], hide: Hide): void {
  const pairs = items.filter((i): i is unknown[] => Array.isArray(i) && i.length === 2);
  if (!pairs.some(([k, v]) => bareKey(k) === "kind" && v === "Secret")) return;
  for (const pair of pairs) {
    const inner = pair[1];
    if (!SECRET_DATA_KEYS.has(bareKey(pair[0])) || inner === null || typeof inner !== "object" || Array.isArray(inner)) continue;
    const hidden: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(inner as Record<string, unknown>)) {
      hidden[key] = typeof v === "string" && v ? hide(v) : v;
    }
    pair[1] = hidden;
  }
}

/** Runs of 2+ strings that are lines of one base64 block (a key's body as a list of
 * lines): hidden when the rules hide them read as the lines they are. */
export function keyLines(items: unknown[], hidesAny: (text: string) => boolean, hide: Hide): void {
  let k = 0;
  while (k < items.length) {
    let end = k;
    while (end < items.length && typeof items[end] === "string" && KEY_LINE.test(items[end] as string)) end += 1;
    if (end - k >= 2 && hidesAny((items.slice(k, end) as string[]).join("\n"))) {
      for (let j = k; j < end; j++) items[j] = hide(items[j]);
    }
    k = Math.max(end, k + 1);
  }
}

/** A frame's or a Series' description (the variable tools'): under a column or a Series
 * named like a key only sometimes (`key`, `signature`, `salt`), the random-looking cells
 * of its head, top values and top are hidden (datawalk.py's twin). */
export function keyishCells(out: Record<string, unknown>, hide: Hide): void {
  let columns = out.head_columns;
  if (!Array.isArray(columns) && Array.isArray(out.columns)) {
    columns = out.columns.map((c) => (c !== null && typeof c === "object" && !Array.isArray(c) ? (c as Record<string, unknown>).name : null));
  }
  if (Array.isArray(columns)) {
    const keyish = columns.flatMap((c, k) => (keyishOnly(c) ? [k] : []));
    if (keyish.length && Array.isArray(out.head)) {
      for (const row of out.head) {
        if (!Array.isArray(row)) continue;
        for (const k of keyish) if (k < row.length && randomStr(row[k])) row[k] = hide(row[k]);
      }
    }
    // A column `p` beside a user's: its password-shaped cells (as datawalk.py).
    const short = columns.flatMap((c, k) => (typeof c === "string" && c.length <= 3 ? [k] : []));
    if (short.length && Array.isArray(out.head)) {
      for (const row of out.head) {
        if (!Array.isArray(row)) continue;
        for (const k of short) {
          const cell = row[k];
          if (typeof cell === "string" && holdsShortPassword(columns[k] as string, cell)) row[k] = hide(cell);
        }
      }
    }
  }
  const described = out.describe;
  if (described !== null && typeof described === "object" && !Array.isArray(described)) {
    for (const [name, stats] of Object.entries(described as Record<string, unknown>)) {
      if (stats === null || typeof stats !== "object" || Array.isArray(stats)) continue;
      const record = stats as Record<string, unknown>;
      const top = record.top;
      if ((keyishOnly(name) && randomStr(top)) || (typeof top === "string" && holdsShortPassword(name, top))) record.top = hide(top);
    }
  }
  if (!keyishOnly(out.series_name)) return;
  if (Array.isArray(out.head)) out.head = out.head.map((v) => (randomStr(v) ? hide(v) : v));
  if (Array.isArray(out.top_values)) {
    for (const pair of out.top_values) if (Array.isArray(pair) && pair.length && randomStr(pair[0])) pair[0] = hide(pair[0]);
  }
  if (described !== null && typeof described === "object" && !Array.isArray(described)) {
    const record = described as Record<string, unknown>;
    if (randomStr(record.top)) record.top = hide(record.top);
  }
}

/** A frame as `to_dict("split")` / `to_json(orient="split")` give it: names in `columns`,
 * rows in `data`; a row's cell under a secret's column (or a key-ish one's, random-looking)
 * hidden in place (datawalk.py's twin). */
export function splitRows(columns: unknown, rows: unknown, hide: Hide): void {
  if (!Array.isArray(columns) || !Array.isArray(rows)) return;
  const secret = columns.flatMap((c, k) => (typeof c === "string" ? [k] : []));
  if (!secret.length) return;
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    for (const k of secret) {
      const cell = row[k];
      if (k < row.length && typeof cell === "string" && cell && !cell.startsWith(RULES.placeholderOpen) && isSecretPair(columns[k], cell)) row[k] = hide(cell);
    }
  }
}

/**
 * A mapping's string `item` read as text (`clean`, counted from `before`); one an id's or
 * a digest's name holds (`{"version_id": "…"}`, `{"sha256": "…"}`) that this hid is read
 * once more after its name, as a text shows it (`version_id: "…"`): kept when the rules
 * hid it only for looking random there, as they do in text (datawalk.py).
 */
export function keptUnderIdName(key: string, item: string, clean: string, before: number, r: Reader): string {
  // 512 code points, as Python's len (an emoji is one there, two UTF-16 units here).
  if (clean === item || codeLength(item) > 512 || item.includes("\n") || !namesIdOrDigest(key)) return clean;
  const hidden = r.count;
  const named = `${key}: "${item}"`;
  if (r.text(named) === named) {
    r.count = before;
    return item;
  }
  r.count = hidden;
  return clean;
}

/**
 * A cell's outputs where a stream was written in pieces with other outputs between
 * (`print("password: hun", end="")`, a warning, `print("ter2…")`): when the stream read
 * whole hides what its pieces read one by one do not, its pieces are one output, in its
 * first one's place (the rest of the order kept). Mirrors datawalk.py.
 */
export function wholeStreams(outputs: unknown[], r: Reader): unknown[] {
  let shown = outputs;
  for (const at of splitStreams(shown).values()) {
    const pieces = at.map((i) => multilineText((shown[i] as Record<string, unknown>).text));
    const before = r.count;
    const whole = pieces.join("");
    const split = r.text(whole) !== pieces.map((piece) => r.text(piece)).join("");
    r.count = before;
    if (split) {
      const rest = new Set(at.slice(1));
      const first = at[0];
      shown = shown.flatMap((raw, i) => (rest.has(i) ? [] : i === first ? [{ ...(raw as Record<string, unknown>), text: whole }] : [raw]));
    }
  }
  return shown;
}
