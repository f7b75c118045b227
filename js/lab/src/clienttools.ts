/**
 * The sidebar's client tools: those of protocol.ts, bound to whatever notebook the
 * sidebar follows when they run. Loaded with the sidebar's chat, not at JupyterLab's
 * start.
 */

import { CLIENT_TOOLS } from "../../src/protocol";
import { chipTarget } from "./context";
import { runKernelTool } from "./kernel";
import type { NotebookLink } from "./link";
import { liveCells } from "./privatecells";
import { runNotebookTool } from "./tools";

/** A client tool implementation as the chat UI calls it. */
export type ClientTool = (args: Record<string, unknown>, ctx?: { signal?: AbortSignal }) => Promise<unknown>;

/** A tool's answer with no notebook to read; the same plugin runs in JupyterLab and in
 * Notebook 7 (its tree page has no notebook), so it names neither. */
export const NO_NOTEBOOK = {
  error: "No notebook is open. Open or create a notebook and ask again.",
};

/**
 * Each `runs_in: "notebook"` tool by name through the notebook's tool table (tools.ts),
 * each kernel tool forwarded to the notebook's kernel. Agent steps are not here: the
 * chat's approval cards run them (NotebookAgent).
 */
export function notebookClientTools(link: NotebookLink): Record<string, ClientTool> {
  const tools: Record<string, ClientTool> = {};
  for (const spec of CLIENT_TOOLS) {
    const name = spec.name;
    tools[name] =
      spec.runs_in === "kernel"
        ? // Variables only kept-out cells define are not described (privatecells.ts).
          async (args) => runKernelTool(link.panel?.sessionContext, name, args, { cells: liveCells(link.panel) })
        : async (args, ctx) => {
            const t = link.target();
            if (!t) return NO_NOTEBOOK;
            // "The active cell" is the one the chips name (a `%chat` cell active: the cell before).
            const at = name === "get_active_cell" ? chipTarget(t) : t;
            const outcome = await runNotebookTool(at, name, args, ctx?.signal);
            return outcome ? outcome.result : { error: `JupyterLab cannot answer ${name}.` };
          };
  }
  return tools;
}
