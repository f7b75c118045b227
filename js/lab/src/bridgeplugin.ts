/** The plugin installing `window.jupyterChatkitBridge` (see bridge.ts for the contract). */

import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { INotebookTracker } from "@jupyterlab/notebook";
import { installBridge } from "./bridge";

export const bridgePlugin: JupyterFrontEndPlugin<void> = {
  id: "jupyter-chatkit:bridge",
  description: "Lets the jupyter-chatkit chat widget in a cell output insert cells and read the notebook.",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker): void => {
    installBridge(tracker);
  },
};
