/**
 * The kernel's check of a message, done while the person writes it (issue 12: Enter ->
 * the request at the model in a few ms, the check still on every word sent).
 *
 * Every request of the sidebar carrying input passes the notebook's kernel (kernel.ts
 * `hideKernelSecrets`, `hide_known_json`): a round trip between Enter and the request.
 * The kernel's check hides each string of the value on its own (the known values it
 * holds under secret names, replaced in that string: `_hide_known`), so the answer for
 * a string holds for that exact string while the kernel's namespace is what it was. The
 * sidebar asks the kernel about the strings a draft will carry before Enter (chat's
 * `precheckDrafts`), and keeps the answers here, per kernel connection, for the kernel's
 * state they were given in. At Enter a request whose every string has an answer for the
 * kernel's current state goes at once; any other waits for the check as before.
 *
 * The state: every message on the kernel's connection that is not one of these checks
 * ends it (the answers are dropped). A message this page sends (a cell run, a comm
 * message of a widget, a completion, an input reply), a message from the kernel
 * (a status `busy` or output of another client's request, a restart's `starting`),
 * a status change other than busy/idle, a reconnection (messages may have been missed).
 * Only the checks' own requests and their replies leave it alone: they read, never run
 * user code (known_secrets.py). So does the debugger's `debugInfo` and its reply and
 * statuses: JupyterLab's debugger asks it on the control channel unprompted, in bursts
 * after a notebook's kernel connects, and the kernel only reports its debugger's settings.
 * (Counted as a change, a burst late under load dropped the answers of a draft checked
 * just before; its statuses leave the connection's status alone, so nothing checked the
 * draft again and Enter waited for a check.) Code run in the kernel with no message at
 * all (a thread or task a cell started) cannot be seen: answers are used for
 * CHECK_TTL_MS at most.
 * A running cell (main shell busy) keeps none: the check goes to its subshell at Enter.
 *
 * The state is read from the messages, in the order they arrive, not from the
 * connection's `status`: a check is sent from an idle kernel (`stateMark`), and while
 * nothing but the checks' own messages came since, the kernel is idle but for them,
 * whatever `status` says. A check's execute reply (shell) and its idle status (iopub)
 * come in either order (Jupyter does not order the channels), `status` follows them later
 * than `anyMessage` does, and another check of the page may have turned it busy
 * meanwhile: asked for an idle status, its answers were dropped when its reply came last
 * after another check started, and Enter checked again.
 *
 * A kernel that cannot check (no jupyter_chatkit in its environment: the check's import
 * fails) is not asked before Enter again until it restarts (a connection keeps its kernel;
 * another kernel is another connection): each draft, each cell's end would ask it in
 * vain. Enter asks it as before (its answer says so again, or checks: a `%pip install`
 * needs no restart, and a check that succeeds ends this).
 */

import type { Kernel } from "@jupyterlab/services";
import { mainShellBusy } from "./subshell";

/** How long an answer is used after its check was sent (a kernel thread's changes). */
export const CHECK_TTL_MS = 30_000;
/** Answers kept per kernel (strings of drafts: a few dozen a message). */
const MAX_ANSWERS = 2000;
/** Debug requests that only read the debugger's settings (ipykernel's and xeus's
 * `debugInfo`): they and their replies and statuses leave the kernel's state alone. */
const READ_ONLY_DEBUG = new Set(["debugInfo"]);
/** Own request ids remembered (their late replies and statuses). */
const MAX_OWN = 64;

interface Watch {
  /** The kernel's id when first watched (a connection keeps its kernel). */
  kernelId: string;
  /** Moves on every message that may mean the kernel changed. */
  epoch: number;
  /** Ids of the checks this page sent, and of its read-only debug requests (their
   * messages change nothing). */
  own: string[];
  /** String -> the kernel's answer, for `epoch`, with when its check was sent. */
  answers: Map<string, { out: string; at: number }>;
  /** The connection's messages cannot be watched: no answer is ever used. */
  blind: boolean;
  /** The kernel said it cannot check (no jupyter_chatkit there), since its last start. */
  cannotCheck: boolean;
  /** Called once when `epoch` next moves ({@link untilChanged}). */
  waiters: Set<() => void>;
  /** The epoch the kernel was last seen steady in (idle, no cell running): while it
   * lasts only the checks' own messages came since, so the kernel is idle but for them. */
  steadyEpoch: number;
  /** The checks whose busy status the connection read and not yet their idle: what
   * turned its `status` busy while nothing else ran. */
  ownBusy: Set<string>;
}

const watches = new WeakMap<Kernel.IKernelConnection, Watch>();
/** The kernel a check is being sent to (set while `ownRequest` sends it). */
let sendingTo: Kernel.IKernelConnection | null = null;

function changed(watch: Watch): void {
  watch.epoch += 1;
  watch.answers.clear();
  const waiters = [...watch.waiters];
  watch.waiters.clear();
  for (const wake of waiters) wake();
}

/** The watch of `kernel`'s messages (made on first use). */
function watchOf(kernel: Kernel.IKernelConnection): Watch {
  const known = watches.get(kernel);
  if (known) return known;
  const watch: Watch = {
    kernelId: kernel.id,
    epoch: 0,
    own: [],
    answers: new Map(),
    blind: false,
    cannotCheck: false,
    waiters: new Set(),
    steadyEpoch: -1,
    ownBusy: new Set(),
  };
  watches.set(kernel, watch);
  const signals = [kernel.anyMessage, kernel.statusChanged, kernel.connectionStatusChanged, kernel.disposed];
  if (!signals.every((s) => typeof s?.connect === "function")) {
    // A connection that does not show its messages: nothing is kept, all checked at Enter.
    watch.blind = true;
    return watch;
  }
  kernel.anyMessage.connect((_, { msg, direction }) => {
    if (direction === "send") {
      // The check itself, and only it: one silent execute request with no code.
      const content = msg.content as { code?: unknown; silent?: unknown; command?: unknown };
      const type = msg.header.msg_type;
      const check = sendingTo === kernel && type === "execute_request" && content.silent && content.code === "";
      if (check) sendingTo = null;
      if (check || (type === "debug_request" && READ_ONLY_DEBUG.has(content.command as string))) {
        watch.own.push(msg.header.msg_id);
        if (watch.own.length > MAX_OWN) watch.own.shift();
      } else changed(watch);
      return;
    }
    const parent = (msg.parent_header as { msg_id?: unknown } | undefined)?.msg_id;
    if (typeof parent === "string" && watch.own.includes(parent)) return;
    changed(watch);
  });
  // The checks' statuses as the connection reads them (this signal comes right after it
  // set its `status` from the message, in the order the messages are handled).
  kernel.iopubMessage?.connect((_, msg) => {
    if (msg.header.msg_type !== "status") return;
    const parent = msg.parent_header as { msg_id?: unknown; msg_type?: unknown } | undefined;
    const id = parent?.msg_id;
    if (parent?.msg_type !== "execute_request" || typeof id !== "string" || !watch.own.includes(id)) return;
    const state = (msg.content as { execution_state?: unknown }).execution_state;
    if (state === "busy") watch.ownBusy.add(id);
    else if (state === "idle") watch.ownBusy.delete(id);
  });
  kernel.statusChanged.connect((_, status) => {
    if (status !== "busy" && status !== "idle") {
      // A restart or a dead kernel: no idle will come for the checks it was running.
      watch.ownBusy.clear();
      changed(watch);
    }
    // A restarted kernel may have jupyter_chatkit now (installed meanwhile).
    if (status === "restarting" || status === "autorestarting" || status === "starting") watch.cannotCheck = false;
  });
  kernel.connectionStatusChanged.connect(() => {
    // Messages may have been missed: the checks' idle statuses too.
    watch.ownBusy.clear();
    changed(watch);
  });
  kernel.disposed.connect(() => {
    changed(watch);
    watches.delete(kernel);
  });
  return watch;
}

/** Note what a check of `kernel` found: whether the kernel can check at all (false: its
 * environment has no jupyter_chatkit). */
export function noteCheckable(kernel: Kernel.IKernelConnection, checkable: boolean): void {
  watchOf(kernel).cannotCheck = !checkable;
}

/** Whether `kernel` said it cannot check (no jupyter_chatkit there) since it last started:
 * not asked before Enter. */
export function cannotCheck(kernel: Kernel.IKernelConnection): boolean {
  return watchOf(kernel).cannotCheck;
}

/** Send a check (`send` sends it synchronously): its messages leave the state alone. */
export function ownRequest<T>(kernel: Kernel.IKernelConnection, send: () => T): T {
  watchOf(kernel);
  const before = sendingTo;
  sendingTo = kernel;
  try {
    return send();
  } finally {
    sendingTo = before;
  }
}

/**
 * Resolves once something is seen on `kernel` after the state `epoch` of a mark (at once
 * when it already was): a check sent from that state can no longer keep its answers.
 * `stop()` forgets the waiter.
 */
export function untilChanged(kernel: Kernel.IKernelConnection, epoch: number): { changed: Promise<void>; stop(): void } {
  const watch = watchOf(kernel);
  if (watch.epoch !== epoch) return { changed: Promise.resolve(), stop: () => {} };
  let wake = (): void => {};
  const changed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  watch.waiters.add(wake);
  return { changed, stop: () => watch.waiters.delete(wake) };
}

/** Whether answers may be kept or used for `kernel` now: idle, connected, no cell
 * running, the kernel it was. */
function steady(kernel: Kernel.IKernelConnection, watch: Watch): boolean {
  return (
    !watch.blind &&
    kernel.status === "idle" &&
    kernel.connectionStatus === "connected" &&
    !kernel.isDisposed &&
    kernel.id === watch.kernelId &&
    !mainShellBusy(kernel)
  );
}

/** Whether the kernel is as it was when last seen steady: nothing but the checks' own
 * messages since (a check's reply and idle in either order, another check of the page
 * running: its busy status is all that made the connection say busy), connected, the
 * kernel it was. */
function quiet(kernel: Kernel.IKernelConnection, watch: Watch): boolean {
  if (steady(kernel, watch)) return true;
  return (
    watch.steadyEpoch === watch.epoch &&
    !watch.blind &&
    (kernel.status === "idle" || (kernel.status === "busy" && watch.ownBusy.size > 0)) &&
    kernel.connectionStatus === "connected" &&
    !kernel.isDisposed &&
    kernel.id === watch.kernelId
  );
}

/** A mark of `kernel`'s state before a check is sent; null when none may be kept. */
export function stateMark(kernel: Kernel.IKernelConnection): { epoch: number; at: number } | null {
  const watch = watchOf(kernel);
  if (!steady(kernel, watch)) return null;
  watch.steadyEpoch = watch.epoch;
  return { epoch: watch.epoch, at: Date.now() };
}

/**
 * Keep the kernel's answers `outs` for `strings` (one each, in order), checked from
 * `mark`: only when nothing was seen on the kernel since but the checks' own messages
 * (the caller has the check's reply and idle). Whether they were kept.
 */
export function keepAnswers(
  kernel: Kernel.IKernelConnection,
  mark: { epoch: number; at: number },
  strings: readonly string[],
  outs: readonly string[],
): boolean {
  const watch = watchOf(kernel);
  if (watch.epoch !== mark.epoch || strings.length !== outs.length || !quiet(kernel, watch)) return false;
  if (watch.answers.size + strings.length > MAX_ANSWERS) watch.answers.clear();
  strings.forEach((s, i) => {
    watch.answers.set(s, { out: outs[i], at: mark.at });
  });
  return true;
}

/** The strings of a JSON value (keys and values), once each. */
export function jsonStrings(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") into.add(value);
  else if (Array.isArray(value)) for (const v of value) jsonStrings(v, into);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      jsonStrings(v, into);
    }
  }
  return into;
}

/** The strings of `strings` the kernel has no answer for in its current state, or one
 * older than `maxAge` ms (asked again before it expires). */
export function unchecked(
  kernel: Kernel.IKernelConnection,
  strings: Iterable<string>,
  maxAge: number = CHECK_TTL_MS / 2,
): string[] {
  const watch = watchOf(kernel);
  const fresh = Date.now() - maxAge;
  const out: string[] = [];
  for (const s of strings) {
    const answer = watch.answers.get(s);
    if (!answer || answer.at < fresh) out.push(s);
  }
  return out;
}

/**
 * `value` as the kernel's check would leave it now, from the answers kept; null when the
 * kernel may have changed since they were given, or one of its strings has none.
 */
export function cachedCheck(kernel: Kernel.IKernelConnection, value: unknown): { value: unknown } | null {
  const watch = watchOf(kernel);
  if (!quiet(kernel, watch)) return null;
  // The value as the kernel gets it (JSON: no undefined, no functions).
  const json = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  const fresh = Date.now() - CHECK_TTL_MS;
  let missing = false;
  const map = (s: string): string => {
    const answer = watch.answers.get(s);
    if (!answer || answer.at < fresh) {
      missing = true;
      return s;
    }
    return answer.out;
  };
  const hide = (v: unknown): unknown => {
    if (typeof v === "string") return map(v);
    if (Array.isArray(v)) return v.map(hide);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      // A "__proto__" key is a key here, as in the kernel's dict.
      for (const [k, inner] of Object.entries(v)) {
        Object.defineProperty(out, map(k), { value: hide(inner), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  };
  const out = hide(json);
  return missing ? null : { value: out };
}
