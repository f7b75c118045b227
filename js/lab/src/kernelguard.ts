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
import {
  CHECK_TTL_MS,
  cachedCheck,
  cannotCheck,
  jsonStrings,
  keepAnswers,
  stateMark,
  unchecked,
  untilChanged,
} from "./checkcache";
import { checkStrings, GUARD_BUSY_WAIT_MS, hideKernelSecrets } from "./kernel";
import { mainShellChanged, mainShellSeen } from "./shellwatch";
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

/** `value` as the kernel of `session` lets it go to the model (see kernel.ts); a busy
 * kernel is waited for `busyWaitMs`. */
export function guardValue(
  session: ISessionContext | null | undefined,
  value: unknown,
  busyWaitMs: number = GUARD_BUSY_WAIT_MS,
): Promise<unknown> {
  return hideKernelSecrets(session, value, { busyWaitMs });
}

/**
 * `transport` whose requests carrying input pass the kernel of `session()` first: at
 * once when the kernel checked every string of them before, in the state it is still in
 * (checkcache.ts, `precheck`); when a check of the draft asking for the strings missing
 * is on its way (Enter pressed while it runs: a kernel just started loads the check),
 * once it is back; else by a check now.
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
      let checked = kernel ? cachedCheck(kernel, request.params) : null;
      // The time waited for a draft's check counts in the wait for a busy kernel.
      let waited = 0;
      if (kernel && !checked) {
        const since = Date.now();
        if (await inflightCheck(kernel, request.params)) {
          waited = Date.now() - since;
          checked = cachedCheck(kernel, request.params);
        }
      }
      const params = checked
        ? checked.value
        : await guardValue(context, request.params, Math.max(0, GUARD_BUSY_WAIT_MS - waited));
      return transport.send({ ...request, params }, signal);
    },
  };
}

/** A check of a draft on its way to the kernel ({@link precheck}). */
interface Inflight {
  /** The strings it asks about. */
  strings: ReadonlySet<string>;
  /** The kernel's state it was sent from (checkcache.ts `stateMark`). */
  epoch: number;
  /** Settles once its answers are kept, or not. */
  done: Promise<boolean>;
}

/** The draft checks on their way, per kernel connection. */
const inflight = new WeakMap<Kernel.IKernelConnection, Set<Inflight>>();

/**
 * Wait for the draft check on its way to `kernel` that asks for every string of `value`
 * the kernel has no answer for yet: until it is back, or the kernel's state moved (its
 * answers can no longer be kept), at most GUARD_BUSY_WAIT_MS. False when there is none
 * (nothing was waited for). Whatever it kept is read with `cachedCheck` after, as ever.
 */
async function inflightCheck(kernel: Kernel.IKernelConnection, value: unknown): Promise<boolean> {
  const checks = inflight.get(kernel);
  if (!checks?.size) return false;
  // The strings as the kernel would get them (JSON), those without an answer.
  const missing = unchecked(kernel, jsonStrings(JSON.parse(JSON.stringify(value ?? null))), CHECK_TTL_MS);
  const check = missing.length ? [...checks].find((c) => missing.every((s) => c.strings.has(s))) : undefined;
  if (!check) return false;
  const moved = untilChanged(kernel, check.epoch);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, GUARD_BUSY_WAIT_MS);
  });
  try {
    await Promise.race([check.done.catch(() => false), moved.changed, late]);
  } finally {
    clearTimeout(timer);
    moved.stop();
  }
  return true;
}

/**
 * Ask the kernel of `session` now about the strings it has no answer for, and keep the
 * answers while nothing happens on it (checkcache.ts). Whether every string has one: a
 * busy kernel, no kernel, a failed check keep none (the message is checked at Enter). A
 * kernel that said it cannot check (no jupyter_chatkit there) is not asked again. A
 * message sent while the check is on its way waits for it (`guardedTransport`).
 */
export function precheck(session: ISessionContext | null | undefined, strings: Iterable<string>): Promise<boolean> {
  return askKernel(session, strings) ?? Promise.resolve(false);
}

/** {@link precheck}'s check, or null when the kernel was not asked: none, one that cannot
 * check, one not steady now (busy, starting, its main shell busy or not known yet). */
function askKernel(session: ISessionContext | null | undefined, strings: Iterable<string>): Promise<boolean> | null {
  const kernel = session?.session?.kernel;
  if (!kernel || cannotCheck(kernel)) return null;
  const todo = unchecked(kernel, strings);
  if (!todo.length) return Promise.resolve(true);
  // Taken before the request goes: whatever is seen on the kernel from here voids it.
  const mark = stateMark(kernel);
  if (!mark) return null;
  const done = (async () => {
    const outs = await checkStrings(session, todo);
    // Kept for the kernel that answered only (the session may have changed kernel since).
    return outs !== null && session?.session?.kernel === kernel && keepAnswers(kernel, mark, todo, outs);
  })();
  const checks = inflight.get(kernel) ?? new Set<Inflight>();
  inflight.set(kernel, checks);
  const check: Inflight = { strings: new Set(todo), epoch: mark.epoch, done };
  checks.add(check);
  const over = (): void => {
    checks.delete(check);
  };
  done.then(over, over);
  return done;
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
 *
 * A kernel followed (another notebook, a kernel changed or restarted) is asked once, as
 * soon as it is idle, about the request's own strings, with the sidebar shown: its first
 * check loads the check's code in the kernel (0.2-1 s), before the person writes rather
 * than between their Enter and the request. Until it has been, a run that finds it not
 * steady (busy, starting, its main shell busy or not known yet) asks nothing and counts for
 * nothing: the kernel turning steady (its status idle, its main shell known idle:
 * shellwatch.ts, whichever comes last) runs again, in whatever order those and the
 * session's kernelChanged come. A kernel just started turns idle many times at once (the
 * page's history, comm and subshell requests): those idle turns put off one run, which
 * may come in the busy of the next request, after the last one `IDLE_RUNS` counts.
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
  // The kernel that loaded the check since it last started (its first check did).
  let warmed: Kernel.IKernelConnection | null = null;
  // Checks of the kernel followed that did not load it (failed, or answers not kept), in a
  // row: a kernel whose check fails is not asked on and on.
  let warmTries = 0;
  const warming = (): boolean => watched !== null && watched !== warmed && warmTries < IDLE_RUNS;
  // The kernel followed may be asked now (`stateMark` says for sure): idle, its main shell
  // known idle. Not on every idle turn of a subshell's or a comm's while a cell runs.
  const steadyNow = (): boolean => watched?.status === "idle" && mainShellSeen(watched) === "idle";
  const onStatus = (_: unknown, status: Kernel.Status): void => {
    if (status === "restarting" || status === "autorestarting" || status === "starting") {
      // A new start: the check's code is to be loaded again.
      warmed = null;
      idleRuns = 0;
      warmTries = 0;
    } else if (status === "idle" && idleRuns < IDLE_RUNS) {
      idleRuns += 1;
      schedule();
    } else if (status === "idle" && warming() && steadyNow()) {
      schedule();
    }
  };
  // The main shell known idle after the connection's status (read from the same message
  // after it; or the status did not move: the kernel's info is untracked).
  const onMainShell = (_: unknown, kernel: Kernel.IKernelConnection): void => {
    if (kernel === watched && warming() && steadyNow()) schedule();
  };
  mainShellChanged.connect(onMainShell);
  // Another kernel for the notebook (changed, or started after none): follow it.
  let watchedContext: ISessionContext | null = null;
  const onKernelChanged = (): void => schedule(0);
  const follow = (): void => {
    const context = source.session() ?? null;
    if (context !== watchedContext) {
      watchedContext?.kernelChanged?.disconnect(onKernelChanged);
      watchedContext = context;
      watchedContext?.kernelChanged?.connect(onKernelChanged);
    }
    const kernel = context?.session?.kernel ?? null;
    if (kernel === watched) return;
    watched?.statusChanged.disconnect(onStatus);
    // The subshell the checks had on the kernel left behind is deleted (once a check in
    // flight there is over): a kernel followed again makes one when a cell runs.
    if (watched) releaseSubshells(watched);
    watched = kernel;
    // A kernel of its own: its idle turns check (and first load the check) anew.
    idleRuns = 0;
    warmTries = 0;
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
    follow();
    const input = box();
    const text = input?.value.trim() ?? "";
    // An empty box in the focused chat: its chips and the request's own strings (the
    // person is about to write; a new kernel loads the check meanwhile). Not while the
    // person works in the notebook (each active cell changes the chips): then only a
    // kernel that has not loaded the check yet is asked, about the request's own strings.
    const kernel = watched;
    const warmOnly = !text && !host.contains(document.activeElement);
    if (warmOnly && (!kernel || kernel === warmed || !shown(host))) return;
    running = true;
    try {
      const session = chat.session;
      const content = warmOnly ? [] : await messageContent(text ? [text] : [], source.chips());
      const message = {
        content,
        attachments: [],
        inference_options: session.model ? { model: session.model } : {},
      };
      const params = session.threadId ? { thread_id: session.threadId, input: message } : { input: message };
      // Not asked (not steady): the change that makes it so runs again (onStatus, onMainShell).
      const asked = askKernel(source.session(), jsonStrings(params));
      const ok = asked !== null && (await asked);
      // Checked: the next cell's end may start one again.
      if (ok) idleRuns = 0;
      // Loaded (or cannot be: no jupyter_chatkit there) once a check went through.
      if (kernel && (ok || cannotCheck(kernel))) warmed = kernel;
      else if (asked && kernel === watched) warmTries += 1;
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
      mainShellChanged.disconnect(onMainShell);
      watchedContext?.kernelChanged?.disconnect(onKernelChanged);
      // The sidebar closes: the subshells its checks made go (after a check in flight).
      releaseSubshells();
      host.removeEventListener("input", onInput);
      host.removeEventListener("focusin", onFocus);
    },
  };
}

/** Whether `el` shows (the sidebar is not collapsed); true where it cannot be told. */
function shown(el: HTMLElement): boolean {
  return typeof el.checkVisibility !== "function" || el.checkVisibility();
}

/** `ref` whose content passes the kernel of `session()` (a `%chat` widget's chips). */
export function guardedRef(ref: ContextRef, session: SessionSource): ContextRef {
  return { ...ref, resolve: async () => guardValue(session(), await ref.resolve()) };
}
