/**
 * "Replace cell" asks first: a dialog shows the cell's code (the one the question was
 * about, else the active one: link.ts) against the proposed code as a line diff, says
 * which cell it is when that is not plain, and only "Replace" changes the cell (one undo
 * step, see edits.ts).
 */

import { Dialog, showDialog } from "@jupyterlab/apputils";
import { Widget } from "@lumino/widgets";
import { revealIn } from "../../src/ui/bidi";
import { diffRows } from "./editdiff";

/** The diff as DOM (text only, never HTML). */
export function diffView(before: string, after: string): HTMLElement {
  const pre = document.createElement("pre");
  pre.className = "jp-chatkit-diff";
  pre.setAttribute("aria-label", "Changes to the cell");
  const marks = { add: "+ ", del: "- ", same: "  " } as const;
  for (const row of diffRows(before, after)) {
    const line = document.createElement("div");
    line.className = `jp-chatkit-diff-${row.kind}`;
    // A line's own end (\r\n) is no character to show; any other \r, bidi control or
    // zero-width character is shown (revealIn): what is approved is what runs.
    line.textContent = marks[row.kind] + row.text.replace(/\r$/, "");
    pre.appendChild(line);
  }
  revealIn(pre);
  return pre;
}

/** Show the diff, under `note` (which cell this is, and why) when given; true when the
 * person chose Replace. */
export async function confirmReplace(
  index: number,
  before: string,
  after: string,
  note: string | null = null,
): Promise<boolean> {
  let node = diffView(before, after);
  if (note) {
    const said = document.createElement("p");
    said.className = "jp-chatkit-replace-note";
    said.textContent = note;
    const wrap = document.createElement("div");
    wrap.append(said, node);
    node = wrap;
  }
  const body = new Widget({ node });
  const result = await showDialog({
    title: `Replace cell ${index + 1}?`,
    body,
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: "Replace", ariaLabel: "Replace the cell" })],
  });
  return result.button.accept;
}
