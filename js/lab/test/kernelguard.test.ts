/**
 * The kernel guard's parts that need no kernel: what the model gets when no kernel can be
 * asked (text rules only) or one did not answer (outputs withheld), and which requests
 * the sidebar's transport sends through it. With a real kernel: tests/browser/
 * test_security_kernel_secrets_lab.py.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { hideExpression, hideKernelSecrets, OUTPUTS_UNCHECKED, OUTPUTS_WITHHELD, withoutOutputs } from "../src/kernel";
import { guardedTransport } from "../src/kernelguard";

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
