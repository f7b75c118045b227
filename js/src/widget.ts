/**
 * The anywidget front end of `jupyter_chatkit.Chat`.
 *
 * Model traits read: `base_url` (str), `thread_id` (str, synced both ways),
 * `new_conversation` (bool: with no `thread_id`, start empty rather than reopen the
 * notebook's last conversation), `initial_message` (str, sent once then cleared),
 * `title` (str, optional).
 *
 * Transport: HTTP to the Jupyter server extension when `GET {base}jupyter-chatkit/health`
 * answers 200, else ChatKit over the comm (see client/comm.ts for that contract).
 *
 * Client tools run here. Notebook tools (`runs_in: "notebook"` in protocol.ts) go by
 * name to the JupyterLab bridge (`window.jupyterChatkitBridge`, from our lab extension,
 * see bridge.ts) first; everything else, and those when the bridge has no answer, goes
 * to the kernel as anywidget's
 * command `COMM.RUN_TOOL` (`experimental.invoke`, one request, one answer: the tool's
 * result, errors as `{error}`).
 *
 * Also sent, for information: {type: COMM.ANSWER, thread_id, text} when a turn ends.
 *
 * Turns run from Python on this chat (`%chat QUESTION`, `Chat.ask`) stream here too:
 *   kernel -> front end  {type: COMM.THREAD_EVENT, data: string}  (one ChatKit stream
 *                        event, JSON), applied to the thread shown unless this view is busy.
 *
 * One widget shown twice (JupyterLab's "Create New View for Output", a second view of
 * the notebook) is one conversation: its views share one ChatSession, kept per model
 * (see {@link SharedChat}), so a message sent in one streams in both, Stop in either
 * stops it, and both follow `thread_id`. Each view has its own message box and scroll.
 */
import type { Experimental, RenderProps } from "@anywidget/types";
import { bridgeTool, getBridge } from "./bridge";
import { type CommModel, commTransport, kernelConfig } from "./client/comm";
import { ChatSession, type ClientToolHandler } from "./client/session";
import { watchShownThreads } from "./client/threadwatch";
import {
  abortError,
  checkHealth,
  fetchTransport,
  normalizeBaseUrl,
  readPageConfig,
  type Transport,
  withFrontEnd,
} from "./client/transport";
import { onTurnSignals } from "./client/turnsignal";
import type { ThreadStreamEvent } from "./client/types";
import { NotebookThreadMemory, WidgetNotebook } from "./notebookthreads";
import { CLIENT_TOOLS, COMM } from "./protocol";
import { type AgentHost, isStep, type UndoStep } from "./ui/agent";
import { passAppShortcut } from "./ui/appkeys";
import { jupyterUpload } from "./ui/attachments";
import { type ChatHandle, createChat, type ModelChoice } from "./ui/chat";
import { kernelModel } from "./ui/models";
import "./ui/styles.css";
import { toolMentions, withFiles } from "./ui/mentions";

interface ChatModel {
  base_url: string;
  thread_id: string;
  /** With no `thread_id`: a new conversation on purpose (`%chat --new`), not the notebook's last. */
  new_conversation?: boolean;
  /** What the chat shows for its next message: the model picked ("" the default) and the Ask/Agent switch. */
  choice?: { model?: string; agent?: Record<string, unknown> };
  initial_message: string;
  /** The kernel's notebook path under the server's root ("" while unknown). */
  notebook: string;
  title: string;
  /** This widget's own key, set by the kernel: its views share one conversation. */
  _view_key?: string;
}

/** The client tools the notebook answers (the kernel answers them too, as a fallback). */
const NOTEBOOK_TOOLS = new Set<string>(CLIENT_TOOLS.filter((t) => t.runs_in === "notebook").map((t) => t.name));

/** How long a kernel tool may take: kernels queue comm messages behind running cells. */
const KERNEL_TOOL_TIMEOUT_MS = 120_000;

/** What a kernel tool says when the widget's kernel connection cannot take it. */
const KERNEL_GONE =
  "This chat's kernel stopped or restarted, so it cannot read the kernel now; " +
  "run the %chat cell again (start the kernel first if it is not running).";

/** Ask the kernel to run a client tool (anywidget's command protocol). */
function kernelTools(invoke: Experimental["invoke"]): {
  call(name: string, args: unknown, signal: AbortSignal, cells?: unknown): Promise<unknown>;
  dispose(): void;
} {
  const closed = new AbortController();
  return {
    async call(name, args, signal, cells) {
      if (signal.aborted) throw abortError();
      // One signal for invoke (whose own default is a 3 s timeout): the turn's abort,
      // our longer timeout, or the chat closing.
      const stop = new AbortController();
      const onAbort = (): void => stop.abort(abortError());
      const onClose = (): void => stop.abort(new Error("The chat was closed."));
      signal.addEventListener("abort", onAbort, { once: true });
      closed.signal.addEventListener("abort", onClose, { once: true });
      const timer = setTimeout(
        () => stop.abort(new Error("The kernel did not answer in time (is a cell still running?).")),
        KERNEL_TOOL_TIMEOUT_MS,
      );
      try {
        const body = { name, args: args ?? {}, ...(cells ? { cells } : {}) };
        const [result] = await invoke<unknown>(COMM.RUN_TOOL, body, { signal: stop.signal });
        return result ?? null;
      } catch (e) {
        if (stop.signal.aborted) throw e;
        // The comm is gone with its kernel (shut down, restarted, died): JupyterLab's
        // bare "Cannot send" told the model, and so the person, nothing.
        throw new Error(KERNEL_GONE);
      } finally {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        closed.signal.removeEventListener("abort", onClose);
      }
    },
    dispose() {
      closed.abort();
    },
  };
}

/** What the views of one widget model share: the conversation and its connections. */
interface SharedChat {
  session: ChatSession;
  transport: Transport;
  /** The client tools the session answers (also what `@` completes: kernel variables). */
  clientTools: Record<string, ClientToolHandler>;
  viaServer: boolean;
  /** The views' elements, oldest first (the notebook tools read from one in a notebook). */
  els: HTMLElement[];
  /**
   * The element the lab bridge finds the widget's cell from: one in the notebook (an
   * output view is not), else the first.
   */
  notebookEl(): HTMLElement;
  /** The views' chats (a thread switch from Python is made through one of them). */
  chats: ChatHandle[];
  /** The first view's start (its conversation opening): later views wait for it. */
  started: Promise<void>;
  /**
   * The notebook side of Agent mode, from the first view the lab bridge knows the notebook
   * of: an output view ("Create New View for Output") is in no notebook, yet acts on it.
   */
  agentHost: AgentHost | null;
  /** `initial_message` went (once, whichever view came first). */
  initialSent: boolean;
  /** Tell the kernel the model and Ask/Agent switch shown, if they changed (`choice`). */
  syncChoice(): void;
  dispose(): void;
}

/** The shared conversations of this page's widgets (see {@link viewsKey}); a key leaves with its last view. */
const sharedChats = new Map<unknown, Promise<SharedChat>>();

/**
 * What the views of one widget have in common. anywidget hands each view a proxy of its
 * own (bound get/set/on), so the model object differs; what `get` returns is the same
 * underlying attribute: the key the kernel gave this widget (`Chat._view_key`). Not
 * `layout`: widgets may share one LayoutModel (`Chat(layout=lay)` twice), and would then
 * share a conversation.
 */
function viewsKey(model: RenderProps<ChatModel>["model"]): unknown {
  return model.get("_view_key") || model;
}

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

/** The model's shared conversation: made by its first view, kept while any view is shown. */
async function sharedChat(
  model: RenderProps<ChatModel>["model"],
  invoke: Experimental["invoke"],
  baseUrl: string,
  token: string | undefined,
): Promise<SharedChat> {
  const viaServer = await checkHealth({ baseUrl, token, timeoutMs: 3000 });
  const comm = viaServer ? null : commTransport(model as unknown as CommModel);
  // The cells the person kept out, as each request goes (the bridge's keptOutCells): the
  // server refuses Agent steps on them.
  const transport: Transport = withFrontEnd(comm ?? fetchTransport({ baseUrl, token }), () => ({
    kept_out_cells: getBridge()?.keptOutCells?.(toolEl()) ?? [],
  }));
  const kernel = kernelTools(invoke);
  const els: HTMLElement[] = [];
  const chats: ChatHandle[] = [];
  /** The view the notebook tools read from: one in a notebook (an output view is not). */
  const toolEl = (): HTMLElement =>
    els.find((e) => e.isConnected && e.closest(".jp-Notebook")) ?? els.find((e) => e.isConnected) ?? els[0];

  const viaKernel =
    (name: string): ClientToolHandler =>
    async (args, { signal }) => {
      try {
        // The notebook's cells kept out, live (a tag not saved yet): the variables only
        // they define are not described (the bridge's liveCells).
        const cells = NOTEBOOK_TOOLS.has(name) ? null : (getBridge()?.liveCells?.(toolEl()) ?? null);
        return await kernel.call(name, args, signal, cells);
      } catch (e) {
        // The widget's comm died with its kernel (a restart): the notebook's session
        // reaches the kernel that runs now, so JupyterLab can still answer.
        const b = (e as Error)?.message === KERNEL_GONE && !signal.aborted ? getBridge() : null;
        const r = b ? await bridgeTool(b, toolEl(), name, args ?? {}, signal).catch(() => null) : null;
        // An answer, not an error: with no kernel running at all, saying how to get this
        // chat's kernel back (run %chat again) helps more than the notebook's own words.
        const answered = r !== null && typeof r === "object" && !("error" in r);
        if (answered) return r;
        throw e;
      }
    };
  const viaBridgeThenKernel =
    (name: string): ClientToolHandler =>
    async (args, ctx) => {
      const b = getBridge();
      if (b) {
        try {
          const r = await bridgeTool(b, toolEl(), name, args, ctx.signal);
          if (r !== null && r !== undefined) return r;
        } catch (e) {
          console.warn(`jupyter-chatkit: bridge ${name} failed, asking the kernel`, e);
        }
      }
      return viaKernel(name)(args, ctx);
    };
  // Every client tool by name: the notebook's via the bridge (then the kernel), any
  // other (the kernel's, and names this bundle does not know yet) the kernel's.
  const clientTools = new Proxy({} as Record<string, ClientToolHandler>, {
    // Agent mode's steps are the chat's own (approval cards), never the kernel's.
    get: (_target, name) =>
      typeof name !== "string" || isStep(name)
        ? undefined
        : NOTEBOOK_TOOLS.has(name)
          ? viaBridgeThenKernel(name)
          : viaKernel(name),
  });
  const session = new ChatSession({ transport, clientTools });

  const stopAnswers = session.subscribe((e) => {
    if (e.type !== "answer") return;
    try {
      model.send({ type: COMM.ANSWER, thread_id: e.threadId, text: e.text });
    } catch {
      // The kernel is gone (restarted, shut down): nobody there waits for the answer.
    }
  });
  // Python may set thread_id while an answer streams here (e.g. `%chat --new` in
  // another cell); switching then would abort this turn, so the switch waits for the
  // turn to end, whichever way (answered, failed, stopped), and is then made once.
  let traitDeferred = false;
  const onThreadTrait = (): void => {
    const chat = chats[0];
    if (!chat) return;
    if (session.busy) {
      traitDeferred = true;
      return;
    }
    traitDeferred = false;
    const id = model.get("thread_id") || "";
    if (id && id !== session.threadId) void chat.openThread(id).catch(() => {});
    else if (!id && session.threadId) chat.newThread();
  };
  model.on("change:thread_id", onThreadTrait);
  let wasBusy = session.busy;
  const stopIdle = session.subscribe((e) => {
    if (e.type !== "state") return;
    const ended = wasBusy && !session.busy;
    wasBusy = session.busy;
    if (ended && traitDeferred) {
      queueMicrotask(() => {
        if (traitDeferred && !session.busy) onThreadTrait();
      });
    }
  });

  // A turn the kernel runs in this chat's thread (the magics share it): show it live.
  const onKernelTurn = (msg: { type?: string; data?: unknown }): void => {
    if (msg?.type !== COMM.THREAD_EVENT || typeof msg.data !== "string" || session.busy) return;
    let event: ThreadStreamEvent;
    try {
      event = JSON.parse(msg.data) as ThreadStreamEvent;
    } catch {
      return;
    }
    if (event.type === "thread.created") {
      if (session.threadId !== event.thread.id) session.newThread();
    } else if ("item" in event && event.item.thread_id && event.item.thread_id !== session.threadId) {
      return; // another conversation than the one shown
    }
    session.apply(event);
  };
  model.on("msg:custom", onKernelTurn);

  // The model picked and the Ask/Agent switch, for the kernel: its `%%chat` in the new
  // conversation shown here starts it with them, as a message sent here would (before,
  // that conversation came back in Ask and on the default model).
  let choiceSent = JSON.stringify(model.get("choice") ?? {});
  const syncChoice = (): void => {
    const agent = session.requestMetadata?.()?.agent;
    const choice = {
      model: session.model ?? "",
      ...(agent && typeof agent === "object" ? { agent: agent as Record<string, unknown> } : {}),
    };
    const text = JSON.stringify(choice);
    if (text === choiceSent) return;
    choiceSent = text;
    try {
      model.set("choice", choice);
      model.save_changes();
    } catch {
      // The kernel is gone: nobody there asks.
    }
  };
  // After the other listeners (the switch takes a thread's mode on the same event).
  const stopChoice = session.subscribe((e) => {
    if (e.type === "state") queueMicrotask(syncChoice);
  });

  // A turn another chat of this page (the sidebar, another %chat widget) runs in the
  // thread shown here: follow it live (TURN.WATCH, from its start) and show the thread as
  // saved once it ended. Not while this chat answers (the server queues the other turn;
  // this one's catch-up shows it), and never running the other's client tools.
  const stopTurnSignals = onTurnSignals((turn) => {
    session.heardTurn(turn);
    if (!session.followsTurn(turn)) return;
    void session.openThread(turn.threadId, true, false).catch(() => {});
  });
  // …and one another browser runs in it, as the server tells (threadwatch.ts; not through
  // a kernel's comm).
  const watched = viaServer
    ? watchShownThreads({
        threadId: () => session.threadId,
        request: (body, signal) => session.request(body as never, signal),
      })
    : null;
  let watchedThread = session.threadId;
  const stopWatchChange = session.subscribe((e) => {
    if (e.type !== "state" || session.threadId === watchedThread) return;
    watchedThread = session.threadId;
    watched?.changed();
  });

  return {
    session,
    transport,
    clientTools,
    viaServer,
    notebookEl: toolEl,
    els,
    chats,
    started: Promise.resolve(),
    agentHost: null,
    initialSent: false,
    syncChoice,
    dispose() {
      stopChoice();
      model.off("change:thread_id", onThreadTrait);
      model.off("msg:custom", onKernelTurn);
      stopTurnSignals();
      stopWatchChange();
      watched?.stop();
      stopIdle();
      stopAnswers();
      session.detach(); // closing is not Stop: the turn goes on on the server
      kernel.dispose();
      comm?.dispose();
    },
  };
}

async function render({ model, el, experimental }: RenderProps<ChatModel>): Promise<() => void> {
  el.classList.add("jck-widget-host");
  // Keys pressed in the chat (history rows, widget list items…) must not reach the
  // notebook's command-mode shortcuts (JupyterLab's documented opt-out).
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  // …but not from the application's own (Ctrl/Cmd+S saves the notebook, appkeys.ts); a
  // chord stops here either way (one reaching the notebook moves the focus to a cell).
  el.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    passAppShortcut(e);
    e.stopPropagation();
  });
  el.textContent = "Connecting to the assistant…";
  const page = readPageConfig();
  const baseUrl = page?.baseUrl ?? normalizeBaseUrl(model.get("base_url") || "/");
  const key = viewsKey(model);
  let pending = sharedChats.get(key);
  if (!pending) {
    pending = sharedChat(model, experimental.invoke, baseUrl, page?.token);
    sharedChats.set(key, pending);
  }
  const shared = await pending;
  const { session, viaServer } = shared;
  shared.els.push(el);

  // Threads belong to notebooks: which one this chat lives in (notebookthreads.ts).
  const notebook = new WidgetNotebook(
    el,
    {
      path: () => model.get("notebook") || "",
      onChange: (cb) => {
        model.on("change:notebook", cb);
        return () => model.off("change:notebook", cb);
      },
      set: (path) => {
        model.set("notebook", path);
        model.save_changes();
      },
    },
    new NotebookThreadMemory(baseUrl),
  );

  if (!shared.agentHost) {
    const host = getBridge()?.agent?.(el);
    if (host) shared.agentHost = viewsAgentHost(host, el, shared.notebookEl);
  }
  // Where the bridge finds the widget's cell: this view when it is in a notebook; from an
  // output view, a view that is (the code goes below the widget's own cell all the same).
  const cellEl = (): HTMLElement => (el.closest(".jp-Notebook") ? el : shared.notebookEl());
  el.textContent = "";
  // `@data/sales.csv`: files as the extension reads them (the context policy), beside the
  // kernel's variables.
  const bridgeFiles = getBridge()?.files
    ? (query: string) => getBridge()?.files?.(cellEl(), query) ?? Promise.resolve([])
    : null;
  const kernelSays = viaServer ? Promise.resolve(null) : kernelConfig(model as unknown as CommModel);
  const chat: ChatHandle = createChat(el, {
    transport: shared.transport,
    clientTools: shared.clientTools,
    mentions: withFiles(toolMentions(shared.clientTools), bridgeFiles),
    session,
    compact: true,
    title: model.get("title") || undefined,
    threadMetadata: () => notebook.metadata(),
    // Cell links (read line, cell chips) go to the cell where the extension can show it.
    showCell: getBridge()?.showCell ? (index) => getBridge()?.showCell?.(cellEl(), index) : undefined,
    // The hint of the offline model (ui/chat.ts) and the header's model, from whoever
    // answers: the server, or over the comm the kernel (its own assistant, or the server
    // it asks).
    offline: viaServer
      ? getJson(baseUrl, "config", page?.token).then((c) => !!c?.offline)
      : kernelSays.then((c) => !!c?.offline),
    models: viaServer ? serverModels(baseUrl, page?.token) : kernelSays.then(kernelModel),
    // Files go to the server's attachment store; over the comm there is none.
    upload: viaServer ? jupyterUpload(page?.token) : undefined,
    // Esc: back to the notebook's command mode (its shortcuts work again).
    onEscape: () => (el.closest(".jp-Notebook") as HTMLElement | null)?.focus(),
    // Agent mode where the lab extension can carry steps out in this notebook (the views
    // of one widget share its switch and approvals: ui/agent.ts).
    agent: shared.agentHost ?? undefined,
    insertCell: async (code, opts) => {
      const b = getBridge();
      return b ? b.insertCell(cellEl(), code, opts) : false;
    },
    insertBlocked: () => (getBridge() ? null : "cell insertion needs the JupyterLab extension"),
    onEffect: (name, data) => {
      console.info("jupyter-chatkit: client effect", name, data);
    },
  });
  shared.chats.push(chat);
  // The switch and the picker change on a click, a key or a pick (no session event).
  const onInput = (): void => queueMicrotask(() => shared.syncChoice());
  for (const type of ["click", "keyup", "change"]) el.addEventListener(type, onInput);
  shared.syncChoice();

  chat.onThreadChange((id) => {
    shared.syncChoice(); // the picker shows the thread's model now
    // A new conversation begun here (New conversation, `/new`) is one on purpose, as
    // `%chat --new`'s: the chat shown again (re-run, reload) shows it, not the old one.
    const fresh = !id;
    const changed = (model.get("thread_id") || "") !== (id ?? "") || !!model.get("new_conversation") !== fresh;
    if (changed) {
      model.set("thread_id", id ?? "");
      model.set("new_conversation", fresh);
      model.save_changes();
    }
  });

  // A later view of the same widget waits for the first one's start; the conversation
  // is open already (opening it again would cut a turn streaming in the other view).
  const first = shared.chats.length === 1;
  const start = async (): Promise<void> => {
    const startId = model.get("thread_id");
    if (startId && startId !== session.threadId && !session.busy)
      await chat.openThread(startId).catch(() => chat.newThread());
    const message = model.get("initial_message");
    const sendFirst = !!message && !shared.initialSent;
    // Shown without a conversation of its own, nor told to start one: reopen the
    // notebook's last one.
    const reopen = !startId && !sendFirst && !session.threadId && !model.get("new_conversation");
    const following = notebook.start(chat, reopen);
    if (sendFirst) {
      await following; // the new thread records its notebook
      shared.initialSent = true;
      model.set("initial_message", "");
      model.save_changes();
      void chat.send(message);
    }
  };
  if (first) {
    shared.started = start();
    await shared.started;
  } else {
    await shared.started.catch(() => undefined);
    await start();
  }

  return () => {
    for (const type of ["click", "keyup", "change"]) el.removeEventListener(type, onInput);
    notebook.dispose();
    chat.dispose();
    shared.els.splice(shared.els.indexOf(el), 1);
    shared.chats.splice(shared.chats.indexOf(chat), 1);
    if (!shared.chats.length) {
      // The last view: the conversation's connections close with it.
      sharedChats.delete(key);
      shared.dispose();
    }
  };
}

/**
 * Agent mode's notebook side for every view of one widget: the bridge's host for the view
 * the notebook tools read from now. A host acts on the notebook holding its view: with the
 * notebook opened twice and the first view closed, that one's steps failed with "No
 * notebook is open" while the other view still showed the notebook.
 */
export function viewsAgentHost(first: AgentHost, firstEl: HTMLElement, notebookEl: () => HTMLElement): AgentHost {
  const hosts = new Map<HTMLElement, AgentHost>([[firstEl, first]]);
  const host = (): AgentHost => {
    const el = notebookEl();
    let found = hosts.get(el);
    if (!found && el.isConnected) {
      found = getBridge()?.agent?.(el) ?? undefined;
      if (found) hosts.set(el, found);
    }
    return found ?? first;
  };
  return {
    preview: (name, args) => host().preview(name, args),
    apply: (name, args, signal, shown, waiting) => host().apply(name, args, signal, shown, waiting),
    diff: (before, after) => host().diff(before, after),
    // What a step's cell shows now (a step begun before a reload whose result was lost).
    current: async (name, args) => {
      const h = host();
      return (await (h.current ? h : first).current?.(name, args)) ?? {};
    },
    ...(first.revert
      ? {
          revert: (step: UndoStep) => {
            const h = host();
            // biome-ignore lint/style/noNonNullAssertion: first has one (checked above)
            return (h.revert ? h : first).revert!(step);
          },
        }
      : {}),
    ...(first.presence
      ? {
          presence: (step: UndoStep) => {
            const h = host();
            // biome-ignore lint/style/noNonNullAssertion: first has one (checked above)
            return (h.presence ? h : first).presence!(step);
          },
        }
      : {}),
    ...(first.onPresenceChanged
      ? {
          // The views show one notebook: the first view's host tells of its changes.
          // biome-ignore lint/style/noNonNullAssertion: first has one (checked above)
          onPresenceChanged: (listener: () => void) => first.onPresenceChanged!(listener),
        }
      : {}),
    autoApprove: first.autoApprove,
    maxSteps: first.maxSteps,
    beginTurn: () => host().beginTurn?.(),
    endTurn: () => {
      for (const h of hosts.values()) h.endTurn?.();
    },
  };
}

export default { render };
