/** Node tests of kerneldeath.ts: a cell whose kernel died (or was restarted, or shut
 * down) while it ran is read with an error saying so, by the tools and by /fix; a cell
 * that finished, one only queued behind it, and one run again since are read as they are.
 * The session's signals are driven as JupyterLab's KernelConnection emits them. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Cell } from "@jupyterlab/cells";
import type * as nbformat from "@jupyterlab/nbformat";
import type { NotebookPanel } from "@jupyterlab/notebook";
import { Signal } from "@lumino/signaling";
import { activeCell, cellInfo } from "../src/cells";
import { endedRun, endedWithoutReply, onRunEnded, RUN_ENDS, watchRunEnds } from "../src/kerneldeath";
import { errorOutputs } from "../src/prompts";
import { fakeStorage } from "./fakestorage";

interface FakeCell {
  model: object;
  outputArea: { future: { msg: { header: { msg_id: string } } } | null };
}

function codeCell(outputs: nbformat.IOutput[] = [], id = `cell-${Math.random()}`, source = "import os\nos._exit(1)"): FakeCell {
  return {
    model: {
      type: "code",
      id,
      executionCount: null,
      metadata: {},
      getMetadata: () => undefined,
      sharedModel: { getSource: () => source },
      outputs: { toJSON: () => outputs },
    },
    outputArea: { future: null },
  };
}

/** A notebook whose session's signals the test drives, with `cells` (its server
 * session: `session`, loaded at once). */
function notebook(cells: FakeCell[], session?: string, path = "a.ipynb") {
  const iopub = new Signal<object, unknown>({});
  const status = new Signal<object, string>({});
  const pathChanged = new Signal<object, string>({});
  const panel = {
    isDisposed: false,
    context: { path, localPath: path, ready: Promise.resolve(), pathChanged },
    sessionContext: {
      kernelDisplayName: "Python 3",
      iopubMessage: iopub,
      statusChanged: status,
      ready: Promise.resolve(),
      session: session ? { id: session } : null,
    },
    content: { widgets: cells, activeCellIndex: 0 },
  } as unknown as NotebookPanel;
  watchRunEnds(panel);
  const message = (type: string, request: string, content: object = {}) =>
    iopub.emit({ header: { msg_type: type, msg_id: `${type}-${request}` }, parent_header: { msg_id: request }, content });
  return {
    panel,
    /** JupyterLab sends `cell`'s run (its output area's future). */
    send(cell: FakeCell, request: string) {
      cell.outputArea.future = { msg: { header: { msg_id: request } } };
    },
    /** The kernel begins running `request`. */
    begin(request: string) {
      message("status", request, { execution_state: "busy" });
      message("execute_input", request);
    },
    /** The kernel ends `request` (its reply, then idle). */
    end(request: string) {
      message("status", request, { execution_state: "idle" });
    },
    status(...states: string[]) {
      for (const s of states) status.emit(s);
    },
    /** The notebook is renamed or moved (its context's path, then pathChanged). */
    rename(to: string) {
      (panel.context as { path: string }).path = to;
      pathChanged.emit(to);
    },
  };
}

const read = (cell: FakeCell) => cellInfo(cell as unknown as Cell, 0, true).outputs ?? [];
const enames = (cell: FakeCell) => read(cell).map((o) => o.ename ?? o.output_type);

test("a cell whose kernel died while it ran ends in an error saying so; the queued cell after it does not", () => {
  const printed: nbformat.IStream = { output_type: "stream", name: "stdout", text: "loading\n" };
  const [crash, queued] = [codeCell([printed]), codeCell()];
  const nb = notebook([crash, queued]);
  nb.send(crash, "r1");
  nb.send(queued, "r2");
  nb.begin("r1");
  // The server restarts the kernel that died: `restarting`, then `autorestarting`.
  nb.status("restarting", "autorestarting", "starting", "idle");
  assert.deepEqual(enames(crash), ["stream", RUN_ENDS.died.ename]);
  assert.ok(read(crash)[0].text.includes("loading"));
  assert.deepEqual(enames(queued), []);
  // /fix and "Fix this error" find it; get_active_cell reads it.
  assert.equal(errorOutputs(crash as unknown as Cell)[0]?.ename, RUN_ENDS.died.ename);
  const active = JSON.stringify(activeCell(nb.panel, 0, true));
  assert.ok(active.includes(RUN_ENDS.died.ename), active);
});

test("a run the person restarted or shut down the kernel under says which", () => {
  const [a, b] = [codeCell(), codeCell()];
  const nb = notebook([a, b]);
  nb.send(a, "r1");
  nb.begin("r1");
  nb.status("restarting", "starting", "idle");
  assert.deepEqual(enames(a), [RUN_ENDS.restarted.ename]);
  nb.send(b, "r2");
  nb.begin("r2");
  nb.status("dead");
  assert.deepEqual(enames(b), [RUN_ENDS.stopped.ename]);
});

test("a cell that finished, or that ran again since, is read as it is", () => {
  const [done, again] = [codeCell(), codeCell()];
  const nb = notebook([done, again]);
  nb.send(done, "r1");
  nb.begin("r1");
  nb.end("r1");
  nb.status("restarting", "autorestarting", "idle");
  assert.deepEqual(enames(done), []);
  nb.send(again, "r2");
  nb.begin("r2");
  nb.status("restarting", "autorestarting", "idle");
  assert.deepEqual(enames(again), [RUN_ENDS.died.ename]);
  // Run again: the new run is what the cell shows (its kernel is alive).
  nb.send(again, "r3");
  assert.deepEqual(enames(again), []);
});

test("a subshell's request (JEP 91) is no cell's run", () => {
  const cell = codeCell();
  const nb = notebook([cell]);
  nb.send(cell, "r1");
  nb.begin("r1");
  nb.end("r1");
  // A subshell's execute_input names its subshell: the main shell runs nothing.
  const iopub = (nb.panel.sessionContext as unknown as { iopubMessage: Signal<object, unknown> }).iopubMessage;
  iopub.emit({
    header: { msg_type: "execute_input", msg_id: "x" },
    parent_header: { msg_id: "r1", subshell_id: "s1" },
    content: {},
  });
  nb.status("restarting", "autorestarting");
  assert.deepEqual(enames(cell), []);
});

test("the page is told of a run that ended without a reply, and again when a restart turns out a death", () => {
  // errorbuttons.ts shows it under the cell (which often has no output to hold a button).
  const [crash, finished] = [codeCell(), codeCell()];
  const nb = notebook([crash, finished]);
  const told: string[] = [];
  const stop = onRunEnded((panel, cell) => {
    assert.equal(panel, nb.panel);
    told.push(`${cell === (crash as unknown as Cell) ? "crash" : "other"}:${endedRun(cell)?.ename}`);
  });
  nb.send(finished, "r0");
  nb.begin("r0");
  nb.end("r0");
  nb.send(crash, "r1");
  nb.begin("r1");
  nb.status("restarting", "autorestarting", "starting", "idle");
  stop();
  assert.deepEqual(told, [`crash:${RUN_ENDS.restarted.ename}`, `crash:${RUN_ENDS.died.ename}`]);
});

test("a reload keeps the note while the notebook's session lives; a run since, a count or another session drops it", async () => {
  const items = fakeStorage();
  try {
    const crash = codeCell([], "c-crash");
    const nb = notebook([crash, codeCell([], "c-other")], "session-1");
    nb.send(crash, "r1");
    nb.begin("r1");
    nb.status("restarting", "autorestarting", "starting", "idle");
    assert.deepEqual(enames(crash), [RUN_ENDS.died.ename]);
    const kept = [...items.values()].join("");
    // Ids and how it ended only: nothing the cell holds.
    assert.ok(!kept.includes("os._exit"), kept);

    // The page reloads: the same cell (by id) in a new page, the same server session.
    const told: string[] = [];
    const stop = onRunEnded((_, cell) => told.push(endedRun(cell)?.ename ?? ""));
    const reloaded = codeCell([], "c-crash");
    notebook([codeCell([], "c-other"), reloaded], "session-1");
    await new Promise((resolve) => setTimeout(resolve, 0));
    stop();
    assert.deepEqual(enames(reloaded), [RUN_ENDS.died.ename]);
    assert.deepEqual(told, [RUN_ENDS.died.ename]); // the cell shows it again
    assert.equal(errorOutputs(reloaded as unknown as Cell)[0]?.ename, RUN_ENDS.died.ename);

    // Another session (the kernel was shut down, a new one started): nothing.
    const elsewhere = codeCell([], "c-crash");
    notebook([elsewhere], "session-2");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(enames(elsewhere), []);

    // It ran elsewhere since (its count): dropped, and forgotten for the next reload.
    const counted = codeCell([], "c-crash");
    (counted.model as { executionCount: number | null }).executionCount = 4;
    notebook([counted], "session-1");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(enames(counted), []);
    const again = codeCell([], "c-crash");
    notebook([again], "session-1");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(enames(again), []);
  } finally {
    delete (globalThis as Record<string, unknown>).localStorage;
  }
});

test("after a reload, the cell run again reads as it is, and the next reload forgets it", async () => {
  fakeStorage();
  try {
    const crash = codeCell([], "c-1");
    const nb = notebook([crash], "s-1");
    nb.send(crash, "r1");
    nb.begin("r1");
    nb.status("restarting", "starting", "idle");
    const reloaded = codeCell([], "c-1");
    const page = notebook([reloaded], "s-1");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(enames(reloaded), [RUN_ENDS.restarted.ename]);
    page.send(reloaded, "r2");
    assert.deepEqual(enames(reloaded), []);
    const next = codeCell([], "c-1");
    notebook([next], "s-1");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(enames(next), []);
  } finally {
    delete (globalThis as Record<string, unknown>).localStorage;
  }
});

test("a notebook that stores no cell ids (new ones at each load) finds the note on the cell at its place, if its source is the same", async () => {
  const items = fakeStorage();
  try {
    const crash = codeCell([], "id-load-1", "import os\nos._exit(1)");
    const nb = notebook([codeCell([], "a-1", "x = 1"), crash], "s-ids");
    nb.send(crash, "r1");
    nb.begin("r1");
    nb.status("restarting", "autorestarting", "starting", "idle");
    // Nothing the cell holds is kept (its source only as a digest).
    assert.ok(![...items.values()].join("").includes("os._exit"));
    // Reloaded unsaved: the same cells, every id new.
    const reloaded = codeCell([], "id-load-2", "import os\nos._exit(1)");
    notebook([codeCell([], "a-2", "x = 1"), reloaded], "s-ids");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(enames(reloaded), [RUN_ENDS.died.ename]);
    // Another cell at that place (its source not the crashed code): nothing.
    const other = codeCell([], "id-load-3", "print('other')");
    const first = codeCell([], "a-3", "x = 1");
    notebook([first, other], "s-ids");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(enames(other), []);
    assert.deepEqual(enames(first), []);
  } finally {
    delete (globalThis as Record<string, unknown>).localStorage;
  }
});

test("a run stopped by a shutdown keeps its note across a reload, in the notebook's next session; a death's note does not", async () => {
  fakeStorage();
  try {
    const [stopped, died] = [codeCell([], "c-stop"), codeCell([], "c-died")];
    const nb = notebook([stopped, died], "s-old");
    nb.send(died, "r0");
    nb.begin("r0");
    nb.status("restarting", "autorestarting", "starting", "idle");
    nb.send(stopped, "r1");
    nb.begin("r1");
    // JupyterLab's "Shut Down Kernel": the kernel is terminating, then its session ends.
    nb.status("terminating");
    (nb.panel.sessionContext as unknown as { session: unknown }).session = null;
    nb.status("unknown");
    assert.deepEqual(enames(stopped), [RUN_ENDS.stopped.ename]);
    // Renamed, then reloaded: JupyterLab starts the notebook a new kernel (a new session).
    nb.rename("work/renamed.ipynb");
    const [again, diedAgain] = [codeCell([], "c-stop"), codeCell([], "c-died")];
    notebook([again, diedAgain], "s-new", "work/renamed.ipynb");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(enames(again), [RUN_ENDS.stopped.ename]);
    assert.deepEqual(enames(diedAgain), []);
    // Another notebook with a cell of that id: nothing.
    const elsewhere = codeCell([], "c-stop");
    notebook([elsewhere], "s-other", "a.ipynb");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(enames(elsewhere), []);
  } finally {
    delete (globalThis as Record<string, unknown>).localStorage;
  }
});

test("a run the kernel interrupts on shutdown (it replied: KeyboardInterrupt) gets no note", () => {
  const cell = codeCell([], "c-int");
  const nb = notebook([cell], "s-int");
  nb.send(cell, "r1");
  nb.begin("r1");
  nb.status("terminating");
  nb.end("r1");
  nb.status("unknown");
  assert.deepEqual(enames(cell), []);
});

test("a process that dies before its execute_input leaves it: the lone cell whose run is pending is the one", () => {
  const [crash, idle] = [codeCell([], "c-fast"), codeCell([], "c-idle")];
  const nb = notebook([crash, idle], "s-fast");
  nb.send(crash, "r1");
  (crash.model as { executionState?: string }).executionState = "running";
  nb.status("restarting", "autorestarting", "starting", "idle");
  assert.deepEqual(enames(crash), [RUN_ENDS.died.ename]);
  assert.deepEqual(enames(idle), []);
});

test("a run whose wait ends without a reply reads how it ended, whichever the kernel's status tells first (KDIED9)", () => {
  // JupyterLab cancels a run's request when its kernel connection restarts (the server's
  // `restarting`), reconnects or is disposed; the status that says why may come before
  // the run's wait ends, after it, or not on this connection at all. Agent mode's
  // run_cell reads the cell when the wait ends (tools.ts): it must say the kernel died.
  const died = RUN_ENDS.died.ename;
  const orders: Record<string, { before: string[]; after: string[]; started?: boolean; end?: string }> = {
    "restart told first": { before: ["restarting", "autorestarting"], after: ["starting", "idle"] },
    "nothing told yet": { before: [], after: ["restarting", "autorestarting", "starting", "idle"] },
    "connection disposed, told nothing": { before: ["unknown"], after: ["idle"] },
    "died before execute_input, told after": { before: [], after: ["restarting", "autorestarting"], started: false },
    "restarted kernel idle first": { before: ["busy", "idle"], after: ["restarting", "autorestarting"] },
    "restart failed": { before: ["dead"], after: [], end: RUN_ENDS.stopped.ename },
    "person restarted it": { before: ["restarting"], after: ["starting", "idle"], end: RUN_ENDS.restarted.ename },
    "person shut it down": { before: ["terminating"], after: ["unknown"], end: RUN_ENDS.stopped.ename },
  };
  for (const [name, order] of Object.entries(orders)) {
    const [cell, other] = [codeCell(), codeCell()];
    const nb = notebook([cell, other]);
    nb.send(cell, "r1");
    if (order.started !== false) nb.begin("r1");
    nb.status(...order.before);
    // The wait ends (runCells false, no reply): what run_cell reads.
    const read = endedWithoutReply(nb.panel, cell as unknown as Cell);
    assert.equal(read?.ename, order.end ?? died, name);
    nb.status(...order.after);
    assert.deepEqual(enames(cell), [order.end ?? died], name);
    assert.deepEqual(enames(other), [], name);
  }
});

test("a run that was answered, or never sent, is no run without a reply", () => {
  const [answered, unsent] = [codeCell(), codeCell()];
  const nb = notebook([answered, unsent]);
  nb.send(answered, "r1");
  nb.begin("r1");
  (answered.model as { executionCount: number | null }).executionCount = 3; // its reply
  nb.end("r1");
  assert.equal(endedWithoutReply(nb.panel, answered as unknown as Cell), null);
  assert.equal(endedWithoutReply(nb.panel, unsent as unknown as Cell), null);
  assert.deepEqual([enames(answered), enames(unsent)], [[], []]);
});
