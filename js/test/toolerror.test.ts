/** Node test: a client tool that answered `{error}` is a failed step and read nothing (ui/items.ts, readline.ts, agent.ts). */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClientToolCallItem } from "../src/client/types";
import { stepOutcome } from "../src/ui/agent";
import { toolError } from "../src/ui/items";
import { summarizeTurn } from "../src/ui/readline";

const call = (output: unknown): ClientToolCallItem => ({
  id: "cl_1",
  thread_id: "thr_1",
  created_at: "2026-01-01T00:00:00Z",
  type: "client_tool_call",
  status: "completed",
  call_id: "call_1",
  name: "list_kernel_variables",
  arguments: {},
  output,
});

test("a tool's error result is told apart from its answer, as data", () => {
  assert.equal(toolError({ error: "kernel gone" }), "kernel gone");
  assert.equal(toolError('{"error": "kernel gone"}'), "kernel gone"); // a kernel's JSON text
  assert.equal(toolError({ variables: [] }), null);
  assert.equal(toolError({ error: "" }), null);
  assert.equal(toolError({ error: { ename: "KeyError" } }), null);
  assert.equal(toolError("not json"), null);
  assert.equal(toolError(null), null);
});

test("a failed tool call adds nothing to the read line; an answered one does", () => {
  assert.deepEqual(summarizeTurn(null, [call({ error: "kernel gone" })]).entries, []);
  assert.equal(summarizeTurn(null, [call({ variables: [] })]).entries.length, 1);
});

test("an Agent step that answered only {error} is failed; the host's own status stands", () => {
  assert.equal(stepOutcome({ error: "The chat was closed." }), "failed");
  assert.equal(stepOutcome({ status: "skipped" }), "skipped");
  assert.equal(stepOutcome({ status: "failed", error: "That cell was deleted." }), "failed");
  assert.equal(stepOutcome({ cell: { index: 0 } }), "done");
});
