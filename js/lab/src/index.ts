/**
 * jupyter-chatkit's JupyterLab 4 / Notebook 7 extension.
 *
 * Three plugins, so the notebook widget's bridge works even if someone disables the
 * sidebar: `jupyter-chatkit:plugin` (the Notebook Assistant panel) and
 * `jupyter-chatkit:bridge` (window.jupyterChatkitBridge for the in-cell chat widget), and
 * `jupyter-chatkit:answer-renderer` (the output of `%chat QUESTION`, see answer.ts).
 */

import type { JupyterFrontEndPlugin } from "@jupyterlab/application";
import { answerPlugin } from "./answerplugin";
import { bridgePlugin } from "./bridgeplugin";
import { sidebarPlugin } from "./plugin";

const plugins: JupyterFrontEndPlugin<void>[] = [sidebarPlugin, bridgePlugin, answerPlugin];
export default plugins;
