// Generated from chatkit.types (openai-chatkit's pydantic models): do not edit.
// Regenerate: npm --prefix js run gen:wire
import type {WidgetComponent, WidgetRoot} from "./widget-types";

export type Attachment = FileAttachment | ImageAttachment;
export type ChatKitReq =
  | ThreadsCreateReq
  | ThreadsAddUserMessageReq
  | ThreadsAddClientToolOutputReq
  | ThreadsAddStructuredInputReq
  | ThreadsRetryAfterItemReq
  | ThreadsCustomActionReq
  | ThreadsGetByIdReq
  | ThreadsListReq
  | ItemsListReq
  | ItemsFeedbackReq
  | AttachmentsCreateReq
  | AttachmentsDeleteReq
  | ThreadsUpdateReq
  | ThreadsDeleteReq
  | InputTranscribeReq
  | ThreadsSyncCustomActionReq;
export type NonStreamingReq =
  | ThreadsGetByIdReq
  | ThreadsListReq
  | ItemsListReq
  | ItemsFeedbackReq
  | AttachmentsCreateReq
  | AttachmentsDeleteReq
  | ThreadsUpdateReq
  | ThreadsDeleteReq
  | InputTranscribeReq
  | ThreadsSyncCustomActionReq;
export type Source = URLSource | FileSource | EntitySource;
export type StreamingReq =
  | ThreadsCreateReq
  | ThreadsAddUserMessageReq
  | ThreadsAddClientToolOutputReq
  | ThreadsAddStructuredInputReq
  | ThreadsRetryAfterItemReq
  | ThreadsCustomActionReq;
export type StructuredInput = StructuredInputMultipleChoice | StructuredInputFreeform;
export type Task = CustomTask | SearchTask | ThoughtTask | FileTask | ImageTask;
export type ThreadItem =
  | UserMessageItem
  | AssistantMessageItem
  | ClientToolCallItem
  | WidgetItem
  | GeneratedImageItem
  | StructuredInputItem
  | WorkflowItem
  | TaskItem
  | HiddenContextItem
  | SDKHiddenContextItem
  | EndOfTurnItem;
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
export type ThreadStreamEvent =
  | ThreadCreatedEvent
  | ThreadUpdatedEvent
  | ThreadItemDoneEvent
  | ThreadItemAddedEvent
  | ThreadItemUpdatedEvent
  | ThreadItemRemovedEvent
  | ThreadItemReplacedEvent
  | StreamOptionsEvent
  | ProgressUpdateEvent
  | ClientEffectEvent
  | ErrorEvent
  | NoticeEvent;
export type ErrorCode = "stream.error";
export type UserMessageContent = UserMessageTextContent | UserMessageTagContent;
export type WorkflowSummary = CustomSummary | DurationSummary;

export interface ChatKitWire {
  Attachment?: Attachment;
  ChatKitReq?: ChatKitReq;
  ItemPage?: ItemPage;
  NonStreamingReq?: NonStreamingReq;
  Source?: Source;
  StreamingReq?: StreamingReq;
  StructuredInput?: StructuredInput;
  Task?: Task;
  Thread?: Thread;
  ThreadItem?: ThreadItem;
  ThreadItemUpdate?: ThreadItemUpdate;
  ThreadMetadata?: ThreadMetadata;
  ThreadPage?: ThreadPage;
  ThreadStreamEvent?: ThreadStreamEvent;
  UserMessageContent?: UserMessageContent;
  WorkflowSummary?: WorkflowSummary;
}
/**
 * Attachment representing a generic file.
 */
export interface FileAttachment {
  id: string;
  metadata?: {
    [k: string]: unknown | undefined;
  } | null;
  mime_type: string;
  name: string;
  thread_id?: string | null;
  type: "file";
  upload_descriptor?: AttachmentUploadDescriptor | null;
}
/**
 * Two-phase upload instructions.
 */
export interface AttachmentUploadDescriptor {
  headers: {
    [k: string]: string | undefined;
  };
  method: "POST" | "PUT";
  url: string;
}
/**
 * Attachment representing an image resource.
 */
export interface ImageAttachment {
  id: string;
  metadata?: {
    [k: string]: unknown | undefined;
  } | null;
  mime_type: string;
  name: string;
  preview_url: string;
  thread_id?: string | null;
  type: "image";
  upload_descriptor?: AttachmentUploadDescriptor | null;
}
/**
 * Request to create a new thread from a user message.
 */
export interface ThreadsCreateReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadCreateParams;
  type: "threads.create";
}
/**
 * User input required to create a thread.
 */
export interface ThreadCreateParams {
  input: UserMessageInput;
}
/**
 * Payload describing a user message submission.
 */
export interface UserMessageInput {
  attachments: string[];
  content: (UserMessageTextContentInput | UserMessageTagContentInput)[];
  inference_options: InferenceOptions;
  quoted_text?: string | null;
}
/**
 * User message content containing plaintext.
 */
export interface UserMessageTextContentInput {
  text: string;
  type: "input_text";
}
/**
 * User message content representing an interactive tag.
 */
export interface UserMessageTagContentInput {
  data: {
    [k: string]: unknown | undefined;
  };
  group?: string | null;
  id: string;
  interactive?: boolean;
  text: string;
  type: "input_tag";
}
/**
 * Model and tool configuration for message processing.
 */
export interface InferenceOptions {
  model?: string | null;
  tool_choice?: ToolChoice | null;
}
/**
 * Explicit tool selection for the assistant to invoke.
 */
export interface ToolChoice {
  id: string;
}
/**
 * Request to append a user message to a thread.
 */
export interface ThreadsAddUserMessageReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadAddUserMessageParams;
  type: "threads.add_user_message";
}
/**
 * Parameters for adding a user message to a thread.
 */
export interface ThreadAddUserMessageParams {
  input: UserMessageInput;
  thread_id: string;
}
/**
 * Request to add a client tool's output to a thread.
 */
export interface ThreadsAddClientToolOutputReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadAddClientToolOutputParams;
  type: "threads.add_client_tool_output";
}
/**
 * Parameters for recording tool output in a thread.
 */
export interface ThreadAddClientToolOutputParams {
  result: unknown;
  thread_id: string;
}
/**
 * Request to submit answers for a pending structured input item.
 */
export interface ThreadsAddStructuredInputReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadAddStructuredInputParams;
  type: "threads.add_structured_input";
}
/**
 * Parameters for adding structured input to a thread.
 */
export interface ThreadAddStructuredInputParams {
  input: StructuredInputSubmission;
  item_id: string;
  thread_id: string;
}
/**
 * Client-submitted answers for a pending structured input item.
 */
export interface StructuredInputSubmission {
  answers?: {
    [k: string]: StructuredInputAnswerSubmission | undefined;
  };
  status?: "answered" | "skipped";
}
/**
 * Client-submitted answer for a structured input.
 */
export interface StructuredInputAnswerSubmission {
  skipped?: boolean;
  values?: string[];
}
/**
 * Request to retry processing after a specific thread item.
 */
export interface ThreadsRetryAfterItemReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadRetryAfterItemParams;
  type: "threads.retry_after_item";
}
/**
 * Parameters specifying which item to retry.
 */
export interface ThreadRetryAfterItemParams {
  item_id: string;
  thread_id: string;
}
/**
 * Request to execute a custom action within a thread.
 */
export interface ThreadsCustomActionReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadCustomActionParams;
  type: "threads.custom_action";
}
/**
 * Parameters describing the custom action to execute.
 */
export interface ThreadCustomActionParams {
  action: ActionStrAny;
  item_id?: string | null;
  thread_id: string;
}
export interface ActionStrAny {
  payload?: {
    [k: string]: unknown | undefined;
  };
  type: string;
}
/**
 * Request to fetch a single thread by its identifier.
 */
export interface ThreadsGetByIdReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadGetByIdParams;
  type: "threads.get_by_id";
}
/**
 * Parameters for retrieving a thread by id.
 */
export interface ThreadGetByIdParams {
  thread_id: string;
}
/**
 * Request to list threads.
 */
export interface ThreadsListReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadListParams;
  type: "threads.list";
}
/**
 * Pagination parameters for listing threads.
 */
export interface ThreadListParams {
  after?: string | null;
  limit?: number | null;
  order?: "asc" | "desc";
}
/**
 * Request to list items inside a thread.
 */
export interface ItemsListReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ItemsListParams;
  type: "items.list";
}
/**
 * Pagination parameters for listing thread items.
 */
export interface ItemsListParams {
  after?: string | null;
  limit?: number | null;
  order?: "asc" | "desc";
  thread_id: string;
}
/**
 * Request to submit feedback on specific items.
 */
export interface ItemsFeedbackReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ItemFeedbackParams;
  type: "items.feedback";
}
/**
 * Parameters describing feedback targets and sentiment.
 */
export interface ItemFeedbackParams {
  item_ids: string[];
  kind: "positive" | "negative";
  thread_id: string;
}
/**
 * Request to register a new attachment.
 */
export interface AttachmentsCreateReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: AttachmentCreateParams;
  type: "attachments.create";
}
/**
 * Metadata needed to initialize an attachment.
 */
export interface AttachmentCreateParams {
  mime_type: string;
  name: string;
  size: number;
}
/**
 * Request to remove an attachment.
 */
export interface AttachmentsDeleteReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: AttachmentDeleteParams;
  type: "attachments.delete";
}
/**
 * Parameters identifying an attachment to delete.
 */
export interface AttachmentDeleteParams {
  attachment_id: string;
}
/**
 * Request to update thread metadata.
 */
export interface ThreadsUpdateReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadUpdateParams;
  type: "threads.update";
}
/**
 * Parameters for updating a thread's properties.
 */
export interface ThreadUpdateParams {
  thread_id: string;
  title: string;
}
/**
 * Request to delete a thread.
 */
export interface ThreadsDeleteReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadDeleteParams;
  type: "threads.delete";
}
/**
 * Parameters identifying a thread to delete.
 */
export interface ThreadDeleteParams {
  thread_id: string;
}
/**
 * Request to transcribe an audio payload into text.
 */
export interface InputTranscribeReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: InputTranscribeParams;
  type: "input.transcribe";
}
/**
 * Parameters for speech transcription.
 */
export interface InputTranscribeParams {
  audio_base64: string;
  mime_type: string;
}
/**
 * Request to execute a custom action and return a single item update.
 */
export interface ThreadsSyncCustomActionReq {
  metadata?: {
    [k: string]: unknown | undefined;
  };
  params: ThreadCustomActionParams;
  type: "threads.sync_custom_action";
}
export interface ItemPage {
  after?: string | null;
  data: (
    | UserMessageItem
    | AssistantMessageItem
    | ClientToolCallItem
    | WidgetItem
    | GeneratedImageItem
    | StructuredInputItem
    | WorkflowItem
    | TaskItem
    | HiddenContextItem
    | SDKHiddenContextItem
    | EndOfTurnItem
  )[];
  has_more: boolean;
}
/**
 * Thread item representing a user message.
 */
export interface UserMessageItem {
  attachments: (FileAttachment | ImageAttachment)[];
  content: (UserMessageTextContent | UserMessageTagContent)[];
  created_at: string;
  id: string;
  inference_options: InferenceOptions;
  quoted_text?: string | null;
  thread_id: string;
  type: "user_message";
}
/**
 * User message content containing plaintext.
 */
export interface UserMessageTextContent {
  text: string;
  type: "input_text";
}
/**
 * User message content representing an interactive tag.
 */
export interface UserMessageTagContent {
  data: {
    [k: string]: unknown | undefined;
  };
  group?: string | null;
  id: string;
  interactive: boolean;
  text: string;
  type: "input_tag";
}
/**
 * Thread item representing an assistant message.
 */
export interface AssistantMessageItem {
  content: AssistantMessageContent[];
  created_at: string;
  id: string;
  thread_id: string;
  type: "assistant_message";
}
/**
 * Assistant message content consisting of text and annotations.
 */
export interface AssistantMessageContent {
  annotations: Annotation[];
  text: string;
  type: "output_text";
}
/**
 * Reference to supporting context attached to assistant output.
 */
export interface Annotation {
  index?: number | null;
  source: URLSource | FileSource | EntitySource;
  type: "annotation";
}
/**
 * Source metadata for external URLs.
 */
export interface URLSource {
  attribution?: string | null;
  description?: string | null;
  group?: string | null;
  timestamp?: string | null;
  title: string;
  type: "url";
  url: string;
}
/**
 * Source metadata for file-based references.
 */
export interface FileSource {
  description?: string | null;
  filename: string;
  group?: string | null;
  timestamp?: string | null;
  title: string;
  type: "file";
}
/**
 * Source metadata for entity references.
 */
export interface EntitySource {
  data: {
    [k: string]: unknown | undefined;
  };
  description?: string | null;
  group?: string | null;
  icon?:
    | (
        | "agent"
        | "analytics"
        | "atom"
        | "batch"
        | "bolt"
        | "book-open"
        | "book-closed"
        | "book-clock"
        | "bug"
        | "calendar"
        | "chart"
        | "check"
        | "check-circle"
        | "check-circle-filled"
        | "chevron-left"
        | "chevron-right"
        | "circle-question"
        | "clock"
        | "compass"
        | "confetti"
        | "cube"
        | "desktop"
        | "document"
        | "dot"
        | "dots-horizontal"
        | "dots-vertical"
        | "empty-circle"
        | "external-link"
        | "globe"
        | "keys"
        | "lab"
        | "images"
        | "info"
        | "lifesaver"
        | "lightbulb"
        | "mail"
        | "map-pin"
        | "maps"
        | "mobile"
        | "name"
        | "notebook"
        | "notebook-pencil"
        | "page-blank"
        | "phone"
        | "play"
        | "plus"
        | "profile"
        | "profile-card"
        | "reload"
        | "star"
        | "star-filled"
        | "search"
        | "sparkle"
        | "sparkle-double"
        | "square-code"
        | "square-image"
        | "square-text"
        | "suitcase"
        | "settings-slider"
        | "user"
        | "wreath"
        | "write"
        | "write-alt"
        | "write-alt2"
      )
    | string
    | null;
  id: string;
  inline_label?: string | null;
  interactive: boolean;
  label?: string | null;
  /**
   * @deprecated
   * This field is ignored. Please use the entities.onRequestPreview ChatKit.js option instead.
   */
  preview?: "lazy" | null;
  timestamp?: string | null;
  title: string;
  type: "entity";
}
/**
 * Thread item capturing a client tool call.
 */
export interface ClientToolCallItem {
  arguments: {
    [k: string]: unknown | undefined;
  };
  call_id: string;
  created_at: string;
  id: string;
  name: string;
  output?: unknown;
  status: "pending" | "completed";
  thread_id: string;
  type: "client_tool_call";
}
/**
 * Thread item containing widget content.
 */
export interface WidgetItem {
  copy_text?: string | null;
  created_at: string;
  id: string;
  thread_id: string;
  type: "widget";
  widget: WidgetRoot;
}
/**
 * Thread item containing a generated image.
 */
export interface GeneratedImageItem {
  created_at: string;
  id: string;
  image?: GeneratedImage | null;
  thread_id: string;
  type: "generated_image";
}
/**
 * Generated image.
 */
export interface GeneratedImage {
  id: string;
  url: string;
}
/**
 * Thread item requesting structured input from the user.
 */
export interface StructuredInputItem {
  created_at: string;
  id: string;
  inputs: (StructuredInputMultipleChoice | StructuredInputFreeform)[];
  status: "pending" | "answered" | "skipped";
  thread_id: string;
  type: "structured_input";
}
/**
 * Structured input answered by choosing one or more options.
 */
export interface StructuredInputMultipleChoice {
  answer?: StructuredInputAnswer | null;
  id: string;
  multiple: boolean;
  options: StructuredInputMultipleChoiceOption[];
  question: string;
  type: "multiple_choice";
}
/**
 * Answer recorded for a structured input.
 */
export interface StructuredInputAnswer {
  skipped: boolean;
  values: string[];
}
/**
 * Option shown for a multiple-choice structured input.
 */
export interface StructuredInputMultipleChoiceOption {
  value: string;
}
/**
 * Structured input answered with freeform text.
 */
export interface StructuredInputFreeform {
  answer?: StructuredInputAnswer | null;
  description?: string | null;
  id: string;
  question: string;
  type: "freeform";
}
/**
 * Thread item representing a workflow.
 */
export interface WorkflowItem {
  created_at: string;
  id: string;
  thread_id: string;
  type: "workflow";
  workflow: Workflow;
}
/**
 * Workflow attached to a thread with optional summary.
 */
export interface Workflow {
  expanded: boolean;
  summary?: CustomSummary | DurationSummary | null;
  tasks: (CustomTask | SearchTask | ThoughtTask | FileTask | ImageTask)[];
  type: "custom" | "reasoning";
}
/**
 * Custom summary for a workflow.
 */
export interface CustomSummary {
  icon?:
    | (
        | "agent"
        | "analytics"
        | "atom"
        | "batch"
        | "bolt"
        | "book-open"
        | "book-closed"
        | "book-clock"
        | "bug"
        | "calendar"
        | "chart"
        | "check"
        | "check-circle"
        | "check-circle-filled"
        | "chevron-left"
        | "chevron-right"
        | "circle-question"
        | "clock"
        | "compass"
        | "confetti"
        | "cube"
        | "desktop"
        | "document"
        | "dot"
        | "dots-horizontal"
        | "dots-vertical"
        | "empty-circle"
        | "external-link"
        | "globe"
        | "keys"
        | "lab"
        | "images"
        | "info"
        | "lifesaver"
        | "lightbulb"
        | "mail"
        | "map-pin"
        | "maps"
        | "mobile"
        | "name"
        | "notebook"
        | "notebook-pencil"
        | "page-blank"
        | "phone"
        | "play"
        | "plus"
        | "profile"
        | "profile-card"
        | "reload"
        | "star"
        | "star-filled"
        | "search"
        | "sparkle"
        | "sparkle-double"
        | "square-code"
        | "square-image"
        | "square-text"
        | "suitcase"
        | "settings-slider"
        | "user"
        | "wreath"
        | "write"
        | "write-alt"
        | "write-alt2"
      )
    | string
    | null;
  title: string;
}
/**
 * Summary providing total workflow duration.
 */
export interface DurationSummary {
  duration: number;
}
/**
 * Workflow task displaying custom content.
 */
export interface CustomTask {
  content?: string | null;
  icon?:
    | (
        | "agent"
        | "analytics"
        | "atom"
        | "batch"
        | "bolt"
        | "book-open"
        | "book-closed"
        | "book-clock"
        | "bug"
        | "calendar"
        | "chart"
        | "check"
        | "check-circle"
        | "check-circle-filled"
        | "chevron-left"
        | "chevron-right"
        | "circle-question"
        | "clock"
        | "compass"
        | "confetti"
        | "cube"
        | "desktop"
        | "document"
        | "dot"
        | "dots-horizontal"
        | "dots-vertical"
        | "empty-circle"
        | "external-link"
        | "globe"
        | "keys"
        | "lab"
        | "images"
        | "info"
        | "lifesaver"
        | "lightbulb"
        | "mail"
        | "map-pin"
        | "maps"
        | "mobile"
        | "name"
        | "notebook"
        | "notebook-pencil"
        | "page-blank"
        | "phone"
        | "play"
        | "plus"
        | "profile"
        | "profile-card"
        | "reload"
        | "star"
        | "star-filled"
        | "search"
        | "sparkle"
        | "sparkle-double"
        | "square-code"
        | "square-image"
        | "square-text"
        | "suitcase"
        | "settings-slider"
        | "user"
        | "wreath"
        | "write"
        | "write-alt"
        | "write-alt2"
      )
    | string
    | null;
  status_indicator: "none" | "loading" | "complete";
  title?: string | null;
  type: "custom";
}
/**
 * Workflow task representing a web search.
 */
export interface SearchTask {
  queries: string[];
  sources: URLSource[];
  status_indicator: "none" | "loading" | "complete";
  title?: string | null;
  title_query?: string | null;
  type: "web_search";
}
/**
 * Workflow task capturing assistant reasoning.
 */
export interface ThoughtTask {
  content: string;
  status_indicator: "none" | "loading" | "complete";
  title?: string | null;
  type: "thought";
}
/**
 * Workflow task referencing file sources.
 */
export interface FileTask {
  sources: FileSource[];
  status_indicator: "none" | "loading" | "complete";
  title?: string | null;
  type: "file";
}
/**
 * Workflow task rendering image content.
 */
export interface ImageTask {
  status_indicator: "none" | "loading" | "complete";
  title?: string | null;
  type: "image";
}
/**
 * Thread item containing a task.
 */
export interface TaskItem {
  created_at: string;
  id: string;
  task: CustomTask | SearchTask | ThoughtTask | FileTask | ImageTask;
  thread_id: string;
  type: "task";
}
/**
 * HiddenContext is never sent to the client. It's not officially part of ChatKit.js.
 * It is only used internally to store additional context in a specific place in the thread.
 */
export interface HiddenContextItem {
  content: unknown;
  created_at: string;
  id: string;
  thread_id: string;
  type: "hidden_context_item";
}
/**
 * Hidden context that is used by the ChatKit Python SDK for storing additional context
 * for internal operations.
 */
export interface SDKHiddenContextItem {
  content: string;
  created_at: string;
  id: string;
  thread_id: string;
  type: "sdk_hidden_context";
}
/**
 * Marker item indicating the assistant ends its turn.
 */
export interface EndOfTurnItem {
  created_at: string;
  id: string;
  thread_id: string;
  type: "end_of_turn";
}
/**
 * Thread with its paginated items.
 */
export interface Thread {
  allowed_image_domains?: string[] | null;
  created_at: string;
  id: string;
  items: ItemPage;
  metadata: {
    [k: string]: unknown | undefined;
  };
  status: ActiveStatus | LockedStatus | ClosedStatus;
  title?: string | null;
}
/**
 * Status indicating the thread is active.
 */
export interface ActiveStatus {
  type: "active";
}
/**
 * Status indicating the thread is locked.
 */
export interface LockedStatus {
  reason?: string | null;
  type: "locked";
}
/**
 * Status indicating the thread is closed.
 */
export interface ClosedStatus {
  reason?: string | null;
  type: "closed";
}
/**
 * Event emitted when new assistant content is appended.
 */
export interface AssistantMessageContentPartAdded {
  content: AssistantMessageContent;
  content_index: number;
  type: "assistant_message.content_part.added";
}
/**
 * Event carrying incremental assistant text output.
 */
export interface AssistantMessageContentPartTextDelta {
  content_index: number;
  delta: string;
  type: "assistant_message.content_part.text_delta";
}
/**
 * Event announcing a new annotation on assistant content.
 */
export interface AssistantMessageContentPartAnnotationAdded {
  annotation: Annotation;
  annotation_index: number;
  content_index: number;
  type: "assistant_message.content_part.annotation_added";
}
/**
 * Event indicating an assistant content part is finalized.
 */
export interface AssistantMessageContentPartDone {
  content: AssistantMessageContent;
  content_index: number;
  type: "assistant_message.content_part.done";
}
/**
 * Event streaming widget text deltas.
 */
export interface WidgetStreamingTextValueDelta {
  component_id: string;
  delta: string;
  done: boolean;
  type: "widget.streaming_text.value_delta";
}
/**
 * Event emitted when a widget component updates.
 */
export interface WidgetComponentUpdated {
  component: WidgetComponent;
  component_id: string;
  type: "widget.component.updated";
}
/**
 * Event published when the widget root changes.
 */
export interface WidgetRootUpdated {
  type: "widget.root.updated";
  widget: WidgetRoot;
}
/**
 * Event emitted when a workflow task is added.
 */
export interface WorkflowTaskAdded {
  task: CustomTask | SearchTask | ThoughtTask | FileTask | ImageTask;
  task_index: number;
  type: "workflow.task.added";
}
/**
 * Event emitted when a workflow task is updated.
 */
export interface WorkflowTaskUpdated {
  task: CustomTask | SearchTask | ThoughtTask | FileTask | ImageTask;
  task_index: number;
  type: "workflow.task.updated";
}
/**
 * Event emitted when a generated image is updated.
 */
export interface GeneratedImageUpdated {
  image: GeneratedImage;
  progress?: number | null;
  type: "generated_image.updated";
}
/**
 * Metadata describing a thread without its items.
 */
export interface ThreadMetadata {
  allowed_image_domains?: string[] | null;
  created_at: string;
  id: string;
  metadata: {
    [k: string]: unknown | undefined;
  };
  status: ActiveStatus | LockedStatus | ClosedStatus;
  title?: string | null;
}
export interface ThreadPage {
  after?: string | null;
  data: ThreadMetadata[];
  has_more: boolean;
}
/**
 * Event emitted when a thread is created.
 */
export interface ThreadCreatedEvent {
  thread: Thread;
  type: "thread.created";
}
/**
 * Event emitted when a thread is updated.
 */
export interface ThreadUpdatedEvent {
  thread: Thread;
  type: "thread.updated";
}
/**
 * Event emitted when a thread item is marked complete.
 */
export interface ThreadItemDoneEvent {
  item:
    | UserMessageItem
    | AssistantMessageItem
    | ClientToolCallItem
    | WidgetItem
    | GeneratedImageItem
    | StructuredInputItem
    | WorkflowItem
    | TaskItem
    | HiddenContextItem
    | SDKHiddenContextItem
    | EndOfTurnItem;
  type: "thread.item.done";
}
/**
 * Event emitted when a new item is added to a thread.
 */
export interface ThreadItemAddedEvent {
  item:
    | UserMessageItem
    | AssistantMessageItem
    | ClientToolCallItem
    | WidgetItem
    | GeneratedImageItem
    | StructuredInputItem
    | WorkflowItem
    | TaskItem
    | HiddenContextItem
    | SDKHiddenContextItem
    | EndOfTurnItem;
  type: "thread.item.added";
}
/**
 * Event describing an update to an existing thread item.
 */
export interface ThreadItemUpdatedEvent {
  item_id: string;
  type: "thread.item.updated";
  update:
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
}
/**
 * Event emitted when a thread item is removed.
 */
export interface ThreadItemRemovedEvent {
  item_id: string;
  type: "thread.item.removed";
}
/**
 * Event emitted when a thread item is replaced.
 */
export interface ThreadItemReplacedEvent {
  item:
    | UserMessageItem
    | AssistantMessageItem
    | ClientToolCallItem
    | WidgetItem
    | GeneratedImageItem
    | StructuredInputItem
    | WorkflowItem
    | TaskItem
    | HiddenContextItem
    | SDKHiddenContextItem
    | EndOfTurnItem;
  type: "thread.item.replaced";
}
/**
 * Event emitted to set stream options at runtime.
 */
export interface StreamOptionsEvent {
  stream_options: StreamOptions;
  type: "stream_options";
}
/**
 * Settings that control runtime stream behavior.
 */
export interface StreamOptions {
  allow_cancel: boolean;
}
/**
 * Event providing incremental progress from the assistant.
 */
export interface ProgressUpdateEvent {
  icon?:
    | (
        | "agent"
        | "analytics"
        | "atom"
        | "batch"
        | "bolt"
        | "book-open"
        | "book-closed"
        | "book-clock"
        | "bug"
        | "calendar"
        | "chart"
        | "check"
        | "check-circle"
        | "check-circle-filled"
        | "chevron-left"
        | "chevron-right"
        | "circle-question"
        | "clock"
        | "compass"
        | "confetti"
        | "cube"
        | "desktop"
        | "document"
        | "dot"
        | "dots-horizontal"
        | "dots-vertical"
        | "empty-circle"
        | "external-link"
        | "globe"
        | "keys"
        | "lab"
        | "images"
        | "info"
        | "lifesaver"
        | "lightbulb"
        | "mail"
        | "map-pin"
        | "maps"
        | "mobile"
        | "name"
        | "notebook"
        | "notebook-pencil"
        | "page-blank"
        | "phone"
        | "play"
        | "plus"
        | "profile"
        | "profile-card"
        | "reload"
        | "star"
        | "star-filled"
        | "search"
        | "sparkle"
        | "sparkle-double"
        | "square-code"
        | "square-image"
        | "square-text"
        | "suitcase"
        | "settings-slider"
        | "user"
        | "wreath"
        | "write"
        | "write-alt"
        | "write-alt2"
      )
    | string
    | null;
  text: string;
  type: "progress_update";
}
/**
 * Event emitted to trigger a client side-effect.
 */
export interface ClientEffectEvent {
  data: {
    [k: string]: unknown | undefined;
  };
  name: string;
  type: "client_effect";
}
/**
 * Event indicating an error occurred while processing a thread.
 */
export interface ErrorEvent {
  allow_retry: boolean;
  code: ErrorCode | "custom";
  message?: string | null;
  type: "error";
}
/**
 * Event conveying a user-facing notice.
 */
export interface NoticeEvent {
  level: "info" | "warning" | "danger";
  message: string;
  title?: string | null;
  type: "notice";
}
