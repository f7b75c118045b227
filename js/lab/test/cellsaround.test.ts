/**
 * get_notebook_cells in the sidebar with `around`: a 500-cell notebook whose first cell is
 * active is read far from it, and omitted_note names the cells left out (the same words as
 * the kernel's reader: protocol OMITTED_CELLS_NOTE).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OMITTED_CELLS_NOTE } from "../../src/protocol";
import { notebookCells, omittedRanges } from "../src/cells";
import { cell, notebook } from "./panels";

const COUNT = 500;
const panel = () =>
  notebook(
    Array.from({ length: COUNT }, (_, i) => cell(`c${i}`, `value_${i} = ${i}`)),
    0,
  );
const indices = (r: Record<string, unknown>) => (r.cells as { index: number }[]).map((c) => c.index);

test("around centres on a far cell; the active cell stays the active one", () => {
  const result = notebookCells(panel(), 0, { max_cells: 20, around: 400 });
  const shown = indices(result);
  assert.ok(shown.includes(399) && shown.includes(400) && shown.includes(401), String(shown));
  assert.ok(shown.every((i) => Math.abs(i - 400) <= 10), String(shown));
  assert.equal(result.active_cell_index, 0);
  assert.equal(result.centred_on, 400);
  const note = String(result.omitted_note);
  assert.ok(note.includes(`cells 0-${shown[0] - 1} and ${shown[shown.length - 1] + 1}-${COUNT - 1}`), note);
  assert.ok(note.includes("around="), note);
});

test("junk around is ignored, an out-of-range one clamped", () => {
  const plain = notebookCells(panel(), 0, { max_cells: 10 });
  assert.equal(plain.centred_on, undefined);
  for (const junk of ["400", null, true, 1.5, [3], { i: 1 }, Number.NaN, Number.POSITIVE_INFINITY]) {
    const result = notebookCells(panel(), 0, { max_cells: 10, around: junk });
    assert.deepEqual(indices(result), indices(plain), String(junk));
    assert.equal(result.centred_on, undefined);
  }
  const last = notebookCells(panel(), 0, { max_cells: 10, around: 10 ** 12 });
  assert.equal(last.centred_on, COUNT - 1);
  assert.equal(indices(last).at(-1), COUNT - 1);
  const first = notebookCells(panel(), 300, { max_cells: 10, around: -7 });
  assert.equal(first.centred_on, 0);
  assert.equal(indices(first)[0], 0);
});

test("omitted ranges read as the kernel's reader writes them", () => {
  assert.equal(omittedRanges(500, new Set(Array.from({ length: 200 }, (_, i) => i + 50))), "cells 0-49 and 250-499");
  assert.equal(omittedRanges(5, new Set([0, 1, 2, 4])), "cell 3");
  assert.equal(omittedRanges(10, new Set([1, 3, 5, 7])), "cells 0, 2, 4, 6 and 8-9");
  assert.equal(omittedRanges(30, new Set(Array.from({ length: 15 }, (_, i) => 2 * i + 1))), "cells 0, 2, 4, 6, 8 and 10 more ranges");
  assert.ok(OMITTED_CELLS_NOTE.includes("{cells}"));
});
