/**
 * Agent steps without a browser: a session whose step calls go to StepApprovals with a fake
 * host (a notebook as a list of cells), the recorded stream events they answer with, and
 * stored threads holding applied (undoable) steps.
 */
import { type AgentHost, type Decision, type LiveStep, StepApprovals, type StepPreview, type UndoStep } from "../src/client/approvals";
import { ChatSession } from "../src/client/session";
import type { BegunSteps } from "../src/client/stepstarts";
import { type Answer, scriptedTransport } from "./helpers";

export const AT = "2025-01-02T03:04:06";
export const TID = "thr_a";

export function sse(...events: object[]): string {
  return events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("");
}
export const threadCreated = (id = TID) => ({
  type: "thread.created",
  thread: { id, created_at: AT, status: { type: "active" }, metadata: {}, items: { data: [], has_more: false } },
});
export const userMessage = (id: string, thread = TID) => ({
  type: "thread.item.done",
  item: { id, thread_id: thread, created_at: AT, type: "user_message", content: [{ type: "input_text", text: "go" }], attachments: [], inference_options: {} },
});
export const stepCall = (id: string, name: string, args: Record<string, unknown>, thread = TID) => ({
  type: "thread.item.done",
  item: { id, thread_id: thread, created_at: AT, type: "client_tool_call", status: "pending", call_id: `c_${id}`, name, arguments: args },
});
export const done = sse({ type: "thread.item.done", item: { id: "end", thread_id: TID, created_at: AT, type: "assistant_message", content: [] } });

/**
 * A host that records what it was asked; previews name a notebook and a cell id. Its
 * notebook is a list of cells (id, source) that inserts and edits change and Undo reverts.
 */
export function fakeHost() {
  const applied: { name: string; args: Record<string, unknown>; shown?: StepPreview }[] = [];
  const turns: string[] = [];
  const reverted: UndoStep[] = [];
  const cells: { id: string; source: string }[] = [{ id: "id0", source: "old" }];
  /** The notebook open here (Undo reaches only its steps). */
  const here = { notebook: "a.ipynb" };
  const host: AgentHost = {
    preview: async (_name, args) => ({ code: `cell ${String(args.index)}`, cellId: `id${String(args.index)}`, notebook: "a.ipynb" }),
    apply: async (name, args, _signal, shown) => {
      applied.push({ name, args, shown });
      if (name === "insert_cell") {
        const id = `new${cells.length}`;
        cells.push({ id, source: String(args.source) });
        return { result: { status: "applied", notebook: "a.ipynb" }, undo: { cell_id: id } };
      }
      if (name === "edit_cell") {
        const cell = cells[Number(args.index)];
        const before = cell.source;
        cell.source = String(args.new_source);
        return { result: { status: "applied", notebook: "a.ipynb" }, undo: { cell_id: cell.id, before } };
      }
      return { result: { status: "ok" } };
    },
    // As the lab's revertStep (js/lab/test/stepguard.test.ts tests that one).
    revert: (step) => {
      if (step.notebook !== here.notebook) return "unavailable";
      const i = cells.findIndex((c) => c.id === step.undo.cell_id);
      const wrote = String(step.name === "insert_cell" ? step.args.source : step.args.new_source);
      if (i < 0) return step.name === "insert_cell" ? "gone" : "changed";
      const cell = cells[i];
      if (cell.source !== wrote) return cell.source === step.undo.before ? "gone" : "changed";
      reverted.push(step);
      if (step.name === "insert_cell") {
        cells.splice(i, 1);
        const restore = (): boolean => {
          cells.splice(i, 0, cell);
          return true;
        };
        return { outcome: "undone", restore };
      }
      cell.source = step.undo.before ?? "";
      const restore = (): boolean => {
        cell.source = wrote;
        return true;
      };
      return { outcome: "undone", restore };
    },
    diff: () => {
      throw new Error("no DOM here");
    },
    // What the cell shows now (read, never run): its source and one output.
    current: async (_name, args) => ({ cell: { index: args.index, outputs: [{ text: "shown now" }] } }),
    beginTurn: () => turns.push("begin"),
    endTurn: () => turns.push("end"),
  };
  return { host, applied, turns, cells, reverted, here };
}

/**
 * A session whose step calls go to a StepApprovals; `answer` decides each card as it
 * is shown ("all": Approve all in this turn), a card shown again (its step begun in
 * another tab) too. Returns what the cards were shown for.
 */
export function agentSession(
  script: Record<string, Answer[]>,
  answer: (id: string, live: LiveStep) => Decision | "all",
  begunSteps: BegunSteps | null = null,
) {
  const transport = scriptedTransport(script);
  const session = new ChatSession({ transport });
  const { host, applied, turns, cells, reverted, here } = fakeHost();
  const cards: string[] = [];
  // The cards that said their step may already have been carried out; those that said it
  // was begun (its result lost); those offering Approve all.
  const mayHaveRun: string[] = [];
  const begun: string[] = [];
  const approveAll: string[] = [];
  const asked = new WeakSet<LiveStep>();
  const approvals: StepApprovals = new StepApprovals(session, host, (id) => {
    const live = id ? approvals.live.get(id) : undefined;
    if (!id || !live || live.phase !== "waiting" || asked.has(live)) return;
    asked.add(live);
    cards.push(id);
    if (live.mayHaveRun) mayHaveRun.push(id);
    if (live.begun) begun.push(id);
    if (live.approveAll) approveAll.push(id);
    const a = answer(id, live);
    // ("all" on a card offering no Approve all: Approve.)
    queueMicrotask(() => (a === "all" && live.approveAll ? live.approveAll() : live.decide?.(a === "all" ? "approve" : a)));
  }, begunSteps);
  // As ui/agent.ts hands them over.
  session.toolFallback = (name) => (args, ctx) => approvals.step(name, args, ctx.item, ctx.signal, ctx.resumed === true);
  return { session, transport, approvals, applied, turns, cards, mayHaveRun, begun, approveAll, cells, reverted, here, host };
}

export const replaced = (id: string, name: string, args: Record<string, unknown>, output: Record<string, unknown>) => ({
  type: "thread.item.replaced",
  item: { id, thread_id: TID, created_at: AT, type: "client_tool_call", status: "completed", call_id: `c_${id}`, name, arguments: args, output },
});
/** A stored step (a completed client tool call) with its output. */
export const storedStep = (id: string, name: string, args: Record<string, unknown>, output: Record<string, unknown>) =>
  replaced(id, name, args, output).item;
/** The stored thread `threads.get_by_id` answers with, holding `data`. */
export const storedThread = (data: unknown[]) => ({
  id: TID,
  created_at: AT,
  status: { type: "active" },
  metadata: {},
  items: { data, has_more: false },
});
/** Stored step s1: an insert of "a" as cell new1 in a.ipynb, applied (undoable). */
export const appliedInsert = () => storedStep("s1", "insert_cell", { source: "a" }, { status: "applied", notebook: "a.ipynb", undo: { cell_id: "new1" } });
/** Stored step s2: an edit of cell id0 from "old" to "b" in a.ipynb, applied (undoable). */
export const appliedEdit = () => storedStep("s2", "edit_cell", { index: 0, new_source: "b" }, { status: "applied", notebook: "a.ipynb", undo: { cell_id: "id0", before: "old" } });

/**
 * An agent session (every card approved) that opened the stored thread holding `items`.
 * `script` answers more requests (by default one Undo record, `threads.custom_action`);
 * its `threads.get_by_id` answers come after the stored thread's.
 */
export async function openedStored(items: unknown[], script: Record<string, Answer[]> = {}) {
  const opened = { json: storedThread(items) };
  const t = agentSession(
    {
      "threads.custom_action": [{ sse: "" }],
      ...script,
      "threads.get_by_id": [opened, ...(script["threads.get_by_id"] ?? [])],
    },
    () => "approve",
  );
  await t.session.openThread(TID);
  return t;
}
