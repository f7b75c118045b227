/**
 * Runs their kernel never finished (kerneldeath.ts), kept across a reload of the page.
 *
 * A reload (or the notebook opened again in another tab) while the notebook's server
 * session lives finds the cell as the crash left it: no output, no count. What happened
 * is kept in the browser's local storage, by the notebook's server session and the
 * cell's id: the session outlives a reload, a kernel's restart (the server restarts a
 * kernel that died in the same session) and a rename, and ends when the notebook's
 * kernel is shut down, so a note never outlives what it tells of. Nothing is written
 * into the notebook (it is not made dirty, the saved file says nothing), nor anything a
 * person wrote: a session id, a cell id, how the run ended and its request's id.
 */

import type { RunEnd } from "./kerneldeath";

/** One run that ended without a reply. */
export interface KeptRunEnd {
  /** The notebook's server session (its id) when the run ended. */
  session: string;
  /** The cell's id (nbformat 4.5). */
  cell: string;
  end: RunEnd;
  /** The execute request the kernel never answered. */
  request: string;
  /** When it was kept (ms since the epoch): the oldest go first past the cap. */
  at: number;
}

const KEY = "jupyter-chatkit:run-ends";
/** Kept at most: the newest (a page notes a few at most, each a crash). */
export const MAX_KEPT = 100;

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage refused (a browser's privacy setting)
  }
}

function readAll(): KeptRunEnd[] {
  try {
    const raw = storage()?.getItem(KEY);
    const all: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(all) ? all.filter(isKept) : [];
  } catch {
    return [];
  }
}

function isKept(value: unknown): value is KeptRunEnd {
  const v = value as Partial<KeptRunEnd> | null;
  return (
    typeof v?.session === "string" &&
    typeof v.cell === "string" &&
    typeof v.request === "string" &&
    typeof v.at === "number" &&
    (v.end === "died" || v.end === "restarted" || v.end === "stopped")
  );
}

function writeAll(all: KeptRunEnd[]): void {
  try {
    const store = storage();
    if (!store) return;
    if (all.length) store.setItem(KEY, JSON.stringify(all.slice(-MAX_KEPT)));
    else store.removeItem(KEY);
  } catch {
    // Full or refused: the note lives in this page only, as before.
  }
}

/** Keep `entry` (the same session's cell: replaced). */
export function keepRunEnd(entry: KeptRunEnd): void {
  const all = readAll().filter((e) => e.session !== entry.session || e.cell !== entry.cell);
  all.push(entry);
  all.sort((a, b) => a.at - b.at);
  writeAll(all);
}

/** Forget what was kept of `cell` in `session` (it ran again). */
export function forgetRunEnd(session: string, cell: string): void {
  const all = readAll();
  const left = all.filter((e) => e.session !== session || e.cell !== cell);
  if (left.length !== all.length) writeAll(left);
}

/** What is kept of the runs of `session`'s notebook. */
export function keptRunEnds(session: string): KeptRunEnd[] {
  return readAll().filter((e) => e.session === session);
}
