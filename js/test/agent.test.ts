import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatSession } from "../src/client/session";
import { isStep, stepTitle } from "../src/ui/agent";
import { fixtures, scriptedTransport } from "./helpers";

test("agent steps: which calls need approval, and what their cards say", () => {
  assert.ok(isStep("insert_cell") && isStep("edit_cell") && isStep("run_cell"));
  assert.ok(isStep("mcp__docs__search"));
  assert.ok(!isStep("get_notebook_cells") && !isStep("list_kernel_variables"));
  assert.equal(stepTitle("run_cell", { index: 2 }), "Run cell 3");
  assert.equal(stepTitle("edit_cell", { index: 0 }), "Edit cell 1");
  assert.equal(stepTitle("insert_cell", { source: "x", after: -1 }), "Insert a cell at the top");
  assert.equal(stepTitle("insert_cell", { source: "x", cell_type: "markdown", after: 1 }), "Insert a Markdown cell after cell 2");
  assert.equal(stepTitle("run_cell", { index: "2" }), "Run a cell");
  assert.equal(stepTitle("mcp__docs__search", {}), "Use search (docs)");
});

test("every message carries the request metadata; a new thread's with its own", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
  });
  const session = new ChatSession({ transport, clientTools: { list_kernel_variables: async () => ({}) } });
  session.requestMetadata = () => ({ agent: { mode: "agent", auto_run: false } });
  await session.send("x", { metadata: { notebook: "a.ipynb" } });
  assert.deepEqual(transport.sent[0].metadata, { notebook: "a.ipynb", agent: { mode: "agent", auto_run: false } });
  // A tool output is no message: it carries none.
  assert.equal(transport.sent[1].metadata, undefined);
});

test("calls not in clientTools go to the fallback (approval cards)", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: fixtures.toolOutput }],
  });
  const session = new ChatSession({ transport });
  const asked: string[] = [];
  session.toolFallback = (name) => {
    asked.push(name);
    return async () => ({ status: "skipped" });
  };
  await session.send("x");
  assert.deepEqual(asked, ["list_kernel_variables"]);
  assert.deepEqual(transport.sent[1].params.result, { status: "skipped" });
});

test("a step stopped by Stop is recorded (ending the turn); other cancelled calls are not", async () => {
  const transport = scriptedTransport({
    "threads.create": [{ sse: fixtures.create }],
    "threads.add_client_tool_output": [{ sse: "" }],
  });
  const session = new ChatSession({
    transport,
    clientTools: {
      list_kernel_variables: async (_args, { signal }) => {
        session.cancel();
        assert.equal(signal.aborted, true);
        return { status: "stopped", interrupted: true };
      },
    },
  });
  await session.send("x");
  assert.equal(transport.sent.length, 2);
  assert.deepEqual(transport.sent[1].params.result, { status: "stopped", interrupted: true });
  assert.equal(session.busy, false);
  const call = session.state.items.find((i) => i.type === "client_tool_call");
  assert.equal(call?.type === "client_tool_call" && call.status, "completed");
});
