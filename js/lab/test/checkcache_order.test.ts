/**
 * The draft's check kept (checkcache.ts) whatever the order its messages come in, on
 * JupyterLab's own kernel connection (@jupyterlab/services KernelConnection: its status
 * follows the messages as it handles them, its futures resolve `done` on the reply AND
 * the idle status). Jupyter does not order the shell and iopub channels: a check's
 * execute_reply may come before or after its idle status, and the status of another
 * check of the page may come in between. The kernel here is a fake socket the test
 * delivers each message to, in the order it chooses. Other checks: kernelguard_cache.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { KernelConnection, ServerConnection } from "@jupyterlab/services";
import { cachedCheck, jsonStrings } from "../src/checkcache";
import { guardedTransport, precheck } from "../src/kernelguard";
import { userMessage } from "./drafts";
import { mainShell } from "../src/shellwatch";

interface Wire {
  header: { msg_id: string; msg_type: string; session: string; username: string; date: string; version: string };
  parent_header: Partial<Wire["header"]>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  channel: string;
  buffers: never[];
}

// The connection says each socket it opens (console.debug).
console.debug = () => {};

const SECRET = "Harbor7341Lantern";
const MARK = "«held under a secret name»";

/** The kernel's end of the connection's websocket: the test delivers each message. */
class KernelSocket {
  static latest: KernelSocket | null = null;
  protocol = "";
  readyState = 0;
  binaryType = "";
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  /** The execute requests sent to the kernel, not answered yet. */
  requests: Wire[] = [];
  /** The secrets checks the kernel got. */
  checks = 0;
  /** What the kernel holds under secret names. */
  secrets: string[] = [];
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
  message(type: string, channel: string, content: Record<string, unknown>, parent: Wire["header"]): Wire {
    this.ids += 1;
    const header = { msg_id: `kernel-${this.ids}`, msg_type: type, session: "kernel", username: "", date: "", version: "5.3" };
    return { header, parent_header: parent, metadata: {}, content, channel, buffers: [] };
  }
  deliver(msg: Wire): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  send(data: string): void {
    const msg = JSON.parse(data) as Wire;
    if (msg.header.msg_type === "kernel_info_request") {
      // Answered at once, in order.
      const info = { status: "ok", protocol_version: "5.3", language_info: { name: "python" } };
      this.deliver(this.message("status", "iopub", { execution_state: "busy" }, msg.header));
      this.deliver(this.message("kernel_info_reply", "shell", info, msg.header));
      this.deliver(this.message("status", "iopub", { execution_state: "idle" }, msg.header));
    } else if (msg.header.msg_type === "execute_request") {
      this.requests.push(msg);
      if (String(JSON.stringify(msg.content)).includes("hide_known_json")) this.checks += 1;
    }
  }
  /** The messages the kernel sends for `request`: its busy, its reply, its idle. */
  answer(request: Wire): { busy: Wire; reply: Wire; idle: Wire } {
    const expression = (request.content.user_expressions as { result: string }).result;
    const json = expression.slice(expression.indexOf("hide_known_json(") + 16, -1);
    const hide = (value: unknown): unknown => {
      if (typeof value === "string") return this.secrets.reduce((s, secret) => s.split(secret).join(MARK), value);
      if (Array.isArray(value)) return value.map(hide);
      if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [hide(k), hide(v)]));
      }
      return value;
    };
    const answer = JSON.stringify({ value: hide(JSON.parse(JSON.parse(json))), hidden: 0 });
    const result = { status: "ok", data: { "text/plain": JSON.stringify(answer) }, metadata: {} };
    const content = { status: "ok", execution_count: 1, user_expressions: { result } };
    return {
      busy: this.message("status", "iopub", { execution_state: "busy" }, request.header),
      reply: this.message("execute_reply", "shell", content, request.header),
      idle: this.message("status", "iopub", { execution_state: "idle" }, request.header),
    };
  }
}

/** Resolves once `ready()` holds (the connection handles messages asynchronously). */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 1));
  assert.ok(ready(), "timed out");
}

/** An idle Python kernel's connection, as a notebook's session has it. */
async function connect(): Promise<{ kernel: KernelConnection; socket: KernelSocket; session: never }> {
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: "http://127.0.0.1:9/",
    wsUrl: "ws://127.0.0.1:9/",
    WebSocket: KernelSocket as never,
    fetch: (() => Promise.reject(new Error("no server"))) as never,
  });
  const kernel = new KernelConnection({ model: { id: "k1", name: "python3" }, serverSettings, handleComms: false });
  // Watched from its start, as the page watches a notebook's (shellwatch.ts).
  mainShell(kernel);
  await kernel.info;
  await until(() => kernel.status === "idle");
  const socket = KernelSocket.latest as KernelSocket;
  return { kernel, socket, session: { session: { kernel } } as never };
}

/** Enter: the request the model gets, and the checks the kernel got for it. */
async function enter(session: never, socket: KernelSocket, text: string) {
  const before = socket.checks;
  const sent: { params: unknown }[] = [];
  const inner = {
    send: async (body: object) => {
      sent.push(body as { params: unknown });
      return { status: 200, contentType: "application/json", body: [] as never };
    },
  };
  await guardedTransport(inner, () => session).send(userMessage(text));
  return { params: JSON.stringify(sent[0].params), checks: socket.checks - before };
}

test("a draft's check whose reply comes after its idle, with another check started between, is kept", async () => {
  const { kernel, socket, session } = await connect();
  socket.secrets.push(SECRET);
  const first = userMessage(`my key is ${SECRET}`);
  const second = userMessage("and the other draft");
  const a = precheck(session, jsonStrings(first.params));
  await until(() => socket.requests.length === 1);
  const checkA = socket.answer(socket.requests[0]);
  // The first check's status on iopub, its reply still on its way (shell).
  socket.deliver(checkA.busy);
  socket.deliver(checkA.idle);
  await until(() => kernel.status === "idle");
  // Idle: the next draft is checked (another box, a chip changed) and starts running.
  const b = precheck(session, jsonStrings(second.params));
  await until(() => socket.requests.length === 2);
  const checkB = socket.answer(socket.requests[1]);
  socket.deliver(checkB.busy);
  await until(() => kernel.status === "busy");
  // Now the first check's reply: its work is done, nothing but the checks ran.
  socket.deliver(checkA.reply);
  assert.equal(await a, true);
  socket.deliver(checkB.reply);
  socket.deliver(checkB.idle);
  assert.equal(await b, true);
  // Enter sends either draft with no check of its own, the secret hidden.
  for (const [text, draft] of [[`my key is ${SECRET}`, first], ["and the other draft", second]] as const) {
    assert.notEqual(cachedCheck(kernel, draft.params), null, text);
    const sent = await enter(session, socket, text);
    assert.equal(sent.checks, 0, text);
    assert.ok(!sent.params.includes(SECRET), text);
  }
  kernel.dispose();
});

test("a draft's check whose reply comes before its idle is kept, and Enter between them waits for it", async () => {
  const { kernel, socket, session } = await connect();
  socket.secrets.push(SECRET);
  const draft = userMessage(`token ${SECRET}`);
  const asked = precheck(session, jsonStrings(draft.params));
  await until(() => socket.requests.length === 1);
  const check = socket.answer(socket.requests[0]);
  socket.deliver(check.busy);
  socket.deliver(check.reply);
  await until(() => kernel.status === "busy");
  // Enter while the idle is still on its way: the request waits for the draft's check.
  const atEnter = enter(session, socket, `token ${SECRET}`);
  await new Promise((r) => setTimeout(r, 5));
  socket.deliver(check.idle);
  assert.equal(await asked, true);
  const sent = await atEnter;
  assert.equal(sent.checks, 0);
  assert.ok(!sent.params.includes(SECRET) && sent.params.includes(MARK));
  kernel.dispose();
});

test("another execution between a check's reply and its idle still drops its answers", async () => {
  for (const order of ["reply first", "idle first"] as const) {
    const { kernel, socket, session } = await connect();
    const draft = userMessage(`token ${SECRET}`);
    const asked = precheck(session, jsonStrings(draft.params));
    await until(() => socket.requests.length === 1);
    const check = socket.answer(socket.requests[0]);
    socket.deliver(check.busy);
    socket.deliver(order === "reply first" ? check.reply : check.idle);
    // Another client's cell sets the secret: its busy, seen on iopub.
    const other = socket.message("status", "iopub", { execution_state: "busy" }, {
      msg_id: "another-client",
      msg_type: "execute_request",
    } as Wire["header"]);
    socket.deliver(other);
    socket.secrets.push(SECRET);
    socket.deliver(order === "reply first" ? check.idle : check.reply);
    assert.equal(await asked, false, order);
    socket.deliver(socket.message("status", "iopub", { execution_state: "idle" }, other.parent_header as Wire["header"]));
    await until(() => kernel.status === "idle");
    assert.equal(cachedCheck(kernel, draft.params), null, order);
    // Enter checks the message again: the secret is hidden.
    const atEnter = enter(session, socket, `token ${SECRET}`);
    await until(() => socket.requests.length === 2);
    const again = socket.answer(socket.requests[1]);
    socket.deliver(again.busy);
    socket.deliver(again.reply);
    socket.deliver(again.idle);
    const sent = await atEnter;
    assert.equal(sent.checks, 1, order);
    assert.ok(!sent.params.includes(SECRET), order);
    kernel.dispose();
  }
});
