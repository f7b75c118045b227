/** Node tests: a server whose assistant is off (a refused setting: every request answered
 * 503 with the reason) is said as the panel opens, in its header and its tooltip, not only
 * as the first message's error; a server that does not answer stays "model unknown". */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ServerConnection } from "@jupyterlab/services";
import { fetchModelInfo, modelDescription, modelLabel } from "../src/config";

function answering(status: number, body: unknown): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: "http://127.0.0.1:9/",
    fetch: (async () => new Response(JSON.stringify(body), { status })) as never,
  });
}

test("a 503 with the server's reason reads as the assistant off, the reason as its description", async () => {
  const reason = "The assistant is not available: c.JupyterChatKit.max_upload_bytes must be an int";
  const info = await fetchModelInfo(answering(503, { message: reason, code: "unavailable" }));
  assert.equal(modelLabel(info), "assistant off");
  assert.equal(modelDescription(info), reason);
});

test("a server that does not answer, or answers another error, is model unknown", async () => {
  assert.equal(modelLabel(await fetchModelInfo(answering(500, { message: "boom" }))), "model unknown");
  const down = ServerConnection.makeSettings({
    baseUrl: "http://127.0.0.1:9/",
    fetch: (() => Promise.reject(new Error("no server"))) as never,
  });
  assert.equal(modelLabel(await fetchModelInfo(down)), "model unknown");
  const ok = await fetchModelInfo(answering(200, { model: "m-1", provider: "openai", api: null, offline: false }));
  assert.equal(modelLabel(ok), "m-1");
  assert.equal(modelDescription(ok), "m-1 · openai");
});
