/**
 * Whether an error output was shown by code the cell did not run to its end: a thread's
 * or a callback's (`get_ipython().showtraceback()` in a worker thread, an ipywidgets
 * handler, an IPython event hook, which IPython shows while the cell runs). IPython's traceback of a cell's own error
 * starts at the cell's module frame ("Cell In[3], line 1"; "%run"'s script: "File
 * script.py:3"); one a thread or callback shows starts in the function the thread or
 * loop called ("Cell In[27], line 6, in work()"). Read for a run whose reply was ok
 * (run_cell) and by every reader of saved outputs (cells.ts `outputText`: a saved
 * notebook keeps no reply status); the kernel's own log (kernel/executions.py) tells them
 * apart by the frames.
 */

import type * as nbformat from "@jupyterlab/nbformat";
import { ERROR_RULES } from "./error-rules.generated";
import { trimSpace } from "./errortext";
import { stripAnsi } from "./redactnames";

const FRAME_HEADER = new RegExp(ERROR_RULES.frameHeader);
// A frame header naming its function; a module's (IPython 8's "in <cell line: 1>()",
// a plain traceback's "in <module>") is not one, nor a display method IPython's
// formatters called for the cell's own display ("in Card._repr_markdown_(self)").
// The kernel's readers use the same rule (error_rules.IN_FUNCTION).
const IN_FUNCTION = new RegExp(ERROR_RULES.inFunction);

/** Whether `error`'s traceback starts in a function, not at a cell's or a script's top.
 * Of a chain, the last exception's first frame: an earlier link's starts where it was
 * caught (pandas' KeyError in `Index.get_loc`). Mirrors `errors.shown_by_other_code`. */
export function shownByOtherCode(error: nbformat.IError): boolean {
  const raw = error.traceback as unknown;
  // Other kernels and tools save the traceback as one string: read as one block, as the
  // kernel's reader (notebook_file.output_text) and outputText's text read it.
  const saved = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw : [];
  const blocks = saved.map((b) => trimSpace(stripAnsi(String(b ?? ""))));
  let first: string | undefined;
  for (const block of blocks) {
    if (ERROR_RULES.chainMarkers.some((marker) => block.includes(marker))) first = undefined;
    else if (first === undefined && FRAME_HEADER.test(block)) first = block;
  }
  return first !== undefined && IN_FUNCTION.test(first.split("\n", 1)[0]);
}

/** Said to the model of a run that finished without error beside such an output. Only
 * the traceback's first frame is known here: a function of the cell that catches an
 * error and shows it (ipywidgets' `interact` at its first call) looks the same as a
 * thread's, so the note names both. */
export const SHOWN_BY_OTHER_CODE =
  "The cell finished without error. The error output shown in it was caught and shown while it ran by code other than the cell's top level (its traceback starts in a function): a thread, a callback (a widget's handler, an event hook) or a function that shows the errors it catches. The cell itself did not fail.";
