/**
 * An error's message as a person reads it in the chat: IPython compiles each cell under
 * a temporary file name, which a SyntaxError's message shows ("invalid syntax
 * (537175822.py, line 1)"); the person knows the cell, so the line alone is kept.
 */

import { ERROR_RULES } from "./error-rules.generated";

// ipykernel's cell files (a number, ".py") and IPython's older "<ipython-input-…>", in a
// message, a frame or a warning's line: the kernel's pattern (context_policy/error_rules.py).
const CELL_FILE = new RegExp(ERROR_RULES.cellFile, "g");

/** `text` with IPython's cell file names dropped: "(537175822.py, line 1)" -> "(line 1)",
 * `File "/tmp/ipykernel_1/537175822.py", line 1` -> "Cell, line 1". */
export function withCellLines(text: string): string {
  if (!text.includes(".py") && !text.includes("<ipython-input")) return text;
  return text.replace(CELL_FILE, (_, message?: string, frame?: string, warning?: string) =>
    message ? `(line ${message})` : `Cell, line ${frame ?? warning}`,
  );
}

// What a traceback's blocks, frames and final line are trimmed of: the kernel's set
// (context_policy/error_rules.py), not JavaScript's trim (Python's differs from it).
const TRIM = new Set<string>(ERROR_RULES.trimSpace);

/** `text` without the table's white space at its start (`start`) and end (`end`). */
export function trimSpace(text: string, start = true, end = true): string {
  let from = 0;
  let to = text.length;
  if (start) while (from < to && TRIM.has(text[from])) from++;
  if (end) while (to > from && TRIM.has(text[to - 1])) to--;
  return text.slice(from, to);
}
