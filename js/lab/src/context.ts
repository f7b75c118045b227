/**
 * What the sidebar's context chips name, and the compact messages of the context
 * actions ("Explain cell [3]", "Fix the error in cell [6]: KeyError: 'regoin'").
 *
 * Each reference's content is produced at send time by the client tools' own producers
 * (cells.ts: `activeCell`, `policyResult`), so it is redacted and bounded exactly like a
 * tool result, and goes with the message as a ChatKit tag, never pasted into its text.
 */

import type { Cell } from "@jupyterlab/cells";
import type * as nbformat from "@jupyterlab/nbformat";
import type { NotebookPanel } from "@jupyterlab/notebook";
import type { ChatHandle, ContextRef, MessagePart } from "../../src/index";
import { activeCell, selectedText, stripAnsi } from "./cells";
import { watchCells } from "./cellwatch";
import { contextCell } from "./chatcell";
import { withCellLines } from "./errortext";
import { cellAnchor } from "./insertanchor";
import type { NotebookLink } from "./link";
import { isPrivate } from "./privatecells";
import { policyResult, redactText } from "./redact";
import { clip } from "./traceback";

/** The longest exception message shown in a bubble (the whole one goes as context). */
const MAX_BUBBLE_ERROR = 120;

function short(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The notebook's file name. */
function fileName(panel: NotebookPanel): string {
  return panel.context.localPath.split("/").pop() || panel.context.path;
}

/** The current index of `cell` in `panel` (cells move), or -1. */
function indexOf(panel: NotebookPanel, cell: Cell): number {
  return panel.content.widgets.indexOf(cell);
}

/** The notebook itself: its path, kernel and size (the model asks the tools for cells). */
export function notebookRef(panel: NotebookPanel): ContextRef {
  return {
    id: `notebook:${panel.context.path}`,
    kind: "notebook",
    label: fileName(panel),
    notebook: panel.context.localPath,
    // What the chip sends (below): no cell, which the model reads through its tools. On
    // hover its tooltip shows the values too (sentTooltip).
    title:
      `${panel.context.path}: sends its path, kernel, cell count and active cell number; ` +
      "the assistant reads cells through its tools when it needs them",
    showsSent: true,
    resolve: async () =>
      policyResult({
        from: "notebook",
        notebook: panel.context.path,
        kernel: panel.sessionContext.kernelDisplayName,
        cell_count: panel.content.widgets.length,
        active_cell_index: panel.content.activeCellIndex,
      }),
  };
}

/** One cell (source and bounded outputs, as `get_active_cell` reads it). `chosen`: the
 * person named this cell (a mention, Explain, Fix), so it is read even when kept out
 * (privatecells.ts); a chip that follows the active cell is not chosen. */
export function cellRef(
  panel: NotebookPanel,
  cell: Cell,
  kind: "cell" | "error" = "cell",
  chosen = false,
): ContextRef {
  const index = indexOf(panel, cell);
  return {
    id: `cell:${cell.model.id}`,
    kind,
    label: `cell ${index + 1}`,
    notebook: panel.context.localPath,
    title:
      kind === "error" ? `The error in cell ${index + 1} and its code` : `Cell ${index + 1} of ${panel.context.localPath}`,
    cell: index,
    // Where it is when sent: found again after a reload renumbered its id (insertanchor.ts).
    anchor: () => cellAnchor(panel, cell),
    resolve: async () => {
      const at = indexOf(panel, cell);
      if (at < 0 || cell.isDisposed) return { error: "That cell was deleted." };
      return activeCell(panel, at, chosen);
    },
  };
}

/** The text selected in `cell`'s editor, or null when nothing is selected. */
export function selectionRef(panel: NotebookPanel, cell: Cell): ContextRef | null {
  const text = selectedText(cell);
  if (!text) return null;
  const index = indexOf(panel, cell);
  return {
    id: `selection:${cell.model.id}:${text.length}:${text.slice(0, 40)}`,
    kind: "selection",
    label: `selection in cell ${index + 1}`,
    notebook: panel.context.localPath,
    title: clip(text, 300),
    cell: index,
    anchor: () => cellAnchor(panel, cell),
    resolve: async () => policyResult({ from: "notebook", cell_index: index, selected_text: selectedText(cell) || text }),
  };
}

/**
 * The chips for the current notebook: the notebook, its active cell, the selection. A
 * cell that shows or asks the chat is not named: `last` (the cell named before) or the
 * cell above it is (chatcell.ts, as in the `%chat` widget).
 */
export function currentRefs(panel: NotebookPanel | null, last: Cell | null = null): ContextRef[] {
  if (!panel || panel.isDisposed) return [];
  const refs = [notebookRef(panel)];
  const cell = contextCell(panel, last);
  // A cell kept out gets no chip of its own: the person names it to send it.
  if (cell && !isPrivate(cell.model)) {
    refs.push(cellRef(panel, cell));
    const sel = selectionRef(panel, cell);
    if (sel) refs.push(sel);
  }
  return refs;
}

/** "Explain cell [3]". */
export function explainParts(panel: NotebookPanel, cell: Cell): MessagePart[] {
  return ["Explain ", cellRef(panel, cell, "cell", true)];
}

/**
 * "Fix the error in cell [6]: KeyError: 'regoin'" (the message redacted and cut short):
 * what the "Fix this error" button and menu item (errorbuttons.ts, plugin.ts) and /fix send.
 */
export function fixErrorParts(panel: NotebookPanel, cell: Cell, error?: nbformat.IError): MessagePart[] {
  const parts: MessagePart[] = ["Fix the error in ", cellRef(panel, cell, "error", true)];
  if (error) {
    const ename = stripAnsi(String(error.ename ?? "")).trim();
    const evalue = withCellLines(redactText(stripAnsi(String(error.evalue ?? ""))).text.split("\n")[0].trim());
    const summary = [ename, evalue].filter(Boolean).join(": ");
    if (summary) parts.push(`: ${short(summary, MAX_BUBBLE_ERROR)}`);
  }
  return parts;
}

/** Show cell `index` of `panel`: make it active and scroll it into view. */
export function showCell(panel: NotebookPanel | null, index: number): void {
  if (!panel || panel.isDisposed || index < 0 || index >= panel.content.widgets.length) return;
  panel.content.activeCellIndex = index;
  void panel.content.scrollToItem(index, "center");
}

/** The cell the sidebar's chips name now, per notebook (what its get_active_cell reads). */
const named = new WeakMap<NotebookPanel, Cell>();

/**
 * The cell the sidebar's `get_active_cell` reads in `target`'s notebook: the one its
 * chips name. While a `%chat` cell is active the chips name the cell worked in before
 * (or the one above), so the tool reads that too, not the `%chat` line: what the person
 * sees named is what the model reads. With no cell named, `target` as it is.
 */
export function chipTarget<T extends { panel: NotebookPanel; index: number }>(target: T): T {
  const { panel } = target;
  if (panel.isDisposed) return target;
  const cell = chipCell(panel);
  const index = cell ? indexOf(panel, cell) : -1;
  return cell && index >= 0 ? { ...target, index, cell } : target;
}

/**
 * The cell the sidebar's chips name in `panel` now (see {@link chipTarget}), or null:
 * what "the active cell" means for the sidebar's tool and its `/explain` and `/fix`.
 */
export function chipCell(panel: NotebookPanel): Cell | null {
  return panel.isDisposed ? null : contextCell(panel, named.get(panel) ?? null);
}

/**
 * Keep `chat`'s chips on the attached notebook's active cell and selection: on a change
 * of notebook or active cell, when the chat gets the focus, in the frame after cells
 * move or the active cell's text changes, and once the active cell's selection rests
 * after a change (cellwatch.ts). Returns the function that stops it.
 */
export function watchContext(chat: Pick<ChatHandle, "setContext">, link: NotebookLink, host: HTMLElement): () => void {
  let watched: NotebookPanel | null = null;
  let unwatchCells = (): void => {};
  const refresh = (): void => {
    const panel = link.panel;
    if (!panel || panel.isDisposed) {
      chat.setContext([]);
      return;
    }
    const cell = contextCell(panel, named.get(panel) ?? null);
    if (cell) named.set(panel, cell);
    else named.delete(panel);
    chat.setContext(currentRefs(panel, cell));
  };
  const follow = (): void => {
    if (watched && !watched.isDisposed) watched.content.activeCellChanged.disconnect(refresh);
    unwatchCells();
    // What each notebook's chips named stays with it (per notebook): coming back to it, the
    // cell worked in before is still named, as the `%chat` widget in it still names it.
    watched = link.panel;
    watched?.content.activeCellChanged.connect(refresh);
    // Cells moving (a chip's number) and the active cell's text (a blank cell typed into).
    unwatchCells = watched ? watchCells(watched, refresh) : () => {};
    refresh();
  };
  link.changed.connect(follow);
  host.addEventListener("focusin", refresh);
  follow();
  return () => {
    link.changed.disconnect(follow);
    host.removeEventListener("focusin", refresh);
    unwatchCells();
    if (watched && !watched.isDisposed) watched.content.activeCellChanged.disconnect(refresh);
  };
}
