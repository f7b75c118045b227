/**
 * What keeps an approved Agent step to what the person saw: the cell its card showed
 * must still be there with the same source (else the step is not carried out), a run is
 * only interrupted on Stop when it is the agent's cell that executes, and Undo reverts a
 * step only while its cell still holds what the step wrote.
 *
 * No JupyterLab import at run time: the pure check is tested in node (test/stepguard).
 */

import type { CodeCell } from "@jupyterlab/cells";
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import type { Reversal, StepPreview, StepUndo, UndoStep } from "../../src/index";
import { Redactor } from "./redact";
import { mainShellIdle } from "./subshell";

/** The answer of a step whose cell is not the one its card showed. */
export const CELL_CHANGED = "the cell changed since this step was shown";

/** A cell as the check needs it: its id and source. */
export interface CellSnapshot {
  id: string;
  source: string;
}

/**
 * True when the cell a step acts on is no longer what its card showed: gone, another
 * cell at that index, or its source edited since. `shown` undefined: no card was shown
 * (an auto-approved step), nothing to compare.
 */
export function cellChangedSince(shown: StepPreview | undefined, cell: CellSnapshot | undefined): boolean {
  if (!shown) return false;
  // A card that showed no cell (e.g. "no cell 4") approves no cell that appeared since.
  if (shown.cellId === undefined || !cell || cell.id !== shown.cellId) return true;
  const source = shown.before ?? shown.code;
  return source !== undefined && source !== cell.source;
}

/**
 * The undo record a step's output may keep in the thread: an edit's old source only when
 * the context policy (the same redaction as the step's result) leaves it as it is.
 * Otherwise it held a secret: the thread must not store it, and the server's answers
 * scrub secrets, so Undo after a reload would write the scrubbed text into the cell.
 * That edit cannot be undone then, and the record says why (its card shows it).
 */
export function storableUndo(undo: StepUndo): StepUndo {
  if (undo.before === undefined || new Redactor().text(undo.before) === undo.before) return undo;
  return { cell_id: undo.cell_id, withheld: "secret" };
}

/** A notebook's cells as Undo needs them (a notebook model's `sharedModel`). */
export interface SharedCells {
  readonly cells: readonly {
    readonly id: string;
    getSource(): string;
    setSource(source: string): void;
    /** The cell as nbformat JSON (id, type, source, metadata, outputs). */
    toJSON(): object;
  }[];
  deleteCell(index: number): void;
  /** Insert a cell from its JSON (its id kept). */
  insertCell(index: number, cell: object): unknown;
}

/**
 * Where an Agent insert puts its cell in a notebook of `count` cells: after cell `after`
 * (-1: at the top), after the active cell `active` when the step names none; null when
 * the notebook has no cell `after`. Such a step cannot be carried out as its card says:
 * it was put at the notebook's end under a card naming "cell 1000000000001".
 */
export function insertIndex(after: unknown, active: number, count: number): number | null {
  if (after === undefined || after === null) return Math.min(Math.max(active + 1, 0), count);
  if (typeof after !== "number" || !Number.isInteger(after) || after < -1 || after >= count) return null;
  return after + 1;
}

/** The source a step wrote: an insert's `source`, an edit's `new_source` (as tools.ts applies them). */
function written(step: UndoStep): string {
  const value = step.name === "insert_cell" ? step.args.source : step.args.new_source;
  return typeof value === "string" ? value : "";
}

/**
 * The index of the cell a stored step acted on: the one with its id, else (no cell has
 * it) the one at the step's place holding exactly what the step wrote. A notebook that
 * stores no cell ids (nbformat before 4.5, or never saved) gets new ones at each load,
 * so a change saved, or typed back by hand after a reload, is found by its place. -1: none.
 */
function stepCellIndex(notebook: SharedCells, step: UndoStep): number {
  const byId = notebook.cells.findIndex((c) => c.id === step.undo.cell_id);
  if (byId >= 0) return byId;
  const place = stepPlace(step);
  const there = place === undefined ? undefined : notebook.cells[place];
  return there && there.getSource() === written(step) ? (place as number) : -1;
}

/** Where a step's cell was: its output's index, else an edit's `args.index`. */
function stepPlace(step: UndoStep): number | undefined {
  const index = step.index ?? (step.name === "edit_cell" ? step.args.index : undefined);
  return typeof index === "number" && Number.isInteger(index) && index >= 0 ? index : undefined;
}

/**
 * Whether a stored insert's or edit's change is in `notebook`: `there` when its cell
 * holds exactly what the step wrote, `gone` when it is not there at all (the inserted
 * cell missing, the edited one holding its old source again), else `changed`. The cell
 * is found by id, else by its place ({@link stepCellIndex}): an edited cell no cell's id
 * names is `gone` when the cell at the edit's place holds the old source again (a reload
 * before saving), `there` when it holds the edit (saved, or typed back by hand).
 */
export function stepPresence(notebook: SharedCells, step: UndoStep): "there" | "gone" | "changed" {
  const index = stepCellIndex(notebook, step);
  const cell = notebook.cells[index];
  if (!cell) {
    if (step.name === "insert_cell") return "gone";
    const place = stepPlace(step);
    const there = place === undefined ? undefined : notebook.cells[place];
    return there && step.undo.before !== undefined && there.getSource() === step.undo.before ? "gone" : "changed";
  }
  const source = cell.getSource();
  if (source === written(step)) return "there";
  return step.name === "edit_cell" && source === step.undo.before ? "gone" : "changed";
}

/**
 * Revert a stored insert or edit in `notebook`: remove the inserted cell, or put the
 * edited cell's previous source back. Only when the cell (found by id) still holds
 * exactly what the step wrote: a cell changed since is left alone (`changed`), so Undo
 * never discards the person's later work. A step whose change is not in the notebook at
 * all (the inserted cell is not there, the edited one holds its old source: the page was
 * reloaded without saving, or the person removed it) is `gone`: nothing to revert.
 * A reverted step comes with `restore`, which puts the change back exactly (the removed
 * cell at its place with its id and outputs) if the undo cannot be recorded.
 */
export function revertStep(notebook: SharedCells, step: UndoStep): Reversal {
  const presence = stepPresence(notebook, step);
  if (presence !== "there") return { outcome: presence };
  const index = stepCellIndex(notebook, step);
  const cell = notebook.cells[index];
  // The cell's id now: the step's own, or the one its notebook gave it at the last load.
  const id = cell.id;
  const wrote = written(step);
  if (step.name === "insert_cell") {
    const json = cell.toJSON();
    notebook.deleteCell(index);
    const restore = (): boolean => {
      if (notebook.cells.some((c) => c.id === id)) return false;
      notebook.insertCell(Math.min(index, notebook.cells.length), json);
      return true;
    };
    return { outcome: "undone", restore };
  }
  const before = step.undo.before;
  if (step.name !== "edit_cell" || before === undefined) return { outcome: "changed" };
  setUndoable(cell, before);
  const restore = (): boolean => {
    const now = notebook.cells.find((c) => c.id === id);
    if (!now || now.getSource() !== before) return false;
    setUndoable(now, wrote);
    return true;
  };
  return { outcome: "undone", restore };
}

/** Set a cell's source as one step of its own undo history, like the edit itself (edits.replaceSource). */
function setUndoable(cell: SharedCells["cells"][number], source: string): void {
  const undoManager = (cell as { undoManager?: { stopCapturing(): void } | null }).undoManager;
  undoManager?.stopCapturing();
  cell.setSource(source);
  undoManager?.stopCapturing();
}

/** How an agent's run of a cell went. */
export interface AgentRun {
  /** What runCells said: false when the cell did not run or its reply was not ok. */
  ran: boolean;
  /** The kernel began executing this cell's request. */
  started: boolean;
  /** Stop interrupted the kernel while this cell executed. */
  interrupted: boolean;
  /** Stop came before the cell executed: it was not sent (or not interrupted). */
  stoppedBefore: boolean;
  /** The cell changed while the run waited: not sent (what was approved is not what would run). */
  changed?: true;
}

/**
 * Run `cell` with `run` (NotebookActions.runCells) for Agent mode. The run is sent only
 * when the kernel's main shell is idle (subshell.ts `mainShellIdle`), so it never waits
 * in the kernel's queue behind the person's own running cell: Stop while waiting sends
 * nothing, and `waiting()` is called when the run has to wait for a running cell. Stop interrupts the kernel only
 * once the kernel executes this cell's request (its `execute_input`), never a cell of
 * the person's. (If the person starts a cell in the instant between idle and our
 * request, Stop before ours begins interrupts nothing.) `unchanged()` is asked once the
 * kernel is idle, just before the request: false (the cell is no longer what its card
 * showed) sends nothing.
 */
export async function runAgentCell(
  cell: CodeCell,
  kernel: Kernel.IKernelConnection | null,
  run: () => Promise<boolean>,
  signal: AbortSignal,
  waiting: () => void = () => undefined,
  unchanged: () => boolean = () => true,
): Promise<AgentRun> {
  const outcome: AgentRun = { ran: false, started: false, interrupted: false, stoppedBefore: false };
  if (signal.aborted || (kernel && !(await mainShellIdle(kernel, signal, waiting)) && signal.aborted)) {
    outcome.stoppedBefore = true;
    return outcome;
  }
  // Checked again right before the request is sent: the wait for the person's cell may
  // have been long, and the cell edited meanwhile (by them, by a collaborator).
  if (!unchanged()) {
    outcome.changed = true;
    return outcome;
  }
  const onIOPub = (_: unknown, msg: KernelMessage.IIOPubMessage): void => {
    const parent = (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id;
    if (msg.header.msg_type === "execute_input" && parent && parent === cell.outputArea.future?.msg.header.msg_id) {
      outcome.started = true;
    }
  };
  let skip: () => void = () => undefined;
  const skipped = new Promise<boolean>((resolve) => {
    skip = () => resolve(false);
  });
  const onAbort = (): void => {
    if (!outcome.started) {
      // Not this cell's turn in the kernel yet: interrupting would stop someone else's.
      outcome.stoppedBefore = true;
      skip();
      return;
    }
    outcome.interrupted = true;
    void kernel?.interrupt().catch(() => undefined);
  };
  kernel?.iopubMessage.connect(onIOPub);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    // An interrupted run is awaited (its KeyboardInterrupt is the cell's output).
    outcome.ran = await Promise.race([run(), skipped]);
  } finally {
    signal.removeEventListener("abort", onAbort);
    kernel?.iopubMessage.disconnect(onIOPub);
  }
  return outcome;
}
