/**
 * A busy kernel still answers the sidebar's silent requests, on a kernel subshell (JEP 91).
 *
 * While a cell runs (a long training loop), the main shell queues every request behind it:
 * the kernel guard (kernel.ts `hideKernelSecrets`) then had to withhold the notebook's
 * outputs. A kernel with subshells (ipykernel 7) runs a subshell's requests on a thread of
 * their own, concurrently: the guard and the kernel tools are sent there instead. One
 * subshell per kernel connection, made when first needed, kept, forgotten when the kernel
 * restarts (it has none then), deleted when the connection is disposed (the notebook
 * closed, its kernel changed: the kernel may run on), when the sidebar lets it go
 * ({@link releaseSubshells}: the sidebar closed, or it follows another kernel) and when
 * the page goes. A request holds its subshell from {@link busySubshell} to the end of its
 * request ({@link SubshellLease}): one let go meanwhile is deleted after it, never under
 * it (a deleted subshell drops a request it runs or gets).
 *
 * What the main shell runs is read from the kernel's status messages by shellwatch.ts,
 * which watches every notebook's connection from when it appears. A subshell's requests
 * flip the connection's `status` to idle while the cell still runs (the kernel publishes
 * busy/idle for them too): set back to busy here, so the person still sees Busy.
 *
 * No subshells (another kernel, an older ipykernel), or creating one failed: `null`, and
 * the caller waits for the kernel as before. One being made that has not come within the
 * caller's wait (a loaded machine): `"slow"`, and it is kept for the next request when it
 * comes (before, one made after 2 s was deleted and the next request made another, so a
 * slow kernel was never read beside its cell).
 */

import { PageConfig } from "@jupyterlab/coreutils";
import type { Kernel } from "@jupyterlab/services";
import { KernelMessage } from "@jupyterlab/services";
import { mainShell, mainShellChanged } from "./shellwatch";

/** One subshell of ours, from the request that makes it on. */
interface Subshell {
  /** Its id once made (`null`: none could be made this time). */
  id: Promise<string | null>;
  /** Requests holding it (handed out by `busySubshell`, not ended yet). */
  users: number;
  /** Let go: deleted once no request holds it. */
  released: boolean;
}

interface ShellState {
  /** The subshell new requests get (`null`: made when one is needed). */
  subshell: Subshell | null;
}

/** The kernel connections watched, until disposed. */
const states = new Map<Kernel.IKernelConnection, ShellState>();
/** Subshells made by this page that the kernel has, per connection: deleted at most once,
 * when let go, when the connection is disposed or when the page goes. */
const live = new Map<Kernel.IKernelConnection, Set<string>>();

function stateOf(kernel: Kernel.IKernelConnection): ShellState {
  const known = states.get(kernel);
  if (known) return known;
  // Watched first (if the page's start-up watch missed it): its handler reads each
  // status message before the one below.
  mainShell(kernel);
  const state: ShellState = { subshell: null };
  states.set(kernel, state);
  kernel.iopubMessage.connect((_, msg) => {
    if (msg.header.msg_type !== "status") return;
    const status = (msg.content as { execution_state?: string }).execution_state;
    // A subshell's, a comm's or a control request's end (ours: the check, making the
    // subshell) set the connection idle while the main shell runs a cell. Only when that
    // is known: a guess that outlived the cell would show Busy for good.
    if (status === "idle" && kernel.status === "idle" && mainShell(kernel) === "busy") restoreBusy(kernel);
  });
  kernel.statusChanged.connect((_, status) => {
    // A restarted kernel has no subshells.
    if (status === "restarting" || status === "autorestarting" || status === "starting" || status === "dead") {
      state.subshell = null;
      live.delete(kernel);
    }
  });
  kernel.disposed.connect(() => {
    // Sent now: the connection still has its socket while it says it is disposed, and
    // drops it (and every request in flight) right after.
    for (const id of live.get(kernel) ?? []) void deleteSubshell(kernel, id);
    live.delete(kernel);
    states.delete(kernel);
  });
  return state;
}

/** The releases whose kernel connection's private `_updateStatus` (@jupyterlab/services
 * 7.6.6, lib/kernel/default.js: sets `status`, emits `statusChanged`) was read: JupyterLab
 * 4.6 and Notebook 7.6 ship that services 7.6. No public API sets a connection's status. */
const STATUS_UPDATE_READ_IN: Record<string, string> = { JupyterLab: "4.6.", "Jupyter Notebook": "7.6." };

/** Whether this page's JupyterLab is a release `_updateStatus` was read in. */
export function statusUpdateFollowed(appName: string, appVersion: string): boolean {
  const prefix = STATUS_UPDATE_READ_IN[appName];
  return prefix !== undefined && appVersion.startsWith(prefix);
}

/** The connection's status back to busy, in the releases read only; in another the status
 * stays idle until the cell ends, as JupyterLab's own comms over subshells leave it. */
function restoreBusy(kernel: Kernel.IKernelConnection): void {
  if (!statusUpdateFollowed(PageConfig.getOption("appName"), PageConfig.getOption("appVersion"))) return;
  const update = (kernel as unknown as { _updateStatus?: unknown })._updateStatus;
  if (typeof update === "function") update.call(kernel, "busy");
}

/** Whether the kernel's main shell may be running something: it is (whatever the
 * connection's status says after a subshell's request), or that is not known yet
 * (shellwatch.ts: a subshell answers either way; nothing is kept meanwhile). */
export function mainShellBusy(kernel: Kernel.IKernelConnection): boolean {
  stateOf(kernel);
  return mainShell(kernel) !== "idle";
}

/**
 * Resolve true once `kernel`'s main shell is idle: at once if it is, after the running
 * request's idle if it runs one; false if the kernel dies or `signal` aborts first.
 * `waiting()` is called when it has to wait. Not known (shellwatch.ts: a page reloaded
 * under a running cell, a connection back after a while): an empty silent request is
 * sent to the main shell, which answers it after whatever runs there, and its status
 * says when. Never a guess from the connection's status, which a subshell's or control
 * request's idle sets while a cell runs.
 */
export function mainShellIdle(
  kernel: Kernel.IKernelConnection,
  signal: AbortSignal,
  waiting: () => void = () => undefined,
): Promise<boolean> {
  stateOf(kernel);
  if (kernel.status === "dead" || signal.aborted) return Promise.resolve(false);
  if (mainShell(kernel) === "idle") return Promise.resolve(true);
  waiting();
  return new Promise((resolve) => {
    const done = (value: boolean): void => {
      mainShellChanged.disconnect(onChange);
      kernel.statusChanged.disconnect(onStatus);
      signal.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const ask = (): void => {
      if (mainShell(kernel) !== "unknown") return;
      // Runs nothing (IPython returns before any hook for empty code), stores nothing.
      try {
        const probe = kernel.requestExecute({ code: "", silent: true, store_history: false, stop_on_error: false }, true);
        probe.done.catch(() => undefined); // a restart or a lost connection: watched too
      } catch {
        done(false); // the connection is disposed
      }
    };
    const onChange = (_: unknown, changed: Kernel.IKernelConnection): void => {
      if (changed !== kernel) return;
      if (mainShell(kernel) === "idle") done(true);
      else ask();
    };
    const onStatus = (_: unknown, status: Kernel.Status): void => {
      if (status === "dead") done(false);
    };
    const onAbort = (): void => done(false);
    mainShellChanged.connect(onChange);
    kernel.statusChanged.connect(onStatus);
    signal.addEventListener("abort", onAbort, { once: true });
    ask();
  });
}

/** What a wait that ran out resolves with. */
const SLOW = Symbol("slow");

function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  return new Promise<T | F>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

/** A subshell made on `kernel`, however long the kernel takes (`null`: it has none to
 * give, or the connection was disposed meanwhile). Never given up on: a request that
 * stops waiting for it leaves it to the next one. */
async function create(kernel: Kernel.IKernelConnection): Promise<string | null> {
  let id: string | null;
  try {
    const reply = await kernel.requestCreateSubshell({}).done;
    const made = reply.content.subshell_id;
    id = typeof made === "string" && made ? made : null;
  } catch {
    return null; // none was made (an error reply, a restart, a lost connection)
  }
  if (id && !states.has(kernel)) {
    // The connection was disposed meanwhile: nothing will use it.
    void sendDelete(kernel, id);
    return null;
  }
  if (id) {
    const ids = live.get(kernel) ?? new Set<string>();
    live.set(kernel, ids);
    ids.add(id);
  }
  return id;
}

/** Delete our subshell `id`, once, if the kernel still has it (not after a restart). */
function deleteSubshell(kernel: Kernel.IKernelConnection, id: string): Promise<void> {
  const ids = live.get(kernel);
  if (!ids?.delete(id)) return Promise.resolve();
  if (!ids.size) live.delete(kernel);
  return sendDelete(kernel, id);
}

async function sendDelete(kernel: Kernel.IKernelConnection, id: string): Promise<void> {
  try {
    // Sent synchronously (the connection's disposed handler relies on it).
    await kernel.requestDeleteSubshell({ subshell_id: id }).done;
  } catch {
    // The kernel or its connection is gone: so is the subshell.
  }
}

/** Let `shell` go: deleted now if no request holds it, else after the last one. */
function release(kernel: Kernel.IKernelConnection, shell: Subshell): void {
  if (shell.released) return;
  shell.released = true;
  deleteIfUnheld(kernel, shell);
}

/** Delete `shell` once made if it was let go and no request holds it. */
function deleteIfUnheld(kernel: Kernel.IKernelConnection, shell: Subshell): void {
  if (!shell.released || shell.users !== 0) return;
  void shell.id.then((id) => {
    // A request that came while it was being made holds it now.
    if (id && shell.users === 0) void deleteSubshell(kernel, id);
  });
}

/**
 * Let go of the subshells this page made on `kernel` (every kernel when none is given):
 * each is deleted once no request holds it (a check in flight ends first), and the next
 * request while a cell runs makes a new one. The sidebar calls it when it closes and when
 * it follows another kernel.
 */
export function releaseSubshells(kernel?: Kernel.IKernelConnection): void {
  const kernels = kernel ? [kernel] : [...states.keys()];
  for (const k of kernels) {
    const state = states.get(k);
    const shell = state?.subshell;
    if (!state || !shell) continue;
    state.subshell = null;
    release(k, shell);
  }
}

/** A subshell handed to one request: `end()` when the request is over (its reply came,
 * it failed, or none was sent). */
export interface SubshellLease {
  id: string;
  end(): void;
}

/**
 * The subshell to send a silent request to now: a lease on it when the main shell runs a
 * cell and the kernel has subshells, else `null` (the main shell, idle or waited for).
 * One still being made is waited for at most `waitMs`: `"slow"` then (the kernel answers
 * slowly; the subshell is kept for the next request when it comes). The caller ends the
 * lease when its request is over.
 */
export async function busySubshell(
  kernel: Kernel.IKernelConnection,
  waitMs: number,
): Promise<SubshellLease | "slow" | null> {
  // Read from the kernel's info reply, which the connection asks for when it connects.
  if (kernel.supportsSubshells !== true) return null;
  const state = stateOf(kernel);
  if (!mainShellBusy(kernel)) return null;
  if (!state.subshell) {
    const made: Subshell = { id: create(kernel), users: 0, released: false };
    state.subshell = made;
    // Failed: asked again next time (a later cell, a kernel that recovered).
    void made.id.then((id) => {
      if (!id && state.subshell === made) state.subshell = null;
    });
  }
  const shell = state.subshell;
  // Held from now: let go while it is being made, it is not deleted under this request.
  shell.users += 1;
  const id = await within(shell.id, waitMs, SLOW);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    shell.users -= 1;
    deleteIfUnheld(kernel, shell);
  };
  if (id === SLOW) {
    end();
    return "slow";
  }
  if (!id) {
    end();
    return null;
  }
  return { id, end };
}

/** A silent execute request on `subshell` (`null`: the main shell). */
export function executeOn(
  kernel: Kernel.IKernelConnection,
  subshell: string | null,
  content: KernelMessage.IExecuteRequestMsg["content"],
): Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg> {
  if (subshell === null) return kernel.requestExecute(content, true);
  const msg = KernelMessage.createMessage({
    msgType: "execute_request",
    channel: "shell",
    username: kernel.username,
    session: kernel.clientId,
    subshellId: subshell,
    content,
  });
  return kernel.sendShellMessage(msg, true, true) as Kernel.IShellFuture<
    KernelMessage.IExecuteRequestMsg,
    KernelMessage.IExecuteReplyMsg
  >;
}

/** Whether `reply` answered a request sent on a subshell: a check failing there is a
 * cell changing the namespace as it was read (known_secrets.py), not an old
 * jupyter_chatkit. */
export function fromSubshell(reply: KernelMessage.IExecuteReplyMsg): boolean {
  const parent = reply.parent_header as { subshell_id?: unknown } | undefined;
  return Boolean(parent && typeof parent === "object" && parent.subshell_id);
}

if (typeof window !== "undefined") {
  window.addEventListener("pagehide", () => {
    for (const [kernel, ids] of live) for (const id of ids) void sendDelete(kernel, id);
    live.clear();
  });
}
