/**
 * The notebook chip's tooltip says what the chip sends (context.ts `notebookRef`): every
 * field of what the model reads is named there, and no cell is sent.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Cell } from "@jupyterlab/cells";
import { notebookRef } from "../src/context";
import { notebook } from "./panels";

// What the tooltip calls each field the chip sends ("from" and "redacted" are the
// context policy's own: who produced it, what it took out).
const NAMED: Record<string, string> = {
  notebook: "path",
  kernel: "kernel",
  cell_count: "cell count",
  active_cell_index: "active cell",
};

test("the notebook chip's tooltip names each field it sends, and it sends no cell", async () => {
  const cells = [{}, {}, {}] as Cell[];
  const ref = notebookRef(notebook(cells, 0));
  const sent = (await ref.resolve()) as Record<string, unknown>;
  const title = ref.title ?? "";
  assert.ok(title.includes("work/a.ipynb"), title);
  const fields = Object.keys(sent).filter((k) => k !== "from" && k !== "redacted");
  assert.deepEqual(fields.filter((k) => !(k in NAMED) || !title.includes(NAMED[k])), [], title);
  assert.equal(JSON.stringify(sent).includes("source"), false);
});
