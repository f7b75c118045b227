/**
 * Naming notebooks by as much of their path as tells them apart: one rule for the chips,
 * the history list and the sidebar's "Attached to" bar. A leaf (no imports): the lab
 * entry loaded at JupyterLab's start takes it without the chat's chunk.
 */

/**
 * The shortest end of `path` (whole folders) that no other of `paths` ends with: its file
 * name unless another notebook has it ("a/nb.ipynb" beside "b/nb.ipynb"); "/nb.ipynb" for
 * one at the top beside "a/nb.ipynb".
 */
export function distinctName(path: string, paths: Iterable<string>): string {
  const others = [...paths].filter((p) => p !== path);
  const parts = path.split("/");
  for (let n = 1; n <= parts.length; n++) {
    const end = parts.slice(-n).join("/");
    if (!others.some((o) => o === end || o.endsWith(`/${end}`))) return end;
  }
  return `/${path}`;
}
