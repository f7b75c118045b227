/**
 * Changing a notebook on a person's click: insert a code cell next to a given cell,
 * optionally run it, or replace a cell's source in one undoable step.
 */

import { SessionContextDialogs } from "@jupyterlab/apputils";
import type { Cell } from "@jupyterlab/cells";
import { NotebookActions, type NotebookPanel } from "@jupyterlab/notebook";
import type { InsertOptions, InsertResult } from "../../src/bridge";

/**
 * Insert a code cell holding exactly `code` next to cell `index` of `panel` and make it
 * the active cell, with the keyboard (`focusCell`), unless the person is typing in a
 * field or a cell; start running it when `run`.
 * Resolves to false when nothing was inserted (no notebook model, or a read-only
 * notebook), to "no-kernel" when it was but the notebook has no kernel to run it yet
 * (JupyterLab then starts or asks for one).
 */
export async function insertCode(
  panel: NotebookPanel,
  index: number,
  code: string,
  options: Partial<InsertOptions> = {},
): Promise<InsertResult> {
  const notebook = panel.content;
  const model = notebook.model;
  if (!model || model.readOnly) return false;
  const count = notebook.widgets.length;
  const ref = Math.min(Math.max(index, -1), count - 1);
  const at = options.position === "above" ? Math.max(ref, 0) : ref + 1;
  // Someone typing (in a cell, in the chat's box) keeps their cell active: made active,
  // the new cell took the keyboard from the cell being edited (edit mode follows it).
  const typing = !keyboardFree();
  const before = notebook.activeCell;
  // In that cell's editor: running the new cell (command mode) must not take it either.
  const editing = typing && notebook.mode === "edit" && !!before?.node.contains(document.activeElement);
  // A model-level insert puts the source in the same transaction as the cell, so one
  // undo removes the whole insertion and no empty cell ever flashes.
  model.sharedModel.insertCell(at, { cell_type: "code", source: code });
  const cell = notebook.widgets[at];
  if (!cell) return false;
  if (!typing) {
    notebook.deselectAll();
    notebook.activeCellIndex = at;
  } else if (before && notebook.activeCell !== before && notebook.widgets.includes(before)) {
    notebook.activeCellIndex = notebook.widgets.indexOf(before);
  }
  // Scroll only: Notebook.scrollToCell also activates the cell, whose editor then takes
  // the keyboard whenever the scroll ends, wherever the person has gone meanwhile.
  void notebook.scrollToItem(at).catch(() => undefined);
  focusCell(panel, cell);
  if (options.run) {
    const noKernel = panel.sessionContext.hasNoKernel;
    // Not awaited: the insertion is done, and a cell may run for minutes (or raise,
    // which makes runCells resolve false although the code did reach the notebook).
    // With the dialogs, a notebook with no kernel gets one as JupyterLab's Run does (the
    // preferred one starts, or the person is asked) and the cell runs; without them it
    // silently stayed unrun while the chat said "running".
    void NotebookActions.runCells(notebook, [cell], panel.sessionContext, new SessionContextDialogs())
      // Then bring its output into view (it may be taller than the cell was).
      .then(() => (cell.isDisposed ? undefined : notebook.scrollToItem(notebook.widgets.indexOf(cell), "auto")))
      .catch((e: unknown) => console.warn("jupyter-chatkit: running the inserted cell failed", e));
    if (editing && !before?.isDisposed && notebook.activeCell === before) notebook.mode = "edit";
    if (noKernel) return "no-kernel";
  }
  return true;
}

/** What {@link replaceSource} did, to undo it. */
export interface Replacement {
  index: number;
  before: string;
  after: string;
  /** Undo the replacement; false when the cell has changed since. */
  undo(): boolean;
}

/**
 * Replace the source of `cell` (cell `index`) with `code` as one step of the cell's own
 * undo history, so both our Undo notice and Ctrl+Z in the editor revert exactly it.
 */
export function replaceSource(cell: Cell, index: number, code: string): Replacement {
  const shared = cell.model.sharedModel;
  const before = shared.getSource();
  // The YCell behind ISharedCell has a Y.UndoManager; the interface does not expose it.
  const undoManager = (shared as { undoManager?: { stopCapturing(): void } | null }).undoManager;
  // Close the current capture group first: Yjs merges edits made within 500 ms, and the
  // person may have been typing in this cell just before clicking.
  undoManager?.stopCapturing();
  shared.setSource(code);
  undoManager?.stopCapturing();
  return {
    index,
    before,
    after: code,
    undo(): boolean {
      if (shared.isDisposed || shared.getSource() !== code) return false;
      if (shared.canUndo()) shared.undo();
      // Without an undo manager (or if Yjs merged steps), restore the text directly.
      if (shared.getSource() !== before) shared.setSource(before);
      return true;
    },
  };
}

/** Whether the keyboard is on nothing or on a button (not in a field or a cell's editor). */
function keyboardFree(): boolean {
  const now = document.activeElement;
  return !now || now === document.body || now instanceof HTMLButtonElement;
}

/**
 * Give the keyboard to `cell` of `panel` in command mode, where a person continues after
 * a click put code in it (Shift+Enter runs it), unless they have moved on: only while the
 * focus is on nothing or on a button (where the click left it, or where a dialog gave it
 * back), never from a field being typed in or from a cell.
 */
export function focusCell(panel: NotebookPanel, cell: Cell): void {
  if (!keyboardFree() || panel.isDisposed || !panel.isVisible || cell.isDisposed) return;
  const notebook = panel.content;
  const index = notebook.widgets.indexOf(cell);
  if (index < 0) return;
  notebook.activeCellIndex = index;
  notebook.mode = "command";
  notebook.activate();
}
