/**
 * Agent mode's notebook side: the `AgentHost` of the shared chat (js/src/ui/agent.ts).
 *
 * It previews and carries out the approved steps (`AGENT_TOOLS` in protocol.ts:
 * insert, edit, run a cell) on the followed notebook, by name through the notebook's
 * tool table (tools.ts, which has their implementations and passes every result through
 * the context policy). The chat calls `apply` only after the person approved the step's
 * card. Inserts and edits return how to undo them (kept with the stored step), and
 * `revert` carries out "Undo agent changes", also after a reload.
 */

import { URLExt } from "@jupyterlab/coreutils";
import type { INotebookModel, NotebookPanel } from "@jupyterlab/notebook";
import { ServerConnection } from "@jupyterlab/services";
import type { AgentHost, Reversal, RevertOutcome, StepOutcome, StepPresence, StepPreview, UndoStep } from "../../src/index";
import { STEP_STATUS } from "../../src/protocol";
import { heldElsewhere, holdStep, moveHeld, onHeldChanged, releaseSteps } from "./heldsteps";
import { whenLoaded } from "./loaded";
import { diffView } from "./replace";
import { CELL_CHANGED, type CellSnapshot, cellChangedSince, revertStep, stepPresence } from "./stepguard";
import { notebookTool, runNotebookTool, type ToolTarget } from "./tools";

const NO_NOTEBOOK = "No notebook is open: open one and ask again.";
/** Steps on an existing cell (`args.index`): the card's cell must still be that cell. */
const CELL_STEPS = new Set(["edit_cell", "run_cell"]);

/** The id and source of the cell a step on an existing cell acts on, if it exists. */
function stepCell({ panel }: ToolTarget, name: string, args: Record<string, unknown>): CellSnapshot | undefined {
  const index = args.index;
  if (!CELL_STEPS.has(name) || typeof index !== "number" || !Number.isInteger(index) || index < 0) return undefined;
  const model = panel.content.widgets[index]?.model;
  return model ? { id: model.id, source: model.sharedModel.getSource() } : undefined;
}

/** The server's Agent-mode settings, as GET jupyter-chatkit/config gives them. */
export interface AgentConfig {
  /** `agent_auto_approve`; false when unknown. */
  autoApprove: boolean;
  /** `agent_max_steps`; null when unknown. */
  maxSteps: number | null;
}

/** The server's Agent-mode settings (GET jupyter-chatkit/config); defaults when unreachable. */
export async function fetchAgentConfig(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
): Promise<AgentConfig> {
  const unknown: AgentConfig = { autoApprove: false, maxSteps: null };
  try {
    const res = await ServerConnection.makeRequest(
      URLExt.join(settings.baseUrl, "jupyter-chatkit", "config"),
      { method: "GET" },
      settings,
    );
    if (!res.ok) return unknown;
    const data = (await res.json()) as { agent?: { auto_approve?: unknown; max_steps?: unknown } };
    const steps = data.agent?.max_steps;
    return {
      autoApprove: data.agent?.auto_approve === true,
      maxSteps: typeof steps === "number" && Number.isInteger(steps) ? steps : null,
    };
  } catch {
    return unknown;
  }
}

/**
 * Every path a notebook has had since a turn acted on it: a step names its notebook by
 * path, and the notebook renamed after the turn (the conversation follows it) is still
 * the one whose changes Undo reverts.
 */
const pathsOf = new WeakMap<NotebookPanel, Set<string>>();
/** A followed notebook's earlier path -> the path it was renamed to (see {@link renamed}). */
const renamedTo = new Map<string, string>();
/** Told when a followed notebook is renamed (a waiting card names it anew). */
const renameListeners = new Set<() => void>();

function followRenames(panel: NotebookPanel): void {
  // A notebook opened under a path another one had before its rename: that path is its.
  renamedTo.delete(panel.context.path);
  if (pathsOf.has(panel)) return;
  const paths = new Set([panel.context.path]);
  pathsOf.set(panel, paths);
  let now = panel.context.path;
  panel.context.pathChanged.connect((_, path) => {
    paths.add(path);
    moveHeld(now, path);
    // Its path is a live notebook's again (renamed back): no longer an earlier one.
    renamedTo.delete(path);
    if (now !== path) renamedTo.set(now, path);
    now = path;
    for (const listener of [...renameListeners]) listener();
  });
  // Closed: its changes are saved (in the file) or discarded (gone), held no more.
  panel.disposed.connect(() => releaseSteps(now));
}

/** The path the followed notebook that had `path` has now (`path` itself when not renamed). */
export function renamed(path: string): string {
  let now = path;
  // Each rename is one link; a chain is at most as long as the map.
  for (let left = renamedTo.size; left > 0 && renamedTo.has(now); left--) now = renamedTo.get(now) ?? now;
  return now;
}

/**
 * A step's change missing from the notebook here (`gone`) that another page applied and
 * still holds (heldsteps.ts: another tab, which loaded the notebook on its own) is not
 * gone: it is in that page's copy, not this one's (`held`).
 */
function notHere(panel: NotebookPanel, step: UndoStep, presence: StepPresence): StepPresence {
  return presence === "gone" && heldElsewhere(panel.context.path, step.undo.cell_id) ? "held" : presence;
}

/**
 * The notebook the steps act on: the one the sidebar follows when a turn starts (the
 * thread's notebook), kept for the whole turn, whichever notebook has focus later.
 */
export class NotebookAgent implements AgentHost {
  readonly autoApprove: Promise<boolean>;
  readonly maxSteps: Promise<number | null>;
  /** The turn's notebook; undefined between turns. */
  private pinned: NotebookPanel | null | undefined;
  /** Told when what {@link presence} answers may have changed. */
  private readonly presenceListeners = new Set<() => void>();
  /** The notebooks whose loading and cells those listeners follow. */
  private readonly watched = new WeakSet<NotebookPanel>();
  private presenceTold = false;

  /** `notebook`: the notebook the sidebar follows now (NotebookLink.panel). */
  constructor(private readonly notebook: () => NotebookPanel | null) {
    const config = fetchAgentConfig();
    this.autoApprove = config.then((c) => c.autoApprove);
    this.maxSteps = config.then((c) => c.maxSteps);
  }

  beginTurn(): void {
    this.pinned = this.notebook();
    if (this.pinned && !this.pinned.isDisposed) followRenames(this.pinned);
  }

  endTurn(): void {
    this.pinned = undefined;
  }

  /** The turn's notebook, about its active cell (inserts go after it by default). */
  private target(): ToolTarget | null {
    const panel = this.pinned === undefined ? this.notebook() : this.pinned;
    return panel && !panel.isDisposed ? { panel, index: panel.content.activeCellIndex } : null;
  }

  /**
   * {@link target} once its notebook is loaded: a step resumed right after a reload is
   * asked while the notebook is still being read (its card showed an empty cell, and the
   * approved run then found that cell changed).
   */
  private async loadedTarget(): Promise<ToolTarget | null> {
    const first = this.target();
    if (!first || first.panel.context.isReady) return first;
    // Closed while it loads: no notebook (JupyterLab never settles `ready` then).
    return (await whenLoaded(first.panel)) ? this.target() : null;
  }

  async preview(name: string, args: Record<string, unknown>): Promise<StepPreview> {
    const target = await this.loadedTarget();
    if (!target) return { problem: NO_NOTEBOOK };
    const preview = notebookTool(name, { steps: true })?.preview?.(target, args) ?? {};
    // The card names the notebook and remembers the cell it shows (apply checks it).
    const cell = stepCell(target, name, args);
    return { ...preview, notebook: target.panel.context.path, ...(cell ? { cellId: cell.id } : {}) };
  }

  /**
   * Undo a stored step in the notebook it acted on (renamed since, too), if that is the
   * notebook here, once it is loaded (Undo right after a reload).
   */
  async revert(step: UndoStep): Promise<RevertOutcome | Reversal> {
    const panel = this.notebook();
    if (panel && !panel.context.isReady) await whenLoaded(panel);
    const model = this.stepModel(step);
    if (!model || model.readOnly) return "unavailable";
    // Held by another page: nothing here to revert, and not gone (see notHere).
    if (panel && notHere(panel, step, stepPresence(model.sharedModel, step)) === "held") return "unavailable";
    return revertStep(model.sharedModel, step);
  }

  /**
   * Whether a stored step's change is in the notebook it acted on, if that is the notebook
   * here and it is loaded (a notebook still loading holds none of its cells yet).
   */
  presence(step: UndoStep): StepPresence {
    const model = this.stepModel(step);
    const panel = this.notebook();
    return model && panel ? notHere(panel, step, stepPresence(model.sharedModel, step)) : "unavailable";
  }

  onPresenceChanged(listener: () => void): () => void {
    this.presenceListeners.add(listener);
    // Another tab took or let go a change it held (saved, closed): gone here, or back.
    const stopHeld = onHeldChanged(listener);
    // A renamed notebook: a waiting card names it by its new path (notebookName).
    renameListeners.add(listener);
    return () => {
      stopHeld();
      renameListeners.delete(listener);
      this.presenceListeners.delete(listener);
    };
  }

  notebookName(path: string): string {
    return renamed(path);
  }

  /** Tell the presence listeners when `panel` loads, and when its cells change (once per burst). */
  private watchPresence(panel: NotebookPanel): void {
    if (this.watched.has(panel)) return;
    this.watched.add(panel);
    const tell = (): void => {
      if (this.presenceTold || panel.isDisposed) return;
      this.presenceTold = true;
      queueMicrotask(() => {
        this.presenceTold = false;
        for (const listener of [...this.presenceListeners]) listener();
      });
    };
    void whenLoaded(panel).then((loaded) => {
      if (!loaded) return;
      panel.content.model?.contentChanged.connect(tell);
      tell();
    });
  }

  /** The model of the notebook here, loaded, if step `step` acted on it (renamed since, too). */
  private stepModel(step: UndoStep): INotebookModel | null {
    const panel = this.notebook();
    if (panel && !panel.isDisposed && this.presenceListeners.size) this.watchPresence(panel);
    const model = panel && !panel.isDisposed && panel.context.isReady ? panel.content.model : null;
    if (!panel || !model) return null;
    const here = step.notebook === undefined || step.notebook === panel.context.path;
    return here || pathsOf.get(panel)?.has(step.notebook ?? "") ? model : null;
  }

  diff(before: string, after: string): HTMLElement {
    return diffView(before, after);
  }

  /**
   * What a step's cell shows now (its outputs, as get_active_cell reads them: through the
   * context policy), read and never run: for a step begun before whose result never came.
   */
  async current(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const target = await this.loadedTarget();
    if (!target) return { error: NO_NOTEBOOK };
    const { panel } = target;
    const index = args.index;
    if (!CELL_STEPS.has(name) || typeof index !== "number" || !Number.isInteger(index) || index < 0) {
      return { from: "notebook", notebook: panel.context.path, cell_count: panel.content.widgets.length };
    }
    if (index >= panel.content.widgets.length) return { error: `The notebook has no cell ${index + 1}.` };
    const outcome = await runNotebookTool({ panel, index }, "get_active_cell", {});
    return outcome?.result ?? {};
  }

  async apply(
    name: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
    shown?: StepPreview,
    waiting?: (note: string) => void,
  ): Promise<StepOutcome> {
    const target = this.target();
    if (!target) return { result: { status: STEP_STATUS.FAILED, error: NO_NOTEBOOK } };
    const unchanged = (): boolean => !(CELL_STEPS.has(name) && cellChangedSince(shown, stepCell(target, name, args)));
    if (!unchanged()) return { result: { status: STEP_STATUS.FAILED, error: CELL_CHANGED } };
    // A run may wait for the person's cell first: the cell is checked again before it is sent.
    const outcome = await runNotebookTool(target, name, args, signal, { steps: true, waiting, unchanged });
    if (outcome?.undo && outcome.result.status === STEP_STATUS.APPLIED) {
      // This page's copy holds the change until it is closed (saved or not, the change is
      // not gone): other tabs, which loaded the notebook from its file, do not call it gone.
      followRenames(target.panel);
      holdStep(target.panel.context.path, outcome.undo.cell_id);
    }
    return outcome ?? { result: { status: STEP_STATUS.FAILED, error: `Unknown step ${name}.` } };
  }
}
