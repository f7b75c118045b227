/**
 * What the person kept out (privatecells.ts, tag chatkit-private) beyond the cells'
 * readers. Agent mode's steps on a kept-out cell: edit_cell and run_cell (tools.ts) refuse it, after an approval too,
 * with an error the model reads (`keptOutStep`; the card says so before), and the
 * server is told which cells are kept out (`keptOutIndexes`). The kernel's variables
 * tools get the live notebook's kept-out cells (`liveCells`), a tag not saved yet too.
 * A mention of the open notebook reads it as open (`readFile`), a tag not saved too.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { toolExpression } from "../src/kernel";
import { readFile } from "../src/mentions";
import { keptOutIndexes, keptOutStep, liveCells, setPrivate } from "../src/privatecells";
import { cell, notebook } from "./panels";

test("edit_cell and run_cell refuse a kept-out cell, approved or not; the card says so", () => {
  const cells = [cell("a", "x = 1"), cell("b", "salary = 'KOSRC-4Hd'")];
  const panel = notebook(cells, 0);
  assert.equal(keptOutStep(panel, 1), null);
  assert.deepEqual(keptOutIndexes(panel), []);
  setPrivate(cells[1].model, true);
  const refused = keptOutStep(panel, 1) ?? "";
  assert.match(refused, /kept out/);
  assert.ok(!refused.includes("KOSRC"));
  assert.match(keptOutStep(panel, 1, true) ?? "", /Cell 2 /);
  assert.equal(keptOutStep(panel, 0), null);
  assert.equal(keptOutStep(panel, 7), null);
  assert.deepEqual(keptOutIndexes(panel), [1]);
});

test("the kernel's variables tools get the live notebook's kept-out cells, none kept out too", () => {
  const cells = [cell("a", "x = 1"), cell("b", "salary = 2"), cell("c", "# notes", [], "markdown")];
  const panel = notebook(cells, 0);
  // Nothing kept out live: said so, so a tag removed but not saved lets the names back in.
  assert.deepEqual(liveCells(panel), { kept_out: [], readable: [] });
  assert.equal(liveCells(null), null);
  setPrivate(cells[1].model, true);
  const live = liveCells(panel);
  assert.deepEqual(live, { kept_out: ["salary = 2"], readable: ["x = 1"] });
  // A third argument, the cells as JSON: kernel/introspect.py tool_json.
  const third = /, ("(?:[^"\\]|\\.)*")\)$/.exec(toolExpression("list_kernel_variables", {}, live))?.[1];
  assert.deepEqual(JSON.parse(JSON.parse(third ?? "null")), live);
});

test("a mention of the open notebook reads it as open: a tag not saved yet holds", async () => {
  const nb = (tags: string[]) => ({
    cells: [
      { cell_type: "code", metadata: {}, source: "print('OPENOUT-4Qz')", outputs: [] },
      {
        cell_type: "code",
        metadata: { tags },
        source: "salary = 'KOSRC-4Hd'",
        outputs: [{ output_type: "stream", name: "stdout", text: "KOOUT-8Wm\n" }],
      },
    ],
  });
  let live = nb(["chatkit-private"]);
  const open = { context: { model: { toJSON: () => live } } };
  const read = JSON.stringify(await readFile("work/a.ipynb", open));
  assert.ok(read.includes("OPENOUT-4Qz"), read);
  assert.ok(!read.includes("KOSRC") && !read.includes("KOOUT"), read);
  live = nb([]);
  const untagged = JSON.stringify(await readFile("work/a.ipynb", open));
  assert.ok(untagged.includes("KOSRC-4Hd") && untagged.includes("KOOUT-8Wm"), untagged);
});
