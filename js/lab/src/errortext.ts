/**
 * An error's message as a person reads it in the chat: IPython compiles each cell under
 * a temporary file name, which a SyntaxError's message shows ("invalid syntax
 * (537175822.py, line 1)"); the person knows the cell, so the line alone is kept.
 */

// ipykernel's cell files (a number, ".py") and IPython's older "<ipython-input-…>".
const CELL_FILE = /\((?:\d+\.py|<ipython-input-[^>]*>), line (\d+)\)/g;

/** `text` with IPython's cell file names dropped: "(537175822.py, line 1)" -> "(line 1)". */
export function withCellLines(text: string): string {
  return text.replace(CELL_FILE, "(line $1)");
}
