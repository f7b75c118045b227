/**
 * The context chips of a `%chat` widget living in a notebook (the bridge's
 * `watchContext`): the notebook holding the widget, the cell the person last worked in
 * other than the chat's own cell and other chat cells (at first the cell above the
 * chat; chatcell.ts, as the sidebar), and the text
 * selected in it. Same references, producers and redaction as the sidebar's chips
 * (context.ts); the path follows renames of the open notebook.
 *
 * What the chips name is also what the chat's `get_active_cell` reads (`readTarget`):
 * the bridge answered it for the chat's own cell (its `%chat` line and the widget) while
 * the chips said "cell 1", so the model and the person meant different cells.
 */

import type { Cell } from "@jupyterlab/cells";
import type { INotebookTracker } from "@jupyterlab/notebook";
import type { NotebookContext } from "../../src/bridge";
import { watchCells } from "./cellwatch";
import { contextCell, isChatCell } from "./chatcell";
import { cellRef, notebookRef, selectionRef } from "./context";
import { guardedRef } from "./kernelguard";
import { type CellTarget, cellIndexOf, panelHolding } from "./locate";
import { isPrivate } from "./privatecells";

/** The cell each chat's chips name now, by the chat's own cell (one per widget's cell). */
const named = new WeakMap<Cell, Cell>();

/**
 * The cell `get_active_cell` reads for a tool call from `target` (the cell holding the
 * widget): from a chat cell, the cell its chips name (the one the person worked in, else
 * the one above: as the kernel answers from a chat cell, kernel/cells.py); else `target`.
 */
export function readTarget(target: CellTarget): CellTarget {
  const { panel, index } = target;
  const own = panel.content.widgets[index];
  if (!own || !isChatCell(own)) return target;
  const cell = contextCell(panel, named.get(own) ?? null, index);
  const at = cell ? panel.content.widgets.indexOf(cell) : -1;
  return cell && at >= 0 ? { panel, index: at, cell } : target;
}

/** Follow the notebook holding `fromEl`; returns the function that stops. */
export function watchWidgetContext(
  tracker: INotebookTracker,
  fromEl: HTMLElement,
  onChange: (context: NotebookContext) => void,
): () => void {
  const panel = panelHolding(tracker, fromEl);
  if (!panel) {
    onChange({ notebook: null, refs: [] });
    return () => {};
  }
  let last: Cell | null = null;
  const refresh = (): void => {
    if (panel.isDisposed) return;
    const ownIndex = cellIndexOf(panel, fromEl);
    const cell = contextCell(panel, last, ownIndex);
    last = cell;
    const own = panel.content.widgets[ownIndex];
    if (own && cell) named.set(own, cell);
    else if (own) named.delete(own);
    const refs = [notebookRef(panel)];
    // A cell kept out gets no chip of its own (privatecells.ts): named, it is sent.
    if (cell && !isPrivate(cell.model)) {
      refs.push(cellRef(panel, cell));
      const selection = selectionRef(panel, cell);
      if (selection) refs.push(selection);
    }
    // What they read passes the notebook's kernel, as the sidebar's messages do.
    const session = () => panel.sessionContext;
    onChange({ notebook: panel.context.path, refs: refs.map((ref) => guardedRef(ref, session)) });
  };
  panel.content.activeCellChanged.connect(refresh);
  panel.context.pathChanged.connect(refresh);
  // Cells moving (a chip's number) and the active cell's text (a blank cell typed into).
  const unwatchCells = watchCells(panel, refresh);
  // The selection may have changed while the person was away from the chat.
  fromEl.addEventListener("focusin", refresh);
  refresh();
  return () => {
    unwatchCells();
    fromEl.removeEventListener("focusin", refresh);
    if (panel.isDisposed) return;
    panel.content.activeCellChanged.disconnect(refresh);
    panel.context.pathChanged.disconnect(refresh);
  };
}
