/**
 * A saved `%chat` output whose kernel is gone (Jupyter or the kernel restarted since):
 * ipywidgets cannot find the widget's model in the new kernel and shows only its own
 * "Error displaying widget: model not found". The chat's output says what to do instead.
 *
 * The chat's outputs are told apart from other widgets' by a mark the kernel adds to its
 * display data (`CHAT_VIEW_MIME`, kernel/widget.py); ipywidgets' failed render is known
 * by its shape (its renderer holding only text, no view), not by its words.
 */

import { CHAT_VIEW_MIME } from "../../src/protocol";

/** Class of the message shown in place of the failed render. */
export const LOST_CHAT_CLASS = "jp-chatkit-lost-chat";

/** What the person in JupyterLab can do about it. Not the output's text/plain
 * (kernel/widget.py LOST_TEXT): that one is read outside JupyterLab too, so it says where
 * the chat shows. */
const LOST_TEXT =
  "This chat lost its kernel (Jupyter or the kernel restarted since it was shown). " +
  "Run this cell again to reconnect it.";

/**
 * Show the message in the output child `child` (an output area's child) when `data` (its
 * output's data) is a `%chat` widget's and ipywidgets could not render it.
 */
export function showLostChat(child: HTMLElement, data: unknown): void {
  if (!data || typeof data !== "object" || !(CHAT_VIEW_MIME in data)) return;
  const host = child.querySelector(".jp-OutputArea-output");
  if (!host || host.querySelector(`.${LOST_CHAT_CLASS}`)) return;
  // ipywidgets' renderer (a `jupyter-widgets` element) with no view in it: its error text.
  const failed = host.classList.contains("jupyter-widgets") && host.childElementCount === 0;
  if (!failed || !host.textContent?.trim()) return;
  const message = document.createElement("div");
  message.className = LOST_CHAT_CLASS;
  message.setAttribute("role", "note");
  message.textContent = LOST_TEXT;
  host.replaceChildren(message);
}
