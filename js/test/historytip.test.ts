/**
 * A history row's tooltip (history.ts): two conversations whose titles are cut off alike
 * ("what columns does…") are told apart on hover by the whole title, notebook and start.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { rowTooltip } from "../src/ui/history";

test("a row's tooltip holds its whole title, notebook path and start time", () => {
  const a = rowTooltip("what columns does df have", "work/sales.ipynb", "2026-11-30T22:03:04Z");
  const b = rowTooltip("What columns does df_sales have", "work/sales.ipynb", "2026-11-30T22:04:10Z");
  assert.ok(a.includes("what columns does df have"), a);
  assert.ok(b.includes("What columns does df_sales have"), b);
  for (const tip of [a, b]) assert.ok(tip.includes("work/sales.ipynb"), tip);
  // Started a minute apart: the times differ (to the second) in the tooltips.
  assert.notEqual(a.split("\n").at(-1), b.split("\n").at(-1));
});

test("an untitled row's tooltip does not repeat its start", () => {
  const started = rowTooltip("", null, "2026-11-30T22:03:04Z");
  const tip = rowTooltip(started, "nb.ipynb", "2026-11-30T22:03:04Z");
  assert.deepEqual(tip.split("\n"), [started, "nb.ipynb"]);
});
