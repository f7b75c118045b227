/** Node tests of waiting for a notebook to load (loaded.ts) with a panel shaped like JupyterLab's. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Signal } from "@lumino/signaling";
import { type LoadingPanel, whenLoaded } from "../src/loaded";

/** A panel whose document loads on `load()` or fails on `fail()`; `close()` disposes it as
 * JupyterLab does (the context's `ready` then never settles). */
function loadingPanel() {
  let load = (): void => undefined;
  let fail = (): void => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    load = resolve;
    fail = () => reject(new Error("not found"));
  });
  const panel = {
    isDisposed: false,
    disposed: new Signal<unknown, void>({}),
    context: { isReady: false, ready, isDisposed: false, disposed: new Signal<unknown, void>({}) },
  };
  const close = (): void => {
    panel.context.isDisposed = true;
    panel.context.disposed.emit();
    panel.isDisposed = true;
    panel.disposed.emit();
  };
  return { panel: panel as LoadingPanel & typeof panel, load, fail, close };
}

test("a notebook closed while it loads ends the wait (JupyterLab never settles ready then)", async () => {
  const p = loadingPanel();
  const waiting = whenLoaded(p.panel);
  p.close();
  assert.equal(await waiting, false);
  // Closed before the wait began.
  assert.equal(await whenLoaded(p.panel), false);
});

test("a notebook that loads is waited for; one whose load fails ends the wait", async () => {
  const loads = loadingPanel();
  const waiting = whenLoaded(loads.panel);
  loads.panel.context.isReady = true;
  loads.load();
  assert.equal(await waiting, true);
  assert.equal(await whenLoaded(loads.panel), true);
  const fails = loadingPanel();
  const failing = whenLoaded(fails.panel);
  fails.fail();
  assert.equal(await failing, false);
});
