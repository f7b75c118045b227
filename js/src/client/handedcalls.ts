/**
 * Which threads' client tool calls this browser tab owes: the only pending calls a chat
 * runs on its own when it opens a thread (`resumePendingCall`).
 *
 * A thread ends with a pending `client_tool_call` both while the client whose turn asked
 * for it runs it (the kernel's own `%chat` turn, another window's or another chat's turn:
 * none is "answering" then, the server's turn having ended with the call) and after that
 * client went away (its page reloaded mid-answer or mid-call: the turn went on without it).
 * Only the second is this tab's to answer: the first answered twice gave two results, the
 * loser an error (and a kernel's `%chat` cell said it could not answer). Nothing on the wire
 * tells them apart, so the tab keeps its own record: a thread in which a turn of this tab
 * runs is kept in its `sessionStorage` (which outlives a reload of the tab, and only of that
 * tab) until that turn ends here, and in memory while a chat of the page runs it. A pending
 * call is this tab's to resume when the record names its thread and no chat of the page
 * runs a turn there now (the tab was reloaded, or its turn was left for another thread and
 * went on on the server). A call asked by another client's turn is left to that client; one
 * whose client went away for good (a closed tab, a restarted kernel) stays unanswered: the
 * model never reads a pending call, so the next message is answered as usual.
 */

import { AGENT_TOOLS, MCP_TOOL_PREFIX } from "../protocol";

const AGENT_NAMES = new Set<string>(AGENT_TOOLS.map((t) => t.name));

/**
 * True for the calls that need a person's approval (notebook steps, MCP tools): asked
 * again when their thread is opened, wherever they were handed (their run is claimed:
 * `TURN.STEP_STARTED`).
 */
export function isStep(name: string): boolean {
  return AGENT_NAMES.has(name) || name.startsWith(MCP_TOOL_PREFIX);
}

/** Where a tab keeps the threads it owes (`sessionStorage`'s shape). */
export interface HandedStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = "jupyter-chatkit:threads-owed";
/** The newest threads kept (a tab's turns of long ago are long answered). */
const MAX_KEPT = 20;

/** Threads in which a chat of this page runs a turn now. */
const running = new Set<string>();

/** The tab's record (its sessionStorage), or null where there is none. */
export function tabStore(): HandedStore | null {
  try {
    return (globalThis as { sessionStorage?: HandedStore }).sessionStorage ?? null;
  } catch {
    return null; // (A browser that refuses storage to this page.)
  }
}

function kept(store: HandedStore | null): string[] {
  if (!store) return [];
  try {
    const ids: unknown = JSON.parse(store.getItem(KEY) ?? "[]");
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

function keep(store: HandedStore | null, ids: string[]): void {
  try {
    store?.setItem(KEY, JSON.stringify(ids.slice(-MAX_KEPT)));
  } catch {
    // (Storage full or refused: the thread's call is only not resumed after a reload.)
  }
}

/** A turn of this tab runs in `threadId`: the client tool calls it asks for are the tab's. */
export function owe(store: HandedStore | null, threadId: string): void {
  running.add(threadId);
  const ids = kept(store);
  if (ids.at(-1) !== threadId) keep(store, [...ids.filter((x) => x !== threadId), threadId]);
}

/** That turn ended here (answered, stopped, refused): the tab owes the thread nothing. */
export function settled(store: HandedStore | null, threadId: string): void {
  running.delete(threadId);
  const ids = kept(store);
  if (ids.includes(threadId)) keep(store, ids.filter((x) => x !== threadId));
}

/** That turn was left here (another thread opened, its request failed): still owed. */
export function released(threadId: string): void {
  running.delete(threadId);
}

/** True when this tab owes `threadId`'s pending call and no chat of the page runs a turn there. */
export function owedHere(store: HandedStore | null, threadId: string): boolean {
  return !running.has(threadId) && kept(store).includes(threadId);
}
