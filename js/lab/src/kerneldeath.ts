/**
 * A cell whose run its kernel never finished: the kernel died (`os._exit`, a segfault,
 * the OOM killer) or was restarted or shut down while the cell ran. Such a cell gets no
 * reply: no execution count (JupyterLab cleared it when the run began) and often no
 * output, so read as it is it looks like a cell that never ran, or ran fine.
 *
 * JupyterLab knows it live, through public signals of each notebook's session: the
 * request the kernel is running began (its `execute_input`) and has not ended (its
 * `idle`) when the kernel's status turns `restarting` (then `autorestarting` when the
 * server restarts a kernel that died, `dead` when it cannot), or `dead` (shut down). The
 * cell whose output area sent that request is recorded, and every reader of a cell's
 * outputs (prompts.ts `cellOutputs`: the tools, the chips, /fix, Agent mode's run_cell)
 * reads it as one more error output, named by {@link RUN_ENDS} (a code, not a message).
 * It holds until the cell runs again (or, after a reload, shows an execution count: it
 * ran elsewhere since). A reload of the page keeps it while the notebook's server
 * session lives (runendstore.ts: the browser's storage, by session and cell, the cell
 * found by id or, when its notebook stores no ids, by place and source; a kernel shut
 * down ends its session, and a death's note with it, while the note of the run that
 * shutdown stopped is kept by the notebook's path). The saved notebook says nothing of
 * it, and a kernel started after cannot know (under nbclient nothing runs after a
 * death: it stops the notebook with `DeadKernelError`).
 *
 * Loaded at start-up (small, no JupyterLab code at run time), so a run is watched from
 * when its notebook opens.
 */

import type { Cell, CodeCell } from "@jupyterlab/cells";
import type * as nbformat from "@jupyterlab/nbformat";
import type { INotebookTracker, NotebookPanel } from "@jupyterlab/notebook";
import type { Contents, KernelMessage } from "@jupyterlab/services";
import { forgetRunEnd, type KeptRunEnd, keepRunEnd, keptRunEnds, renameRunEnds, sourceDigest } from "./runendstore";

/** How a run ended without a reply. */
export type RunEnd = "died" | "restarted" | "stopped";

/** What the model reads for each end: an error output's `ename` (a code), `evalue` (what
 * happened, short: the /fix bubble shows it) and its one traceback line (what follows). */
export const RUN_ENDS: Record<RunEnd, { ename: string; evalue: string; detail: string }> = {
  died: {
    ename: "KernelDied",
    evalue: "The kernel died while this cell ran: the cell did not finish.",
    detail:
      "The kernel's process ended (out of memory, a segfault, or the process exited) and was restarted if it " +
      "could be: every variable and import is gone, so the cells this one needs must run again.",
  },
  restarted: {
    ename: "KernelRestarted",
    evalue: "The kernel was restarted while this cell ran: the cell did not finish.",
    detail: "Every variable and import is gone, so the cells this one needs must run again.",
  },
  stopped: {
    ename: "KernelStopped",
    evalue: "The kernel was shut down while this cell ran: the cell did not finish.",
    detail: "The notebook has no running kernel: one must be started, and the cells this one needs run again.",
  },
};

interface Ended {
  /** The execute request (msg_id) the kernel never answered. */
  request: string;
  end: RunEnd;
  /** The cell whose run it was. */
  cell: Cell;
  /** What keeps it across a reload (runendstore.ts), once kept or read back. */
  kept?: KeptRunEnd;
  /** Read back after a reload: the cell has not run in this page. */
  restored?: boolean;
}

// By cell model: a cell keeps its record when moved; a deleted one takes it with it.
const ended = new WeakMap<object, Ended>();

/** Told of a cell whose run just ended without a reply (errorbuttons.ts shows it). */
export type RunEndListener = (panel: NotebookPanel, cell: Cell) => void;
const listeners = new Set<RunEndListener>();

/** Call `listener` with each cell whose run ends without a reply from now on; returns
 * what stops it. */
export function onRunEnded(listener: RunEndListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The request a code cell's output area sent last (its current run, or its last). */
function requestOf(cell: Cell): string | undefined {
  return (cell as unknown as Partial<CodeCell>).outputArea?.future?.msg?.header?.msg_id;
}

/** The error output saying how `cell`'s last run ended, when its kernel never finished
 * it (and the cell has not run since); null otherwise. */
export function endedRun(cell: Cell): nbformat.IError | null {
  const record = ended.get(cell.model);
  if (!record) return null;
  const request = requestOf(cell);
  // Read back after a reload: not run in this page, and no count (none ran it elsewhere).
  const holds = record.restored
    ? (request === undefined || request === record.request) && (cell.model as { executionCount?: unknown }).executionCount == null
    : request === record.request;
  if (!holds) {
    ended.delete(cell.model);
    if (record.kept) forgetRunEnd(record.kept.session, record.kept.cell);
    return null;
  }
  const { ename, evalue, detail } = RUN_ENDS[record.end];
  return { output_type: "error", ename, evalue, traceback: [detail] };
}

// Per watched notebook: records a run its kernel connection ended without a reply.
const unanswered = new WeakMap<object, (cell: Cell) => Ended | null>();

/**
 * The error output for `cell` of `panel`, whose run just ended without a reply (its
 * request's wait was cancelled: JupyterLab drops a run's request when its kernel
 * connection restarts, reconnects to a restarted kernel or is disposed). The kernel's
 * status may tell of it before the run's wait ends, after, or never on this connection
 * (disposed first, or the new connection only says `idle`), so the run is recorded here
 * if no status has: how it ended is the last end the session's status told since the
 * request (a restart, a shutdown), else a death (nothing the person did ended it).
 * null when the cell has no request without a reply.
 */
export function endedWithoutReply(panel: NotebookPanel, cell: Cell): nbformat.IError | null {
  const known = endedRun(cell);
  if (known) return known;
  const record = unanswered.get(panel);
  return record?.(cell) ? endedRun(cell) : null;
}

/** Watch `panel`'s session: record the cell running when its kernel dies, restarts or
 * stops. */
export function watchRunEnds(panel: NotebookPanel): void {
  const session = panel.sessionContext;
  // The request the kernel runs now: began (execute_input), not ended (idle).
  let running: string | null = null;
  // How the session's status last said a run ends (a restart, a death, a shutdown).
  let lastEnd: RunEnd | null = null;
  // Its server session: a shutdown may have ended it by the time the run is recorded.
  let runningSession: string | undefined;
  // The record of the last `restarting`, which `autorestarting` or `dead` says was a death.
  let restarting: Ended | null = null;
  // The kernel is being shut down: its session ends when it is gone.
  let terminating = false;
  session.iopubMessage.connect((_, msg: KernelMessage.IMessage) => {
    const parent = msg.parent_header as Partial<KernelMessage.IHeader> & { subshell_id?: string | null };
    const id = parent?.msg_id;
    // A subshell's request runs beside the main shell's (JEP 91): not a cell's run.
    if (!id || parent.subshell_id) return;
    if (msg.header.msg_type === "execute_input") {
      running = id;
      runningSession = session.session?.id;
      lastEnd = null;
    }
    else if (msg.header.msg_type === "status" && running === id) {
      if ((msg.content as { execution_state?: string }).execution_state === "idle") running = null;
    }
  });
  const record = (end: RunEnd): Ended | null => {
    const request = running ?? onlyPending(panel);
    running = null;
    if (!request) return null;
    const cell = panel.content.widgets.find((c) => c.model.type === "code" && requestOf(c) === request);
    if (!cell) return null;
    const entry: Ended = { request, end, cell };
    ended.set(cell.model, entry);
    keep(entry);
    tell(entry);
    return entry;
  };
  const keep = (entry: Ended): void => {
    // The run's session (a shutdown ends it); a death or a restart is kept by it, a
    // shutdown's stop by the notebook's path too.
    const id = entry.kept?.session || runningSession || session.session?.id;
    if (!id && entry.end !== "stopped") return;
    const model = entry.cell.model;
    entry.kept = {
      session: id ?? "",
      cell: model.id,
      path: panel.context.path,
      index: panel.content.widgets.indexOf(entry.cell),
      digest: sourceDigest(model.sharedModel.getSource()),
      end: entry.end,
      request: entry.request,
      at: Date.now(),
    };
    keepRunEnd(entry.kept);
  };
  const tell = (entry: Ended): void => {
    for (const listener of listeners) listener(panel, entry.cell);
  };
  unanswered.set(panel, (cell: Cell): Ended | null => {
    const request = requestOf(cell);
    const model = cell.model as { type?: string; executionCount?: unknown };
    // A reply sets the count; a run without a request (never sent) did not run.
    if (!request || model.type !== "code" || model.executionCount != null) return null;
    if (running === request) running = null;
    const entry: Ended = { request, end: lastEnd ?? "died", cell };
    ended.set(cell.model, entry);
    keep(entry);
    tell(entry);
    // A later `autorestarting` (or `dead`) says a restart told first was a death.
    if (entry.end === "restarted") restarting = entry;
    return entry;
  });
  session.statusChanged.connect((_, status) => {
    if (status === "restarting" || status === "autorestarting") lastEnd = status === "restarting" ? "restarted" : "died";
    else if (status === "dead" || status === "terminating") lastEnd = restarting && status === "dead" ? "died" : "stopped";
    else if (status === "busy") lastEnd = null; // a kernel at work again: a later end is news
    if (status === "restarting") restarting = record("restarted");
    else if (status === "terminating") {
      // The person shuts the kernel down (Kernel > Shut Down Kernel). A run the kernel
      // interrupts first replies (KeyboardInterrupt: its own error); one still without
      // a reply when the kernel is gone (`unknown`, `dead`) never finished.
      terminating = true;
      restarting = null;
    } else if (terminating && status === "unknown") {
      terminating = false;
      record("stopped");
    } else if (status === "autorestarting" || status === "dead") {
      terminating = false;
      // The server restarts a kernel that died (`restarting`, `autorestarting`), and
      // says `dead` when it cannot; a kernel shut down elsewhere is `dead` at once.
      if (restarting) {
        restarting.end = "died";
        keep(restarting);
        tell(restarting);
      } else record(status === "dead" ? "stopped" : "died");
      restarting = null;
    } else restarting = null;
  });
  // A rename or move (here, or in another page with collaboration): the notes kept by
  // the notebook's path follow it.
  let path = panel.context.path;
  panel.context.pathChanged.connect((_, now) => {
    renameRunEnds(path, now);
    path = now;
  });
  void restore(panel, tell);
}

/** After a reload: the runs of this notebook's session that ended without a reply, on
 * the cells that have not run since (runendstore.ts). */
async function restore(panel: NotebookPanel, tell: (entry: Ended) => void): Promise<void> {
  try {
    await Promise.all([panel.context.ready, panel.sessionContext.ready]);
  } catch {
    return; // closed while it loaded
  }
  if (panel.isDisposed) return;
  const cells = panel.content.widgets;
  for (const kept of keptRunEnds(panel.sessionContext.session?.id, panel.context.path)) {
    const cell = cells.find((c) => c.model.id === kept.cell) ?? samePlace(cells, kept);
    if (cell?.model.type !== "code" || ended.has(cell.model)) continue;
    const entry: Ended = { request: kept.request, end: kept.end, cell, kept, restored: true };
    ended.set(cell.model, entry);
    if (endedRun(cell)) tell(entry);
  }
}

/**
 * The request of the one code cell whose run was sent and has not finished, if only one
 * has: a process that ends at once (`os._exit`) may die before its `execute_input` leaves
 * it, and the kernel runs the requests in order, so a lone pending one is the one it ran.
 */
function onlyPending(panel: NotebookPanel): string | null {
  const pending = panel.content.widgets.filter(
    (c) => c.model.type === "code" && (c.model as { executionState?: string }).executionState === "running" && requestOf(c),
  );
  return pending.length === 1 ? (requestOf(pending[0]) ?? null) : null;
}

/**
 * The cell a kept run ended on, when no cell has its id (a notebook that stores no ids
 * gets new ones at each load): the cell at its place, if its source is still the same.
 */
function samePlace(cells: readonly Cell[], kept: KeptRunEnd): Cell | undefined {
  const cell = kept.index === undefined ? undefined : cells[kept.index];
  return cell && kept.digest !== undefined && sourceDigest(cell.model.sharedModel.getSource()) === kept.digest ? cell : undefined;
}

const trackers = new WeakSet<INotebookTracker>();
const watchedContents = new WeakSet<Contents.IManager>();

/** Watch every notebook of `tracker` from when it opens (once per tracker, whichever
 * plugin asks), and the renames `contents` makes: a notebook (or its folder) renamed or
 * moved while it is not open keeps the notes kept by its path. */
export function watchNotebookRuns(tracker: INotebookTracker, contents?: Contents.IManager): void {
  if (contents && !watchedContents.has(contents)) {
    watchedContents.add(contents);
    contents.fileChanged.connect((_, change) => {
      const from = change.oldValue?.path;
      const to = change.newValue?.path;
      if (change.type === "rename" && typeof from === "string" && typeof to === "string") renameRunEnds(from, to);
    });
  }
  if (trackers.has(tracker)) return;
  trackers.add(tracker);
  tracker.forEach(watchRunEnds);
  tracker.widgetAdded.connect((_, panel) => watchRunEnds(panel));
}
