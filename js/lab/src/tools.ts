/**
 * The notebook's client tools, in one table: every tool that protocol.py declares with
 * `runs_in: "notebook"` has its handler here, by name. That is the read tools of
 * `CLIENT_TOOLS` (`get_notebook_cells`, `get_active_cell`) and Agent mode's steps of
 * `AGENT_TOOLS` (`insert_cell`, `edit_cell`, `run_cell`).
 *
 * Nobody else names a tool: the sidebar (link.ts), the bridge of the in-cell widget
 * (bridge.ts) and Agent mode (agent.ts) forward calls here by name, and every result
 * passes the context policy here (`policyResult`: redacted, bounded) on its way out.
 * Agent steps are handed out only to Agent mode, which calls them after the person
 * approved the step's card.
 *
 * Adding a notebook tool: its spec in protocol.py, `python -m jupyter_chatkit.protocol
 * --write`, its handler below (`NOTEBOOK_TOOLS` does not compile while one is missing).
 */

import type { Cell, CodeCell, MarkdownCell } from "@jupyterlab/cells";
import { NotebookActions, type NotebookPanel } from "@jupyterlab/notebook";
import type { StepOutcome, StepPreview } from "../../src/index";
import { AGENT_TOOLS, type CLIENT_TOOLS } from "../../src/protocol";
import { SHOWN_BY_OTHER_CODE, shownByOtherCode } from "./backgrounderror";
import { activeCell, cellInfo, LIMITS, type NotebookCellsArgs, notebookCells } from "./cells";
import { editSeen } from "./editdiff";
import { replaceSource } from "./edits";
import { endedRun, endedWithoutReply } from "./kerneldeath";
import { guardValue } from "./kernelguard";
import { keptOutStep } from "./privatecells";
import { errorOutputs } from "./prompts";
import { policyResult } from "./redact";
import { CELL_CHANGED, insertIndex, runAgentCell, storableUndo } from "./stepguard";

type Spec = (typeof CLIENT_TOOLS)[number] | (typeof AGENT_TOOLS)[number];
/** The name of a tool the notebook answers (`runs_in: "notebook"` in protocol.py). */
export type NotebookToolName = Extract<Spec, { runs_in: "notebook" }>["name"];

/** The notebook a call acts on and the cell it is about (the active cell, or the widget's). */
export interface ToolTarget {
  panel: NotebookPanel;
  index: number;
}

/** One tool's implementation. */
export interface NotebookTool {
  /** Answer the call; an insert or edit also says how to undo it ("Undo agent changes").
   * `waiting(note)`: the call waits, for what `note` says (the step's card shows it).
   * `unchanged()`: false once the cell is no longer what the step's card showed. */
  run(
    target: ToolTarget,
    args: Record<string, unknown>,
    signal: AbortSignal,
    waiting?: (note: string) => void,
    unchanged?: () => boolean,
  ): StepOutcome | Promise<StepOutcome>;
  /** What an Agent step's approval card shows before it is approved. */
  preview?(target: ToolTarget, args: Record<string, unknown>): StepPreview;
}

function cellIndex(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;
}

const failed = (error: string): StepOutcome => ({ result: { status: "failed", error } });

/** Why an insert after `after` cannot be carried out (see stepguard.insertIndex). */
function noCellToInsertAfter(after: unknown): string {
  const n = typeof after === "number" && Number.isInteger(after) && after >= 0 ? ` ${after + 1}` : "";
  return `The notebook has no cell${n} to insert after.`;
}

/** The card of a step on cell `index`: its source, or why there is no such cell. */
function cellPreview({ panel }: ToolTarget, args: Record<string, unknown>, edit: boolean): StepPreview {
  const index = cellIndex(args.index);
  const cell = index === null ? undefined : panel.content.widgets[index];
  if (!cell || index === null) return { problem: `The notebook has no cell ${index === null ? "" : index + 1}.`.trim() };
  // The person kept it out (privatecells.ts): refused at once, with no Approve; the card
  // says why, the model reads it.
  const refused = keptOutStep(panel, index, true);
  if (refused) return { problem: refused, refusal: keptOutStep(panel, index) ?? refused };
  const source = cell.model.sharedModel.getSource();
  if (edit) return { before: source, after: String(args.new_source ?? ""), cell: index + 1 };
  return { code: source, cell: index + 1 };
}

/**
 * A markdown cell the agent wrote stays as source until the person renders it: rendered,
 * an image it names is fetched at once, and its URL can carry what the model read out
 * (the chat loads no outside image a model names for that reason). Set before the
 * cell's deferred render runs, so nothing is fetched.
 */
function unrendered(cell: Cell | undefined): void {
  if (cell?.model.type === "markdown") (cell as MarkdownCell).rendered = false;
}

/** Every notebook tool, by name. */
export const NOTEBOOK_TOOLS: Record<NotebookToolName, NotebookTool> = {
  get_notebook_cells: {
    run: ({ panel, index }, args) => ({ result: notebookCells(panel, index, args as NotebookCellsArgs) }),
  },

  get_active_cell: {
    run: ({ panel, index }) => ({ result: activeCell(panel, index) }),
  },

  insert_cell: {
    preview: ({ panel, index }, args) =>
      typeof args.source !== "string"
        ? { problem: "The step has no cell source." }
        : insertIndex(args.after, index, panel.content.widgets.length) === null
          ? { problem: noCellToInsertAfter(args.after) }
          : { code: args.source },
    run({ panel, index }, args) {
      const model = panel.content.model;
      if (!model || model.readOnly) return failed("The notebook is read-only.");
      const source = typeof args.source === "string" ? args.source : "";
      const cellType = args.cell_type === "markdown" ? "markdown" : "code";
      const at = insertIndex(args.after, index, panel.content.widgets.length);
      // Approved without a card (agent_auto_approve): still not put elsewhere than asked.
      if (at === null) return failed(noCellToInsertAfter(args.after));
      // One model-level insert: the source lands with the cell in one transaction.
      model.sharedModel.insertCell(at, { cell_type: cellType, source });
      unrendered(panel.content.widgets[at]);
      const id = model.sharedModel.cells[at]?.id;
      panel.content.activeCellIndex = at;
      const result = {
        status: "applied",
        from: "notebook",
        notebook: panel.context.path,
        index: at,
        cell_count: panel.content.widgets.length,
      };
      // Undo (see stepguard.revertStep) finds the cell by id and removes it.
      return { result, ...(id ? { undo: { cell_id: id } } : {}) };
    },
  },

  edit_cell: {
    preview: (target, args) => cellPreview(target, args, true),
    run({ panel }, args) {
      const index = cellIndex(args.index);
      const cell = index === null ? undefined : panel.content.widgets[index];
      if (!cell || index === null) return failed("The notebook has no such cell.");
      // Approved or not, a cell the person kept out is not the agent's to change.
      const refused = keptOutStep(panel, index);
      if (refused) return failed(refused);
      if (panel.content.model?.readOnly) return failed("The notebook is read-only.");
      const after = typeof args.new_source === "string" ? args.new_source : "";
      const replacement = replaceSource(cell, index, after);
      unrendered(cell);
      const result = {
        status: "applied",
        from: "notebook",
        notebook: panel.context.path,
        index,
        // A cell kept out (privatecells.ts): none of its old lines.
        ...editSeen(cell.model, replacement.before, after, LIMITS.sourceChars * 2),
      };
      // Undo (see stepguard.revertStep) puts `before` back if the cell still holds `after`.
      return { result, undo: { cell_id: cell.model.id, before: replacement.before } };
    },
  },

  run_cell: {
    preview: (target, args) => cellPreview(target, args, false),
    async run({ panel }, args, signal, waiting, unchanged) {
      const index = cellIndex(args.index);
      const cell = index === null ? undefined : panel.content.widgets[index];
      if (!cell || index === null) return failed("The notebook has no such cell.");
      // Approved or not, a cell the person kept out is not the agent's to run.
      const refused = keptOutStep(panel, index);
      if (refused) return failed(refused);
      if (cell.model.type !== "code") return failed(`Cell ${index + 1} is not code.`);
      const sessionContext = panel.sessionContext;
      // Stop interrupts the kernel only while this cell executes (see runAgentCell).
      const kernel = sessionContext.session?.kernel ?? null;
      const runCells = (): Promise<boolean> => NotebookActions.runCells(panel.content, [cell], sessionContext);
      const requestOf = (): string | undefined => (cell as CodeCell).outputArea.future?.msg.header.msg_id;
      const before = requestOf();
      const run = await runAgentCell(
        cell as CodeCell,
        kernel,
        runCells,
        signal,
        () => waiting?.("Waiting for the running cell to finish…"),
        unchanged,
      );
      if (run.stoppedBefore) return { result: { status: "stopped", note: "Stopped before the cell ran; it did not run." } };
      if (run.changed) return failed(CELL_CHANGED);
      // runCells false with no execution: the cell never ran (no kernel), which is no "ok".
      // A request sent and never answered (its wait cancelled: the kernel died, restarted
      // or stopped) ended without a reply, whether or not the kernel's status said so yet
      // (kerneldeath.ts records it now if not): the model reads how it ended. A kernel that
      // died at once (os._exit) may not even have said it began the cell.
      const sent = requestOf() !== undefined && requestOf() !== before;
      const noReply = !run.ran && sent ? endedWithoutReply(panel, cell) : endedRun(cell);
      const executed = run.started || (cell as CodeCell).model.executionCount !== null || noReply !== null;
      if (!run.ran && !executed) return failed(`Cell ${index + 1} did not run (is the notebook's kernel running?).`);
      // The cell as get_active_cell gives it: outputs, the error with its reduced traceback.
      const info = cellInfo(cell, index, true);
      // A cell kept out (privatecells.ts) is read as its number only: its error still counts.
      // With an ok reply, an error a thread or a callback showed meanwhile is not the
      // cell's (backgrounderror.ts); %run's script error, shown the same way, still is.
      const errors = errorOutputs(cell);
      const own = run.ran ? errors.filter((e) => !shownByOtherCode(e)) : errors;
      const interrupted = run.interrupted || signal.aborted;
      const status = interrupted ? "stopped" : own.length > 0 || !run.ran ? "error" : "ok";
      return {
        result: {
          status,
          from: "notebook",
          notebook: panel.context.path,
          cell_count: panel.content.widgets.length,
          cell: info,
          ...(status === "stopped" ? { interrupted: true } : {}),
          ...(status === "ok" && errors.length ? { note: SHOWN_BY_OTHER_CODE } : {}),
        },
      };
    },
  },
};

const NAMES = new Set<string>(Object.keys(NOTEBOOK_TOOLS));
const STEPS = new Set<string>(AGENT_TOOLS.map((t) => t.name));

/**
 * The handler of notebook tool `name`, or undefined when there is none. Agent steps
 * only with `steps` (Agent mode, after approval); the read tools for everyone.
 */
export function notebookTool(name: unknown, { steps = false } = {}): NotebookTool | undefined {
  if (typeof name !== "string" || !NAMES.has(name)) return undefined;
  if (STEPS.has(name) && !steps) return undefined;
  return NOTEBOOK_TOOLS[name as NotebookToolName];
}

/**
 * Run notebook tool `name` on `target`. The result has passed the context policy and
 * the notebook's kernel (kernelguard.ts). null
 * when `name` is no tool here (see {@link notebookTool} for `steps`).
 */
export async function runNotebookTool(
  target: ToolTarget,
  name: unknown,
  args: unknown,
  signal: AbortSignal = new AbortController().signal,
  options: { steps?: boolean; waiting?: (note: string) => void; unchanged?: () => boolean } = {},
): Promise<StepOutcome | null> {
  const tool = notebookTool(name, options);
  if (!tool) return null;
  const plain = args && typeof args === "object" && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  const outcome = await tool.run(target, plain, signal, options.waiting, options.unchanged);
  // The kernel hides what it holds under secret names and the text rules cannot tell.
  const result = (await guardValue(target.panel.sessionContext, policyResult(outcome.result))) as Record<
    string,
    unknown
  >;
  return outcome.undo ? { result, undo: storableUndo(outcome.undo) } : { result };
}
