/**
 * The anywidget front end of `jupyter_chatkit.Chat`.
 *
 * Model traits read: `base_url` (str), `thread_id` (str, synced both ways),
 * `initial_message` (str, sent once then cleared), `title` (str, optional).
 *
 * Transport: HTTP to the Jupyter server extension when `GET {base}jupyter-chatkit/health`
 * answers 200, else ChatKit over the comm (see client/comm.ts for that contract).
 *
 * Client tools run here. `get_notebook_cells` / `get_active_cell` ask the JupyterLab
 * bridge (`window.jupyterChatkitBridge`, from our lab extension, see bridge.ts) first; everything else,
 * and those when the bridge has no answer, goes to the kernel:
 *
 *   front end -> kernel  {type: "tool.request", id: string, name: string, args: object}
 *   kernel -> front end  {type: "tool.response", id: string, result: any}
 *                        (or {type: "tool.response", id, error: string})
 *
 * Also sent, for information: {type: "chat.answer", thread_id, text} when a turn ends.
 *
 * Turns run from Python on this chat (`%chat QUESTION`, `Chat.ask`) stream here too:
 *   kernel -> front end  {type: "thread.event", data: string}  (one ChatKit stream event,
 *                        JSON), applied to the thread shown unless this view is busy.
 */
import type { AnyModel, RenderProps } from "@anywidget/types";
import { type ChatkitBridge, getBridge } from "./bridge";
import { type CommModel, commTransport } from "./client/comm";
import type { ClientToolHandler } from "./client/session";
import {
  abortError,
  checkHealth,
  fetchTransport,
  normalizeBaseUrl,
  readPageConfig,
  type Transport,
} from "./client/transport";
import type { ThreadStreamEvent } from "./client/types";
import { jupyterUpload } from "./ui/attachments";
import { type ChatHandle, createChat, type ModelChoice } from "./ui/chat";
import "./ui/styles.css";

interface ChatModel {
  base_url: string;
  thread_id: string;
  initial_message: string;
  title: string;
}

/** How long a kernel tool may take: kernels queue comm messages behind running cells. */
const KERNEL_TOOL_TIMEOUT_MS = 120_000;

let toolCounter = 0;

/** Ask the kernel to run a client tool over the widget's comm. */
function kernelTools(model: AnyModel<ChatModel>): {
  call(name: string, args: unknown, signal: AbortSignal): Promise<unknown>;
  dispose(): void;
} {
  const waiting = new Map<string, { resolve(v: unknown): void; reject(e: Error): void }>();
  const onMsg = (msg: { type?: string; id?: string; result?: unknown; error?: unknown }): void => {
    if (msg?.type !== "tool.response" || typeof msg.id !== "string") return;
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (typeof msg.error === "string" && msg.error) w.reject(new Error(msg.error));
    else w.resolve(msg.result ?? null);
  };
  model.on("msg:custom", onMsg);
  return {
    call(name, args, signal) {
      const id = `tool-${Date.now().toString(36)}-${++toolCounter}`;
      return new Promise<unknown>((resolve, reject) => {
        if (signal.aborted) return reject(abortError());
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error("The kernel did not answer in time (is a cell still running?)."));
        }, KERNEL_TOOL_TIMEOUT_MS);
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
        };
        const onAbort = (): void => {
          waiting.delete(id);
          done();
          reject(abortError());
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiting.set(id, {
          resolve: (v) => {
            done();
            resolve(v);
          },
          reject: (e) => {
            done();
            reject(e);
          },
        });
        model.send({ type: "tool.request", id, name, args: args ?? {} });
      });
    },
    dispose() {
      model.off("msg:custom", onMsg);
      for (const w of waiting.values()) w.reject(new Error("The chat was closed."));
      waiting.clear();
    },
  };
}

const initialSent = new WeakSet<object>();

/** `GET {base}jupyter-chatkit/<path>` as JSON; null when it fails. */
async function getJson(baseUrl: string, path: string, token?: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(`${normalizeBaseUrl(baseUrl)}jupyter-chatkit/${path}`, {
      credentials: "same-origin",
      headers: token ? { Authorization: `token ${token}` } : {},
    });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The models on offer: the server's model as a label, or a picker when several. */
async function serverModels(baseUrl: string, token?: string): Promise<ModelChoice | null> {
  const data = await getJson(baseUrl, "models", token);
  if (!data || typeof data.default !== "string" || !Array.isArray(data.models)) return null;
  const allowed = data.models.filter((m): m is string => typeof m === "string");
  return { default: data.default, allowed, label: data.offline ? "offline demo model" : data.default };
}

async function render({ model, el }: RenderProps<ChatModel>): Promise<() => void> {
  el.classList.add("jck-widget-host");
  // Keys pressed in the chat (history rows, widget list items…) must not reach the
  // notebook's command-mode shortcuts (JupyterLab's documented opt-out).
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.textContent = "Connecting to the assistant…";
  const page = readPageConfig();
  const baseUrl = page?.baseUrl ?? normalizeBaseUrl(model.get("base_url") || "/");
  const viaServer = await checkHealth({ baseUrl, token: page?.token, timeoutMs: 3000 });
  const comm = viaServer ? null : commTransport(model as unknown as CommModel);
  const transport: Transport = comm ?? fetchTransport({ baseUrl, token: page?.token });
  const kernel = kernelTools(model);

  const viaKernel =
    (name: string): ClientToolHandler =>
    (args, { signal }) =>
      kernel.call(name, args, signal);
  const viaBridgeThenKernel =
    (name: string, ask: (b: ChatkitBridge, args: Record<string, unknown>) => Promise<unknown>): ClientToolHandler =>
    async (args, ctx) => {
      const b = getBridge();
      if (b) {
        try {
          const r = await ask(b, args);
          if (r !== null && r !== undefined) return r;
        } catch (e) {
          console.warn(`jupyter-chatkit: bridge ${name} failed, asking the kernel`, e);
        }
      }
      return viaKernel(name)(args, ctx);
    };
  const known: Record<string, ClientToolHandler> = {
    get_notebook_cells: viaBridgeThenKernel("get_notebook_cells", (b, args) => b.notebookCells(el, args)),
    get_active_cell: viaBridgeThenKernel("get_active_cell", (b) => b.activeCell(el)),
  };
  // Any other client tool (list_kernel_variables, inspect_kernel_variable, future ones)
  // is the kernel's to answer.
  const clientTools = new Proxy(known, {
    get: (target, name) => (typeof name === "string" ? (target[name] ?? viaKernel(name)) : undefined),
  });

  el.textContent = "";
  const chat: ChatHandle = createChat(el, {
    transport,
    clientTools,
    compact: true,
    title: model.get("title") || undefined,
    offline: viaServer ? getJson(baseUrl, "config", page?.token).then((c) => !!c?.offline) : false,
    models: viaServer ? serverModels(baseUrl, page?.token) : null,
    // Files go to the server's attachment store; over the comm there is none.
    upload: viaServer ? jupyterUpload(page?.token) : undefined,
    // Esc: back to the notebook's command mode (its shortcuts work again).
    onEscape: () => (el.closest(".jp-Notebook") as HTMLElement | null)?.focus(),
    insertCell: async (code, opts) => {
      const b = getBridge();
      return b ? b.insertCell(el, code, opts) : false;
    },
    onEffect: (name, data) => {
      console.info("jupyter-chatkit: client effect", name, data);
    },
  });

  chat.onThreadChange((id) => {
    if ((model.get("thread_id") || "") !== (id ?? "")) {
      model.set("thread_id", id ?? "");
      model.save_changes();
    }
  });
  chat.onAnswer(({ text, threadId }) => {
    model.send({ type: "chat.answer", thread_id: threadId, text });
  });
  const onThreadTrait = (): void => {
    // Python may set thread_id while an answer streams here (e.g. Chat.ask on the same
    // widget); switching then would abort this turn. The next trait change or the
    // turn's own thread change settles it.
    if (chat.session.busy) return;
    const id = model.get("thread_id") || "";
    if (id && id !== chat.threadId) void chat.openThread(id).catch(() => {});
    else if (!id && chat.threadId) chat.newThread();
  };
  model.on("change:thread_id", onThreadTrait);

  // A turn the kernel runs in this chat's thread (the magics share it): show it live.
  const onKernelTurn = (msg: { type?: string; data?: unknown }): void => {
    if (msg?.type !== "thread.event" || typeof msg.data !== "string" || chat.session.busy) return;
    let event: ThreadStreamEvent;
    try {
      event = JSON.parse(msg.data) as ThreadStreamEvent;
    } catch {
      return;
    }
    if (event.type === "thread.created") {
      if (chat.threadId !== event.thread.id) chat.session.newThread();
    } else if ("item" in event && event.item.thread_id && event.item.thread_id !== chat.threadId) {
      return; // another conversation than the one shown
    }
    chat.session.apply(event);
  };
  model.on("msg:custom", onKernelTurn);

  const startId = model.get("thread_id");
  if (startId) await chat.openThread(startId).catch(() => chat.newThread());
  const first = model.get("initial_message");
  if (first && !initialSent.has(model)) {
    initialSent.add(model);
    model.set("initial_message", "");
    model.save_changes();
    void chat.send(first);
  }

  return () => {
    model.off("change:thread_id", onThreadTrait);
    model.off("msg:custom", onKernelTurn);
    chat.dispose();
    kernel.dispose();
    comm?.dispose();
  };
}

export default { render };
