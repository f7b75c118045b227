/**
 * Agent mode's approval decisions, without DOM: which step waits for a card, what the
 * card showed, "Approve all in this turn", the turn's undo list, and handing an approved
 * step to the host. The chat's cards (js/src/ui/agent.ts) render this state.
 *
 * A turn is one streaming request of the session with its tool round trips: it starts
 * when the session turns busy (a message, Regenerate, an edited message, a widget
 * action) and ends when it is idle again. "Approve all" belongs to the turn whose card
 * set it, so a later turn (or another thread) always starts with cards again.
 */

import { MCP_TOOL_PREFIX, STEP_STATUS } from "../protocol";
import type { ChatSession } from "./session";
import type { ClientToolCallItem } from "./types";

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
}

/** What the host gives back for a step it carried out. */
export interface StepOutcome {
  /** The tool output for the model: already redacted and bounded by the host. */
  result: Record<string, unknown>;
  /** Revert the change (inserts and edits); false when the cell changed since. */
  undo?: () => boolean;
}

/** The notebook side of Agent mode (the JupyterLab extension implements it). */
export interface AgentHost {
  /** What the card shows for a pending step. */
  preview(name: string, args: Record<string, unknown>): Promise<StepPreview>;
  /**
   * Carry out an approved step; `signal` aborts on Stop. `shown` is what its card showed
   * (none when it ran without a card): the host does not act when that cell has changed.
   */
  apply(name: string, args: Record<string, unknown>, signal: AbortSignal, shown?: StepPreview): Promise<StepOutcome>;
  /** A diff of `before` → `after` as DOM (text only). */
  diff(before: string, after: string): HTMLElement;
  /** The server's `agent_auto_approve` (inserts and edits apply without a card). */
  autoApprove?: boolean | Promise<boolean>;
  /** A turn starts: the host fixes the notebook its steps act on until {@link endTurn}. */
  beginTurn?(): void;
  /** The turn ended. */
  endTurn?(): void;
}

/** A person's answer to a card. */
export type Decision = "approve" | "skip" | "stop";

/** A step of the running turn: waiting for its card's decision, or being carried out. */
export interface LiveStep {
  phase: "waiting" | "running";
  /** What the card shows (fetched once, when the card is first shown). */
  preview?: StepPreview;
  /** Answer the card (waiting steps only). */
  decide?: (d: Decision) => void;
  /** Approve this step and every further step of the same turn (waiting steps only). */
  approveAll?: () => void;
}

export const MCP_PREFIX = MCP_TOOL_PREFIX;
export const SKIPPED = { status: STEP_STATUS.SKIPPED, note: "The user skipped this step; it was not carried out." };
export const STOPPED = { status: STEP_STATUS.STOPPED, note: "The user pressed Stop; the turn ended." };

/** The approval state of one chat's Agent mode. */
export class StepApprovals {
  /** Run cells without a card (the thread's Auto-run). */
  autoRun = false;
  /** Inserts and edits without a card (the server's `agent_auto_approve`). */
  autoApprove = false;
  /** Reverts of the last turn's inserts and edits, in order. */
  undos: (() => boolean)[] = [];
  /** Item ids of the steps whose change "Undo agent changes" reverted (their cards say so). */
  readonly undone = new Set<string>();
  /** The step item id of each of {@link undos}. */
  private undoIds: string[] = [];
  /** Steps of the running turn, by item id. */
  readonly live = new Map<string, LiveStep>();
  private turn = 0;
  /** The turn whose card said "Approve all", or null. */
  private approveAllTurn: number | null = null;
  private busy = false;
  private threadId: string | null;
  private readonly unsubscribe: () => void;

  /** `changed(id)`: step `id`'s card changed; `changed(null)`: the turn's state did. */
  constructor(
    session: ChatSession,
    private readonly host: AgentHost,
    private readonly changed: (id: string | null) => void = () => undefined,
  ) {
    this.threadId = session.threadId;
    this.busy = session.busy;
    void Promise.resolve(host.autoApprove).then((v) => {
      this.autoApprove = v === true;
    });
    this.unsubscribe = session.subscribe((e) => {
      if (e.type !== "state") return;
      if (session.threadId !== this.threadId) {
        this.threadId = session.threadId;
        // Another thread: nothing of this one's turn carries over.
        this.approveAllTurn = null;
        this.undos = [];
        this.undoIds = [];
        this.undone.clear();
      }
      if (session.busy !== this.busy) {
        this.busy = session.busy;
        if (this.busy) this.beginTurn();
        else this.endTurn();
      }
    });
  }

  /** Stop following the session. */
  dispose(): void {
    this.unsubscribe();
  }

  /** True while "Approve all" holds (the running turn's card said so). */
  get approvingAll(): boolean {
    return this.approveAllTurn !== null && this.approveAllTurn === this.turn;
  }

  private beginTurn(): void {
    this.turn++;
    this.approveAllTurn = null;
    this.undos = [];
    this.undoIds = [];
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

  private async preview(name: string, args: Record<string, unknown>): Promise<StepPreview | undefined> {
    if (name.startsWith(MCP_PREFIX)) return undefined;
    try {
      return await this.host.preview(name, args);
    } catch (e) {
      return { problem: e instanceof Error ? e.message : String(e) };
    }
  }

  /** One step: wait for the decision, then carry it out (or not). */
  async step(name: string, args: Record<string, unknown>, item: ClientToolCallItem, signal: AbortSignal): Promise<unknown> {
    const turn = this.turn;
    let decision: Decision = "approve";
    let shown: StepPreview | undefined;
    if (!this.autoApproved(name, turn)) {
      // What the card shows is what an approval approves (apply checks the cell against it).
      shown = await this.preview(name, args);
      decision = signal.aborted
        ? "stop"
        : await new Promise<Decision>((resolve) => {
            const onAbort = (): void => resolve("stop");
            signal.addEventListener("abort", onAbort, { once: true });
            const decide = (d: Decision): void => {
              signal.removeEventListener("abort", onAbort);
              resolve(d);
            };
            this.live.set(item.id, {
              phase: "waiting",
              preview: shown,
              decide,
              approveAll: () => {
                // Only for the turn the card belongs to, and only while it runs.
                if (turn === this.turn && this.busy) this.approveAllTurn = turn;
                decide("approve");
              },
            });
            this.changed(item.id);
          });
    }
    if (signal.aborted) decision = "stop";
    if (decision !== "approve") {
      this.live.delete(item.id);
      this.changed(item.id);
      return decision === "skip" ? SKIPPED : STOPPED;
    }
    if (name.startsWith(MCP_PREFIX)) {
      this.live.delete(item.id);
      return { status: STEP_STATUS.APPROVED };
    }
    this.live.set(item.id, { phase: "running", preview: shown });
    this.changed(item.id);
    try {
      const outcome = await this.host.apply(name, args, signal, shown);
      if (outcome.undo && turn === this.turn) {
        this.undos.push(outcome.undo);
        this.undoIds.push(item.id);
      }
      return outcome.result;
    } finally {
      this.live.delete(item.id);
      this.changed(null);
    }
  }

  /** Revert the last turn's inserts and edits (newest first): how many were, how many stayed. */
  undoTurn(): { undone: number; kept: number } {
    let undone = 0;
    let kept = 0;
    for (let i = this.undos.length - 1; i >= 0; i--) {
      if (this.undos[i]()) {
        undone++;
        const id = this.undoIds[i];
        if (id) {
          this.undone.add(id);
          this.changed(id);
        }
      } else kept++;
    }
    this.undos = [];
    this.undoIds = [];
    this.changed(null);
    return { undone, kept };
  }
}
