/**
 * Relative links in the assistant's answers (`[data](data/sales.csv)`,
 * `[nb](analysis.ipynb)`) open the file in JupyterLab, as the same link in a notebook's
 * Markdown cell does, instead of a browser tab showing a 404 or the raw file.
 *
 * One listener for every place answers show: the sidebar, a `%chat` widget and a
 * `%chat` answer output. A link is read relative to the notebook the answer is about:
 * the one holding the output or widget, else (the sidebar) the notebook it follows.
 * Links with a scheme (`https:`, `mailto:`), absolute paths and in-page anchors are
 * left to the browser, as are links that would leave the server's root (`../..`) and
 * clicks with a modifier key (a new tab on purpose).
 */

import { PathExt } from "@jupyterlab/coreutils";

/** Where answers' Markdown shows: the chat UI (sidebar, widget) and `%chat` outputs. */
const ANSWER_LINKS = ".jck-chat .jck-md a[href], .jck-answer a[href]";

/**
 * The file a relative link names, under the folder `dir` (a path under the server's
 * root, "" for the root), or null when the link is not a relative file link or leaves
 * the root.
 */
export function resolveFileLink(dir: string, href: string): string | null {
  const link = href.trim();
  // A scheme ("https:", "javascript:"), "//host", "/abs", "#anchor", "?query" or nothing.
  if (!link || /^[a-z][a-z0-9+.-]*:/i.test(link) || /^[/\\#?]/.test(link)) return null;
  let path = link.replace(/[?#].*$/s, "");
  try {
    path = decodeURIComponent(path);
  } catch {
    return null; // "%E0%A4%A" and the like: not a file name we can read
  }
  const joined = PathExt.normalize(PathExt.join(dir === "." ? "" : dir, path));
  if (!joined || joined === "." || joined === ".." || joined.startsWith("../")) return null;
  return joined;
}

/** The folder of `notebookPath` ("" for the root or no notebook). */
export function folderOf(notebookPath: string | null | undefined): string {
  if (!notebookPath) return "";
  const dir = PathExt.dirname(notebookPath);
  return dir === "." || dir === "/" ? "" : dir;
}

/** How the listener finds the notebook a link is about and opens a file. */
export interface FileLinkHost {
  /** The path of the notebook whose DOM holds `el`, else the one the sidebar follows. */
  notebookOf(el: Element): string | null;
  /** Open `path` (under the server's root) in JupyterLab. */
  open(path: string): void;
}

/** Listen for clicks on answers' relative links under `root`; returns the remover. */
export function installFileLinks(root: Document | HTMLElement, host: FileLinkHost): () => void {
  const onClick = (event: Event): void => {
    const e = event as MouseEvent;
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    const target = e.target instanceof Element ? e.target : null;
    const a = target?.closest("a[href]");
    if (!a?.matches(ANSWER_LINKS)) return;
    const path = resolveFileLink(folderOf(host.notebookOf(a)), a.getAttribute("href") ?? "");
    if (path === null) return;
    e.preventDefault();
    host.open(path);
  };
  root.addEventListener("click", onClick);
  return () => root.removeEventListener("click", onClick);
}
