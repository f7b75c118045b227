/**
 * jupyter-chatkit front end: the ChatKit protocol client and the chat UI.
 * `createChat` is what hosts (the anywidget, the JupyterLab sidebar) mount.
 */
import "./ui/styles.css";

export * from "./bridge";
export * from "./client";
export {
  type AgentHost,
  AgentSteps,
  isStep,
  type Reversal,
  type RevertOutcome,
  type StepOutcome,
  type StepPresence,
  type StepPreview,
  type StepUndo,
  stepTitle,
  type UndoStep,
} from "./ui/agent";
export { attachmentProblem, jupyterUpload, type UploadFile } from "./ui/attachments";
export {
  type ChatAnswer,
  type ChatHandle,
  type ChatOptions,
  createChat,
  type ModelChoice,
  type SendKey,
  sendKeyHint,
} from "./ui/chat";
export { type ContextKind, type ContextRef, type MessagePart, messageContent } from "./ui/context";
export { toolLabel } from "./ui/items";
export {
  type CodeActions,
  type CodeBlockAction,
  type MarkdownOptions,
  MarkdownView,
  renderMarkdown,
} from "./ui/markdown";
export { type MentionSource, type SlashCommand, splitMentions, tokenAt } from "./ui/mentions";
export { cellsLabel, readLine, summarizeTurn } from "./ui/readline";
export { imageAllowed, linkAllowed, sanitize } from "./ui/sanitize";
export { renderWidget, type WidgetContext } from "./ui/widgets";
