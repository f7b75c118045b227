/** Node tests of where Agent mode's insert_cell puts its cell (stepguard.insertIndex, used
 * by tools.ts for the step's card and its run): a step naming a cell the notebook does not
 * have cannot be carried out as asked, so its card gets no Approve and its run changes
 * nothing (README, Agent mode). It was put at the notebook's end, under a card that named
 * "cell 1000000000001". */

import assert from "node:assert/strict";
import { test } from "node:test";
import { insertIndex } from "../src/stepguard";

test("an insert after a cell the notebook does not have goes nowhere", () => {
  for (const after of [2, 3, 10 ** 12, -2, 0.5, "1"]) assert.equal(insertIndex(after, 0, 2), null, String(after));
  assert.equal(insertIndex(0, -1, 0), null); // an empty notebook has no cell 1
});

test("an insert goes at the top, after the cell named, or after the active cell", () => {
  assert.equal(insertIndex(-1, 1, 2), 0);
  assert.equal(insertIndex(0, 1, 2), 1);
  assert.equal(insertIndex(1, 0, 2), 2);
  assert.equal(insertIndex(undefined, 0, 2), 1);
  assert.equal(insertIndex(null, 1, 2), 2);
  // No active cell (-1), or an empty notebook: at the top.
  assert.equal(insertIndex(undefined, -1, 2), 0);
  assert.equal(insertIndex(undefined, -1, 0), 0);
  assert.equal(insertIndex(-1, -1, 0), 0);
});
