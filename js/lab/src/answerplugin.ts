/** The plugin rendering `%chat` answers with code-block buttons (see answer.ts). */

import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { INotebookTracker } from "@jupyterlab/notebook";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { ANSWER_RANK, answerRendererFactory } from "./answer";

export const answerPlugin: JupyterFrontEndPlugin<void> = {
  id: "jupyter-chatkit:answer-renderer",
  description: "Shows %chat answers with Copy, Insert and Insert & run on their code.",
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker, rendermime: IRenderMimeRegistry): void => {
    // Notebooks clone this registry when they open, after plugins have activated.
    rendermime.addFactory(answerRendererFactory(tracker), ANSWER_RANK);
  },
};
