/** Node tests: errors and outputs are read for the model as the kernel reads them from a
 * saved notebook (tests/test_error_outputs.py reads the same cases through
 * kernel/notebook_file.py), with one table of patterns (error-rules.generated.ts). */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type * as nbformat from "@jupyterlab/nbformat";
import type { Cell } from "@jupyterlab/cells";
import { cellInfo, outputText } from "../src/cells";
import { policyResult, stripAnsi } from "../src/redact";

interface Case {
  name: string;
  output: nbformat.IOutput;
  read: Record<string, unknown>;
}

const FIXTURE = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/error_outputs.json", import.meta.url), "utf-8"),
);
const CASES: Case[] = FIXTURE.cases;
const CELLS: { name: string; outputs: nbformat.IOutput[]; read: Record<string, unknown> }[] = FIXTURE.cells;

/** A code cell holding `outputs`, as cellInfo reads one. */
function codeCell(outputs: nbformat.IOutput[]): Cell {
  const model = {
    type: "code",
    id: "c1",
    executionCount: 1,
    metadata: {},
    getMetadata: () => undefined,
    sharedModel: { getSource: () => "report()" },
    outputs: { toJSON: () => outputs },
  };
  return { model, outputArea: { future: null } } as unknown as Cell;
}

for (const c of CASES) {
  test(`an output reads as the kernel reads it: ${c.name}`, () => {
    assert.deepEqual({ ...outputText(c.output) }, c.read);
  });
}

for (const c of CELLS) {
  test(`a cell's outputs share its bound as the kernel's reader shares them: ${c.name}`, () => {
    const info = cellInfo(codeCell(c.outputs), 0, true);
    const read = { outputs: info.outputs?.map((o) => ({ ...o })), outputs_truncated: info.outputs_truncated ?? false };
    assert.deepEqual(read, c.read);
  });
}

test("no escape sequence is left of a cut colour, in every reader of the sidebar", () => {
  for (const text of ["bad \x1b[31", "x\x1b", "t\x1b]8;;http://a", "warn \x1b[1;3"]) {
    assert.ok(!stripAnsi(text).includes("\x1b"), JSON.stringify(text));
  }
});

test("what the policy passes holds no control character, as the kernel's policy reads it", () => {
  // A kernel variable's or a tool's text, not only an output: NUL, BEL, DEL, C1 and a
  // colour go, tab, newline and carriage return stay (tests/test_error_outputs.py).
  const said = "status\x00 ok\x07\tdone\x7f\x9b \x1b[31mred\x1b[0m\r\nnext\n";
  const read = policyResult({ value: said }) as { value: string };
  assert.equal(read.value, "status ok\tdone red\r\nnext\n");
});

test("a cell edited since its error says so beside the error it still carries", () => {
  const error = { output_type: "error", ename: "NameError", evalue: "name 'x' is not defined", traceback: [] };
  const cell = codeCell([error as nbformat.IOutput]);
  assert.equal(cellInfo(cell, 0, true).edited_since_run, undefined);
  // JupyterLab marks a code cell whose source changed after it ran (CodeCellModel.isDirty).
  (cell.model as unknown as { isDirty: boolean }).isDirty = true;
  const info = cellInfo(cell, 0, true);
  assert.ok(info.edited_since_run && info.edited_since_run.length > 20);
  assert.equal(info.outputs?.[0].ename, "NameError");
});

test("a cell running now (or waiting to run) says so, as the kernel's history reader does", () => {
  // While `time.sleep(60)` runs the cell has no execution count and no output: without
  // the mark the model read a cell that never ran.
  const cell = codeCell([]);
  (cell.model as unknown as { executionCount: null }).executionCount = null;
  assert.equal(cellInfo(cell, 0, true).running, undefined);
  (cell.model as unknown as { executionState: string }).executionState = "running";
  const info = cellInfo(cell, 0, true);
  assert.equal(info.running, true);
  assert.equal(info.execution_count, null);
  (cell.model as unknown as { executionState: string }).executionState = "idle";
  assert.equal(cellInfo(cell, 0, false).running, undefined);
});

test("a frame shown only as HTML keeps its secret column hidden, as the kernel's policy does", () => {
  const c = CASES.find((x) => x.name.startsWith("a frame shown only as HTML"));
  assert.ok(c);
  const read = policyResult({ outputs: [outputText(c.output)] }) as { outputs: { text: string }[]; redacted: number };
  const text = read.outputs[0].text;
  // Its rows are read now (the default repr before): the password column's value is
  // hidden as in any table, its other cells kept.
  assert.ok(!text.includes("hunter2-xyz") && text.includes("ada") && text.includes("password"), text);
  assert.equal(read.redacted, 1);
});
