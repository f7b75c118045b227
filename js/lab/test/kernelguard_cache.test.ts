/**
 * The sidebar's message checked before Enter (checkcache.ts, kernelguard.ts `precheck`):
 * at Enter a request goes at once when the kernel checked every string of it and nothing
 * happened on the kernel since; any message on the kernel (a cell run here or by another
 * client, a restart, a reconnection) voids the answers, and the message is checked then.
 * With a real kernel and JupyterLab: tests/test_widget_notebook_browser.py.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Signal } from "@lumino/signaling";
import { cachedCheck, jsonStrings, ownRequest } from "../src/checkcache";
import { guardedTransport, precheck } from "../src/kernelguard";
import { drafts, userMessage } from "./drafts";
import { connected, watchedFromStart } from "./shells";

const SECRET = "Harbor7341Lantern";
const MARK = "«held under a secret name»";

interface Msg {
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  channel: string;
  content: Record<string, unknown>;
}

/**
 * An idle Python kernel as the page's connection shows it: `anyMessage` for what is sent
 * and received, the secrets check answered by hiding `secrets` in each string (as
 * `hide_known_json` does), its status messages parented by the request.
 */
function fakeKernel() {
  let ids = 0;
  const kernel = {
    id: "k1",
    clientId: "this-page",
    status: "idle",
    connectionStatus: "connected",
    isDisposed: false,
    supportsSubshells: false,
    info: Promise.resolve({ language_info: { name: "python" } }),
    /** What the kernel holds under secret names now. */
    secrets: [] as string[],
    /** The secrets checks it answered (the JSON they carried). */
    checks: [] as unknown[],
    /** Its environment has no jupyter_chatkit: the check's import fails. */
    missing: false,
    /** While set, the replies of the checks sent wait for `release()` (a check on its way). */
    hold: false,
    held: [] as (() => void)[],
    release() {
      kernel.hold = false;
      for (const go of kernel.held.splice(0)) go();
    },
    anyMessage: null as unknown as Signal<unknown, { msg: Msg; direction: "send" | "recv" }>,
    statusChanged: null as unknown as Signal<unknown, string>,
    connectionStatusChanged: null as unknown as Signal<unknown, string>,
    disposed: null as unknown as Signal<unknown, void>,
    iopubMessage: null as unknown as Signal<unknown, Msg>,
    message(type: string, channel: string, content: Record<string, unknown>, parent?: string): Msg {
      ids += 1;
      return { header: { msg_id: `m${ids}`, msg_type: type }, parent_header: { msg_id: parent }, channel, content };
    },
    hide(value: unknown): unknown {
      if (typeof value === "string") return kernel.secrets.reduce((s, secret) => s.split(secret).join(MARK), value);
      if (Array.isArray(value)) return value.map((v) => kernel.hide(v));
      if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [kernel.hide(k), kernel.hide(v)]));
      }
      return value;
    },
    requestExecute(content: { user_expressions?: { result: string } }) {
      const msg = kernel.message("execute_request", "shell", content);
      kernel.anyMessage.emit({ msg, direction: "send" });
      const expression = content.user_expressions?.result ?? "";
      const json = expression.slice(expression.indexOf("hide_known_json(") + 16, -1);
      const value = JSON.parse(JSON.parse(json));
      kernel.checks.push(value);
      const answer = JSON.stringify({ value: kernel.hide(value), hidden: 0 });
      const result = kernel.missing
        ? { status: "error", ename: "ModuleNotFoundError", evalue: "No module named 'jupyter_chatkit'", traceback: [] }
        : { status: "ok", data: { "text/plain": JSON.stringify(answer) } };
      const id = msg.header.msg_id;
      const sent = kernel.hold ? new Promise<void>((go) => kernel.held.push(go)) : Promise.resolve();
      const done = sent.then(() => {
        const reply = kernel.message("execute_reply", "shell", { status: "ok", user_expressions: { result } }, id);
        kernel.anyMessage.emit({ msg: kernel.message("status", "iopub", { execution_state: "busy" }, id), direction: "recv" });
        kernel.anyMessage.emit({ msg: reply, direction: "recv" });
        kernel.anyMessage.emit({ msg: kernel.message("status", "iopub", { execution_state: "idle" }, id), direction: "recv" });
        return reply;
      });
      return { done, msg };
    },
    /** Another request runs (a cell of this page, or another client's seen on iopub). */
    runCell(setSecret: string | null, from: "here" | "elsewhere" = "here") {
      if (from === "here") {
        const msg = kernel.message("execute_request", "shell", { code: "x" });
        kernel.anyMessage.emit({ msg, direction: "send" });
      } else {
        const busy = kernel.message("status", "iopub", { execution_state: "busy" }, "someone-else");
        kernel.anyMessage.emit({ msg: busy, direction: "recv" });
      }
      if (setSecret) kernel.secrets.push(setSecret);
    },
  };
  kernel.anyMessage = new Signal(kernel);
  kernel.statusChanged = new Signal(kernel);
  kernel.connectionStatusChanged = new Signal(kernel);
  kernel.disposed = new Signal(kernel);
  kernel.iopubMessage = new Signal(kernel);
  watchedFromStart(kernel);
  return kernel;
}

function recorder() {
  const sent: { params: unknown }[] = [];
  const inner = {
    send: async (body: object) => {
      sent.push(body as { params: unknown });
      return { status: 200, contentType: "application/json", body: [] as never };
    },
  };
  return { sent, inner };
}

test("a message checked while it was written goes at Enter with no check of its own", async () => {
  const kernel = fakeKernel();
  kernel.secrets.push(SECRET);
  const session = { session: { kernel } } as never;
  const body = userMessage(`my key is ${SECRET}, why 401?`);
  assert.equal(await precheck(session, jsonStrings(body.params)), true);
  assert.equal(kernel.checks.length, 1);
  const { sent, inner } = recorder();
  await guardedTransport(inner, () => session).send(body);
  // No request to the kernel at Enter, and the pasted secret is hidden all the same.
  assert.equal(kernel.checks.length, 1);
  const text = JSON.stringify(sent[0].params);
  assert.ok(!text.includes(SECRET) && text.includes(MARK));
  assert.deepEqual(sent[0].params, kernel.hide(body.params));
});

test("a cell run after the check voids it: the secret it set is hidden at Enter", async () => {
  for (const from of ["here", "elsewhere"] as const) {
    const kernel = fakeKernel();
    const session = { session: { kernel } } as never;
    const body = userMessage(`token ${SECRET}`);
    // Checked before the cell: nothing to hide yet.
    assert.equal(await precheck(session, jsonStrings(body.params)), true);
    assert.notEqual(cachedCheck(kernel as never, body.params), null);
    kernel.runCell(SECRET, from);
    assert.equal(cachedCheck(kernel as never, body.params), null);
    const { sent, inner } = recorder();
    await guardedTransport(inner, () => session).send(body);
    assert.equal(kernel.checks.length, 2, from);
    assert.ok(!JSON.stringify(sent[0].params).includes(SECRET), from);
  }
});

test("an answer that comes back after the kernel changed is not kept", async () => {
  const kernel = fakeKernel();
  const session = { session: { kernel } } as never;
  const body = userMessage(`token ${SECRET}`);
  const asked = precheck(session, jsonStrings(body.params));
  // The cell starts while the check is on its way.
  kernel.runCell(SECRET, "elsewhere");
  assert.equal(await asked, false);
  assert.equal(cachedCheck(kernel as never, body.params), null);
});

test("an answer is kept for the kernel that gave it, not one the session had before", async () => {
  const first = fakeKernel();
  const second = fakeKernel();
  second.secrets.push(SECRET);
  const session = { session: { kernel: first } };
  const body = userMessage(`token ${SECRET}`);
  const asked = precheck(session as never, jsonStrings(body.params));
  // The session changes kernel while the check is on its way: the new kernel answers it.
  session.session.kernel = second;
  assert.equal(await asked, false);
  assert.equal(cachedCheck(first as never, body.params), null);
  assert.equal(cachedCheck(second as never, body.params), null);
});

test("a string not checked, a restart, a reconnection, a busy kernel or an old answer: checked at Enter", async () => {
  const kernel = fakeKernel();
  const session = { session: { kernel } } as never;
  const body = userMessage("hello there");
  const strings = jsonStrings(body.params);
  assert.equal(await precheck(session, strings), true);
  assert.equal(cachedCheck(kernel as never, userMessage("hello there!").params), null);
  assert.notEqual(cachedCheck(kernel as never, body.params), null);
  // The kernel's busy: no answer is used (a running cell changes what the kernel holds).
  kernel.status = "busy";
  assert.equal(cachedCheck(kernel as never, body.params), null);
  kernel.status = "idle";
  assert.notEqual(cachedCheck(kernel as never, body.params), null);
  kernel.statusChanged.emit("restarting");
  assert.equal(cachedCheck(kernel as never, body.params), null);
  assert.equal(await precheck(session, strings), true);
  kernel.connectionStatusChanged.emit("connecting");
  assert.equal(cachedCheck(kernel as never, body.params), null);
  kernel.connectionStatusChanged.emit("connected");
  connected(kernel);
  assert.equal(await precheck(session, strings), true);
  // Answers last CHECK_TTL_MS (a thread in the kernel changes it without a message).
  const now = Date.now;
  try {
    Date.now = () => now() + 60_000;
    assert.equal(cachedCheck(kernel as never, body.params), null);
  } finally {
    Date.now = now;
  }
  // The check's own messages (its status, its reply) changed nothing.
  assert.notEqual(cachedCheck(kernel as never, body.params), null);
  assert.equal(kernel.checks.length, 3);
  // Only the check is its own: a cell sent while it is (a listener's) voids them.
  ownRequest(kernel as never, () => kernel.runCell(null));
  assert.equal(cachedCheck(kernel as never, body.params), null);
});

test("the debugger's debugInfo (JupyterLab asks it unprompted) leaves the answers; its other requests void them", async () => {
  const kernel = fakeKernel();
  kernel.secrets.push(SECRET);
  const session = { session: { kernel } } as never;
  const body = userMessage(`token ${SECRET}`);
  const debug = (command: string): void => {
    // As JupyterLab's debugger sends it on the control channel, the kernel's busy/idle
    // (parented by it: the connection's status stays idle) and its reply.
    const msg = kernel.message("debug_request", "control", { seq: 1, type: "request", command, arguments: {} });
    const id = msg.header.msg_id;
    kernel.anyMessage.emit({ msg, direction: "send" });
    kernel.anyMessage.emit({ msg: kernel.message("status", "iopub", { execution_state: "busy" }, id), direction: "recv" });
    const reply = kernel.message("debug_reply", "control", { success: true, command, body: {} }, id);
    kernel.anyMessage.emit({ msg: reply, direction: "recv" });
    kernel.anyMessage.emit({ msg: kernel.message("status", "iopub", { execution_state: "idle" }, id), direction: "recv" });
  };
  assert.equal(await precheck(session, jsonStrings(body.params)), true);
  // A burst after the draft was checked (a kernel just connected, under load).
  for (let i = 0; i < 4; i++) debug("debugInfo");
  assert.notEqual(cachedCheck(kernel as never, body.params), null);
  const { sent, inner } = recorder();
  await guardedTransport(inner, () => session).send(body);
  assert.equal(kernel.checks.length, 1);
  assert.ok(!JSON.stringify(sent[0].params).includes(SECRET));
  // A request that may run code or change the debugged program still voids them.
  for (const command of ["evaluate", "setVariable", "continue", "richInspectVariables"]) {
    assert.equal(await precheck(session, jsonStrings(body.params)), true);
    debug(command);
    assert.equal(cachedCheck(kernel as never, body.params), null, command);
  }
});

test("keys are checked like values, and a __proto__ key stays a key", async () => {
  const kernel = fakeKernel();
  kernel.secrets.push(SECRET);
  const session = { session: { kernel } } as never;
  const value = JSON.parse(`{"${SECRET}": 1, "__proto__": {"a": "${SECRET}"}, "n": [1, true, null]}`);
  assert.equal(await precheck(session, jsonStrings(value)), true);
  const out = cachedCheck(kernel as never, value);
  assert.ok(out);
  assert.equal(JSON.stringify(out.value), JSON.stringify(kernel.hide(value)));
  assert.equal(Object.getPrototypeOf(out.value), Object.prototype);
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


test("a kernel without jupyter_chatkit is asked once before Enter, not at every draft or cell end", async () => {
  const kernel = fakeKernel();
  kernel.missing = true;
  const session = { session: { kernel } } as never;
  const body = userMessage(`my key is ${SECRET}, why 401?`);
  const checks = drafts(() => session, `my key is ${SECRET}, why 401?`);
  try {
    checks.changed();
    await until(() => kernel.checks.length === 1 && checks.runs() === 1);
    // Cells end (the kernel turns idle) and the person types on: the draft is not asked
    // about again, the kernel said it cannot check.
    for (let n = 2; n <= 4; n++) {
      kernel.statusChanged.emit("idle");
      await until(() => checks.runs() === n);
    }
    checks.changed();
    await until(() => checks.runs() === 5);
    assert.equal(await precheck(session, jsonStrings(body.params)), false);
    assert.equal(kernel.checks.length, 1);
  } finally {
    checks.dispose();
  }
  // Enter as before: the kernel is asked, and the message goes as the text rules leave it.
  const { sent, inner } = recorder();
  await guardedTransport(inner, () => session).send(body);
  assert.equal(kernel.checks.length, 2);
  assert.deepEqual(sent[0].params, body.params);
  // Restarted (jupyter_chatkit installed meanwhile): asked again before Enter.
  kernel.missing = false;
  kernel.statusChanged.emit("restarting");
  assert.equal(await precheck(session, jsonStrings(body.params)), true);
  assert.equal(kernel.checks.length, 3);
});

test("a kernel that can check again (installed with no restart) is asked again after Enter's check", async () => {
  const kernel = fakeKernel();
  kernel.missing = true;
  kernel.secrets.push(SECRET);
  const session = { session: { kernel } } as never;
  const body = userMessage(`token ${SECRET}`);
  assert.equal(await precheck(session, jsonStrings(body.params)), false);
  assert.equal(await precheck(session, jsonStrings(body.params)), false);
  assert.equal(kernel.checks.length, 1);
  // `%pip install jupyter-chatkit` in the notebook: Enter's check finds it and hides.
  kernel.missing = false;
  const { sent, inner } = recorder();
  await guardedTransport(inner, () => session).send(body);
  assert.equal(kernel.checks.length, 2);
  assert.ok(!JSON.stringify(sent[0].params).includes(SECRET));
  assert.equal(await precheck(session, jsonStrings(body.params)), true);
  assert.equal(kernel.checks.length, 3);
});

test("Enter while the draft's check is on its way waits for it: one check, the secret hidden", async () => {
  const kernel = fakeKernel();
  kernel.secrets.push(SECRET);
  const session = { session: { kernel } } as never;
  const body = userMessage(`my key is ${SECRET}, why 401?`);
  // A kernel just started loads the check: its answer is not back when Enter comes.
  kernel.hold = true;
  const asked = precheck(session, jsonStrings(body.params));
  const { sent, inner } = recorder();
  const sending = guardedTransport(inner, () => session).send(body);
  await until(() => kernel.checks.length >= 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  // Enter sent no check of its own, and the message waits for the draft's.
  assert.equal(kernel.checks.length, 1);
  assert.equal(sent.length, 0);
  kernel.release();
  assert.equal(await asked, true);
  await sending;
  assert.equal(kernel.checks.length, 1);
  assert.deepEqual(sent[0].params, kernel.hide(body.params));
  assert.ok(!JSON.stringify(sent[0].params).includes(SECRET));
});

test("a cell run while Enter waits for the draft's check: checked again at once, the secret it set hidden", async () => {
  for (const when of ["before Enter", "while Enter waits"] as const) {
    const kernel = fakeKernel();
    const session = { session: { kernel } } as never;
    const body = userMessage(`token ${SECRET}`);
    // The draft's check is answered as the kernel was: nothing to hide yet.
    kernel.hold = true;
    const asked = precheck(session, jsonStrings(body.params));
    const { sent, inner } = recorder();
    if (when === "before Enter") kernel.runCell(SECRET, "elsewhere");
    const sending = guardedTransport(inner, () => session).send(body);
    if (when === "while Enter waits") {
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(sent.length, 0, when);
      kernel.runCell(SECRET, "elsewhere");
    }
    // Checked again without waiting for the draft's check, which is still not back.
    kernel.hold = false;
    await sending;
    assert.equal(kernel.checks.length, 2, when);
    assert.ok(!JSON.stringify(sent[0].params).includes(SECRET), when);
    kernel.release();
    assert.equal(await asked, false, when);
  }
});

test("Enter does not wait for a draft's check that asks about other strings", async () => {
  const kernel = fakeKernel();
  const session = { session: { kernel } } as never;
  kernel.hold = true;
  const asked = precheck(session, jsonStrings(userMessage("hello").params));
  kernel.hold = false;
  const { sent, inner } = recorder();
  await guardedTransport(inner, () => session).send(userMessage(`hello ${SECRET}`));
  assert.equal(kernel.checks.length, 2);
  assert.equal(sent.length, 1);
  kernel.release();
  assert.equal(await asked, true);
});

test("a kernel followed is asked once as soon as it is idle (its check loads), again after a restart", async () => {
  const first = fakeKernel();
  const second = fakeKernel();
  const kernelChanged = new Signal<unknown, unknown>({});
  const session = { session: { kernel: first }, kernelChanged };
  // An empty box, the person in the notebook: nothing of theirs is asked about.
  const checks = drafts(() => session, "");
  try {
    checks.changed();
    await until(() => first.checks.length === 1);
    // The request's own strings only (no chips, no text).
    assert.ok(!JSON.stringify(first.checks[0]).includes("input_text"));
    // Cells end, the chips change: loaded already, not asked again.
    first.statusChanged.emit("idle");
    await until(() => checks.runs() === 2);
    checks.changed();
    await until(() => checks.runs() === 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(first.checks.length, 1);
    // Restarted: asked again once idle.
    first.statusChanged.emit("restarting");
    first.statusChanged.emit("idle");
    await until(() => first.checks.length === 2);
    // Cells end on and on (idle turns that ask nothing).
    for (let n = 0; n < 4; n++) first.statusChanged.emit("idle");
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Another kernel for the notebook, still starting when followed: asked once idle.
    second.status = "starting";
    session.session.kernel = second;
    kernelChanged.emit(second);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(second.checks.length, 0);
    second.status = "idle";
    second.statusChanged.emit("idle");
    await until(() => second.checks.length === 1);
    assert.equal(first.checks.length, 2);
  } finally {
    checks.dispose();
  }
});
