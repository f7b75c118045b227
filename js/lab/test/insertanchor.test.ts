/**
 * Node test of where the sidebar's Insert puts code (insertanchor.ts): next to the cells
 * the answer's question named, read from the thread's stored items (so a reload keeps
 * it), not next to the first cell a notebook just opened has active.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ThreadItem } from "../../src/index";
import { insertAnchor, markInserted, NO_TURN, turnCells } from "../src/insertanchor";
import { cell, notebook } from "./panels";

/** When the test's questions were asked. */
const ASKED_ISO = "2026-12-02T10:00:00.000Z";
const ASKED = Date.parse(ASKED_ISO);
/** A pick before and after asking, by the page's clock. */
const BEFORE = ASKED - 1;
const AFTER = ASKED + 1;

/** A user message with `tags` ([id, chip]) and an answer after it. */
function turn(n: number, tags: [string, boolean][]): ThreadItem[] {
  const content = [
    { type: "input_text", text: "Fix the error in " },
    ...tags.map(([id, chip]) => ({
      type: "input_tag",
      id,
      text: id,
      data: { kind: "cell", label: id, content: {}, ...(chip ? { chip: true } : {}) },
      interactive: true,
    })),
  ];
  return [
    { id: `msg_${n}`, type: "user_message", thread_id: "thr", created_at: ASKED_ISO, content, attachments: [] },
    { id: `ans_${n}`, type: "assistant_message", thread_id: "thr", created_at: "", content: [] },
    { id: `card_${n}`, type: "widget", thread_id: "thr", created_at: "", widget: { type: "Card", children: [] } },
  ] as unknown as ThreadItem[];
}

const cells = () => [cell("c0", "import x"), cell("c1", "x.fail()"), cell("c2", "# notes"), cell("c3", "# end")];

test("an answer's code goes next to the cell its question named, whichever cell is active", () => {
  const items = [...turn(1, [["cell:c2", true]]), ...turn(2, [["cell:c1", false], ["cell:c3", true]])];
  // The card of turn 2 asked about c1 (Fix this error); its chip named c3.
  const asked = turnCells(items, "card_2");
  assert.deepEqual(asked, { message: "msg_2", askedAt: ASKED, named: ["c1"], chips: ["c3"] });
  // A reload: the first cell is active, nobody picked it.
  const panel = notebook(cells(), 0);
  assert.equal(insertAnchor(panel, asked, "below", null), 1);
  // A cell picked before asking (the error's own button clicked): the answer is about c1.
  assert.equal(insertAnchor(notebook(cells(), 3), asked, "below", BEFORE), 1);
  // The answer of turn 1 (its own turn's chips), a code block's insert naming the message.
  assert.deepEqual(turnCells(items, "ans_1"), { message: "msg_1", askedAt: ASKED, named: [], chips: ["c2"] });
  assert.equal(insertAnchor(panel, turnCells(items, "ans_1"), "below", null), 2);
});

test("with no cell named: the active cell when the person picked it, else the chips' cell, else the end", () => {
  const items = turn(1, [["cell:c2", true]]);
  const chips = turnCells(items, "card_1");
  // Picked (a click, a key, an insert since the notebook opened): the active cell wins
  // over the chip, as JupyterLab's own insert goes.
  assert.equal(insertAnchor(notebook(cells(), 3), chips, "below", AFTER), 3);
  // Not picked (the first cell, active after a reload): the cell the chips named.
  assert.equal(insertAnchor(notebook(cells(), 0), chips, "below", null), 2);
  // Nothing known (no item, an item not loaded, a cell deleted or renumbered): the end.
  assert.equal(insertAnchor(notebook(cells(), 0), NO_TURN, "below", null), null);
  assert.equal(insertAnchor(notebook(cells(), 0), turnCells(items, undefined), "below", null), null);
  assert.equal(insertAnchor(notebook(cells(), 0), turnCells(items, "gone"), "below", null), null);
  assert.equal(insertAnchor(notebook(cells(), 0), { message: "msg_1", askedAt: ASKED, named: ["deleted"], chips: [] }, "below", null), null);
});

test("several cells named: below the last of them, above the first; selections name their cell", () => {
  const items = turn(1, [
    ["cell:c2", false],
    ["selection:c0:5:x.fai", false],
    ["file:data.csv", false],
  ]);
  const asked = turnCells(items, "ans_1");
  assert.deepEqual(asked, { message: "msg_1", askedAt: ASKED, named: ["c2", "c0"], chips: [] });
  assert.equal(insertAnchor(notebook(cells(), 3), asked, "below", BEFORE), 2);
  assert.equal(insertAnchor(notebook(cells(), 3), asked, "above", BEFORE), 0);
});

test("an answer's code inserted twice lands in the answer's order, below the cell asked about", () => {
  const items = turn(1, [["cell:c1", false]]);
  const asked = turnCells(items, "card_1");
  const list = cells();
  const panel = notebook(list, 0);
  assert.equal(insertAnchor(panel, asked, "below", null), 1);
  // The fix went in below c1 (index 2); the answer's next block goes below the fix.
  list.splice(2, 0, cell("fix", "x.ok()"));
  markInserted(asked, list[2]);
  assert.equal(insertAnchor(panel, asked, "below", BEFORE), 2);
  // Above: above the cell asked about, as before.
  assert.equal(insertAnchor(panel, asked, "above", BEFORE), 1);
  // The fix moved above the cell asked about (or deleted): below that cell again.
  list.splice(0, 0, ...list.splice(2, 1));
  assert.equal(insertAnchor(panel, asked, "below", BEFORE), 2);
  list.splice(0, 1);
  assert.equal(insertAnchor(panel, asked, "below", BEFORE), 1);
  // Another question's inserts do not move this one's.
  const other = turnCells(turn(2, [["cell:c1", false]]), "card_2");
  list.splice(2, 0, cell("fix2", "x.ok()"));
  markInserted(other, list[2]);
  assert.equal(insertAnchor(panel, asked, "below", BEFORE), 1);
});

test("a cell the person picked after asking wins over the cells the question named", () => {
  const asked = turnCells(turn(1, [["cell:c1", false]]), "card_1");
  // Asked about c1, then the person clicked c3: they chose where the code goes.
  assert.equal(insertAnchor(notebook(cells(), 3), asked, "below", AFTER), 3);
  assert.equal(insertAnchor(notebook(cells(), 3), asked, "above", AFTER), 3);
  // Picked before asking (or never, as after a reload): next to c1.
  assert.equal(insertAnchor(notebook(cells(), 3), asked, "below", BEFORE), 1);
  assert.equal(insertAnchor(notebook(cells(), 0), asked, "below", null), 1);
  // The question's time unknown: the cells it named.
  assert.equal(insertAnchor(notebook(cells(), 3), { ...asked, askedAt: Number.NaN }, "below", AFTER), 1);
});
