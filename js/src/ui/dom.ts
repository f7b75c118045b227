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

// Icons as tiny inline SVG paths (24x24, stroked); no icon font, nothing fetched.
const PATHS: Record<string, string> = {
  plus: "M12 5v14M5 12h14",
  history: "M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 3",
  close: "M6 6l12 12M18 6L6 18",
  send: "M5 12h14M13 6l6 6-6 6",
  stop: "M7 7h10v10H7z",
  copy: "M9 9h11v11H9zM5 15H4V4h11v1",
  insert: "M12 5v10M7 10l5 5 5-5M5 20h14",
  play: "M7 5l12 7-12 7z",
  check: "M5 12l5 5 9-10",
  "check-circle": "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18M8 12l3 3 5-6",
  "check-circle-filled": "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18M8 12l3 3 5-6",
  "thumbs-up": "M7 11v9H4v-9zM7 11l4-8a2 2 0 0 1 2 2v4h5a2 2 0 0 1 2 2l-2 7a2 2 0 0 1-2 2H7",
  "thumbs-down": "M7 13V4H4v9zM7 13l4 8a2 2 0 0 0 2-2v-4h5a2 2 0 0 0 2-2l-2-7a2 2 0 0 0-2-2H7",
  pencil: "M4 20h4L19 9l-4-4L4 16zM14 6l4 4",
  trash: "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13",
  retry: "M20 12a8 8 0 1 1-2.3-5.7L20 8M20 3v5h-5",
  reload: "M20 12a8 8 0 1 1-2.3-5.7L20 8M20 3v5h-5",
  info: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18M12 11v5M12 8h.01",
  warning: "M12 3l10 18H2zM12 10v4M12 17h.01",
  sparkle: "M12 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2z",
  "sparkle-double": "M10 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2zM19 15l1 2 2 1-2 1-1 2-1-2-2-1 2-1z",
  search: "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14M21 21l-5-5",
  notebook: "M6 3h12v18H6zM9 3v18",
  "notebook-pencil": "M6 3h12v18H6zM9 3v18",
  document: "M6 3h9l4 4v14H6zM14 3v5h5",
  "square-code": "M4 4h16v16H4zM10 9l-3 3 3 3M14 9l3 3-3 3",
  bolt: "M13 2L4 14h7l-1 8 9-12h-7z",
  lightbulb: "M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5V16h8v-2.5A6 6 0 0 0 12 3",
  globe: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18",
  "external-link": "M14 4h6v6M20 4l-9 9M18 14v6H4V6h6",
  "chevron-right": "M9 6l6 6-6 6",
  "chevron-left": "M15 6l-6 6 6 6",
  dot: "M12 11a1 1 0 1 0 0 2 1 1 0 0 0 0-2",
  clock: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18M12 7v5l3 3",
  chart: "M4 20V4M4 20h16M8 16v-5M12 16V8M16 16v-3",
  analytics: "M4 20V4M4 20h16M8 16v-5M12 16V8M16 16v-3",
  bug: "M8 8h8v9a4 4 0 0 1-8 0zM12 8V5M4 12h4M16 12h4M5 18l3-2M19 18l-3-2",
  settings: "M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6M12 2v3M12 19v3M2 12h3M19 12h3",
  star: "M12 3l3 6 6 1-4.5 4 1 6-5.5-3-5.5 3 1-6L3 10l6-1z",
  "star-filled": "M12 3l3 6 6 1-4.5 4 1 6-5.5-3-5.5 3 1-6L3 10l6-1z",
  user: "M12 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8M4 21a8 8 0 0 1 16 0",
  profile: "M12 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8M4 21a8 8 0 0 1 16 0",
  "circle-question": "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.7M12 17h.01",
  "empty-circle": "M12 4a8 8 0 1 0 0 16 8 8 0 0 0 0-16",
  lab: "M9 3h6M10 3v6l-5 10h14l-5-10V3",
  atom: "M12 11a1 1 0 1 0 0 2 1 1 0 0 0 0-2M12 4c4 0 8 3.6 8 8s-4 8-8 8-8-3.6-8-8 4-8 8-8",
  write: "M4 20h4L19 9l-4-4L4 16z",
  "write-alt": "M4 20h4L19 9l-4-4L4 16z",
  "write-alt2": "M4 20h4L19 9l-4-4L4 16z",
  "dots-horizontal": "M6 12h.01M12 12h.01M18 12h.01",
  "dots-vertical": "M12 6h.01M12 12h.01M12 18h.01",
  "book-open": "M3 5h7a2 2 0 0 1 2 2v13a2 2 0 0 0-2-2H3zM21 5h-7a2 2 0 0 0-2 2v13a2 2 0 0 1 2-2h7z",
  "book-closed": "M5 4h12v16H5zM9 4v16",
  cube: "M12 3l8 4.5v9L12 21l-8-4.5v-9zM12 12l8-4.5M12 12v9M12 12L4 7.5",
  keys: "M8 14a4 4 0 1 1 3-6.7L21 7v3h-3v3h-3",
  mail: "M3 6h18v12H3zM3 6l9 7 9-7",
  play2: "M7 5l12 7-12 7z",
};

const SVG_NS = "http://www.w3.org/2000/svg";

/** An inline SVG icon; unknown names (including `vendor:`/`lucide:`) give a dot. */
export function icon(name: string | null | undefined, cls = "jck-icon"): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", cls);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  const key = (name ?? "").replace(/^lucide:/, "");
  path.setAttribute("d", PATHS[key] ?? PATHS.dot);
  if (key.endsWith("-filled")) path.setAttribute("class", "jck-icon-filled");
  svg.appendChild(path);
  return svg;
}

let uid = 0;
/** A page-unique id for labels and aria references. */
export function uniqueId(prefix = "jck"): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** Whether JupyterLab (or the page) is in a dark theme right now. */
export function isDarkTheme(el?: Element): boolean {
  const body = document.body;
  const light = body?.getAttribute("data-jp-theme-light");
  if (light === "false") return true;
  if (light === "true") return false;
  const scoped = el?.closest?.("[data-jck-theme]")?.getAttribute("data-jck-theme");
  if (scoped) return scoped === "dark";
  return globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}
