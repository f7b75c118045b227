/**
 * A key split across string literals, read joined: the twin of Python's
 * context_policy/joined.py (same result on every text).
 *
 * `KEY = "sk-proj-ab12" "cd34…"`, `"ghp_x" + "y"`, a line continuation, `"".join([…])` or
 * an f-string's text around a field shows no piece a rule knows. Every run of pieces is
 * joined in one copy of the text, redacted once (linear work); a run whose joined value
 * that hides is hidden whole in the text.
 */

import { codeLength } from "./codepoints";
import { RULES } from "./redaction-rules.generated";
import { marker } from "./redactnames";

const HINT = new RegExp(RULES.joinedHint);
const RUNS = new RegExp([RULES.joinedList, RULES.joinedLiterals, RULES.joinedFstring].map((p) => `(?:${p})`).join("|"), "g");
const PIECE = new RegExp(RULES.joinedPiece, "g");
const FIELD = new RegExp(RULES.fstringFieldPart, "g");
const VALUE = new RegExp(RULES.joinedValue);
const AFTER_WORD = new RegExp(RULES.joinedAfterWord);
const KIND = "key split across literals";

/** The value a run of literals makes, or "" when it is no key's shape. */
function joinedValue(run: RegExpExecArray): string {
  let value: string;
  if (run[3] !== undefined) {
    value = [...run[3].matchAll(PIECE)].map((p) => p[2]).join(run[2]);
  } else if (run[4] !== undefined || run[5] !== undefined) {
    const text = run[4] ?? run[5] ?? "";
    value = text.replace(FIELD, "");
    if (value.includes("{") || value.includes("}") || value === text) return "";
  } else {
    // `echo 'ab' 'cd'`, `script-src 'self' 'nonce-…'`: separate words (joined.py).
    const start = run.index ?? 0;
    if (AFTER_WORD.test(run.input?.slice(Math.max(0, start - 40), start) ?? "")) return "";
    value = [...run[0].matchAll(PIECE)].map((p) => p[2]).join("");
  }
  return codeLength(value) >= RULES.joinedMinChars && VALUE.test(value) ? value : "";
}

/** `text` with every run of literals whose joined value `redact` hides replaced by a
 * marker, and how many were. */
export function hideJoined(text: string, redact: (text: string) => string): [string, number] {
  if (!HINT.test(text)) return [text, 0];
  const runs: [RegExpExecArray, string][] = [];
  for (const m of text.matchAll(RUNS)) {
    const value = joinedValue(m);
    if (value) runs.push([m, value]);
  }
  if (!runs.length) return [text, 0];
  const parts: string[] = [];
  let done = 0;
  for (const [m, value] of runs) {
    parts.push(text.slice(done, m.index), `"${value}"`);
    done = m.index + m[0].length;
  }
  const clean = redact(parts.join("") + text.slice(done));
  const out: string[] = [];
  done = 0;
  let hidden = 0;
  for (const [m, value] of runs) {
    if (clean.includes(value)) continue;
    const quote = m[0].slice(0, 3).includes('"') ? '"' : "'";
    out.push(text.slice(done, m.index), quote + marker(KIND) + quote);
    done = m.index + m[0].length;
    hidden += 1;
  }
  if (!hidden) return [text, 0];
  return [out.join("") + text.slice(done), hidden];
}
