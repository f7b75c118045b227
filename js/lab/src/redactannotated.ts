/**
 * Values a traceback prints under the code that used them (loguru's and
 * better_exceptions' `diagnose`): below `conn = connect(host, user, secret)` a line
 * `│     └ 'Zx9…'` per name, its `└` under the name's first character. A value under a
 * secret's name is hidden, under a key-ish one (`key`, `tok`) when it looks random. The
 * twin of Python's context_policy/annotated.py (same result on every text).
 */

import { isKeyishName, isSecretName } from "./redactnames";

// Groups: 1 the bars before the corner (its column is the name's), 2 the value shown.
const ANNOTATION = /^([ \t│]*)└[ ─]*(\S.*)$/;
const BARS = /^[ \t│]*$/;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/** `text` with the values shown under secret-named (`hide`) and key-ish (`hideRandom`)
 * names of the code line above them passed to those. */
export function hideAnnotatedValues(
  text: string,
  hide: (value: string) => string,
  hideRandom: (value: string) => string,
): string {
  if (!text.includes("└")) return text;
  const lines = text.split("\n");
  let changed = false;
  let code = ""; // the line of code the annotations below it stand under
  lines.forEach((line, i) => {
    const found = ANNOTATION.exec(line);
    if (!found) {
      if (!BARS.test(line)) code = line;
      return;
    }
    const column = found[1].length;
    NAME.lastIndex = column;
    const name = NAME.exec(code)?.[0];
    if (!name || (column > 0 && /[A-Za-z0-9_]/.test(code[column - 1]))) return;
    const value = found[2];
    let shown: string;
    if (isSecretName(name)) shown = hide(value);
    else if (isKeyishName(name)) shown = hideRandom(value);
    else return;
    if (shown !== value) {
      lines[i] = line.slice(0, line.length - value.length) + shown;
      changed = true;
    }
  });
  return changed ? lines.join("\n") : text;
}
