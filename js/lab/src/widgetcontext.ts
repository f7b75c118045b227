/**
 * The context chips of a `%chat` widget living in a notebook (the bridge's
 * `watchContext`): the notebook holding the widget, the cell the person last worked in
 * other than the chat's own cell and other chat cells (at first the cell above the
 * chat; chatcell.ts, as the sidebar), and the text
 * selected in it. Same references, producers and redaction as the sidebar's chips
 * (context.ts); the path follows renames of the open notebook.
 */

import type { Cell } from "@jupyterlab/cells";
import type { INotebookTracker } from "@jupyterlab/notebook";
import type { NotebookContext } from "../../src/bridge";
import { contextCell } from "./chatcell";
import { cellRef, notebookRef, selectionRef } from "./context";
import { guardedRef } from "./kernelguard";
import { cellIndexOf, panelHolding } from "./locate";

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
    const cell = contextCell(panel, last, cellIndexOf(panel, fromEl));
    last = cell;
    const refs = [notebookRef(panel)];
    if (cell) {
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
  // The selection may have changed while the person was away from the chat.
  fromEl.addEventListener("focusin", refresh);
  refresh();
  return () => {
    fromEl.removeEventListener("focusin", refresh);
    if (panel.isDisposed) return;
    panel.content.activeCellChanged.disconnect(refresh);
    panel.context.pathChanged.disconnect(refresh);
  };
}
