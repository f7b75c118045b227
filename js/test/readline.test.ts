/** Node test: the read line says each cell once (ui/readline.ts). */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClientToolCallItem, UserMessageItem } from "../src/client/types";
import { cellsLabel, summarizeTurn } from "../src/ui/readline";

const activeCell = (index: number): ClientToolCallItem => ({
  id: "cl_1",
  thread_id: "thr_1",
  created_at: "2026-01-01T00:00:00Z",
  type: "client_tool_call",
  status: "completed",
  call_id: "call_1",
  name: "get_active_cell",
  arguments: {},
  output: { cell: { index, source: "df['b'].sum()" }, redacted: 0 },
});

const askingAbout = (tags: { text: string; data: Record<string, unknown> }[]): UserMessageItem =>
  ({
    id: "msg_1",
    thread_id: "thr_1",
    created_at: "2026-01-01T00:00:00Z",
    type: "user_message",
    content: [
      { type: "input_text", text: "Fix the error in " },
      ...tags.map((t) => ({ type: "input_tag", id: t.text, text: t.text, data: t.data, interactive: false })),
    ],
    attachments: [],
    inference_options: {},
  }) as unknown as UserMessageItem;

test("a cell the message's error chip names is not said again when a tool read it", () => {
  // "Ask about this error" on cell 2; the model then read the active cell (cell 2).
  const message = askingAbout([
    { text: "cell 2", data: { kind: "error", cell: 1, content: {} } },
    { text: "err.ipynb", data: { kind: "notebook", content: {} } },
  ]);
  const labels = summarizeTurn(message, [activeCell(1)]).entries.map((e) => e.label);
  // Before: ["error in cell 2", "err.ipynb", "cell 2"].
  assert.deepEqual(labels, ["error in cell 2", "err.ipynb"]);
});

test("a cell the message does not name is said", () => {
  const message = askingAbout([{ text: "cell 2", data: { kind: "error", cell: 1, content: {} } }]);
  const labels = summarizeTurn(message, [activeCell(4)]).entries.map((e) => e.label);
  assert.deepEqual(labels, ["error in cell 2", "cell 5"]);
  assert.deepEqual(
    summarizeTurn(null, [activeCell(1)]).entries.map((e) => e.label),
    ["cell 2"],
  );
});

const readCells = (output: Record<string, unknown>): ClientToolCallItem => ({
  ...activeCell(0),
  name: "get_notebook_cells",
  output,
});

test("the hidden values are listed: where each was, its line as the model got it, and why", () => {
  // The result of get_notebook_cells on a notebook with a password, a key and a print of them.
  const result = {
    untrusted_data: "Data read from the user's notebook. «redacted: …» marks a secret hidden on purpose.",
    cells: [
      { index: 0, source: "db_password = '«redacted: str, 11 chars»'\napi_key = '«redacted: API key»'", outputs: [] },
      { index: 1, source: "print(db_password)", outputs: [{ output_type: "stream", text: "«redacted: str, 11 chars»" }] },
      { index: 2, source: "rows = 42", outputs: [] },
    ],
    redacted: 3,
  };
  const summary = summarizeTurn(null, [readCells(result)]);
  assert.equal(summary.hidden, 3);
  assert.deepEqual(
    summary.places.map((p) => [p.where, p.shown, p.why, p.cell]),
    [
      ["cell 1", "db_password = '«redacted: str, 11 chars»'", "its name, db_password, marks a secret", 0],
      ["cell 1", "api_key = '«redacted: API key»'", "recognized as API key", 0],
      ["cell 2, output", "«redacted: str, 11 chars»", "it shows a secret's value", 1],
    ],
  );
});

test("a variable hidden by its name is listed under its name, with the tool's own reason", () => {
  const call: ClientToolCallItem = {
    ...activeCell(0),
    name: "inspect_kernel_variable",
    arguments: { name: "db_password" },
    output: {
      name: "db_password",
      type: "str",
      value: "«redacted: str, 11 chars»",
      note: "Its name marks it as a secret: the value is never shown.",
      redacted: 1,
    },
  };
  const [place] = summarizeTurn(null, [call]).places;
  assert.equal(place.where, "db_password");
  assert.equal(place.why, "Its name marks it as a secret: the value is never shown.");
});

test("a count with no marker to point at lists nothing (the saved answer's reads keep counts only)", () => {
  const summary = summarizeTurn(null, [readCells({ cells: [{ index: 0 }], redacted: 2 })]);
  assert.equal(summary.hidden, 2);
  assert.deepEqual(summary.places, []);
});

test("a value read twice (its cell's chip, then the cells) is listed and counted once", () => {
  const message = askingAbout([
    { text: "cell 1", data: { kind: "cell", cell: 0, content: { index: 0, source: "key = '«redacted: API key»'", redacted: 1 } } },
  ]);
  const cells = readCells({ cells: [{ index: 0, source: "key = '«redacted: API key»'" }], redacted: 1 });
  const summary = summarizeTurn(message, [cells]);
  assert.equal(summary.places.length, 1);
  assert.equal(summary.hidden, 1);
});

test("in a mentioned notebook's text, a hidden value is placed in its cell and output", () => {
  const text = [
    "--- cell 0 (code) ---",
    "db_password = '«redacted: str, 12 chars»'",
    "--- cell 1 (code) ---",
    "print('connecting with', db_password)",
    "[stdout]",
    "«redacted: str, 28 chars»",
  ].join("\n");
  const message = askingAbout([
    { text: "saved.ipynb", data: { kind: "file", content: { path: "saved.ipynb", text, redacted: 2 } } },
  ]);
  const places = summarizeTurn(message, []).places.map((p) => [p.where, p.why]);
  assert.deepEqual(places, [
    ["saved.ipynb, cell 1", "its name, db_password, marks a secret"],
    ["saved.ipynb, cell 2, output", "it shows a secret's value"],
  ]);
});

test("runs of cells read as ranges when the cells read are not one run", () => {
  // A kept-out cell splits what was read: "cells 1, 3, 5, 6, 7, 8, 9, 10, 11" was said.
  assert.equal(cellsLabel([0, 2, 4, 5, 6, 7, 8, 9, 10]), "cells 1, 3, 5–11");
  assert.equal(cellsLabel([0, 1, 3, 4]), "cells 1–2, 4–5");
  assert.equal(cellsLabel([7, 0, 2, 1]), "cells 1–3, 8");
});

test("cells kept out of what the assistant reads are said as such, after the cells read", () => {
  const read: ClientToolCallItem = {
    ...activeCell(0),
    name: "get_notebook_cells",
    output: {
      cells: [{ index: 0 }, { index: 1, kept_out: "kept out" }, { index: 2 }, { index: 3, kept_out: "kept out" }],
      redacted: 0,
    },
  };
  const { entries } = summarizeTurn(null, [read]);
  assert.deepEqual(
    entries.map((e) => [e.label, e.cells]),
    [
      ["cells 1, 3", [0, 2]],
      ["cells 2, 4 kept out", [1, 3]],
    ],
  );
  // Nothing kept out: nothing said of it.
  const plain: ClientToolCallItem = { ...read, output: { cells: [{ index: 0 }], redacted: 0 } };
  assert.deepEqual(
    summarizeTurn(null, [plain]).entries.map((e) => e.label),
    ["cell 1"],
  );
});
