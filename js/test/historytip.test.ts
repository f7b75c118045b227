/**
 * A history row's tooltip (history.ts): two conversations whose titles are cut off alike
 * ("what columns does…") are told apart on hover by the whole title, notebook and start.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { dateLabels, rowTooltip } from "../src/ui/history";

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

test("rows started in one minute show their seconds; others stay as short as before", () => {
  const now = new Date("2026-11-30T23:00:00");
  const labels = dateLabels(
    ["2026-11-30T22:03:04", "2026-11-30T22:03:41", "2026-11-30T21:10:00", "2026-11-02T10:00:00", "2026-11-02T11:30:00"],
    now,
  );
  // Same minute today: told apart at a glance (before, both "22:03").
  assert.notEqual(labels[0], labels[1]);
  assert.ok(labels[0].length > labels[2].length, JSON.stringify(labels));
  // Alone in its minute: the time as before.
  assert.equal(labels[2], dateLabels(["2026-11-30T21:10:00"], now)[0]);
  // Two on one earlier day: the time joins the date, no seconds needed.
  assert.notEqual(labels[3], labels[4]);
  assert.ok(labels[3].startsWith(dateLabels(["2026-11-02T10:00:00"], now)[0]), JSON.stringify(labels));
});
