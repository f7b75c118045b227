/** A notebook panel and its cells as plain objects shaped like JupyterLab's: only what the
 * chips, the cell readers and the kept-out cells (privatecells.ts) ask of them. */

import type { Cell } from "@jupyterlab/cells";
import type { NotebookPanel } from "@jupyterlab/notebook";

export function notebook(cells: Cell[], active: number): NotebookPanel {
  return {
    isDisposed: false,
    context: { path: "work/a.ipynb", localPath: "work/a.ipynb" },
    sessionContext: { kernelDisplayName: "Python 3" },
    content: { widgets: cells, activeCell: cells[active] ?? null, activeCellIndex: active },
  } as never;
}

/** A code (or `type`) cell that ran once, with `outputs` and metadata a test can set. */
export function cell(id: string, source: string, outputs: unknown[] = [], type = "code"): Cell {
  const metadata = new Map<string, unknown>();
  return {
    isDisposed: false,
    model: {
      id,
      type,
      executionCount: 1,
      sharedModel: { getSource: () => source },
      outputs: { toJSON: () => outputs },
      getMetadata: (key: string) => metadata.get(key),
      setMetadata: (key: string, value: unknown) => metadata.set(key, value),
      deleteMetadata: (key: string) => metadata.delete(key),
    },
    node: { querySelector: () => null },
  } as never;
}
