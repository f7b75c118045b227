/** Small DOM helpers: element creation, clipboard, icons. Text is always text. */

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

/**
 * Create an element. Attributes named `on*` are refused (use addEventListener);
 * string children become text nodes, never HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (/^on/i.test(k)) throw new Error(`refusing event attribute ${k}`);
      if (k === "class") el.className = String(v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, ...children);
  return el;
}

/** Append children (strings as text). */
export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  }
}

/** A `<button type="button">` with a label, optional aria-label and click handler. */
export function button(
  label: Child | Child[],
  onClick: (ev: MouseEvent) => void,
  attrs: Attrs = {},
): HTMLButtonElement {
  const b = h("button", { type: "button", ...attrs }, ...(Array.isArray(label) ? label : [label]));
  b.addEventListener("click", onClick);
  return b;
}

/** Copy text to the clipboard; falls back to a hidden textarea on insecure origins. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && globalThis.isSecureContext !== false) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the legacy path
  }
  const ta = h("textarea", { class: "jck-offscreen", "aria-hidden": "true", readonly: true });
  ta.value = text;
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

// Icons as tiny inline SVG paths (24x24, stroked): the ones the UI and our code cards
// use. No icon font, nothing fetched.
const PATHS = new Map<string, string>(
  Object.entries({
    plus: "M12 5v14M5 12h14",
    // A push pin: head, body flaring to its base, needle.
    pin: "M8 3h8M10 3v6l-4 5v3h12v-3l-4-5V3M12 17v5",
    history: "M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 3",
    close: "M6 6l12 12M18 6L6 18",
    send: "M5 12h14M13 6l6 6-6 6",
    stop: "M7 7h10v10H7z",
    copy: "M9 9h11v11H9zM5 15H4V4h11v1",
    insert: "M12 5v10M7 10l5 5 5-5M5 20h14",
    play: "M7 5l12 7-12 7z",
    check: "M5 12l5 5 9-10",
    "thumbs-up": "M7 11v9H4v-9zM7 11l4-8a2 2 0 0 1 2 2v4h5a2 2 0 0 1 2 2l-2 7a2 2 0 0 1-2 2H7",
    "thumbs-down": "M7 13V4H4v9zM7 13l4 8a2 2 0 0 0 2-2v-4h5a2 2 0 0 0 2-2l-2-7a2 2 0 0 0-2-2H7",
    pencil: "M4 20h4L19 9l-4-4L4 16zM14 6l4 4",
    trash: "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13",
    retry: "M20 12a8 8 0 1 1-2.3-5.7L20 8M20 3v5h-5",
    info: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18M12 11v5M12 8h.01",
    warning: "M12 3l10 18H2zM12 10v4M12 17h.01",
    sparkle: "M12 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2z",
    lightbulb: "M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5V16h8v-2.5A6 6 0 0 0 12 3",
    dot: "M12 11a1 1 0 1 0 0 2 1 1 0 0 0 0-2",
    replace: "M4 9h13l-3-3M20 15H7l3 3",
    "arrow-down": "M12 5v14M6 13l6 6 6-6",
    "chevron-down": "M6 9l6 6 6-6",
  }),
);

const SVG_NS = "http://www.w3.org/2000/svg";

/** An inline SVG icon; unknown names give a dot. */
export function icon(name: string | null | undefined, cls = "jck-icon"): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", cls);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", PATHS.get(name ?? "") ?? PATHS.get("dot") ?? "");
  svg.appendChild(path);
  return svg;
}

let uid = 0;
/** A page-unique id for labels and aria references. */
export function uniqueId(prefix = "jck"): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * A thread title as plain text: no Markdown fences, backticks, emphasis, heading or quote
 * marks. Only the marks go: `read_csv`, `__init__`, `a > 5`, `a * b` and `#12` are words
 * people type (a title is their first message's words, or one they typed).
 */
export function plainTitle(title: string | null | undefined): string {
  return (
    (title ?? "")
      .replace(/`{3,}[\w+-]*/g, " ")
      .replace(/`+/g, "")
      .replace(/^[ \t]*(?:#{1,6}|>+)[ \t]+/gm, "")
      .replace(/(?<![\w*])(\*\*?)(?=[^\s*])(.+?)(?<=[^\s*])\1(?![\w*])/g, "$2")
      // Underscores around one word are a name (`__init__`, `_private_`), not emphasis.
      // Between them: a line with a non-word character, or one line break. (Not
      // `.*?\W.*?`, the same matches: it tried every split of the text before the
      // closing mark, minutes for a long title with many underscores.)
      .replace(/(?<!\w)(__?)(?=[^\s_])(\w*[^\w\n][^\n]*?|[^\n]*\n[^\n]*?)(?<=[^\s_])\1(?!\w)/g, "$2")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/**
 * Run `done` two animation frames from now: a frame callback runs before its frame's
 * layout, so a class added now holds through one whole layout. Returns its cancel.
 * Nothing runs where there are no frames (node).
 */
export function afterTwoFrames(done: () => void): () => void {
  if (typeof requestAnimationFrame !== "function") return () => undefined;
  let frame = requestAnimationFrame(() => {
    frame = requestAnimationFrame(done);
  });
  return () => cancelAnimationFrame(frame);
}
