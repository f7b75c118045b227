/** Node test: a `%chat` widget's notebook renamed in JupyterLab (notebookthreads.ts). */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChatkitBridge, NotebookContext } from "../../src/bridge";
import type { ChatHandle } from "../../src/index";
import { NotebookThreadMemory, WidgetNotebook } from "../../src/notebookthreads";

const stored = new Map<string, string>();
(globalThis as unknown as { window: unknown }).window = {
  localStorage: {
    getItem: (k: string) => stored.get(k) ?? null,
    setItem: (k: string, v: string) => void stored.set(k, v),
  },
};

test("a widget's notebook renamed: its conversations and the kernel's notebook follow, as the sidebar's", async () => {
  stored.clear();
  let kernelPath = "first.ipynb";
  const sent: { type: string; metadata?: unknown }[] = [];
  const chat = {
    threadId: "thr_1",
    session: {
      busy: false,
      request: async (req: { type: string; metadata?: unknown }) => {
        sent.push(req);
        return {};
      },
    },
    onThreadChange: () => () => undefined,
    setContext: () => undefined,
  } as unknown as ChatHandle;
  let panel: ((ctx: NotebookContext) => void) | null = null;
  const bridge = {
    watchContext: (_el: HTMLElement, cb: (ctx: NotebookContext) => void) => {
      panel = cb;
      return () => undefined;
    },
  } as unknown as ChatkitBridge;
  const kernel = {
    path: () => kernelPath,
    onChange: () => () => undefined,
    set: (path: string) => {
      kernelPath = path;
    },
  };
  const el = { isConnected: true } as unknown as HTMLElement;
  const memory = new NotebookThreadMemory("/");
  memory.set("first.ipynb", "thr_1");
  const notebook = new WidgetNotebook(el, kernel, memory, () => bridge);
  await notebook.start(chat, false);
  const show = panel as unknown as (ctx: NotebookContext) => void;
  show({ notebook: "first.ipynb", refs: [] });
  assert.equal(sent.length, 0);

  show({ notebook: "moved/second.ipynb", refs: [] }); // JupyterLab's rename of the panel
  await new Promise((resolve) => setTimeout(resolve, 0));

  assert.equal(notebook.path, "moved/second.ipynb");
  assert.deepEqual(notebook.metadata(), { notebook: "moved/second.ipynb" });
  assert.equal(kernelPath, "moved/second.ipynb");
  assert.deepEqual(
    sent.map((r) => [r.type, r.metadata]),
    [["threads.update", { notebook: "moved/second.ipynb", previous_notebook: "first.ipynb" }]],
  );
  assert.equal(memory.get("moved/second.ipynb"), "thr_1");
});
