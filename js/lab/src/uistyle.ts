/**
 * The shared chat UI's styles (js/src/ui/*.css), put on the page when a chat or a
 * `%chat` answer is first shown instead of with JupyterLab's start-up styles: the lab
 * build loads CSS as text (esbuild `--loader:.css=text`), so this module's chunk carries
 * it. The sidebar's own styles (style/base.css) still load at start, so they come first
 * in the page: a rule of theirs that changes a chat style needs more specificity.
 */

import agent from "../../src/ui/agent.css";
import context from "../../src/ui/context.css";
import styles from "../../src/ui/styles.css";

let added = false;

/** Add the chat UI's styles to the page (once). */
export function ensureChatStyles(): void {
  if (added) return;
  added = true;
  const el = document.createElement("style");
  el.setAttribute("data-jupyter-chatkit", "chat-ui");
  // The same order as the shared UI imports them.
  el.textContent = [styles, agent, context].join("\n");
  document.head.appendChild(el);
}
