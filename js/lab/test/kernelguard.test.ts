/**
 * The kernel guard's parts that need no kernel: what the model gets when no kernel can be
 * asked (text rules only) or one did not answer (outputs withheld), and which requests
 * the sidebar's transport sends through it. With a real kernel: tests/browser/
 * test_security_kernel_secrets_lab.py.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { PageConfig } from "@jupyterlab/coreutils";
import { hideExpression, hideKernelSecrets, OUTPUTS_UNCHECKED, OUTPUTS_WITHHELD, withoutOutputs } from "../src/kernel";
import { guardedTransport } from "../src/kernelguard";
import { drafts } from "./drafts";
import { watchedFromStart } from "./shells";

const CELLS = {
  cells: [
    { index: 0, source: "print(x)", outputs: [{ output_type: "stream", text: "Copper_Falcon_804" }] },
    { index: 1, source: "y = 2", outputs: [] },
  ],
  cell: { source: "z", outputs: [{ output_type: "error", evalue: "refused: Juniper4Tidal61q" }] },
};

test("withoutOutputs leaves every cell's outputs out and says why where there were some", () => {
  const out = withoutOutputs(CELLS) as typeof CELLS & { cells: Record<string, unknown>[] };
  const text = JSON.stringify(out);
  assert.ok(!text.includes("Copper") && !text.includes("Juniper"));
  assert.equal(out.cells[0].outputs_withheld, OUTPUTS_WITHHELD);
  assert.equal(out.cells[1].outputs_withheld, undefined);
  assert.equal(out.cells[0].source, "print(x)");
  assert.deepEqual((out.cell as Record<string, unknown>).outputs, []);
});

test("with no kernel to ask, the value goes as the text rules left it", async () => {
  assert.deepEqual(await hideKernelSecrets(null, CELLS), CELLS);
  assert.deepEqual(await hideKernelSecrets({ session: null } as never, CELLS), CELLS);
});

test("a busy kernel withholds the outputs after the wait", async () => {
  const busy = { session: { kernel: { status: "busy", connectionStatus: "connected" } } } as never;
  const out = await hideKernelSecrets(busy, CELLS, { busyWaitMs: 0 });
  assert.ok(!JSON.stringify(out).includes("Copper"));
});

test("the expression hands the kernel the JSON as one string literal", () => {
  assert.equal(
    hideExpression('{"a":"it\'s \\"x\\""}'),
    `__import__('jupyter_chatkit.kernel.known_secrets', fromlist=['x']).hide_known_json("{\\"a\\":\\"it's \\\\\\"x\\\\\\"\\"}")`,
  );
});

test("the sidebar's transport guards the requests carrying input, and only those", async () => {
  const sent: object[] = [];
  const inner = {
    send: async (body: object) => {
      sent.push(body);
      return { status: 200, contentType: "application/json", body: [] as never };
    },
  };
  const busy = { session: { kernel: { status: "busy", connectionStatus: "connected" } } } as never;
  // A busy kernel, and no wait: what the guard does is visible (outputs withheld).
  const transport = guardedTransport(inner, () => busy);
  const message = { type: "threads.add_user_message", params: { thread_id: "t", input: { tags: [CELLS] } } };
  const listing = { type: "threads.list", params: { limit: 5 } };
  await transport.send(listing);
  assert.deepEqual(sent[0], listing);
  // The guard waits GUARD_BUSY_WAIT_MS for the kernel; the result holds no output.
  await transport.send(message);
  assert.ok(!JSON.stringify(sent[1]).includes("Copper"));
  assert.equal((sent[1] as { type: string }).type, "threads.add_user_message");
});

/** An idle Python kernel whose silent expression fails with `ename` (a fake of the
 * browser side's kernel connection: the reply a real kernel sends). */
function failingKernel(ename: string): never {
  const reply = {
    content: {
      status: "ok",
      user_expressions: { result: { status: "error", ename, evalue: `${ename} in the kernel`, traceback: [] } },
    },
  };
  const kernel = {
    status: "idle",
    connectionStatus: "connected",
    info: Promise.resolve({ language_info: { name: "python" } }),
    requestExecute: () => ({ done: Promise.resolve(reply) }),
  };
  return { session: { kernel } } as never;
}

test("a kernel whose check failed withholds the outputs and says so, not that it is busy", async () => {
  // An older jupyter_chatkit in the kernel's environment has no hide_known_json.
  const out = await hideKernelSecrets(failingKernel("AttributeError"), CELLS);
  const text = JSON.stringify(out);
  assert.ok(!text.includes("Copper") && !text.includes("Juniper"));
  const note = (out as { cells: Record<string, unknown>[] }).cells[0].outputs_withheld;
  assert.equal(note, OUTPUTS_UNCHECKED);
  assert.notEqual(note, OUTPUTS_WITHHELD);
  // No jupyter_chatkit there at all: the text rules' value, as before.
  assert.deepEqual(await hideKernelSecrets(failingKernel("ModuleNotFoundError"), CELLS), CELLS);
});

test("at Enter the checked value is used once the check's reply comes, not after the kernel's idle status too", async () => {
  // The reply (shell channel) holds the value; the idle status (IOPub) may come later.
  const checked = { ...CELLS, cells: [] };
  const reply = {
    content: {
      status: "ok",
      user_expressions: {
        result: { status: "ok", data: { "text/plain": JSON.stringify(JSON.stringify({ value: checked, hidden: 1 })) } },
      },
    },
  };
  const kernel = {
    status: "idle",
    connectionStatus: "connected",
    info: Promise.resolve({ language_info: { name: "python" } }),
    requestExecute() {
      const future = { done: new Promise(() => {}), onReply: null as null | ((msg: unknown) => void) };
      setTimeout(() => future.onReply?.(reply), 0);
      return future;
    },
  };
  const out = await hideKernelSecrets({ session: { kernel } } as never, CELLS, { replyTimeoutMs: 2000 });
  assert.deepEqual(out, checked);
});

/** A Python kernel with subshells whose main shell runs a cell (a fake of the browser
 * side's connection, answering as ipykernel 7 does): the main shell never answers, a
 * subshell answers with `answer(expression)` (the `text/plain` of the expression's value). */
async function busyKernelWithSubshells(answer: (expression: string) => Record<string, unknown>) {
  const { Signal } = await import("@lumino/signaling");
  const kernel = {
    status: "busy",
    connectionStatus: "connected",
    supportsSubshells: true,
    username: "u",
    clientId: "c",
    info: Promise.resolve({ language_info: { name: "python" } }),
    created: [] as string[],
    /** The subshells it was asked to delete. */
    deleted: [] as string[],
    sent: [] as { header: Record<string, unknown>; content: Record<string, unknown> }[],
    failCreate: false,
    /** Replies held back until `answerHeld()` (a check in flight). */
    hold: false,
    held: [] as (() => void)[],
    iopubMessage: null as unknown,
    statusChanged: null as unknown,
    connectionStatusChanged: null as unknown,
    disposed: null as unknown,
    requestExecute: () => ({ done: new Promise(() => {}) }), // queued behind the cell
    requestCreateSubshell() {
      const id = `sub${kernel.created.length + 1}`;
      kernel.created.push(id);
      const done = kernel.failCreate
        ? Promise.reject(new Error("no subshell"))
        : Promise.resolve({ content: { status: "ok", subshell_id: id } });
      return { done };
    },
    requestDeleteSubshell({ subshell_id }: { subshell_id: string }) {
      kernel.deleted.push(subshell_id);
      return { done: Promise.resolve({ content: { status: "ok" } }) };
    },
    answerHeld() {
      for (const send of kernel.held.splice(0)) send();
    },
    sendShellMessage(msg: { header: Record<string, unknown>; content: Record<string, unknown> }) {
      kernel.sent.push(msg);
      const expression = (msg.content.user_expressions as { result: string }).result;
      const reply = {
        parent_header: msg.header,
        content: { status: "ok", user_expressions: { result: answer(expression) } },
      };
      if (!kernel.hold) return { done: Promise.resolve(reply) };
      return { done: new Promise((resolve) => kernel.held.push(() => resolve(reply))) };
    },
  };
  kernel.iopubMessage = new Signal(kernel);
  kernel.statusChanged = new Signal(kernel);
  kernel.connectionStatusChanged = new Signal(kernel);
  kernel.disposed = new Signal(kernel);
  // Watched from its start, as the page does: the cell's busy was seen.
  watchedFromStart(kernel, "cell-1");
  return kernel;
}

/** `text/plain` of a Python str holding `value` as JSON (what user_expressions carry). */
function pyJson(value: unknown): Record<string, unknown> {
  return { status: "ok", data: { "text/plain": JSON.stringify(JSON.stringify(value)) } };
}

test("a busy kernel with subshells checks the outputs on one subshell, at once", async () => {
  // The kernel hides what it holds: here, the two values it knows.
  const hidden = JSON.parse(
    JSON.stringify(CELLS).replace("Copper_Falcon_804", "«redacted»").replace("Juniper4Tidal61q", "«redacted»"),
  );
  const kernel = await busyKernelWithSubshells(() => pyJson({ value: hidden, hidden: 2 }));
  const session = { session: { kernel } } as never;
  // No wait for the main shell: the outputs come back checked, not withheld.
  const out = await hideKernelSecrets(session, CELLS, { busyWaitMs: 0 });
  assert.deepEqual(out, hidden);
  const again = await hideKernelSecrets(session, CELLS, { busyWaitMs: 0 });
  assert.deepEqual(again, hidden);
  // One subshell, made once, reused; both requests carried its id.
  assert.deepEqual(kernel.created, ["sub1"]);
  assert.deepEqual(
    kernel.sent.map((m) => m.header.subshell_id),
    ["sub1", "sub1"],
  );
  assert.ok((kernel.sent[0].content.user_expressions as { result: string }).result.includes("hide_known_json"));
  // The subshell's idle shows the connection idle while the cell runs: set busy again
  // (in the release whose private status update subshell.ts follows).
  PageConfig.setOption("appName", "JupyterLab");
  PageConfig.setOption("appVersion", "4.6.6");
  const statuses: string[] = [];
  Object.assign(kernel, {
    status: "idle",
    _updateStatus(status: string) {
      statuses.push(status);
      kernel.status = status;
    },
  });
  const iopub = kernel.iopubMessage as { emit(v: unknown): void };
  const status = (state: string, parent: Record<string, unknown>) =>
    iopub.emit({ header: { msg_type: "status" }, parent_header: parent, content: { execution_state: state } });
  status("idle", { msg_type: "execute_request", msg_id: "check-1", subshell_id: "sub1" });
  assert.deepEqual(statuses, ["busy"]);
  // The cell's own end is the main shell idle: nothing more goes to the subshell.
  status("idle", { msg_type: "execute_request", msg_id: "cell-1" });
  kernel.status = "idle";
  status("idle", { msg_type: "create_subshell_request", msg_id: "create-2" });
  assert.deepEqual(statuses, ["busy"]);
  kernel.status = "busy";
  status("busy", { msg_type: "execute_request", msg_id: "cell-2" });
  // A restarted kernel has no subshells: a new one is made for the next ask.
  (kernel.statusChanged as { emit(v: string): void }).emit("restarting");
  status("busy", { msg_type: "execute_request", msg_id: "cell-3" });
  await hideKernelSecrets(session, CELLS, { busyWaitMs: 0 });
  assert.deepEqual(kernel.created, ["sub1", "sub2"]);
});

test("a subshell that cannot be made, or whose check fails, withholds the outputs as before", async () => {
  const failing = await busyKernelWithSubshells(() => ({
    status: "error",
    ename: "RuntimeError",
    evalue: "the namespace changed while it was read",
  }));
  // The cell changed the namespace as it was read: the kernel is busy, not old.
  const raced = await hideKernelSecrets({ session: { kernel: failing } } as never, CELLS, { busyWaitMs: 0 });
  assert.ok(!JSON.stringify(raced).includes("Copper"));
  assert.equal((raced as { cells: Record<string, unknown>[] }).cells[0].outputs_withheld, OUTPUTS_WITHHELD);
  const nothing = await busyKernelWithSubshells(() => pyJson({ value: CELLS, hidden: 0 }));
  nothing.failCreate = true;
  const out = await hideKernelSecrets({ session: { kernel: nothing } } as never, CELLS, { busyWaitMs: 0 });
  assert.ok(!JSON.stringify(out).includes("Copper"));
  assert.equal((out as { cells: Record<string, unknown>[] }).cells[0].outputs_withheld, OUTPUTS_WITHHELD);
  assert.equal(nothing.sent.length, 0);
});

/** Until `ready()` holds (each turn lets pending promises and timers run); fails rather
 * than hang when it never does. */
async function until(ready: () => boolean): Promise<void> {
  const giveUp = Date.now() + 10_000;
  while (!ready()) {
    assert.ok(Date.now() < giveUp, `never came: ${ready}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("the subshell is deleted when its kernel connection is disposed", async () => {
  // The notebook closed, or its kernel changed: the kernel may run on, with our subshell.
  const kernel = await busyKernelWithSubshells(() => pyJson({ value: CELLS, hidden: 0 }));
  await hideKernelSecrets({ session: { kernel } } as never, CELLS, { busyWaitMs: 0 });
  assert.deepEqual(kernel.created, ["sub1"]);
  // At once: the connection drops its socket right after it says it is disposed.
  (kernel.disposed as { emit(v: undefined): void }).emit(undefined);
  assert.deepEqual(kernel.deleted, ["sub1"]);
});


test("the sidebar closing deletes the subshell, after the check in flight there", async () => {
  const hidden = JSON.parse(JSON.stringify(CELLS).replace("Copper_Falcon_804", "«redacted»"));
  const kernel = await busyKernelWithSubshells(() => pyJson({ value: hidden, hidden: 1 }));
  const session = { session: { kernel } } as never;
  kernel.hold = true;
  const inFlight = hideKernelSecrets(session, CELLS, { busyWaitMs: 0 });
  await until(() => kernel.sent.length === 1);
  drafts(() => ({ session: { kernel } })).dispose();
  await new Promise((resolve) => setImmediate(resolve));
  // Not under the check: a deleted subshell would drop its request.
  assert.deepEqual(kernel.deleted, []);
  kernel.answerHeld();
  assert.deepEqual(await inFlight, hidden);
  await until(() => kernel.deleted.length > 0);
  assert.deepEqual(kernel.deleted, ["sub1"]);
  // A later check while the cell runs makes a new one.
  kernel.hold = false;
  assert.deepEqual(await hideKernelSecrets(session, CELLS, { busyWaitMs: 0 }), hidden);
  assert.deepEqual(kernel.created, ["sub1", "sub2"]);
  assert.deepEqual(kernel.deleted, ["sub1"]);
});

test("the sidebar following another kernel deletes the subshell it had on the first", async () => {
  const first = await busyKernelWithSubshells(() => pyJson({ value: CELLS, hidden: 0 }));
  const second = await busyKernelWithSubshells(() => pyJson({ value: CELLS, hidden: 0 }));
  await hideKernelSecrets({ session: { kernel: first } } as never, CELLS, { busyWaitMs: 0 });
  let followed: unknown = first;
  const checks = drafts(() => ({ session: { kernel: followed } }));
  try {
    // The draft is checked on the first kernel's notebook, then on another's.
    checks.changed();
    await until(() => checks.runs() === 1);
    assert.deepEqual(first.deleted, []);
    followed = second;
    checks.changed();
    await until(() => first.deleted.length > 0);
    assert.deepEqual(first.deleted, ["sub1"]);
    assert.deepEqual(second.deleted, []);
  } finally {
    checks.dispose();
  }
});
