/**
 * ChatKit protocol types, hand-written from `chatkit/types.py`, `chatkit/widgets.py`
 * and `chatkit/actions.py` of openai-chatkit 1.6.5 (the source of truth). Wire shapes
 * only: no I/O here. Fields the server omits when `None` are optional.
 */

// ---------------------------------------------------------------- common

/** Paginated collection of records returned from the API. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  after?: string | null;
}

/** Icon names (see chatkit/icons.py); `vendor:` and `lucide:` prefixed names too. */
export type IconName = string;

export type FeedbackKind = "positive" | "negative";

// ---------------------------------------------------------------- actions

export type ActionHandler = "client" | "server";
export type LoadingBehavior = "auto" | "none" | "self" | "container";

/** Declarative action attached to a widget (`ActionConfig`). */
export interface ActionConfig {
  type: string;
  payload?: unknown;
  handler?: ActionHandler;
  loadingBehavior?: LoadingBehavior;
  streaming?: boolean;
}

/** The action sent back to the server in `threads.custom_action`. */
export interface Action {
  type: string;
  payload?: unknown;
}

// ---------------------------------------------------------------- user input

export interface InferenceOptions {
  tool_choice?: { id: string } | null;
  model?: string | null;
}

export interface UserMessageTextContent {
  type: "input_text";
  text: string;
}

export interface UserMessageTagContent {
  type: "input_tag";
  id: string;
  text: string;
  data: Record<string, unknown>;
  group?: string | null;
  interactive?: boolean;
}

export type UserMessageContent = UserMessageTextContent | UserMessageTagContent;

export interface UserMessageInput {
  content: UserMessageContent[];
  attachments: string[];
  quoted_text?: string | null;
  inference_options: InferenceOptions;
}

// ---------------------------------------------------------------- requests

interface BaseReq {
  metadata?: Record<string, unknown>;
}

export interface ThreadsCreateReq extends BaseReq {
  type: "threads.create";
  params: { input: UserMessageInput };
}
export interface ThreadsAddUserMessageReq extends BaseReq {
  type: "threads.add_user_message";
  params: { input: UserMessageInput; thread_id: string };
}
export interface ThreadsAddClientToolOutputReq extends BaseReq {
  type: "threads.add_client_tool_output";
  params: { thread_id: string; result: unknown };
}
export interface ThreadsCustomActionReq extends BaseReq {
  type: "threads.custom_action";
  params: { thread_id: string; item_id?: string | null; action: Action };
}
export interface ThreadsRetryAfterItemReq extends BaseReq {
  type: "threads.retry_after_item";
  params: { thread_id: string; item_id: string };
}
export interface StructuredInputSubmission {
  status?: "answered" | "skipped";
  answers?: Record<string, { values?: string[]; skipped?: boolean }>;
}
export interface ThreadsAddStructuredInputReq extends BaseReq {
  type: "threads.add_structured_input";
  params: { thread_id: string; item_id: string; input: StructuredInputSubmission };
}
export interface ThreadsGetByIdReq extends BaseReq {
  type: "threads.get_by_id";
  params: { thread_id: string };
}
export interface ThreadsListReq extends BaseReq {
  type: "threads.list";
  params: { limit?: number | null; order?: "asc" | "desc"; after?: string | null };
}
export interface ItemsListReq extends BaseReq {
  type: "items.list";
  params: {
    thread_id: string;
    limit?: number | null;
    order?: "asc" | "desc";
    after?: string | null;
  };
}
export interface ThreadsUpdateReq extends BaseReq {
  type: "threads.update";
  params: { thread_id: string; title: string };
}
export interface ThreadsDeleteReq extends BaseReq {
  type: "threads.delete";
  params: { thread_id: string };
}
export interface ItemsFeedbackReq extends BaseReq {
  type: "items.feedback";
  params: { thread_id: string; item_ids: string[]; kind: FeedbackKind };
}

export interface AttachmentsCreateReq extends BaseReq {
  type: "attachments.create";
  params: { name: string; size: number; mime_type: string };
}
export interface AttachmentsDeleteReq extends BaseReq {
  type: "attachments.delete";
  params: { attachment_id: string };
}

/** Requests answered with `text/event-stream`. */
export type StreamingReq =
  | ThreadsCreateReq
  | ThreadsAddUserMessageReq
  | ThreadsAddClientToolOutputReq
  | ThreadsAddStructuredInputReq
  | ThreadsRetryAfterItemReq
  | ThreadsCustomActionReq;

/** Requests answered with one JSON document. */
export type NonStreamingReq =
  | ThreadsGetByIdReq
  | ThreadsListReq
  | ItemsListReq
  | ItemsFeedbackReq
  | ThreadsUpdateReq
  | ThreadsDeleteReq
  | AttachmentsCreateReq
  | AttachmentsDeleteReq;

export type ChatKitReq = StreamingReq | NonStreamingReq;

const STREAMING_TYPES: ReadonlySet<string> = new Set([
  "threads.create",
  "threads.add_user_message",
  "threads.add_client_tool_output",
  "threads.add_structured_input",
  "threads.retry_after_item",
  "threads.custom_action",
]);

/** True for the request types the server answers with an event stream. */
export function isStreamingReq(req: { type: string }): req is StreamingReq {
  return STREAMING_TYPES.has(req.type);
}

// ---------------------------------------------------------------- threads

export type ThreadStatus =
  | { type: "active" }
  | { type: "locked"; reason?: string | null }
  | { type: "closed"; reason?: string | null };

export interface ThreadMetadata {
  id: string;
  title?: string | null;
  created_at: string;
  status?: ThreadStatus;
  allowed_image_domains?: string[] | null;
  metadata?: Record<string, unknown>;
  /** The notebook the thread belongs to (jupyter-chatkit's `threads.list` adds it). */
  notebook?: string | null;
}

export interface Thread extends ThreadMetadata {
  items: Page<ThreadItem>;
}

// ---------------------------------------------------------------- sources & annotations

interface SourceBase {
  title: string;
  description?: string | null;
  timestamp?: string | null;
  group?: string | null;
}
export interface URLSource extends SourceBase {
  type: "url";
  url: string;
  attribution?: string | null;
}
export interface FileSource extends SourceBase {
  type: "file";
  filename: string;
}
export interface EntitySource extends SourceBase {
  type: "entity";
  id: string;
  icon?: IconName | null;
  label?: string | null;
  inline_label?: string | null;
  interactive?: boolean;
  data?: Record<string, unknown>;
}
export type Source = URLSource | FileSource | EntitySource;

export interface Annotation {
  type: "annotation";
  source: Source;
  index?: number | null;
}

export interface AssistantMessageContent {
  type: "output_text";
  text: string;
  annotations?: Annotation[];
}

// ---------------------------------------------------------------- workflows & tasks

type StatusIndicator = "none" | "loading" | "complete";

export interface CustomTask {
  type: "custom";
  status_indicator?: StatusIndicator;
  title?: string | null;
  icon?: IconName | null;
  content?: string | null;
}
export interface SearchTask {
  type: "web_search";
  status_indicator?: StatusIndicator;
  title?: string | null;
  title_query?: string | null;
  queries?: string[];
  sources?: URLSource[];
}
export interface ThoughtTask {
  type: "thought";
  status_indicator?: StatusIndicator;
  title?: string | null;
  content: string;
}
export interface FileTask {
  type: "file";
  status_indicator?: StatusIndicator;
  title?: string | null;
  sources?: FileSource[];
}
export interface ImageTask {
  type: "image";
  status_indicator?: StatusIndicator;
  title?: string | null;
}
export type Task = CustomTask | SearchTask | ThoughtTask | FileTask | ImageTask;

export type WorkflowSummary = { title: string; icon?: IconName | null } | { duration: number };

export interface Workflow {
  type: "custom" | "reasoning";
  tasks: Task[];
  summary?: WorkflowSummary | null;
  expanded?: boolean;
}

// ---------------------------------------------------------------- items

interface ItemBase {
  id: string;
  thread_id: string;
  created_at: string;
}

export interface Attachment {
  type: "file" | "image";
  id: string;
  name: string;
  mime_type: string;
  preview_url?: string;
  thread_id?: string | null;
  /** Where to send the bytes (two-phase upload), on `attachments.create`'s answer. */
  upload_descriptor?: { url: string; method: string } | null;
}

export interface UserMessageItem extends ItemBase {
  type: "user_message";
  content: UserMessageContent[];
  attachments?: Attachment[];
  quoted_text?: string | null;
  inference_options?: InferenceOptions;
}
export interface AssistantMessageItem extends ItemBase {
  type: "assistant_message";
  content: AssistantMessageContent[];
}
export interface ClientToolCallItem extends ItemBase {
  type: "client_tool_call";
  status: "pending" | "completed";
  call_id: string;
  name: string;
  arguments: Record<string, unknown>;
  output?: unknown;
}
export interface WidgetItem extends ItemBase {
  type: "widget";
  widget: WidgetRoot;
  copy_text?: string | null;
}
export interface GeneratedImageItem extends ItemBase {
  type: "generated_image";
  image?: { id: string; url: string } | null;
}
export interface StructuredInput {
  type: "multiple_choice" | "freeform";
  id: string;
  question: string;
  answer?: { values?: string[]; skipped?: boolean } | null;
  options?: { value: string }[];
  multiple?: boolean;
  description?: string | null;
}
export interface StructuredInputItem extends ItemBase {
  type: "structured_input";
  status: "pending" | "answered" | "skipped";
  inputs: StructuredInput[];
}
export interface TaskItem extends ItemBase {
  type: "task";
  task: Task;
}
export interface WorkflowItem extends ItemBase {
  type: "workflow";
  workflow: Workflow;
}
export interface EndOfTurnItem extends ItemBase {
  type: "end_of_turn";
}
/** Never sent by the server; listed so the union is complete. */
export interface HiddenContextItem extends ItemBase {
  type: "hidden_context_item" | "sdk_hidden_context";
  content: unknown;
}

export type ThreadItem =
  | UserMessageItem
  | AssistantMessageItem
  | ClientToolCallItem
  | WidgetItem
  | GeneratedImageItem
  | StructuredInputItem
  | WorkflowItem
  | TaskItem
  | EndOfTurnItem
  | HiddenContextItem;

// ---------------------------------------------------------------- item updates

export interface AssistantMessageContentPartAdded {
  type: "assistant_message.content_part.added";
  content_index: number;
  content: AssistantMessageContent;
}
export interface AssistantMessageContentPartTextDelta {
  type: "assistant_message.content_part.text_delta";
  content_index: number;
  delta: string;
}
export interface AssistantMessageContentPartAnnotationAdded {
  type: "assistant_message.content_part.annotation_added";
  content_index: number;
  annotation_index: number;
  annotation: Annotation;
}
export interface AssistantMessageContentPartDone {
  type: "assistant_message.content_part.done";
  content_index: number;
  content: AssistantMessageContent;
}
export interface WidgetStreamingTextValueDelta {
  type: "widget.streaming_text.value_delta";
  component_id: string;
  delta: string;
  done: boolean;
}
export interface WidgetRootUpdated {
  type: "widget.root.updated";
  widget: WidgetRoot;
}
export interface WidgetComponentUpdated {
  type: "widget.component.updated";
  component_id: string;
  component: WidgetComponent;
}
export interface WorkflowTaskAdded {
  type: "workflow.task.added";
  task_index: number;
  task: Task;
}
export interface WorkflowTaskUpdated {
  type: "workflow.task.updated";
  task_index: number;
  task: Task;
}
export interface GeneratedImageUpdated {
  type: "generated_image.updated";
  image: { id: string; url: string };
  progress?: number | null;
}

export type ThreadItemUpdate =
  | AssistantMessageContentPartAdded
  | AssistantMessageContentPartTextDelta
  | AssistantMessageContentPartAnnotationAdded
  | AssistantMessageContentPartDone
  | WidgetStreamingTextValueDelta
  | WidgetComponentUpdated
  | WidgetRootUpdated
  | WorkflowTaskAdded
  | WorkflowTaskUpdated
  | GeneratedImageUpdated;

// ---------------------------------------------------------------- stream events

export interface ThreadCreatedEvent {
  type: "thread.created";
  thread: Thread;
}
export interface ThreadUpdatedEvent {
  type: "thread.updated";
  thread: Thread;
}
export interface ThreadItemAddedEvent {
  type: "thread.item.added";
  item: ThreadItem;
}
export interface ThreadItemUpdatedEvent {
  type: "thread.item.updated";
  item_id: string;
  update: ThreadItemUpdate;
}
export interface ThreadItemDoneEvent {
  type: "thread.item.done";
  item: ThreadItem;
}
export interface ThreadItemRemovedEvent {
  type: "thread.item.removed";
  item_id: string;
}
export interface ThreadItemReplacedEvent {
  type: "thread.item.replaced";
  item: ThreadItem;
}
export interface StreamOptionsEvent {
  type: "stream_options";
  stream_options: { allow_cancel: boolean };
}
export interface ProgressUpdateEvent {
  type: "progress_update";
  icon?: IconName | null;
  text: string;
}
export interface ClientEffectEvent {
  type: "client_effect";
  name: string;
  data?: Record<string, unknown>;
}
export interface ErrorEvent {
  type: "error";
  code?: string;
  message?: string | null;
  allow_retry?: boolean;
}
export interface NoticeEvent {
  type: "notice";
  level: "info" | "warning" | "danger";
  /** Markdown. */
  message: string;
  title?: string | null;
}

export type ThreadStreamEvent =
  | ThreadCreatedEvent
  | ThreadUpdatedEvent
  | ThreadItemAddedEvent
  | ThreadItemUpdatedEvent
  | ThreadItemDoneEvent
  | ThreadItemRemovedEvent
  | ThreadItemReplacedEvent
  | StreamOptionsEvent
  | ProgressUpdateEvent
  | ClientEffectEvent
  | ErrorEvent
  | NoticeEvent;

// ---------------------------------------------------------------- widgets

/** `{light, dark}` theme-aware colour. */
export interface ThemeColor {
  light: string;
  dark: string;
}
export type Color = string | ThemeColor;

export interface Spacing {
  top?: number | string;
  right?: number | string;
  bottom?: number | string;
  left?: number | string;
  x?: number | string;
  y?: number | string;
}

export interface Border {
  size: number;
  color?: Color;
  style?: string;
}

export interface WidgetStatus {
  text: string;
  icon?: IconName;
  favicon?: string;
  frame?: boolean;
}

export interface BoxProps {
  /** A list for most containers; a single child for `Transition` and some templates. */
  children?: WidgetComponent[] | WidgetComponent | null;
  align?: "start" | "center" | "end" | "baseline" | "stretch";
  justify?: "start" | "center" | "end" | "between" | "around" | "evenly" | "stretch";
  wrap?: "nowrap" | "wrap" | "wrap-reverse";
  flex?: number | string;
  gap?: number | string;
  height?: number | string;
  width?: number | string;
  size?: number | string;
  minHeight?: number | string;
  minWidth?: number | string;
  minSize?: number | string;
  maxHeight?: number | string;
  maxWidth?: number | string;
  maxSize?: number | string;
  padding?: number | string | Spacing;
  margin?: number | string | Spacing;
  border?: number | Border | Record<string, number | Border>;
  radius?: string;
  background?: Color;
  aspectRatio?: number | string;
}

/**
 * One widget component. ChatKit roots may be dynamic (templates with extra fields),
 * so every component is an open record keyed by `type`; the renderer reads the
 * fields it knows and treats everything else as absent.
 */
export interface WidgetComponent extends BoxProps {
  type: string;
  id?: string | null;
  key?: string | null;
  // Text, Title, Caption, Markdown, Label
  value?: string;
  streaming?: boolean;
  italic?: boolean;
  lineThrough?: boolean;
  color?: Color;
  weight?: "normal" | "medium" | "semibold" | "bold";
  textAlign?: "start" | "center" | "end";
  truncate?: boolean;
  maxLines?: number;
  minLines?: number;
  fieldName?: string;
  // Badge, Button, Checkbox
  label?: string;
  variant?: string;
  pill?: boolean;
  style?: "primary" | "secondary";
  onClickAction?: ActionConfig | null;
  iconStart?: IconName;
  iconEnd?: IconName;
  block?: boolean;
  uniform?: boolean;
  disabled?: boolean;
  submit?: boolean;
  // Icon
  name?: string;
  // Image
  src?: string;
  alt?: string;
  fit?: string;
  position?: string;
  frame?: boolean;
  flush?: boolean;
  // Box / Form
  direction?: "row" | "col";
  onSubmitAction?: ActionConfig | null;
  // Inputs
  options?: { value: string; label: string; disabled?: boolean; description?: string }[];
  onChangeAction?: ActionConfig | null;
  placeholder?: string;
  defaultValue?: string;
  defaultChecked?: boolean;
  required?: boolean;
  pattern?: string;
  inputType?: string;
  rows?: number;
  // Divider
  spacing?: number | string;
  // ListView / Card
  limit?: number | "auto";
  status?: WidgetStatus;
  theme?: "light" | "dark";
  asForm?: boolean;
  confirm?: { label: string; action: ActionConfig };
  cancel?: { label: string; action: ActionConfig };
  collapsed?: boolean;
  [extra: string]: unknown;
}

/** Top-level widget: `Card`, `ListView` or `Basic`. */
export type WidgetRoot = WidgetComponent;
