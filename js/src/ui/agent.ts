/**
 * Agent mode in the chat: the Ask / Agent switch, the approval card of every notebook
 * step (insert, edit, run a cell; an MCP tool call), "Approve all in this turn", the
 * thread's auto-run toggle, and "Undo agent changes".
 *
 * The server hands each step to the front end as a client tool call (see
 * src/jupyter_chatkit/protocol.py, AGENT_TOOLS). Nothing reaches the notebook or the
 * kernel until the person approves the card: the tool handlers made here wait for the
 * decision, then ask the host (the JupyterLab extension) to carry the step out. A skipped
 * step answers `{status: "skipped"}`; Stop answers `{status: "stopped"}` (and the host
 * interrupts a running cell), which ends the turn on the server.
 */

import {
  type AgentHost,
  MCP_PREFIX,
  StepApprovals,
  type StepPreview,
  type UndoWithheld,
  undoRecord,
  undoReportText,
  undoWithheld,
} from "../client/approvals";
import { isStep } from "../client/handedcalls";
import type { ChatSession, ClientToolHandler } from "../client/session";
import { BEGUN_WHERE } from "../client/stepstarts";
import type { ClientToolCallItem, ThreadMetadata } from "../client/types";
import { STEP_STATUS, STEP_UNDONE_KEY } from "../protocol";
import { revealBidi, revealIn } from "./bidi";
import { button, h, icon } from "./dom";
import { toolError } from "./items";
import "./agent.css";

export type {
  AgentHost,
  Reversal,
  RevertOutcome,
  StepOutcome,
  StepPresence,
  StepPreview,
  StepUndo,
  UndoStep,
} from "../client/approvals";

export { isStep };

/** A number from the model's arguments, or null. */
function num(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) ? value : null;
}

/** One line saying what a step does ("Run cell 3"). */
export function stepTitle(name: string, args: Record<string, unknown>): string {
  const index = num(args.index);
  switch (name) {
    case "insert_cell": {
      const after = num(args.after);
      const kind = args.cell_type === "markdown" ? "a Markdown cell" : "a cell";
      return after === null
        ? `Insert ${kind}`
        : after < 0
          ? `Insert ${kind} at the top`
          : `Insert ${kind} after cell ${after + 1}`;
    }
    case "edit_cell":
      return index === null ? "Edit a cell" : `Edit cell ${index + 1}`;
    case "run_cell":
      return index === null ? "Run a cell" : `Run cell ${index + 1}`;
    default: {
      const [, server, tool] = name.split("__");
      return tool ? `Use ${tool} (${server})` : `Use ${name}`;
    }
  }
}

const STATUS_TEXT: Record<string, string> = {
  [STEP_STATUS.APPLIED]: "Done",
  [STEP_STATUS.OK]: "Ran",
  [STEP_STATUS.ERROR]: "Ran with an error",
  [STEP_STATUS.SKIPPED]: "Skipped",
  [STEP_STATUS.STOPPED]: "Stopped",
  [STEP_STATUS.APPROVED]: "Approved",
  [STEP_STATUS.DONE]: "Done",
  [STEP_STATUS.FAILED]: "Failed",
  [STEP_STATUS.DECLINED]: "Declined",
  [STEP_STATUS.NOT_RUN]: "Not run",
  [STEP_STATUS.UNKNOWN]: "Result unknown",
  undone: "Undone",
  kept: "Changed since; kept",
  gone: "No longer in the notebook",
};

/** An applied step's card when its change is no longer in the notebook (`gone`). */
const GONE_TEXT =
  "This change is no longer in the notebook (reloaded before it was saved, or removed since): nothing to undo.";

/** An applied step's card when its change is in another tab's copy, not this one's (`held`). */
const HELD_TEXT =
  "This change is in another tab's copy of this notebook, which has it unsaved: not in this copy. Undo it there.";
/** A step's card when a page began it and its result never came (LiveStep.begun). */
const BEGUN_TEXT = `This step was already started ${BEGUN_WHERE}, where it may still be running, and its result has not come. It was not run again.`;
/** A run card's warning when the agent's edit of its cell was lost (LiveStep.lostEdit). */
const LOST_EDIT_TEXT =
  "The agent's edit of this cell is no longer in the notebook (the page was reloaded before the notebook was saved?): approving runs the cell as it is now, not the edited code. The agent will be told.";
/** What a step of unknown result says once answered (`unknown`). */
const UNKNOWN_TEXT =
  "Started before the page was reloaded or closed; its result was lost. Not run again: the agent was told so, with what the notebook showed then.";
/** The two answers of a begun step's card: tell the agent what the cell shows, or do it again. */
const BEGUN_BUTTONS: Record<string, [string, string]> = {
  run_cell: ["Read the cell's output", "Run again"],
  edit_cell: ["Leave the cell as it is", "Apply again"],
  insert_cell: ["Leave the notebook as it is", "Insert again"],
};

/** Why an applied edit is not undoable, as its card says (see StepUndo.withheld). */
const WITHHELD_TEXT: Record<UndoWithheld, string> = {
  secret: "Undo agent changes cannot revert this edit: the cell held a secret, so its old source is not kept.",
  too_long: "Undo agent changes cannot revert this edit: the cell's old source was too long to keep.",
  changed: "Undo agent changes left this step alone: its cell was changed after it, and Undo never discards your work.",
};

/**
 * A finished step's status from its result: the host's `status`, else failed when it
 * answered only `{error}` (a handler that threw: Session.runTool), else done.
 */
export function stepOutcome(output: Record<string, unknown>): string {
  return String(output.status ?? (toolError(output) !== null ? STEP_STATUS.FAILED : STEP_STATUS.DONE));
}

/** A done step's card status once "Undo agent changes" reverted it. */
const UNDONE = "undone";
/** A done step's card status when Undo left it alone (its cell changed since). */
const KEPT = "kept";
/** An applied step's card status when its change is no longer in the notebook. */
const GONE = "gone";

/** The Ask / Agent switch and auto-run of a chat. */
export interface AgentSwitch {
  mode: "ask" | "agent";
  autoRun: boolean;
}

/**
 * The switch for a thread just shown: an opened thread's own (kept in its metadata), Ask
 * without auto-run for a new conversation (the mode is per conversation), and the current
 * one for an older thread that recorded none.
 */
export function threadMode(thread: ThreadMetadata | null, current: AgentSwitch): AgentSwitch {
  if (!thread) return { mode: "ask", autoRun: false };
  const agent = (thread.metadata as { agent?: { mode?: unknown; auto_run?: unknown } } | undefined)?.agent;
  if (!agent) return current;
  return { mode: agent.mode === "agent" ? "agent" : "ask", autoRun: agent.auto_run === true };
}

/**
 * What the chats sharing a session (one widget shown twice) share of Agent mode: the
 * approvals, the Ask / Agent switch and the session's step handler. Each chat has its own
 * bar and cards, drawn from these: a card approved in one view is approved in both.
 */
interface SharedAgent {
  approvals: StepApprovals;
  mode: "ask" | "agent";
  chats: Set<AgentSteps>;
  metadata: () => Record<string, unknown>;
  fallback: (name: string) => ClientToolHandler | undefined;
}

const sharedAgents = new WeakMap<ChatSession, SharedAgent>();

/** The session's shared Agent mode, made (with `host`, the first chat's) when first asked. */
function sharedAgent(session: ChatSession, host: AgentHost): SharedAgent {
  const known = sharedAgents.get(session);
  if (known) return known;
  const chats = new Set<AgentSteps>();
  const approvals = new StepApprovals(session, host, (id) => {
    for (const chat of chats) chat.changed(id);
  });
  const shared: SharedAgent = {
    approvals,
    mode: "ask",
    chats,
    // Each message carries the thread's choice (the server keeps it in the thread).
    metadata: () => ({ agent: { mode: shared.mode, auto_run: approvals.autoRun } }),
    fallback: (name) =>
      isStep(name) ? (args, ctx) => approvals.step(name, args, ctx.item, ctx.signal, ctx.resumed === true) : undefined,
  };
  session.requestMetadata = shared.metadata;
  session.toolFallback = shared.fallback;
  sharedAgents.set(session, shared);
  return shared;
}

/** Keys that move the Ask / Agent switch (to the mode they name). */
const MODE_KEYS: Record<string, "ask" | "agent"> = {
  ArrowLeft: "ask",
  ArrowUp: "ask",
  Home: "ask",
  ArrowRight: "agent",
  ArrowDown: "agent",
  End: "agent",
};

/** Agent mode for one chat: the switch, the cards and the tool handlers. */
export class AgentSteps {
  /** The Ask / Agent switch, auto-run and Undo (above the message box). */
  readonly bar: HTMLElement;
  /** The approval decisions (no DOM; the cards render them), shared by a session's chats. */
  readonly approvals: StepApprovals;
  private readonly shared: SharedAgent;
  private readonly cards = new Map<
    string,
    // `where`: the notebook path a waiting card shows (renamed since: shown anew).
    { el: HTMLElement; item: ClientToolCallItem; gone?: boolean; held?: boolean; where?: string }
  >();
  private threadId: string | null = null;
  private readonly unsubscribe: () => void;
  private readonly stopPresence: () => void;
  private readonly modeBtns: Record<"ask" | "agent", HTMLButtonElement>;
  private readonly autoRunBox: HTMLInputElement;
  private readonly autoRunLabel: HTMLElement;
  private readonly undoBtn: HTMLButtonElement;

  constructor(
    private readonly session: ChatSession,
    private readonly host: AgentHost,
    private readonly announce: (text: string) => void,
  ) {
    this.shared = sharedAgent(session, host);
    this.shared.chats.add(this);
    this.approvals = this.shared.approvals;
    const modeBtn = (mode: "ask" | "agent", label: string, title: string): HTMLButtonElement =>
      button(label, () => this.setMode(mode), {
        class: `jck-mode-btn jck-mode-${mode}`,
        "aria-pressed": "false",
        title,
      });
    this.modeBtns = {
      ask: modeBtn("ask", "Ask", "Ask: answers and code cards; nothing changes the notebook"),
      agent: modeBtn("agent", "Agent", "Agent: inserts, edits and runs cells, each after your approval"),
    };
    this.autoRunBox = h("input", { type: "checkbox", class: "jck-auto-run" });
    this.autoRunBox.addEventListener("change", () => {
      this.approvals.autoRun = this.autoRunBox.checked;
      this.syncAll();
    });
    this.autoRunLabel = h(
      "label",
      { class: "jck-auto-run-label", title: "Run cells in this conversation without asking" },
      this.autoRunBox,
      h("span", null, "Auto-run"),
    );
    this.undoBtn = button([icon("retry"), h("span", null, "Undo agent changes")], () => this.undoTurn(), {
      class: "jck-btn jck-agent-undo",
      hidden: true,
      title: "Revert every insert and edit of the last agent turn",
    });
    // One stop in the Tab order (the mode on); the arrow keys switch, as in a toolbar.
    const modes = h(
      "div",
      { class: "jck-mode", role: "group", "aria-label": "Mode" },
      this.modeBtns.ask,
      this.modeBtns.agent,
    );
    modes.addEventListener("keydown", (e) => {
      const next = MODE_KEYS[e.key];
      if (!next || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      if (next !== this.mode) this.setMode(next);
      this.modeBtns[next].focus();
    });
    this.bar = h("div", { class: "jck-agent-bar" }, modes, this.autoRunLabel, this.undoBtn);
    this.unsubscribe = session.subscribe((e) => {
      if (e.type !== "state") return;
      const id = session.threadId;
      if (id !== this.threadId) {
        // A thread created by this turn, or by a turn this chat is shown (the kernel's
        // `%%chat` in a `%chat` widget's new conversation), keeps the switch as it is; an
        // opened one has its own, and a new one (even while a cancelled turn winds down)
        // starts in Ask.
        const created = this.threadId === null && id !== null && (session.busy || session.createdThreadId === id);
        this.threadId = id;
        if (!created) this.threadChanged(session.state.thread);
      }
      this.sync();
    });
    this.sync();
    // The notebook loaded or its cells changed: an applied step's change may be gone (or back).
    this.stopPresence = host.onPresenceChanged?.(() => this.presenceChanged()) ?? (() => undefined);
  }

  /** Stop following the session. */
  dispose(): void {
    this.unsubscribe();
    this.stopPresence();
    this.cards.clear();
    const { shared, session } = this;
    shared.chats.delete(this);
    if (shared.chats.size) return; // another view of the conversation goes on with it
    shared.approvals.dispose();
    if (session.toolFallback === shared.fallback) session.toolFallback = null;
    if (session.requestMetadata === shared.metadata) session.requestMetadata = null;
    sharedAgents.delete(session);
  }

  /** The approvals changed: step `id`'s card, or (null) the bar. */
  changed(id: string | null): void {
    if (id) this.refresh(id);
    else this.sync();
  }

  private get mode(): "ask" | "agent" {
    return this.shared.mode;
  }

  private set mode(mode: "ask" | "agent") {
    this.shared.mode = mode;
  }

  /** Every chat of the session brings its bar in line (the switch is theirs together). */
  private syncAll(): void {
    for (const chat of this.shared.chats) chat.sync();
  }

  /** The handler of a call needing approval (notebook steps, MCP tools), or undefined. */
  fallback(name: string): ClientToolHandler | undefined {
    return this.shared.fallback(name);
  }

  /** The thread changed (opened, or a new one): take its mode. */
  threadChanged(thread: ThreadMetadata | null): void {
    const next = threadMode(thread, { mode: this.mode, autoRun: this.approvals.autoRun });
    this.mode = next.mode;
    this.approvals.autoRun = next.autoRun;
    this.cards.clear();
    this.sync();
  }

  private setMode(mode: "ask" | "agent"): void {
    this.mode = mode;
    if (mode === "ask") this.approvals.autoRun = false;
    this.syncAll();
    this.announce(mode === "agent" ? "Agent mode: steps ask for your approval." : "Ask mode.");
  }

  /** Bring the bar in line with the state. */
  sync(): void {
    for (const m of ["ask", "agent"] as const) {
      this.modeBtns[m].setAttribute("aria-pressed", String(this.mode === m));
      this.modeBtns[m].tabIndex = this.mode === m ? 0 : -1;
    }
    this.autoRunLabel.hidden = this.mode !== "agent";
    this.autoRunBox.checked = this.approvals.autoRun;
    this.undoBtn.hidden = this.session.busy || this.approvals.undoable().length === 0;
  }

  private async undoTurn(): Promise<void> {
    const report = await this.approvals.undoTurn();
    this.syncAll();
    if (report.failed) {
      // The chat's error box says why (role=alert), unless the record was never sent
      // (another answer started meanwhile): then the toast does.
      if (this.session.state.error?.message !== report.failed) this.announce(report.failed);
      return;
    }
    this.announce(undoReportText(report));
  }

  /** True when `item` is an applied insert or edit whose change is no longer in the notebook. */
  private changeGone(item: ClientToolCallItem): boolean {
    const step = item.status === "completed" ? undoRecord(item) : null;
    return step !== null && !this.approvals.undone.has(item.id) && this.approvals.changeGone(item.id, step);
  }

  /** True when `item` is an applied insert or edit whose change is in another tab's copy only. */
  private changeHeld(item: ClientToolCallItem): boolean {
    const step = item.status === "completed" ? undoRecord(item) : null;
    return step !== null && !this.approvals.undone.has(item.id) && this.approvals.changeHeld(step);
  }

  /** The path the notebook at `path` has now (the host follows renames). */
  private notebookName(path: string): string {
    return this.host.notebookName?.(path) ?? path;
  }

  /**
   * The host says the notebook changed (its cells, its name): redraw the cards whose
   * change came or went or whose notebook was renamed, and Undo.
   */
  private presenceChanged(): void {
    for (const card of this.cards.values()) {
      if (!card.el.isConnected) continue;
      const moved =
        this.changeGone(card.item) !== (card.gone ?? false) ||
        this.changeHeld(card.item) !== (card.held ?? false) ||
        (card.where !== undefined && this.notebookName(card.where) !== card.where);
      if (moved) this.render(card.el, card.item);
    }
    this.sync();
  }

  private refresh(id: string): void {
    const card = this.cards.get(id);
    if (card) this.render(card.el, card.item);
  }

  /** The card of a step (the thread view shows it in place of the tool line). */
  view(item: ClientToolCallItem): HTMLElement | null {
    if (!isStep(item.name)) return null;
    let card = this.cards.get(item.id);
    if (!card) {
      card = { el: h("div", { class: "jck-step" }), item };
      this.cards.set(item.id, card);
    }
    card.item = item;
    this.render(card.el, item);
    return card.el;
  }

  private render(el: HTMLElement, item: ClientToolCallItem): void {
    const args = item.arguments ?? {};
    const live = this.approvals.live.get(item.id);
    const output = (item.output && typeof item.output === "object" ? item.output : {}) as Record<string, unknown>;
    const status =
      item.status !== "completed"
        ? live
          ? live.phase
          : "pending"
        : output[STEP_UNDONE_KEY] === true || this.approvals.undone.has(item.id)
          ? UNDONE // reverted by "Undo agent changes" (stored by the server; live until it answers)
          : this.approvals.kept.has(item.id) || undoWithheld(output) === "changed"
            ? KEPT // left alone by an Undo (kept in the thread: a reload says so too)
            : this.changeGone(item)
              ? GONE // its change is not in the notebook (a reload before saving)
              : stepOutcome(output);
    const card = this.cards.get(item.id);
    // Applied here, its change is in another tab's copy only: it says so (not gone).
    const held = item.status === "completed" && status === stepOutcome(output) && this.changeHeld(item);
    if (card?.el === el) {
      card.gone = status === GONE;
      card.held = held;
      card.where = undefined; // set again when the proposal shows its notebook
    }
    el.setAttribute("data-step", item.name);
    el.setAttribute("data-status", status);
    const head = h(
      "div",
      // A note says what a running step waits for: on a line of its own, under the title.
      { class: live?.note ? "jck-step-head jck-step-head-note" : "jck-step-head" },
      live?.phase === "running"
        ? h("span", { class: "jck-spinner", "aria-hidden": "true" })
        : icon(stepIcon(item.name)),
      h("span", { class: "jck-step-title" }, stepTitle(item.name, args)),
      item.status === "completed"
        ? h("span", { class: `jck-step-status jck-step-${status}` }, STATUS_TEXT[status] ?? status)
        : live?.phase === "running"
          ? live.note
            ? h("span", { class: "jck-step-status jck-step-waiting" }, live.note)
            : h("span", { class: "jck-step-status" }, "Working…")
          : null,
    );
    // A step's title names a tool and its server (a configuration's words) and its note
    // what it waits for: invisible controls shown, as in every name.
    revealIn(head);
    const body = h("div", { class: "jck-step-body" });
    el.replaceChildren(head, body);
    if (item.status === "completed") {
      body.append(...this.doneBody(item.name, args, output));
      if (status === GONE) body.append(h("p", { class: "jck-step-note jck-step-gone-note", role: "note" }, GONE_TEXT));
      if (held) body.append(h("p", { class: "jck-step-note jck-step-held-note", role: "note" }, HELD_TEXT));
      return;
    }
    // The proposal: the code, the diff against the cell's current source, the cell to run,
    // and the notebook it acts on; a live step shows what its approval approves.
    const show = (p: StepPreview): void => {
      // Named by its path now: renamed since the preview, the step still acts on it.
      const path = p.notebook ? this.notebookName(p.notebook) : undefined;
      if (card?.el === el) card.where = path;
      const where = path ? h("p", { class: "jck-step-notebook" }, "In ", h("code", null, path)) : null;
      // A file name may hold bidi controls or zero-width characters: "In evil.ipynb" must
      // not read as another notebook.
      if (where) revealIn(where);
      const what = p.problem
        ? h("p", { class: "jck-step-problem" }, p.problem)
        : p.before !== undefined && p.after !== undefined
          ? shownDiff(this.host.diff(p.before, p.after))
          : p.code !== undefined
            ? codeBlock(p.code)
            : null;
      body.prepend(...[where, what].filter((n): n is HTMLElement => n !== null));
    };
    if (item.name.startsWith(MCP_PREFIX)) body.append(codeBlock(JSON.stringify(args, null, 2)));
    else if (live?.preview) show(live.preview);
    else if (item.name === "insert_cell" && typeof args.source === "string") body.append(codeBlock(args.source));
    else if (!live) {
      void this.host.preview(item.name, args).then((p) => {
        if (!el.isConnected && !this.cards.has(item.id)) return;
        body.replaceChildren();
        show(p);
        if (!this.approvals.live.has(item.id)) body.append(h("p", { class: "jck-step-note" }, "Not carried out."));
      });
    }
    if (live?.phase !== "waiting" || !live.decide) {
      if (!live) body.append(h("p", { class: "jck-step-note" }, "Not carried out."));
      return;
    }
    const decide = live.decide;
    if (live.begun) {
      // The server was told a page began it, and its result never came: it ran (or runs
      // still in another tab). Nothing runs again but on a click.
      el.setAttribute("data-begun", "true");
      body.prepend(h("p", { class: "jck-step-problem jck-step-begun", role: "note" }, BEGUN_TEXT));
      const [read, again] = BEGUN_BUTTONS[item.name] ?? BEGUN_BUTTONS.insert_cell;
      el.append(
        h(
          "div",
          { class: "jck-step-actions" },
          button(read, () => decide("read"), {
            class: "jck-btn jck-btn-primary jck-step-read",
            title: "Tell the agent the step ran and its result was lost, with what the cell shows now",
          }),
          button(again, () => decide("again"), { class: "jck-btn jck-step-again" }),
        ),
      );
      return;
    }
    if (live.lostEdit) {
      // The agent's edit of this cell is no longer in the notebook: running it now runs
      // the code from before that edit.
      el.setAttribute("data-lost-edit", "true");
      body.prepend(h("p", { class: "jck-step-problem jck-step-lost-edit", role: "note" }, LOST_EDIT_TEXT));
    }
    if (live.mayHaveRun) {
      // This page's record says it began this step before a reload (the server may not
      // have been told): approving may do it twice. A step that only waited asks plainly.
      body.prepend(
        h(
          "p",
          { class: "jck-step-problem jck-step-may-have-run", role: "note" },
          "This step may already have been carried out before the page was reloaded or closed. Check the notebook before you approve it again.",
        ),
      );
    }
    const actions = h(
      "div",
      { class: "jck-step-actions" },
      button("Approve", () => decide("approve"), { class: "jck-btn jck-btn-primary jck-step-approve" }),
      button("Skip", () => decide("skip"), { class: "jck-btn jck-step-skip" }),
      // Not on a resumed step's card: each such step is asked on its own.
      live.approveAll
        ? button("Approve all in this turn", live.approveAll, {
            class: "jck-btn jck-step-approve-all",
            title: "Approve this and every further step of this answer",
          })
        : null,
    );
    el.append(actions);
  }

  private doneBody(name: string, args: Record<string, unknown>, output: Record<string, unknown>): Node[] {
    const nodes: Node[] = [];
    if (name === "insert_cell" && typeof args.source === "string") nodes.push(codeBlock(args.source));
    if (name === "edit_cell" && typeof output.diff === "string") nodes.push(codeBlock(output.diff, "jck-step-diff"));
    const cell = output.cell as { outputs?: { text?: unknown }[] } | undefined;
    const texts = (cell?.outputs ?? []).map((o) => (typeof o.text === "string" ? o.text : "")).filter(Boolean);
    // The exception leads: the traceback's last line is below the fold of its small box.
    const raised = name === "run_cell" ? exceptionLine(output) : null;
    if (raised) nodes.push(h("p", { class: "jck-step-problem jck-step-exception" }, raised));
    if (name === "run_cell" && texts.length) nodes.push(codeBlock(texts.join("\n"), "jck-step-output"));
    if (typeof output.error === "string") nodes.push(h("p", { class: "jck-step-problem" }, output.error));
    if (output.status === STEP_STATUS.UNKNOWN)
      nodes.push(h("p", { class: "jck-step-note jck-step-begun" }, UNKNOWN_TEXT));
    const withheld = output[STEP_UNDONE_KEY] === true ? null : undoWithheld(output);
    if (withheld) nodes.push(h("p", { class: "jck-step-note jck-step-no-undo" }, WITHHELD_TEXT[withheld]));
    return nodes;
  }
}

/** "KeyError: 'scor'" of a run step's result whose cell raised, else null. */
export function exceptionLine(output: Record<string, unknown>): string | null {
  const cell = output.cell as { outputs?: { output_type?: unknown; ename?: unknown; evalue?: unknown }[] } | undefined;
  const error = (cell?.outputs ?? []).find((o) => o.output_type === "error" && typeof o.ename === "string" && o.ename);
  if (!error) return null;
  const value = typeof error.evalue === "string" ? error.evalue : "";
  return value ? `${error.ename}: ${value}` : String(error.ename);
}

function stepIcon(name: string): string {
  return name === "run_cell" ? "play" : name === "edit_cell" ? "pencil" : name === "insert_cell" ? "insert" : "sparkle";
}

/** The host's diff with every character that draws other than it reads shown (the host may not). */
function shownDiff(diff: HTMLElement): HTMLElement {
  revealIn(diff);
  return diff;
}

function codeBlock(text: string, cls = "jck-step-code"): HTMLElement {
  const pre = h("pre", { class: cls }, h("code", null, text));
  // What a person approves is what runs: no control character may redraw it.
  revealBidi(pre);
  return pre;
}
