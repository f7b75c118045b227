/** keptmerge.ts: a cell merged from a kept-out one stays kept out (JupyterLab's merge keeps
 * the active cell's metadata only); loads, moves and other edits tag nothing. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Signal } from "@lumino/signaling";
import { keepMergesOut, type MergedCell } from "../src/keptmerge";
import { isPrivate } from "../src/privatecells";

function cell(id: string, source: string, tags: string[] = []): MergedCell & { source: string } {
  const metadata: Record<string, unknown> = tags.length ? { tags } : {};
  return {
    id,
    source,
    getSource() {
      return this.source;
    },
    getMetadata: (key: string) => metadata[key],
    setMetadata: (key: string, value: unknown) => void (metadata[key] = value),
    deleteMetadata: (key: string) => void delete metadata[key],
  };
}

function notebook(cells: ReturnType<typeof cell>[]) {
  const changed = new Signal<object, { cellsChange?: { insert?: MergedCell[]; delete?: number; retain?: number }[] }>({});
  const content = new Signal<object, void>({});
  const nb = { cells, changed };
  return {
    nb,
    content,
    /** Replace cells `from`..`to` by `merged` in one change, as NotebookActions.mergeCells does. */
    merge(from: number, count: number, merged: ReturnType<typeof cell>) {
      cells.splice(from, count, merged);
      content.emit();
      changed.emit({ cellsChange: [{ retain: from }, { delete: count }, { insert: [merged] }] });
    },
  };
}

test("a kept-out cell merged into a readable one keeps the merged cell out; other merges do not", () => {
  const open = cell("a", "print('open')");
  const secret = cell("b", "secret = 'KOVAL'", ["chatkit-private"]);
  const other = cell("c", "z = 3");
  const t = notebook([open, secret, other]);
  keepMergesOut(t.nb, t.content);
  // Typed in the kept-out cell just before the merge: its source as it is now counts.
  secret.source = "secret = 'KOVAL-2'";
  t.content.emit();
  const merged = cell("m", "print('open')\n\nsecret = 'KOVAL-2'");
  t.merge(0, 2, merged);
  assert.equal(isPrivate(merged), true);
  // Readable cells merged: no tag.
  const plain = cell("p", "print('open')\n\nz = 3");
  const t2 = notebook([cell("x", "print('open')"), cell("y", "z = 3")]);
  keepMergesOut(t2.nb, t2.content);
  t2.merge(0, 2, plain);
  assert.equal(isPrivate(plain), false);
  // A cell inserted by a later change, holding the same text, is the person's own.
  const typed = cell("n", "secret = 'KOVAL-2'");
  t.nb.cells.push(typed);
  t.nb.changed.emit({ cellsChange: [{ retain: 2 }, { insert: [typed] }] });
  assert.equal(isPrivate(typed), false);
});
