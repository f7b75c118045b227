/**
 * Room for JupyterLab's toasts: they show at the page's bottom right, over the right
 * sidebar's bottom, where the chat's message box is. JupyterLab's own news question on a
 * first start ("Would you like to get notified about official Jupyter news?") stays there
 * until answered and covered the box and its chips: a click meant for the box hit the
 * toast's buttons.
 *
 * While toasts cover the panel's bottom, the panel gets that much bottom padding, so the
 * message box sits just above them; it goes when they do. The toasts are JupyterLab's:
 * never moved, dismissed or answered here, and no setting is changed.
 *
 * No API says where toasts are on the page, so their DOM is read: the container JupyterLab
 * appends to the body on its first toast (`#react-toastify-container`) and the toast list
 * in it (`.jp-toastContainer`, JupyterLab's class). Should those change, nothing moves.
 * Cost: an observer of the body's own children until the container exists, then one of
 * the container (a few changes per toast), and one of the panel's size; each asks for one
 * look in the next frame.
 */

/** The element JupyterLab renders its toasts into (appended to the body on first use). */
const HOST_ID = "react-toastify-container";
/** The list of toasts in it (JupyterLab's class on the toast container). */
const TOASTS = ".jp-toastContainer";

type Rect = Pick<DOMRect, "top" | "bottom" | "left" | "right" | "height">;

/** How far `toasts` covers the bottom of `panel`, in whole pixels (0: not at all). */
export function coveredBottom(panel: Rect, toasts: Rect | null): number {
  if (!toasts || toasts.height <= 0 || panel.height <= 0) return 0;
  if (toasts.left >= panel.right || toasts.right <= panel.left) return 0;
  if (toasts.top >= panel.bottom || toasts.bottom <= panel.top) return 0;
  // Never more than the panel minus some room for the chat itself.
  return Math.min(Math.ceil(panel.bottom - toasts.top), Math.floor(panel.height / 2));
}

/** Keep `node`'s content clear of JupyterLab's toasts (see the module docs); returns the stop. */
export function keepClearOfToasts(node: HTMLElement): () => void {
  let frame = 0;
  let stopped = false;
  let host: HTMLElement | null = null;
  const look = (): void => {
    frame = 0;
    if (stopped) return;
    const toasts = host?.querySelector(TOASTS) ?? null;
    const room = coveredBottom(node.getBoundingClientRect(), toasts?.getBoundingClientRect() ?? null);
    const padding = room > 0 ? `${room}px` : "";
    if (node.style.paddingBottom !== padding) node.style.paddingBottom = padding;
  };
  const soon = (): void => {
    if (!frame && !stopped) frame = requestAnimationFrame(look);
  };
  const inHost = new MutationObserver(soon);
  const watchHost = (): boolean => {
    host = document.getElementById(HOST_ID);
    if (!host) return false;
    inHost.observe(host, { childList: true, subtree: true });
    soon();
    return true;
  };
  // The toasts' container comes with JupyterLab's first toast: wait for it.
  const inBody = new MutationObserver(() => {
    if (watchHost()) inBody.disconnect();
  });
  if (!watchHost()) inBody.observe(document.body, { childList: true });
  const sizes = new ResizeObserver(soon);
  sizes.observe(node);
  return () => {
    stopped = true;
    if (frame) cancelAnimationFrame(frame);
    inBody.disconnect();
    inHost.disconnect();
    sizes.disconnect();
    node.style.paddingBottom = "";
  };
}
