/** A fake kernel connection watched as the page watches a notebook's from its start
 * (shellwatch.ts), having seen its main shell idle: the status of the kernel_info_request
 * JupyterLab sends as it connects. */

import { mainShell } from "../src/shellwatch";

interface Watchable {
  clientId: string;
  iopubMessage: unknown;
}

function status(kernel: Watchable, state: string, id: string, type: string, session: string): void {
  (kernel.iopubMessage as { emit(value: unknown): void }).emit({
    header: { msg_type: "status", msg_id: `${id}-${state}` },
    parent_header: { msg_id: id, msg_type: type, session },
    channel: "iopub",
    content: { execution_state: state },
  });
}

/** The connection (back) on: JupyterLab asks the kernel's info on the main shell, which
 * answers it (its busy, its idle). */
export function connected(kernel: Watchable): void {
  status(kernel, "busy", "kernel-info", "kernel_info_request", kernel.clientId);
  status(kernel, "idle", "kernel-info", "kernel_info_request", kernel.clientId);
}

/** Watch `kernel` from its start and let it see its main shell idle, then run request
 * `running` there if given. */
export function watchedFromStart(kernel: Watchable, running?: string): void {
  mainShell(kernel as never);
  connected(kernel);
  if (running) status(kernel, "busy", running, "execute_request", "another-client");
}
