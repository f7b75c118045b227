/**
 * Which cell the context chips name, for the sidebar and the `%chat` widget alike: the
 * cell the person works in, never a cell that only shows or asks the chat. A `%chat`
 * cell being active (the person clicked the widget's cell, or ran it) says nothing about
 * what they are looking at, so the chips keep the cell they worked in before, or else
 * the cell above the chat: the cell the kernel's `get_active_cell` answers from a chat
 * cell too (kernel/cells.py).
 */

import type { Cell } from "@jupyterlab/cells";
import type { NotebookPanel } from "@jupyterlab/notebook";

/** The class the `%chat` widget puts on its host element (js/src/widget.ts `render`). */
const WIDGET_HOST = "jck-widget-host";

/** A line that only loads, shows or asks the chat (comments and blank lines aside). */
const CHAT_LINE =
  /^\s*(?:%chat\b.*|%load_ext\s+jupyter_chatkit\s*|(?:from\s+jupyter_chatkit\s+)?import\s+(?:jupyter_chatkit\b|Chat\b).*|(?:\w+\s*=\s*)?Chat\s*\(.*\)\s*(?:\.\s*ask\s*\(.*\)\s*)?)$/;

/**
 * Whether `source` only shows or asks the chat: a `%%chat` cell (its body is the
 * question), or lines of `%chat ...`, `%load_ext jupyter_chatkit`, `Chat()` and
 * `Chat().ask(...)` with at least one that shows or asks.
 */
export function isChatSource(source: string): boolean {
  const lines = source
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  if (!lines.length) return false;
  if (/^%%chat\b/.test(lines[0])) return true;
  return lines.every((line) => CHAT_LINE.test(line)) && lines.some((line) => /^%chat\b|\bChat\s*\(/.test(line));
}

/** A line that only loads the assistant (`%load_ext jupyter_chatkit`, its imports). */
const SETUP_LINE = /^\s*(?:%load_ext\s+jupyter_chatkit\s*|(?:from\s+jupyter_chatkit\s+)?import\s+(?:jupyter_chatkit\b|Chat\b).*)$/;

/**
 * Whether `cell` only loads the assistant. Run All passes it on its way to the chat
 * cells, so it is no work the person left to ask: named when active (clicked on, its
 * load failed), never kept from before nor picked above a chat cell.
 */
function isSetupCell(cell: Cell): boolean {
  if (cell.model.type !== "code") return false;
  const lines = cell.model.sharedModel
    .getSource()
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  return lines.length > 0 && lines.every((line) => SETUP_LINE.test(line));
}

/** Whether `cell` shows or asks the chat: by its code, or a chat widget in its output. */
export function isChatCell(cell: Cell): boolean {
  if (cell.model.type === "code" && isChatSource(cell.model.sharedModel.getSource())) return true;
  return cell.node.querySelector(`.${WIDGET_HOST}`) !== null;
}

/**
 * The cell `panel`'s chips name: the active cell; else `last` (the one named before);
 * else the nearest cell above the active chat cell (or above `own`, the widget's cell).
 * Cells that show or ask the chat, and `own`, are never named; a cell that only loads
 * the assistant only when it is the active cell.
 */
export function contextCell(panel: NotebookPanel, last: Cell | null, own = -1): Cell | null {
  const cells = panel.content.widgets;
  const usable = (cell: Cell | null | undefined): cell is Cell =>
    !!cell && !cell.isDisposed && cells.includes(cell) && cells.indexOf(cell) !== own && !isChatCell(cell);
  const active = panel.content.activeCell;
  if (usable(active)) return active;
  if (usable(last) && !isSetupCell(last)) return last;
  const chat = own >= 0 ? own : active ? cells.indexOf(active) : -1;
  for (let at = chat - 1; at >= 0; at--) if (usable(cells[at]) && !isSetupCell(cells[at])) return cells[at];
  return null;
}
