/**
 * Cells a person keeps out of what the assistant reads: the `chatkit-private` tag in a
 * cell's `metadata.tags` (as Jupyter Book's `remove-cell`), saved with the notebook and
 * editable in the property inspector. No tool reads such a cell's source or outputs; the
 * model reads only that cell N was kept out (the number stays, so it matches what the
 * person sees). A cell the person names themselves (an @cell mention, "Explain this
 * cell", "Fix this error", /explain, /fix) is sent: they chose to. Mirrors Python's
 * `jupyter_chatkit.private_cells`, which the kernel and the server apply to saved files.
 */

import type { Cell, ICellModel } from "@jupyterlab/cells";
import type { NotebookPanel } from "@jupyterlab/notebook";

export const PRIVATE_TAG = "chatkit-private";
export const KEPT_OUT_NOTE =
  "The person kept this cell out of what the assistant reads: its source and outputs " +
  "are not shown. Do not guess them; ask the person if it matters.";
/** The class on a kept-out cell's node (style/base.css draws its marker). */
export const PRIVATE_CLASS = "jck-private-cell";

type Tagged = Pick<ICellModel, "getMetadata">;

/** The cell's tags (a list of strings), as saved in `metadata.tags`. */
function tagsOf(model: Tagged): string[] {
  // Plain objects shaped like a cell model (another front end's, a test's) may have none.
  const tags: unknown = model.getMetadata?.("tags");
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/** Whether the live cell model carries the `chatkit-private` tag (saved or not yet). */
export function isPrivate(model: Tagged): boolean {
  return tagsOf(model).includes(PRIVATE_TAG);
}

/** What the model reads in place of a private cell: its number and kind, no content. */
export function keptOut(index: number, cellType: string): { index: number; cell_type: string; kept_out: string } {
  return { index, cell_type: cellType, kept_out: KEPT_OUT_NOTE };
}

/** Add or remove the tag on `model`, keeping its other tags (an empty list is removed). */
export function setPrivate(model: Pick<ICellModel, "getMetadata" | "setMetadata" | "deleteMetadata">, on: boolean): void {
  const others = tagsOf(model).filter((t) => t !== PRIVATE_TAG);
  const tags = on ? [...others, PRIVATE_TAG] : others;
  if (tags.length) model.setMetadata("tags", tags);
  else model.deleteMetadata("tags");
}

/** Show which of `panel`'s cells are kept out (a class on each cell's node). */
export function markPrivateCells(panel: NotebookPanel): void {
  for (const cell of panel.content.widgets) markCell(cell);
}

function markCell(cell: Cell): void {
  if (cell.isDisposed) return;
  cell.node.classList.toggle(PRIVATE_CLASS, isPrivate(cell.model));
}

/**
 * Keep the marks of `panel` current: when its cells or their metadata change (a tag
 * typed in the property inspector too), once per frame.
 */
export function watchPrivateMarks(panel: NotebookPanel): void {
  let scheduled = false;
  const mark = (): void => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      if (!panel.isDisposed) markPrivateCells(panel);
    });
  };
  panel.content.modelContentChanged.connect(mark);
  void panel.context.ready.then(mark);
}
