/**
 * Runs their kernel never finished (kerneldeath.ts), kept across a reload of the page.
 *
 * A reload (or the notebook opened again in another tab) while the notebook's server
 * session lives finds the cell as the crash left it: no output, no count. What happened
 * is kept in the browser's local storage, by the notebook's server session and the
 * cell's id: the session outlives a reload, a kernel's restart (the server restarts a
 * kernel that died in the same session) and a rename, and ends when the notebook's
 * kernel is shut down, so a note of a death or a restart never outlives what it tells
 * of. A run the person stopped by shutting the kernel down ends that session itself: its
 * note is kept by the notebook's path instead, and holds until the cell runs again.
 *
 * A cell's id is not always stable: a notebook without stored cell ids (nbformat before
 * 4.5, or one never saved since JupyterLab gave its cells ids) gets new ones at each
 * load. So the cell's place and a digest of its source are kept too, and the note is
 * found again on the cell at that place whose source is still the same (the crashed
 * code, not a cell that replaced it). Nothing is written into the notebook (it is not
 * made dirty, the saved file says nothing), nor anything a person wrote: a session id,
 * the path, a cell id, its index, a digest, how the run ended and its request's id.
 */

import { PageConfig } from "@jupyterlab/coreutils";
import type { RunEnd } from "./kerneldeath";
import { readList, writeList } from "./storedlist";

/** One run that ended without a reply. */
export interface KeptRunEnd {
  /** The notebook's server session (its id) when the run ended. */
  session: string;
  /** The cell's id (nbformat 4.5). */
  cell: string;
  /** The notebook's path (what keeps a `stopped` run: its session ended with it). */
  path?: string;
  /** The server's base URL: an origin may serve several (JupyterHub's users), whose
   * notebooks' paths can be the same. Set by {@link keepRunEnd}. */
  server?: string;
  /** The cell's index, and {@link sourceDigest} of its source: found again by them when
   * its id was not stored (new ids at each load). */
  index?: number;
  digest?: string;
  end: RunEnd;
  /** The execute request the kernel never answered. */
  request: string;
  /** When it was kept (ms since the epoch): the oldest go first past the cap. */
  at: number;
}

const KEY = "jupyter-chatkit:run-ends";
/** Kept at most: the newest (a page notes a few at most, each a crash). */
export const MAX_KEPT = 100;

function readAll(): KeptRunEnd[] {
  return readList(KEY, isKept);
}

function isKept(value: unknown): value is KeptRunEnd {
  const v = value as Partial<KeptRunEnd> | null;
  return (
    typeof v?.session === "string" &&
    typeof v.cell === "string" &&
    typeof v.request === "string" &&
    typeof v.at === "number" &&
    (v.path === undefined || typeof v.path === "string") &&
    (v.server === undefined || typeof v.server === "string") &&
    (v.index === undefined || typeof v.index === "number") &&
    (v.digest === undefined || typeof v.digest === "string") &&
    (v.end === "died" || v.end === "restarted" || v.end === "stopped")
  );
}

function writeAll(all: KeptRunEnd[]): void {
  // Not kept (storage full or refused): the note lives in this page only, as before.
  writeList(KEY, all.slice(-MAX_KEPT));
}

/** Keep `entry` (the same session's cell: replaced), with this page's server. */
export function keepRunEnd(entry: KeptRunEnd): void {
  const all = readAll().filter((e) => e.session !== entry.session || e.cell !== entry.cell);
  all.push({ ...entry, server: PageConfig.getBaseUrl() });
  all.sort((a, b) => a.at - b.at);
  writeAll(all);
}

/** Forget what was kept of `cell` in `session` (it ran again). */
export function forgetRunEnd(session: string, cell: string): void {
  const all = readAll();
  const left = all.filter((e) => e.session !== session || e.cell !== cell);
  if (left.length !== all.length) writeAll(left);
}

/**
 * The notebook at `from` (or the folder: every notebook under it) is now at `to`, on this
 * page's server: the runs stopped by a shutdown, kept by its path, follow it (its
 * session, which keeps the others, follows a rename by itself).
 */
export function renameRunEnds(from: string, to: string): void {
  const server = PageConfig.getBaseUrl();
  const moved = (path: string): string | null =>
    path === from ? to : from && path.startsWith(`${from}/`) ? to + path.slice(from.length) : null;
  let changed = false;
  const all = readAll().map((e) => {
    const path = e.path === undefined || e.server !== server ? null : moved(e.path);
    if (path === null) return e;
    changed = true;
    return { ...e, path };
  });
  if (changed) writeAll(all);
}

/**
 * What is kept of the runs of the notebook at `path` whose server session is `session`:
 * those of that session, and the runs stopped by a shutdown of the notebook's kernel
 * (their session ended with them) on this page's server.
 */
export function keptRunEnds(session: string | undefined, path: string): KeptRunEnd[] {
  const server = PageConfig.getBaseUrl();
  return readAll().filter(
    (e) =>
      (session !== undefined && e.session === session) ||
      (e.end === "stopped" && e.path === path && e.server === server),
  );
}

/**
 * A short digest of a cell's source (FNV-1a, 32 bits, and its length): tells the crashed
 * cell from another at its place, without keeping what the person wrote.
 */
export function sourceDigest(source: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) {
    hash ^= source.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${source.length.toString(36)}-${hash.toString(36)}`;
}
