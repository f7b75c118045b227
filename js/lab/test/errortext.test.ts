/** Node tests of errortext.ts: IPython's cell file names left out of error messages. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type * as nbformat from "@jupyterlab/nbformat";
import { outputText } from "../src/cells";
import { withCellLines } from "../src/errortext";
import { notebookText } from "../src/mentions";

test("a SyntaxError's message names the cell's line, not IPython's temp file", () => {
  assert.equal(withCellLines("invalid syntax (537175822.py, line 1)"), "invalid syntax (line 1)");
  assert.equal(withCellLines("unexpected indent (<ipython-input-3-9f2b>, line 2)"), "unexpected indent (line 2)");
  // A module of the person's own is named: that file is theirs to open.
  assert.equal(withCellLines("invalid syntax (helpers.py, line 4)"), "invalid syntax (helpers.py, line 4)");
});

test("a SyntaxError's context names the cell's line, as the kernel's reading of the file does", () => {
  // tests/test_error_cell_lines.py reads the same outputs through the Python producer.
  const outputs: [nbformat.IError, number][] = [
    [
      {
        output_type: "error",
        ename: "SyntaxError",
        evalue: "'(' was never closed (3023257235.py, line 1)",
        traceback: [
          "  \x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[2]\x1b[39m\x1b[32m, line 1\x1b[39m\n\x1b[31m    \x1b[39m\x1b[31mx = (1,\x1b[39m\n        ^\n\x1b[31mSyntaxError\x1b[39m\x1b[31m:\x1b[39m '(' was never closed\n",
        ],
      },
      1,
    ],
    [
      {
        output_type: "error",
        ename: "SyntaxError",
        evalue: "invalid syntax (979625684.py, line 3)",
        traceback: ['  File "/tmp/ipykernel_123/979625684.py", line 3\n    y = 2 3\n        ^\n', "SyntaxError: invalid syntax\n"],
      },
      3,
    ],
  ];
  for (const [output, line] of outputs) {
    const described = outputText(output);
    const shown = JSON.stringify(described);
    assert.ok(!shown.includes(".py") && !shown.includes("ipykernel_"), shown);
    assert.ok(described.evalue?.endsWith(`(line ${line})`), shown);
    assert.ok(described.text.includes(`line ${line}`) && described.text.includes("^"), shown);
  }
  const own = JSON.stringify(
    outputText({
      output_type: "error",
      ename: "SyntaxError",
      evalue: "invalid syntax (helpers.py, line 4)",
      traceback: ['  File "/home/ada/helpers.py", line 4\n    a b\n      ^\n', "SyntaxError: x\n"],
    }),
  );
  assert.ok(own.includes("helpers.py, line 4") && own.includes("/home/ada/helpers.py"), own);
});

test("a printed traceback and a warning in a stream name the cell's lines", () => {
  // traceback.print_exc() and warnings.warn in a cell, recorded from a real ipykernel 7 /
  // IPython 9 kernel; tests/test_error_cell_lines.py reads the same output in Python.
  const described = outputText({
    output_type: "stream",
    name: "stderr",
    text:
      'Traceback (most recent call last):\n  File "/tmp/ipykernel_12048/1528889588.py", line 3, in <module>\n' +
      "    1/0\n    ~^~\nZeroDivisionError: division by zero\n" +
      "/tmp/ipykernel_12048/1528889588.py:6: UserWarning: use x\n  warnings.warn('use x')\n",
  });
  const shown = JSON.stringify(described);
  assert.ok(!shown.includes(".py") && !shown.includes("ipykernel_"), shown);
  assert.ok(described.text.includes("line 3, in <module>"), shown);
  assert.ok(described.text.includes("line 6: UserWarning: use x"), shown);
});

test("an attached notebook's printed traceback names the cell's lines, as Python's notebook_text", () => {
  const stream = {
    output_type: "stream",
    name: "stderr",
    text: ['  File "/tmp/ipykernel_12048/1528889588.py", line 3, in <module>\n', "/tmp/ipykernel_12048/1528889588.py:6: UserWarning: use x\n"],
  };
  const text = notebookText(JSON.stringify({ cells: [{ cell_type: "code", source: ["1/0"], outputs: [stream] }] })) ?? "";
  assert.ok(!text.includes(".py") && !text.includes("ipykernel_"), text);
  assert.ok(text.includes("line 3, in <module>") && text.includes("line 6: UserWarning"), text);
});

test("long adversarial texts are read whole", () => {
  const n = 200_000;
  for (const text of [`File "${"a".repeat(n)}/ipykernel_1/2.py", line 1`, 'File "/ipykernel_1/'.repeat(n / 19), "(1.py, line ".repeat(n / 12), ` ${"a".repeat(n)}/ipykernel_1/2.py:3:`, " /ipykernel_1/2.py:".repeat(n / 19)]) {
    assert.ok(withCellLines(text).length > 0);
  }
});
