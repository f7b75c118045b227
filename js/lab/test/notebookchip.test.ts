/**
 * The notebook chip's tooltip says what the chip sends (context.ts `notebookRef`): every
 * field of what the model reads is named there, and no cell is sent.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Cell } from "@jupyterlab/cells";
import { sentTooltip } from "../../src/ui/context";
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

test("its tooltip shows the values it sends, as the model gets them (a secret hidden alike)", async () => {
  const token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
  const panel = notebook([{}, {}, {}] as Cell[], 1);
  (panel.sessionContext as { kernelDisplayName: string }).kernelDisplayName = `Python 3 (${token})`;
  const ref = notebookRef(panel);
  const tip = await sentTooltip(ref);
  const sent = await ref.resolve();
  // Exactly what goes with the message: its values, not only the fields' names.
  assert.ok(tip.includes(JSON.stringify(sent)), tip);
  assert.ok(tip.includes("Python 3") && tip.includes('"cell_count":3'), tip);
  // No value the model would not get.
  assert.equal(tip.includes(token), false, tip);
  assert.equal(JSON.stringify(sent).includes(token), false);
});
