/**
 * "Replace cell" buttons next to the shared UI's Insert buttons on code blocks.
 *
 * The shared chat UI (js/src) offers Copy / Insert / Insert & run; replacing the active
 * cell only makes sense where there is a notebook, i.e. here. Until the UI takes a
 * `replaceCell` option of its own, we add the button to each code bar that has an
 * Insert button (so only runnable languages get it), and skip bars that already carry a
 * `.jck-replace` button from the UI.
 */

const BAR = ".jck-code-bar";
const REPLACE_CLASS = "jck-replace";

/** Called with the block's code; resolves to whether a cell was replaced. */
export type ReplaceHandler = (code: string) => boolean;

const SVG_NS = "http://www.w3.org/2000/svg";

/** Two arrows in a loop, drawn like the shared UI's stroke icons (class jck-icon). */
function replaceIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "jck-icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", "M4 9h13l-3-3M20 15H7l3 3");
  svg.appendChild(path);
  return svg;
}

function codeOf(bar: Element): string | null {
  const block = bar.closest(".jck-code") ?? bar.parentElement;
  const code = block?.querySelector("pre code") ?? block?.querySelector("pre");
  return code ? (code.textContent ?? "").replace(/\n$/, "") : null;
}

function decorate(bar: Element, onReplace: ReplaceHandler, announce: (text: string) => void): void {
  if (bar.querySelector(`.${REPLACE_CLASS}`)) return;
  const buttons = Array.from(bar.querySelectorAll("button"));
  const insert = buttons.find((b) => /^insert/i.test(b.getAttribute("aria-label") ?? b.textContent ?? ""));
  if (!insert) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = `${insert.className} ${REPLACE_CLASS}`;
  button.title = "Replace the active cell's code (undoable)";
  button.setAttribute("aria-label", "Replace the active cell with this code");
  const label = document.createElement("span");
  label.textContent = "Replace cell";
  button.append(replaceIcon(), label);
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const code = codeOf(bar);
    if (code === null) return;
    if (!onReplace(code)) announce("No active cell to replace: open a notebook and select a cell.");
  });
  // After the last Insert-type button.
  const last = buttons.filter((b) => /^insert/i.test(b.getAttribute("aria-label") ?? "")).pop() ?? insert;
  last.after(button);
}

/** Keep Replace buttons on the code bars inside `host`; returns a stop function. */
export function installReplaceButtons(
  host: HTMLElement,
  onReplace: ReplaceHandler,
  announce: (text: string) => void,
): () => void {
  const scan = (): void => {
    for (const bar of host.querySelectorAll(BAR)) decorate(bar, onReplace, announce);
  };
  let scheduled = false;
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      scan();
    });
  });
  observer.observe(host, { childList: true, subtree: true });
  scan();
  return () => observer.disconnect();
}
