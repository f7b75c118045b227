/**
 * Test page: mounts `createChat` against a transport that replays the streams the
 * real chatkit server recorded (../fixtures). Loaded once for a run of the browser tests
 * (test/browser/harness.ts): `__mount(query)` mounts what a test asks for and
 * `__reset()` unmounts it and brings the page back to how it loaded (./reset.ts), so
 * that the next test mounts into the same known page without a new document. A query
 * in the page's own URL is mounted when the page loads (to look at it in a browser).
 * Query: theme=light|dark, width=px,
 * compact=1 (notebook layout), bridge=1 (provide insertCell and a "Replace cell" code
 * action), above=1 (the server's insert effect asks for a cell above), sendkey=accel
 * (Ctrl/Cmd+Enter sends), initial=ID (open that thread at start), hold=TYPE (requests
 * of that type wait for the test's `__release`), upload=1 (attachments), pendingtitle=1
 * (a new thread still owed its model title), bidititle=1 (a new thread's title holds a
 * bidi override), agent=1 (the Ask / Agent switch), nb=PATH (the chat is attached to that
 * notebook, `__attach(path)` attaches another; the server lists conversations of
 * "two.ipynb" only).
 */

import {
  createChat,
  MarkdownView,
  readLine,
  renderMarkdown,
  renderWidget,
  sanitize,
  summarizeTurn,
  type Transport,
  type TransportResponse,
} from "../../src/index";
import { TURN } from "../../src/protocol";
import widget from "../../src/widget";
import createSse from "../fixtures/create.sse";
import customActionSse from "../fixtures/custom_action.sse";
import errorSse from "../fixtures/error.sse";
import hostileSse from "../fixtures/hostile.sse";
import threadJson from "../fixtures/thread.json";
import threadsJson from "../fixtures/threads.json";
import toolOutputSse from "../fixtures/tool_output.sse";
import { reset, takeBaseline } from "./reset";

let host = document.getElementById("host") as HTMLElement;
const theme = document.body.getAttribute("data-jp-theme-light") ?? "true";
const w = window as unknown as Record<string, unknown>;

const encoder = new TextEncoder();
// pendingtitle=1: the new thread has its local title and still waits for the model's
// (title_threads = "model"), which get_by_id answers (thread.json's title).
const pendingTitleSse = createSse.replace(
  '"status":{"type":"active"},"metadata":{}',
  '"title":"load data","status":{"type":"active"},"metadata":{"title_pending":true}',
);
// The code card's explanation in the recorded stream, and a long one to put in its place.
const CARD_NOTE = "Run `df.head()` to **preview** rows.";
const LONG_NOTE = Array.from(
  { length: 12 },
  (_, i) => `Step ${i + 1}: this reads the file, checks its **columns** and keeps the rows that matter.`,
).join("\n\n");
// Long enough to be cut, short enough to fit a wide chat's few lines.
const FITTING_NOTE = `${"This reads the file and checks its columns. ".repeat(6)}Then it keeps the rows.`;
// bidititle=1: the new thread's title holds a bidi override ("x<U+202E>gnp.exe") and a
// Persian word with its zero-width non-joiner.
const BIDI_TITLE = "Save x\u202egnp.exe (\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645)";
const bidiTitleSse = createSse.replace(
  '"status":{"type":"active"},"metadata":{}',
  `"title":${JSON.stringify(BIDI_TITLE)},"status":{"type":"active"},"metadata":{}`,
);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The read line of a turn that made these client tool calls (its hidden values' list too).
w.__readLine = (items: Parameters<typeof summarizeTurn>[1]) => readLine(summarizeTurn(null, items))?.outerHTML ?? "";

w.__sanitize = (html: string, domains?: string[]) => {
  const div = document.createElement("div");
  div.appendChild(sanitize(html, { imageDomains: domains ?? null }));
  return div.innerHTML;
};

/**
 * Stream `chunks` into a MarkdownView (each rendered at once, as the chat does per frame):
 * the streamed HTML, the same once the answer ended, and a fresh render of the whole text.
 */
w.__streamMarkdown = (chunks: string[]) => {
  const view = new MarkdownView();
  let text = "";
  for (const c of chunks) {
    text += c;
    view.update(text, true, true);
  }
  const streamed = view.el.innerHTML;
  const lexed = view.lexed;
  // Anything live the model's text could have made while it streamed (all inert: none).
  const active = view.el.querySelectorAll(
    "script, iframe, object, embed, style, form, svg:not(.jck-icon), [onerror], [onclick], [onload], a[href^='javascript' i]",
  ).length;
  view.update(text, true);
  const fresh = new MarkdownView();
  fresh.update(text, true);
  // The whole text through marked and the sanitizer at once (nothing built as a text node):
  // the fresh view's blocks, their contents joined, must be just that.
  const parsed = document.createElement("div");
  parsed.appendChild(renderMarkdown(text));
  return {
    streamed,
    final: view.el.innerHTML,
    fresh: fresh.el.innerHTML,
    parsed: parsed.innerHTML,
    freshBlocks: Array.from(fresh.el.children, (b) => b.innerHTML).join(""),
    lexed,
    length: text.length,
    active,
  };
};

/**
 * Stream `chunks` (plain words) into a MarkdownView: whether the text node the first chunk
 * made is still the paragraph's first, what it holds, and the paragraph's text.
 */
w.__plainAppend = (chunks: string[]) => {
  const view = new MarkdownView();
  let text = chunks[0];
  view.update(text, true, true);
  const first = view.el.querySelector("p")?.firstChild ?? null;
  for (const c of chunks.slice(1)) {
    text += c;
    view.update(text, true, true);
  }
  const p = view.el.querySelector("p");
  return { kept: p?.firstChild === first, firstData: (first as Text | null)?.data, text: p?.textContent };
};

/**
 * Stream `chunks` into a MarkdownView with code actions (as an answer in the chat is),
 * shown in the host so the browser's accessibility tree has its buttons.
 */
w.__mountAnswer = (chunks: string[]) => {
  const view = new MarkdownView({ code: { insert: async () => {}, announce: () => {} } });
  host.replaceChildren(view.el);
  let text = "";
  for (const c of chunks) {
    text += c;
    view.update(text, true, true);
  }
  view.update(text, true);
};

/** Render a widget JSON into the host (kitchen-sink test); actions are recorded. */
w.__renderWidget = (root: any) => {
  const actions: unknown[] = [];
  w.__actions = actions;
  host.replaceChildren(
    renderWidget(root, {
      onAction: async (action) => {
        actions.push(action);
      },
      markdown: { imageDomains: ["example.org"] },
      copyText: "fallback text",
    }),
  );
};

/**
 * Mount what `search` (a query) asks for: a chat, the widget, or nothing (sink=1). Every
 * request, answer and hold of its fake server is its own. Returns the unmount: the chat
 * disposed (the widget cleaned up), its fake server stopped (a stream it was reading
 * ends there, a held request is never answered: as the page being closed would), a new,
 * empty host in its place.
 */
function mount(search: string): () => void {
  const q = new URLSearchParams(search);
  document.body.setAttribute("data-jp-theme-light", q.get("theme") === "dark" ? "false" : "true");
  host.style.width = `${Number(q.get("width") || 800)}px`;
  if (q.get("compact")) host.classList.add("notebook");
  const sent: any[] = [];
  const inserted: { code: string; run: boolean; position: string }[] = [];
  const replaced: string[] = [];
  const effects: [string, unknown][] = [];
  const answers: string[] = [];
  const uploads: string[] = [];
  // The page's words that a person writes (TURN.WARM), kept apart from the requests above.
  const warms: unknown[] = [];
  let attachmentCount = 0;
  w.__sent = sent;
  w.__warms = warms;
  w.__inserted = inserted;
  w.__replaced = replaced;
  w.__effects = effects;
  w.__answers = answers;
  w.__uploads = uploads;
  // Set by the unmount: nothing of this mount runs on after it (streams, the fake kernel).
  let dead = false;

  function sse(text: string): TransportResponse {
    const bytes = encoder.encode(text);
    return {
      status: 200,
      contentType: "text/event-stream",
      body: new ReadableStream<Uint8Array>({
        async start(ctl) {
          for (let i = 0; i < bytes.length; i += 97) {
            ctl.enqueue(bytes.subarray(i, i + 97));
            await sleep(q.get("slow") ? 12 : 3);
            if (dead) return; // unmounted: the stream never ends, as in a closed page
          }
          ctl.close();
        },
      }),
    };
  }

  function json(value: unknown): TransportResponse {
    return {
      status: 200,
      contentType: "application/json",
      body: (async function* () {
        yield encoder.encode(JSON.stringify(value));
      })(),
    };
  }

  /**
   * Requests of a held type wait until the test releases them (`__release(type)`: the
   * oldest first; `fail` answers it with an error), so a test can order answers.
   */
  const held = new Map<string, { go: () => void; fail: () => void }[]>();
  w.__hold = (type: string) => held.set(type, []);
  for (const type of q.getAll("hold")) held.set(type, []);
  w.__unhold = (type: string) => held.delete(type);
  w.__heldCount = (type: string) => held.get(type)?.length ?? 0;
  w.__release = (type: string, fail = false) => {
    const next = held.get(type)?.shift();
    if (next) (fail ? next.fail : next.go)();
    return !!next;
  };

  const transport: Transport = {
    async send(body: any, signal?: AbortSignal): Promise<TransportResponse> {
      if (body.type === TURN.WARM) {
        warms.push(body);
        return json({ warming: true });
      }
      if (dead) return new Promise<never>(() => {}); // unmounted: no answer, as in a closed page
      sent.push(body);
      const queue = held.get(body.type);
      if (queue) {
        await new Promise<void>((go, fail) => {
          const entry = { go: () => go(), fail: () => fail(new Error("held request failed")) };
          queue.push(entry);
          // Stop while it is held: rejected as the real transport's fetch is, and no longer held.
          signal?.addEventListener(
            "abort",
            () => {
              const at = queue.indexOf(entry);
              if (at >= 0) queue.splice(at, 1);
              fail(new DOMException("The request was aborted.", "AbortError"));
            },
            { once: true },
          );
        });
      }
      await sleep(5);
      const text = body.params?.input?.content?.[0]?.text;
      switch (body.type) {
        case "threads.create":
          // "step": the tool call is an Agent step (agent=1 shows its card).
          if (text === "step") return sse(createSse.replace('"name":"list_kernel_variables"', '"name":"run_cell"'));
          if (q.get("bidititle")) return sse(bidiTitleSse);
          // longnote=1: the code card's explanation is long (it pushed the code away).
          // longnote=fits: long enough to be cut, and it fits after all.
          if (q.get("longnote")) {
            const note = q.get("longnote") === "fits" ? FITTING_NOTE : LONG_NOTE;
            return sse(createSse.replaceAll(CARD_NOTE, JSON.stringify(note).slice(1, -1)));
          }
          // lead=quotes|bullets: the hostile answer starts with a line of containers nested
          // 4,000 deep (marked's recursion overflowed on it).
          if (text === "hostile" && q.get("lead")) {
            const lead = `${(q.get("lead") === "quotes" ? ">" : "- ").repeat(4000)}deep end\n\n`;
            return sse(hostileSse.replaceAll("Careful", JSON.stringify(lead).slice(1, -1)));
          }
          return sse(text === "hostile" ? hostileSse : q.get("pendingtitle") ? pendingTitleSse : createSse);
        case "threads.add_client_tool_output":
          if (q.get("bidititle"))
            return sse(toolOutputSse.replace('"title":"Loading data"', `"title":${JSON.stringify(BIDI_TITLE)}`));
          return sse(toolOutputSse);
        case "threads.add_user_message":
        case "threads.retry_after_item":
          // "fail again": a failure of its own (another message item).
          return sse(text === "fail again" ? errorSse.replaceAll("msg_0008", "msg_0009") : errorSse);
        case "threads.custom_action":
          return sse(
            q.get("above") ? customActionSse.replace('"position":"below"', '"position":"above"') : customActionSse,
          );
        case "threads.list":
          // __startedElsewhere: conversations another tab started since, listed first.
          if (Array.isArray(w.__startedElsewhere))
            return json({ ...threadsJson, data: [...(w.__startedElsewhere as unknown[]), ...threadsJson.data] });
          // nb=PATH: "This notebook" lists the recorded conversations for two.ipynb only.
          if (q.get("nb") && body.metadata?.notebook)
            return json(body.metadata.notebook === "two.ipynb" ? threadsJson : { data: [], has_more: false });
          // bidititle=1: the first conversation listed has that title.
          if (q.get("bidititle"))
            return json({
              ...threadsJson,
              data: threadsJson.data.map((t, i) => (i ? t : { ...t, title: BIDI_TITLE })),
            });
          // untitled=1: a server with title_threads = 'off' (no conversation has a title);
          // untitled=second: and both started in the same second (a few ms apart).
          return json(
            q.get("untitled")
              ? {
                  ...threadsJson,
                  data: threadsJson.data.map(({ title: _, ...t }: { title?: string }, i: number) =>
                    q.get("untitled") === "second" ? { ...t, created_at: `2025-01-02T03:04:10.${700 - 600 * i}` } : t,
                  ),
                }
              : q.get("nbname") === "paged"
                ? // nbname=paged: that name in a/, then (Load more) the same name in b/.
                  body.params.after
                  ? { data: [{ ...threadsJson.data[1], notebook: "b/x\u202egnp.ipynb\u200b" }], has_more: false }
                  : {
                      data: [{ ...threadsJson.data[0], notebook: "a/x\u202egnp.ipynb\u200b" }],
                      has_more: true,
                      after: "p1",
                    }
                : q.get("sameminute")
                  ? // sameminute=1: two conversations of one title started in one minute.
                    { ...threadsJson, data: threadsJson.data.map((t) => ({ ...t, title: "Loading data" })) }
                  : q.get("nbname")
                    ? // nbname=1: the rows' notebooks, one named with a bidi override and a zero-width space.
                      {
                        ...threadsJson,
                        data: threadsJson.data.map((t, i) => ({
                          ...t,
                          notebook: i ? "a.ipynb" : "x\u202egnp.ipynb\u200b",
                        })),
                      }
                    : threadsJson,
          );
        case "threads.get_by_id":
          return json(q.get("bidititle") ? { ...threadJson, title: BIDI_TITLE } : threadJson);
        case "attachments.create": {
          const id = `atc_${++attachmentCount}`;
          return json({
            id,
            name: body.params.name,
            mime_type: body.params.mime_type,
            upload_descriptor: { url: `/upload/${id}`, method: "POST" },
          });
        }
        default:
          return json({});
      }
    },
  };

  /** nb=PATH: the notebook the chat is attached to (`__attach` changes it, as a host does). */
  let attached = q.get("nb");

  function mountChat(): () => void {
    const chat = createChat(host, {
      transport,
      compact: !!q.get("compact"),
      title: "Notebook assistant",
      clientTools: {
        // tool=fail: the kernel tool raises, as a dead kernel's bridge does.
        list_kernel_variables: async () => {
          if (q.get("tool") === "fail") throw new Error("This chat's kernel stopped or restarted.");
          // vars=bidi: a name with a bidi override, a type with a zero-width space.
          if (q.get("vars") === "bidi") return { variables: [{ name: "d\u202efd", type: "Data\u200bFrame" }] };
          return { variables: [{ name: "df", type: "DataFrame" }] };
        },
      },
      onEffect: (name, data) => effects.push([name, data]),
      insertCell: q.get("bridge")
        ? async (code, { run, position }) => {
            inserted.push({ code, run, position });
            return true;
          }
        : undefined,
      codeActions: q.get("bridge")
        ? [
            {
              label: "Replace cell",
              ariaLabel: "Replace the active cell with this code",
              icon: "replace",
              className: "jck-replace",
              run: (code) => replaced.push(code),
            },
          ]
        : undefined,
      sendKey: q.get("sendkey") === "accel" ? "Accel Enter" : undefined,
      placeholder: (key) => `Ask… (${key})`,
      initialThreadId: q.get("initial"),
      ...(q.get("nb") ? { threadMetadata: () => ({ notebook: attached }) } : {}),
      // upload=1: attachments; an upload named "slow…" waits for `__release("upload")`.
      // agent=1: the Ask / Agent switch; a step's card says it is in a notebook named with a
      // bidi override and a zero-width space.
      agent: q.get("agent")
        ? {
            preview: async () => ({ notebook: "x\u202egnp.ipynb\u200b", code: "x = 1" }),
            apply: async () => ({ result: { error: "not in this page" } }),
            diff: (before, after) =>
              Object.assign(document.createElement("pre"), { textContent: `${before}\n${after}` }),
          }
        : undefined,
      upload: q.get("upload")
        ? async (url, file) => {
            const name = (file as File).name ?? "";
            const queue = held.get("upload");
            if (name.startsWith("slow") && queue) {
              await new Promise<void>((go, fail) =>
                queue.push({ go: () => go(), fail: () => fail(new Error("failed")) }),
              );
            }
            uploads.push(url);
          }
        : undefined,
    });
    chat.onAnswer((a) => answers.push(a.text));
    w.chat = chat;
    // The host attaches another notebook; with `tell`, its context changes then too (the
    // lab's chips follow the attached notebook: watchContext).
    w.__attach = (path: string, tell = true) => {
      attached = path;
      if (tell) chat.setContext([]);
    };
    return () => chat.dispose();
  }

  /**
   * The anywidget entry against a fake model whose "kernel" speaks the comm contract
   * (chatkit.request/chunk/end, and the run_tool command as anywidget's invoke sends it). The page has no Jupyter server
   * extension, so the health check fails and the widget must fall back to the comm.
   */
  function mountWidget(): () => void {
    type Handler = (...args: any[]) => void;
    const handlers = new Map<string, Set<Handler>>();
    const data: Record<string, unknown> = {
      base_url: "/",
      thread_id: "",
      initial_message: "load data.csv",
      title: "Widget chat",
    };
    const commOut: any[] = [];
    const traitSaves: Record<string, unknown>[] = [];
    w.__comm = commOut;
    w.__saves = traitSaves;
    const emit = (name: string, ...args: unknown[]) => {
      for (const h of handlers.get(name) ?? []) h(...args);
    };
    const reply = (m: unknown) => setTimeout(() => dead || emit("msg:custom", m, []), 1);
    const kernel = (msg: any): void => {
      if (msg.kind === "anywidget-command" && msg.name === "run_tool") {
        reply({
          id: msg.id,
          kind: "anywidget-command-response",
          response: { variables: [{ name: "df" }], via: "kernel", tool: msg.msg.name },
        });
        return;
      }
      if (msg.type !== "chatkit.request") return;
      // hold=TYPE holds the kernel's answer to that request too, until `__release(TYPE)`.
      const queue = held.get(msg.body.type);
      if (queue && !msg.released) {
        queue.push({ go: () => kernel({ ...msg, released: true }), fail: () => undefined });
        return;
      }
      const text =
        msg.body.type === "threads.create"
          ? createSse
          : msg.body.type === "threads.add_client_tool_output"
            ? toolOutputSse
            : msg.body.type === "threads.custom_action"
              ? customActionSse
              : null;
      if (text === null) {
        reply({
          type: "chatkit.chunk",
          id: msg.id,
          data: JSON.stringify(
            msg.body.type === "threads.list" ? threadsJson : msg.body.type === "threads.get_by_id" ? threadJson : {},
          ),
        });
        reply({ type: "chatkit.end", id: msg.id, status: 200, contentType: "application/json" });
        return;
      }
      for (let i = 0; i < text.length; i += 150)
        reply({ type: "chatkit.chunk", id: msg.id, data: text.slice(i, i + 150) });
      reply({ type: "chatkit.end", id: msg.id, status: 200, contentType: "text/event-stream" });
    };
    const model = {
      get: (k: string) => data[k],
      set: (k: string, v: unknown) => {
        data[k] = v;
        emit(`change:${k}`);
      },
      save_changes: () => traitSaves.push({ ...data }),
      on: (name: string, cb: Handler) => {
        if (!handlers.has(name)) handlers.set(name, new Set());
        handlers.get(name)!.add(cb);
      },
      off: (name?: string | null, cb?: Handler | null) => {
        if (name && cb) handlers.get(name)?.delete(cb);
      },
      send: (msg: unknown) => {
        if (dead) return; // unmounted: the kernel hears nothing more
        commOut.push(msg);
        setTimeout(() => kernel(msg), 1);
      },
      widget_manager: {} as never,
    };
    if (q.get("bridge")) {
      (window as any).jupyterChatkitBridge = {
        version: 1,
        insertCell: async (fromEl: HTMLElement, code: string, opts: { run: boolean; position: string }) => {
          inserted.push({ code, run: opts.run, position: opts.position, fromHost: fromEl === host } as never);
          return true;
        },
        notebookCells: async () => ({ cells: [{ index: 0, source: "x = 1" }], via: "bridge" }),
        activeCell: async () => null,
      };
    }
    w.__model = model;
    const ctl = new AbortController();
    const rendered = Promise.resolve(
      widget.render({
        model: model as never,
        el: host,
        signal: ctl.signal,
        host: {} as never,
        // anywidget's own invoke (packages/anywidget/src/invoke.ts), over this fake model.
        experimental: {
          invoke: (name: string, msg: unknown, options: { signal?: AbortSignal } = {}) =>
            new Promise((resolve, reject) => {
              const id = `cmd-${Math.random().toString(36).slice(2)}`;
              const signal = options.signal ?? AbortSignal.timeout(3000);
              const handler = (m: any, buffers: unknown) => {
                if (m?.id !== id) return;
                model.off("msg:custom", handler);
                resolve([m.response, buffers]);
              };
              signal.addEventListener("abort", () => {
                if (dead) return; // unmounted: no answer, as in a closed page
                model.off("msg:custom", handler);
                reject(signal.reason);
              });
              model.on("msg:custom", handler);
              model.send({ id, kind: "anywidget-command", name, msg });
            }),
        } as never,
      }),
    ).then((cleanup) => {
      // Once: a test may clean up itself (its view closed), the unmount after it.
      let cleaned = false;
      const once = (): void => {
        if (!cleaned && typeof cleanup === "function") cleanup();
        cleaned = true;
      };
      w.__cleanup = once;
      return once;
    });
    return () => {
      ctl.abort();
      void rendered.then((cleanup) => cleanup());
    };
  }

  const unmount = q.get("sink") ? () => {} : q.get("widget") ? mountWidget() : mountChat();
  return () => {
    dead = true;
    unmount();
    // A new host: the chat's host may hold what a host's element keeps (the widget's keys).
    const fresh = document.createElement("div");
    fresh.id = "host";
    host.replaceWith(fresh);
    host = fresh;
    document.body.setAttribute("data-jp-theme-light", theme);
  };
}

/** The mounted test's unmount (see {@link mount}). */
let unmount: (() => void) | null = null;
w.__mount = (search: string) => {
  if (unmount) throw new Error("the page holds a test's chat already: __reset() first");
  unmount = mount(search);
};
/** Unmount, then bring the page back to how it loaded; what could not be, listed. */
w.__reset = () =>
  reset(() => {
    unmount?.();
    unmount = null;
  });
takeBaseline();
if (location.search) (w.__mount as (search: string) => void)(location.search);
