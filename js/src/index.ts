/**
 * jupyter-chatkit front end: the ChatKit protocol client and the chat UI.
 * `createChat` is what hosts (the anywidget, the JupyterLab sidebar) mount.
 */
import "./ui/styles.css";

export * from "./client";
export { createChat, type ChatAnswer, type ChatHandle, type ChatOptions } from "./ui/chat";
export { renderMarkdown, sanitize, MarkdownView, imageAllowed, linkAllowed, type MarkdownOptions, type CodeActions } from "./ui/markdown";
export { renderWidget, type WidgetContext } from "./ui/widgets";
export { toolLabel } from "./ui/items";
export { isDarkTheme } from "./ui/dom";
