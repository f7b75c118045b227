/**
 * An agent's edit of a cell kept out of what the assistant reads (privatecells.ts): the
 * edit is made (the person approved its card), but what the model reads of it (the
 * step's result, tools.ts edit_cell) holds no line of what the cell held before; the
 * diff of any other cell shows its old and new lines.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { diffText, editSeen } from "../src/editdiff";
import { PRIVATE_TAG } from "../src/privatecells";

const tagged = (tags: unknown) => ({ getMetadata: (key: string) => (key === "tags" ? tags : undefined) }) as never;

test("an applied edit of a kept-out cell tells the model none of its old lines", () => {
  const before = "plan = 'PRIVSRC-7Hq'\nnotes = 'PRIVSRC-2Lx'";
  const seen = editSeen(tagged(["x", PRIVATE_TAG]), before, "plan = 1", 1000);
  assert.ok(!JSON.stringify(seen).includes("PRIVSRC"), JSON.stringify(seen));
  assert.ok("kept_out" in seen && seen.kept_out.length > 0);
});

test("an applied edit of any other cell tells its diff, bounded", () => {
  const seen = editSeen(tagged(["remove-cell"]), "x = 'OPEN-4Qz'\ny = 1", "x = 2\ny = 1", 1000);
  assert.deepEqual(seen, { diff: "- x = 'OPEN-4Qz'\n+ x = 2\n  y = 1" });
  assert.equal(diffText("a", "b"), "- a\n+ b");
  assert.deepEqual(editSeen(tagged(undefined), "a\n", "b\n", 3), { diff: "- a" });
});
