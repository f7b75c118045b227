/**
 * `window.jupyterChatkitBridge` over the notebook tracker: how the chat widget living in
 * a cell output reaches the notebook around it. The contract (`ChatkitBridge`) is
 * declared once, in js/src/bridge.ts; arguments come from another bundle, so they are
 * checked here.
 */

import type { INotebookTracker, NotebookPanel } from "@jupyterlab/notebook";
import { type BridgeRunTool, type ChatkitBridge, cellPosition } from "../../src/bridge";
import { CLIENT_TOOLS } from "../../src/protocol";
import { insertCode } from "./edits";
import { LazyAgent } from "./lazyagent";
import { panelHolding, targetOfElement } from "./locate";
import { keptOutIndexes, liveCells } from "./privatecells";

// The notebook operations (tool table, context chips) load on a widget's first use, not
// at JupyterLab's start (see notebookops.ts).
const ops = () => import("./notebookops");
const kernelOps = () => import("./kernel");
const mentionOps = () => import("./mentions");

/** The tools the kernel answers (`runs_in: "kernel"`): variables. */
const KERNEL_TOOLS = new Set<string>(CLIENT_TOOLS.filter((t) => t.runs_in === "kernel").map((t) => t.name));

/** Build the bridge over `tracker`. */
export function createBridge(tracker: INotebookTracker): ChatkitBridge {
  const runTool: BridgeRunTool = async (fromEl, name, args, signal) => {
    const target = fromEl instanceof Element ? targetOfElement(tracker, fromEl) : null;
    if (!target) return null;
    // A kernel tool: the widget asks only when its own kernel connection is gone (the
    // kernel restarted); the notebook's session reaches the kernel it runs now.
    if (typeof name === "string" && KERNEL_TOOLS.has(name)) {
      const { runKernelTool } = await kernelOps();
      return runKernelTool(target.panel.sessionContext, name, args ?? {}, { cells: liveCells(target.panel) });
    }
    // Read tools only: Agent steps run through agent(), after the person approved them.
    const { readTarget, runNotebookTool } = await ops();
    // From a chat's own cell, "the active cell" is the one its chips name (widgetcontext.ts).
    const at = name === "get_active_cell" ? readTarget(target) : target;
    const outcome = await runNotebookTool(at, name, args, signal instanceof AbortSignal ? signal : undefined);
    return outcome ? outcome.result : null;
  };
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
    runTool,
    // Version 1's own two tools, for widgets older than runTool.
    notebookCells: (fromEl, args = {}) => runTool(fromEl, "get_notebook_cells", args ?? {}),
    activeCell: (fromEl) => runTool(fromEl, "get_active_cell", {}),
    watchContext(fromEl, onChange) {
      if (!(fromEl instanceof HTMLElement) || typeof onChange !== "function") return () => {};
      // The contract calls onChange now: the notebook at once (the widget keys its
      // conversations on it), its chips when the code reading them has loaded.
      const panel = panelHolding(tracker, fromEl);
      onChange({ notebook: panel && !panel.isDisposed ? panel.context.path : null, refs: [] });
      let stop: (() => void) | null = null;
      let stopped = false;
      void ops().then(({ watchWidgetContext }) => {
        if (!stopped) stop = watchWidgetContext(tracker, fromEl, onChange);
      });
      return () => {
        stopped = true;
        stop?.();
      };
    },
    showCell(fromEl, index) {
      if (!(fromEl instanceof Element) || !Number.isInteger(index)) return;
      void ops().then(({ showCell }) => showCell(panelHolding(tracker, fromEl), index));
    },
    async files(fromEl, query) {
      if (!(fromEl instanceof Element) || typeof query !== "string") return [];
      const { fileMentions } = await mentionOps();
      // A notebook open here is read as open (its tags not saved yet too).
      const open = (path: string) => {
        let found: NotebookPanel | null = null;
        tracker.forEach((p) => {
          if (!found && !p.isDisposed && p.context.localPath === path) found = p;
        });
        return found;
      };
      return fileMentions(query, open);
    },
    liveCells(fromEl) {
      const panel = fromEl instanceof Element ? panelHolding(tracker, fromEl) : null;
      return panel && !panel.isDisposed ? liveCells(panel) : null;
    },
    keptOutCells(fromEl) {
      const panel = fromEl instanceof Element ? panelHolding(tracker, fromEl) : null;
      return panel && !panel.isDisposed ? keptOutIndexes(panel) : [];
    },
    agent(fromEl) {
      if (!(fromEl instanceof Element) || !panelHolding(tracker, fromEl)) return null;
      // Steps act on the notebook holding the widget, whichever notebook has focus.
      return new LazyAgent(() => panelHolding(tracker, fromEl));
    },
  };
}

/** Install the bridge on `window` (replacing an older one, e.g. after a hot reload). */
export function installBridge(tracker: INotebookTracker): ChatkitBridge {
  const bridge = createBridge(tracker);
  window.jupyterChatkitBridge = bridge;
  return bridge;
}
