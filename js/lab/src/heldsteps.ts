/**
 * Agent changes a page holds unsaved, told to the origin's other pages.
 *
 * Without collaboration each browser tab loads a notebook from its file: a step another
 * tab applied and has not saved is not in this tab's copy, though it is not gone either
 * (the other tab still has it, and saves it with its notebook). So a page that applied an
 * insert or edit notes it here (the browser's local storage: the origin's tabs share it)
 * until that notebook is closed or the page goes (saved, the change is in its file, which
 * a tab loaded before the save does not show either); a page that does not find a
 * step's change in its own copy asks {@link heldElsewhere} before calling it gone.
 *
 * A tab that ends without saying so (it crashed, the browser was killed) no longer
 * renews its notes ({@link BEAT_MS}): past {@link ALIVE_MS} they count for nothing.
 * Kept: the page's random id, the server's base URL, the notebook's path, the cell's id
 * and when it was last renewed; nothing a person wrote.
 */

import { PageConfig } from "@jupyterlab/coreutils";
import { readList, writeList } from "./storedlist";

/** One step's change held by one page. */
export interface HeldStep {
  page: string;
  server: string;
  path: string;
  cell: string;
  /** When its page last renewed it (ms since the epoch). */
  alive: number;
}

const KEY = "jupyter-chatkit:held-steps";
/** How often a page renews its notes, and how long a note not renewed still counts: the
 * tab holding a change is usually hidden, and Chrome runs a tab's repeating timers once a
 * minute after it has been hidden 5 minutes (intensive wake-up throttling, Chrome 86),
 * later still when other timers of the origin used that minute's wake-up; three such
 * minutes, so a live hidden tab's change is never called gone between its beats. */
export const BEAT_MS = 20_000;
export const ALIVE_MS = 180_000;
/** Kept at most (the newest): a page holds a few at most, each an unsaved change. */
const MAX_HELD = 200;

/** This page's id (a page load: a reload is another page, which holds nothing yet). */
export const THIS_PAGE = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

let beat: ReturnType<typeof setInterval> | null = null;

function readAll(): HeldStep[] {
  return readList(KEY, isHeld);
}

function isHeld(value: unknown): value is HeldStep {
  const v = value as Partial<HeldStep> | null;
  return (
    typeof v?.page === "string" &&
    typeof v.server === "string" &&
    typeof v.path === "string" &&
    typeof v.cell === "string" &&
    typeof v.alive === "number"
  );
}

function writeAll(all: HeldStep[], now = Date.now()): void {
  // Not kept (storage full or refused): the other pages call the change gone, as before.
  writeList(
    KEY,
    all.filter((e) => now - e.alive <= ALIVE_MS).slice(-MAX_HELD),
  );
}

/** Note that `page` (this one by default) holds the change a step made to cell `cell`
 * of the notebook at `path`, not saved yet. */
export function holdStep(path: string, cell: string, page = THIS_PAGE, now = Date.now()): void {
  const server = PageConfig.getBaseUrl();
  const all = readAll().filter((e) => !(e.page === page && e.server === server && e.path === path && e.cell === cell));
  all.push({ page, server, path, cell, alive: now });
  writeAll(all, now);
  if (page === THIS_PAGE) renewing();
}

/** `page` (this one by default) no longer holds unsaved changes of the notebook at
 * `path` (saved, or closed: kept or lost), or of any notebook when `path` is undefined. */
export function releaseSteps(path?: string, page = THIS_PAGE): void {
  const server = PageConfig.getBaseUrl();
  const all = readAll();
  const left = all.filter((e) => !(e.page === page && (path === undefined || (e.server === server && e.path === path))));
  if (left.length !== all.length) writeAll(left);
}

/** The notebook at `from` (a rename or move) is at `to` now, for `page`'s notes. */
export function moveHeld(from: string, to: string, page = THIS_PAGE): void {
  const server = PageConfig.getBaseUrl();
  const all = readAll();
  if (!all.some((e) => e.page === page && e.server === server && e.path === from)) return;
  writeAll(all.map((e) => (e.page === page && e.server === server && e.path === from ? { ...e, path: to } : e)));
}

/** Whether a page other than `page` (this one) holds, unsaved, a step's change to cell
 * `cell` of the notebook at `path` on this page's server. */
export function heldElsewhere(path: string, cell: string, page = THIS_PAGE, now = Date.now()): boolean {
  const server = PageConfig.getBaseUrl();
  return readAll().some(
    (e) => e.page !== page && e.server === server && e.path === path && e.cell === cell && now - e.alive <= ALIVE_MS,
  );
}

/** Call `listener` when another page changes what pages hold (the storage event: it
 * fires in every page of the origin but the one that wrote); returns what stops it. */
export function onHeldChanged(listener: () => void): () => void {
  const told = (event: Event): void => {
    if ((event as StorageEvent).key === KEY || (event as StorageEvent).key === null) listener();
  };
  globalThis.addEventListener?.("storage", told);
  return () => globalThis.removeEventListener?.("storage", told);
}

/** Renew this page's notes while it lives; drop them when it goes. */
function renewing(): void {
  if (beat !== null) return;
  beat = setInterval(() => {
    const all = readAll();
    if (!all.some((e) => e.page === THIS_PAGE)) return;
    const now = Date.now();
    writeAll(
      all.map((e) => (e.page === THIS_PAGE ? { ...e, alive: now } : e)),
      now,
    );
  }, BEAT_MS);
  // Node tests: the timer does not keep the process alive.
  (beat as { unref?: () => void }).unref?.();
  globalThis.addEventListener?.("pagehide", () => releaseSteps());
}
