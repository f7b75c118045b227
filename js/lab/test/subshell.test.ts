/** Node tests of subshell.ts: which requests keep a kernel connection busy. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Kernel } from "@jupyterlab/services";
import { Signal } from "@lumino/signaling";
import { mainShellBusy } from "../src/subshell";

/** A connection as JupyterLab's: `_updateStatus` sets `status` and signals it; each
 * status message is read by the connection first, then goes out on `iopubMessage`. */
function fakeKernel(status: string) {
  const kernel = {
    status,
    connectionStatus: "connected",
    statusChanged: null as unknown as Signal<unknown, string>,
    connectionStatusChanged: null as unknown as Signal<unknown, string>,
    iopubMessage: null as unknown as Signal<unknown, unknown>,
    disposed: null as unknown as Signal<unknown, void>,
    _updateStatus(next: string) {
      if (kernel.status === next) return;
      kernel.status = next;
      kernel.statusChanged.emit(next);
    },
    /** The kernel publishes `state` for request `id` of `msgType` (on `subshell`). */
    publish(state: string, id: string, msgType: string, subshell?: string) {
      kernel._updateStatus(state);
      kernel.iopubMessage.emit({
        header: { msg_type: "status", msg_id: `${id}-${state}` },
        parent_header: { msg_id: id, msg_type: msgType, ...(subshell ? { subshell_id: subshell } : {}) },
        content: { execution_state: state },
      });
    },
  };
  kernel.statusChanged = new Signal(kernel);
  kernel.connectionStatusChanged = new Signal(kernel);
  kernel.iopubMessage = new Signal(kernel);
  kernel.disposed = new Signal(kernel);
  return kernel;
}

test("a comm message under way when the watch begins does not keep the kernel busy", () => {
  // A widget's sync (a comm message, on a subshell) had the kernel busy; no cell runs.
  const kernel = fakeKernel("busy");
  assert.equal(mainShellBusy(kernel as unknown as Kernel.IKernelConnection), true);
  kernel.publish("idle", "comm-1", "comm_msg", "sub-widgets");
  assert.equal(kernel.status, "idle", "an Agent's run waits for this idle");
  assert.equal(mainShellBusy(kernel as unknown as Kernel.IKernelConnection), false);
  // Later requests and cells are followed as before.
  kernel.publish("busy", "comm-2", "comm_msg", "sub-widgets");
  kernel.publish("idle", "comm-2", "comm_msg", "sub-widgets");
  assert.equal(kernel.status, "idle");
});

test("a cell running when the watch begins stays busy through a subshell's request", () => {
  const kernel = fakeKernel("busy");
  assert.equal(mainShellBusy(kernel as unknown as Kernel.IKernelConnection), true);
  // The check on a subshell, made and answered while the cell runs.
  kernel.publish("busy", "check-1", "execute_request", "sub-checks");
  kernel.publish("idle", "check-1", "execute_request", "sub-checks");
  assert.equal(kernel.status, "busy", "the person still sees the cell running");
  assert.equal(mainShellBusy(kernel as unknown as Kernel.IKernelConnection), true);
  kernel.publish("idle", "cell-1", "execute_request");
  assert.equal(kernel.status, "idle");
  assert.equal(mainShellBusy(kernel as unknown as Kernel.IKernelConnection), false);
});
