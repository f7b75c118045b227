/**
 * "Fix this error" buttons on error outputs. The label says what the button sends:
 * "Fix the error in cell 6: KeyError: 'regoin'" (context.ts `fixErrorParts`), as /fix does.
 *
 * We watch the DOM of each notebook (not only model signals) because JupyterLab renders
 * outputs lazily for cells scrolled out of view; a MutationObserver sees the output
 * the moment it is really on the page. Each output child is matched to its output model
 * by index, so stderr streams (same MIME type as tracebacks) get no button. The same
 * watch says how to get back a saved `%chat` output whose kernel is gone (lostchat.ts).
 */

import type { Cell, CodeCell } from "@jupyterlab/cells";
import type * as nbformat from "@jupyterlab/nbformat";
import type { INotebookTracker, NotebookPanel } from "@jupyterlab/notebook";
import type { IDisposable } from "@lumino/disposable";
import { splitUncaught } from "./grouperror";
import { endedRun, onRunEnded } from "./kerneldeath";
import { showLostChat } from "./lostchat";
import { sendsCellLabel } from "./privatecells";

/** Class on an output child that shows an error; the context menu item selects it. */
export const ERROR_OUTPUT_CLASS = "jp-chatkit-error-output";
const BUTTON_CLASS = "jp-chatkit-ask-error";
const ACTIONS_CLASS = "jp-chatkit-error-actions";
// Under a cell whose kernel died while it ran: what happened, and the same button. Page
// only (kerneldeath.ts): nothing is written into the cell's outputs or the notebook.
const RUN_ENDED_CLASS = "jp-chatkit-run-ended";

/** Called when someone asks about an error. */
export type AskHandler = (panel: NotebookPanel, cell: Cell, error: nbformat.IError) => void;

/** Keeps buttons on the error outputs of every notebook in `tracker`. */
export class ErrorButtons implements IDisposable {
  private observers = new Map<NotebookPanel, MutationObserver>();
  private disposed = false;
  private readonly stopRunEnds: () => void;
  // Cells whose re-run is watched (a run ended without a reply shows until the next).
  private readonly watchedRuns = new WeakSet<Cell>();

  constructor(
    private readonly tracker: INotebookTracker,
    private readonly onAsk: AskHandler,
    private readonly label = "Fix this error",
  ) {
    tracker.forEach((panel) => this.watch(panel));
    tracker.widgetAdded.connect(this.onAdded, this);
    // A run the kernel never finished often leaves no output to put a button on.
    this.stopRunEnds = onRunEnded((panel, cell) => {
      if (this.observers.has(panel)) this.decorate(panel, cell);
    });
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tracker.widgetAdded.disconnect(this.onAdded, this);
    this.stopRunEnds();
    for (const observer of this.observers.values()) observer.disconnect();
    this.observers.clear();
  }

  private onAdded(_: INotebookTracker, panel: NotebookPanel): void {
    this.watch(panel);
  }

  private watch(panel: NotebookPanel): void {
    if (this.observers.has(panel)) return;
    const pending = new Set<Element>();
    let scheduled = false;
    const flush = (): void => {
      scheduled = false;
      for (const node of pending) this.decorateNode(panel, node);
      pending.clear();
    };
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        const target = record.target instanceof Element ? record.target : record.target.parentElement;
        // Typing in an editor mutates the DOM constantly; only output areas matter here.
        const cellNode = target?.closest(".jp-OutputArea")?.closest(".jp-Cell");
        if (cellNode) pending.add(cellNode);
      }
      if (pending.size && !scheduled) {
        scheduled = true;
        requestAnimationFrame(flush);
      }
    });
    observer.observe(panel.content.node, { childList: true, subtree: true });
    // A cell kept out or let in again (its tag: metadata) changes no output: relabel.
    let relabelDue = false;
    panel.content.modelContentChanged.connect(() => {
      if (relabelDue) return;
      relabelDue = true;
      requestAnimationFrame(() => {
        relabelDue = false;
        if (!panel.isDisposed) for (const cell of panel.content.widgets) relabel(cell);
      });
    });
    this.observers.set(panel, observer);
    panel.disposed.connect(() => {
      observer.disconnect();
      this.observers.delete(panel);
    });
    void panel.revealed.then(() => {
      for (const cell of panel.content.widgets) this.decorate(panel, cell);
    });
  }

  private decorateNode(panel: NotebookPanel, node: Element): void {
    const cell = panel.content.widgets.find((c) => c.node === node);
    if (cell) this.decorate(panel, cell);
  }

  /** Add or remove buttons so exactly the error outputs of `cell` have one. */
  decorate(panel: NotebookPanel, cell: Cell): void {
    if (cell.model.type !== "code" || cell.isDisposed) return;
    const area = (cell as CodeCell).outputArea;
    if (!area) return;
    const model = area.model;
    area.widgets.forEach((child, i) => {
      const output = i < model.length ? model.get(i) : null;
      // The same watch finds a saved %chat output whose kernel is gone (lostchat.ts).
      if (output) showLostChat(child.node, output.data);
      // An uncaught ExceptionGroup IPython printed to stderr is an error too (grouperror.ts).
      // Only a stream is read whole here (an image's data is never copied per mutation).
      const isError = output?.type === "error" || (output?.type === "stream" && errorOf(output.toJSON()) !== null);
      child.node.classList.toggle(ERROR_OUTPUT_CLASS, isError);
      const existing = child.node.querySelector(`.${ACTIONS_CLASS}`);
      if (!isError) {
        existing?.remove();
        return;
      }
      if (existing) {
        relabel(cell);
        return;
      }
      // Inside the rendered traceback, under it: where the eye is after reading it.
      const host = child.node.querySelector(".jp-OutputArea-output") ?? child.node;
      const actions = document.createElement("div");
      actions.className = ACTIONS_CLASS;
      const button = document.createElement("button");
      button.type = "button";
      button.className = BUTTON_CLASS;
      button.dataset.label = this.label;
      button.dataset.title = "Ask the Notebook Assistant to fix this error (the cell and its error go with it)";
      labelButton(button, cell);
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        // Read the output now: the button outlives re-renders of the same slot.
        const j = area.widgets.indexOf(child);
        const current = j >= 0 && j < model.length ? model.get(j) : null;
        const error = current ? errorOf(current.toJSON()) : null;
        if (error) this.onAsk(panel, cell, error);
      });
      actions.appendChild(button);
      host.appendChild(actions);
    });
    this.decorateEnded(panel, cell as CodeCell);
  }

  /** Show, under `cell`, that its kernel never finished its run, with the button; or
   * take it away once the cell runs again. */
  private decorateEnded(panel: NotebookPanel, cell: CodeCell): void {
    const area = cell.outputArea;
    const error = endedRun(cell);
    const existing = area.node.querySelector(`:scope > .${RUN_ENDED_CLASS}`);
    if (!error) {
      existing?.remove();
      return;
    }
    if (!this.watchedRuns.has(cell)) {
      this.watchedRuns.add(cell);
      // A re-run that prints nothing changes no output: its start says the note is old
      // (read a frame later: JupyterLab sets the run's request just after its state).
      cell.model.stateChanged.connect((_, change) => {
        if (change.name !== "executionState" && change.name !== "executionCount") return;
        requestAnimationFrame(() => this.decorate(panel, cell));
      });
    }
    if (existing) {
      // A restart first, then the server says the kernel had died: the note follows.
      const said = existing.querySelector(".jp-chatkit-run-ended-text");
      if (said && said.textContent !== error.evalue) said.textContent = error.evalue;
      return;
    }
    const note = document.createElement("div");
    note.className = `${RUN_ENDED_CLASS} ${ACTIONS_CLASS}`;
    const text = document.createElement("span");
    text.className = "jp-chatkit-run-ended-text";
    text.textContent = error.evalue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = BUTTON_CLASS;
    button.dataset.label = this.label;
    button.dataset.title =
      "Ask the Notebook Assistant about this cell (the cell and what happened to its run go with it)";
    labelButton(button, cell);
    button.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      const current = endedRun(cell);
      if (current) this.onAsk(panel, cell, current);
    });
    note.append(text, button);
    area.node.appendChild(note);
  }
}

/** Say on the button whether it sends a kept-out cell (privatecells.ts). */
function labelButton(button: HTMLElement, cell: Cell): void {
  const text = sendsCellLabel(button.dataset.label ?? "", cell.model);
  if (button.textContent !== text) button.textContent = text;
  const title = sendsCellLabel(button.dataset.title ?? "", cell.model);
  if (button.title !== title) button.title = title;
}

/** The buttons under `cell`'s outputs, labelled for whether it is kept out now. */
function relabel(cell: Cell): void {
  if (cell.isDisposed) return;
  for (const button of cell.node.querySelectorAll<HTMLElement>(`.${BUTTON_CLASS}`)) labelButton(button, cell);
}

/** The error `output` shows: itself, or the uncaught ExceptionGroup a stderr stream holds. */
function errorOf(output: nbformat.IOutput): nbformat.IError | null {
  if (output.output_type === "error") return output as nbformat.IError;
  if (output.output_type !== "stream") return null;
  const error = splitUncaught(output).find((o) => o.output_type === "error");
  return (error as nbformat.IError | undefined) ?? null;
}
