/**
 * Notebook 7 reopens the assistant's panel after a reload when it was open, as
 * JupyterLab does: there the layout restorer (ILayoutRestorer) brings the sidebar back as
 * it was, while Notebook 7 keeps no layout of its side panels, so a reload closed it.
 *
 * Whether the panel is open is kept in the browser (localStorage), per Jupyter server
 * and per kind of Notebook 7 page (a notebook's, a console's, the file browser's): the
 * panel open beside a notebook opens again beside a notebook, not over the file list.
 */

import { PageConfig } from "@jupyterlab/coreutils";
import { type IMessageHandler, type Message, MessageLoop } from "@lumino/messaging";
import type { Widget } from "@lumino/widgets";
import { pageStorage } from "./storedlist";

/** What reopening needs of the application (JupyterFrontEnd has it). */
export interface ShellApp {
  restored: Promise<void>;
  shell: { activateById(id: string): void };
}

/** Where the open state is kept: the base URL and the kind of page. */
export function panelMemoryKey(baseUrl: string, page: string): string {
  return `jupyter-chatkit:panel-open:${baseUrl}:${page || "page"}`;
}

/**
 * Keep whether `panel` is open, and open it once `app` is restored when it was open
 * before the page was loaded. Storage that fails (private mode, full) keeps nothing.
 */
export function rememberPanelOpen(
  app: ShellApp,
  panel: Widget,
  key = panelMemoryKey(PageConfig.getBaseUrl(), PageConfig.getOption("notebookPage")),
  storage: Pick<Storage, "getItem" | "setItem"> | null = pageStorage(),
): void {
  let wasOpen = false;
  try {
    wasOpen = storage?.getItem(key) === "1";
  } catch {
    // Nothing kept: it opens as the page would anyway.
  }
  // Shown and hidden while the page starts says nothing of the person's choice.
  let started = false;
  const keep = (open: boolean): void => {
    try {
      storage?.setItem(key, open ? "1" : "0");
    } catch {
      // Not kept: the next load opens as the page would anyway.
    }
  };
  const hook = (_handler: IMessageHandler, msg: Message): boolean => {
    if (started && (msg.type === "after-show" || msg.type === "after-hide")) keep(msg.type === "after-show");
    return true;
  };
  MessageLoop.installMessageHook(panel, hook);
  panel.disposed.connect(() => MessageLoop.removeMessageHook(panel, hook));
  void app.restored.then(() => {
    started = true;
    if (wasOpen && !panel.isVisible) app.shell.activateById(panel.id);
  });
}
