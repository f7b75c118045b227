/**
 * `window.jupyterChatkitBridge`: how the chat widget living in a cell output (anywidget,
 * which has no notebook API of its own) reaches the notebook around it.
 *
 * Contract, version 1 (the widget feature-detects `version`):
 *   insertCell(fromEl, code, {run}) → Promise<boolean>
 *       insert a code cell holding exactly `code` directly below the cell that holds
 *       `fromEl`, make it active, run it if `run`. False when no notebook holds `fromEl`
 *       or the notebook refused (read-only).
 *   notebookCells(fromEl, args) → Promise<object | null>
 *       the `get_notebook_cells` answer, centred on the cell holding `fromEl`.
 *   activeCell(fromEl) → Promise<object | null>
 *       the `get_active_cell` answer for the cell holding `fromEl`.
 * null means "not inside a notebook here": the widget answers from the kernel instead.
 */

import type { INotebookTracker } from "@jupyterlab/notebook";
import { activeCell, notebookCells, type NotebookCellsArgs } from "./cells";
import { insertCode } from "./edits";
import { targetOfElement } from "./locate";

/** The object installed on `window`. */
export interface JupyterChatkitBridge {
  version: 1;
  insertCell(fromEl: HTMLElement, code: string, opts?: { run?: boolean }): Promise<boolean>;
  notebookCells(fromEl: HTMLElement, args?: NotebookCellsArgs): Promise<unknown | null>;
  activeCell(fromEl: HTMLElement): Promise<unknown | null>;
}

declare global {
  interface Window {
    jupyterChatkitBridge?: JupyterChatkitBridge;
  }
}

/** Build the bridge over `tracker`. */
export function createBridge(tracker: INotebookTracker): JupyterChatkitBridge {
  return {
    version: 1,
    async insertCell(fromEl, code, opts = {}) {
      if (typeof code !== "string" || !(fromEl instanceof Element)) return false;
      const target = targetOfElement(tracker, fromEl);
      if (!target) return false;
      return insertCode(target.panel, target.index, code, { run: !!opts.run, position: "below" });
    },
    async notebookCells(fromEl, args = {}) {
      const target = fromEl instanceof Element ? targetOfElement(tracker, fromEl) : null;
      return target ? notebookCells(target.panel, target.index, args ?? {}) : null;
    },
    async activeCell(fromEl) {
      const target = fromEl instanceof Element ? targetOfElement(tracker, fromEl) : null;
      return target ? activeCell(target.panel, target.index) : null;
    },
  };
}

/** Install the bridge on `window` (replacing an older one, e.g. after a hot reload). */
export function installBridge(tracker: INotebookTracker): JupyterChatkitBridge {
  const bridge = createBridge(tracker);
  window.jupyterChatkitBridge = bridge;
  return bridge;
}
