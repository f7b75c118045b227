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
