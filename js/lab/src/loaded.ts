/**
 * Waiting for a notebook panel's document to load, as long as the panel is open.
 *
 * JupyterLab's `context.ready` neither resolves nor rejects when the notebook is closed
 * (or its load fails) while it loads: a wait on it alone could last forever.
 */

import type { ISignal } from "@lumino/signaling";

/** What {@link whenLoaded} asks of a panel (a JupyterLab `NotebookPanel` has it). */
export interface LoadingPanel {
  readonly isDisposed: boolean;
  readonly disposed: ISignal<unknown, void>;
  readonly context: {
    readonly isReady: boolean;
    readonly ready: Promise<void>;
    readonly isDisposed: boolean;
    readonly disposed: ISignal<unknown, void>;
  };
}

/**
 * True once `panel`'s document is loaded; false when the panel or its context is disposed
 * first (closed while it loads) or the load fails.
 */
export function whenLoaded(panel: LoadingPanel): Promise<boolean> {
  const { context } = panel;
  if (panel.isDisposed || context.isDisposed) return Promise.resolve(false);
  if (context.isReady) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const finish = (loaded: boolean): void => {
      panel.disposed.disconnect(closed);
      context.disposed.disconnect(closed);
      resolve(loaded);
    };
    const closed = (): void => finish(false);
    panel.disposed.connect(closed);
    context.disposed.connect(closed);
    context.ready.then(
      () => finish(!panel.isDisposed && !context.isDisposed),
      () => finish(false),
    );
  });
}
