/**
 * Thread state and the pure reducer that applies ChatKit stream events to it.
 *
 * Every function returns a new state and never mutates its input; unchanged items
 * keep their object identity, so a renderer can skip them with `===`.
 */

import type {
  AssistantMessageContent,
  AssistantMessageItem,
  ErrorEvent,
  NoticeEvent,
  Thread,
  ThreadItem,
  ThreadItemUpdate,
  ThreadMetadata,
  ThreadStreamEvent,
  WidgetComponent,
  WidgetItem,
  WorkflowItem,
} from "./types";
import { EARLIER_FAILURES_KEY, TURN_FAILURE_KEY } from "../protocol";

/** What the UI shows for one thread. */
export interface ThreadState {
  thread: ThreadMetadata | null;
  items: ThreadItem[];
  /** Latest `progress_update`, cleared when the assistant produces output. */
  progress: { text: string; icon?: string | null } | null;
  streamOptions: { allow_cancel: boolean } | null;
  notices: NoticeEvent[];
  /** Latest `error` event of the current turn. */
  error: ErrorEvent | null;
  /**
   * Why earlier turns failed, by the id of the item each ended at (the history's notes:
   * the server's EARLIER_FAILURES_KEY, and this view's own errors once the next turn began).
   */
  earlier: Readonly<Record<string, ErrorEvent>>;
}

const NO_FAILURES: Readonly<Record<string, ErrorEvent>> = Object.freeze({});

/** A state with no thread. */
export function emptyState(): ThreadState {
  return { thread: null, items: [], progress: null, streamOptions: null, notices: [], error: null, earlier: NO_FAILURES };
}

/** Item types the UI never shows (the server leaves them out of its answers too). */
export const HIDDEN: ReadonlySet<string> = new Set(["hidden_context_item", "sdk_hidden_context"]);

/** State for a thread loaded with `threads.get_by_id` (plus any further items). */
export function stateFromThread(thread: Thread, extraItems: ThreadItem[] = []): ThreadState {
  const { items, ...meta } = thread;
  return {
    ...emptyState(),
    thread: meta,
    items: [...items.data, ...extraItems].filter((i) => !HIDDEN.has(i.type)),
    earlier: earlierFailures(thread),
  };
}

function metaOf(thread: Thread | ThreadMetadata): ThreadMetadata {
  const { items: _items, ...meta } = thread as Thread;
  return meta;
}

function upsert(items: ThreadItem[], item: ThreadItem): ThreadItem[] {
  if (HIDDEN.has(item.type)) return items;
  const i = items.findIndex((x) => x.id === item.id);
  if (i < 0) return [...items, item];
  const next = items.slice();
  next[i] = item;
  return next;
}

/** The index of the item of id `id` (looked for from the end), or -1. */
function lastIndexOfId(items: readonly ThreadItem[], id: string): number {
  for (let i = items.length - 1; i >= 0; i--) if (items[i].id === id) return i;
  return -1;
}

/** Apply one stream event. `client_effect` leaves the state unchanged. */
export function applyEvent(state: ThreadState, event: ThreadStreamEvent): ThreadState {
  switch (event.type) {
    case "thread.created":
      return {
        ...emptyState(),
        streamOptions: state.streamOptions,
        thread: metaOf(event.thread),
        items: (event.thread.items?.data ?? []).filter((i) => !HIDDEN.has(i.type)),
      };
    case "thread.updated":
      return { ...state, thread: metaOf(event.thread) };
    case "thread.item.added":
    case "thread.item.done":
      return {
        ...state,
        items: upsert(state.items, event.item),
        progress: event.item.type === "user_message" ? state.progress : null,
      };
    case "thread.item.replaced": {
      if (!state.items.some((x) => x.id === event.item.id)) return state;
      return { ...state, items: upsert(state.items, event.item) };
    }
    case "thread.item.removed":
      return { ...state, items: state.items.filter((x) => x.id !== event.item_id) };
    case "thread.item.updated": {
      // From the end: the item streaming is the last one, or close to it.
      const i = lastIndexOfId(state.items, event.item_id);
      if (i < 0) return state;
      const updated = applyItemUpdate(state.items[i], event.update);
      if (updated === state.items[i]) return state;
      const items = state.items.slice();
      items[i] = updated;
      const clearsProgress = !event.update.type.startsWith("workflow.");
      return { ...state, items, progress: clearsProgress ? null : state.progress };
    }
    case "stream_options":
      return { ...state, streamOptions: event.stream_options };
    case "progress_update":
      return { ...state, progress: { text: event.text, icon: event.icon } };
    case "notice":
      // Said once: TURN.WATCH replays a running turn's notices from its start, over those
      // the thread kept (ThreadSession.keepNotices) or a broken watch already showed.
      if (state.notices.some((n) => n.level === event.level && n.title === event.title && n.message === event.message)) return state;
      return { ...state, notices: [...state.notices, event] };
    case "error":
      return { ...state, error: { ...event, message: errorEventMessage(event) }, progress: null };
    case "client_effect":
      return state;
    default:
      return state;
  }
}

/**
 * What an `ErrorEvent` means, in words. The server's message when it sent one (ours
 * always do); otherwise ChatKit's error `code`, mapped: `stream.error` is what ChatKit
 * sends for a failure it has no words for. Errors are matched by code, never by text.
 */
export function errorEventMessage(event: ErrorEvent): string {
  const message = (event.message ?? "").trim();
  if (message) return message;
  const retry = event.allow_retry ? " Try again." : "";
  // ChatKit's list of codes is open ("new error codes can and will be added").
  const code: string = event.code ?? "";
  switch (code) {
    case "stream.error":
      return `The assistant ran into an error on the server while answering.${retry}`;
    case "custom":
    case "":
      return `The assistant could not finish this answer.${retry}`;
    default:
      return `The assistant could not finish this answer (error ${JSON.stringify(code.slice(0, 40))}).${retry}`;
  }
}

/** Apply one `thread.item.updated` payload to its item. */
export function applyItemUpdate(item: ThreadItem, update: ThreadItemUpdate): ThreadItem {
  switch (update.type) {
    case "assistant_message.content_part.added":
    case "assistant_message.content_part.text_delta":
    case "assistant_message.content_part.annotation_added":
    case "assistant_message.content_part.done":
      if (item.type !== "assistant_message") return item;
      return applyAssistantUpdate(item, update);
    case "widget.streaming_text.value_delta":
      if (item.type !== "widget") return item;
      return withWidget(
        item,
        mapComponent(item.widget, update.component_id, (c) => ({
          ...c,
          value: (c.value ?? "") + update.delta,
          streaming: !update.done,
        })),
      );
    case "widget.root.updated":
      if (item.type !== "widget") return item;
      return withWidget(item, update.widget);
    case "widget.component.updated":
      if (item.type !== "widget") return item;
      return withWidget(item, mapComponent(item.widget, update.component_id, () => update.component));
    case "workflow.task.added":
    case "workflow.task.updated": {
      if (item.type !== "workflow") return item;
      const tasks = item.workflow.tasks.slice();
      if (update.type === "workflow.task.added") {
        if (update.task_index < tasks.length) tasks.splice(update.task_index, 0, update.task);
        else tasks.push(update.task);
      } else if (update.task_index < tasks.length) {
        tasks[update.task_index] = update.task;
      } else {
        tasks.push(update.task);
      }
      const next: WorkflowItem = { ...item, workflow: { ...item.workflow, tasks } };
      return next;
    }
    case "generated_image.updated":
      if (item.type !== "generated_image") return item;
      return { ...item, image: update.image };
    default:
      return item;
  }
}

function applyAssistantUpdate(
  item: AssistantMessageItem,
  update: Extract<ThreadItemUpdate, { content_index: number }>,
): AssistantMessageItem {
  const content = item.content.slice();
  // Pad like the server does: updates may name an index not yet added.
  while (content.length <= update.content_index) {
    content.push({ type: "output_text", text: "", annotations: [] });
  }
  const at = update.content_index;
  const part: AssistantMessageContent = content[at];
  switch (update.type) {
    case "assistant_message.content_part.added":
    case "assistant_message.content_part.done":
      content[at] = update.content;
      break;
    case "assistant_message.content_part.text_delta":
      content[at] = { ...part, text: part.text + update.delta };
      break;
    case "assistant_message.content_part.annotation_added": {
      const annotations = (part.annotations ?? []).slice();
      if (update.annotation_index <= annotations.length) {
        annotations.splice(update.annotation_index, 0, update.annotation);
      } else {
        annotations.push(update.annotation);
      }
      content[at] = { ...part, annotations };
      break;
    }
  }
  return { ...item, content };
}

function withWidget(item: WidgetItem, widget: WidgetComponent): WidgetItem {
  return widget === item.widget ? item : { ...item, widget };
}

/** Children of a component as a list (some components hold one child, not a list). */
export function childrenOf(c: WidgetComponent): WidgetComponent[] {
  const ch = c.children;
  if (!ch) return [];
  return Array.isArray(ch) ? ch : [ch];
}

/**
 * Copy-on-write replacement of the component with `id` anywhere in the tree;
 * returns the same object when no component has that id.
 */
export function mapComponent(
  root: WidgetComponent,
  id: string,
  fn: (c: WidgetComponent) => WidgetComponent,
): WidgetComponent {
  if (root.id === id) return fn(root);
  const ch = root.children;
  if (!ch) return root;
  if (Array.isArray(ch)) {
    let changed = false;
    const next = ch.map((c) => {
      const n = mapComponent(c, id, fn);
      if (n !== c) changed = true;
      return n;
    });
    return changed ? { ...root, children: next } : root;
  }
  const n = mapComponent(ch, id, fn);
  return n === ch ? root : { ...root, children: n };
}

// ---------------------------------------------------------------- local changes

/** Mark a client tool call as answered (the server saves it but sends no event). */
export function completeToolCall(state: ThreadState, itemId: string, output: unknown): ThreadState {
  return {
    ...state,
    items: state.items.map((x) =>
      x.id === itemId && x.type === "client_tool_call"
        ? { ...x, status: "completed" as const, output }
        : x,
    ),
  };
}

/** Drop every item after `itemId` (what the server does on `threads.retry_after_item`). */
export function truncateAfter(state: ThreadState, itemId: string): ThreadState {
  const i = state.items.findIndex((x) => x.id === itemId);
  if (i < 0) return state;
  return { ...state, items: state.items.slice(0, i + 1), error: null };
}

/**
 * The note the server appends to an answer kept after Stop (`partial.STOPPED_NOTE`):
 * the live view adds it too, so it reads as the stored thread does when reopened.
 */
export const STOPPED_NOTE = "*[Stopped.]*";

/**
 * What a message stopped before any answer shows: the person's choice, said neutrally
 * with Retry (not "no answer" as a failure). The server keeps it with the thread
 * (`turn_failure` with `stopped`, turn_failures.keep_stop), so a reload says the same.
 */
export const STOPPED_ERROR: ErrorEvent & { stopped: true } = {
  type: "error",
  code: "custom",
  message: "Stopped.",
  allow_retry: true,
  stopped: true,
};

/** True for {@link STOPPED_ERROR} (live, or as the server kept it). */
export function isStopped(error: ErrorEvent | null | undefined): boolean {
  return (error as { stopped?: unknown } | null | undefined)?.stopped === true;
}

/** After Stop: a last message left without an answer says it was stopped. */
export function markStopped(state: ThreadState): ThreadState {
  return !state.error && state.items.at(-1)?.type === "user_message" ? { ...state, error: STOPPED_ERROR } : state;
}

/** A line opening or closing a fenced code block (as partial._FENCE). */
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** The fence of a code block `text` leaves open, or "" (as partial.open_fence). */
export function openFence(text: string): string {
  let fence = "";
  for (const line of text.split(/\r\n|\r|\n/)) {
    const found = FENCE.exec(line);
    if (!found) continue;
    const [, run, rest] = found;
    // A backtick run with a backtick after it is inline code, not a fence (CommonMark).
    if (!fence) fence = run[0] !== "`" || !rest.includes("`") ? run : "";
    else if (run[0] === fence[0] && run.length >= fence.length && !rest.trim()) fence = "";
  }
  return fence;
}

/** `item` with `note` as a paragraph after its text, once (`partial.mark_partial`). */
function markPartial(item: AssistantMessageItem, note: string): AssistantMessageItem {
  const empty = { type: "output_text", text: "", annotations: [] } as AssistantMessageContent;
  const content = item.content.length ? [...item.content] : [empty];
  const last = content[content.length - 1];
  let text = last.text.trimEnd();
  if (text.endsWith(note)) return item;
  // A code block stopped inside is closed first: the note is not code (Copy, Insert).
  const fence = openFence(text);
  if (fence) text = `${text}\n${fence}`;
  content[content.length - 1] = { ...last, text: text.trim() ? `${text}\n\n${note}` : note };
  return { ...item, content };
}

/**
 * After Stop: show what the server keeps, as it keeps it. Of the items still streaming
 * when the turn was stopped (`unfinished` ids), the server keeps an answer that has text
 * (marked with {@link STOPPED_NOTE}) and a workflow (collapsed); widgets, tasks and empty
 * answers are not saved, so they must not stay on screen only to vanish when the thread
 * is reopened.
 */
export function settleStopped(state: ThreadState, unfinished: ReadonlySet<string>): ThreadState {
  if (unfinished.size === 0) return state;
  let changed = false;
  const items: ThreadItem[] = [];
  for (const item of state.items) {
    if (!unfinished.has(item.id)) {
      items.push(item);
    } else if (item.type === "assistant_message" && messageText(item).trim()) {
      const marked = markPartial(item, STOPPED_NOTE);
      items.push(marked);
      changed ||= marked !== item;
    } else if (item.type === "workflow") {
      items.push(item.workflow.expanded ? { ...item, workflow: { ...item.workflow, expanded: false } } : item);
      changed ||= Boolean(item.workflow.expanded);
    } else {
      changed = true;
    }
  }
  return changed ? { ...state, items } : state;
}

/**
 * Start a new turn: clear the previous turn's error and progress. An error that left a
 * message without an answer stays with it (the history says why, as the server keeps it).
 */
export function beginTurn(state: ThreadState): ThreadState {
  const last = state.items.at(-1);
  const earlier =
    state.error && last?.type === "user_message" ? { ...state.earlier, [last.id]: state.error } : state.earlier;
  return { ...state, error: null, progress: null, streamOptions: null, earlier };
}

/** Prepend older items loaded with `items.list` (descending pages, reversed). */
export function prependItems(state: ThreadState, older: ThreadItem[]): ThreadState {
  const known = new Set(state.items.map((x) => x.id));
  const add = older.filter((x) => !known.has(x.id) && !HIDDEN.has(x.type));
  return add.length ? { ...state, items: [...add, ...state.items] } : state;
}

/** The text of an assistant message (all its content parts). */
export function messageText(item: AssistantMessageItem): string {
  return item.content.map((c) => c.text).join("\n\n");
}

/** The assistant's answer since the last user message: all assistant texts joined. */
export function lastAnswer(state: ThreadState): string {
  const out: string[] = [];
  for (let i = state.items.length - 1; i >= 0; i--) {
    const it = state.items[i];
    if (it.type === "user_message") break;
    if (it.type === "assistant_message") out.unshift(messageText(it));
  }
  return out.join("\n\n");
}

/** The id of the last user message, for retry. */
export function lastUserMessageId(state: ThreadState): string | null {
  for (let i = state.items.length - 1; i >= 0; i--) {
    if (state.items[i].type === "user_message") return state.items[i].id;
  }
  return null;
}

/** Where a turn that failed left its thread: its error, and the thread's last item then. */
export interface TurnFailure {
  error: ErrorEvent;
  lastItemId: string;
}

/** `state`'s failure: its error and last item (null without either). */
export function failureOf(state: ThreadState): TurnFailure | null {
  const last = state.items.at(-1);
  return state.error && last ? { error: state.error, lastItemId: last.id } : null;
}

/**
 * The error of `failure` when `state` (its thread, loaded again) still ends where the
 * failed turn left it: loading it again (a followed turn's end, the page's turn signals,
 * a reload with the failure the server kept) had put a bare "no answer" where the stream
 * had said why. Null once anything came after (an answer, a retry run elsewhere).
 */
export function errorStillStanding(failure: TurnFailure | null, state: ThreadState): ErrorEvent | null {
  return failure && state.items.at(-1)?.id === failure.lastItemId ? failure.error : null;
}

/** A failure as the server keeps it (TURN_FAILURE_KEY's form). */
interface StoredFailure {
  error?: ErrorEvent;
  after?: string;
  stopped?: unknown;
}

/** The error of a failure the server kept (null if malformed). */
function storedError(kept: StoredFailure | undefined): ErrorEvent | null {
  if (kept?.error?.type !== "error" || typeof kept.after !== "string") return null;
  return kept.stopped === true ? STOPPED_ERROR : kept.error;
}

/**
 * Why `thread`'s turns failed, by the item each ended at: its earlier failures
 * (protocol.py's EARLIER_FAILURES_KEY) and its last one. The history shows those of
 * messages that a later one followed.
 */
export function earlierFailures(thread: Thread | ThreadMetadata): Readonly<Record<string, ErrorEvent>> {
  const meta = thread.metadata as Record<string, unknown> | undefined;
  const list = meta?.[EARLIER_FAILURES_KEY];
  const kept = [...(Array.isArray(list) ? list : []), meta?.[TURN_FAILURE_KEY]] as (StoredFailure | undefined)[];
  const out: Record<string, ErrorEvent> = {};
  for (const failure of kept) {
    const error = storedError(failure);
    if (error && failure?.after) out[failure.after] = error;
  }
  return Object.keys(out).length ? out : NO_FAILURES;
}

/**
 * The failure the server kept with `thread` (protocol.py's TURN_FAILURE_KEY): why its
 * last turn failed, and the last shown item then. Null without one, or while a turn runs
 * in it (that turn's own end says how it went).
 */
export function keptFailure(thread: Thread | ThreadMetadata): TurnFailure | null {
  const meta = thread.metadata as Record<string, unknown> | undefined;
  const kept = meta?.[TURN_FAILURE_KEY] as StoredFailure | undefined;
  const error = storedError(kept);
  if (meta?.answering === true || !error || !kept?.after) return null;
  return { error, lastItemId: kept.after };
}
