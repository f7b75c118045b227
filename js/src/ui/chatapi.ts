/**
 * What a host page gives `createChat` (chat.ts) and gets back: `ChatOptions`, `ChatHandle`.
 */

import type { InsertOptions, InsertResult } from "../bridge";
import type { ChatSession, ClientToolHandler } from "../client/session";
import type { Transport } from "../client/transport";
import type { AgentHost } from "./agent";
import type { UploadFile } from "./attachments";
import type { Placeholder, SendKey } from "./composer";
import type { ContextRef, MessagePart } from "./context";
import type { CodeBlockAction } from "./markdown";
import type { MentionSource, SlashCommand } from "./mentions";
import type { ModelChoice } from "./models";

/** What the host page passes to `createChat`. */
export interface ChatOptions {
  /** How requests reach the ChatKit server. */
  transport: Transport;
  /** Client tools by name; the return value is sent to the model as the tool output. */
  clientTools?: Record<string, ClientToolHandler>;
  /** Client effects (other than cell insertion) and client-handled widget actions. */
  onEffect?(name: string, data: Record<string, unknown>): void;
  /**
   * Put code in a new notebook cell (and run it). Resolve false when that is not
   * possible, "no-kernel" when the cell waits for a kernel to run; undefined means no
   * notebook bridge: Insert buttons copy instead.
   * Called only on a person's click (code block or code card button).
   */
  insertCell?(code: string, opts: InsertOptions): Promise<InsertResult>;
  /**
   * Why no cell can be inserted now ("no notebook is open"), or null when one can: a
   * code card's Insert then copies its code without telling the server, which would
   * count it as inserted.
   */
  insertBlocked?(): string | null;
  /** More buttons on runnable code blocks, after Insert & run (e.g. "Replace cell"). */
  codeActions?: readonly CodeBlockAction[];
  /** Which key sends: Enter (Shift+Enter for a new line, the default) or Ctrl/Cmd+Enter. */
  sendKey?: SendKey;
  /** Open this thread on start. */
  initialThreadId?: string | null;
  /** Header title. */
  title?: string;
  /**
   * The title where the full one does not fit (a narrow sidebar), e.g. "Assistant";
   * the full title stays its tooltip. Default: "Assistant" with the default title.
   */
  shortTitle?: string;
  /** Notebook-output layout: bounded height instead of filling the parent. */
  compact?: boolean;
  /** Placeholder of the message box (or its choices, longest first; see composer.ts), or a
   * function of the send key giving it. */
  placeholder?: Placeholder;
  /** True when the server runs the offline demo model (GET jupyter-chatkit/config). */
  offline?: boolean | Promise<boolean>;
  /** Esc in the message box: give the keyboard back to the notebook. */
  onEscape?(): void;
  /** The models on offer (GET jupyter-chatkit/config): a label, or a picker when several. */
  models?: ModelChoice | null | Promise<ModelChoice | null>;
  /** Scroll the notebook to cell `index` (0-based): read-line and chip cell links. */
  showCell?(index: number): void;
  /** Metadata of a new thread (`threads.create`), e.g. `{ notebook: path }`. */
  threadMetadata?(): Record<string, unknown> | undefined;
  /** Completion of `@` / `#` mentions in the composer (variables, cells, files). */
  mentions?: MentionSource;
  /** Slash commands besides the built-in `/new` (e.g. `/explain`, `/fix`). */
  commands?: readonly SlashCommand[];
  /** Send an attachment's bytes to the server; without it, no attachments. */
  upload?: UploadFile;
  /** The notebook side of Agent mode; without it, no Ask / Agent switch. */
  agent?: AgentHost;
  /**
   * A session shared with other chats showing the same conversation (one `%chat` widget
   * shown twice): each shows it live, and a turn goes on when one of them closes. Without
   * it the chat makes its own, and stops it when disposed.
   */
  session?: ChatSession;
}

/** An assistant turn that finished. */
export interface ChatAnswer {
  text: string;
  threadId: string;
}

/** Control over a mounted chat. */
export interface ChatHandle {
  /**
   * Send a message as if typed (ignored while a turn is running). References among
   * `parts` go as tags (chips in the bubble), with the context chips after them.
   */
  send(text: string | readonly MessagePart[]): Promise<void>;
  /** What the context chips offer now (the active notebook, cell, selection). */
  setContext(refs: readonly ContextRef[]): void;
  /** Keep `ref` in the chips for the next messages. */
  pinContext(ref: ContextRef): void;
  /** The paths of the notebooks open in the host: chips name a notebook apart from them. */
  setOpenNotebooks(paths: readonly string[]): void;
  /**
   * Start a new conversation. The keyboard stays where it is: hosts call this on their
   * own (a notebook without conversations attached), often while the person types
   * elsewhere; the chat's own New button and `/new` put the focus in the box.
   */
  newThread(): void;
  /** Open a stored conversation. */
  openThread(id: string): Promise<void>;
  /** Unmount; a running turn goes on on the server (only Stop stops it). */
  dispose(): void;
  /** Put the keyboard focus in the message box. */
  focus(): void;
  /** Change which key sends (e.g. after a settings change). */
  setSendKey(key: SendKey): void;
  /** Called when an assistant turn finishes; returns the unsubscribe function. */
  onAnswer(cb: (answer: ChatAnswer) => void): () => void;
  /** Called when the current thread id changes (created, opened, new). */
  onThreadChange(cb: (threadId: string | null) => void): () => void;
  /** The current thread id, null for a new conversation not yet sent. */
  readonly threadId: string | null;
  /**
   * True while a message is readied (chips resolved, uploads finishing, a conversation
   * opening) before it is sent: a host switching conversations waits, as while busy.
   */
  readonly preparing: boolean;
  /** Called when a readied message went out or stayed in the box; returns the unsubscribe function. */
  onPrepared(cb: () => void): () => void;
  /** The underlying protocol session (for advanced hosts and tests). */
  readonly session: ChatSession;
}
