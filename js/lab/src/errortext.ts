/**
 * An error's message as a person reads it in the chat: IPython compiles each cell under
 * a temporary file name, which a SyntaxError's message shows ("invalid syntax
 * (537175822.py, line 1)"); the person knows the cell, so the line alone is kept.
 */

// ipykernel's cell files (a number, ".py") and IPython's older "<ipython-input-…>", in a
// message or in an older or plain traceback's frame (`File "/tmp/ipykernel_1/2.py", line
// 1`). Mirrors context_policy/errors.py's `with_cell_lines`.
// A warning's or a printed traceback's in a stream too (`/tmp/ipykernel_1/2.py:3: UserWarning`).
const CELL_FILE =
  /\((?:\d+\.py|<ipython-input-[^>\n]{0,100}>), line (\d+)\)|File "?(?:[^"\s]{0,300}[/\\]ipykernel_\d+[/\\]\d+\.py|<ipython-input-[^>\n]{0,100}>)"?(?:, line |:)(\d+)|(?<![^\s"'(])[^"'\s]{0,300}[/\\]ipykernel_\d+[/\\]\d+\.py:(\d+)(?=:)/g;

/** `text` with IPython's cell file names dropped: "(537175822.py, line 1)" -> "(line 1)",
 * `File "/tmp/ipykernel_1/537175822.py", line 1` -> "Cell, line 1". */
export function withCellLines(text: string): string {
  if (!text.includes(".py") && !text.includes("<ipython-input")) return text;
  return text.replace(CELL_FILE, (_, message?: string, frame?: string, warning?: string) =>
    message ? `(line ${message})` : `Cell, line ${frame ?? warning}`,
  );
}
