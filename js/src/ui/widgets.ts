/**
 * The ChatKit widgets our server sends (src/jupyter_chatkit/assistant/cards.py: Card,
 * Col, Row, Title, Badge, Markdown, Button, Caption) rendered as plain DOM.
 *
 * Anything else falls back generically: a component shows its own text (`value` or
 * `label`) or its children, and a widget that renders nothing shows the item's
 * `copy_text`. Text props are always set as text, never as HTML; only `Markdown` goes
 * through the markdown sanitizer. Style props pick classes from fixed lists (gaps are
 * numbers), so a widget cannot inject CSS or make the browser fetch anything.
 */

import { childrenOf } from "../client/reducer";
import type { ActionConfig, WidgetComponent } from "../client/types";
import { ACTION } from "../protocol";
import { revealBidi } from "./bidi";
import { h, icon } from "./dom";
import { CODE_BUTTONS, type MarkdownOptions, renderMarkdown } from "./markdown";

/** A card's code action, drawn as the same action on a code block's bar. */
const CODE_ACTIONS: Record<string, (typeof CODE_BUTTONS)[keyof typeof CODE_BUTTONS]> = {
  [ACTION.COPY_CODE]: CODE_BUTTONS.copy,
  [ACTION.INSERT_CELL]: CODE_BUTTONS.insert,
  [ACTION.INSERT_AND_RUN_CELL]: CODE_BUTTONS.run,
};

/** What a rendered widget needs from the chat. */
export interface WidgetContext {
  /** Dispatch an action; resolves when its handling (stream) ends. */
  onAction(action: ActionConfig, source: HTMLElement): Promise<void>;
  /** Markdown options (image domains, code actions). */
  markdown: MarkdownOptions;
  /** Shown when the widget renders nothing (the item's `copy_text`). */
  copyText?: string | null;
  /** Called with the rendered widget (the host adds its own buttons, e.g. Replace cell). */
  extend?(el: HTMLElement): void;
}

/** `value` if it is one of `allowed`, else `fallback`: style props become class names. */
function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

const SIZES = ["xs", "sm", "md", "lg"] as const;
const ALIGN: Record<string, string> = { start: "flex-start", center: "center", end: "flex-end", stretch: "stretch" };

function kids(el: HTMLElement, c: WidgetComponent, ctx: WidgetContext): HTMLElement {
  for (const child of childrenOf(c)) {
    const n = renderComponent(child, ctx);
    if (n) el.appendChild(n);
  }
  return el;
}

function flexBox(dir: "row" | "col", c: WidgetComponent, ctx: WidgetContext): HTMLElement {
  const el = h("div", { class: `jck-w-${dir}` });
  // Gaps are ChatKit spacing units (4px); only finite numbers reach the style.
  if (typeof c.gap === "number" && Number.isFinite(c.gap)) el.style.gap = `${Math.min(Math.max(c.gap, 0), 16) * 4}px`;
  if (typeof c.align === "string" && ALIGN[c.align]) el.style.alignItems = ALIGN[c.align];
  return kids(el, c, ctx);
}

function text(tag: "div" | "p", cls: string, value: unknown, c: WidgetComponent): HTMLElement {
  const el = h(tag, { class: cls }, typeof value === "string" ? value : "");
  if (c.size) el.classList.add(`jck-w-size-${oneOf(c.size, SIZES, "md")}`);
  // A card's title or caption is the model's text: "Save x<U+202E>gnp.exe" must not draw
  // as "Save xexe.png" above the code it names. Prose: its joiners stay (emoji, Persian).
  revealBidi(el);
  return el;
}

/** Run an action with its button disabled and marked busy until the handling ends. */
async function dispatch(ctx: WidgetContext, action: ActionConfig, source: HTMLButtonElement): Promise<void> {
  source.disabled = true;
  source.classList.add("jck-loading");
  source.setAttribute("aria-busy", "true");
  try {
    await ctx.onAction(action, source);
  } finally {
    source.disabled = false;
    source.classList.remove("jck-loading");
    source.removeAttribute("aria-busy");
  }
}

type Renderer = (c: WidgetComponent, ctx: WidgetContext) => HTMLElement;

const RENDERERS = new Map<string, Renderer>(
  Object.entries({
    Card: (c, ctx) => kids(h("div", { class: "jck-w-card" }), c, ctx),
    Col: (c, ctx) => flexBox("col", c, ctx),
    Row: (c, ctx) => flexBox("row", c, ctx),
    Title(c) {
      const el = text("div", "jck-w-title", c.value, c);
      el.setAttribute("role", "heading");
      el.setAttribute("aria-level", "3");
      return el;
    },
    Caption: (c) => text("div", "jck-w-caption", c.value, c),
    Badge(c) {
      const color = oneOf(c.color, ["secondary", "success", "danger", "warning", "info"] as const, "secondary");
      const variant = oneOf(c.variant, ["soft", "solid", "outline"] as const, "soft");
      const badge = h("span", { class: `jck-w-badge jck-w-badge-${color} jck-w-badge-${variant}` }, c.label ?? "");
      revealBidi(badge);
      return badge;
    },
    Markdown(c, ctx) {
      const el = h("div", { class: "jck-w-markdown jck-md" });
      el.appendChild(renderMarkdown(typeof c.value === "string" ? c.value : "", ctx.markdown));
      return el;
    },
    Button(c, ctx) {
      // ChatKit's `style` shorthand: primary = solid brand colour, secondary = outline.
      const secondary = c.style === "secondary" || c.color === "secondary";
      const variant = oneOf(c.variant, ["solid", "outline"] as const, secondary ? "outline" : "solid");
      const b = h("button", {
        type: "button",
        class: `jck-w-btn jck-w-btn-${secondary ? "secondary" : "primary"} jck-w-btn-${variant}`,
      });
      // A code action (Insert, Insert & run, Copy) looks and is named as on a code
      // block's bar: its icon, its tooltip, and a name when it shows no words.
      const code = c.onClickAction ? CODE_ACTIONS[c.onClickAction.type] : undefined;
      const iconName = code?.icon ?? c.iconStart;
      if (iconName) b.appendChild(icon(iconName));
      if (c.label) b.appendChild(h("span", null, c.label));
      else b.setAttribute("aria-label", code?.name ?? c.iconStart ?? "button");
      if (code) b.title = code.tip;
      if (c.size === "sm" || c.size === "xs") b.classList.add("jck-w-btn-sm");
      const action = c.onClickAction;
      if (action && !c.disabled) b.addEventListener("click", () => void dispatch(ctx, action, b));
      else b.disabled = true;
      return b;
    },
  } satisfies Record<string, Renderer>),
);

/** Render one component; other types fall back to their text or their children. */
export function renderComponent(c: WidgetComponent, ctx: WidgetContext): HTMLElement | null {
  if (!c || typeof c !== "object") return null;
  const render = RENDERERS.get(c.type);
  let el: HTMLElement | null;
  if (render) el = render(c, ctx);
  else if (typeof c.value === "string" || typeof c.label === "string") {
    el = text("p", "jck-w-text", c.value ?? c.label, c);
  } else el = childrenOf(c).length ? kids(h("div", { class: "jck-w-col" }), c, ctx) : null;
  if (el && c.id) el.setAttribute("data-jck-component", String(c.id));
  return el;
}

/** The code a code card's Insert buttons carry (null if `root` is not a code card). */
export function cardCode(root: WidgetComponent, insertActions: ReadonlySet<string>): string | null {
  const action = root?.onClickAction;
  if (action && insertActions.has(action.type) && action.payload && typeof action.payload === "object") {
    const code = (action.payload as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  for (const child of childrenOf(root)) {
    const code = cardCode(child, insertActions);
    if (code !== null) return code;
  }
  return null;
}

/** Render a widget root into a `.jck-widget`; its copy text when nothing renders. */
export function renderWidget(root: WidgetComponent, ctx: WidgetContext): HTMLElement {
  const el = h("div", { class: "jck-widget" });
  let inner: HTMLElement | null = null;
  try {
    inner = renderComponent(root, ctx);
  } catch (e) {
    console.warn("jupyter-chatkit: widget failed to render", e);
  }
  if (inner?.hasChildNodes()) el.appendChild(inner);
  else if (ctx.copyText) el.appendChild(h("p", { class: "jck-w-text jck-w-copytext" }, ctx.copyText));
  ctx.extend?.(el);
  return el;
}
