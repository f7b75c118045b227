/**
 * What a page keeps in the browser (localStorage) for the pages after it: the storage
 * itself, and a list kept as JSON under one key. Storage refused or full keeps nothing,
 * and the page goes on as if nothing had been kept.
 */

/**
 * The page's localStorage, or null where the browser refuses it: reading the property
 * itself throws where a site's storage is blocked (cookies blocked, a sandboxed frame).
 */
export function pageStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The entries kept under `key` that `isEntry` accepts: [] when none, unreadable or refused. */
export function readList<T>(key: string, isEntry: (value: unknown) => value is T): T[] {
  try {
    const raw = pageStorage()?.getItem(key);
    const all: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(all) ? all.filter(isEntry) : [];
  } catch {
    return [];
  }
}

/** Keep `list` under `key` (the key removed when it is empty); storage refused or full
 * keeps nothing. */
export function writeList(key: string, list: readonly unknown[]): void {
  try {
    const store = pageStorage();
    if (!store) return;
    if (list.length) store.setItem(key, JSON.stringify(list));
    else store.removeItem(key);
  } catch {
    // Full or refused: what was to be kept lives in this page only.
  }
}
