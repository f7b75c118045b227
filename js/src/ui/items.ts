/**
 * The thread view: one DOM entry per thread item, updated in place. Items whose
 * object did not change are not touched; a streaming assistant message re-renders
 * only its changed markdown blocks (see MarkdownView). Item types our server never
 * sends (generated images, structured input) are not shown.
 */

import type { ThreadState } from "../client/reducer";
import type {
  AssistantMessageItem,
  ClientToolCallItem,
  ErrorEvent,
  FeedbackKind,
  Task,
  ThreadItem,
  UserMessageItem,
  WidgetItem,
  WorkflowItem,
} from "../client/types";
import { toolLabel as fillLabel, toolSpec } from "../toolspec";
import { revealBidi, revealIn } from "./bidi";
import { afterTwoFrames, button, copyText, h, icon } from "./dom";
import { type MarkdownOptions, MarkdownView } from "./markdown";
import { showDestination } from "./sanitize";
import { noteFor, turnNotes } from "./turnnotes";
import { renderWidget, type WidgetContext } from "./widgets";

/** What item views need from the chat. */
export interface ItemHost {
  /** `item`: the message whose markdown it is (its code blocks' inserts name it). */
  markdown(item?: string): MarkdownOptions;
  widgetContext(item: WidgetItem): WidgetContext;
  feedback(itemId: string, kind: FeedbackKind): Promise<void>;
  announce(text: string): void;
  /** Called after content changed size (to keep the view scrolled to the end). */
  changed(): void;
  /** Answer the last message again (the last answer's Regenerate). */
  regenerate?(): void;
  /** Send `text` instead of user message `itemId` (dropping what followed it). */
  edit?(itemId: string, text: string): void;
  /** False while an answer streams (editing and regenerating wait). */
  idle(): boolean;
  /** A view of its own for a client tool call (Agent mode's step cards), or null. */
  toolView?(item: ClientToolCallItem): HTMLElement | null;
}

interface Entry {
  item: ThreadItem;
  el: HTMLElement;
  update(item: ThreadItem, streaming: boolean): void;
}

/**
 * Human text for a client tool call: pending, done and failed (the labels of its spec;
 * done and failed both in the past tense: "Read the active cell", "Failed to read the
 * active cell").
 */
export function toolLabel(call: ClientToolCallItem): [string, string, string] {
  const spec = toolSpec(call.name);
  if (!spec) return [`Running ${call.name}…`, `Ran ${call.name}`, `Failed to run ${call.name}`];
  const args = call.arguments ?? {};
  return [
    fillLabel(spec, spec.label, args),
    spec.done_label ? fillLabel(spec, spec.done_label, args) : `Ran ${call.name}`,
    spec.failed_label ? fillLabel(spec, spec.failed_label, args) : `Failed to run ${call.name}`,
  ];
}

/**
 * The error a client tool answered with, or null. Tools answer a failure as data,
 * `{"error": "..."}` (the kernel's introspection, the lab's kernel bridge, a handler
 * that threw: Session.runTool), and the server stores that result as the call's output
 * unchanged; a kernel answer may still be its JSON text.
 */
export function toolError(output: unknown): string | null {
  let value = output;
  if (typeof value === "string" && value.startsWith("{")) {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const error = (value as Record<string, unknown>).error;
  return typeof error === "string" && error.trim() ? error : null;
}

function taskRow(task: Task): HTMLElement {
  const status = task.status_indicator ?? "none";
  const mark =
    status === "loading"
      ? h("span", { class: "jck-spinner", "aria-label": "in progress" })
      : status === "complete"
        ? icon("check", "jck-icon jck-task-done")
        : task.type === "custom" && task.icon
          ? icon(task.icon)
          : icon("dot");
  const title =
    task.title ??
    (task.type === "web_search"
      ? (task.title_query ?? task.queries?.join(", ") ?? "Searching")
      : task.type === "thought"
        ? null
        : task.type);
  const body: (Node | string | null)[] = [];
  if (title) body.push(h("div", { class: "jck-task-title" }, title));
  const content = task.type === "thought" || task.type === "custom" ? task.content : null;
  if (content) body.push(h("div", { class: "jck-task-content" }, content));
  if (task.type === "web_search" && task.sources?.length) {
    body.push(
      h(
        "div",
        { class: "jck-task-content" },
        ...task.sources.map((s) =>
          h(
            "a",
            {
              href: /^https?:/i.test(s.url) ? s.url : null,
              target: "_blank",
              rel: "noopener noreferrer",
              class: "jck-source",
            },
            s.title,
          ),
        ),
      ),
    );
  }
  if (task.type === "file" && task.sources?.length) {
    body.push(h("div", { class: "jck-task-content" }, task.sources.map((s) => s.title || s.filename).join(", ")));
  }
  const row = h("li", { class: `jck-task jck-task-${status}` }, mark, h("div", { class: "jck-task-body" }, ...body));
  // A task's title and text are the model's prose (its reasoning, a search's query and
  // sources): their reordering controls are shown, as in an answer.
  revealBidi(row);
  return row;
}

/**
 * The words of a user message (what an edit starts from): its text and the names it
 * mentions (`@df` shows as "df"); context chips are not words (the edit keeps them).
 */
export function userText(item: UserMessageItem): string {
  return item.content
    .map((c) => (c.type === "input_text" ? c.text : (c.data as { chip?: unknown } | null)?.chip ? "" : c.text))
    .join("");
}

function userEntry(item: UserMessageItem, host: ItemHost): Entry {
  // Named by who said it: a screen reader otherwise reads the log as one run of text,
  // with nothing to tell where a question ends and its answer begins.
  const el = h("div", { class: "jck-msg jck-user", role: "article", "aria-label": "You" });
  let current = item;
  // `back`: an edit was left (Escape, Cancel); the keyboard returns to the pencil it
  // came from, not to the page's body (where the next Tab started over at the top).
  const render = (it: UserMessageItem, back = false): void => {
    current = it;
    const keyboardHere = back && el.contains(document.activeElement);
    el.replaceChildren();
    if (it.quoted_text) el.appendChild(h("blockquote", { class: "jck-quote" }, it.quoted_text));
    const bubble = h("div", { class: "jck-bubble" });
    for (const c of it.content) {
      if (c.type === "input_text") bubble.appendChild(document.createTextNode(c.text));
      else bubble.appendChild(h("span", { class: "jck-tag", title: c.text }, c.text));
    }
    // The files that went with it, by name: without them nothing said a file was sent.
    for (const a of it.attachments ?? []) {
      const kind = a.type === "image" ? "Image" : "File";
      bubble.appendChild(h("span", { class: "jck-tag jck-msg-attachment", title: a.name }, `${kind}: ${a.name}`));
    }
    // A tag or file names a notebook, cell or file: bidi controls and zero-width characters shown.
    for (const tag of bubble.querySelectorAll(".jck-tag")) revealIn(tag);
    // The person's words (or a notebook's, pasted or sent by "Fix this error") show their
    // reordering controls as an answer's do: "invoice_<U+202E>gnp.exe" must not read
    // "invoice_exe.png" here either (bidi.ts revealBidi; joiners kept).
    revealBidi(bubble);
    const quote = el.querySelector(".jck-quote");
    if (quote) revealBidi(quote);
    if (!host.edit) {
      el.appendChild(bubble);
      return;
    }
    // The pencil sits left of the bubble (shown on hover), taking no line of its own.
    const edit = button(icon("pencil"), () => startEdit(), {
      class: "jck-btn jck-btn-icon jck-edit",
      "aria-label": "Edit this message",
      title: "Edit and re-send",
    });
    el.appendChild(h("div", { class: "jck-user-row" }, h("div", { class: "jck-user-actions" }, edit), bubble));
    if (keyboardHere) edit.focus();
  };
  const startEdit = (): void => {
    if (!host.idle()) {
      host.announce("Wait for the answer to finish, then edit.");
      return;
    }
    const box = h("textarea", { class: "jck-input jck-edit-input", "aria-label": "Edit your message", rows: 3 });
    box.value = userText(current);
    const save = (): void => {
      const text = box.value.trim();
      if (!text) return;
      host.edit?.(current.id, text);
    };
    box.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        save();
      } else if (e.key === "Escape") {
        e.preventDefault();
        render(current, true);
      }
      e.stopPropagation();
    });
    el.replaceChildren(
      box,
      h(
        "div",
        { class: "jck-msg-actions jck-edit-actions" },
        button("Cancel", () => render(current, true), { class: "jck-btn" }),
        button("Send", () => save(), { class: "jck-btn jck-btn-primary" }),
      ),
    );
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  };
  render(item);
  return { item, el, update: (it) => render(it as UserMessageItem) };
}

function assistantEntry(item: AssistantMessageItem, host: ItemHost): Entry {
  const el = h("div", { class: "jck-msg jck-assistant", role: "article", "aria-label": "Assistant" });
  const parts = h("div", { class: "jck-parts" });
  const views: MarkdownView[] = [];
  const sources = h("div", { class: "jck-sources" });
  let rated: FeedbackKind | null = null;
  const up = button(icon("thumbs-up"), () => void rate("positive"), {
    class: "jck-btn jck-btn-icon",
    "aria-label": "Good answer",
    title: "Good answer",
    "aria-pressed": "false",
  });
  const down = button(icon("thumbs-down"), () => void rate("negative"), {
    class: "jck-btn jck-btn-icon",
    "aria-label": "Bad answer",
    title: "Bad answer",
    "aria-pressed": "false",
  });
  const copy = button(
    icon("copy"),
    async () => {
      const text = current.content.map((c) => c.text).join("\n\n");
      host.announce((await copyText(text)) ? "Answer copied." : "Could not copy the answer.");
    },
    { class: "jck-btn jck-btn-icon", "aria-label": "Copy answer", title: "Copy answer" },
  );
  const footer = h("div", { class: "jck-msg-actions" }, copy, up, down);
  if (host.regenerate) {
    // Shown on the last answer only (ThreadView marks it jck-last).
    footer.appendChild(
      button(icon("retry"), () => host.regenerate?.(), {
        class: "jck-btn jck-btn-icon jck-regenerate",
        "aria-label": "Regenerate this answer",
        title: "Regenerate",
      }),
    );
  }
  el.append(parts, sources, footer);
  let current = item;

  async function rate(kind: FeedbackKind): Promise<void> {
    if (rated === kind) return;
    try {
      await host.feedback(current.id, kind);
      rated = kind;
      up.setAttribute("aria-pressed", String(kind === "positive"));
      down.setAttribute("aria-pressed", String(kind === "negative"));
      host.announce("Thanks for the feedback.");
    } catch (e) {
      host.announce(`Could not send feedback: ${(e as Error).message}`);
    }
  }

  /** Whether the element is marked streaming (a class write per frame cost a DOM call). */
  let marked: boolean | null = null;
  /** The content parts whose annotations the sources were last built from. */
  let annotated: readonly AssistantMessageItem["content"][number]["annotations"][] = [];
  const render = (it: AssistantMessageItem, streaming: boolean): void => {
    const previous = current;
    current = it;
    if (marked !== streaming) {
      marked = streaming;
      el.classList.toggle("jck-streaming", streaming);
    }
    while (views.length < it.content.length) {
      const v = new MarkdownView(host.markdown(it.id), () => host.changed());
      views.push(v);
      parts.appendChild(v.el);
    }
    for (const v of views.splice(it.content.length)) v.el.remove();
    // Now, not in a frame of its own: the chat calls this from its one render per frame.
    for (let i = 0; i < it.content.length; i++) views[i].update(it.content[i].text, true, streaming);
    // A text delta leaves every part's annotations as they were: the sources stay.
    if (
      previous !== it &&
      annotated.length === it.content.length &&
      it.content.every((c, i) => c.annotations === annotated[i])
    ) {
      return;
    }
    annotated = it.content.map((c) => c.annotations);
    // Annotations: list URL sources under the message.
    const urls = new Map<string, string>();
    for (const c of it.content) {
      for (const a of c.annotations ?? []) {
        if (a.source.type === "url" && /^https?:/i.test(a.source.url))
          urls.set(a.source.url, a.source.title || a.source.url);
      }
    }
    if (urls.size || sources.firstChild) {
      sources.replaceChildren(
        ...[...urls].map(([url, title]) =>
          h("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "jck-source" }, title),
        ),
      );
      // A source's title is a web page's: where it goes is shown as in an answer's links.
      for (const a of Array.from(sources.children)) showDestination(a);
      revealBidi(sources);
    }
  };
  render(item, false);
  return { item, el, update: (it, streaming) => render(it as AssistantMessageItem, streaming) };
}

function toolEntry(item: ClientToolCallItem, host: ItemHost): Entry {
  const el = h("div", { class: "jck-activity" });
  const render = (it: ClientToolCallItem): void => {
    const own = host.toolView?.(it);
    if (own) {
      el.className = "jck-step-item";
      if (el.firstChild !== own) el.replaceChildren(own);
      return;
    }
    const [pending, done, failed] = toolLabel(it);
    const isPending = it.status === "pending";
    const error = isPending ? null : toolError(it.output);
    const status = isPending ? "pending" : error === null ? "done" : "failed";
    el.setAttribute("data-status", status);
    if (status === "failed") {
      // The mark says it (not only its colour): an error mark a screen reader names.
      const mark = icon("warning", "jck-icon jck-task-failed");
      mark.removeAttribute("aria-hidden");
      mark.setAttribute("role", "img");
      mark.setAttribute("aria-label", "Failed");
      el.replaceChildren(
        mark,
        h(
          "div",
          { class: "jck-activity-text" },
          h("span", null, failed),
          h("div", { class: "jck-activity-error", title: error }, error),
        ),
      );
    } else {
      el.replaceChildren(
        isPending
          ? h("span", { class: "jck-spinner", "aria-hidden": "true" })
          : icon("check", "jck-icon jck-task-done"),
        h("span", null, isPending ? pending : done),
      );
    }
    // The label names what the model chose (a variable, a tool): its invisible controls
    // are shown, as in every name, or "x<U+202E>gnp.exe" draws as "xexe.png".
    revealIn(el);
    el.classList.toggle("jck-pending", isPending);
  };
  render(item);
  return { item, el, update: (it) => render(it as ClientToolCallItem) };
}

function workflowEntry(item: WorkflowItem): Entry {
  const details = h("details", { class: "jck-workflow" });
  const render = (it: WorkflowItem, streaming: boolean): void => {
    const wf = it.workflow;
    const running = wf.tasks.some((t) => t.status_indicator === "loading") || (streaming && !wf.summary);
    let label: string;
    if (wf.summary && "title" in wf.summary) label = wf.summary.title;
    else if (wf.summary && "duration" in wf.summary) label = `Thought for ${wf.summary.duration}s`;
    else if (running) label = wf.type === "reasoning" ? "Thinking…" : "Working…";
    else label = wf.type === "reasoning" ? "Thoughts" : `${wf.tasks.length} step${wf.tasks.length === 1 ? "" : "s"}`;
    details.classList.toggle("jck-streaming", streaming);
    const open = details.hasAttribute("data-touched") ? details.open : !!wf.expanded;
    details.replaceChildren(
      h(
        "summary",
        null,
        running
          ? h("span", { class: "jck-spinner", "aria-hidden": "true" })
          : icon(wf.type === "reasoning" ? "lightbulb" : "check"),
        h("span", null, label),
      ),
      h("ol", { class: "jck-tasks" }, ...wf.tasks.map(taskRow)),
    );
    details.open = open;
  };
  details.addEventListener("toggle", () => details.setAttribute("data-touched", ""));
  render(item, false);
  return { item, el: details, update: (it, s) => render(it as WorkflowItem, s) };
}

function widgetEntry(item: WidgetItem, host: ItemHost): Entry {
  const el = h("div", { class: "jck-widget-item" });
  const render = (it: WidgetItem): void => {
    el.replaceChildren(renderWidget(it.widget, host.widgetContext(it)));
  };
  render(item);
  return { item, el, update: (it) => render(it as WidgetItem) };
}

function makeEntry(item: ThreadItem, host: ItemHost): Entry | null {
  switch (item.type) {
    case "user_message":
      return userEntry(item, host);
    case "assistant_message":
      return assistantEntry(item, host);
    case "client_tool_call":
      return toolEntry(item, host);
    case "workflow":
      return workflowEntry(item);
    case "task": {
      const el = h("ul", { class: "jck-tasks jck-task-item" }, taskRow(item.task));
      return { item, el, update: (it) => el.replaceChildren(taskRow((it as typeof item).task)) };
    }
    case "widget":
      return widgetEntry(item, host);
    default:
      return null;
  }
}

/** The list of thread items. */
export class ThreadView {
  readonly el: HTMLElement;
  private entries = new Map<string, Entry>();
  /** The notes under items whose turn ended unanswered, by item id, and what they say. */
  private notes = new Map<string, { el: HTMLElement; why: ErrorEvent | null }>();
  private host: ItemHost;
  /** Items added and not yet laid out in full, and whether their two frames are awaited. */
  private fresh: HTMLElement[] = [];
  private freshPending = false;
  /** What the last render laid out (see {@link ThreadView.render}). */
  private shape: {
    items: readonly ThreadItem[];
    earlier: ThreadState["earlier"];
    busy: boolean;
    streamingId: string | null;
    lastAnswer: string | null;
  } | null = null;

  constructor(host: ItemHost) {
    this.host = host;
    this.el = h("div", {
      class: "jck-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": "Conversation",
    });
  }

  /**
   * Bring the DOM in line with `state`; while `busy` the last assistant message (or
   * workflow) is marked streaming, if `unfinished` says it is not done yet: a turn that
   * runs a widget action (Insert on a code card) leaves the answer complete.
   *
   * When the items are those of the last render, in the same order and marked the same
   * (an answer's deltas: only its own item is a new object), only the changed items are
   * updated: a frame of a streaming answer no longer walks the DOM of every earlier turn.
   */
  render(state: ThreadState, busy: boolean, unfinished: (id: string) => boolean = () => true): void {
    let streamingId: string | null = null;
    if (busy) {
      for (let i = state.items.length - 1; i >= 0; i--) {
        const it = state.items[i];
        if (it.type === "user_message") break;
        if (it.type === "assistant_message" || it.type === "workflow") {
          if (unfinished(it.id)) streamingId = it.id;
          break;
        }
      }
    }
    let lastAnswer: string | null = null;
    for (let i = state.items.length - 1; i >= 0; i--) {
      const it = state.items[i];
      if (it.type === "user_message") break;
      if (it.type === "assistant_message") {
        lastAnswer = it.id;
        break;
      }
    }
    const shape = this.shape;
    this.shape = { items: state.items, earlier: state.earlier, busy, streamingId, lastAnswer };
    if (
      shape &&
      shape.earlier === state.earlier &&
      shape.busy === busy &&
      shape.streamingId === streamingId &&
      shape.lastAnswer === lastAnswer &&
      sameIds(shape.items, state.items)
    ) {
      const { items } = state;
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        const entry = item === shape.items[i] ? undefined : this.entries.get(item.id);
        if (!entry) continue; // unchanged, or a type not shown
        entry.item = item;
        entry.update(item, item.id === streamingId);
        // An update rebuilds the entry's children: its note goes back under it.
        const note = this.notes.size ? this.notes.get(item.id) : undefined;
        if (note) entry.el.appendChild(note.el);
      }
      return;
    }
    const seen = new Set<string>();
    // A message another message follows with nothing between: its answer failed or was
    // stopped before it began. The error box said so only until the next message was
    // sent: the message stays marked, with why when known (the server keeps it).
    const notes = turnNotes(state);
    let prev: Element | null = null;
    for (const item of state.items) {
      seen.add(item.id);
      let entry = this.entries.get(item.id);
      const streaming = item.id === streamingId;
      if (!entry) {
        const made = makeEntry(item, this.host);
        if (!made) continue;
        entry = made;
        entry.el.setAttribute("data-item-id", item.id);
        this.layOutOnce(entry.el);
        if (streaming) entry.update(item, true);
        this.entries.set(item.id, entry);
      } else if (entry.item !== item || entry.el.classList.contains("jck-streaming") !== streaming) {
        entry.item = item;
        entry.update(item, streaming);
      }
      entry.el.classList.toggle("jck-last", item.id === lastAnswer && !busy);
      this.placeNote(entry, notes);
      const want: Element | null = prev ? prev.nextElementSibling : this.el.firstElementChild;
      if (want !== entry.el) this.el.insertBefore(entry.el, want);
      prev = entry.el;
    }
    for (const [id, entry] of this.entries) {
      if (!seen.has(id)) {
        entry.el.remove();
        this.entries.delete(id);
      }
    }
    for (const id of this.notes.keys()) if (!notes.has(id) || !this.entries.has(id)) this.notes.delete(id);
    if (this.el.getAttribute("aria-busy") !== String(busy)) this.el.setAttribute("aria-busy", String(busy));
  }

  /** Put `entry`'s note (from `notes`) last in it, or take a note it no longer has away. */
  private placeNote(entry: Entry, notes: Map<string, ErrorEvent | null>): void {
    const id = entry.item.id;
    const unanswered = notes.has(id);
    if (entry.item.type === "user_message") entry.el.classList.toggle("jck-unanswered", unanswered);
    let note = this.notes.get(id);
    if (!unanswered) {
      note?.el.remove();
      this.notes.delete(id);
      return;
    }
    const why = notes.get(id) ?? null;
    if (!note || note.why !== why) {
      note?.el.remove();
      note = { el: noteFor(why), why };
      this.notes.set(id, note);
    }
    if (entry.el.lastElementChild !== note.el) entry.el.appendChild(note.el);
  }

  /**
   * Have a new item laid out in full at least once, wherever it is: an item out of sight
   * is skipped (content-visibility, styles.css) and, never laid out, counts the 100px
   * guess instead of its height. Items added out of sight (a conversation opened, earlier
   * messages loaded) then grew as they were scrolled to: the scroll height changed 16
   * times scrolling through 72 items. `jck-new` holds for two frames (the frame callback
   * runs before its frame's layout).
   */
  private layOutOnce(el: HTMLElement): void {
    el.classList.add("jck-new");
    this.fresh.push(el);
    if (this.freshPending) return;
    this.freshPending = true;
    afterTwoFrames(() => {
      this.freshPending = false;
      for (const made of this.fresh) made.classList.remove("jck-new");
      this.fresh = [];
    });
  }

  /** Forget everything (new thread). */
  clear(): void {
    this.shape = null;
    this.entries.clear();
    this.notes.clear();
    this.el.replaceChildren();
  }
}

/** Whether `a` and `b` hold items of the same ids in the same order. */
function sameIds(a: readonly ThreadItem[], b: readonly ThreadItem[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && a[i].id !== b[i].id) return false;
  return true;
}
