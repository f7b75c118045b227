/**
 * The notebook's kernel is told which cells are kept out as they are on screen
 * (kernel/kept_names.py `remember_live`), for its own readers that no front end is asked
 * for: `%chat QUESTION`, `Chat().ask()`, the widget without this extension. Without it the
 * kernel sees only saved tags: none in a notebook never saved, and not one added since the
 * save. The sidebar and the widget send the live cells with each variables tool anyway
 * (privatecells.ts `liveCells`); this covers the rest. Markdown and raw cells are told
 * too (the kernel reads them from the file), and the notebook's path: a kernel shared by
 * several documents keeps what each page pushed apart (privatecells.ts `pushedCells`).
 *
 * Pushed at once when a tag is added or removed, a moment after a source last changed
 * (typing sends nothing meanwhile), when the kernel starts or changes, and only once the
 * notebook has kept a cell out while open here: a notebook that never does sends nothing. Unchanged cells are not sent again; a busy kernel is
 * asked again later. The request runs no user code.
 */

import type { NotebookPanel } from "@jupyterlab/notebook";
import { isPrivate, pushedCells } from "./privatecells";

/** How long after the last change the kernel is told (typing sends nothing meanwhile). */
export const PUSH_DELAY_MS = 1000;
/** How often, at most, a change is looked at for a tag added or removed. */
export const CHECK_MS = 50;
/** How long to wait before asking a busy (or starting) kernel again. */
export const RETRY_MS = 5000;

/** Keep the kernel of `panel` told of its kept-out cells (see the module's docs); tests
 * shorten the waits. */
export function watchLivePush(panel: NotebookPanel, delayMs = PUSH_DELAY_MS, retryMs = RETRY_MS): void {
  let pushed = "";
  let keptOnce = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = (ms = delayMs): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => void push(), ms);
  };
  const push = async (): Promise<void> => {
    timer = null;
    if (panel.isDisposed) return;
    const cells = pushedCells(panel);
    if (!cells) return;
    keptOnce ||= cells.kept_out.length > 0 || cells.kept_out_text.length > 0;
    const json = JSON.stringify(cells);
    if (!keptOnce || json === pushed) return;
    const { pushLiveCells } = await import("./kernel");
    const outcome = await pushLiveCells(panel.sessionContext, cells);
    // Failed (no jupyter_chatkit in the kernel, an older one): not asked again until
    // the cells change.
    if (outcome === "busy") schedule(retryMs);
    else pushed = json;
  };
  // The kept-out cells (by id) at the last look: a tag added or removed is told at once
  // (a `%chat` run or a save and close right after it), typing a second later. Looked at
  // once per CHECK_MS at most: a run's outputs change the notebook many times a second.
  let keptIds = "";
  let check: ReturnType<typeof setTimeout> | null = null;
  const look = (): void => {
    check = null;
    if (panel.isDisposed) return;
    const now = panel.content.widgets
      .filter((c) => isPrivate(c.model))
      .map((c) => c.model.id)
      .join(" ");
    schedule(now === keptIds ? delayMs : 0);
    keptIds = now;
  };
  panel.content.modelContentChanged.connect(() => {
    check ??= setTimeout(look, Math.min(CHECK_MS, delayMs));
  });
  // A new kernel (another, or restarted) knows nothing yet.
  const renewed = (): void => {
    pushed = "";
    schedule();
  };
  panel.sessionContext.kernelChanged.connect(renewed);
  panel.sessionContext.statusChanged.connect((_, status) => {
    if (status === "restarting" || status === "autorestarting") renewed();
  });
  panel.disposed.connect(() => {
    if (timer !== null) clearTimeout(timer);
    if (check !== null) clearTimeout(check);
  });
  void panel.context.ready.then(() => schedule(0));
}
