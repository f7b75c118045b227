/** Node tests of kernel.ts when the kernel dies, restarts or is shut down while a tool
 * reads it: @jupyterlab/services cancels the request ("Canceled future for
 * execute_request message before replies were done"), and the person and the model are
 * told what happened in words, not that message. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Signal } from "@lumino/signaling";
import { MESSAGES, runKernelTool } from "../src/kernel";
import { watchedFromStart } from "./shells";

/** An idle Python kernel whose next request is cancelled, as a kernel that dies under it. */
function dyingKernel(cancel: Error) {
  const kernel = {
    status: "idle",
    connectionStatus: "connected",
    supportsSubshells: false,
    username: "u",
    clientId: "c",
    info: Promise.resolve({ language_info: { name: "python" } }),
    iopubMessage: new Signal<unknown, unknown>({}),
    statusChanged: new Signal<unknown, string>({}),
    connectionStatusChanged: new Signal<unknown, string>({}),
    disposed: new Signal<unknown, void>({}),
    requestExecute: () => ({ done: Promise.reject(cancel), onIOPub: null }),
  };
  watchedFromStart(kernel);
  return { session: { session: { kernel } } as never };
}

test("a kernel that dies while it is read: the tool says it stopped, not services' words", async () => {
  const { session } = dyingKernel(new Error("Canceled future for execute_request message before replies were done"));
  const out = (await runKernelTool(session, "list_kernel_variables", {}, { busyWaitMs: 0 })) as { error?: string };
  assert.equal(out.error, MESSAGES.stopped);
  assert.doesNotMatch(out.error ?? "", /future|execute_request/);
});

test("any other failed request still says what failed", async () => {
  const { session } = dyingKernel(new Error("Kernel connection is lost"));
  const out = (await runKernelTool(session, "list_kernel_variables", {}, { busyWaitMs: 0 })) as { error?: string };
  assert.equal(out.error, "The kernel request failed: Kernel connection is lost");
});
