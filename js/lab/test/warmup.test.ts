/**
 * The sidebar's warm-up of a kernel it follows (kernelguard.ts `precheckDrafts`): a new or
 * restarted kernel is asked once, as soon as it can be, so its first check loads the
 * check's code (0.2-1 s) before the person writes, not between their Enter and the
 * request. Asked whatever order the signals come in: the session's kernelChanged, the
 * connection's status (JupyterLab's `statusChanged`, which messages of the requests
 * jupyter_server leaves untracked do not move) and what the main shell is known to do
 * (shellwatch.ts). On JupyterLab's own KernelConnection, the kernel a fake socket the
 * test delivers each message to, in the order seen in a real JupyterLab 4.6.
 * With a real kernel: tests/browser/test_security_kernel_secrets_lab.py.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { PageConfig } from "@jupyterlab/coreutils";
import { KernelConnection, ServerConnection } from "@jupyterlab/services";
import { Signal } from "@lumino/signaling";
import { DRAFT_PAUSE_MS } from "../src/kernelguard";
import { watchNotebookKernels } from "../src/shellwatch";
import { drafts } from "./drafts";

interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}
interface Wire {
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  channel: string;
  buffers: never[];
}

// The connection says each socket it opens (console.debug), and a lost one (console.warn).
console.debug = () => {};
console.warn = () => {};
// As jupyter_server sets them (its default untracked_message_types, in the page config):
// their statuses leave the connection's `status` alone.
PageConfig.setOption(
  "untracked_message_types",
  JSON.stringify([
    "comm_info_request",
    "comm_info_reply",
    "kernel_info_request",
    "kernel_info_reply",
    "shutdown_request",
    "shutdown_reply",
    "interrupt_request",
    "interrupt_reply",
    "debug_request",
    "debug_reply",
    "stream",
    "display_data",
    "update_display_data",
    "execute_input",
    "execute_result",
    "error",
    "status",
    "clear_output",
    "debug_event",
    "input_request",
    "input_reply",
  ]),
);

/** The kernel's end of a connection's websocket: nothing comes unless the test delivers it. */
class KernelSocket {
  static latest: KernelSocket | null = null;
  protocol = "";
  readyState = 0;
  binaryType = "";
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  /** The requests the page sent, in order. */
  sent: Wire[] = [];
  private ids = 0;
  constructor(_url: string) {
    KernelSocket.latest = this;
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
    }, 0);
  }
  close(): void {
    this.readyState = 3;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Wire);
  }
  /** The secrets checks the kernel got (the warm-up is one). */
  checks(): number {
    return this.sent.filter((m) => JSON.stringify(m.content).includes("known_secrets")).length;
  }
  deliver(type: string, channel: string, content: Record<string, unknown>, parent: Partial<Header>): void {
    this.ids += 1;
    const header = { msg_id: `kernel-${this.ids}`, msg_type: type, session: "kernel", username: "", date: "", version: "5.3" };
    const msg: Wire = { header, parent_header: parent, metadata: {}, content, channel, buffers: [] };
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  /** The kernel's answer to the secrets check `request`, nothing hidden: its busy, its
   * reply, its idle. */
  answer(request: Wire): void {
    const expression = (request.content.user_expressions as { result: string }).result;
    const json = expression.slice(expression.indexOf("hide_known_json(") + 16, -1);
    const answer = JSON.stringify({ value: JSON.parse(JSON.parse(json)), hidden: 0 });
    const result = { status: "ok", data: { "text/plain": JSON.stringify(answer) }, metadata: {} };
    this.status("busy", request.header);
    this.deliver("execute_reply", "shell", { status: "ok", execution_count: 1, user_expressions: { result } }, request.header);
    this.status("idle", request.header);
  }
  /** A status message of the request `parent`. */
  status(state: string, parent: Partial<Header>): void {
    this.deliver("status", "iopub", { execution_state: state }, parent);
  }
}

// Made before the drafts' fake `document` (drafts.ts) is there: the page's URL is read
// from a real one.
const serverSettings = ServerConnection.makeSettings({
  baseUrl: "http://127.0.0.1:9/",
  wsUrl: "ws://127.0.0.1:9/",
  WebSocket: KernelSocket as never,
  fetch: (() => Promise.reject(new Error("no server"))) as never,
});

/** Resolves once `ready()` holds; fails when it never does. */
async function until(ready: () => boolean, what: string): Promise<void> {
  const giveUp = Date.now() + 3000;
  while (!ready()) {
    assert.ok(Date.now() < giveUp, `never came: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A notebook's session context, as the sidebar follows it. */
function notebook() {
  const kernelChanged = new Signal<unknown, { newValue: KernelConnection | null }>({});
  const context = { session: { kernel: null as KernelConnection | null }, kernelChanged };
  // The page watches each notebook's kernels from their start (shellwatch.ts).
  const panels = new Signal<unknown, unknown>({});
  watchNotebookKernels({ forEach: (f: (p: unknown) => void) => f({ sessionContext: context }), widgetAdded: panels } as never);
  return context;
}

/** A new kernel for `context`, its connection just made (the socket not open yet). */
function newKernel(): { kernel: KernelConnection; socket: KernelSocket } {
  const kernel = new KernelConnection({
    model: { id: `k${Math.random()}`, name: "python3" },
    serverSettings,
    handleComms: false,
  });
  return { kernel, socket: KernelSocket.latest as KernelSocket };
}

/** The session changes kernel (`sessionContext.changeKernel`): the new connection, then
 * the signal, as JupyterLab emits it. */
function change(context: ReturnType<typeof notebook>, kernel: KernelConnection): void {
  context.session.kernel = kernel;
  context.kernelChanged.emit({ newValue: kernel });
}

/** The page's connection asks the kernel's info as it opens; the kernel answers (reply on
 * shell, its busy and idle on iopub: untracked, the connection's `status` stays). */
async function kernelInfo(socket: KernelSocket, statuses = true): Promise<Partial<Header>> {
  await until(() => socket.sent.some((m) => m.header.msg_type === "kernel_info_request"), "kernel_info_request");
  const request = socket.sent.find((m) => m.header.msg_type === "kernel_info_request") as Wire;
  const info = {
    status: "ok",
    protocol_version: "5.5",
    language_info: { name: "python" },
    supported_features: ["kernel subshells"],
  };
  if (statuses) socket.status("busy", request.header);
  socket.deliver("kernel_info_reply", "shell", info, request.header);
  if (statuses) socket.status("idle", request.header);
  return request.header;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the kernel sends as it comes up, after its info, in the order of the warm-up lost
 * in a JupyterLab 4.6 under load (browser log of the failed test, changeKernel): the
 * page's history_request, comm_open and comm_msg turn the connection busy and idle within
 * 7 ms (three idle turns: `IDLE_RUNS`, each putting off the debounced run), then its
 * create_subshell_request (JupyterLab's comms over a subshell), then
 * delete_subshell_request turns it busy, and the run came in that busy; its idle was the
 * last status, the kernel idle for 30 s. Between them, statuses the connection does not
 * track (the debugger's debug_request, comm_info_request). `untracked`: with those. */
function startUp(socket: KernelSocket, kernel: KernelConnection, untracked = true): (() => void)[] {
  const order: [string, string][] = [
    ["busy", "history_request"],
    ["busy", "debug_request"],
    ["idle", "history_request"],
    ["idle", "debug_request"],
    ["busy", "comm_open"],
    ["idle", "comm_open"],
    ["busy", "comm_msg"],
    ["idle", "comm_msg"],
    ["busy", "create_subshell_request"],
    ["idle", "create_subshell_request"],
    ["busy", "debug_request"],
    ["busy", "comm_info_request"],
    ["idle", "debug_request"],
    ["idle", "comm_info_request"],
    ["busy", "delete_subshell_request"],
    ["idle", "delete_subshell_request"],
  ];
  const seen = new Map<string, number>();
  return order
    .filter(([, type]) => untracked || !["debug_request", "comm_info_request"].includes(type))
    .map(([state, type]) => {
      const n = (seen.get(type) ?? 0) + (state === "busy" ? 1 : 0);
      seen.set(type, n);
      const parent = { msg_id: `${type}-${n}`, msg_type: type, session: kernel.clientId };
      return () => socket.status(state, parent);
    });
}

test("a new or restarted kernel is asked once idle, though the run after its start's idle turns found it busy", async () => {
  for (const start of ["changed", "restarted"] as const) {
    const context = notebook();
    const checks = drafts(() => context, "");
    let { kernel, socket } = newKernel();
    try {
      checks.changed();
      await until(() => checks.runs() === 1, "the first run");
      if (start === "restarted") {
        // Followed, warmed up: its check answered.
        change(context, kernel);
        await kernelInfo(socket);
        for (const step of startUp(socket, kernel)) step();
        await until(() => socket.checks() === 1, "the first kernel's warm-up");
        socket.answer(socket.sent[socket.sent.length - 1]);
        await until(() => kernel.status === "idle", "idle");
        await sleep(DRAFT_PAUSE_MS + 30);
        assert.equal(socket.checks(), 1);
        // The server restarts it (as after a crash): the connection reconnects.
        socket.status("restarting", {});
        await until(() => KernelSocket.latest !== socket, "the new socket");
        socket = KernelSocket.latest as KernelSocket;
      } else {
        // The run at the change finds the connection still connecting.
        change(context, kernel);
        await until(() => checks.runs() === 2, "the run at the change");
      }
      await kernelInfo(socket);
      if (start === "restarted") socket.status("starting", {});
      const steps = startUp(socket, kernel);
      // Up to delete_subshell_request's busy: the sidebar's run comes now.
      for (const step of steps.slice(0, -1)) step();
      await until(() => kernel.status === "busy", "busy");
      const runs = checks.runs();
      await until(() => checks.runs() > runs, "the run after the idle turns");
      assert.equal(socket.checks(), 0, start);
      steps[steps.length - 1]();
      // Nothing else comes: the kernel waits, idle, for the person.
      await until(() => kernel.status === "idle", "idle");
      await until(() => socket.checks() === 1, `${start}: the warm-up check`);
      // Asked once: its answer is not back, and nothing else asks.
      await sleep(DRAFT_PAUSE_MS + 30);
      assert.equal(socket.checks(), 1, start);
    } finally {
      checks.dispose();
      kernel.dispose();
    }
  }
});

test("a kernel changed to is asked once idle at whatever point of its start the sidebar's run comes", async () => {
  // The run the debounce lets through may come after any message of the start (each its
  // own task, as from the socket): the session's kernelChanged, the kernel's info (its
  // statuses untracked: the connection's status stays), each request's busy or idle. Or
  // the info's statuses late on iopub, after the last request's idle: the run then finds
  // the connection idle and its main shell not known yet, and no status moves after.
  // (Not after the untracked statuses: the same as after the status before them.)
  const orders = [
    ...Array.from({ length: 13 }, (_, pause) => ({ pause, infoLate: false })),
    { pause: 11, infoLate: true },
  ];
  for (const { pause, infoLate } of orders) {
    const name = `the run after step ${pause}${infoLate ? ", the info's statuses late" : ""}`;
    const context = notebook();
    const checks = drafts(() => context, "");
    const { kernel, socket } = newKernel();
    try {
      checks.changed();
      await until(() => checks.runs() === 1, "the first run");
      let info: Partial<Header> = {};
      const steps: (() => void | Promise<void>)[] = [
        () => change(context, kernel),
        async () => {
          info = await kernelInfo(socket, false);
        },
        ...startUp(socket, kernel, false),
      ];
      const infoStatuses = () => {
        socket.status("busy", info);
        socket.status("idle", info);
      };
      steps.splice(infoLate ? steps.length : 2, 0, infoStatuses);
      for (const [n, step] of steps.entries()) {
        await step();
        await sleep(1);
        // Long enough for the run put off by the debounce to come (if one is due).
        if (n === pause) await sleep(DRAFT_PAUSE_MS + 30);
      }
      await until(() => kernel.status === "idle", `${name}: idle`);
      await until(() => socket.checks() === 1, `${name}: the warm-up check`);
    } finally {
      checks.dispose();
      kernel.dispose();
    }
  }
});

test("a kernel changed to while a cell runs is asked when the cell ends, not at each comm idle meanwhile", async () => {
  // The kernel's first cell runs at once (run all), its widget's comm messages turning the
  // connection busy and idle (ipykernel runs them beside the cell): those idle turns use
  // `IDLE_RUNS`, and the kernel is not steady at any of them (its main shell busy).
  const context = notebook();
  const checks = drafts(() => context, "");
  const { kernel, socket } = newKernel();
  try {
    checks.changed();
    await until(() => checks.runs() === 1, "the first run");
    change(context, kernel);
    await until(() => checks.runs() === 2, "the run at the change");
    await kernelInfo(socket);
    const cell = { msg_id: "cell-1", msg_type: "execute_request", session: kernel.clientId };
    socket.status("busy", cell);
    const before = checks.runs();
    for (let n = 0; n < 6; n++) {
      const comm = { msg_id: `comm-${n}`, msg_type: "comm_msg", session: kernel.clientId };
      socket.status("busy", comm);
      socket.status("idle", comm);
      await sleep(DRAFT_PAUSE_MS + 30);
    }
    // The idle turns counted ran (they check a draft after a cell); no more.
    assert.ok(checks.runs() - before <= 3, `runs: ${checks.runs() - before}`);
    assert.equal(socket.checks(), 0);
    socket.status("idle", cell);
    await until(() => socket.checks() === 1, "the warm-up check");
  } finally {
    checks.dispose();
    kernel.dispose();
  }
});
