/** Node tests of kernel.ts on a loaded machine: a busy kernel with subshells that answers
 * slowly is read beside its running cell (the waits count from when the kernel is asked,
 * a subshell made late is kept), and a read that does run out says it was slow. */

import assert from "node:assert/strict";
import { mock, test } from "node:test";
import { Signal } from "@lumino/signaling";
import { MESSAGES, runKernelTool } from "../src/kernel";
import { watchedFromStart } from "./shells";

/** The variables the kernel lists (what `tool_json` answers, as `text/plain` of a str). */
const VARIABLES = { variables: [{ name: "rows_loaded", type: "int", value: 12 }], total: 1 };

/** A Python kernel with subshells whose main shell runs a cell, as the page's connection
 * sees it. Its create reply comes after `createMs`; a read on the subshell starts
 * (busy status) after `queuedMs` and is answered `runMs` later. */
function slowKernel(createMs: number, queuedMs: number, runMs: number) {
  const kernel = {
    status: "busy",
    connectionStatus: "connected",
    supportsSubshells: true,
    username: "u",
    clientId: "c",
    info: Promise.resolve({ language_info: { name: "python" } }),
    created: 0,
    deleted: [] as string[],
    iopubMessage: new Signal<unknown, unknown>({}),
    statusChanged: new Signal<unknown, string>({}),
    connectionStatusChanged: new Signal<unknown, string>({}),
    disposed: new Signal<unknown, void>({}),
    requestExecute: () => ({ done: new Promise(() => {}) }), // queued behind the cell
    requestCreateSubshell() {
      kernel.created += 1;
      const reply = { content: { status: "ok", subshell_id: `sub${kernel.created}` } };
      return { done: new Promise((resolve) => setTimeout(() => resolve(reply), createMs)) };
    },
    requestDeleteSubshell({ subshell_id }: { subshell_id: string }) {
      kernel.deleted.push(subshell_id);
      return { done: Promise.resolve({ content: { status: "ok" } }) };
    },
    sendShellMessage(msg: { header: Record<string, unknown> }) {
      const status = (state: string) => ({
        header: { msg_type: "status" },
        parent_header: msg.header,
        content: { execution_state: state },
      });
      const reply = {
        parent_header: msg.header,
        content: {
          status: "ok",
          user_expressions: {
            result: { status: "ok", data: { "text/plain": JSON.stringify(JSON.stringify(VARIABLES)) } },
          },
        },
      };
      const future = {
        onIOPub: null as null | ((m: unknown) => void),
        done: new Promise((resolve) => {
          setTimeout(() => {
            future.onIOPub?.(status("busy"));
            setTimeout(() => {
              future.onIOPub?.(status("idle"));
              resolve(reply);
            }, runMs);
          }, queuedMs);
        }),
      };
      return future;
    },
  };
  watchedFromStart(kernel, "cell-1");
  return { kernel, session: { session: { kernel } } as never };
}

/** Run `read` with mock timers, moving the clock `ms` in steps of 100 ms. */
async function onClock<T>(ms: number, read: () => Promise<T>): Promise<T> {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const out = read();
    for (let t = 0; t < ms; t += 100) {
      await new Promise((resolve) => setImmediate(resolve));
      mock.timers.tick(100);
    }
    await new Promise((resolve) => setImmediate(resolve));
    return await out;
  } finally {
    mock.timers.reset();
  }
}

test("a subshell the kernel is slow to make: the variables are read once it comes", async () => {
  // 2.5 s for the create reply (a loaded machine): before, the page gave up on it at 2 s,
  // deleted it when it came, and answered that the kernel was busy.
  const { kernel, session } = slowKernel(2500, 0, 100);
  const out = await onClock(4000, () => runKernelTool(session, "list_kernel_variables", {}, { busyWaitMs: 0 }));
  assert.deepEqual((out as typeof VARIABLES).variables, VARIABLES.variables);
  assert.equal(kernel.created, 1);
  assert.deepEqual(kernel.deleted, []);
});

test("a read queued behind another on the subshell: its wait counts from when the kernel starts it", async () => {
  // The subshell runs our requests one at a time: this one starts after 6 s (an earlier
  // check still running) and takes 1 s. Before, its 5 s counted from sending.
  const { session } = slowKernel(0, 6000, 1000);
  const out = await onClock(8000, () => runKernelTool(session, "list_kernel_variables", {}, { busyWaitMs: 0 }));
  assert.deepEqual((out as typeof VARIABLES).variables, VARIABLES.variables);
});

test("a read that does run out says the kernel was slow, not that it cannot be read", async () => {
  // Started, then 30 s without an answer (a cell holding the CPU).
  const { session } = slowKernel(0, 0, 30_000);
  const out = (await onClock(6000, () => runKernelTool(session, "list_kernel_variables", {}, { busyWaitMs: 0 }))) as {
    error?: string;
  };
  assert.equal(out.error, MESSAGES.slow);
});
