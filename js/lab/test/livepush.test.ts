/**
 * The notebook's kernel is told the kept-out cells as they are on screen (livepush.ts ->
 * kernel/kept_names.py remember_live), for its readers no front end is asked for: once a
 * cell is kept out, after each change (a tag removed too), again after a restart; never
 * for a notebook that keeps nothing out, never twice the same.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Signal } from "@lumino/signaling";
import { CHECK_MS, watchLivePush } from "../src/livepush";
import { setPrivate } from "../src/privatecells";
import { cell, notebook } from "./panels";

/** What is pushed with nothing kept out: the notebook's path names it. */
const NONE = { kept_out: [], readable: [], kept_out_text: [], readable_text: [], path: "work/a.ipynb" };
const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Until `done()` holds (timers fire late on a loaded machine), or a few seconds pass. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await tick();
}

/** A notebook of two cells (`x = 1`, `salary = 2`) watched by watchLivePush with the
 * given waits, its kernel recording what it is told. */
function watched(delayMs: number, retryMs: number, more: ReturnType<typeof cell>[] = []) {
  const pushed: unknown[] = [];
  const kernel = {
    status: "idle",
    connectionStatus: "connected",
    info: Promise.resolve({ language_info: { name: "python" } }),
    requestExecute(content: { user_expressions: { result: string } }) {
      const json = /remember_live\((".*")\)$/.exec(content.user_expressions.result)?.[1];
      pushed.push(JSON.parse(JSON.parse(json ?? "null")));
      const reply = {
        content: { status: "ok", user_expressions: { result: { status: "ok", data: { "text/plain": "'kept'" } } } },
      };
      return { done: Promise.resolve(reply), onReply: null };
    },
  };
  const cells = [cell("a", "x = 1"), cell("b", "salary = 2"), ...more];
  const panel = notebook(cells, 0) as unknown as Record<string, unknown>;
  const changed = new Signal<object, void>({});
  const status = new Signal<object, string>({});
  const disposed = new Signal<object, void>({});
  Object.assign(panel, {
    content: { ...(panel.content as object), modelContentChanged: changed },
    sessionContext: { session: { kernel }, kernelChanged: new Signal({}), statusChanged: status },
    context: { ...(panel.context as object), ready: Promise.resolve() },
    disposed,
  });
  watchLivePush(panel as never, delayMs, retryMs);
  return { pushed, cells, changed, status, disposed };
}

test("the kernel hears the kept-out cells once one is kept out, each change, and after a restart", async () => {
  const { pushed, cells, changed, status } = watched(1, 1);
  await tick();
  changed.emit();
  await tick();
  // Nothing kept out, ever: nothing sent.
  assert.deepEqual(pushed, []);
  setPrivate(cells[1].model, true);
  changed.emit();
  await until(() => pushed.length > 0);
  assert.deepEqual(pushed, [{ ...NONE, kept_out: ["salary = 2"], readable: ["x = 1"] }]);
  changed.emit();
  await tick();
  assert.equal(pushed.length, 1);
  // The tag removed, not saved: the kernel hears that nothing is kept out.
  setPrivate(cells[1].model, false);
  changed.emit();
  await until(() => pushed.length > 1);
  assert.deepEqual(pushed.at(-1), NONE);
  // A restarted kernel knows nothing: told again.
  status.emit("restarting");
  await until(() => pushed.length > 2);
  assert.equal(pushed.length, 3);
  assert.deepEqual(pushed.at(-1), NONE);
});

test("a tag added or removed is told at once, typing only a while later", async () => {
  // A minute's delay for typing: what is told within the test is told at once.
  const { pushed, cells, changed, disposed } = watched(60_000, 60_000);
  await tick(CHECK_MS + 30);
  // Before: the tag waited for the delay, so a `%chat` run (or a save and close) right
  // after it found the kernel not told.
  setPrivate(cells[1].model, true);
  changed.emit();
  await until(() => pushed.length > 0);
  assert.deepEqual(pushed, [{ ...NONE, kept_out: ["salary = 2"], readable: ["x = 1"] }]);
  changed.emit(); // typing (the kept-out cells unchanged): nothing yet
  await tick(CHECK_MS + 30);
  assert.equal(pushed.length, 1);
  setPrivate(cells[1].model, false);
  changed.emit();
  await until(() => pushed.length > 1);
  assert.deepEqual(pushed.at(-1), NONE);
  disposed.emit(); // its pending timer cleared: the test ends
});

test("a markdown cell kept out is told too, with the notebook's path", async () => {
  // Before: only code cells were looked at, so a notebook whose one kept-out cell is
  // markdown told the kernel nothing (its %chat read the saved, untagged text).
  const md = cell("m", "Vendor notes: the private ones", [], "markdown");
  const { pushed, cells, changed, disposed } = watched(60_000, 60_000, [md]);
  await tick(CHECK_MS + 30);
  setPrivate(cells[2].model, true);
  changed.emit();
  await until(() => pushed.length > 0);
  assert.deepEqual(pushed, [
    { ...NONE, readable: ["x = 1", "salary = 2"], kept_out_text: ["Vendor notes: the private ones"] },
  ]);
  disposed.emit();
});
