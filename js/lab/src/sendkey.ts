/**
 * The "send with" setting (Enter or Ctrl/Cmd+Enter) applied to the shared chat's
 * composer from outside.
 *
 * The shared UI sends on Enter. For "Accel Enter" we listen in the capture phase on the
 * chat's host, before the composer's own handler: a plain Enter is stopped there (so
 * the textarea just gets its newline) and Ctrl/Cmd+Enter submits the composer form,
 * which is the UI's own send path.
 */

import type { SendShortcut } from "./chat";

const IS_MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** The placeholder text matching a send shortcut. */
export function placeholderFor(shortcut: SendShortcut): string {
  if (shortcut === "Enter") return "Ask the assistant…  (Enter to send, Shift+Enter for a new line)";
  return `Ask the assistant…  (${IS_MAC ? "⌘" : "Ctrl"}+Enter to send)`;
}

/** Apply `shortcut()` (read on every key press) to composers inside `host`. */
export function installSendKey(host: HTMLElement, shortcut: () => SendShortcut): () => void {
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== "Enter" || event.isComposing || shortcut() !== "Accel Enter") return;
    const target = event.target as HTMLElement | null;
    if (!(target instanceof HTMLTextAreaElement)) return;
    const form = target.closest("form");
    if (!form || !host.contains(form)) return;
    const accel = IS_MAC ? event.metaKey : event.ctrlKey;
    if (accel) {
      event.preventDefault();
      event.stopPropagation();
      form.requestSubmit();
    } else if (!event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      // Let the newline happen, but keep the composer (and Jupyter) from seeing Enter.
      event.stopPropagation();
    }
  };
  host.addEventListener("keydown", onKeyDown, true);
  return () => host.removeEventListener("keydown", onKeyDown, true);
}

/** Update the placeholder of composers inside `host`. */
export function updatePlaceholder(host: HTMLElement, shortcut: SendShortcut): void {
  for (const input of host.querySelectorAll<HTMLTextAreaElement>("form textarea")) {
    input.placeholder = placeholderFor(shortcut);
  }
}
