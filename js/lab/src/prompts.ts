/**
 * The messages that context actions ("Explain this cell", "Ask about this error") send
 * to the assistant. The context goes in the message itself, so it is visible to the
 * person and stays in the thread's history.
 */

import type { Cell } from "@jupyterlab/cells";
import type * as nbformat from "@jupyterlab/nbformat";
import { cellOutputs, clip, fence, stripAnsi } from "./cells";

const MAX_SOURCE = 4000;
const MAX_TRACEBACK = 3000;

/** The error outputs of a cell. */
export function errorOutputs(cell: Cell): nbformat.IError[] {
  return cellOutputs(cell).filter((o): o is nbformat.IError => o.output_type === "error");
}

/** "Explain this cell": the cell's source and number. */
export function explainCellMessage(cell: Cell, index: number): string {
  const source = clip(cell.model.sharedModel.getSource(), MAX_SOURCE);
  const lang = cell.model.type === "code" ? "python" : cell.model.type === "markdown" ? "markdown" : "";
  return `Explain this cell (cell ${index + 1}) of my notebook:\n\n${fence(source, lang)}`;
}

/** "Ask about this error": the failing code and the traceback (ANSI stripped, bounded). */
export function askErrorMessage(cell: Cell, index: number, error?: nbformat.IError): string {
  const err = error ?? errorOutputs(cell)[0];
  const source = clip(cell.model.sharedModel.getSource(), MAX_SOURCE);
  let text = `I got this error in cell ${index + 1}. What went wrong, and how do I fix it?\n\n`;
  text += fence(source, "python");
  if (err) {
    let tb = stripAnsi((err.traceback ?? []).join("\n")).trim();
    if (!tb) tb = `${err.ename}: ${err.evalue}`;
    // The bottom of a traceback names the failing line and the exception.
    if (tb.length > MAX_TRACEBACK) tb = `…\n${tb.slice(-MAX_TRACEBACK)}`;
    text += `\n\n${fence(tb, "text")}`;
  }
  return text;
}
