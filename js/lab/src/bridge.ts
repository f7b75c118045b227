/**
 * `window.jupyterChatkitBridge` over the notebook tracker: how the chat widget living in
 * a cell output reaches the notebook around it. The contract (`ChatkitBridge`) is
 * declared once, in js/src/bridge.ts; arguments come from another bundle, so they are
 * checked here.
 */

import type { INotebookTracker } from "@jupyterlab/notebook";
import { type ChatkitBridge, cellPosition } from "../../src/bridge";
import { NotebookAgent } from "./agent";
import { activeCell, type NotebookCellsArgs, notebookCells } from "./cells";
import { showCell } from "./context";
import { insertCode } from "./edits";
import { panelHolding, targetOfElement } from "./locate";
import { watchWidgetContext } from "./widgetcontext";

/** Build the bridge over `tracker`. */
export function createBridge(tracker: INotebookTracker): ChatkitBridge {
  return {
    version: 1,
    async insertCell(fromEl, code, opts = {}) {
      if (typeof code !== "string" || !(fromEl instanceof Element)) return false;
      const target = targetOfElement(tracker, fromEl);
      if (!target) return false;
      return insertCode(target.panel, target.index, code, {
        run: opts?.run === true,
        position: cellPosition(opts?.position),
      });
    },
    async notebookCells(fromEl, args = {}) {
      const target = fromEl instanceof Element ? targetOfElement(tracker, fromEl) : null;
      return target ? notebookCells(target.panel, target.index, (args ?? {}) as NotebookCellsArgs) : null;
    },
    async activeCell(fromEl) {
      const target = fromEl instanceof Element ? targetOfElement(tracker, fromEl) : null;
      return target ? activeCell(target.panel, target.index) : null;
    },
    watchContext(fromEl, onChange) {
      if (!(fromEl instanceof HTMLElement) || typeof onChange !== "function") return () => {};
      return watchWidgetContext(tracker, fromEl, onChange);
    },
    showCell(fromEl, index) {
      if (!(fromEl instanceof Element) || !Number.isInteger(index)) return;
      showCell(panelHolding(tracker, fromEl), index);
    },
    agent(fromEl) {
      if (!(fromEl instanceof Element) || !panelHolding(tracker, fromEl)) return null;
      // Steps act on the notebook holding the widget, whichever notebook has focus.
      return new NotebookAgent(() => panelHolding(tracker, fromEl));
    },
  };
}

/** Install the bridge on `window` (replacing an older one, e.g. after a hot reload). */
export function installBridge(tracker: INotebookTracker): ChatkitBridge {
  const bridge = createBridge(tracker);
  window.jupyterChatkitBridge = bridge;
  return bridge;
}
