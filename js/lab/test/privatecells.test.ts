/**
 * Cells kept out of what the assistant reads (privatecells.ts, tag chatkit-private),
 * read by the sidebar from the live notebook model: a tag set and not saved yet holds.
 * Tools and the chip that follows the active cell give the cell's number only; a cell
 * the person names (Fix this error, an @cell mention) is sent. The notebook is a plain
 * object shaped like JupyterLab's (only what the readers use).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Cell } from "@jupyterlab/cells";
import { activeCell, notebookCells } from "../src/cells";
import { currentRefs, fixErrorParts } from "../src/context";
import type { MessagePart } from "../../src/index";
import { labCommands, labMentions, notebookText } from "../src/mentions";
import { PRIVATE_TAG, isPrivate, setPrivate } from "../src/privatecells";
import { cell, notebook } from "./panels";

const PRIVATE_SOURCE = "plan = 'PRIVSRC-7Hq'\nraise ValueError('PRIVERR-9Kd')";
const MARKS = ["PRIVSRC-7Hq", "PRIVOUT-3Lw", "PRIVERR-9Kd"];

function cells(): Cell[] {
  return [
    cell("a", "x = 1\nprint('OPENOUT-4Qz')", [{ output_type: "stream", name: "stdout", text: "OPENOUT-4Qz\n" }]),
    cell("b", PRIVATE_SOURCE, [
      { output_type: "stream", name: "stdout", text: "PRIVOUT-3Lw\n" },
      { output_type: "error", ename: "ValueError", evalue: "PRIVERR-9Kd", traceback: ["ValueError: PRIVERR-9Kd"] },
    ]),
    cell("c", "y = x + 1"),
  ];
}

const leaked = (text: string): string[] => MARKS.filter((m) => text.includes(m));

test("a tag set on the live model, not saved, keeps the cell out of get_notebook_cells", () => {
  const all = cells();
  setPrivate(all[1].model, true);
  const text = JSON.stringify(notebookCells(notebook(all, 1), 1));
  assert.deepEqual(leaked(text), []);
  assert.ok(text.includes("OPENOUT-4Qz") && text.includes("y = x + 1"), text);
  const read = (notebookCells(notebook(all, 1), 1).cells as { index: number; kept_out?: string }[])[1];
  assert.equal(read.index, 1);
  assert.ok(read.kept_out);
});

test("get_active_cell on a kept-out cell gives its number only; untagged, it is read again", () => {
  const all = cells();
  setPrivate(all[1].model, true);
  assert.deepEqual(leaked(JSON.stringify(activeCell(notebook(all, 1), 1))), []);
  setPrivate(all[1].model, false);
  assert.equal(isPrivate(all[1].model), false);
  assert.deepEqual(leaked(JSON.stringify(activeCell(notebook(all, 1), 1))), MARKS);
});

test("the chip that follows the active cell skips a kept-out cell; Fix this error on it sends it", async () => {
  const all = cells();
  setPrivate(all[1].model, true);
  const panel = notebook(all, 1);
  assert.deepEqual(
    currentRefs(panel).filter((r) => r.kind === "cell"),
    [],
  );
  const parts = fixErrorParts(panel, all[1]);
  const ref = parts.find((p) => typeof p !== "string");
  assert.ok(ref && typeof ref !== "string" && ref.resolve);
  const sent = JSON.stringify(await ref.resolve());
  assert.ok(sent.includes("PRIVSRC-7Hq") && sent.includes("PRIVERR-9Kd"), sent);
});

test("the toggle keeps a cell's other tags", () => {
  const [c] = cells();
  c.model.setMetadata("tags", ["remove-cell"]);
  setPrivate(c.model, true);
  assert.deepEqual(c.model.getMetadata("tags"), ["remove-cell", PRIVATE_TAG]);
  setPrivate(c.model, false);
  assert.deepEqual(c.model.getMetadata("tags"), ["remove-cell"]);
});

test("a mentioned notebook file is read without its tagged cells", () => {
  const nb = {
    cells: [
      { cell_type: "code", metadata: {}, source: ["print('OPENOUT-4Qz')"], outputs: [] },
      {
        cell_type: "code",
        metadata: { tags: [PRIVATE_TAG] },
        source: PRIVATE_SOURCE,
        outputs: [{ output_type: "stream", name: "stdout", text: "PRIVOUT-3Lw\n" }],
      },
    ],
  };
  const text = notebookText(JSON.stringify(nb)) ?? "";
  assert.deepEqual(leaked(text), []);
  assert.ok(text.includes("OPENOUT-4Qz") && text.includes("--- cell 1 (code) ---"), text);
});

test("/fix on no failing active cell skips a kept-out cell's error; on the kept-out cell it sends it", () => {
  const all = cells();
  const failing = cell("d", "open_fail()", [{ output_type: "error", ename: "NameError", evalue: "OPENERR", traceback: [] }]);
  const withOpenError = [failing, ...all];
  setPrivate(withOpenError[2].model, true);
  const fixed = (active: number): Cell | undefined => {
    const sent: MessagePart[][] = [];
    const fix = labCommands({ panel: notebook(withOpenError, active) } as never, (p) => sent.push(p), () => {}).find(
      (c) => c.name === "fix",
    );
    fix?.run("");
    const ref = sent[0]?.find((p) => typeof p !== "string");
    return ref && typeof ref !== "string" ? withOpenError[ref.cell ?? -1] : undefined;
  };
  // Active: the last cell, no error. The newest failing cell is kept out: the open one is fixed.
  assert.equal(fixed(3), failing);
  // Active: the kept-out cell itself. The person is on it: it is sent.
  assert.equal(fixed(2), withOpenError[2]);
});

test("an @cell mention of a kept-out cell sends it: the person picked it", async () => {
  const all = cells();
  setPrivate(all[1].model, true);
  const refs = await labMentions({ panel: notebook(all, 0) } as never).complete("2", "#");
  const ref = refs.find((r) => r.cell === 1);
  assert.ok(ref?.resolve);
  const sent = JSON.stringify(await ref.resolve());
  assert.ok(sent.includes("PRIVSRC-7Hq") && sent.includes("PRIVOUT-3Lw"), sent);
});
