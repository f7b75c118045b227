/**
 * A cell merged from cells one of which was kept out stays kept out.
 *
 * JupyterLab's merge (Shift+M, Edit > Merge Cells, Merge Cell Above / Below) makes one
 * cell holding the sources joined, with the metadata of the active cell alone: merging a
 * kept-out cell into a readable one dropped its `chatkit-private` tag, and its source
 * reached the model. So a change that removes a kept-out cell and inserts one holding
 * that cell's source tags the new cell too. (A split, a copy and paste, a move or a cell
 * type change keep the cell's metadata, tag and all.)
 *
 * No JupyterLab import at run time: the notebook is its shared model (tested in node).
 */

import { isPrivate, setPrivate } from "./privatecells";

/** A cell as this needs it: a notebook's shared cell (`ISharedCell`). */
export interface MergedCell {
  readonly id: string;
  getSource(): string;
  getMetadata(key: string): unknown;
  setMetadata(key: string, value: unknown): void;
  deleteMetadata(key: string): void;
}

/** One change of a notebook's cell list (a Yjs delta: `NotebookChange.cellsChange`). */
type CellsDelta = readonly { insert?: readonly MergedCell[]; delete?: number; retain?: number }[];

/** A notebook's shared model (`ISharedNotebook`), as far as this reads it. */
export interface MergedNotebook {
  readonly cells: readonly MergedCell[];
  readonly changed: {
    connect(slot: (sender: unknown, change: { cellsChange?: CellsDelta }) => void): unknown;
    disconnect(slot: (sender: unknown, change: { cellsChange?: CellsDelta }) => void): unknown;
  };
}

/**
 * Keep `notebook`'s merged cells kept out when a kept-out cell went into them. `contentChanged`:
 * told of every change of the notebook's content (a cell's source typed in too), so the
 * kept-out cells' sources are known as they were just before a merge. Returns what stops it.
 */
export function keepMergesOut(
  notebook: MergedNotebook,
  contentChanged: { connect(slot: () => void): unknown; disconnect(slot: () => void): unknown },
): () => void {
  // The kept-out cells' sources as last seen, by id: still there when the change that
  // removed their cell is looked at (the notebook's content was told first, or not).
  const kept = new Map<string, string>();
  const look = (): void => {
    for (const cell of notebook.cells) if (isPrivate(cell)) kept.set(cell.id, cell.getSource());
  };
  const onChanged = (_: unknown, change: { cellsChange?: CellsDelta }): void => {
    const delta = change.cellsChange;
    if (!delta) return;
    const inserted = delta.flatMap((d) => d.insert ?? []);
    const present = new Set(notebook.cells.map((c) => c.id));
    const removed = [...kept].filter(([id]) => !present.has(id)).map(([, source]) => source.trim());
    for (const [id] of kept) if (!present.has(id)) kept.delete(id);
    for (const cell of inserted) {
      if (!present.has(cell.id) || isPrivate(cell)) continue;
      const source = cell.getSource();
      if (removed.some((s) => s && source.includes(s))) setPrivate(cell, true);
    }
    look();
  };
  look();
  notebook.changed.connect(onChanged);
  contentChanged.connect(look);
  return () => {
    notebook.changed.disconnect(onChanged);
    contentChanged.disconnect(look);
  };
}
