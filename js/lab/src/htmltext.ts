/**
 * An HTML display read as text: what a person sees of it, lines and table rows kept. A
 * display whose text/plain is only its object's default repr (`IPython.display.HTML`, a
 * library's rich traceback) says what it shows in its text/html alone; the readers of
 * outputs read that instead, by the steps of error-rules.generated.ts (`html*`). Mirrors
 * the kernel's context_policy/html_text.py.
 */

import { codeSlice } from "./codepoints";
import { ERROR_RULES } from "./error-rules.generated";

// Flags "i" without "u": ASCII letters only, as Python's re.I | re.A.
const HIDDEN = new RegExp(ERROR_RULES.htmlHidden, "gi");
const CELL_GAP = new RegExp(ERROR_RULES.htmlCellGap, "gi");
const BREAK = new RegExp(ERROR_RULES.htmlBreak, "gi");
const TAG = new RegExp(ERROR_RULES.htmlTag, "gi");
const ENTITY = new RegExp(ERROR_RULES.htmlEntity, "g");
const NAMED: Record<string, string> = ERROR_RULES.htmlNamed;

function entity(whole: string, decimal?: string, hexadecimal?: string, name?: string): string {
  if (name !== undefined) return NAMED[name];
  const point = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hexadecimal ?? "", 16);
  // A surrogate, NUL or past Unicode is no character: left as written.
  if (point === 0 || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return whole;
  return String.fromCodePoint(point);
}

/** The text of the head (`htmlChars`) of `html`: tags gone, a table's row a line of
 * tab-separated cells, a block a line, entities decoded, no blank line. */
export function htmlText(html: string): string {
  // Cut in code points, as Python's html[:N]: the sidebar reads the head the server
  // reads, and never half of an emoji's pair.
  let text = codeSlice(html, ERROR_RULES.limits.htmlChars).replace(HIDDEN, "");
  text = text.replace(CELL_GAP, "\t").replace(BREAK, "\n");
  text = text.replace(TAG, "").replace(ENTITY, entity);
  // No blank line: HTML's line breaks are its tags', and a table's rows stay adjacent.
  const lines: string[] = [];
  for (const raw of text.replaceAll("\r\n", "\n").split("\n")) {
    // Trimmed by a loop: a pattern anchored at a line's end backtracks over its spaces.
    let end = raw.length;
    while (end > 0 && " \t\r".includes(raw[end - 1])) end--;
    if (end) lines.push(raw.slice(0, end));
  }
  return lines.join("\n");
}
