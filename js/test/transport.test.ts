import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { ChatSession } from "../src/client/session";
import {
  checkHealth,
  errorMessage,
  fetchTransport,
  NO_SERVER_EXTENSION,
  readPageConfig,
  TransportError,
  withFrontEnd,
  xsrfToken,
} from "../src/client/transport";
import { fixtures } from "./helpers";
import { TURN } from "../src/protocol";

/** A stand-in for the Jupyter endpoint: checks auth like tornado, replays fixtures. */
async function withServer(
  fn: (base: string, seen: { headers: IncomingMessage["headers"]; body: any; url?: string }[]) => Promise<void>,
): Promise<void> {
  const seen: { headers: IncomingMessage["headers"]; body: any; url?: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", async () => {
      if (req.method === "GET" && req.url === "/user/ada/jupyter-chatkit/health") {
        res.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}');
        return;
      }
      if (req.url !== "/user/ada/jupyter-chatkit/chatkit" || req.method !== "POST") {
        res.writeHead(404, { "Content-Type": "text/html" }).end("<html><body>404: Not Found</body></html>");
        return;
      }
      const body = JSON.parse(raw);
      seen.push({ headers: req.headers, body, url: req.url });
      if (req.headers["x-xsrftoken"] !== "tok=1") {
        res.writeHead(403, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ message: "'_xsrf' argument missing from POST", reason: null }));
        return;
      }
      if (body.type === "threads.list") {
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(fixtures.threads));
        return;
      }
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      // Dribble the stream out in small writes to exercise incremental parsing.
      const data = Buffer.from(fixtures.create);
      for (let i = 0; i < data.length; i += 300) {
        res.write(data.subarray(i, i + 300));
        await new Promise((r) => setTimeout(r, 1));
      }
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`http://127.0.0.1:${port}/user/ada/`, seen);
  } finally {
    server.close();
  }
}

test("fetch transport: XSRF header, JSON and SSE answers", async () => {
  await withServer(async (base, seen) => {
    const transport = fetchTransport({ baseUrl: base, xsrf: () => "tok=1", token: "abc" });
    const session = new ChatSession({ transport, clientTools: {} });
    const page = await session.listThreads();
    assert.equal(page.data.length, 2);
    assert.equal(seen[0].headers["x-xsrftoken"], "tok=1");
    assert.equal(seen[0].headers.authorization, "token abc");
    assert.equal(seen[0].headers["content-type"], "application/json");
    assert.deepEqual(seen[0].body, { type: "threads.list", params: { limit: 20, order: "desc", after: null } });
    // Streaming: the session stops after the tool call because our fake server
    // has no second script; the tool output request is answered with the same stream.
    let n = 0;
    const s2 = new ChatSession({
      transport,
      clientTools: { list_kernel_variables: async () => ({ n: ++n }) },
      maxToolRounds: 1,
    });
    await s2.send("hi");
    assert.equal(s2.threadId, "thr_0001");
    assert.ok(s2.state.items.some((i) => i.type === "widget"));
    assert.equal(seen.filter((x) => x.body.type === "threads.add_client_tool_output").length, 1);
  });
});

test("fetch transport: non-2xx gives the server's message", async () => {
  await withServer(async (base) => {
    const transport = fetchTransport({ baseUrl: base, xsrf: () => undefined });
    await assert.rejects(transport.send({ type: "threads.list", params: {} }), (e: unknown) => {
      assert.ok(e instanceof TransportError);
      assert.equal(e.status, 403);
      assert.equal(e.message, "'_xsrf' argument missing from POST");
      return true;
    });
    const wrong = fetchTransport({ baseUrl: `${base}nope`, xsrf: () => "tok=1" });
    // A plain 404 (not one of the endpoint's JSON errors): the endpoint is not there.
    await assert.rejects(wrong.send({ type: "threads.list", params: {} }), { status: 404, message: NO_SERVER_EXTENSION });
  });
});

test("fetch transport: unreachable server and abort", async () => {
  const t = fetchTransport({ baseUrl: "http://127.0.0.1:9/", xsrf: () => undefined });
  await assert.rejects(t.send({ type: "threads.list", params: {} }), /Could not reach the Jupyter server/);
  const ctl = new AbortController();
  ctl.abort();
  await assert.rejects(t.send({ type: "threads.list", params: {} }, ctl.signal), { name: "AbortError" });
});

test("health check", async () => {
  await withServer(async (base) => {
    assert.equal(await checkHealth({ baseUrl: base }), true);
    assert.equal(await checkHealth({ baseUrl: `${base}other/` }), false);
  });
  assert.equal(await checkHealth({ baseUrl: "http://127.0.0.1:9/", timeoutMs: 500 }), false);
});

test("page config, xsrf cookie, error messages", () => {
  const doc = (text: string | null, cookie = "") =>
    ({
      getElementById: (id: string) => (id === "jupyter-config-data" && text !== null ? { textContent: text } : null),
      cookie,
    }) as unknown as Document;
  assert.deepEqual(readPageConfig(doc('{"baseUrl": "/user/ada"}')), { baseUrl: "/user/ada/" });
  assert.deepEqual(readPageConfig(doc('{"baseUrl": "/", "token": "t"}')), { baseUrl: "/", token: "t" });
  assert.equal(readPageConfig(doc(null)), null);
  assert.equal(readPageConfig(doc("{not json")), null);
  assert.equal(xsrfToken(doc(null, "a=1; _xsrf=2%7C3; b=4")), "2|3");
  assert.equal(xsrfToken(doc(null, "a=1")), undefined);
  assert.equal(errorMessage(500, '{"message": "boom"}'), "boom");
  assert.equal(errorMessage(502, "Bad gateway"), "502: Bad gateway");
  assert.equal(errorMessage(500, "x".repeat(400)), "The server answered 500.");
});

// Jupyter's own HTML 404 page, as a server without the jupyter-chatkit server extension
// (disabled, or installed in another environment than Jupyter's) answers the endpoint.
const JUPYTER_404 = `<!DOCTYPE HTML><html><head><title>Jupyter Server</title>
<style type="text/css">/* disable initial hide */ div#header, div#site { display: block; }</style>
</head><body><noscript>Jupyter Server requires JavaScript.</noscript>
<h1>404 : Not Found</h1><p>You are requesting a page that does not exist!</p>
<script type="text/javascript">function _remove_token_from_url() { if (window.location.search.length <= 1) { return; } }</script>
</body></html>`;

test("an endpoint that is not there names the server extension, not the page's HTML", async () => {
  const transport = fetchTransport({
    baseUrl: "/",
    xsrf: () => undefined,
    fetch: async () => new Response(JUPYTER_404, { status: 404, headers: { "Content-Type": "text/html" } }),
  });
  const error = await transport.send({ type: "threads.list", params: {} }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof TransportError);
  assert.equal(error.status, 404);
  // What to do about it: the command that enables the extension.
  assert.match(error.message, /jupyter server extension enable jupyter_chatkit/);
  // No style sheet or script text of an HTML page, whatever its status.
  for (const status of [404, 502]) {
    const message = errorMessage(status, JUPYTER_404);
    assert.doesNotMatch(message, /disable initial hide|window\.location|_remove_token/);
  }
  // A JSON 404 of our own handlers keeps its message.
  const ours = fetchTransport({
    baseUrl: "/",
    xsrf: () => undefined,
    fetch: async () =>
      new Response('{"message": "No such thread."}', { status: 404, headers: { "Content-Type": "application/json" } }),
  });
  const own = await ours.send({ type: "threads.get_by_id", params: {} }).catch((e: unknown) => e);
  assert.equal((own as Error).message, "No such thread.");
});

test("withFrontEnd tells each ChatKit streaming request what this front end shows", async () => {
  const sent: any[] = [];
  const inner = {
    send: async (body: object) => {
      sent.push(body);
      return { status: 200, contentType: "application/json", body: (async function* () {})() };
    },
  };
  const transport = withFrontEnd(inner, { card_buttons: ["Replace cell"] });
  await transport.send({ type: "threads.add_user_message", params: {}, metadata: { agent: { mode: "ask" } } });
  await transport.send({ type: "threads.add_client_tool_output", params: {} });
  await transport.send({ type: "threads.get_by_id", params: {} });
  await transport.send({ type: TURN.WATCH, params: {} });
  assert.deepEqual(
    sent.map((b) => b.metadata),
    [
      { agent: { mode: "ask" }, front_end: { card_buttons: ["Replace cell"] } },
      { front_end: { card_buttons: ["Replace cell"] } },
      undefined,
      undefined,
    ],
  );
});

test("withFrontEnd with a function tells each request the front end as it is then", async () => {
  const sent: any[] = [];
  const inner = {
    send: async (body: object) => {
      sent.push(body);
      return { status: 200, contentType: "application/json", body: (async function* () {})() };
    },
  };
  let keptOut = [1];
  const transport = withFrontEnd(inner, () => ({ kept_out_cells: keptOut }));
  await transport.send({ type: "threads.add_user_message", params: {} });
  keptOut = [2];
  await transport.send({ type: "threads.add_client_tool_output", params: {} });
  assert.deepEqual(
    sent.map((b) => b.metadata),
    [{ front_end: { kept_out_cells: [1] } }, { front_end: { kept_out_cells: [2] } }],
  );
});
