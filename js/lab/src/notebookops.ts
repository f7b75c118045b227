/**
 * The notebook operations loaded on first use, not at JupyterLab's start: the client
 * tools' table (cells, kernel variables, all through the context policy), context
 * references, diffs and the replace dialog. Start-up code reaches them only through
 * `import("./notebookops")`, so their code (and the `diff` library) is a chunk of its
 * own that loads when a person or a widget first needs it.
 */

export { isChatCell } from "./chatcell";
export { chipTarget, explainParts, fixErrorParts, showCell } from "./context";
export { confirmReplace } from "./replace";
export { runNotebookTool } from "./tools";
export { readTarget, watchWidgetContext } from "./widgetcontext";
