/**
 * Agent mode's approval decisions, without DOM: which step waits for a card, what the
 * card showed, "Approve all in this turn", handing an approved step to the host, and
 * "Undo agent changes". The chat's cards (js/src/ui/agent.ts) render this state.
 *
 * Undo lives in the thread, not in the page: an applied insert's or edit's output keeps
 * its undo record (sent to the server with the result; the model never reads it), Undo
 * reverts the last answer's steps from those stored records, and the server marks the
 * reverted steps undone (the `agent.undo` action), so it all survives a reload.
 *
 * A turn is one streaming request of the session with its tool round trips: it starts
 * when the session turns busy (a message, Regenerate, an edited message, a widget
 * action) and ends when it is idle again. "Approve all" belongs to the turn whose card
 * set it, so a later turn (or another thread) always starts with cards again.
 */

import { ACTION, MAX_UNDO_SOURCE_CHARS, MCP_TOOL_PREFIX, STEP_STATUS } from "../protocol";
import type { ChatSession } from "./session";
import {
  answeredElsewhere,
  type BegunSteps,
  beginStep,
  begunBefore,
  begunHere,
  pageBegunSteps,
  recordBegun,
  runnerId,
  type StepStart,
  stoppedAfterBegun,
  unknownResult,
} from "./stepstarts";
import type { ClientToolCallItem, ThreadItem } from "./types";
import { watchStepsElsewhere } from "./stepwatch";
import { LOST_EDIT_NOTE, lostEdit, undoableSteps, undoFailedText, withUndo } from "./undorecords";

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
export type StepPresence = "there" | "gone" | "changed" | "unavailable";

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
   * saved), `changed` (changed since), `unavailable` (its notebook is not open here).
   */
  presence?(step: UndoStep): StepPresence;
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

export { undoableSteps, undoFailedText, undoRecord, undoWithheld, withUndo } from "./undorecords";

export const MCP_PREFIX = MCP_TOOL_PREFIX;
export const SKIPPED = { status: STEP_STATUS.SKIPPED, note: "The user skipped this step; it was not carried out." };
export const STOPPED = { status: STEP_STATUS.STOPPED, note: "The user pressed Stop; the turn ended." };

/** The browser's tool rounds per answer when the server's step limit is not known. */
export const DEFAULT_TOOL_ROUNDS = 24;
/** However large `agent_max_steps` is configured, a loop ends here (a runaway guard). */
export const MAX_TOOL_ROUNDS = 500;

/**
 * Tool rounds (reads, notebook steps and MCP calls to approve, one request each) the
 * browser answers per answer, derived from the server's `agent_max_steps`: that many
 * notebook steps, as many MCP calls (counted apart on the server) and some reads; never
 * below the default of 24 nor above {@link MAX_TOOL_ROUNDS}.
 */
export function toolRoundCap(maxSteps: unknown): number {
  if (typeof maxSteps !== "number" || !Number.isFinite(maxSteps)) return DEFAULT_TOOL_ROUNDS;
  return Math.min(MAX_TOOL_ROUNDS, Math.max(DEFAULT_TOOL_ROUNDS, 2 * Math.floor(maxSteps) + 4));
}

/** The approval state of one chat's Agent mode. */
export class StepApprovals {
  /** Run cells without a card (the thread's Auto-run). */
  autoRun = false;
  /** Inserts and edits without a card (the server's `agent_auto_approve`). */
  autoApprove = false;
  /**
   * Item ids of the steps whose change "Undo agent changes" reverted: their cards say so
   * until the server's answer marks them undone in the thread (which a reload shows).
   */
  readonly undone = new Set<string>();
  /** Item ids of steps Undo left alone because their cell changed since (their cards say so). */
  readonly kept = new Set<string>();
  /** An Undo is reverting (a second click waits for none: its steps are being handled). */
  private undoing = false;
  /** Steps of the running turn, by item id. */
  readonly live = new Map<string, LiveStep>();
  private turn = 0;
  /** The turn whose card said "Approve all", or null. */
  private approveAllTurn: number | null = null;
  /** This chat's id for the server's record of the steps it begins (stepstarts.ts). */
  private readonly runner = runnerId();
  private busy = false;
  private threadId: string | null;
  private readonly unsubscribe: () => void;
  private readonly stopWatch: () => void;

  /** `changed(id)`: step `id`'s card changed; `changed(null)`: the turn's state did. */
  constructor(
    private readonly session: ChatSession,
    private readonly host: AgentHost,
    private readonly changed: (id: string | null) => void = () => undefined,
    /** The page's record of the steps it began (stepstarts.ts), kept across a reload. */
    private readonly begunSteps: BegunSteps | null = pageBegunSteps(),
  ) {
    this.threadId = session.threadId;
    this.busy = session.busy;
    void Promise.resolve(host.autoApprove).then((v) => {
      this.autoApprove = v === true;
    });
    // The browser's guard against a runaway loop follows the server's step limit, unless
    // the session's creator set one.
    if (!session.toolRoundsGiven) {
      void Promise.resolve(host.maxSteps).then((v) => {
        session.maxToolRounds = toolRoundCap(v);
      });
    }
    this.unsubscribe = session.subscribe((e) => {
      if (e.type !== "state") return;
      if (session.threadId !== this.threadId) {
        this.threadId = session.threadId;
        // Another thread: nothing of this one's turn carries over.
        this.approveAllTurn = null;
        this.undone.clear();
        this.kept.clear();
      }
      if (session.busy !== this.busy) {
        this.busy = session.busy;
        if (this.busy) this.beginTurn();
        else this.endTurn();
      }
    });
    // A card waiting here hears that another page began or answered its step (stepwatch.ts).
    this.stopWatch = watchStepsElsewhere(session, this.live);
  }

  /** Stop following the session. */
  dispose(): void {
    this.unsubscribe();
    this.stopWatch();
  }

  /** True while "Approve all" holds (the running turn's card said so). */
  get approvingAll(): boolean {
    return this.approveAllTurn !== null && this.approveAllTurn === this.turn;
  }

  private beginTurn(): void {
    this.turn++;
    this.approveAllTurn = null;
    this.host.beginTurn?.();
    this.changed(null);
  }

  private endTurn(): void {
    this.approveAllTurn = null;
    this.host.endTurn?.();
    this.changed(null);
  }

  private autoApproved(name: string, turn: number): boolean {
    if (this.approveAllTurn === turn) return true;
    if (name === "run_cell") return this.autoRun;
    return this.autoApprove && (name === "insert_cell" || name === "edit_cell");
  }

  /** What the card shows; none when Stop comes first (a preview may wait for its notebook to load). */
  private async preview(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<StepPreview | undefined> {
    if (name.startsWith(MCP_PREFIX) || signal.aborted) return undefined;
    let onAbort = (): void => undefined;
    const stopped = new Promise<undefined>((resolve) => {
      onAbort = () => resolve(undefined);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([this.host.preview(name, args), stopped]);
    } catch (e) {
      return { problem: e instanceof Error ? e.message : String(e) };
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /**
   * One step: wait for the decision, then carry it out (or not). A `resumed` step (asked
   * of a page reloaded or closed before it sent the result) always waits for its card:
   * it may have been carried out there, and Auto-run, Approve all or auto-approve were
   * given for that page's turn, not for carrying it out a second time. Before it touches
   * the notebook, a step tells the server it begins (stepstarts.ts): a step the server
   * knows begun elsewhere asks again, and runs again only on a click.
   */
  async step(
    name: string,
    args: Record<string, unknown>,
    item: ClientToolCallItem,
    signal: AbortSignal,
    resumed = false,
  ): Promise<unknown> {
    const turn = this.turn;
    let decision: Decision = "approve";
    let shown: StepPreview | undefined;
    // A page began it before (its result lost): a Stop now does not mean it never ran.
    let begun = resumed && begunBefore(this.session, item);
    // Only a step this page's record says it began may have run (the server not told);
    // one that only waited for approval was never carried out: it asks again, plainly.
    const mayHaveRun = resumed && !begun && begunHere(this.begunSteps, item.id);
    // A run of a cell whose agent edit was lost (a reload before saving) never runs unasked.
    // (Looked at only: a step run without a card is not checked against what no card showed.)
    let lost: UndoStep | null = null;
    let looked: StepPreview | undefined;
    if (name === "run_cell" && this.host.presence) {
      looked = await this.preview(name, args, signal);
      lost = lostEdit(this.host, this.session.state.items, looked);
    }
    if (resumed || lost || !this.autoApproved(name, turn)) {
      // What the card shows is what an approval approves (apply checks the cell against it).
      shown = looked ?? (await this.preview(name, args, signal));
      // Refused whatever is decided (a kept-out cell): no Approve that could only fail.
      if (shown?.refusal && !begun && !signal.aborted) return this.refuse(item, shown.refusal);
      decision = await this.ask(item, shown, turn, signal, resumed || lost !== null, begun, mayHaveRun, lost !== null);
    }
    const mcp = name.startsWith(MCP_PREFIX);
    // The card is (or was) shown in another page too: it may have answered it meanwhile.
    let shared = resumed;
    for (;;) {
      if (signal.aborted) decision = "stop";
      if (decision === "answered") return this.showAnswered(item);
      if (decision === "begun") {
        // Another page began it meanwhile: asked again, saying so (runs here only on a click).
        shared = true;
        begun = true;
        decision = await this.ask(item, shown, turn, signal, true, true);
        continue;
      }
      if (shared && (decision === "read" || decision === "skip") && (await answeredElsewhere(this.session, item, signal))) {
        return this.showAnswered(item);
      }
      if (decision === "read") return await this.readInstead(name, args, item);
      if (decision !== "approve" && decision !== "again") {
        this.live.delete(item.id);
        this.changed(item.id);
        return decision === "skip" ? SKIPPED : begun ? stoppedAfterBegun() : STOPPED;
      }
      // (An MCP call runs on the server, after this approval: nothing runs here.)
      if (mcp) break;
      // The card leaves its buttons at once: the server is asked first (one round trip).
      this.live.set(item.id, { phase: "running", preview: shown });
      this.changed(item.id);
      const start = await this.begin(item, decision === "again", signal);
      if (start === null || signal.aborted) continue; // Stop meanwhile: it does not run
      if (start === "started") break;
      if (start === "answered") return this.showAnswered(item);
      // Another page began it: ask again, saying so; it runs here again only on a click.
      shared = true;
      begun = true;
      decision = await this.ask(item, shown, turn, signal, true, true);
    }
    if (mcp) {
      this.live.delete(item.id);
      return { status: STEP_STATUS.APPROVED };
    }
    const running: LiveStep = { phase: "running", preview: shown };
    recordBegun(this.begunSteps, item.id);
    this.live.set(item.id, running);
    this.changed(item.id);
    const waiting = (note: string): void => {
      if (this.live.get(item.id) !== running) return;
      running.note = note;
      this.changed(item.id);
    };
    try {
      const outcome = await this.host.apply(name, args, signal, shown, waiting);
      const result = lost ? { ...outcome.result, agent_edit_lost: LOST_EDIT_NOTE } : outcome.result;
      // The undo record goes with the stored step (the server keeps it from the model).
      return withUndo(result, outcome.undo);
    } finally {
      this.live.delete(item.id);
      this.changed(null);
    }
  }

  /** Answer step `item` as refused (`why`, for the model); nothing is carried out. */
  private refuse(item: ClientToolCallItem, why: string): unknown {
    this.live.delete(item.id);
    this.changed(item.id);
    return { status: STEP_STATUS.FAILED, error: why };
  }

  /**
   * Show step `item`'s card and wait for its decision (Stop answers `stop`). A step asked
   * `again` (resumed, or begun elsewhere) is asked one by one (no Approve all); one `begun`
   * offers `read` and `again` instead of Approve and Skip; one that `mayHaveRun` says so.
   */
  private ask(
    item: ClientToolCallItem,
    preview: StepPreview | undefined,
    turn: number,
    signal: AbortSignal,
    again: boolean,
    begun: boolean,
    mayHaveRun = false,
    lostEdit = false,
  ): Promise<Decision> {
    if (signal.aborted) return Promise.resolve("stop");
    return new Promise<Decision>((resolve) => {
      const onAbort = (): void => resolve("stop");
      signal.addEventListener("abort", onAbort, { once: true });
      const decide = (d: Decision): void => {
        signal.removeEventListener("abort", onAbort);
        resolve(d);
      };
      const approveAll = (): void => {
        // Only for the turn the card belongs to, and only while it runs.
        if (turn === this.turn && this.busy) this.approveAllTurn = turn;
        decide("approve");
      };
      this.live.set(item.id, {
        phase: "waiting",
        preview,
        decide,
        ...(again ? {} : { approveAll }),
        ...(mayHaveRun ? { mayHaveRun: true } : {}),
        ...(lostEdit ? { lostEdit: true } : {}),
        ...(begun ? { begun: true } : {}),
      });
      this.changed(item.id);
    });
  }

  /**
   * Another page sent step `item`'s result: show the thread as it is now. Opening it ends
   * this turn (its result, returned for form, is never sent).
   */
  private showAnswered(item: ClientToolCallItem): unknown {
    this.live.delete(item.id);
    this.changed(item.id);
    const thread = item.thread_id || this.session.threadId;
    if (thread) void this.session.openThread(thread).catch(() => undefined);
    return STOPPED;
  }

  /** Tell the server the step begins (its answer), or null when Stop came meanwhile. */
  private async begin(item: ClientToolCallItem, again: boolean, signal: AbortSignal): Promise<StepStart | null> {
    try {
      return await beginStep(this.session, item, this.runner, again, signal);
    } catch {
      return null;
    }
  }

  /**
   * A step begun before whose result never came, not carried out again: the model is
   * told it ran with an unknown result, and what its cell shows now (read, never run).
   */
  private async readInstead(name: string, args: Record<string, unknown>, item: ClientToolCallItem): Promise<unknown> {
    let now: Record<string, unknown> | undefined;
    try {
      now = await this.host.current?.(name, args);
    } catch (e) {
      now = { error: `The cell could not be read: ${e instanceof Error ? e.message : String(e)}` };
    }
    this.live.delete(item.id);
    this.changed(item.id);
    return unknownResult(now);
  }

  /**
   * The steps Undo would revert now: none while a turn runs; after an Undo, only those
   * it could not reach (their notebook was not open), so opening it offers Undo again.
   */
  undoable(): { item: ThreadItem; step: UndoStep }[] {
    if (this.busy || this.undoing || !this.host.revert) return [];
    return undoableSteps(this.session.state.items).filter(({ item }) => !this.undone.has(item.id) && !this.kept.has(item.id));
  }

  /**
   * Revert the last answer's inserts and edits (newest first), each only if its cell is
   * still what the step wrote, and record it in the thread: the server marks the reverted
   * steps (and those whose change was no longer there) undone and those left alone kept,
   * so a reload shows them so and offers no second Undo. When that cannot be recorded,
   * the reverted changes are put back, so the notebook and the thread agree again, the
   * error says so, and Undo is offered again.
   */
  async undoTurn(): Promise<UndoReport> {
    const report: UndoReport = { undone: 0, changed: 0, gone: 0, unavailable: 0 };
    const steps = this.undoable();
    const revert = this.host.revert?.bind(this.host);
    if (!steps.length || !revert) return report;
    const undone: string[] = [];
    const kept: string[] = [];
    const restores: (() => boolean)[] = [];
    // The steps are this conversation's: reverts load notebooks and take a while, and
    // the record must not go to a conversation opened meanwhile.
    const thread = this.session.threadId;
    this.undoing = true;
    try {
      let failed: string | null = null;
      let stopped = false;
      try {
        for (const { item, step } of [...steps].reverse()) {
          const answer = await revert(step);
          const { outcome, restore }: Reversal = typeof answer === "string" ? { outcome: answer } : answer;
          report[outcome]++;
          if (outcome === "unavailable" && step.notebook) {
            report.elsewhere = [...new Set([...(report.elsewhere ?? []), step.notebook])];
          }
          if (outcome === "undone" || outcome === "gone") {
            undone.push(item.id);
            this.undone.add(item.id);
            if (restore) restores.push(restore);
          } else if (outcome === "changed") {
            kept.push(item.id);
            this.kept.add(item.id);
          }
          this.changed(item.id);
        }
      } catch (e) {
        // A revert that failed partway: those before it are put back below, so the
        // notebook is whole again rather than half undone and unrecorded.
        stopped = true;
        failed = `a change could not be reverted (${e instanceof Error ? e.message : String(e)})`;
      }
      if (failed === null && this.session.threadId !== thread) failed = "another conversation was opened meanwhile";
      if (failed === null && (undone.length || kept.length)) failed = await this.record(undone, kept);
      if (failed !== null) {
        // Oldest first: the reverse of the reverts, so each cell goes back where it was.
        report.notRestored = restores.reverse().filter((restore) => !restore()).length;
        for (const id of [...undone, ...kept]) {
          this.undone.delete(id);
          this.kept.delete(id);
          this.changed(id);
        }
        report.failed = undoFailedText(failed, report.notRestored, stopped);
        this.session.replaceError(report.failed);
      }
    } finally {
      this.undoing = false;
    }
    this.changed(null);
    return report;
  }

  /** Record an Undo in the thread (`agent.undo`); why it could not be, or null. */
  private async record(undone: string[], kept: string[]): Promise<string | null> {
    const session = this.session;
    if (!session.threadId) return "the conversation is not open";
    if (session.busy) return "another answer is running";
    const payload = kept.length ? { item_ids: undone, kept_ids: kept } : { item_ids: undone };
    await session.customAction({ type: ACTION.UNDO_AGENT_STEPS, payload }, null);
    const error = session.state.error;
    return error ? (error.message ?? "").replace(/\.$/, "") || "the server did not answer" : null;
  }
}
