/**
 * jupyter-chatkit's JupyterLab 4 / Notebook 7 extension.
 *
 * Two plugins, so the notebook widget's bridge works even if someone disables the
 * sidebar: `jupyter-chatkit:plugin` (the Notebook Assistant panel) and
 * `jupyter-chatkit:bridge` (window.jupyterChatkitBridge for the in-cell chat widget).
 */

import type { JupyterFrontEndPlugin } from "@jupyterlab/application";
import { bridgePlugin } from "./bridgeplugin";
import { sidebarPlugin } from "./plugin";

const plugins: JupyterFrontEndPlugin<void>[] = [sidebarPlugin, bridgePlugin];
export default plugins;
