/**
 * Node test of where the sidebar's Insert puts code (insertanchor.ts): next to the cells
 * the answer's question named, read from the thread's stored items (so a reload keeps
 * it), not next to the first cell a notebook just opened has active.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ThreadItem } from "../../src/index";
import { messageContent } from "../../src/ui/context";
import { cellRef } from "../src/context";
import {
  findCell,
  insertAnchor,
  markInserted,
  NO_TURN,
  replaceAnchor,
  replaceNote,
  sourceFingerprint,
  type TurnCells,
  turnCells,
} from "../src/insertanchor";
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
  assert.deepEqual(asked, { message: "msg_2", askedAt: ASKED, named: [{ id: "c1" }], chips: [{ id: "c3" }] });
  // A reload: the first cell is active, nobody picked it.
  const panel = notebook(cells(), 0);
  assert.equal(insertAnchor(panel, asked, "below", null), 1);
  // A cell picked before asking (the error's own button clicked): the answer is about c1.
  assert.equal(insertAnchor(notebook(cells(), 3), asked, "below", BEFORE), 1);
  // The answer of turn 1 (its own turn's chips), a code block's insert naming the message.
  assert.deepEqual(turnCells(items, "ans_1"), { message: "msg_1", askedAt: ASKED, named: [], chips: [{ id: "c2" }] });
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
  assert.equal(insertAnchor(notebook(cells(), 0), { message: "msg_1", askedAt: ASKED, named: [{ id: "deleted" }], chips: [] }, "below", null), null);
});

test("several cells named: below the last of them, above the first; selections name their cell", () => {
  const items = turn(1, [
    ["cell:c2", false],
    ["selection:c0:5:x.fai", false],
    ["file:data.csv", false],
  ]);
  const asked = turnCells(items, "ans_1");
  assert.deepEqual(asked, { message: "msg_1", askedAt: ASKED, named: [{ id: "c2" }, { id: "c0" }], chips: [] });
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

/** The thread items of a question sent as the chat sends it (messageContent), and its card. */
async function asked(parts: Parameters<typeof messageContent>[0], chips: Parameters<typeof messageContent>[1]) {
  const content = await messageContent(parts, chips);
  return [
    { id: "msg_9", type: "user_message", thread_id: "thr", created_at: ASKED_ISO, content, attachments: [] },
    { id: "card_9", type: "widget", thread_id: "thr", created_at: "", widget: { type: "Card", children: [] } },
  ] as unknown as ThreadItem[];
}

/** The notebook as a reload of a notebook of nbformat < 4.5 gives it: new ids, same cells. */
const reloaded = (sources: string[], active = 0) =>
  notebook(
    sources.map((source, i) => cell(`new${i}`, source)),
    active,
  );

test("a question's cells are found again after a reload gave every cell a new id (nbformat < 4.5)", async () => {
  const sources = ["import x", "x.fail()", "# notes", "# end"];
  const before = notebook(cells(), 3);
  const list = before.content.widgets;
  // "Fix the error in cell 2", the chips on cell 4: each tag keeps where its cell was.
  const items = await asked(["Fix the error in ", cellRef(before, list[1], "error", true)], [cellRef(before, list[3])]);
  const turn = turnCells(items, "card_9");
  assert.deepEqual(turn.named, [{ id: "c1", index: 1, fingerprint: sourceFingerprint("x.fail()") }]);
  assert.deepEqual(turn.chips, [{ id: "c3", index: 3, fingerprint: sourceFingerprint("# end") }]);
  // Reloaded: no id is known; each is found at its place, its source checked.
  assert.equal(insertAnchor(reloaded(sources), turn, "below", null), 1);
  assert.deepEqual(replaceAnchor(reloaded(sources), turn, null), { index: 1, why: "named", lost: false, changed: false });
  // A cell added above since (saved, reloaded): the one cell holding that source.
  assert.equal(insertAnchor(reloaded(["# new", ...sources]), turn, "below", null), 2);
  // Changed since (or deleted): not that cell. Insert falls back to the chips' cell,
  // Replace too, and says the cell asked about is gone.
  const changed = ["import x", "x.ok()", "# notes", "# end"];
  assert.equal(insertAnchor(reloaded(changed), turn, "below", null), 3);
  assert.deepEqual(replaceAnchor(reloaded(changed), turn, null), { index: 3, why: "chips", lost: true, changed: false });
  // Ids kept (the page not reloaded, or a notebook with stable ids), the cell edited since
  // asking: still that cell, and its dialog says it changed.
  const edited = notebook([cell("c0", "import x"), cell("c1", "x.fail(1)"), cell("c3", "# end")], 0);
  const since = replaceAnchor(edited, turn, null);
  assert.deepEqual(since, { index: 1, why: "named", lost: false, changed: true });
  assert.match(replaceNote(since) ?? "", /question was about\. It has changed since you asked/);
  // Two cells hold that source, neither at its place: neither is taken.
  assert.equal(findCell(reloaded(["x.fail()", "a", "b", "x.fail()"]).content.widgets, turn.named[0]), -1);
  // An empty cell's fingerprint tells nothing away from its place.
  const empty = { id: "gone", index: 0, fingerprint: sourceFingerprint("") };
  assert.equal(findCell(reloaded(["", "a"]).content.widgets, empty), 0);
  assert.equal(findCell(reloaded(["a", ""]).content.widgets, empty), -1);
  // A cell whose id is known is that cell, whatever its place and source now.
  assert.equal(findCell(notebook([cell("x", "a"), cell("c1", "edited")], 0).content.widgets, turn.named[0]), 1);
  // Ids stable (the chips' cell c3 is found by its id), the question's cell deleted: a
  // cell holding the same source elsewhere is not it; Insert and Replace go by the chips.
  const deleted = notebook([cell("c0", "import x"), cell("c2", "# notes"), cell("c3", "# end"), cell("c9", "x.fail()")], 0);
  assert.equal(insertAnchor(deleted, turn, "below", null), 2);
  assert.deepEqual(replaceAnchor(deleted, turn, null), { index: 2, why: "chips", lost: true, changed: false });
  // A malformed record (an older thread's, a front end's) is no place.
  const bad = turnCells(
    [{ ...items[0], content: [{ type: "input_tag", id: "cell:c9", text: "cell 1", data: { anchor: { index: -1, fingerprint: 3 } } }] }, items[1]] as unknown as ThreadItem[],
    "card_9",
  );
  assert.deepEqual(bad.named, [{ id: "c9" }]);
});

test("a kept-out cell or one holding a secret keeps no fingerprint with the thread", async () => {
  const secret = cell("s1", 'DB_PASSWORD = "Tr0ub4dor&3xQ9"');
  const kept = cell("k1", "x = 1");
  kept.model.setMetadata("tags", ["chatkit-private"]);
  const panel = notebook([cell("c0", "import x"), secret, kept, cell("c3", "x.fail()")], 0);
  const refs = panel.content.widgets.map((c) => cellRef(panel, c));
  const items = await asked(["Look at ", refs[1], refs[2], refs[3]], []);
  const tags = (items[0] as { content: { data?: { anchor?: unknown } }[] }).content.slice(1);
  assert.deepEqual(
    tags.map((t) => t.data?.anchor),
    [undefined, undefined, { index: 3, fingerprint: sourceFingerprint("x.fail()") }],
  );
  // Such a cell is still found by its id while the notebook keeps it.
  assert.deepEqual(turnCells(items, "card_9").named.slice(0, 2), [{ id: "s1" }, { id: "k1" }]);
});

test("Replace cell replaces the cell the question was about, after a reload too; says when it is gone", () => {
  const question: TurnCells = turnCells(turn1(), "card_1");
  // A reload: the first cell active, nobody picked it: the cell asked about (c1).
  const anchor = replaceAnchor(notebook(cells(), 0), question, null);
  assert.deepEqual(anchor, { index: 1, why: "named", lost: false, changed: false });
  assert.match(replaceNote(anchor) ?? "", /question was about/);
  // Picked before asking: still c1. Picked after asking: the active cell, said nothing of.
  assert.equal(replaceAnchor(notebook(cells(), 3), question, BEFORE).index, 1);
  const picked = replaceAnchor(notebook(cells(), 3), question, AFTER);
  assert.deepEqual(picked, { index: null, why: "active", lost: false });
  assert.equal(replaceNote(picked), null);
  // Only chips: the cell active when asked.
  const chips = replaceAnchor(notebook(cells(), 0), turnCells(turn(1, [["cell:c2", true]]), "card_1"), null);
  assert.deepEqual(chips, { index: 2, why: "chips", lost: false, changed: false });
  // The cell asked about deleted, no chip: the active cell, and the dialog says why.
  const gone = replaceAnchor(notebook([cells()[0], cells()[2]], 0), question, null);
  assert.deepEqual(gone, { index: null, why: "active", lost: true });
  assert.match(replaceNote(gone) ?? "", /no longer in this notebook.*active cell/);
  // No question known (a card whose item is not loaded): the active cell, as ever.
  assert.deepEqual(replaceAnchor(notebook(cells(), 0), NO_TURN, null), { index: null, why: "active", lost: false });
  assert.equal(replaceNote(replaceAnchor(notebook(cells(), 0), NO_TURN, null)), null);
});

/** "Fix the error in cell 2" (c1), no chip. */
function turn1(): ThreadItem[] {
  return turn(1, [["cell:c1", false]]);
}
