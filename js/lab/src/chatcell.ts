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
  let first = true;
  let shows = false;
  const all = everyLine(source, (line) => {
    if (first && /^%%chat\b/.test(line)) return "yes";
    first = false;
    if (/^%chat\b|\bChat\s*\(/.test(line)) shows = true;
    return CHAT_LINE.test(line);
  });
  return all === "yes" || (all && shows);
}

/**
 * Whether `test` holds for every line of `source` that is not blank or a comment (false
 * when there is none), line by line, stopping at the first it does not hold for or that
 * answers "yes" (then "yes"). The chips look again as the person types in the active
 * cell (cellwatch.ts): a long cell costs no more than its first line of other work.
 */
function everyLine(source: string, test: (line: string) => boolean | "yes"): boolean | "yes" {
  let any = false;
  for (let start = 0; start <= source.length; ) {
    const newline = source.indexOf("\n", start);
    const end = newline < 0 ? source.length : newline;
    const line = source.slice(start, end).trim();
    start = end + 1;
    if (!line || line.startsWith("#")) continue;
    const ok = test(line);
    if (ok !== true) return ok;
    any = true;
  }
  return any;
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
  return everyLine(cell.model.sharedModel.getSource(), (line) => SETUP_LINE.test(line)) === true;
}

/** Whether `cell` shows or asks the chat: by its code, or a chat widget in its output. */
export function isChatCell(cell: Cell): boolean {
  if (cell.model.type === "code" && isChatSource(cell.model.sharedModel.getSource())) return true;
  return cell.node.querySelector(`.${WIDGET_HOST}`) !== null;
}

/** Whether `cell` holds no text yet (a new cell: Shift+Enter on the last cell made one). */
export function isBlankCell(cell: Cell): boolean {
  return !/\S/.test(cell.model.sharedModel.getSource());
}

/**
 * The cell `panel`'s chips name: the active cell, unless it is blank (then the cell named
 * before, else the nearest cell above it holding text, else itself); else `last` (the one
 * named before); else the nearest cell above the active chat cell (or above `own`, the
 * widget's cell). Cells that show or ask the chat, and `own`, are never named; a cell
 * that only loads the assistant only when it is the active cell.
 *
 * A blank active cell is what Shift+Enter leaves after running the notebook's last cell:
 * the person asks about the cell just run (its code, its error), not the empty one, which
 * holds nothing to read. Once they type in it, it is named. The cell above stands in
 * when no cell was named before (a chat attached since: the sidebar coming back to the
 * notebook), so the sidebar and the widget name the same cell.
 */
export function contextCell(panel: NotebookPanel, last: Cell | null, own = -1): Cell | null {
  const cells = panel.content.widgets;
  const usable = (cell: Cell | null | undefined): cell is Cell =>
    !!cell && !cell.isDisposed && cells.includes(cell) && cells.indexOf(cell) !== own && !isChatCell(cell);
  const active = panel.content.activeCell;
  const kept = usable(last) && !isSetupCell(last) ? last : null;
  if (usable(active)) {
    if (!isBlankCell(active)) return active;
    if (kept && kept !== active) return kept;
    for (let at = cells.indexOf(active) - 1; at >= 0; at--) {
      const above = cells[at];
      if (usable(above) && !isSetupCell(above) && !isBlankCell(above)) return above;
    }
    return active;
  }
  if (kept) return kept;
  const chat = own >= 0 ? own : active ? cells.indexOf(active) : -1;
  for (let at = chat - 1; at >= 0; at--) if (usable(cells[at]) && !isSetupCell(cells[at])) return cells[at];
  return null;
}
