/**
 * Telling the server an Agent step begins (`TURN.STEP_STARTED`), before it touches the
 * notebook. A page reloaded or closed while a step ran never sends its result: the
 * thread still waits for it, and the next page asked it would only guess whether it ran.
 * The thread keeps which step a page began (`STEP_STARTED_KEY` in its metadata), so that
 * page's card says plainly that the step ran and its result was lost, and offers to read
 * what the cell shows now (or, on a click, to carry it out again). A second page (another
 * tab) asked the same step is refused when it begins it too: one approval, one run.
 */

import { STEP_STARTED_KEY, STEP_STATUS, TURN } from "../protocol";
import type { ChatSession } from "./session";
import { isAbortError } from "./transport";
import type { ClientToolCallItem, NonStreamingReq, Page, ThreadItem } from "./types";

/**
 * What the server said of a step about to begin: `started` (go on), `answered` (another
 * page sent its result: it waits no more), `elsewhere` (another page began it).
 */
export type StepStart = "started" | "answered" | "elsewhere";

/**
 * A random id for one chat's steps, as the server knows them (two chats of one page are
 * two runners: each has its own). Not a secret; `getRandomValues` works on plain http too.
 */
export function runnerId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** True when the thread, as opened, says a page began step `item` (its result never came). */
export function begunBefore(session: ChatSession, item: ClientToolCallItem): boolean {
  const metadata = session.state.thread?.metadata as Record<string, unknown> | undefined;
  return metadata?.[STEP_STARTED_KEY] === item.id;
}

/** Where a page keeps the ids of the steps it began, for the page reloaded after it (localStorage's shape). */
export interface BegunSteps {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const BEGUN_KEY = "jupyter-chatkit:steps-begun";
/** The newest steps a page keeps as begun (item ids are unique: older ones are long answered). */
const MAX_BEGUN = 20;

/** The page's record of the steps it began (its localStorage), or null where there is none. */
export function pageBegunSteps(): BegunSteps | null {
  try {
    return (globalThis as { localStorage?: BegunSteps }).localStorage ?? null;
  } catch {
    return null; // (A browser that refuses storage to this page.)
  }
}

function begunIds(store: BegunSteps): string[] {
  try {
    const ids: unknown = JSON.parse(store.getItem(BEGUN_KEY) ?? "[]");
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Note in the page's record that step `itemId` is being carried out (just before it
 * touches the notebook): a page reloaded before its result was sent, or before the server
 * could be told, then knows it may have run. A step never begun is not in it.
 */
export function recordBegun(store: BegunSteps | null, itemId: string): void {
  if (!store) return;
  try {
    const ids = begunIds(store).filter((id) => id !== itemId);
    store.setItem(BEGUN_KEY, JSON.stringify([...ids, itemId].slice(-MAX_BEGUN)));
  } catch {
    // Storage full or refused: the server's record (beginStep) still says it.
  }
}

/** True when the page's record says step `itemId` was begun here (see {@link recordBegun}). */
export function begunHere(store: BegunSteps | null, itemId: string): boolean {
  return !!store && begunIds(store).includes(itemId);
}

/**
 * Tell the server that step `item` begins here (`again`: a person asked to carry out once
 * more a step begun elsewhere), and wait for its answer, so it knows before the notebook
 * changes. A server that cannot be told (unreachable, failing) leaves the step to run as
 * approved: a reload then says only that it may have run. Throws the abort of `signal`.
 */
export async function beginStep(
  session: ChatSession,
  item: ClientToolCallItem,
  runner: string,
  again: boolean,
  signal: AbortSignal,
): Promise<StepStart> {
  const threadId = item.thread_id || session.threadId;
  if (!threadId) return "started";
  const params = { thread_id: threadId, item_id: item.id, page: runner, ...(again ? { again: true } : {}) };
  try {
    // One of our own requests (protocol.py, Turn), next to ChatKit's on the same endpoint.
    const req = { type: TURN.STEP_STARTED, params } as unknown as NonStreamingReq;
    const answer = await session.request<{ started?: unknown; reason?: unknown }>(req, signal);
    if (answer.started === false && (answer.reason === "answered" || answer.reason === "elsewhere")) {
      return answer.reason;
    }
    return "started";
  } catch (e) {
    if (isAbortError(e) && signal.aborted) throw e;
    console.warn("jupyter-chatkit: could not tell the server that a step begins", e);
    return "started";
  }
}

/**
 * True when step `item` waits no more: another page sent its result (the thread's newest
 * item is no longer it, pending). Asked before a card shown in two pages answers with a
 * result of its own (Skip, Read the cell's output), which the server would refuse. A
 * failed read (or a newest item hidden from the list) says it still waits.
 */
export async function answeredElsewhere(
  session: ChatSession,
  item: Pick<ClientToolCallItem, "id" | "thread_id">,
  signal: AbortSignal,
): Promise<boolean> {
  const threadId = item.thread_id || session.threadId;
  if (!threadId) return false;
  try {
    const page = await session.request<Page<ThreadItem>>(
      { type: "items.list", params: { thread_id: threadId, order: "desc", limit: 1 } },
      signal,
    );
    const last = page.data?.[0];
    return !!last && (last.id !== item.id || (last.type === "client_tool_call" && last.status !== "pending"));
  } catch {
    return false;
  }
}

/**
 * Stop on the card of a step begun before whose result never came: the turn ends as any
 * Stop ends it, and the model is told the step may have run (`may_have_run`).
 */
export function stoppedAfterBegun(): Record<string, unknown> {
  return {
    status: STEP_STATUS.STOPPED,
    may_have_run: true,
    note: `The user pressed Stop; the turn ended. This step had been started ${BEGUN_WHERE}, and its result never came: it may have run.`,
  };
}

/**
 * Where a step begun whose result never came may have been begun: the server knows only
 * that a chat on this conversation began it, which is this page before a reload, another
 * tab, another window or browser, or the other chat on this page (the sidebar's and a
 * notebook's widget are two chats). Not only "another tab".
 */
export const BEGUN_WHERE =
  "before the page was reloaded or closed, or by another chat open on this conversation (in another tab, window " +
  "or browser, or the other chat on the same page: the sidebar or the chat in a notebook)";

/** What the model is told of a step begun before whose result never came (see {@link unknownResult}). */
export const UNKNOWN_NOTE =
  `This step was started ${BEGUN_WHERE}, and its result never ` +
  "came. The user chose not to carry it out again. What the notebook shows now follows, if anything: it may not be " +
  "the outcome of that run. Check the notebook before doing this step again.";

/**
 * The result of a step begun before whose result never came, not carried out again:
 * status `unknown`, with what its cell shows now (`now`: the host's `current`, already
 * through the context policy), if anything.
 */
export function unknownResult(now: Record<string, unknown> | undefined): Record<string, unknown> {
  return { ...(now ?? {}), status: STEP_STATUS.UNKNOWN, note: UNKNOWN_NOTE };
}
