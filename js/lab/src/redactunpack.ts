/**
 * Values assigned to several names at once: `user, password = "ada", "x"`. The
 * assignment rules read the name right before `=` with the value right after it (a
 * password's name and the user's literal here); names and values are paired by position
 * instead. The twin of src/jupyter_chatkit/context_policy/unpacking.py.
 */

import { CALL_ARGUMENT } from "./redactcompiled";
import { RULES } from "./redaction-rules.generated";
import { isSecretPair } from "./redactnames";

const UNPACKING = new RegExp(RULES.unpacking, "gm");
const UNPACKING_LINE = new RegExp(RULES.unpacking);
const UNPACKING_HEAD = new RegExp(RULES.unpackingHead);
const BRACKET_ONLY = new Set(["(", "[", ")", "]", "),", "],"]);

const count = (text: string, chars: string): number => [...text].filter((c) => chars.includes(c)).length;

/** Per top-level item of `values`: the span of its string literal when the item is one, else null. */
function literals(values: string): ([number, number] | null)[] {
  const items: ([number, number] | null)[] = [];
  let current: [number, number] | null = null;
  let pieces = 0;
  let depth = 0;
  const outer = "([".includes(values.trimStart().charAt(0) || "x") ? 1 : 0;
  for (const token of values.matchAll(new RegExp(CALL_ARGUMENT.source, "g"))) {
    const piece = token[0];
    const at = token.index ?? 0;
    if (piece === "," && depth <= outer) {
      items.push(pieces === 1 ? current : null);
      current = null;
      pieces = 0;
      continue;
    }
    if (token[1] !== undefined) {
      current = [at, at + piece.length];
      pieces += 1;
    } else if (piece.trim()) {
      depth += count(piece, "([{") - count(piece, ")]}");
      // A bracket around all the values is not a piece of the first or last one.
      if (!BRACKET_ONLY.has(piece.trim())) pieces += 2;
    }
  }
  if (pieces) items.push(pieces === 1 ? current : null);
  return items;
}

/**
 * `text` with each literal assigned by position to a secret's name (or to one of
 * `namesToo`: variables passed where a credential goes) replaced by `hide(literal)`.
 */
export function hideUnpacked(text: string, hide: (secret: string) => string, namesToo: Set<string> = new Set()): string {
  return text.replace(UNPACKING, (whole: string, namesText: string, values: string) => {
    const names = namesText.split(",").map((n) => n.trim().split(".").pop() ?? "");
    const spans = literals(values);
    if (spans.length !== names.length) return whole;
    let out = values;
    for (let k = names.length - 1; k >= 0; k--) {
      const span = spans[k];
      if (!span) continue;
      const content = values.slice(span[0] + 1, span[1] - 1);
      if (!content.includes(RULES.placeholderOpen) && ((namesToo.has(names[k]) && content) || isSecretPair(names[k], content))) {
        out = out.slice(0, span[0] + 1) + hide(content) + out.slice(span[1] - 1);
      }
    }
    return whole.slice(0, whole.length - values.length) + out;
  });
}

/** True when the name at `start` is the last of an unpacking's names whose values pair with them. */
export function afterUnpackingNames(text: string, start: number): boolean {
  // The last name comes after a comma (a cheap test before the look back).
  if (!/,[ \t]*$/.test(text.slice(Math.max(0, start - 100), start))) return false;
  if (!UNPACKING_HEAD.test(text.slice(Math.max(0, start - 2200), start))) return false;
  const first = text.lastIndexOf("\n", start - 1) + 1;
  const end = text.indexOf("\n", start);
  const match = UNPACKING_LINE.exec(text.slice(first, end < 0 ? text.length : end));
  return match !== null && literals(match[2]).length === count(match[1], ",") + 1;
}
