/**
 * Helpers of the context actions ("Explain this cell", "Fix this error"). Their
 * messages are compact references built in context.ts: the cell's content travels as
 * a tag's context, redacted and bounded by the client tools' producers, not as text.
 */

import type { Cell, ICodeCellModel } from "@jupyterlab/cells";
import type * as nbformat from "@jupyterlab/nbformat";
import { splitUncaught } from "./grouperror";
import { endedRun } from "./kerneldeath";

/** The outputs of a cell model (empty for markdown and raw cells); an uncaught
 * ExceptionGroup IPython printed to stderr is read as the error it is (grouperror.ts),
 * and a run its kernel never finished (it died, restarted) ends in an error saying so
 * (kerneldeath.ts). */
export function cellOutputs(cell: Cell): nbformat.IOutput[] {
  if (cell.model.type !== "code") return [];
  const outputs = (cell.model as ICodeCellModel).outputs.toJSON().flatMap(splitUncaught);
  const died = endedRun(cell);
  return died ? [...outputs, died] : outputs;
}

/** The error outputs of a cell. */
export function errorOutputs(cell: Cell): nbformat.IError[] {
  return cellOutputs(cell).filter((o): o is nbformat.IError => o.output_type === "error");
}
