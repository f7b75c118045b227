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

// The frame every uncaught error's traceback starts from: IPython running the cell.
// A traceback printed by the cell's own code (`traceback.print_exc()` in an except
// block) starts at the cell's frame and never holds it.
// Lines end only at "\n" (`.`, `^` and `$` with the m flag would also end them at a lone
// "\r"), as in Python's patterns (uncaught_group.py); "\r\n" is read as "\n" first.
export const RUN_CODE =
  /(?<=^|\n)[ |+-]*File "[^"\n]{0,400}[/\\]IPython[/\\]core[/\\]interactiveshell\.py", line \d+, in run_code(?=\n|$)/;
// A traceback's first line, as Python prints it (nested in a group's "  | " margin).
const HEADER = /(?<=^|\n)[ |+]*(?:Exception Group )?Traceback \(most recent call last\):(?=\n|$)/;
// "Name: message" at the margin: the exception raised last (Python prints it last).
const FINAL = /^([A-Za-z_][\w.]{0,200})(?:: ([^\n]*))?$/;
// A group's own line under its traceback: "  | ExceptionGroup: batch (2 sub-exceptions)".
const GROUP = /(?<=^|\n) {2}\| ([A-Za-z_][\w.]{0,200})(?:: ?([^\n]*))?(?=\n|$)/;

function joined(text: nbformat.MultilineString | undefined): string {
  return Array.isArray(text) ? text.join("") : String(text ?? "");
}

/** `output`, or, for a stderr stream ending in IPython's print of an uncaught error,
 * the stream's text before it (if any) and that error as an error output. */
export function splitUncaught(output: nbformat.IOutput): nbformat.IOutput[] {
  if (output.output_type !== "stream" || (output as nbformat.IStream).name !== "stderr") return [output];
  const raw = joined((output as nbformat.IStream).text);
  // Cheap first: the error buttons ask this of every stream as it grows.
  if (!raw.includes("in run_code")) return [output];
  const text = stripAnsi(raw).replaceAll("\r\n", "\n");
  const runCode = RUN_CODE.exec(text);
  if (!runCode) return [output];
  // The printed chain starts at the first traceback header before IPython's frame.
  const header = HEADER.exec(text.slice(0, runCode.index));
  if (!header) return [output];
  const before = text.slice(0, header.index);
  const traceback = text.slice(header.index).trimEnd();
  const last = traceback.slice(traceback.lastIndexOf("\n") + 1);
  const said = FINAL.exec(last) ?? GROUP.exec(traceback.slice(runCode.index - header.index));
  const error: nbformat.IError = {
    output_type: "error",
    ename: said?.[1] ?? "ExceptionGroup",
    evalue: said?.[2]?.trim() ?? "",
    traceback: [traceback],
  };
  return before.trim() ? [{ ...output, text: before } as nbformat.IStream, error] : [error];
}
