/**
 * Threads belong to notebooks, in the `%chat` widget (issue 10): a new conversation
 * records its notebook's path, a widget shown without a conversation reopens its
 * notebook's last one, the history filters "This notebook", and context chips name the
 * notebook, the cell and the selection above the composer, like the sidebar's.
 *
 * Where the notebook is known from:
 * - JupyterLab / Notebook 7 with our extension: the bridge's `watchContext` (the panel
 *   holding the widget: its path, renames included, its active cell and selection);
 * - elsewhere: the kernel's `notebook` trait (the path its server's sessions API gives,
 *   see kernel/notebook_link.py). The widget then cannot see which cell is active or
 *   what is selected, and says so in the chips row instead of guessing.
 *
 * Which conversation a notebook had last is kept per Jupyter server in this browser,
 * shared with the sidebar; with nothing remembered, the newest conversation of the
 * notebook on the server is reopened (`threads.list` filtered by notebook).
 */

import { type ChatkitBridge, getBridge, type NotebookContext } from "./bridge";
import type { ChatSession } from "./client/session";
import type { ChatHandle } from "./ui/chat";
import type { ContextRef } from "./ui/context";

/**
 * The localStorage key of the memory `name` for a Jupyter server. Only the base URL's
 * path counts: JupyterLab's PageConfig gives the full URL ("http://host:port/base/"),
 * the widget's page config the path ("/base/"); both must find the same memory.
 */
export function serverKey(name: string, baseUrl: string): string {
  let path: string;
  try {
    path = new URL(baseUrl || "/", "http://localhost").pathname;
  } catch {
    path = "/";
  }
  return `jupyter-chatkit:${name}:${path.endsWith("/") ? path : `${path}/`}`;
}

/** The localStorage key of a Jupyter server's notebook → thread memory. */
export function memoryKey(baseUrl: string): string {
  return serverKey("notebook-threads", baseUrl);
}

/**
 * The id of the newest conversation of the notebook at `path` on the server
 * (`threads.list` filtered by notebook), or null when it has none. Used when this
 * browser remembers nothing for the notebook (another browser, a rename of a closed
 * notebook, cleared storage). Rejects when the server cannot be asked.
 */
export async function newestNotebookThread(session: Pick<ChatSession, "listThreads">, path: string): Promise<string | null> {
  const page = await session.listThreads(null, 1, { notebook: path });
  return page.data[0]?.id ?? null;
}

/**
 * Tell the server a notebook moved (`threads.update` of one of its threads, with request
 * metadata `{notebook, previous_notebook}`): all its threads are re-pointed there. The
 * server keeps each thread's title as it has it (an update naming a notebook changes
 * only that; ChatKit's update needs a title, so one is sent and ignored): a title read
 * here first and sent back undid a model title saved in between.
 */
export async function tellServer(
  chat: Pick<ChatHandle, "session">,
  threadId: string | null,
  from: string,
  to: string,
): Promise<void> {
  if (!threadId) return;
  try {
    await chat.session.request({
      type: "threads.update",
      params: { thread_id: threadId, title: "" },
      metadata: { notebook: to, previous_notebook: from },
    });
  } catch (e) {
    console.warn("jupyter-chatkit: could not move the notebook's conversations", e);
  }
}

/** Notebook path → its last thread id, kept in localStorage per Jupyter server. */
export class NotebookThreadMemory {
  /** The localStorage key this memory is kept under (another tab's change says it). */
  readonly storageKey: string;

  /** `baseUrl`: the Jupyter server's base URL, full or only its path. */
  constructor(baseUrl: string) {
    this.storageKey = memoryKey(baseUrl);
  }

  private read(): Record<string, string> {
    try {
      const value = JSON.parse(window.localStorage.getItem(this.storageKey) ?? "{}");
      return value && typeof value === "object" ? (value as Record<string, string>) : {};
    } catch {
      return {}; // storage disabled or damaged: nothing remembered
    }
  }

  private write(map: Record<string, string>): void {
    try {
      window.localStorage.setItem(this.storageKey, JSON.stringify(map));
    } catch {
      // storage disabled: nothing to remember
    }
  }

  /** The last thread of the notebook at `path`. */
  get(path: string | null): string | null {
    return path ? (this.read()[path] ?? null) : null;
  }

  /** Remember `id` as the notebook's thread (null forgets it). */
  set(path: string, id: string | null): void {
    const map = this.read();
    if (id) map[path] = id;
    else delete map[path];
    this.write(map);
  }

  /** The notebook moved from `from` to `to`: its thread goes with it. */
  move(from: string, to: string): void {
    const map = this.read();
    if (!(from in map)) return;
    map[to] = map[from];
    delete map[from];
    this.write(map);
  }
}

/** The file name of a notebook path. */
function fileName(path: string): string {
  return path.split("/").pop() || path;
}

/** Outside JupyterLab: the notebook only (its cells are read by the kernel's tools). */
function kernelRefs(path: string | null): ContextRef[] {
  const note: ContextRef = {
    id: "note:no-active-cell",
    kind: "note",
    label: "Active cell not visible here",
    title:
      "Outside JupyterLab the chat cannot see which cell is active or what is selected; " +
      "the assistant reads your cells and variables through the kernel when it needs them.",
    resolve: async () => null,
  };
  if (!path) return [note];
  return [
    {
      id: `notebook:${path}`,
      kind: "notebook",
      label: fileName(path),
      title: `${path}: sends its path; the assistant reads cells through the kernel when it needs them`,
      showsSent: true,
      resolve: async () => ({ from: "kernel", notebook: path }),
    },
    note,
  ];
}

/** Wait (a few frames at most) until `el` is in the page, where the bridge can find it. */
async function attached(el: HTMLElement, frames = 120): Promise<boolean> {
  for (let i = 0; i < frames && !el.isConnected; i++) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  return el.isConnected;
}

/** What {@link WidgetNotebook} needs from the widget's model. */
export interface KernelNotebook {
  /** The kernel's notebook path ("" while unknown). */
  path(): string;
  /** Call `cb` when the kernel learns or changes it; returns the unsubscribe function. */
  onChange(cb: () => void): () => void;
  /** Tell the kernel its notebook is now at `path` (renamed or moved). */
  set?(path: string): void;
}

/** The notebook a `%chat` widget lives in, and what follows from it for its chat. */
export class WidgetNotebook {
  private current: string | null = null;
  private bridged = false;
  private readonly stops: (() => void)[] = [];
  private chat: ChatHandle | null = null;
  private reopenPending = false;
  private disposed = false;

  constructor(
    private readonly el: HTMLElement,
    private readonly kernel: KernelNotebook,
    private readonly memory: NotebookThreadMemory,
    private readonly bridge: () => ChatkitBridge | null = getBridge,
  ) {
    this.current = kernel.path() || null;
  }

  /** The notebook's path, when known. */
  get path(): string | null {
    return this.current;
  }

  /** The metadata of a new thread (`threads.create`): its notebook. */
  metadata(): Record<string, unknown> | undefined {
    return this.current ? { notebook: this.current } : undefined;
  }

  /**
   * Follow the notebook for `chat`: chips, remembering its conversation, and with
   * `reopen` (the widget was shown without a conversation of its own) reopening the
   * notebook's last conversation once the notebook is known.
   */
  async start(chat: ChatHandle, reopen: boolean): Promise<void> {
    this.chat = chat;
    this.reopenPending = reopen;
    this.stops.push(
      chat.onThreadChange((id) => {
        if (this.current && id) this.memory.set(this.current, id);
      }),
    );
    this.stops.push(this.kernel.onChange(() => this.onKernelPath()));
    const bridge = (await attached(this.el)) ? this.bridge() : null;
    if (this.disposed) return;
    if (bridge?.watchContext) {
      this.stops.push(bridge.watchContext(this.el, (ctx) => this.onBridge(ctx)));
    }
    if (!this.bridged) chat.setContext(kernelRefs(this.current));
    await this.reopen();
  }

  private onBridge(ctx: NotebookContext): void {
    if (!ctx.notebook) return; // not in a notebook panel: the kernel's path stands
    // The panel holding the chat renamed or moved (not the first path it gave: a kernel
    // shared by two notebooks has one notebook of its own).
    const from = this.bridged && this.current !== ctx.notebook ? this.current : null;
    const thread = from ? (this.chat?.threadId ?? this.memory.get(from)) : null;
    this.bridged = true;
    this.moveTo(ctx.notebook);
    if (from) {
      // As the sidebar does: the notebook's conversations follow it, and the kernel's
      // `notebook` too (a conversation it starts belongs to the notebook where it is now).
      if (this.chat) void tellServer(this.chat, thread, from, ctx.notebook);
      if (this.kernel.path() !== ctx.notebook) this.kernel.set?.(ctx.notebook);
    }
    this.chat?.setContext(ctx.refs);
  }

  private onKernelPath(): void {
    if (this.bridged) return; // JupyterLab's own view of the notebook is fresher
    this.moveTo(this.kernel.path() || null);
    this.chat?.setContext(kernelRefs(this.current));
    void this.reopen();
  }

  private moveTo(path: string | null): void {
    const before = this.current;
    if (path === before) return;
    // A rename of the same notebook (the server moves its threads on its own).
    if (before && path && this.chat?.threadId) this.memory.move(before, path);
    this.current = path;
  }

  /** Open the notebook's last conversation, unless the chat has started one meanwhile. */
  private async reopen(): Promise<void> {
    const chat = this.chat;
    const path = this.current;
    if (!this.reopenPending || !chat || !path) return;
    this.reopenPending = false;
    const untouched = (): boolean => !this.disposed && !chat.threadId && !chat.session.busy;
    const remembered = this.memory.get(path);
    if (remembered && untouched()) {
      try {
        await chat.openThread(remembered);
        return;
      } catch {
        this.memory.set(path, null); // deleted, or another store's: ask the server
      }
    }
    try {
      const newest = await newestNotebookThread(chat.session, path);
      if (newest && untouched()) await chat.openThread(newest);
    } catch (e) {
      console.warn("jupyter-chatkit: could not reopen the notebook's conversation", e);
      if (untouched()) chat.newThread();
    }
  }

  /** Stop following. */
  dispose(): void {
    this.disposed = true;
    for (const stop of this.stops.splice(0)) stop();
  }
}
