/**
 * Agent mode's notebook side for the chat widget in a cell output, without loading it
 * at JupyterLab's start: the bridge's `agent()` must answer at once, so it returns this
 * stand-in, which loads NotebookAgent (and the tool table behind it) right away and
 * forwards to it. Every call that needs the agent waits for its load, since none is
 * sure to come after it: a card asks for `preview` first, but Undo right after a reload
 * reverts stored steps with no step run in the page.
 */

import type { NotebookPanel } from "@jupyterlab/notebook";
import type {
  AgentHost,
  Reversal,
  RevertOutcome,
  StepOutcome,
  StepPresence,
  StepPreview,
  UndoStep,
} from "../../src/index";
import type { NotebookAgent } from "./agent";

/** An `AgentHost` that loads NotebookAgent on construction and forwards to it. */
export class LazyAgent implements AgentHost {
  readonly autoApprove: Promise<boolean>;
  readonly maxSteps: Promise<number | null>;
  private agent: NotebookAgent | null = null;
  private readonly loaded: Promise<NotebookAgent>;
  /** A turn is running (begun before the agent was loaded, it is begun on load). */
  private inTurn = false;

  constructor(notebook: () => NotebookPanel | null) {
    this.loaded = import("./agent").then(({ NotebookAgent }) => {
      const agent = new NotebookAgent(notebook);
      if (this.inTurn) agent.beginTurn();
      this.agent = agent;
      return agent;
    });
    this.autoApprove = this.loaded.then((a) => a.autoApprove);
    this.maxSteps = this.loaded.then((a) => a.maxSteps);
  }

  beginTurn(): void {
    this.inTurn = true;
    this.agent?.beginTurn();
  }

  endTurn(): void {
    this.inTurn = false;
    this.agent?.endTurn();
  }

  async preview(name: string, args: Record<string, unknown>): Promise<StepPreview> {
    return (await this.loaded).preview(name, args);
  }

  async apply(
    name: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
    shown?: StepPreview,
    waiting?: (note: string) => void,
  ): Promise<StepOutcome> {
    return (await this.loaded).apply(name, args, signal, shown, waiting);
  }

  async current(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await this.loaded).current(name, args);
  }

  diff(before: string, after: string): HTMLElement {
    if (this.agent) return this.agent.diff(before, after);
    // Not loaded yet: a placeholder that becomes the diff as soon as it is.
    const slot = document.createElement("div");
    void this.loaded.then((a) => slot.replaceWith(a.diff(before, after)));
    return slot;
  }

  presence(step: UndoStep): StepPresence {
    // Asked after a card's preview, which waited for the agent to load.
    return this.agent ? this.agent.presence(step) : "unavailable";
  }

  onPresenceChanged(listener: () => void): () => void {
    let stop: (() => void) | null = null;
    let stopped = false;
    void this.loaded.then((agent) => {
      if (stopped) return;
      stop = agent.onPresenceChanged(listener);
      // Until now presence answered "unavailable": ask again.
      listener();
    });
    return () => {
      stopped = true;
      stop?.();
    };
  }

  async revert(step: UndoStep): Promise<RevertOutcome | Reversal> {
    // After a reload Undo is offered from the stored steps with none run in this page,
    // so the agent may still be loading: wait for it rather than answer "unavailable".
    return (await this.loaded).revert(step);
  }
}
