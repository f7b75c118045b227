/** Node tests of Agent mode's step guard (stepguard.ts) with a fake cell and kernel. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { CodeCell } from "@jupyterlab/cells";
import type { Kernel } from "@jupyterlab/services";
import { readFileSync } from "node:fs";
import {
  cellChangedSince,
  revertStep,
  runAgentCell,
  type SharedCells,
  stepPresence,
  storableUndo,
} from "../src/stepguard";
import { Signal } from "@lumino/signaling";
import { watchedFromStart } from "./shells";

test("a step acts only on the cell its card showed, unchanged", () => {
  const shown = { code: "print(1)", cellId: "c1", notebook: "a.ipynb" };
  assert.equal(cellChangedSince(shown, { id: "c1", source: "print(1)" }), false);
  assert.equal(cellChangedSince(shown, { id: "c1", source: "print(2)" }), true, "source edited since");
  assert.equal(cellChangedSince(shown, { id: "c2", source: "print(1)" }), true, "another cell at that index");
  assert.equal(cellChangedSince(shown, undefined), true, "the cell is gone");
  const edit = { before: "x = 1", after: "x = 2", cellId: "c1" };
  assert.equal(cellChangedSince(edit, { id: "c1", source: "x = 1" }), false);
  assert.equal(cellChangedSince(edit, { id: "c1", source: "x = 3" }), true);
  // A card that showed no cell approves none that appeared since.
  assert.equal(cellChangedSince({ problem: "The notebook has no cell 4." }, { id: "c4", source: "" }), true);
  // No card (auto-approved): nothing to compare.
  assert.equal(cellChangedSince(undefined, { id: "c1", source: "x" }), false);
});

/** A kernel whose main shell runs the person's own cell until `finishOther()`, watched
 * from its start as the page does. */
function fakeKernel() {
  let interrupts = 0;
  const kernel = {
    status: "busy",
    clientId: "this-page",
    statusChanged: new Signal<unknown, string>({}),
    connectionStatusChanged: new Signal<unknown, string>({}),
    iopubMessage: new Signal<unknown, unknown>({}),
    disposed: new Signal<unknown, void>({}),
    interrupt: async () => {
      interrupts++;
    },
  };
  watchedFromStart(kernel, "persons-cell");
  return {
    kernel: kernel as unknown as Kernel.IKernelConnection,
    interrupts: () => interrupts,
    finishOther() {
      kernel.status = "idle";
      kernel.statusChanged.emit("idle");
      kernel.iopubMessage.emit({
        header: { msg_type: "status" },
        parent_header: { msg_id: "persons-cell", msg_type: "execute_request" },
        content: { execution_state: "idle" },
      });
    },
    iopub(msg: unknown) {
      kernel.iopubMessage.emit(msg);
    },
  };
}

const fakeCell = { outputArea: { future: { msg: { header: { msg_id: "req-1" } } } } } as unknown as CodeCell;
const executeInput = { header: { msg_type: "execute_input" }, parent_header: { msg_id: "req-1" } };

test("Stop while the person's own cell runs sends nothing and interrupts nothing", async () => {
  const k = fakeKernel();
  const stop = new AbortController();
  let sent = false;
  const running = runAgentCell(fakeCell, k.kernel, async () => (sent = true), stop.signal);
  stop.abort();
  const run = await running;
  assert.deepEqual(run, { ran: false, started: false, interrupted: false, stoppedBefore: true });
  assert.equal(sent, false);
  assert.equal(k.interrupts(), 0);
});

test("Stop while the agent's cell executes interrupts it; queued, it is only skipped", async () => {
  const k = fakeKernel();
  k.finishOther();
  // Executing: the kernel published this request's execute_input.
  const stop = new AbortController();
  let finish: (ok: boolean) => void = () => undefined;
  const running = runAgentCell(fakeCell, k.kernel, () => new Promise<boolean>((r) => (finish = r)), stop.signal);
  await Promise.resolve();
  k.iopub(executeInput);
  stop.abort();
  finish(false);
  assert.deepEqual(await running, { ran: false, started: true, interrupted: true, stoppedBefore: false });
  assert.equal(k.interrupts(), 1);

  // Sent, but another request got there first: Stop skips the run without an interrupt.
  const queued = new AbortController();
  const pending = runAgentCell(fakeCell, k.kernel, () => new Promise<boolean>(() => undefined), queued.signal);
  await Promise.resolve();
  k.iopub({ header: { msg_type: "execute_input" }, parent_header: { msg_id: "someone-else" } });
  queued.abort();
  assert.deepEqual(await pending, { ran: false, started: false, interrupted: false, stoppedBefore: true });
  assert.equal(k.interrupts(), 1);
});

test("the run waits for the kernel's running cell, says so, and says whether it ran", async () => {
  const k = fakeKernel();
  let sent = false;
  let waited = 0;
  const running = runAgentCell(fakeCell, k.kernel, async () => (sent = true), new AbortController().signal, () => waited++);
  await Promise.resolve();
  assert.equal(sent, false, "not queued behind another run");
  assert.equal(waited, 1);
  // A control request's end (JupyterLab's debugger) sets the connection idle meanwhile.
  k.iopub({
    header: { msg_type: "status" },
    parent_header: { msg_id: "debug-1", msg_type: "debug_request" },
    content: { execution_state: "idle" },
  });
  await Promise.resolve();
  assert.equal(sent, false, "the cell still runs");
  k.finishOther();
  assert.equal((await running).ran, true);
  const never = await runAgentCell(fakeCell, k.kernel, async () => false, new AbortController().signal);
  assert.equal(never.ran || never.started, false);
});

test("a run whose cell changed while it waited for the person's cell is not sent", async () => {
  const k = fakeKernel();
  let sent = false;
  let source = "print('approved')";
  const shown = "print('approved')";
  const running = runAgentCell(
    fakeCell,
    k.kernel,
    async () => (sent = true),
    new AbortController().signal,
    () => undefined,
    () => source === shown,
  );
  await Promise.resolve();
  // Edited while the approved run waits (by the person, by a collaborator).
  source = "print('swapped in')";
  k.finishOther();
  const run = await running;
  assert.equal(sent, false);
  assert.equal(run.changed, true);
  assert.equal(run.ran || run.started, false);
  assert.equal(k.interrupts(), 0);
});

type FakeCell = {
  id: string;
  source: string;
  outputs: unknown[];
  getSource(): string;
  setSource(s: string): void;
  toJSON(): object;
  undoManager: unknown;
};

/** A notebook's shared model as Undo sees it, with an undo manager that counts capture stops. */
function notebook(cells: [string, string][]): SharedCells & { sources(): [string, string][]; stops: number; cells: FakeCell[] } {
  const make = (id: string, source: string, outputs: unknown[] = []): FakeCell => ({
    id,
    source,
    outputs,
    getSource() {
      return this.source;
    },
    setSource(s: string) {
      this.source = s;
    },
    toJSON() {
      return { id: this.id, cell_type: "code", source: this.source, outputs: this.outputs };
    },
    undoManager: { stopCapturing: () => nb.stops++ },
  });
  const nb = {
    stops: 0,
    cells: [] as FakeCell[],
    deleteCell(index: number) {
      nb.cells.splice(index, 1);
    },
    insertCell(index: number, cell: object) {
      const c = cell as { id: string; source: string; outputs: unknown[] };
      nb.cells.splice(index, 0, make(c.id, c.source, c.outputs));
    },
    sources: () => nb.cells.map((c) => [c.id, c.source] as [string, string]),
  };
  for (const [id, source] of cells) nb.cells.push(make(id, source));
  return nb;
}

const outcome = (nb: SharedCells, step: Parameters<typeof revertStep>[1]): string => revertStep(nb, step).outcome;

test("Undo reverts a stored insert or edit only while its cell holds what the step wrote", () => {
  const insert = { name: "insert_cell", args: { source: "new = 1" }, undo: { cell_id: "n1" } };
  const edit = { name: "edit_cell", args: { index: 0, new_source: "x = 2" }, undo: { cell_id: "c0", before: "x = 1" } };

  const nb = notebook([["c0", "x = 2"], ["n1", "new = 1"]]);
  assert.equal(outcome(nb, edit), "undone");
  assert.equal(nb.stops, 2, "the revert is one step of the cell's own undo history");
  assert.equal(outcome(nb, insert), "undone");
  assert.deepEqual(nb.sources(), [["c0", "x = 1"]]);
  // Found by id, not by index: a cell moved since is still reverted.
  const moved = notebook([["n1", "new = 1"], ["c0", "x = 2"]]);
  assert.equal(outcome(moved, edit), "undone");
  assert.deepEqual(moved.sources(), [["n1", "new = 1"], ["c0", "x = 1"]]);

  // Changed since (typed into): left alone.
  const changed = notebook([["c0", "x = 2  # mine"], ["n1", "new = 1\nmore"]]);
  assert.equal(outcome(changed, edit), "changed");
  assert.equal(outcome(changed, insert), "changed");
  assert.deepEqual(changed.sources(), [["c0", "x = 2  # mine"], ["n1", "new = 1\nmore"]]);
  // An edit whose previous source was not kept cannot be reverted.
  const noBefore = { ...edit, undo: { cell_id: "c0" } };
  assert.equal(outcome(notebook([["c0", "x = 2"]]), noBefore), "changed");
  assert.equal(outcome(notebook([["n1", "new = 1"]]), edit), "changed", "the edited cell was removed");
});

test("a step whose change is not in the notebook (reloaded unsaved) is gone, not 'changed since'", () => {
  const insert = { name: "insert_cell", args: { source: "new = 1" }, undo: { cell_id: "n1" } };
  const edit = { name: "edit_cell", args: { index: 0, new_source: "x = 2" }, undo: { cell_id: "c0", before: "x = 1" } };
  // The notebook as its file had it before the agent's steps: no cell n1, cell 0 as it was.
  const nb = notebook([["c0", "x = 1"]]);
  assert.equal(outcome(nb, edit), "gone");
  assert.equal(outcome(nb, insert), "gone");
  assert.deepEqual(nb.sources(), [["c0", "x = 1"]], "nothing touched");
  // Whether a step's change is there, without touching anything (a run after a lost edit asks).
  assert.equal(stepPresence(nb, edit), "gone");
  assert.equal(stepPresence(nb, insert), "gone");
  assert.equal(stepPresence(notebook([["c0", "x = 2"]]), edit), "there");
  assert.equal(stepPresence(notebook([["c0", "x = 3"]]), edit), "changed");
});

test("a notebook that stores no cell ids, reloaded unsaved (every id new): an edit back to its old source is gone", () => {
  const edit = { name: "edit_cell", args: { index: 1, new_source: "x = 2" }, undo: { cell_id: "old1", before: "x = 1" } };
  const nb = notebook([["new0", "a"], ["new1", "x = 1"]]);
  assert.equal(stepPresence(nb, edit), "gone");
  assert.equal(outcome(nb, edit), "gone");
  assert.deepEqual(nb.sources(), [["new0", "a"], ["new1", "x = 1"]], "nothing touched");
  // Another source at that place (the cell removed, or changed since): changed.
  assert.equal(stepPresence(notebook([["new0", "a"], ["new1", "x = 3"]]), edit), "changed");
  assert.equal(stepPresence(notebook([["new0", "a"]]), edit), "changed");
});

test("a notebook that stores no cell ids: a change typed back by hand, or saved and reloaded, is found at its place and undone", () => {
  // Reloaded unsaved (every id new), then the person typed the agent's edit back in.
  const edit = { name: "edit_cell", args: { index: 1, new_source: "x = 2" }, undo: { cell_id: "old1", before: "x = 1" } };
  const typed = notebook([["new0", "a"], ["new1", "x = 2"]]);
  assert.equal(stepPresence(typed, edit), "there");
  const e = revertStep(typed, edit);
  assert.equal(e.outcome, "undone");
  assert.deepEqual(typed.sources(), [["new0", "a"], ["new1", "x = 1"]]);
  assert.equal(e.restore?.(), true, "put back in the cell it reverted, by its id now");
  assert.deepEqual(typed.sources(), [["new0", "a"], ["new1", "x = 2"]]);
  // An insert saved and reloaded (its cell has a new id), found at its output's index.
  const insert = { name: "insert_cell", args: { source: "new = 1" }, undo: { cell_id: "n1" }, index: 1 };
  const saved = notebook([["new0", "a"], ["new1", "new = 1"], ["new2", "z"]]);
  assert.equal(stepPresence(saved, insert), "there");
  const i = revertStep(saved, insert);
  assert.equal(i.outcome, "undone");
  assert.deepEqual(saved.sources(), [["new0", "a"], ["new2", "z"]]);
  assert.equal(i.restore?.(), true);
  assert.deepEqual(saved.sources(), [["new0", "a"], ["new1", "new = 1"], ["new2", "z"]]);
  // Another source at that place is not the step's: gone (insert) or changed (edit), untouched.
  const other = notebook([["new0", "a"], ["new1", "x = 3"]]);
  assert.equal(revertStep(other, edit).outcome, "changed");
  assert.equal(revertStep(other, insert).outcome, "gone");
  assert.deepEqual(other.sources(), [["new0", "a"], ["new1", "x = 3"]]);
});

test("a reverted step can be put back exactly: the removed cell at its place, with its id and outputs", () => {
  const insert = { name: "insert_cell", args: { source: "new = 1" }, undo: { cell_id: "n1" } };
  const edit = { name: "edit_cell", args: { index: 0, new_source: "x = 2" }, undo: { cell_id: "c0", before: "x = 1" } };
  const nb = notebook([["c0", "x = 2"], ["n1", "new = 1"], ["c2", "z"]]);
  nb.cells[1].outputs = [{ output_type: "stream", name: "stdout", text: "1\n" }];
  const e = revertStep(nb, edit);
  const i = revertStep(nb, insert);
  assert.deepEqual(nb.sources(), [["c0", "x = 1"], ["c2", "z"]]);
  // Put back oldest first (the reverse of the reverts).
  assert.equal(i.restore?.(), true);
  assert.equal(e.restore?.(), true);
  assert.deepEqual(nb.sources(), [["c0", "x = 2"], ["n1", "new = 1"], ["c2", "z"]]);
  assert.deepEqual(nb.cells[1].outputs, [{ output_type: "stream", name: "stdout", text: "1\n" }]);
  // A cell changed meanwhile is not overwritten, and a cell already back is not doubled.
  const e2 = revertStep(nb, edit);
  nb.cells[0].setSource("x = 1  # typed meanwhile");
  assert.equal(e2.restore?.(), false);
  assert.equal(nb.cells[0].source, "x = 1  # typed meanwhile");
  const i2 = revertStep(nb, insert);
  nb.insertCell(1, { id: "n1", source: "new = 1", outputs: [] });
  assert.equal(i2.restore?.(), false);
  assert.equal(nb.cells.filter((c) => c.id === "n1").length, 1);
});

test("an edit's old source that held a secret is not kept in its undo record; others are", () => {
  const { cases } = JSON.parse(
    readFileSync(new URL("../../../../tests/fixtures/secrets.json", import.meta.url), "utf-8"),
  ) as { cases: { name: string; value: string; secret: string }[] };
  assert.ok(cases.length > 0);
  for (const { name, value, secret } of cases) {
    // The secret as a cell would hold it: assigned to its name, in Python quotes.
    const quoted = `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
    const before = `import os\n${name} = ${quoted}\nprint("ready")`;
    const kept = storableUndo({ cell_id: "c1", before });
    assert.deepEqual(kept, { cell_id: "c1", withheld: "secret" }, before);
    assert.ok(!JSON.stringify(kept).includes(secret));
  }
  const plain = { cell_id: "c1", before: 'api_url = "https://example.org"\nprint(x)' };
  assert.deepEqual(storableUndo(plain), plain, "a source without a secret stays undoable");
  assert.deepEqual(storableUndo({ cell_id: "c2" }), { cell_id: "c2" }, "an insert's record has no source");
});
