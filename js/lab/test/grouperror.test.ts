/** Node tests of grouperror.ts: an uncaught ExceptionGroup, which IPython prints to
 * stderr, is read as the cell's error: named, whole within the error's budget, and
 * still read after a long log. The shared cases (tests/fixtures/uncaught_groups.json) are
 * split exactly as the kernel's uncaught_group.py splits them (tests/test_uncaught_group.py). */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { Cell } from "@jupyterlab/cells";
import type * as nbformat from "@jupyterlab/nbformat";
import { cellInfo, LIMITS, outputText } from "../src/cells";
import { splitUncaught } from "../src/grouperror";

interface Case {
  name: string;
  stream: nbformat.StreamType;
  newline: string;
  lines: string[];
  split: { before: string | null; ename: string; evalue: string; traceback: string[] } | null;
}

// The cases tests/test_uncaught_group.py reads too: both languages split them alike.
const CASES: Case[] = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/uncaught_groups.json", import.meta.url), "utf-8"),
).cases;
const byName = (name: string): Case => CASES.find((c) => c.name === name) as Case;
// A warning, then what IPython 9 printed for `await main()` whose TaskGroup's four tasks failed.
const TASK_GROUP = byName("a TaskGroup's group after a warning").lines.join("\n");

function stream(text: string, name: nbformat.StreamType = "stderr"): nbformat.IStream {
  return { output_type: "stream", name, text };
}

test("an uncaught ExceptionGroup printed to stderr is the cell's error, named and whole", () => {
  const [warning, error] = splitUncaught(stream(TASK_GROUP));
  assert.equal(warning.output_type, "stream");
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

test("an error raised while handling a group is read with the group", () => {
  const [error] = splitUncaught(stream(byName("an error raised while handling a group").lines.join("\n")));
  const read = outputText(error);
  assert.equal(read.ename, "RuntimeError");
  assert.equal(read.evalue, "cleanup failed");
  assert.ok(read.text.includes("ValueError: 1") && read.text.endsWith("RuntimeError: cleanup failed"), read.text);
});

for (const c of CASES) {
  test(`shared case: ${c.name}`, () => {
    const output = stream(c.lines.join(c.newline), c.stream);
    const want = c.split;
    if (!want) {
      assert.deepEqual(splitUncaught(output), [output]);
      return;
    }
    const error = { output_type: "error", ename: want.ename, evalue: want.evalue, traceback: [want.traceback.join("\n")] };
    assert.deepEqual(splitUncaught(output), want.before ? [stream(want.before, c.stream), error] : [error]);
  });
}
