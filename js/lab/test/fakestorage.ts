/** A Map-backed `localStorage` set on `globalThis` for a node test: the Map, to read back. */
export function fakeStorage(): Map<string, string> {
  const items = new Map<string, string>();
  (globalThis as Record<string, unknown>).localStorage = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
  return items;
}
