import assert from "node:assert/strict";
import { test } from "node:test";
import { commTransport, type CommModel, kernelConfig } from "../src/client/comm";
import { kernelModel } from "../src/ui/models";
import { ChatSession } from "../src/client/session";
import { fixtures } from "./helpers";

type Handler = (msg: any) => void;

/** A fake anywidget model whose "kernel" answers from a script. */
function fakeModel(kernel: (msg: any, reply: (m: any) => void) => void): CommModel & { out: any[] } {
  const handlers = new Set<Handler>();
  const out: any[] = [];
  return {
    out,
    send(content: any) {
      out.push(content);
      // Like a real comm: answers arrive asynchronously.
      setTimeout(() => kernel(content, (m) => setTimeout(() => handlers.forEach((h) => h(m)), 0)), 0);
    },
    on(_name: string, cb: Handler) {
      handlers.add(cb);
    },
    off(_name?: string | null, cb?: unknown) {
      handlers.delete(cb as Handler);
    },
  } as CommModel & { out: any[] };
}

function replaySse(id: string, text: string, reply: (m: any) => void, size = 37): void {
  for (let i = 0; i < text.length; i += size) reply({ type: "chatkit.chunk", id, data: text.slice(i, i + size) });
  reply({ type: "chatkit.end", id, status: 200, contentType: "text/event-stream" });
}

test("comm transport: streaming and JSON requests through a full turn", async () => {
  const model = fakeModel((msg, reply) => {
    if (msg.type !== "chatkit.request") return;
    const { id, body } = msg;
    if (body.type === "threads.create") replaySse(id, fixtures.create, reply);
    else if (body.type === "threads.add_client_tool_output") replaySse(id, fixtures.toolOutput, reply);
    else if (body.type === "threads.list") {
      const json = JSON.stringify(fixtures.threads);
      reply({ type: "chatkit.chunk", id, data: json.slice(0, 10) });
      reply({ type: "chatkit.chunk", id, data: json.slice(10) });
      reply({ type: "chatkit.end", id, status: 200, contentType: "application/json" });
    }
  });
  const transport = commTransport(model);
  const session = new ChatSession({ transport, clientTools: { list_kernel_variables: async () => ({ ok: 1 }) } });
  await session.send("hi");
  assert.deepEqual(session.state.items, fixtures.threadAfterTool.items.data.map((i: any) =>
    i.type === "client_tool_call" ? { ...i, output: { ok: 1 } } : i,
  ));
  const page = await session.listThreads();
  assert.equal(page.data.length, 2);
  const reqs = model.out.filter((m) => m.type === "chatkit.request");
  assert.equal(reqs.length, 3);
  assert.equal(new Set(reqs.map((r) => r.id)).size, 3);
  assert.equal(reqs[0].body.type, "threads.create");
  transport.dispose();
});

test("comm transport: errors and error statuses", async () => {
  const model = fakeModel((msg, reply) => {
    if (msg.type !== "chatkit.request") return;
    if (msg.body.type === "threads.list") reply({ type: "chatkit.error", id: msg.id, message: "no server in kernel" });
    if (msg.body.type === "threads.delete") {
      reply({ type: "chatkit.chunk", id: msg.id, data: '{"message": "Thread not found"}' });
      reply({ type: "chatkit.end", id: msg.id, status: 404, contentType: "application/json" });
    }
  });
  const t = commTransport(model);
  await assert.rejects(t.send({ type: "threads.list", params: {} }), /no server in kernel/);
  await assert.rejects(t.send({ type: "threads.delete", params: { thread_id: "x" } }), /Thread not found/);
});

test("comm transport: abort sends chatkit.cancel and stops the stream", async () => {
  let replyFn: ((m: any) => void) | null = null;
  let reqId = "";
  const model = fakeModel((msg, reply) => {
    if (msg.type === "chatkit.request") {
      replyFn = reply;
      reqId = msg.id;
      reply({ type: "chatkit.chunk", id: msg.id, data: fixtures.create.slice(0, 500) });
    }
  });
  const transport = commTransport(model);
  const session = new ChatSession({ transport });
  const done = session.send("hi");
  while (!session.state.thread) await new Promise((r) => setTimeout(r, 1));
  session.cancel();
  await done;
  assert.equal(session.busy, false);
  assert.deepEqual(model.out.at(-1), { type: "chatkit.cancel", id: reqId });
  // Late chunks for the cancelled id are ignored.
  replyFn!({ type: "chatkit.chunk", id: reqId, data: "data: {}\n\n" });
  await new Promise((r) => setTimeout(r, 5));
});

test("comm transport: first-message timeout", async () => {
  const model = fakeModel(() => {});
  const t = commTransport(model, { firstMessageTimeoutMs: 30 });
  await assert.rejects(t.send({ type: "threads.list", params: {} }), /did not answer/);
  assert.equal(model.out.at(-1).type, "chatkit.cancel");
});

test("kernelConfig: the kernel's answer to its own config request, nothing else", async () => {
  let listeners = 0;
  const model = fakeModel((msg, reply) => {
    if (msg.type !== "chat.config") return;
    // Another request's answer first (another view asks too): not this one's.
    reply({ type: "chat.config", id: `${msg.id}-other`, offline: false });
    reply({ type: "chat.config", id: msg.id, offline: true });
  });
  const on = model.on.bind(model);
  const off = model.off.bind(model);
  model.on = (name, cb) => {
    listeners++;
    on(name, cb);
  };
  model.off = (name, cb) => {
    listeners--;
    off(name, cb);
  };
  assert.equal((await kernelConfig(model)).offline, true);
  assert.deepEqual(Object.keys(model.out[0]).sort(), ["id", "type"]);
  assert.equal(listeners, 0, "its listener goes once answered");

  const closed = fakeModel(() => {});
  closed.send = () => {
    throw new Error("comm closed");
  };
  assert.deepEqual(await kernelConfig(closed), { offline: false, model: "" });
});

test("kernelConfig: the model's name the kernel says, for the widget's header", async () => {
  // Before: the kernel said only whether the offline model answers, so a widget talking
  // through the kernel showed no model in its header.
  const model = fakeModel((msg, reply) => {
    if (msg.type === "chat.config") reply({ type: "chat.config", id: msg.id, offline: false, model: "gpt-x" });
  });
  const config = await kernelConfig(model);
  assert.deepEqual(config, { offline: false, model: "gpt-x" });
  assert.deepEqual(kernelModel(config), { default: "gpt-x", allowed: ["gpt-x"], label: "gpt-x" });
  assert.equal(kernelModel({ offline: true, model: "offline" })?.label, "offline demo model");
  // An older kernel says no name: no label, as before.
  const older = fakeModel((msg, reply) => {
    if (msg.type === "chat.config") reply({ type: "chat.config", id: msg.id, offline: true });
  });
  assert.equal(kernelModel(await kernelConfig(older)), null);
});
