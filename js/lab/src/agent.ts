/**
 * Agent mode's notebook side: the `AgentHost` of the shared chat (js/src/ui/agent.ts).
 *
 * It previews and carries out the approved steps `insert_cell`, `edit_cell` and
 * `run_cell` on the current notebook. The chat calls `apply` only after the person
 * approved the step's card. Every result goes through the context policy (`policyResult`:
 * redacted, bounded) and has the shape of the context tools' answers: `run_cell` gives
 * the cell as `get_active_cell` does (outputs, the error with its reduced traceback).
 * Inserts and edits return how to undo them, for "Undo agent changes".
 */

import { URLExt } from "@jupyterlab/coreutils";
import type { NotebookPanel } from "@jupyterlab/notebook";
import { NotebookActions } from "@jupyterlab/notebook";
import { ServerConnection } from "@jupyterlab/services";
import type { AgentHost, StepOutcome, StepPreview } from "../../src/index";
import { cellInfo, LIMITS } from "./cells";
import { replaceSource } from "./edits";
import { policyResult } from "./redact";
import { diffRows, diffView } from "./replace";

const NO_NOTEBOOK = "No notebook is open: open one and ask again.";

function cellIndex(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;
}

/** The changed lines of an edit, marked `-` / `+` (what the step card and the model see). */
export function diffText(before: string, after: string): string {
  const marks = { add: "+ ", del: "- ", same: "  " } as const;
  return diffRows(before, after)
    .map((row) => marks[row.kind] + row.text)
    .join("\n");
}

/** The server's `agent_auto_approve` (GET jupyter-chatkit/config); false when unknown. */
export async function fetchAutoApprove(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
): Promise<boolean> {
  try {
    const res = await ServerConnection.makeRequest(
      URLExt.join(settings.baseUrl, "jupyter-chatkit", "config"),
      { method: "GET" },
      settings,
    );
    if (!res.ok) return false;
    const data = (await res.json()) as { agent?: { auto_approve?: unknown } };
    return data.agent?.auto_approve === true;
  } catch {
    return false;
  }
}

/** The notebook the steps act on: the one the sidebar follows. */
export class NotebookAgent implements AgentHost {
  readonly autoApprove: Promise<boolean>;

  /** `notebook`: the notebook the sidebar follows now (NotebookLink.panel). */
  constructor(private readonly notebook: () => NotebookPanel | null) {
    this.autoApprove = fetchAutoApprove();
  }

  private panel(): { panel: NotebookPanel; active: number } | null {
    const panel = this.notebook();
    return panel ? { panel, active: panel.content.activeCellIndex } : null;
  }

  async preview(name: string, args: Record<string, unknown>): Promise<StepPreview> {
    const t = this.panel();
    if (!t) return { problem: NO_NOTEBOOK };
    const index = cellIndex(args.index);
    const cell = index === null ? undefined : t.panel.content.widgets[index];
    if (!cell || index === null) return { problem: `The notebook has no cell ${index === null ? "" : index + 1}.`.trim() };
    const source = cell.model.sharedModel.getSource();
    if (name === "edit_cell") return { before: source, after: String(args.new_source ?? ""), cell: index + 1 };
    return { code: source, cell: index + 1 };
  }

  diff(before: string, after: string): HTMLElement {
    return diffView(before, after);
  }

  async apply(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<StepOutcome> {
    const t = this.panel();
    if (!t) return { result: { status: "failed", error: NO_NOTEBOOK } };
    if (name === "insert_cell") return this.insert(t.panel, t.active, args);
    if (name === "edit_cell") return this.edit(t.panel, args);
    if (name === "run_cell") return this.run(t.panel, args, signal);
    return { result: { status: "failed", error: `Unknown step ${name}.` } };
  }

  private insert(panel: NotebookPanel, active: number, args: Record<string, unknown>): StepOutcome {
    const model = panel.content.model;
    if (!model || model.readOnly) return { result: { status: "failed", error: "The notebook is read-only." } };
    const source = typeof args.source === "string" ? args.source : "";
    const cellType = args.cell_type === "markdown" ? "markdown" : "code";
    const count = panel.content.widgets.length;
    const after = typeof args.after === "number" && Number.isInteger(args.after) ? args.after : active;
    const at = Math.min(Math.max(after + 1, 0), count);
    // One model-level insert: the source lands with the cell in one transaction.
    model.sharedModel.insertCell(at, { cell_type: cellType, source });
    const id = model.sharedModel.cells[at]?.id;
    panel.content.activeCellIndex = at;
    const result = policyResult({
      status: "applied",
      from: "notebook",
      notebook: panel.context.path,
      index: at,
      cell_count: panel.content.widgets.length,
    });
    const undo = (): boolean => {
      const cells = model.sharedModel.cells;
      const i = cells.findIndex((c) => c.id === id);
      if (i < 0 || cells[i].getSource() !== source) return false;
      model.sharedModel.deleteCell(i);
      return true;
    };
    return { result, undo };
  }

  private edit(panel: NotebookPanel, args: Record<string, unknown>): StepOutcome {
    const index = cellIndex(args.index);
    const cell = index === null ? undefined : panel.content.widgets[index];
    if (!cell || index === null) return { result: { status: "failed", error: `The notebook has no such cell.` } };
    if (panel.content.model?.readOnly) return { result: { status: "failed", error: "The notebook is read-only." } };
    const after = typeof args.new_source === "string" ? args.new_source : "";
    const replacement = replaceSource(cell, index, after);
    const result = policyResult({
      status: "applied",
      from: "notebook",
      notebook: panel.context.path,
      index,
      diff: diffText(replacement.before, after).slice(0, LIMITS.sourceChars * 2),
    });
    return { result, undo: () => replacement.undo() };
  }

  private async run(panel: NotebookPanel, args: Record<string, unknown>, signal: AbortSignal): Promise<StepOutcome> {
    const index = cellIndex(args.index);
    const cell = index === null ? undefined : panel.content.widgets[index];
    if (!cell || index === null) return { result: { status: "failed", error: "The notebook has no such cell." } };
    if (cell.model.type !== "code") return { result: { status: "failed", error: `Cell ${index + 1} is not code.` } };
    const sessionContext = panel.sessionContext;
    let interrupted = false;
    // Stop interrupts the kernel; the run then ends with KeyboardInterrupt.
    const onAbort = (): void => {
      interrupted = true;
      void sessionContext.session?.kernel?.interrupt().catch(() => undefined);
    };
    if (signal.aborted) return { result: { status: "stopped", note: "Stopped before the cell ran." } };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await NotebookActions.runCells(panel.content, [cell], sessionContext);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    const info = cellInfo(cell, index, true);
    const failed = (info.outputs ?? []).some((o) => o.output_type === "error");
    const status = interrupted || signal.aborted ? "stopped" : failed ? "error" : "ok";
    const result = policyResult({
      status,
      from: "notebook",
      notebook: panel.context.path,
      cell_count: panel.content.widgets.length,
      cell: info,
      ...(status === "stopped" ? { interrupted: true } : {}),
    });
    return { result };
  }
}
