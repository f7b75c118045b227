/** A notebook panel as a plain object shaped like JupyterLab's: only what the chips and
 * the cell readers ask of it (its path, kernel name, cells and active cell). */

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
