/**
 * Finding the notebook and cell that a DOM element or a command is about.
 */

import type { Cell } from "@jupyterlab/cells";
import type { INotebookTracker, NotebookPanel } from "@jupyterlab/notebook";

/** A notebook and one of its cells, by index. */
export interface CellTarget {
  panel: NotebookPanel;
  index: number;
  cell: Cell | null;
}

/** The notebook panel whose DOM holds `el`, if any. */
export function panelHolding(tracker: INotebookTracker, el: Element): NotebookPanel | null {
  return tracker.find((panel) => panel.node.contains(el)) ?? null;
}

/** The index of the cell whose DOM node is (or holds) `el` in `panel`, or -1. */
export function cellIndexOf(panel: NotebookPanel, el: Element): number {
  const node = el.closest(".jp-Cell");
  if (!node) return -1;
  return panel.content.widgets.findIndex((cell) => cell.node === node);
}

/**
 * The cell holding `el` (e.g. a chat widget in an output). We go by the DOM rather than
 * the active cell because Shift+Enter moves the active cell on past the widget's cell.
 */
export function targetOfElement(tracker: INotebookTracker, el: Element): CellTarget | null {
  const panel = panelHolding(tracker, el);
  if (!panel) return null;
  const index = cellIndexOf(panel, el);
  if (index < 0) return null;
  return { panel, index, cell: panel.content.widgets[index] ?? null };
}

/** The active cell of `panel` (the notebook the sidebar is attached to), if any. */
export function activeTarget(panel: NotebookPanel | null): CellTarget | null {
  if (!panel || panel.isDisposed) return null;
  const index = panel.content.activeCellIndex;
  return { panel, index, cell: panel.content.activeCell };
}
