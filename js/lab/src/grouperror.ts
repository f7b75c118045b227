/**
 * A cell's uncaught ExceptionGroup, as an error output. IPython (9.x) shows an
 * ExceptionGroup, or an error raised while handling one, with Python's own
 * `traceback.print_exc()`: a stderr stream, no error output. Read as a stream, the
 * error lost the error's budget (a long log before it left it a few characters, or none)
 * and its name, and "Fix this error" did not know the cell had failed. Mirrors
 * `kernel.notebook_file.split_uncaught`.
 */

import type * as nbformat from "@jupyterlab/nbformat";
import { stripAnsi } from "./redact";
import { multilineText } from "./streams";
import { UNCAUGHT_RULES as RULES } from "./uncaught-rules.generated";

// The patterns and their use are the same as the kernel's uncaught_group.py (one table,
// kernel/uncaught_rules.py, generated here). No flags: lines end only at "\n", as in
// Python ("\r\n" is read as "\n" first; a lone "\r" ends none).
export const RUN_CODE = new RegExp(RULES.runCode);
const HEADER = new RegExp(RULES.tracebackHeader);
const FINAL = new RegExp(RULES.finalLine);
const GROUP = new RegExp(RULES.groupLine);

/** `text` without the table's white space at its start and end (JavaScript's `trim()`,
 * as Python's `strip(SPACE)` reads it). */
function trimmed(text: string, start = true): string {
  let from = 0;
  let to = text.length;
  while (to > 0 && RULES.space.includes(text[to - 1])) to--;
  while (start && from < to && RULES.space.includes(text[from])) from++;
  return text.slice(from, to);
}

// As the kernel's reader (a string or a list of lines; anything else no text).
const joined = (text: nbformat.MultilineString | undefined): string => multilineText(text);

/** `output`, or, for a stderr stream ending in IPython's print of an uncaught error,
 * the stream's text before it (if any) and that error as an error output. */
export function splitUncaught(output: nbformat.IOutput): nbformat.IOutput[] {
  if (output.output_type !== "stream" || (output as nbformat.IStream).name !== "stderr") return [output];
  const raw = joined((output as nbformat.IStream).text);
  // Cheap first: the error buttons ask this of every stream as it grows.
  if (!raw.includes(RULES.runCodeTrigger)) return [output];
  const text = stripAnsi(raw).replaceAll("\r\n", "\n");
  const runCode = RUN_CODE.exec(text);
  if (!runCode) return [output];
  // The printed chain starts at the first traceback header before IPython's frame.
  const header = HEADER.exec(text.slice(0, runCode.index));
  if (!header) return [output];
  const before = text.slice(0, header.index);
  const traceback = trimmed(text.slice(header.index), false);
  const said =
    FINAL.exec(traceback.slice(traceback.lastIndexOf("\n") + 1)) ??
    GROUP.exec(traceback.slice(runCode.index - header.index));
  const error: nbformat.IError = {
    output_type: "error",
    ename: said?.[1] ?? RULES.defaultName,
    evalue: said ? trimmed(said[2] ?? "") : "",
    traceback: [traceback],
  };
  return trimmed(before) ? [{ ...output, text: before } as nbformat.IStream, error] : [error];
}
