/**
 * The plugin installing `window.jupyterChatkitBridge` (see bridge.ts for the contract), and
 * the click handler that opens answers' relative links in JupyterLab (filelinks.ts).
 */

import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { INotebookTracker } from "@jupyterlab/notebook";
import { installBridge } from "./bridge";
import { installFileLinks } from "./filelinks";
import { watchNotebookRuns } from "./kerneldeath";
import { panelHolding } from "./locate";
import { watchNotebookKernels } from "./shellwatch";

export const bridgePlugin: JupyterFrontEndPlugin<void> = {
  id: "jupyter-chatkit:bridge",
  description: "Lets the jupyter-chatkit chat widget in a cell output insert cells and read the notebook.",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker): void => {
    installBridge(tracker);
    // From their start, so what a kernel's main shell runs is known, not guessed, when the
    // chat (sidebar or widget) first asks a busy kernel (subshell.ts).
    watchNotebookKernels(tracker);
    // A cell whose run the kernel never finished (it died) is read as such (kerneldeath.ts).
    watchNotebookRuns(tracker, app.serviceManager.contents);
    installFileLinks(document, {
      // A widget's or output's own notebook; the sidebar's is the one it follows (current).
      notebookOf: (el) => (panelHolding(tracker, el) ?? tracker.currentWidget)?.context.path ?? null,
      open: (path) => void app.commands.execute("docmanager:open", { path }),
    });
  },
};
