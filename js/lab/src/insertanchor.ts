/**
 * Where the sidebar puts code a person inserts from an answer (a code card's Insert or
 * Insert & run, a code block's Insert), in the notebook the sidebar is attached to:
 *
 * 1. next to the active cell, when the person picked it (clicked or typed in the
 *    notebook, or an insert made it active) after asking: they chose where, as
 *    JupyterLab's own insert goes;
 * 2. else next to the cells the answer's question named (Fix this error, Explain, /fix,
 *    an `@cell` mention): the answer is about them; below the cell last inserted for the
 *    same question, so an answer's code lands in order;
 * 3. else next to the active cell, when the person picked it since the notebook opened;
 * 4. else next to the cell the question's chips named (the active cell when it was asked);
 * 5. else at the end.
 *
 * A notebook just opened (a reload, a tab opened again) has its first cell active though
 * nobody chose it: inserting there put a fix at the top, far from the failing cell. The
 * question's cells are its message's tags (`cell:<cell id>`), kept with the thread, so
 * this holds after a reload; a cell whose id the notebook no longer has (deleted, or a
 * notebook saved without cell ids, renumbered at each load) is not used.
 */

import type { Cell } from "@jupyterlab/cells";
import type { NotebookPanel } from "@jupyterlab/notebook";
import type { CellPosition, ThreadItem } from "../../src/index";

/** The cells (by model id) the question of a turn named, and those its chips named. */
export interface TurnCells {
  /** The question's user message id (null: no turn found). */
  message: string | null;
  /** When it was asked (ms since the epoch, its `created_at`; NaN: not known). A pick
   * compared with it reads the page's clock: a skewed clock errs towards `named`. */
  askedAt: number;
  named: string[];
  chips: string[];
}

/** No turn: the active cell the person picked, else the end. */
export const NO_TURN: TurnCells = { message: null, askedAt: Number.NaN, named: [], chips: [] };

/** The cell model id a message tag refers to (`cell:<id>`, `selection:<id>:…`), if any. */
function tagCell(id: string): string | null {
  const cell = /^cell:(.+)$/.exec(id);
  if (cell) return cell[1];
  const selection = /^selection:([^:]+):/.exec(id);
  return selection ? selection[1] : null;
}

/**
 * The cells the question answered by item `itemId` named: the tags of the last user
 * message at or before it (the turn it belongs to). None when the item is not among
 * `items` (or no item is given).
 */
export function turnCells(items: readonly ThreadItem[], itemId: string | undefined): TurnCells {
  const out: TurnCells = { message: null, askedAt: Number.NaN, named: [], chips: [] };
  const at = itemId ? items.findIndex((item) => item.id === itemId) : -1;
  for (let i = at; i >= 0; i--) {
    const item = items[i];
    if (item.type !== "user_message") continue;
    out.message = item.id;
    out.askedAt = Date.parse(item.created_at);
    for (const part of item.content) {
      if (part.type !== "input_tag") continue;
      const cell = tagCell(part.id);
      if (!cell) continue;
      const chip = (part.data as Record<string, unknown> | undefined)?.chip === true;
      const list = chip ? out.chips : out.named;
      if (!list.includes(cell)) list.push(cell);
    }
    break;
  }
  return out;
}

/** The cell (model id) last inserted below for each question (user message id), the
 * newest {@link MAX_INSERTED} questions' (a Map keeps its insertion order). */
const inserted = new Map<string, string>();
const MAX_INSERTED = 200;

/**
 * Record that `cell` was inserted below for `turn`'s question: the next insert below for
 * it goes under that cell (a fix, then the answer's next block, in the answer's order).
 */
export function markInserted(turn: TurnCells, cell: Cell | undefined): void {
  if (!turn.message || !turn.named.length || !cell) return;
  inserted.delete(turn.message);
  inserted.set(turn.message, cell.model.id);
  if (inserted.size > MAX_INSERTED) inserted.delete(inserted.keys().next().value as string);
}

/** When the person last picked each notebook's active cell (see {@link pickedAt}). */
const picked = new WeakMap<NotebookPanel, number>();

/** Record that the person picked `panel`'s active cell now (a click, a key, an insert). */
export function markPicked(panel: NotebookPanel): void {
  picked.set(panel, Date.now());
}

/** When the person last picked `panel`'s active cell since it was opened (ms since the
 * epoch), or null. */
export function pickedAt(panel: NotebookPanel): number | null {
  return picked.get(panel) ?? null;
}

/** The notebooks {@link watchPicks} watches. */
const watched = new WeakSet<NotebookPanel>();

/**
 * Watch `panel` (once) for the person picking its active cell: a click in it, typing in a
 * cell, or a key of the notebook's own (J, K, the arrows, Shift+Enter: no Ctrl, Alt or
 * Meta). Not an application shortcut (Ctrl+S in a notebook just reloaded), nor JupyterLab
 * focusing the notebook it restores: trusted events only. The listeners go with the
 * panel's node.
 */
export function watchPicks(panel: NotebookPanel): void {
  if (watched.has(panel)) return;
  watched.add(panel);
  panel.node.addEventListener(
    "pointerdown",
    (e) => {
      if (e.isTrusted) markPicked(panel);
    },
    true,
  );
  panel.node.addEventListener(
    "keydown",
    (e) => {
      if (!e.isTrusted) return;
      const typing = e.target instanceof HTMLElement && e.target.isContentEditable;
      if (typing || !(e.ctrlKey || e.metaKey || e.altKey)) markPicked(panel);
    },
    true,
  );
}

/**
 * The index of the cell new code goes next to in `panel` (see the module's order), or
 * null for the end. `position` above picks the first of several cells named, below the
 * last, so the code lands beside all of them.
 */
export function insertAnchor(
  panel: NotebookPanel,
  turn: TurnCells,
  position: CellPosition,
  picked: number | null,
): number | null {
  const cells: readonly Cell[] = panel.content.widgets;
  const indexes = (ids: readonly string[]): number[] =>
    ids.map((id) => cells.findIndex((cell) => cell.model.id === id)).filter((i) => i >= 0);
  const pick = (found: number[]): number | null =>
    found.length ? (position === "above" ? Math.min(...found) : Math.max(...found)) : null;
  const active = panel.content.activeCellIndex;
  const activeValid = picked !== null && active >= 0 && active < cells.length;
  // NaN (the question's time unknown) compares false: the cells it named win.
  if (activeValid && picked > turn.askedAt) return active;
  const named = pick(indexes(turn.named));
  if (named !== null) {
    const last = position === "below" && turn.message ? inserted.get(turn.message) : undefined;
    const after = last ? indexes([last]) : [];
    return after.length && after[0] > named ? after[0] : named;
  }
  if (activeValid) return active;
  return pick(indexes(turn.chips));
}
