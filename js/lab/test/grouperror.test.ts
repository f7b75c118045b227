/** Node tests of grouperror.ts: an uncaught ExceptionGroup, which IPython prints to
 * stderr, is read as the cell's error: named, whole within the error's budget, and
 * still read after a long log. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Cell } from "@jupyterlab/cells";
import type * as nbformat from "@jupyterlab/nbformat";
import { cellInfo, LIMITS, outputText } from "../src/cells";
import { splitUncaught } from "../src/grouperror";

const SHELL = '"/usr/lib/python3.11/site-packages/IPython/core/interactiveshell.py"';
const CELL = '"/tmp/ipykernel_7270/1560516565.py"';

// What IPython 9 printed for `await main()` whose TaskGroup's four tasks failed.
const TASK_GROUP = [
  "  + Exception Group Traceback (most recent call last):",
  `  |   File ${SHELL}, line 3821, in run_code`,
  "  |     await eval(code_obj, self.user_global_ns, self.user_ns)",
  `  |   File ${CELL}, line 7, in <module>`,
  "  |     await main()",
  `  |   File ${CELL}, line 5, in main`,
  "  |     async with asyncio.TaskGroup() as tg:",
  '  |   File "/usr/lib/python3.11/asyncio/taskgroups.py", line 145, in __aexit__',
  "  |     raise me from None",
  "  | ExceptionGroup: unhandled errors in a TaskGroup (4 sub-exceptions)",
  ...[0, 1, 2, 3].flatMap((i) => [
    `  +-+---------------- ${i + 1} ----------------`.replace("+-+", i ? "  +" : "+-+"),
    "    | Traceback (most recent call last):",
    `    |   File ${CELL}, line 3, in job`,
    "    |     raise KeyError(f'job {i}')",
    `    | KeyError: 'job ${i}'`,
  ]),
  "    +------------------------------------",
  "",
].join("\n");

const WARNING = `${CELL.slice(1, -1)}:2: UserWarning: slow path\n  warnings.warn('slow path')\n`;

function stream(text: string, name: nbformat.StreamType = "stderr"): nbformat.IStream {
  return { output_type: "stream", name, text };
}

test("an uncaught ExceptionGroup printed to stderr is the cell's error, named and whole", () => {
  const [warning, error] = splitUncaught(stream(WARNING + TASK_GROUP));
  assert.equal(warning.output_type, "stream");
  assert.equal((warning as nbformat.IStream).text, WARNING);
  const read = outputText(error);
  assert.equal(read.output_type, "error");
  assert.equal(read.ename, "ExceptionGroup");
  assert.equal(read.evalue, "unhandled errors in a TaskGroup (4 sub-exceptions)");
  for (const i of [0, 1, 2, 3]) assert.ok(read.text.includes(`KeyError: 'job ${i}'`), read.text);
  assert.ok(read.text.includes("Cell, line 7, in <module>"), read.text);
  // IPython's own frame is in every such traceback and says nothing.
  assert.ok(!read.text.includes("interactiveshell") && !read.text.includes("ipykernel_"), read.text);
  assert.ok(read.text.length <= LIMITS.tracebackChars);
});

test("an error raised while handling a group is named by its own last line", () => {
  const text = [
    "  + Exception Group Traceback (most recent call last):",
    `  |   File ${CELL}, line 2, in <module>`,
    "  |     raise ExceptionGroup('eg', [ValueError(1)])",
    "  | ExceptionGroup: eg (1 sub-exception)",
    "  +-+---------------- 1 ----------------",
    "    | ValueError: 1",
    "    +------------------------------------",
    "",
    "During handling of the above exception, another exception occurred:",
    "",
    "Traceback (most recent call last):",
    `  File ${SHELL}, line 3823, in run_code`,
    "    exec(code_obj, self.user_global_ns, self.user_ns)",
    `  File ${CELL}, line 4, in <module>`,
    "    raise RuntimeError('cleanup failed')",
    "RuntimeError: cleanup failed",
    "",
  ].join("\n");
  const [error] = splitUncaught(stream(text));
  const read = outputText(error);
  assert.equal(read.ename, "RuntimeError");
  assert.equal(read.evalue, "cleanup failed");
  assert.ok(read.text.includes("ValueError: 1") && read.text.endsWith("RuntimeError: cleanup failed"), read.text);
});

test("a traceback the cell printed itself, and stdout, stay streams", () => {
  const printed = `Traceback (most recent call last):\n  File ${CELL}, line 2, in <module>\n    1/0\nZeroDivisionError: division by zero\n`;
  for (const output of [stream(printed), stream(TASK_GROUP, "stdout")]) {
    assert.deepEqual(splitUncaught(output), [output]);
  }
});

test("the group still reaches the model after a long log fills the cell's budget", () => {
  const log = stream(Array.from({ length: 400 }, (_, i) => `row ${i} loaded`).join("\n"), "stdout");
  const table: nbformat.IDisplayData = { output_type: "display_data", data: { "text/plain": "x".repeat(2000) }, metadata: {} };
  const cell = {
    model: {
      type: "code",
      executionCount: 7,
      sharedModel: { getSource: () => "await main()" },
      outputs: { toJSON: () => [log, table, stream(TASK_GROUP)] },
    },
  } as unknown as Cell;
  const info = cellInfo(cell, 0, true);
  const error = info.outputs?.find((o) => o.output_type === "error");
  assert.ok(error, JSON.stringify(info.outputs));
  assert.equal(error.ename, "ExceptionGroup");
  assert.ok(error.text.includes("KeyError: 'job 3'"), error.text);
});

test("line ends are read as in the kernel's reader", () => {
  // A kernel writing "\r\n" (Windows): its group is the cell's error, as with "\n"; a lone
  // "\r" ends no line (as in uncaught_group.py, whose test reads the same texts).
  const crlf = splitUncaught(stream((WARNING + TASK_GROUP).replaceAll("\n", "\r\n")));
  const lf = splitUncaught(stream(WARNING + TASK_GROUP));
  assert.deepEqual(
    crlf.map((o) => o.output_type),
    ["stream", "error"],
  );
  assert.deepEqual(crlf[1], lf[1]);
  const lone = TASK_GROUP.replace("in run_code\n", "in run_code\r");
  assert.deepEqual(
    splitUncaught(stream(lone)).map((o) => o.output_type),
    ["stream"],
  );
});
