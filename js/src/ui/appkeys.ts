/**
 * The application's own shortcuts from inside a `%chat` widget. Its host opts out of
 * JupyterLab's shortcuts (`data-lm-suppress-shortcuts`), so typing A, B, D D, M or Y in
 * the chat does not add, delete or change cells; that opt-out also kept Ctrl/Cmd+S
 * (save) away from JupyterLab, and the browser's "Save page as" opened instead.
 *
 * A Ctrl/Cmd chord nobody in the widget took is shown again to JupyterLab (or Notebook 7)
 * from the page's `body`, outside the opt-out: its own key handling then runs what is
 * bound there, the application-wide shortcuts (save, save as, the sidebars, the command
 * palette), and nothing bound to the notebook or its cells.
 */

/** Chords a text box needs for typing: select all, copy, cut, paste, undo, redo, moving. */
const EDITING_KEYS = new Set(["a", "c", "v", "x", "y", "z"]);
/** With Shift: redo, paste as plain text (Ctrl+Shift+A is the assistant's sidebar). */
const SHIFT_EDITING_KEYS = new Set(["v", "z"]);
const MOVING_KEYS = /^(Arrow|Page|Home$|End$|Backspace$|Delete$)/;
const MODIFIERS = new Set(["Control", "Meta", "Shift", "Alt", "AltGraph"]);

function typing(e: KeyboardEvent): boolean {
  const key = e.key.toLowerCase();
  return MOVING_KEYS.test(e.key) || (e.shiftKey ? SHIFT_EDITING_KEYS : EDITING_KEYS).has(key);
}

function editable(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement)
  );
}

/**
 * Let the application handle the Ctrl/Cmd chord `e` (a keydown inside the widget) the
 * widget did not take; true when the application ran a shortcut for it. The chord then
 * goes no further, and the browser's own action for it (Save page as…) does not happen.
 */
export function passAppShortcut(e: KeyboardEvent): boolean {
  if (!(e.ctrlKey || e.metaKey) || e.defaultPrevented || e.isComposing || MODIFIERS.has(e.key)) return false;
  if (editable(e.target) && typing(e)) return false;
  const again = new KeyboardEvent("keydown", {
    key: e.key,
    code: e.code,
    keyCode: e.keyCode,
    location: e.location,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    shiftKey: e.shiftKey,
    altKey: e.altKey,
    repeat: e.repeat,
    bubbles: true,
    cancelable: true,
  });
  document.body.dispatchEvent(again);
  if (!again.defaultPrevented) return false;
  e.preventDefault();
  e.stopPropagation();
  return true;
}
