/** Node tests of cells.ts `outputText` on error outputs other kernels and tools save:
 * a huge name, a traceback as one string or with non-string entries, null fields.
 * tests/test_notebook_file_shapes.py reads the same shapes through the Python producer. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type * as nbformat from "@jupyterlab/nbformat";
import { outputText } from "../src/cells";

const MARK = "MARKER_CELL_SEEN";

function error(fields: Record<string, unknown>): nbformat.IError {
  return { output_type: "error", ...fields } as unknown as nbformat.IError;
}

test("a huge error name is bounded", () => {
  const out = outputText(error({ ename: "E".repeat(100_000), evalue: "v", traceback: [] }));
  assert.ok((out.ename ?? "").length < 1_000);
  assert.ok(JSON.stringify(out).length < 4_000);
});

test("a non-Python kernel's traceback reaches the model, bounded", () => {
  const one = outputText(error({ ename: "Error", evalue: "boom", traceback: `at ${MARK}_1 (line 3)` }));
  assert.ok(one.text.includes(`${MARK}_1`), one.text);
  const odd = outputText(error({ ename: "E", evalue: "x", traceback: [`at ${MARK}_2`, 5, null] }));
  assert.ok(odd.text.includes(`${MARK}_2`), odd.text);
  const julia = outputText(
    error({
      ename: "UndefVarError",
      evalue: "UndefVarError(:x)",
      traceback: [`UndefVarError: x not defined\nStacktrace:\n [1] ${MARK}_3()\n   @ In[1]:1\n`.repeat(2_000)],
    }),
  );
  assert.ok(julia.text.includes(`${MARK}_3`), julia.text);
  assert.ok(julia.text.length <= 4_000);
});

test("missing error fields are empty, not 'null'", () => {
  for (const fields of [{}, { ename: null, evalue: null, traceback: null }]) {
    const out = outputText(error(fields));
    assert.ok(!/null|undefined/.test(`${out.ename} ${out.evalue} ${out.text}`), JSON.stringify(out));
  }
});

test("an IPython traceback is still reduced to its frames and final line", () => {
  const out = outputText(
    error({
      ename: "ZeroDivisionError",
      evalue: "division by zero",
      traceback: [
        "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
        "\x1b[0;31mZeroDivisionError\x1b[0m                         Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[2], line 1\x1b[0m\n\x1b[0;32m----> 1\x1b[0m \x1b[38;5;241m1\x1b[39m\x1b[38;5;241m/\x1b[39m\x1b[38;5;241m0\x1b[39m\n",
        "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",
      ],
    }),
  );
  assert.ok(!out.text.includes("\x1b"));
  assert.ok(!out.text.includes("-----"));
  assert.ok(out.text.includes("----> 1 1/0"), out.text);
  assert.ok(out.text.endsWith("ZeroDivisionError: division by zero"), out.text);
});
