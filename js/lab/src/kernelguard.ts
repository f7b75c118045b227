/**
 * What the browser read from a notebook passes the notebook's kernel before the model
 * gets it (kernel.ts `hideKernelSecrets`): the kernel knows the values it holds under
 * secret names, and hides them where an output shows one with no name beside it.
 *
 * Two doors: every request of the sidebar's chat that carries the person's input (the
 * message, its context chips, a structured input or action), and every notebook tool's
 * result (tools.ts `runNotebookTool`: the sidebar's, the `%chat` widget's through the
 * bridge, Agent mode's). The kernel tools' results are made by the kernel itself.
 */

import type { ISessionContext } from "@jupyterlab/apputils";
import type { Kernel } from "@jupyterlab/services";
import type { ChatHandle, ContextRef, Transport } from "../../src/index";
import { messageContent } from "../../src/index";
import { CHECK_TTL_MS, cachedCheck, cannotCheck, jsonStrings, keepAnswers, stateMark, unchecked } from "./checkcache";
import { checkStrings, GUARD_BUSY_WAIT_MS, hideKernelSecrets } from "./kernel";
import { releaseSubshells } from "./subshell";

/** A session context, looked up when it is needed (the followed notebook changes). */
export type SessionSource = () => ISessionContext | null | undefined;

/** ChatKit requests that carry what the person sends (text, chips, actions). */
const CARRY_INPUT = new Set([
  "threads.create",
  "threads.add_user_message",
  "threads.add_structured_input",
  "threads.custom_action",
]);

/** `value` as the kernel of `session` lets it go to the model (see kernel.ts). */
export function guardValue(session: ISessionContext | null | undefined, value: unknown): Promise<unknown> {
  return hideKernelSecrets(session, value, { busyWaitMs: GUARD_BUSY_WAIT_MS });
}

/**
 * `transport` whose requests carrying input pass the kernel of `session()` first: at
 * once when the kernel checked every string of them before, in the state it is still in
 * (checkcache.ts, `precheck`), else by a check now.
 */
export function guardedTransport(transport: Transport, session: SessionSource): Transport {
  return {
    async send(body: object, signal?: AbortSignal) {
      const request = body as { type?: unknown; params?: unknown };
      if (typeof request.type !== "string" || !CARRY_INPUT.has(request.type) || !request.params) {
        return transport.send(body, signal);
      }
      const context = session();
      const kernel = context?.session?.kernel;
      const checked = kernel ? cachedCheck(kernel, request.params) : null;
      const params = checked ? checked.value : await guardValue(context, request.params);
      return transport.send({ ...request, params }, signal);
    },
  };
}

/**
 * Ask the kernel of `session` now about the strings it has no answer for, and keep the
 * answers while nothing happens on it (checkcache.ts). Whether every string has one: a
 * busy kernel, no kernel, a failed check keep none (the message is checked at Enter). A
 * kernel that said it cannot check (no jupyter_chatkit there) is not asked again.
 */
export async function precheck(session: ISessionContext | null | undefined, strings: Iterable<string>): Promise<boolean> {
  const kernel = session?.session?.kernel;
  if (!kernel || cannotCheck(kernel)) return false;
  const todo = unchecked(kernel, strings);
  if (!todo.length) return true;
  // Taken before the request goes: whatever is seen on the kernel from here voids it.
  const mark = stateMark(kernel);
  if (!mark) return false;
  const outs = await checkStrings(session, todo);
  // Kept for the kernel that answered only (the session may have changed kernel since).
  return outs !== null && session?.session?.kernel === kernel && keepAnswers(kernel, mark, todo, outs);
}

/** How long typing pauses before the draft is checked. */
export const DRAFT_PAUSE_MS = 120;
/** A draft left in the box is checked again while focused, up to this long after the
 * last key (an answer is used CHECK_TTL_MS, and asked again after half of it). */
const REFRESH_FOR_MS = 60_000;
/** Checks of a draft started by the kernel turning idle (a cell ended) in a row without
 * one that succeeded: a kernel whose check fails turns idle after each, and is not asked
 * on and on. */
const IDLE_RUNS = 3;

/** What {@link precheckDrafts} reads: the chat, its message box, its chips. */
export interface DraftSource {
  chat: Pick<ChatHandle, "session">;
  /** Where the chat is mounted (its message box: `.jck-input`). */
  host: HTMLElement;
  /** The context chips offered now. */
  chips: () => readonly ContextRef[];
  session: SessionSource;
}

/**
 * Check what the draft in the sidebar's box will carry before Enter: its text, its chips'
 * content, the request's own strings (thread, model), as `ChatSession.send` will make
 * them. Run after a pause in typing, a change of chips (`changed`), on focus and when the
 * kernel turns idle; again while a draft waits in the focused box (answers expire). A draft that differs at Enter
 * (a mention, a chip removed, a cell changed) is checked then, as before.
 */
export function precheckDrafts(source: DraftSource): { changed(): void; dispose(): void } {
  const { chat, host } = source;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let again = false;
  let lastKey = Date.now();
  let disposed = false;
  // The kernel turning idle (a cell ended) checks the draft again: Enter right after a
  // cell finished finds it checked.
  let watched: Kernel.IKernelConnection | null = null;
  let idleRuns = 0;
  const onStatus = (_: unknown, status: Kernel.Status): void => {
    if (status === "idle" && idleRuns < IDLE_RUNS) {
      idleRuns += 1;
      schedule();
    }
  };
  const follow = (): void => {
    const kernel = source.session()?.session?.kernel ?? null;
    if (kernel === watched) return;
    watched?.statusChanged.disconnect(onStatus);
    // The subshell the checks had on the kernel left behind is deleted (once a check in
    // flight there is over): a kernel followed again makes one when a cell runs.
    if (watched) releaseSubshells(watched);
    watched = kernel;
    watched?.statusChanged?.connect(onStatus);
  };
  const box = (): HTMLTextAreaElement | null => host.querySelector("textarea.jck-input");
  const schedule = (ms = DRAFT_PAUSE_MS): void => {
    if (disposed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void run();
    }, ms);
  };
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    const input = box();
    const text = input?.value.trim() ?? "";
    // An empty box in the focused chat: its chips and the request's own strings (the
    // person is about to write; a new kernel loads the check meanwhile). Not while the
    // person works in the notebook (each active cell changes the chips).
    if (!text && !host.contains(document.activeElement)) return;
    follow();
    running = true;
    try {
      const session = chat.session;
      const content = await messageContent(text ? [text] : [], source.chips());
      const message = {
        content,
        attachments: [],
        inference_options: session.model ? { model: session.model } : {},
      };
      const params = session.threadId ? { thread_id: session.threadId, input: message } : { input: message };
      // Checked: the next cell's end may start one again.
      if (await precheck(source.session(), jsonStrings(params))) idleRuns = 0;
    } catch {
      // Checked at Enter instead.
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      schedule();
    } else if (text && document.activeElement === input && Date.now() - lastKey < REFRESH_FOR_MS) {
      schedule(CHECK_TTL_MS / 4);
    }
  };
  const onInput = (): void => {
    lastKey = Date.now();
    idleRuns = 0;
    schedule();
  };
  const onFocus = (): void => schedule();
  host.addEventListener("input", onInput);
  host.addEventListener("focusin", onFocus);
  return {
    changed: () => schedule(),
    dispose: () => {
      disposed = true;
      if (timer) clearTimeout(timer);
      watched?.statusChanged.disconnect(onStatus);
      // The sidebar closes: the subshells its checks made go (after a check in flight).
      releaseSubshells();
      host.removeEventListener("input", onInput);
      host.removeEventListener("focusin", onFocus);
    },
  };
}

/** `ref` whose content passes the kernel of `session()` (a `%chat` widget's chips). */
export function guardedRef(ref: ContextRef, session: SessionSource): ContextRef {
  return { ...ref, resolve: async () => guardValue(session(), await ref.resolve()) };
}
