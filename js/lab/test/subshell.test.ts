/** Node tests of shellwatch.ts and subshell.ts: what a kernel's main shell runs, as the
 * page reads it from the kernel's status messages, and what that lets the chat do. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { PageConfig } from "@jupyterlab/coreutils";
import type { INotebookTracker } from "@jupyterlab/notebook";
import type { Kernel } from "@jupyterlab/services";
import { Signal } from "@lumino/signaling";
import { watchNotebookKernels } from "../src/shellwatch";
import {
  busySubshell,
  mainShellBusy,
  mainShellIdle,
  releaseSubshells,
  type SubshellLease,
  statusUpdateFollowed,
} from "../src/subshell";

// The release `_updateStatus` was read in (subshell.ts restoreBusy).
PageConfig.setOption("appName", "JupyterLab");
PageConfig.setOption("appVersion", "4.6.6");

/** A connection as JupyterLab's (@jupyterlab/services 7.6): each status message is read
 * by the connection first (`_updateStatus`), then goes out on `iopubMessage`; the main
 * shell answers an execute request only when `mainFree`. */
function fakeKernel(status = "unknown") {
  const kernel = {
    status,
    connectionStatus: "connecting",
    clientId: "this-page",
    supportsSubshells: true,
    statusChanged: null as unknown as Signal<unknown, string>,
    connectionStatusChanged: null as unknown as Signal<unknown, string>,
    iopubMessage: null as unknown as Signal<unknown, unknown>,
    disposed: null as unknown as Signal<unknown, void>,
    /** Requests sent to the main shell (the ids), and subshells made. */
    executes: [] as string[],
    created: 0,
    _updateStatus(next: string) {
      if (kernel.status === next) return;
      kernel.status = next;
      kernel.statusChanged.emit(next);
    },
    /** The kernel publishes `state` for request `id` of `msgType` (on `subshell`; from
     * `session`, another client's unless said). */
    publish(state: string, id: string, msgType: string, opts: { subshell?: string; session?: string } = {}) {
      kernel._updateStatus(state);
      kernel.iopubMessage.emit({
        header: { msg_type: "status", msg_id: `${id}-${state}` },
        parent_header: {
          msg_id: id,
          msg_type: msgType,
          session: opts.session ?? "someone-else",
          ...(opts.subshell ? { subshell_id: opts.subshell } : {}),
        },
        content: { execution_state: state },
      });
    },
    /** The connection (re)connects; JupyterLab asks the kernel's info on the main shell. */
    connect() {
      kernel.connectionStatus = "connected";
      kernel.connectionStatusChanged.emit("connected");
    },
    requestExecute() {
      const id = `probe-${kernel.executes.length + 1}`;
      kernel.executes.push(id);
      return { done: new Promise(() => undefined) };
    },
    requestCreateSubshell() {
      kernel.created += 1;
      return { done: Promise.resolve({ content: { status: "ok", subshell_id: `sub${kernel.created}` } }) };
    },
    requestDeleteSubshell() {
      return { done: Promise.resolve({ content: { status: "ok" } }) };
    },
  };
  kernel.statusChanged = new Signal(kernel);
  kernel.connectionStatusChanged = new Signal(kernel);
  kernel.iopubMessage = new Signal(kernel);
  kernel.disposed = new Signal(kernel);
  return kernel;
}

type Fake = ReturnType<typeof fakeKernel>;
const conn = (k: Fake) => k as unknown as Kernel.IKernelConnection;

/** A notebook panel whose session gets the connection `kernel` (JupyterLab creates the
 * connection, then says its kernel changed, before the connection connects). */
function openNotebook(kernel: Fake): void {
  const kernelChanged = new Signal<unknown, { newValue: unknown }>({});
  const panel = { sessionContext: { session: null, kernelChanged } };
  const widgetAdded = new Signal<unknown, unknown>({});
  const tracker = { forEach: () => undefined, widgetAdded };
  watchNotebookKernels(tracker as unknown as INotebookTracker);
  widgetAdded.emit(panel);
  kernelChanged.emit({ newValue: kernel });
}

/** A kernel JupyterLab has just connected to, watched from the start, main shell idle
 * (`asked`: the chat has asked it once). */
function startedKernel(asked = true): Fake {
  const kernel = fakeKernel();
  openNotebook(kernel);
  kernel.connect();
  kernel.publish("busy", "info-1", "kernel_info_request", { session: "this-page" });
  kernel.publish("idle", "info-1", "kernel_info_request", { session: "this-page" });
  if (asked) mainShellBusy(conn(kernel));
  return kernel;
}

/** Whether `promise` has settled (after pending callbacks ran), and how. */
async function settled<T>(promise: Promise<T>): Promise<{ value: T } | null> {
  let out: { value: T } | null = null;
  void promise.then((value) => (out = { value }));
  await new Promise((resolve) => setImmediate(resolve));
  return out;
}

const never = new AbortController().signal;

/** The lease a request gets on `kernel` (one made at once: never "slow"). */
async function leaseOn(kernel: Fake): Promise<SubshellLease | null> {
  const got = await busySubshell(conn(kernel), 1000);
  assert.notEqual(got, "slow");
  return got === "slow" ? null : got;
}

test("a control request's end while a cell runs: still busy, shown busy", () => {
  // JupyterLab's debugger sends a debug_request (control channel) as a notebook opens.
  // The chat first asks after that (test_sidebar's busy-kernel test).
  const kernel = startedKernel(false);
  kernel.publish("busy", "cell-1", "execute_request");
  kernel.publish("busy", "debug-1", "debug_request");
  kernel.publish("idle", "debug-1", "debug_request");
  assert.equal(mainShellBusy(conn(kernel)), true, "the sidebar's check goes to a subshell");
  kernel.publish("busy", "debug-2", "debug_request");
  kernel.publish("idle", "debug-2", "debug_request");
  assert.equal(kernel.status, "busy", "the person still sees the cell running");
  kernel.publish("idle", "cell-1", "execute_request");
  assert.equal(mainShellBusy(conn(kernel)), false);
  assert.equal(kernel.status, "idle");
});

test("a comm message or a subshell's request beside a running cell: still busy", () => {
  const kernel = startedKernel(false);
  kernel.publish("busy", "cell-1", "execute_request");
  // A comm message on the main shell runs beside an async cell in ipykernel 7; the chat
  // first asks meanwhile.
  kernel.publish("busy", "comm-0", "comm_msg");
  assert.equal(mainShellBusy(conn(kernel)), true);
  kernel.publish("idle", "comm-0", "comm_msg");
  // A widget's sync, which JupyterLab 4.6 sends on a subshell, and our own check.
  kernel.publish("busy", "comm-1", "comm_msg", { subshell: "sub-widgets" });
  kernel.publish("idle", "comm-1", "comm_msg", { subshell: "sub-widgets" });
  kernel.publish("busy", "check-1", "execute_request", { subshell: "sub-checks" });
  kernel.publish("idle", "check-1", "execute_request", { subshell: "sub-checks" });
  assert.equal(mainShellBusy(conn(kernel)), true);
  assert.equal(kernel.status, "busy");
  kernel.publish("idle", "cell-1", "execute_request");
  assert.equal(mainShellBusy(conn(kernel)), false);
});

test("a comm message alone keeps nothing busy, and the Agent's run goes at once", async () => {
  const kernel = startedKernel();
  kernel.publish("busy", "comm-1", "comm_msg", { subshell: "sub-widgets" });
  assert.equal(mainShellBusy(conn(kernel)), false, "the main shell answers now");
  assert.deepEqual(await settled(mainShellIdle(conn(kernel), never)), { value: true });
  kernel.publish("idle", "comm-1", "comm_msg", { subshell: "sub-widgets" });
  assert.equal(kernel.status, "idle");
});

test("a page opened under a running cell: not known, asks a subshell, never shows busy for good", async () => {
  // The kernel runs a cell started before this page; a debug_request's idle then comes.
  const kernel = fakeKernel("busy");
  openNotebook(kernel);
  kernel.connect();
  kernel.publish("busy", "debug-1", "debug_request");
  kernel.publish("idle", "debug-1", "debug_request");
  assert.equal(mainShellBusy(conn(kernel)), true, "a subshell answers either way");
  const lease = await leaseOn(kernel);
  assert.equal(lease?.id, "sub1");
  lease?.end();
  assert.equal(kernel.status, "idle", "not set busy on a guess");
  // The Agent's run asks the main shell (a request it answers after the cell) and waits.
  let waited = false;
  const idle = mainShellIdle(conn(kernel), never, () => (waited = true));
  assert.equal(waited, true, "the page says it waits");
  assert.deepEqual(kernel.executes, ["probe-1"]);
  assert.equal(await settled(idle), null);
  // The cell ends (its busy came before the page), then the probe runs.
  kernel.publish("idle", "cell-0", "execute_request");
  assert.deepEqual(await settled(idle), { value: true });
  assert.equal(mainShellBusy(conn(kernel)), false);
});

test("a kernel busy only with a debug_request as the page opens: the Agent's run is not held", async () => {
  // The reverted 853d0b8 kept this Busy for good: the run waited forever.
  const kernel = fakeKernel("busy");
  openNotebook(kernel);
  kernel.connect();
  kernel.publish("idle", "debug-1", "debug_request");
  const idle = mainShellIdle(conn(kernel), never);
  // The probe's own status: the main shell took it, and finished it.
  kernel.publish("busy", kernel.executes[0], "execute_request", { session: "this-page" });
  kernel.publish("idle", kernel.executes[0], "execute_request", { session: "this-page" });
  assert.deepEqual(await settled(idle), { value: true });
  assert.equal(kernel.status, "idle");
});

test("a restart while a cell runs: idle, the subshell forgotten", async () => {
  const kernel = startedKernel();
  kernel.publish("busy", "cell-1", "execute_request");
  const first = await leaseOn(kernel);
  first?.end();
  assert.equal(first?.id, "sub1");
  const idle = mainShellIdle(conn(kernel), never);
  kernel._updateStatus("restarting");
  assert.deepEqual(await settled(idle), { value: true });
  assert.equal(mainShellBusy(conn(kernel)), false);
  kernel._updateStatus("idle");
  kernel.publish("busy", "cell-2", "execute_request");
  const second = await leaseOn(kernel);
  second?.end();
  assert.equal(second?.id, "sub2", "a restarted kernel has no subshells: a new one");
});

test("a connection back after a while: not known until the main shell says", async () => {
  const kernel = startedKernel();
  kernel.publish("busy", "cell-1", "execute_request");
  kernel.connectionStatus = "connecting";
  kernel.connectionStatusChanged.emit("connecting");
  // Missed meanwhile: the cell's end, another cell's start and a control request.
  kernel.connect();
  kernel.publish("idle", "debug-1", "debug_request");
  assert.equal(mainShellBusy(conn(kernel)), true);
  assert.equal(kernel.status, "idle", "not set busy on a guess");
  kernel.publish("idle", "cell-2", "execute_request");
  assert.equal(mainShellBusy(conn(kernel)), false);
  assert.deepEqual(await settled(mainShellIdle(conn(kernel), never)), { value: true });
});

test("the server's kernel_info_request on the control channel says nothing of the main shell", () => {
  const kernel = startedKernel();
  kernel.publish("busy", "cell-1", "execute_request");
  kernel.publish("busy", "nudge-1", "kernel_info_request");
  kernel.publish("idle", "nudge-1", "kernel_info_request");
  assert.equal(mainShellBusy(conn(kernel)), true);
});

test("the connection's private status is set only in the releases it was read in", () => {
  assert.equal(statusUpdateFollowed("JupyterLab", "4.6.6"), true);
  assert.equal(statusUpdateFollowed("Jupyter Notebook", "7.6.5"), true);
  assert.equal(statusUpdateFollowed("JupyterLab", "4.7.0"), false);
  assert.equal(statusUpdateFollowed("", ""), false);
  PageConfig.setOption("appVersion", "4.7.0");
  try {
    const kernel = startedKernel();
    kernel.publish("busy", "cell-1", "execute_request");
    kernel.publish("idle", "debug-1", "debug_request");
    assert.equal(kernel.status, "idle", "another release: left as JupyterLab set it");
    assert.equal(mainShellBusy(conn(kernel)), true);
  } finally {
    PageConfig.setOption("appVersion", "4.6.6");
  }
});

test("a subshell the kernel makes slowly is kept for the next request, not deleted and made again", async () => {
  // A loaded machine: the create reply comes after the first request stopped waiting.
  const kernel = startedKernel();
  kernel.publish("busy", "cell-1", "execute_request");
  let answer: (reply: unknown) => void = () => undefined;
  const deleted: string[] = [];
  Object.assign(kernel, {
    requestCreateSubshell() {
      kernel.created += 1;
      return { done: new Promise((resolve) => (answer = resolve)) };
    },
    requestDeleteSubshell({ subshell_id }: { subshell_id: string }) {
      deleted.push(subshell_id);
      return { done: Promise.resolve({ content: { status: "ok" } }) };
    },
  });
  assert.equal(await busySubshell(conn(kernel), 20), "slow", "this request says slow");
  answer({ content: { status: "ok", subshell_id: "sub-late" } });
  const next = await leaseOn(kernel);
  assert.equal(next?.id, "sub-late", "the next request gets the one made late");
  next?.end();
  assert.equal(kernel.created, 1, "made once");
  assert.deepEqual(deleted, [], "not deleted while the kernel's connection holds it");
  // Let go (the sidebar closed): deleted then.
  releaseSubshells(conn(kernel));
  await settled(Promise.resolve());
  assert.deepEqual(deleted, ["sub-late"]);
});
