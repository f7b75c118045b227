/**
 * A busy kernel still answers the sidebar's silent requests, on a kernel subshell (JEP 91).
 *
 * While a cell runs (a long training loop), the main shell queues every request behind it:
 * the kernel guard (kernel.ts `hideKernelSecrets`) then had to withhold the notebook's
 * outputs. A kernel with subshells (ipykernel 7) runs a subshell's requests on a thread of
 * their own, concurrently: the guard and the kernel tools are sent there instead. One
 * subshell per kernel connection, made when first needed, kept, forgotten when the kernel
 * restarts (it has none then) and deleted when the page goes.
 *
 * A subshell's requests flip the connection's `status` to idle while the cell still runs
 * (the kernel publishes busy/idle for them too), so whether the main shell runs a cell is
 * read here from the status messages of the main shell's own execute requests.
 *
 * No subshells (another kernel, an older ipykernel), or creating one failed: `null`, and
 * the caller waits for the kernel as before.
 */

import type { Kernel } from "@jupyterlab/services";
import { KernelMessage } from "@jupyterlab/services";

/** How long creating a subshell may take (the control channel answers a busy kernel). */
const CREATE_TIMEOUT_MS = 2000;

interface ShellState {
  /** The main shell runs an execute request (a cell, or a silent request of ours). */
  mainBusy: boolean;
  /** Our subshell's id once made (`null`: none could be made this time). */
  subshell: Promise<string | null> | null;
}

const states = new WeakMap<Kernel.IKernelConnection, ShellState>();
/** Subshells made by this page, deleted when it goes. */
const live = new Map<Kernel.IKernelConnection, string>();

function stateOf(kernel: Kernel.IKernelConnection): ShellState {
  const known = states.get(kernel);
  if (known) return known;
  const state: ShellState = { mainBusy: kernel.status === "busy", subshell: null };
  states.set(kernel, state);
  kernel.iopubMessage.connect((_, msg) => {
    if (msg.header.msg_type !== "status") return;
    const parent = msg.parent_header as Partial<KernelMessage.IHeader> & { subshell_id?: string | null };
    const status = (msg.content as { execution_state?: string }).execution_state;
    if (parent?.msg_type === "execute_request" && !parent.subshell_id) {
      if (status === "busy" || status === "idle") state.mainBusy = status === "busy";
    } else if (status === "idle" && state.mainBusy && kernel.status === "idle") {
      // A subshell's or a control request's end (ours: the check, making the subshell)
      // set the connection idle while the cell runs: the person would see an idle
      // kernel. This iopub signal comes after the connection read the status.
      restoreBusy(kernel);
    }
  });
  kernel.statusChanged.connect((_, status) => {
    // A restarted kernel has no subshells and runs nothing.
    if (status === "restarting" || status === "autorestarting" || status === "starting" || status === "dead") {
      state.subshell = null;
      state.mainBusy = false;
      live.delete(kernel);
    }
  });
  kernel.disposed.connect(() => {
    live.delete(kernel);
    states.delete(kernel);
  });
  return state;
}

/** The connection's status back to busy. `_updateStatus` is the connection's own
 * (@jupyterlab/services 7.6, default.js), not public: without it the status stays idle
 * until the cell ends, as JupyterLab's own comms over subshells leave it. */
function restoreBusy(kernel: Kernel.IKernelConnection): void {
  const update = (kernel as unknown as { _updateStatus?: unknown })._updateStatus;
  if (typeof update === "function") update.call(kernel, "busy");
}

/** Whether the kernel's main shell is running a cell (the connection's status may say
 * idle after a subshell's request). Starts watching the kernel on the first call. */
export function mainShellBusy(kernel: Kernel.IKernelConnection): boolean {
  return stateOf(kernel).mainBusy || kernel.status === "busy";
}

function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
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

async function create(kernel: Kernel.IKernelConnection): Promise<string | null> {
  const request = (async () => {
    const reply = await kernel.requestCreateSubshell({}).done;
    const id = reply.content.subshell_id;
    return typeof id === "string" && id ? id : null;
  })();
  const id = await within(request, CREATE_TIMEOUT_MS, null);
  if (id) live.set(kernel, id);
  else {
    // Made after we gave up on it: not ours to keep.
    request.then(
      (late) => {
        if (late && !live.has(kernel)) void deleteSubshell(kernel, late);
      },
      () => undefined, // none was made
    );
  }
  return id;
}

async function deleteSubshell(kernel: Kernel.IKernelConnection, id: string): Promise<void> {
  try {
    await kernel.requestDeleteSubshell({ subshell_id: id }).done;
  } catch {
    // The kernel or its connection is gone: so is the subshell.
  }
}

/**
 * The subshell to send a silent request to now: its id when the main shell runs a cell
 * and the kernel has subshells, else `null` (the main shell, idle or waited for).
 */
export async function busySubshell(kernel: Kernel.IKernelConnection): Promise<string | null> {
  // Read from the kernel's info reply, which the connection asks for when it connects.
  if (kernel.supportsSubshells !== true) return null;
  const state = stateOf(kernel);
  if (!mainShellBusy(kernel)) return null;
  if (!state.subshell) {
    const made = create(kernel);
    state.subshell = made;
    // Failed: asked again next time (a later cell, a kernel that recovered).
    void made.then((id) => {
      if (!id && state.subshell === made) state.subshell = null;
    });
  }
  return state.subshell;
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
    for (const [kernel, id] of live) void deleteSubshell(kernel, id);
    live.clear();
  });
}
