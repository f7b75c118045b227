/**
 * Cells a person keeps out of what the assistant reads: the `chatkit-private` tag in a
 * cell's `metadata.tags` (as Jupyter Book's `remove-cell`), saved with the notebook and
 * editable in the property inspector. No tool reads such a cell's source or outputs; the
 * model reads only that cell N was kept out (the number stays, so it matches what the
 * person sees). A cell the person names themselves (an @cell mention, "Explain this
 * cell", "Fix this error", /explain, /fix) is sent: they chose to. Mirrors Python's
 * `jupyter_chatkit.private_cells`, which the kernel and the server apply to saved files.
 */

import type { Cell, ICellModel } from "@jupyterlab/cells";
import type { NotebookPanel } from "@jupyterlab/notebook";

export const PRIVATE_TAG = "chatkit-private";
export const KEPT_OUT_NOTE =
  "The person kept this cell out of what the assistant reads: its source and outputs " +
  "are not shown. Do not guess them; ask the person if it matters.";
/**
 * Why an Agent step (edit_cell, run_cell: tools.ts) on cell `index` of `panel` is refused,
 * approved or not: the person kept that cell out (the server refuses it too when the
 * front end said so, assistant/agent_tools.py). null for any other cell. For the model,
 * or, `forPerson`, for the step's card.
 */
export function keptOutStep(
  panel: { content: { widgets: readonly { model: Tagged }[] } },
  index: number | null,
  forPerson = false,
): string | null {
  const cell = index === null ? undefined : panel.content.widgets[index];
  if (!cell || index === null || !isPrivate(cell.model)) return null;
  if (forPerson) {
    return (
      `Cell ${index + 1} is kept out of the assistant (tag chatkit-private), so this step ` +
      "will not change or run it; the assistant is told so."
    );
  }
  return (
    `Cell ${index + 1} (index ${index}) is kept out of what the assistant reads by the person ` +
    "(tag chatkit-private), so the assistant may not edit or run it. Nothing was changed " +
    "and nothing ran. Do not try again; ask the person to change or run it themselves."
  );
}

/** The 0-based indexes of `panel`'s kept-out cells (the server refuses steps on them). */
export function keptOutIndexes(panel: { content: { widgets: readonly { model: Tagged }[] } } | null): number[] {
  const out: number[] = [];
  panel?.content.widgets.forEach((c, i) => {
    if (isPrivate(c.model)) out.push(i);
  });
  return out;
}
/** The class on a kept-out cell's node (style/base.css draws its marker). */
export const PRIVATE_CLASS = "jck-private-cell";

type Tagged = Pick<ICellModel, "getMetadata">;

/** The cell's tags (a list of strings), as saved in `metadata.tags`. */
function tagsOf(model: Tagged): string[] {
  // Plain objects shaped like a cell model (another front end's, a test's) may have none.
  const tags: unknown = model.getMetadata?.("tags");
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/** Whether the live cell model carries the `chatkit-private` tag (saved or not yet). */
export function isPrivate(model: Tagged): boolean {
  return tagsOf(model).includes(PRIVATE_TAG);
}

/**
 * An action's label for cell `model`: on a kept-out cell it says the action sends the cell
 * anyway ("Fix this error (sends this kept-out cell)"), where the action is offered (the
 * button under the error, the context menu, the palette). Any other cell's is `label`.
 */
export function sendsCellLabel(label: string, model: Tagged): string {
  return isPrivate(model) ? `${label} (sends this kept-out cell)` : label;
}

/** What the model reads in place of a private cell: its number and kind, no content. */
export function keptOut(index: number, cellType: string): { index: number; cell_type: string; kept_out: string } {
  return { index, cell_type: cellType, kept_out: KEPT_OUT_NOTE };
}

/** The notebook's code cells as the kernel's variables tools read them (kept_names.py):
 * the sources of the cells kept out and of the others. */
export interface LiveCells {
  kept_out: string[];
  readable: string[];
}

type SourcedCell = { model: Tagged & { type: string; sharedModel: { getSource(): string } } };

/**
 * What the kernel needs to keep out the variables that only kept-out cells of `panel`
 * define (names in their sources, not in another cell's), sent whenever the notebook is
 * open: the live tags win over the saved ones both ways (a tag added but not saved keeps
 * out, one removed but not saved lets back in) and cover a notebook never saved. With no
 * cell kept out, nothing else is needed: `{kept_out: [], readable: []}`. null only
 * without a notebook (the kernel then goes by the saved file).
 */
export function liveCells(panel: { content: { widgets: readonly SourcedCell[] } } | null | undefined): LiveCells | null {
  if (!panel) return null;
  const cells = panel.content.widgets.filter((c) => c.model.type === "code");
  const out: LiveCells = { kept_out: [], readable: [] };
  if (!cells.some((c) => isPrivate(c.model))) return out;
  for (const c of cells) (isPrivate(c.model) ? out.kept_out : out.readable).push(c.model.sharedModel.getSource());
  return out;
}

/** What a page pushes to its kernel (livepush.ts -> kernel/kept_names.py
 * `remember_live`): the code cells as {@link liveCells} sends them, its markdown and raw
 * cells kept out and the others (`kept_out_text`, `readable_text`: the kernel reads them
 * from the saved file, where a tag not saved yet is not), and which document it is
 * (`path`: a kernel serves several, each keeps its own). */
export interface PushedCells extends LiveCells {
  kept_out_text: string[];
  readable_text: string[];
  path: string;
}

/** The cells of `panel` to push to its kernel ({@link PushedCells}); with none kept out,
 * code or not, only that (empty lists) and its path. */
export function pushedCells(
  panel: { content: { widgets: readonly SourcedCell[] }; context: { path: string } } | null | undefined,
): PushedCells | null {
  if (!panel) return null;
  const out: PushedCells = { kept_out: [], readable: [], kept_out_text: [], readable_text: [], path: panel.context.path };
  const cells = panel.content.widgets;
  if (!cells.some((c) => isPrivate(c.model))) return out;
  for (const c of cells) {
    const code = c.model.type === "code";
    const kept = isPrivate(c.model);
    const list = code ? (kept ? out.kept_out : out.readable) : kept ? out.kept_out_text : out.readable_text;
    list.push(c.model.sharedModel.getSource());
  }
  return out;
}

/** Add or remove the tag on `model`, keeping its other tags (an empty list is removed). */
export function setPrivate(model: Pick<ICellModel, "getMetadata" | "setMetadata" | "deleteMetadata">, on: boolean): void {
  const others = tagsOf(model).filter((t) => t !== PRIVATE_TAG);
  const tags = on ? [...others, PRIVATE_TAG] : others;
  if (tags.length) model.setMetadata("tags", tags);
  else model.deleteMetadata("tags");
}

/** Show which of `panel`'s cells are kept out (a class on each cell's node). */
export function markPrivateCells(panel: NotebookPanel): void {
  for (const cell of panel.content.widgets) markCell(cell);
}

function markCell(cell: Cell): void {
  if (cell.isDisposed) return;
  cell.node.classList.toggle(PRIVATE_CLASS, isPrivate(cell.model));
}

/**
 * Keep the marks of `panel` current: when its cells or their metadata change (a tag
 * typed in the property inspector too), once per frame.
 */
export function watchPrivateMarks(panel: NotebookPanel): void {
  let scheduled = false;
  const mark = (): void => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      if (!panel.isDisposed) markPrivateCells(panel);
    });
  };
  panel.content.modelContentChanged.connect(mark);
  void panel.context.ready.then(mark);
}
