/**
 * The messages that context actions ("Explain this cell", "Ask about this error") send
 * to the assistant. The context goes in the message itself, so it is visible to the
 * person and stays in the thread's history. It passes the context policy first:
 * secrets hidden, the traceback reduced to the user's frames, ANSI-free, bounded.
 */

import type { Cell, ICodeCellModel } from "@jupyterlab/cells";
import type * as nbformat from "@jupyterlab/nbformat";
import { cellOutputs, clip, fence, reduceTraceback, stripAnsi } from "./cells";
import { redactText } from "./redact";

const MAX_SOURCE = 4000;
const MAX_TRACEBACK = 2000;

/** The error outputs of a cell. */
export function errorOutputs(cell: Cell): nbformat.IError[] {
  return cellOutputs(cell).filter((o): o is nbformat.IError => o.output_type === "error");
}

function safe(text: string, max: number): string {
  return clip(redactText(stripAnsi(text)).text, max);
}

/** "cell 3, In [7]": the position people see and the execution count the kernel knows. */
function cellLabel(cell: Cell, index: number): string {
  const count = cell.model.type === "code" ? (cell.model as ICodeCellModel).executionCount : null;
  return count ? `cell ${index + 1}, In [${count}]` : `cell ${index + 1}`;
}

/** "Explain this cell": the cell's source and number. */
export function explainCellMessage(cell: Cell, index: number): string {
  const source = safe(cell.model.sharedModel.getSource(), MAX_SOURCE);
  const lang = cell.model.type === "code" ? "python" : cell.model.type === "markdown" ? "markdown" : "";
  return `Explain this cell (${cellLabel(cell, index)}) of my notebook:\n\n${fence(source, lang)}`;
}

/** "Ask about this error": the failing code, the exception and the reduced traceback. */
export function askErrorMessage(cell: Cell, index: number, error?: nbformat.IError): string {
  const err = error ?? errorOutputs(cell)[0];
  const source = safe(cell.model.sharedModel.getSource(), MAX_SOURCE);
  let text = `I got this error in ${cellLabel(cell, index)}. What went wrong, and how do I fix it?\n\n`;
  text += fence(source, "python");
  if (err) {
    const ename = stripAnsi(String(err.ename ?? ""));
    const evalue = stripAnsi(String(err.evalue ?? ""));
    let tb = reduceTraceback(err.traceback ?? [], ename, evalue, MAX_TRACEBACK).trim();
    if (!tb) tb = `${ename}: ${evalue}`;
    text += `\n\n${fence(safe(tb, MAX_TRACEBACK + 200), "text")}`;
  }
  return text;
}
