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
 * this holds after a reload. A notebook of nbformat < 4.5 never saved since gets new cell
 * ids at each load: each tag also keeps where its cell was when asked (`data.anchor`: its
 * position and a fingerprint of its source, {@link cellAnchor}), and a cell whose id the
 * notebook no longer has is found there, or as the one cell holding that very source
 * (cells added above since), checked by the fingerprint; else (deleted, or changed
 * since) it is not used.
 *
 * "Replace cell" (link.ts) reads the same record ({@link replaceAnchor}): the cell the
 * question was about, unless the person picked another cell after asking.
 */

import type { Cell } from "@jupyterlab/cells";
import type { NotebookPanel } from "@jupyterlab/notebook";
import type { CellPosition, ThreadItem } from "../../src/index";
import { isPrivate } from "./privatecells";
import { redactText } from "./redact";

/** A cell as a message's tag recorded it: its model id, and where it was when asked. */
export interface CellRef {
  id: string;
  /** Its index when the message was sent (with `fingerprint`; absent in older threads). */
  index?: number;
  /** {@link sourceFingerprint} of its source when the message was sent. */
  fingerprint?: string;
}

/** The cells the question of a turn named, and those its chips named. */
export interface TurnCells {
  /** The question's user message id (null: no turn found). */
  message: string | null;
  /** When it was asked (ms since the epoch, its `created_at`; NaN: not known). A pick
   * compared with it reads the page's clock: a skewed clock errs towards `named`. */
  askedAt: number;
  named: CellRef[];
  chips: CellRef[];
}

/**
 * A short fingerprint of a cell's source (FNV-1a, 32 bits, and its length): enough to
 * check a cell at a recorded position is the one recorded, too short to tell the source.
 */
export function sourceFingerprint(source: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) {
    hash ^= source.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${hash.toString(16).padStart(8, "0")}:${source.length}`;
}

/**
 * Where `cell` is in `panel` now, as a tag records it (undefined: not in it). None for a
 * kept-out cell (`chatkit-private`) or one holding a secret the policy hides: a short
 * hash of a short source (`DB_PASSWORD = "…"`, its length known) can be matched by
 * guessing, and the thread is stored; such a cell is found by its id only.
 */
export function cellAnchor(panel: NotebookPanel, cell: Cell): { index: number; fingerprint: string } | undefined {
  const index = panel.content.widgets.indexOf(cell);
  if (index < 0 || cell.isDisposed || isPrivate(cell.model)) return undefined;
  const source = cell.model.sharedModel.getSource();
  if (redactText(source).count > 0) return undefined;
  return { index, fingerprint: sourceFingerprint(source) };
}

/**
 * The index of the cell `ref` recorded among `cells`, or -1: the cell of its id; else
 * (the id unknown: a notebook whose ids change at each load) the cell at its recorded
 * position if its source is the one recorded, else the one cell whose source is (an
 * empty source, like many cells', tells nothing). A cell changed since is not found.
 */
export function findCell(cells: readonly Cell[], ref: CellRef): number {
  const byId = cells.findIndex((cell) => cell.model.id === ref.id);
  if (byId >= 0 || ref.fingerprint === undefined || ref.index === undefined) return byId;
  const same = (cell: Cell | undefined): boolean =>
    !!cell && !cell.isDisposed && sourceFingerprint(cell.model.sharedModel.getSource()) === ref.fingerprint;
  if (same(cells[ref.index])) return ref.index;
  if (ref.fingerprint.endsWith(":0")) return -1;
  const found = cells.flatMap((cell, i) => (same(cell) ? [i] : []));
  return found.length === 1 ? found[0] : -1;
}

/**
 * How `turn`'s cells are found in `cells`: by {@link findCell} (place and source too) only
 * when none of them is found by its id (a notebook whose ids changed at its load). Where
 * one is, the ids are stable and a cell missing by its id was deleted: another cell with
 * the same source (a second `df.head()`) is not it.
 */
function finder(cells: readonly Cell[], turn: TurnCells): (ref: CellRef) => number {
  const ids = new Set(cells.map((cell) => cell.model.id));
  const stable = [...turn.named, ...turn.chips].some((ref) => ids.has(ref.id));
  return (ref) => findCell(cells, stable ? { id: ref.id } : ref);
}

/** A tag's recorded place (`data.anchor`), when well formed. */
function tagAnchor(data: Record<string, unknown> | undefined): Omit<CellRef, "id"> {
  const anchor = data?.anchor as Record<string, unknown> | undefined;
  if (!anchor || typeof anchor !== "object") return {};
  const { index, fingerprint } = anchor;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || typeof fingerprint !== "string") return {};
  return { index, fingerprint };
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
      const data = part.data as Record<string, unknown> | undefined;
      const list = data?.chip === true ? out.chips : out.named;
      if (!list.some((ref) => ref.id === cell)) list.push({ id: cell, ...tagAnchor(data) });
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
  const find = finder(cells, turn);
  const indexes = (refs: readonly CellRef[]): number[] => refs.map(find).filter((i) => i >= 0);
  const pick = (found: number[]): number | null =>
    found.length ? (position === "above" ? Math.min(...found) : Math.max(...found)) : null;
  const active = panel.content.activeCellIndex;
  const activeValid = picked !== null && active >= 0 && active < cells.length;
  // NaN (the question's time unknown) compares false: the cells it named win.
  if (activeValid && picked > turn.askedAt) return active;
  const named = pick(indexes(turn.named));
  if (named !== null) {
    const last = position === "below" && turn.message ? inserted.get(turn.message) : undefined;
    const after = last ? indexes([{ id: last }]) : [];
    return after.length && after[0] > named ? after[0] : named;
  }
  if (activeValid) return active;
  return pick(indexes(turn.chips));
}

/** Which cell "Replace cell" replaces ({@link replaceAnchor}). */
export interface ReplaceAnchor {
  /** The cell's index, or null for the notebook's active cell (as the chips name it). */
  index: number | null;
  /** Why: the cell the question named, the cell its chips named (active when it was
   * asked), or the active cell (picked by the person after asking, or nothing known). */
  why: "named" | "chips" | "active";
  /** The question named cells, none of which the notebook holds now (deleted, or
   * changed since in a notebook whose ids change at each load): another cell instead. */
  lost: boolean;
  /** The cell found (by its id) holds another source than when the question was sent:
   * the diff is against what it holds now. */
  changed?: boolean;
}

/**
 * The cell a code card's (or code block's) "Replace cell" replaces in `panel`: the active
 * cell when the person picked it after asking (they chose it, as for Insert); else the
 * cell the question named (of several, the first it named); else the one its chips
 * named; else the active cell, `lost` when the question had cells and none is found. A
 * reloaded page (its first cell active, picked by nobody) replaces the cell asked about,
 * not the first one.
 */
export function replaceAnchor(panel: NotebookPanel, turn: TurnCells, picked: number | null): ReplaceAnchor {
  if (picked !== null && picked > turn.askedAt) return { index: null, why: "active", lost: false };
  const cells: readonly Cell[] = panel.content.widgets;
  const find = finder(cells, turn);
  const first = (refs: readonly CellRef[]): { index: number; changed: boolean } | null => {
    for (const ref of refs) {
      const index = find(ref);
      if (index < 0) continue;
      const now = sourceFingerprint(cells[index].model.sharedModel.getSource());
      return { index, changed: ref.fingerprint !== undefined && ref.fingerprint !== now };
    }
    return null;
  };
  const named = first(turn.named);
  if (named) return { ...named, why: "named", lost: false };
  const chips = first(turn.chips);
  if (chips) return { ...chips, why: "chips", lost: turn.named.length > 0 };
  return { index: null, why: "active", lost: turn.named.length + turn.chips.length > 0 };
}

/** What the Replace dialog says of the cell it shows (null: nothing, the active cell as
 * ever). */
export function replaceNote(anchor: ReplaceAnchor | null): string | null {
  if (!anchor) return null;
  const gone = "The cell your question was about is no longer in this notebook, or has changed since";
  const since = anchor.changed ? " It has changed since you asked: the diff shows what it holds now." : "";
  if (anchor.why === "chips" && anchor.lost) return `${gone}: this is the cell that was active when you asked.${since}`;
  if (anchor.lost) return `${gone}: this is the active cell.`;
  if (anchor.why === "named") return `The cell your question was about.${since}`;
  if (anchor.why === "chips") return `The cell that was active when you asked.${since}`;
  return null;
}
