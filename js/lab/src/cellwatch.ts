/**
 * When the context chips must look at a notebook again besides a change of active cell
 * (which their watchers handle at once): cells added, removed or moved (a chip's
 * "cell 4" is a position), and the active cell's text changing (a blank cell typed
 * into is named from then on, a cell turned into `%chat` no longer; chatcell.ts). Those
 * come with every key typed in the notebook, so they only ask for one look in the next
 * animation frame, whatever their number: no work per keystroke beyond that request.
 *
 * The active cell's selection changing (a selection chip names what is selected now):
 * one look once the selection has rested for {@link SELECTION_PAUSE_MS}. Its editor
 * reports every cursor move (each key typed, each step of a mouse drag), so each report
 * only restarts that timer.
 */

import type { Cell } from "@jupyterlab/cells";
import type { NotebookPanel } from "@jupyterlab/notebook";

type SourceChange = { sourceChange?: unknown };

/** How long the active cell's selection rests before the chips look at it again. */
export const SELECTION_PAUSE_MS = 200;

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
  let rest: ReturnType<typeof setTimeout> | null = null;
  const onSelection = (): void => {
    if (stopped) return;
    if (rest !== null) clearTimeout(rest);
    rest = setTimeout(() => {
      rest = null;
      if (!stopped && !panel.isDisposed) look();
    }, SELECTION_PAUSE_MS);
  };
  let cell: Cell | null = null;
  const unfollowCell = (): void => {
    if (!cell || cell.isDisposed) return;
    cell.model.sharedModel.changed.disconnect(onSource);
    cell.model.selections.changed.disconnect(onSelection);
  };
  const followActive = (): void => {
    unfollowCell();
    cell = panel.content.activeCell;
    if (cell && !cell.isDisposed) {
      cell.model.sharedModel.changed.connect(onSource);
      cell.model.selections.changed.connect(onSelection);
    }
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
    if (rest !== null) clearTimeout(rest);
    rest = null;
    if (panel.isDisposed) return;
    unfollowCell();
    list?.changed.disconnect(soon);
    panel.content.activeCellChanged.disconnect(followActive);
    panel.content.modelChanged.disconnect(onModel);
  };
}
