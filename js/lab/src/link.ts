/**
 * The sidebar's link to "the current notebook": the notebook on screen (the shell's
 * current widget, when it is a notebook), else the notebook tracker's current one (the
 * last that had focus, or was added since).
 *
 * It answers the client tools, inserts and replaces cells (on a person's click) in that
 * notebook, and tells the panel when the attachment changes (another notebook, a
 * rename, the last notebook closed) so the header can say where code will go.
 */

import type { INotebookTracker, NotebookPanel } from "@jupyterlab/notebook";
import { type ISignal, Signal } from "@lumino/signaling";
import type { Widget } from "@lumino/widgets";
import type { InsertOptions, InsertResult } from "../../src/bridge";
import { focusCell, insertCode, type Replacement, replaceSource } from "./edits";
import {
  insertAnchor,
  markInserted,
  markPicked,
  NO_TURN,
  pickedAt,
  replaceAnchor,
  replaceNote,
  type TurnCells,
  watchPicks,
} from "./insertanchor";
import { activeTarget } from "./locate";

// The replace dialog (and its diff) loads on first use, not at JupyterLab's start.
const ops = () => import("./notebookops");

/** What the link reads of JupyterLab's shell (Notebook 7's too): the main area's
 * current widget and its changes (`JupyterFrontEnd.IShell`, whose signal is optional). */
export interface ShownWidget {
  readonly currentWidget: Widget | null;
  readonly currentChanged?: ISignal<unknown, unknown>;
}

/** Follows the notebook on screen (else the tracker's current one) and acts on it. */
export class NotebookLink {
  private _panel: NotebookPanel | null = null;
  private _changed = new Signal<this, NotebookPanel | null>(this);
  private _replaced = new Signal<this, Replacement>(this);
  private _openChanged = new Signal<this, void>(this);

  /**
   * `shell`: what is on screen. The tracker's current notebook alone is not: it is the
   * last notebook focused *or added* while none had focus (one opened in the background,
   * or restored while a dialog held the focus: a notebook that failed to load), so the
   * bar named a notebook in a hidden tab while another was on screen.
   */
  constructor(
    private readonly tracker: INotebookTracker,
    private readonly shell: ShownWidget | null = null,
  ) {
    tracker.currentChanged.connect(this.onCurrentChanged, this);
    shell?.currentChanged?.connect(this.onCurrentChanged, this);
    // The tracker says when a notebook opens, not when one closes: each says so itself.
    tracker.widgetAdded.connect(this.onOpened, this);
    tracker.forEach((panel) => {
      this.watchOpen(panel);
    });
    this.follow(this.current());
  }

  /** The notebook the sidebar is attached to, if any. */
  get panel(): NotebookPanel | null {
    return this._panel && !this._panel.isDisposed ? this._panel : null;
  }

  /** The paths of the notebooks open now (the header names the attached one apart). */
  openPaths(): string[] {
    const paths: string[] = [];
    this.tracker.forEach((panel) => {
      if (!panel.isDisposed) paths.push(panel.context.localPath);
    });
    return paths;
  }

  /** The notebook open at `path` (under the server's root, as the contents API names
   * it), if any: a mention of it reads the notebook as it is open (privatecells.ts). */
  openNotebook(path: string): NotebookPanel | null {
    let found: NotebookPanel | null = null;
    this.tracker.forEach((panel) => {
      if (!found && !panel.isDisposed && panel.context.localPath === path) found = panel;
    });
    return found;
  }

  /** Emitted when a notebook opens, closes or is renamed ({@link openPaths} changed). */
  get openChanged(): ISignal<this, void> {
    return this._openChanged;
  }

  /** Emitted when the attached notebook changes or is renamed. */
  get changed(): ISignal<this, NotebookPanel | null> {
    return this._changed;
  }

  /** Emitted after a cell's source was replaced (the panel offers Undo). */
  get replaced(): ISignal<this, Replacement> {
    return this._replaced;
  }

  dispose(): void {
    this.tracker.currentChanged.disconnect(this.onCurrentChanged, this);
    this.shell?.currentChanged?.disconnect(this.onCurrentChanged, this);
    this.tracker.widgetAdded.disconnect(this.onOpened, this);
    this.tracker.forEach((panel) => {
      panel.disposed.disconnect(this.onOpenChanged, this);
      panel.context.pathChanged.disconnect(this.onOpenChanged, this);
    });
    this.follow(null);
    Signal.clearData(this);
  }

  private onOpened(_: INotebookTracker, panel: NotebookPanel): void {
    this.watchOpen(panel);
    this._openChanged.emit();
  }

  private watchOpen(panel: NotebookPanel): void {
    // Whether the person picked its active cell: a notebook just opened has its first
    // one active, where nobody asked code to go (insertanchor.ts).
    watchPicks(panel);
    panel.disposed.connect(this.onOpenChanged, this);
    panel.context.pathChanged.connect(this.onOpenChanged, this);
  }

  private onOpenChanged(): void {
    this._openChanged.emit();
  }

  private onCurrentChanged(): void {
    this.follow(this.current());
  }

  /** The notebook to attach to now: the one on screen, else the tracker's current one. */
  private current(): NotebookPanel | null {
    const shown = this.shell?.currentWidget;
    if (shown && !shown.isDisposed && this.tracker.has(shown)) return shown as NotebookPanel;
    const panel = this.tracker.currentWidget;
    return panel && !panel.isDisposed ? panel : null;
  }

  private follow(panel: NotebookPanel | null): void {
    if (this._panel === panel) return;
    if (this._panel) {
      this._panel.context.pathChanged.disconnect(this.onRenamed, this);
      this._panel.disposed.disconnect(this.onDisposed, this);
    }
    this._panel = panel;
    if (panel) {
      panel.context.pathChanged.connect(this.onRenamed, this);
      panel.disposed.connect(this.onDisposed, this);
    }
    this._changed.emit(panel);
  }

  private onRenamed(): void {
    this._changed.emit(this._panel);
  }

  private onDisposed(): void {
    // The shell and the tracker move on to another notebook (or none) and tell us too.
    this.follow(this.current());
  }

  /** The attached notebook about its active cell, if a notebook is attached. */
  target(): ReturnType<typeof activeTarget> {
    return activeTarget(this.panel);
  }

  /**
   * Insert `code` in the current notebook next to the active cell the person picked
   * after asking, else the cell the answer's question was about (`turn`), else the
   * active cell the person picked, else at the end (insertanchor.ts `insertAnchor`).
   */
  async insert(code: string, options: Partial<InsertOptions> = {}, turn: TurnCells = NO_TURN): Promise<InsertResult> {
    const panel = this.panel;
    if (!panel) return false;
    const position = options.position ?? "below";
    const anchor = insertAnchor(panel, turn, position, pickedAt(panel));
    const before = panel.content.activeCell;
    const below = anchor === null || position === "below";
    const ref = anchor ?? panel.content.widgets.length - 1;
    const done = await insertCode(panel, ref, code, { ...options, position: below ? "below" : "above" });
    if (!done) return done;
    // The new cell made active is where the person's next insert goes (as JupyterLab's).
    if (panel.content.activeCell !== before) markPicked(panel);
    if (below && anchor !== null) markInserted(turn, panel.content.widgets[ref + 1]);
    return done;
  }

  /** Replace the source of the current notebook's active cell; false when none. */
  replaceActive(code: string): boolean {
    const t = activeTarget(this.panel);
    if (!t?.cell || t.panel.content.model?.readOnly) return false;
    this._replaced.emit(replaceSource(t.cell, t.index, code));
    return true;
  }

  /**
   * Like {@link replaceActive}, after showing the change as a diff, on the cell the
   * answer's question was about (`turn`, insertanchor.ts `replaceAnchor`: found again
   * after a reload), else the cell the chips name (context.ts `chipTarget`); the dialog
   * says which, and when the question's cell is gone. "no-cell" when there is no cell to
   * replace, "cancelled" when the person said no, "changed" when the cell changed while
   * the diff was shown (a collaborator, a kernel): what was approved is not what it
   * holds now.
   */
  async previewReplaceActive(
    code: string,
    turn: TurnCells = NO_TURN,
  ): Promise<"replaced" | "cancelled" | "no-cell" | "changed"> {
    const panel = this.panel;
    const active = activeTarget(panel);
    const { chipTarget, confirmReplace, isChatCell } = await ops();
    const anchor = panel && !panel.isDisposed ? replaceAnchor(panel, turn, pickedAt(panel)) : null;
    const asked = anchor?.index != null && active ? { ...active, index: anchor.index } : null;
    // The cell the chips name: with a `%chat` cell active, the one worked in before (as
    // get_active_cell reads), never the `%chat` line itself (none named: no cell).
    const t = asked
      ? { ...asked, cell: asked.panel.content.widgets[asked.index] ?? null }
      : active && chipTarget(active);
    if (!t?.cell || isChatCell(t.cell) || t.panel.content.model?.readOnly) return "no-cell";
    const cell = t.cell;
    const shown = cell.model.sharedModel.getSource();
    if (!(await confirmReplace(t.index, shown, code, replaceNote(anchor)))) return "cancelled";
    // The notebook may have changed while the dialog was open: act on the same cell, and
    // only as the diff showed it (an edit made meanwhile is not replaced unseen).
    const index = t.panel.content.widgets.indexOf(cell);
    if (index < 0 || cell.isDisposed) return "no-cell";
    if (cell.model.sharedModel.getSource() !== shown) return "changed";
    this._replaced.emit(replaceSource(cell, index, code));
    // The keyboard goes to the cell, not back to the card's button (Shift+Enter runs it).
    focusCell(t.panel, cell);
    return "replaced";
  }
}
