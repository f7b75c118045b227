/**
 * Notebook 7's panel memory (panelmemory.ts) keeps nothing when the browser refuses its
 * storage: reading `localStorage` itself throws where a site's storage is blocked
 * (Chrome's "block cookies", a sandboxed frame), and the plugin must still start.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Signal } from "@lumino/signaling";
import type { Widget } from "@lumino/widgets";
import { rememberPanelOpen } from "../src/panelmemory";

test("storage the browser refuses keeps nothing and breaks nothing", async () => {
  const before = Object.getOwnPropertyDescriptor(globalThis, "localStorage");
  Object.defineProperty(globalThis, "localStorage", {
    configurable: true,
    get() {
      throw new Error("SecurityError: access is denied for this document");
    },
  });
  try {
    const panel = { id: "jck", isVisible: false, disposed: new Signal({}) } as unknown as Widget;
    const opened: string[] = [];
    const app = { restored: Promise.resolve(), shell: { activateById: (id: string) => opened.push(id) } };
    rememberPanelOpen(app, panel, "jupyter-chatkit:panel-open:/:notebooks");
    await app.restored;
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(opened, []);
  } finally {
    if (before) Object.defineProperty(globalThis, "localStorage", before);
    else delete (globalThis as { localStorage?: unknown }).localStorage;
  }
});
