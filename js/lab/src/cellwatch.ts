/**
 * When the context chips must look at a notebook again besides a change of active cell
 * (which their watchers handle at once): cells added, removed or moved (a chip's
 * "cell 4" is a position), and the active cell's text changing (a blank cell typed
 * into is named from then on, a cell turned into `%chat` no longer; chatcell.ts). Those
 * come with every key typed in the notebook, so they only ask for one look in the next
 * animation frame, whatever their number: no work per keystroke beyond that request.
 */

import type { Cell } from "@jupyterlab/cells";
import type { NotebookPanel } from "@jupyterlab/notebook";

type SourceChange = { sourceChange?: unknown };

/** Call `look` at most once a frame after such a change in `panel`; returns the function that stops. */
export function watchCells(panel: NotebookPanel, look: () => void): () => void {
  let frame = 0;
  let stopped = false;
  const soon = (): void => {
    if (frame || stopped) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (!stopped && !panel.isDisposed) look();
    });
  };
  const onSource = (_: unknown, change: SourceChange): void => {
    if (change.sourceChange) soon();
  };
  let cell: Cell | null = null;
  const followActive = (): void => {
    if (cell && !cell.isDisposed) cell.model.sharedModel.changed.disconnect(onSource);
    cell = panel.content.activeCell;
    if (cell && !cell.isDisposed) cell.model.sharedModel.changed.connect(onSource);
  };
  const cells = (): { changed: { connect(f: () => void): unknown; disconnect(f: () => void): unknown } } | null =>
    panel.content.model?.cells ?? null;
  let list = cells();
  const onModel = (): void => {
    list?.changed.disconnect(soon);
    list = cells();
    list?.changed.connect(soon);
    followActive();
    soon();
  };
  list?.changed.connect(soon);
  followActive();
  panel.content.activeCellChanged.connect(followActive);
  panel.content.modelChanged.connect(onModel);
  return () => {
    stopped = true;
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    if (panel.isDisposed) return;
    if (cell && !cell.isDisposed) cell.model.sharedModel.changed.disconnect(onSource);
    list?.changed.disconnect(soon);
    panel.content.activeCellChanged.disconnect(followActive);
    panel.content.modelChanged.disconnect(onModel);
  };
}
