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

import { ACTION, MCP_TOOL_PREFIX, STEP_STATUS } from "../protocol";
import type {
  AgentHost,
  Decision,
  LiveStep,
  Reversal,
  StepPreview,
  UndoReport,
  UndoStep,
} from "./agenttypes";
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

export type { StepPreview, StepUndo, UndoWithheld, StepOutcome, UndoStep, RevertOutcome, StepPresence, Reversal, UndoReport, AgentHost, Decision, LiveStep } from "./agenttypes";

export { undoableSteps, undoFailedText, undoRecord, undoReportText, undoWithheld, withUndo } from "./undorecords";

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
  /**
   * Item ids of steps another page carried out while this one showed them: their change
   * is in that page's notebook, not (unsaved) in this page's, and is not gone.
   */
  readonly answeredElsewhere = new Set<string>();
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
      // Refused whatever is decided (a kept-out cell), or impossible as shown (no such
      // cell, no notebook open): no Approve that could only fail, or act on what the card
      // did not show. (A resumed step's notebook may still be opening: its card waits.)
      const refusal = shown?.refusal ?? (resumed ? undefined : shown?.problem);
      if (refusal && !begun && !signal.aborted) return this.refuse(item, refusal);
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
    this.answeredElsewhere.add(item.id);
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
   * A step whose change is not in the notebook here (a reload before saving; or made
   * by another page, unsaved: `held` there) is not one: Undo has nothing to revert of it here.
   */
  undoable(): { item: ThreadItem; step: UndoStep }[] {
    if (this.busy || this.undoing || !this.host.revert) return [];
    return undoableSteps(this.session.state.items).filter(({ item, step }) => {
      if (this.undone.has(item.id) || this.kept.has(item.id)) return false;
      const presence = this.host.presence?.(step);
      return presence !== "gone" && presence !== "held";
    });
  }

  /** True when stored step `step`'s change is in another page's copy of the notebook, not this one's. */
  changeHeld(step: UndoStep): boolean {
    return this.host.presence?.(step) === "held";
  }

  /**
   * True when stored step `id`'s change is no longer in the notebook open here (its card
   * says so); never for one another page carried out meanwhile (its change is there).
   */
  changeGone(id: string, step: UndoStep): boolean {
    return !this.answeredElsewhere.has(id) && this.host.presence?.(step) === "gone";
  }

  /**
   * Revert the last answer's inserts and edits (newest first), each only if its cell is
   * still what the step wrote, and record it in the thread: the server marks the reverted
   * steps undone and those left alone kept, so a reload shows them so and offers no
   * second Undo. A step whose change was no longer there is neither (nothing reverted
   * it): its card says the change is gone. When that cannot be recorded,
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
          if (outcome === "undone") {
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
