/**
 * The cell the context chips name (chatcell.ts, context.ts): a cell that only shows or
 * asks the chat is never offered as the person's focus, in the sidebar as in the widget.
 * The notebook is a plain object shaped like JupyterLab's (only what the chips read).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Cell } from "@jupyterlab/cells";
import type { NotebookPanel } from "@jupyterlab/notebook";
import { contextCell, isChatSource } from "../src/chatcell";
import { currentRefs } from "../src/context";
import { notebook } from "./panels";

function cell(id: string, source: string, hasWidget = false, type = "code"): Cell {
  return {
    isDisposed: false,
    model: { id, type, sharedModel: { getSource: () => source } },
    node: { querySelector: (sel: string) => (hasWidget && sel === ".jck-widget-host" ? {} : null) },
  } as never;
}

function cellChips(panel: NotebookPanel, last: Cell | null = null): string[] {
  return currentRefs(panel, last)
    .filter((ref) => ref.kind === "cell")
    .map((ref) => ref.label);
}

test("a cell that only shows or asks the chat is a chat cell; one that also computes is not", () => {
  for (const source of [
    "%chat",
    "%chat --new",
    "%load_ext jupyter_chatkit\n%chat",
    "# the assistant\n%chat\n",
    "%chat what does df hold?",
    "%%chat\nwhy is the loss flat?",
    "%%chat --new\n",
    "from jupyter_chatkit import Chat\nChat()",
    "chat = Chat()",
    'Chat().ask("what is df?")',
  ]) {
    assert.equal(isChatSource(source), true, source);
  }
  for (const source of [
    "",
    "df = load()",
    "%load_ext jupyter_chatkit",
    "df = load()\n%chat",
    "%chatter",
    "# %chat",
    "for q in qs:\n    Chat().ask(q)",
  ]) {
    assert.equal(isChatSource(source), false, source);
  }
});

test("the sidebar names the active cell, but not a %chat cell: the cell above it instead", () => {
  const cells = [cell("a", "import pandas as pd"), cell("b", "df = pd.read_csv('x.csv')"), cell("c", "%chat", true)];
  assert.deepEqual(cellChips(notebook(cells, 1)), ["cell 2"]);
  assert.deepEqual(cellChips(notebook(cells, 2)), ["cell 2"]);
});

test("from a %chat cell the sidebar keeps the cell it named before", () => {
  const cells = [cell("a", "import pandas as pd"), cell("b", "%chat", true), cell("c", "df.plot()")];
  const panel = notebook(cells, 2);
  const named = contextCell(panel, null);
  assert.equal(named, cells[2]);
  assert.deepEqual(cellChips(notebook(cells, 1), named), ["cell 3"]);
});

test("a cell showing a chat widget made by code is not named either; a markdown cell about %chat is", () => {
  const cells = [cell("a", "x = 1"), cell("b", "w = make_chat()\nw", true), cell("c", "%chat is handy", false, "markdown")];
  assert.deepEqual(cellChips(notebook(cells, 1)), ["cell 1"]);
  assert.deepEqual(cellChips(notebook(cells, 2)), ["cell 3"]);
});

test("a %chat cell at the top with nothing named before gives no cell chip", () => {
  const cells = [cell("a", "%chat", true), cell("b", "x = 1")];
  assert.deepEqual(cellChips(notebook(cells, 0)), []);
});

test("the widget never names its own cell nor another chat cell", () => {
  const cells = [cell("a", "x = 1"), cell("b", "%chat --new"), cell("c", "%chat", true)];
  const panel = notebook(cells, 1);
  assert.equal(contextCell(panel, null, 2), cells[0]);
  assert.equal(contextCell(notebook(cells, 2), cells[0], 2), cells[0]);
});

test("a cell that only loads the assistant is not kept as the focus from a chat cell (Run All)", () => {
  // Run All passes the %load_ext cell on its way to the chat cells: the chips kept it
  // as "the cell named before" and sent `%load_ext jupyter_chatkit` as the active cell.
  const cells = [
    cell("a", "df = pd.read_csv('x.csv')"),
    cell("b", "%load_ext jupyter_chatkit"),
    cell("c", "%chat what columns does df have?"),
    cell("d", "%%chat\nplot df"),
    cell("e", "%chat", true),
  ];
  assert.deepEqual(cellChips(notebook(cells, 4), cells[1]), ["cell 1"]);
  assert.equal(contextCell(notebook(cells, 4), cells[1], 4), cells[0]);
  assert.equal(contextCell(notebook(cells, 4), null, 4), cells[0]);
  const setup = [cell("a", "x = 1"), cell("b", "from jupyter_chatkit import Chat"), cell("c", "Chat()", true)];
  assert.equal(contextCell(notebook(setup, 2), setup[1], 2), setup[0]);
  // Clicked on (its load failed, say), it is the person's focus like any cell.
  assert.deepEqual(cellChips(notebook(cells, 1)), ["cell 2"]);
});

test("a blank active cell (Shift+Enter made it) names the cell named before: the cell just run", () => {
  const cells = [cell("a", "df = load()"), cell("b", "df.plot()"), cell("c", "  \n")];
  // Shift+Enter in cell 2: JupyterLab added blank cell 3 and made it active.
  assert.deepEqual(cellChips(notebook(cells, 2), cells[1]), ["cell 2"]);
  assert.equal(contextCell(notebook(cells, 2), cells[1]), cells[1]);
  // Nothing named before (a chat attached since): the nearest cell above holding text,
  // as the chat that saw the run names; with none, the blank cell itself.
  assert.equal(contextCell(notebook(cells, 2), null), cells[1]);
  const blanks = [cell("a", ""), cell("b", " ")];
  assert.equal(contextCell(notebook(blanks, 1), null), blanks[1]);
  // Typed in: the new cell is named.
  const typed = [cells[0], cells[1], cell("c", "df.describe()")];
  assert.deepEqual(cellChips(notebook(typed, 2), cells[1]), ["cell 3"]);
  // A cell that only loads the assistant is not kept for a blank one either.
  const setup = [cell("a", "%load_ext jupyter_chatkit"), cell("b", "")];
  assert.equal(contextCell(notebook(setup, 1), setup[0]), setup[1]);
  // The widget: Shift+Enter past its own cell keeps the cell worked in, never its own.
  const widget = [cell("a", "x = 1"), cell("b", "%chat", true), cell("c", "")];
  assert.equal(contextCell(notebook(widget, 2), widget[0], 1), widget[0]);
  assert.equal(contextCell(notebook(widget, 2), widget[1], 1), widget[0]);
});
