/**
 * What each kernel's main shell is doing, read from its status messages from the start.
 *
 * A kernel with subshells (JEP 91) or a control request publishes busy/idle for them too,
 * so the connection's `status` says idle while a cell runs, and busy while only a widget's
 * comm message does. Every status message names the request it is about (its parent
 * header): the main shell runs one request at a time, and its busy/idle say when. Loaded
 * at start-up (small: the sidebar's code comes later) so every notebook's connection is
 * watched from when it appears, before anything runs on it.
 *
 * Which requests are read, each running on the main shell, one at a time: an execute
 * request without a `subshell_id` (whoever sent it), and this connection's own
 * `kernel_info_request` (JupyterLab sends it on the shell channel as it connects).
 * Not: a subshell's requests, control requests (`debug_request`; the server's
 * `kernel_info_request` on the control channel, which looks like a shell one) and comm
 * messages (ipykernel runs them beside a running cell).
 *
 * Not known (`unknown`) until one of those is seen: a connection to a kernel that may be
 * running something already (a page reloaded under a running cell), or after the
 * connection was lost a while (messages missed). A kernel that (re)starts runs nothing.
 */

import type { INotebookTracker, NotebookPanel } from "@jupyterlab/notebook";
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import { type ISignal, Signal } from "@lumino/signaling";

/** The main shell: running a request, not, or not known yet. */
export type MainShell = "busy" | "idle" | "unknown";

interface Watched {
  main: MainShell;
  /** The main shell's request running (`busy`). */
  request: string | null;
}

const watched = new Map<Kernel.IKernelConnection, Watched>();
const changed = new Signal<object, Kernel.IKernelConnection>({});

/** Emits a connection whose main shell changed (after the connection read the status
 * message that said so). */
export const mainShellChanged: ISignal<object, Kernel.IKernelConnection> = changed;

function set(kernel: Kernel.IKernelConnection, w: Watched, main: MainShell, request: string | null): void {
  w.request = request;
  if (w.main === main) return;
  w.main = main;
  changed.emit(kernel);
}

function watch(kernel: Kernel.IKernelConnection): Watched {
  const known = watched.get(kernel);
  if (known) return known;
  const w: Watched = { main: "unknown", request: null };
  watched.set(kernel, w);
  kernel.iopubMessage.connect((_, msg) => {
    if (msg.header.msg_type !== "status") return;
    const parent = msg.parent_header as Partial<KernelMessage.IHeader> & { subshell_id?: string | null };
    const type = parent?.msg_type ?? "";
    const id = parent?.msg_id;
    if (!id || parent.subshell_id) return;
    const own = type === "kernel_info_request" && parent.session === kernel.clientId;
    if (type !== "execute_request" && !own) return;
    const state = (msg.content as { execution_state?: string }).execution_state;
    // Busy: it runs (the one before it, seen or not, ended). Idle: it ended, the main
    // shell is free until the next one's busy.
    if (state === "busy") set(kernel, w, "busy", id);
    else if (state === "idle" && (w.request === id || w.main === "unknown")) set(kernel, w, "idle", null);
  });
  kernel.statusChanged.connect((_, status) => {
    if (status === "restarting" || status === "autorestarting" || status === "starting" || status === "dead") {
      set(kernel, w, "idle", null);
    }
  });
  kernel.connectionStatusChanged.connect((_, status) => {
    // Messages may have been missed while it was away.
    if (status !== "connected") set(kernel, w, "unknown", null);
  });
  kernel.disposed.connect(() => watched.delete(kernel));
  return w;
}

/** What `kernel`'s main shell does; watched from now on if it was not yet. */
export function mainShell(kernel: Kernel.IKernelConnection): MainShell {
  return watch(kernel).main;
}

const trackers = new WeakSet<INotebookTracker>();

/** What `kernel`'s main shell does as far as seen (`unknown` if not watched). */
export function mainShellSeen(kernel: Kernel.IKernelConnection): MainShell {
  return watched.get(kernel)?.main ?? "unknown";
}

/** Watch every notebook's kernel connection from when it appears (at activation; once
 * per tracker, whichever plugin asks). */
export function watchNotebookKernels(tracker: INotebookTracker): void {
  if (trackers.has(tracker)) return;
  trackers.add(tracker);
  const follow = (panel: NotebookPanel): void => {
    const kernel = panel.sessionContext.session?.kernel;
    if (kernel) watch(kernel);
    panel.sessionContext.kernelChanged.connect((_, change) => {
      if (change.newValue) watch(change.newValue);
    });
  };
  tracker.forEach(follow);
  tracker.widgetAdded.connect((_, panel) => follow(panel));
}
