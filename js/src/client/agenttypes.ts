/**
 * What Agent mode's approvals (approvals.ts) and the notebook side (the JupyterLab
 * extension, the widget) say to each other: a step's preview, outcome and undo, the
 * host's interface, a card's decision and a step of the running turn. Types only.
 */

import type { MAX_UNDO_SOURCE_CHARS } from "../protocol";

/** What a card shows before the step is approved. */
export interface StepPreview {
  /** Code of an insert or of the cell a run would run. */
  code?: string;
  /** An edit: the cell's current source and the proposed one (shown as a diff). */
  before?: string;
  after?: string;
  /** The cell's 1-based number, when known. */
  cell?: number;
  /** The id of the cell the card shows (an edit's or a run's): apply checks it is still that cell. */
  cellId?: string;
  /** The notebook the step acts on (its path), named on the card. */
  notebook?: string;
  /** Why the step cannot be carried out (no notebook, no such cell). */
  problem?: string;
  /**
   * The step is refused whatever the person decides (a cell they kept out): what the
   * model reads. Such a step is answered at once as failed, with no card to approve.
   */
  refusal?: string;
}

/**
 * What "Undo agent changes" needs of an applied insert or edit, kept with the step's
 * stored output (under `STEP_UNDO_KEY`, which the model never reads), so Undo survives a
 * reload: the cell's id and, for an edit, its source before the edit.
 */
export interface StepUndo {
  cell_id: string;
  before?: string;
  /**
   * Why an edit's old source is not kept (the edit cannot be undone, its card says why):
   * `secret` when the context policy would hide something in it (the thread must not
   * store it, and its answers come back with secrets scrubbed, so Undo would write the
   * scrubbed text into the cell), `too_long` past {@link MAX_UNDO_SOURCE_CHARS}.
   */
  withheld?: UndoWithheld;
}

/**
 * Why an undo record allows no Undo: see {@link StepUndo.withheld}; `changed` when an
 * Undo left the step alone because its cell had changed since (kept in the thread, so a
 * reload refuses it as the page did).
 */
export type UndoWithheld = "secret" | "too_long" | "changed";

/** What the host gives back for a step it carried out. */
export interface StepOutcome {
  /** The tool output for the model: already redacted and bounded by the host. */
  result: Record<string, unknown>;
  /** How to revert the change (inserts and edits). */
  undo?: StepUndo;
}

/** A stored step Undo reverts: the call's name and arguments (what it wrote) and its record. */
export interface UndoStep {
  name: string;
  args: Record<string, unknown>;
  undo: StepUndo;
  /** The notebook the step acted on (its path), when its output names it. */
  notebook?: string;
  /**
   * Where the step's cell was (its output's `index`): found there by what the step wrote
   * when no cell has its id any more (a notebook that stores none gets new ones at each load).
   */
  index?: number;
}

/**
 * How reverting one step went: `changed` when its cell was changed since the step (Undo
 * leaves it alone), `gone` when the step's change is not in the notebook any more (the
 * inserted cell is not there, the edited cell holds its old source again: e.g. the page
 * was reloaded without saving the notebook), so there is nothing to revert,
 * `unavailable` when its notebook is not open here.
 */
export type RevertOutcome = "undone" | "changed" | "gone" | "unavailable";

/** Whether a stored step's change is still in the notebook (see {@link AgentHost.presence}). */
export type StepPresence = "there" | "gone" | "changed" | "held" | "unavailable";

/** A reverted step, with how to put its change back should the undo not be recorded. */
export interface Reversal {
  outcome: RevertOutcome;
  /** Put the change back (only after `undone`); false when the cell changed meanwhile. */
  restore?: () => boolean;
}

/** What "Undo agent changes" did: the steps reverted, and those left alone (and why). */
export interface UndoReport {
  undone: number;
  changed: number;
  gone: number;
  unavailable: number;
  /** The notebooks (paths) of the `unavailable` steps, when there are some: the person opens one to undo them. */
  elsewhere?: string[];
  /**
   * Why the undo could not be recorded in the thread, if it could not: then the reverted
   * changes were put back (the notebook is as before the click) and Undo is offered again.
   */
  failed?: string;
  /** Reverted changes that could not be put back after a failure (their cell changed meanwhile). */
  notRestored?: number;
}

/** The notebook side of Agent mode (the JupyterLab extension implements it). */
export interface AgentHost {
  /** What the card shows for a pending step. */
  preview(name: string, args: Record<string, unknown>): Promise<StepPreview>;
  /**
   * Carry out an approved step; `signal` aborts on Stop. `shown` is what its card showed
   * (none when it ran without a card): the host does not act when that cell has changed.
   * `waiting(note)`: the step waits, and the card says what for (`note`) meanwhile.
   */
  apply(
    name: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
    shown?: StepPreview,
    waiting?: (note: string) => void,
  ): Promise<StepOutcome>;
  /** A diff of `before` → `after` as DOM (text only). */
  diff(before: string, after: string): HTMLElement;
  /**
   * What the step's cell shows now, through the context policy, without running anything:
   * for a step begun before (a page since reloaded or closed) whose result never came.
   */
  current?(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Revert a stored step of the last turn, if its cell is still what the step wrote (a
   * promise when the host has to load first: after a reload no step has run in the page).
   */
  revert?(step: UndoStep): RevertOutcome | Reversal | Promise<RevertOutcome | Reversal>;
  /**
   * Whether a stored step's change is in the notebook open here: `there` (its cell holds
   * what it wrote), `gone` (not there any more: e.g. reloaded before the notebook was
   * saved), `changed` (changed since), `held` (not in this copy, but in another page's,
   * which applied it and has not closed the notebook: another tab), `unavailable` (its
   * notebook is not open here).
   */
  presence?(step: UndoStep): StepPresence;
  /**
   * Call `listener` when what {@link presence} answers may have changed (the notebook
   * loaded, its cells changed); returns what stops it. The cards of applied steps ask
   * again then, so one whose change a reload lost says so.
   */
  onPresenceChanged?(listener: () => void): () => void;
  /**
   * The path the notebook a preview named (`path`) has now: renamed since the card was
   * shown, its new one. The host tells {@link onPresenceChanged}'s listeners of a rename.
   */
  notebookName?(path: string): string;
  /** The server's `agent_auto_approve` (inserts and edits apply without a card). */
  autoApprove?: boolean | Promise<boolean>;
  /** The server's `agent_max_steps` (the chat derives its tool-round guard from it). */
  maxSteps?: number | Promise<number | null> | null;
  /** A turn starts: the host fixes the notebook its steps act on until {@link endTurn}. */
  beginTurn?(): void;
  /** The turn ended. */
  endTurn?(): void;
}

/**
 * A person's answer to a card. For a step begun before whose result never came
 * ({@link LiveStep.begun}): `read` tells the model it ran with an unknown result (and
 * what its cell shows now), `again` carries it out once more. What another page did,
 * as the server told (stepwatch.ts), answers a card too: `answered` (it sent the step's
 * result: the card shows the outcome), `begun` (it began the step: the card says so).
 */
export type Decision = "approve" | "skip" | "stop" | "read" | "again" | "answered" | "begun";

/** A step of the running turn: waiting for its card's decision, or being carried out. */
export interface LiveStep {
  phase: "waiting" | "running";
  /** What a running step waits for, as its card says it (the host's `waiting` note). */
  note?: string;
  /** What the card shows (fetched once, when the card is first shown). */
  preview?: StepPreview;
  /** Answer the card (waiting steps only). */
  decide?: (d: Decision) => void;
  /** Approve this step and every further step of the same turn (waiting steps only). */
  approveAll?: () => void;
  /**
   * Asked again after a reload, and the page's own record says it was begun (its
   * approval came, and the server may not have been told): it may have been carried out,
   * and its card says so. A resumed step never begun asks again without it. Either is
   * asked one by one: its card offers no "Approve all".
   */
  mayHaveRun?: boolean;
  /**
   * A page began this step (the server was told: stepstarts.ts) and its result never
   * came: it ran, or runs still in another tab. The card says so, and offers to read the
   * cell's current output (`read`) or, on a click, to carry it out again (`again`).
   */
  begun?: boolean;
  /**
   * A run of a cell whose last edit by the agent is no longer in the notebook (the page
   * was reloaded before the notebook was saved): it would run code the model did not
   * write. It always asks (no Auto-run), its card says so, and the model is told.
   */
  lostEdit?: boolean;
}
