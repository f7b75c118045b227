/**
 * ChatKit widgets (the JSON of `chatkit.widgets`) rendered as plain DOM.
 *
 * Text props are always set as text, never as HTML; only the `Markdown` component goes
 * through the markdown sanitizer. Style values go through ./widgetstyle.
 */

import { childrenOf } from "../client/reducer";
import type { ActionConfig, WidgetComponent } from "../client/types";
import { h, icon, uniqueId } from "./dom";
import { imageAllowed, renderMarkdown, type MarkdownOptions } from "./markdown";
import { ALIGN, applyBox, applySpacing, applyText, cssColor, len, setStyle, space } from "./widgetstyle";

/** What a rendered widget needs from the chat. */
export interface WidgetContext {
  /** Dispatch an action; resolves when its handling (stream) ends. */
  onAction(action: ActionConfig, payloadExtra: Record<string, unknown> | null, source: HTMLElement): Promise<void>;
  /** Markdown options (image domains, code actions). */
  markdown: MarkdownOptions;
  /** Fallback text when nothing renders (the item's `copy_text`). */
  copyText?: string | null;
}

// ---------------------------------------------------------------- actions

/** Values of the named controls of the form around `el`, ChatKit-style. */
export function formValues(el: Element): Record<string, unknown> {
  const form = el.closest("form");
  if (!form) return {};
  const out: Record<string, unknown> = {};
  for (const ctl of Array.from(form.elements)) {
    const c = ctl as HTMLInputElement;
    if (!c.name) continue;
    if (c.type === "checkbox") out[c.name] = c.checked;
    else if (c.type === "radio") {
      if (c.checked) out[c.name] = c.value;
    } else if ("value" in c) out[c.name] = c.value;
  }
  return out;
}

async function dispatch(
  ctx: WidgetContext,
  action: ActionConfig,
  source: HTMLElement,
  extra: Record<string, unknown> | null,
): Promise<void> {
  const behavior = action.loadingBehavior ?? "auto";
  const target =
    behavior === "none"
      ? null
      : behavior === "container"
        ? (source.closest(".jck-widget") as HTMLElement | null)
        : source;
  target?.classList.add("jck-loading");
  target?.setAttribute("aria-busy", "true");
  const disabled = source instanceof HTMLButtonElement && !source.disabled;
  if (disabled) (source as HTMLButtonElement).disabled = true;
  try {
    await ctx.onAction(action, extra, source);
  } finally {
    target?.classList.remove("jck-loading");
    target?.removeAttribute("aria-busy");
    if (disabled) (source as HTMLButtonElement).disabled = false;
  }
}

// ---------------------------------------------------------------- components

type Renderer = (c: WidgetComponent, ctx: WidgetContext, scope: Scope) => HTMLElement | null;

/** Per-widget state: ids for labels so `Label.fieldName` finds its control. */
interface Scope {
  id: string;
}

function kids(el: HTMLElement, c: WidgetComponent, ctx: WidgetContext, scope: Scope): HTMLElement {
  for (const child of childrenOf(c)) {
    const n = renderComponent(child, ctx, scope);
    if (n) el.appendChild(n);
  }
  return el;
}

function flexBox(tag: "div" | "form", dir: "row" | "col", c: WidgetComponent, ctx: WidgetContext, scope: Scope): HTMLElement {
  const el = h(tag, { class: `jck-w-box jck-w-${dir}` });
  applyBox(el, c);
  return kids(el, c, ctx, scope);
}

function statusHeader(c: WidgetComponent): HTMLElement | null {
  if (!c.status?.text) return null;
  return h("div", { class: "jck-w-status" }, c.status.icon ? icon(c.status.icon) : null, h("span", null, c.status.text));
}

function textLike(tag: "p" | "div" | "span", cls: string, c: WidgetComponent): HTMLElement {
  const el = h(tag, { class: cls }, typeof c.value === "string" ? c.value : "");
  applyText(el, c);
  if (c.size) el.classList.add(`jck-w-size-${c.size}`);
  return el;
}

function actionButton(
  label: string,
  action: ActionConfig | null | undefined,
  ctx: WidgetContext,
  cls: string,
  submit = false,
): HTMLButtonElement {
  const b = h("button", { type: submit ? "submit" : "button", class: cls }, label);
  if (action && !submit) {
    b.addEventListener("click", () => {
      void dispatch(ctx, action, b, null);
    });
  }
  return b;
}

const RENDERERS: Record<string, Renderer> = {
  Card(c, ctx, scope) {
    const tag = c.asForm ? "form" : "div";
    const el = h(tag, { class: `jck-w-card${c.size ? ` jck-w-card-${c.size}` : ""}` });
    setStyle(el, "background", cssColor(c.background, "bg", el));
    const status = statusHeader(c);
    if (status) el.appendChild(status);
    const body = h("div", { class: "jck-w-card-body" });
    applySpacing(body, "padding", c.padding);
    kids(body, c, ctx, scope);
    if (c.collapsed) {
      el.appendChild(h("details", { class: "jck-w-collapsed" }, h("summary", null, "Details"), body));
    } else {
      el.appendChild(body);
    }
    if (c.confirm || c.cancel) {
      const foot = h("div", { class: "jck-w-card-footer" });
      if (c.cancel) {
        const cancel = c.cancel;
        const b = h("button", { type: "button", class: "jck-w-btn jck-w-btn-secondary" }, cancel.label);
        b.addEventListener("click", () => void dispatch(ctx, cancel.action, b, c.asForm ? formValues(b) : null));
        foot.appendChild(b);
      }
      if (c.confirm) {
        const confirm = c.confirm;
        const b = h("button", { type: "button", class: "jck-w-btn jck-w-btn-primary" }, confirm.label);
        b.addEventListener("click", () => {
          const form = b.closest("form");
          if (form && !form.reportValidity()) return;
          void dispatch(ctx, confirm.action, b, c.asForm ? formValues(b) : null);
        });
        foot.appendChild(b);
      }
      el.appendChild(foot);
    }
    if (el instanceof HTMLFormElement) el.addEventListener("submit", (e) => e.preventDefault());
    return el;
  },
  Basic(c, ctx, scope) {
    return flexBox("div", c.direction === "row" ? "row" : "col", c, ctx, scope);
  },
  Box(c, ctx, scope) {
    return flexBox("div", c.direction === "row" ? "row" : "col", c, ctx, scope);
  },
  Row(c, ctx, scope) {
    const el = flexBox("div", "row", c, ctx, scope);
    if (!c.align) el.style.alignItems = "center";
    return el;
  },
  Col(c, ctx, scope) {
    return flexBox("div", "col", c, ctx, scope);
  },
  Form(c, ctx, scope) {
    const el = flexBox("form", c.direction === "row" ? "row" : "col", c, ctx, scope) as HTMLFormElement;
    el.addEventListener("submit", (e) => {
      e.preventDefault();
      const action = c.onSubmitAction;
      if (!action) return;
      const submitter = ((e as SubmitEvent).submitter as HTMLElement | null) ?? el;
      void dispatch(ctx, action, submitter, formValues(submitter === el ? el.elements[0] ?? el : submitter));
    });
    return el;
  },
  Text(c) {
    return textLike("p", "jck-w-text", c);
  },
  Title(c) {
    const el = textLike("div", "jck-w-title", c);
    el.setAttribute("role", "heading");
    el.setAttribute("aria-level", "3");
    return el;
  },
  Caption(c) {
    return textLike("div", "jck-w-caption", c);
  },
  Label(c, _ctx, scope) {
    const el = h("label", { class: "jck-w-label", for: c.fieldName ? `${scope.id}-${c.fieldName}` : null }, c.value ?? "");
    applyText(el, c);
    return el;
  },
  Markdown(c, ctx) {
    const el = h("div", { class: "jck-w-markdown jck-md" });
    el.appendChild(renderMarkdown(typeof c.value === "string" ? c.value : "", ctx.markdown));
    if (c.streaming) el.setAttribute("aria-busy", "true");
    return el;
  },
  Badge(c) {
    const color = c.color && /^(secondary|success|danger|warning|info|discovery)$/.test(String(c.color)) ? String(c.color) : "secondary";
    const variant = c.variant && /^(solid|soft|outline)$/.test(c.variant) ? c.variant : "soft";
    return h("span", { class: `jck-w-badge jck-w-badge-${color} jck-w-badge-${variant}${c.pill ? " jck-w-pill" : ""}` }, c.label ?? "");
  },
  Divider(c) {
    const el = h("hr", { class: "jck-w-divider" });
    setStyle(el, "border-top-color", cssColor(c.color, "border", el));
    if (typeof c.size === "number") el.style.borderTopWidth = `${c.size}px`;
    const sp = space(c.spacing);
    if (sp) el.style.margin = `${sp} 0`;
    return el;
  },
  Icon(c) {
    const el = h("span", { class: `jck-w-icon jck-w-icon-${c.size ?? "md"}` }, icon(c.name));
    setStyle(el, "color", cssColor(c.color, "text", el));
    return el;
  },
  Image(c, ctx) {
    const src = typeof c.src === "string" ? c.src : "";
    if (!imageAllowed(src, ctx.markdown.imageDomains)) {
      return h("span", { class: "jck-blocked-img", title: "External image not loaded" }, `🖼 ${c.alt || "image"}`);
    }
    const el = h("img", { class: "jck-w-image", src, alt: c.alt ?? "", loading: "lazy", referrerpolicy: "no-referrer" });
    applyBox(el, c);
    if (c.fit && /^(cover|contain|fill|scale-down|none)$/.test(c.fit)) el.style.objectFit = c.fit;
    if (c.frame) el.classList.add("jck-w-frame");
    return el;
  },
  Button(c, ctx) {
    const color = c.color ?? (c.style === "secondary" ? "secondary" : "primary");
    const variant = c.variant ?? (c.style === "secondary" ? "outline" : "solid");
    const b = actionButton("", c.onClickAction, ctx, `jck-w-btn jck-w-btn-${color} jck-w-btn-${variant}`, !!c.submit);
    if (c.iconStart) b.appendChild(icon(c.iconStart));
    if (c.label) b.appendChild(h("span", null, c.label));
    if (c.iconEnd) b.appendChild(icon(c.iconEnd));
    if (!c.label) b.setAttribute("aria-label", c.iconStart ?? c.iconEnd ?? "button");
    if (c.block) b.classList.add("jck-w-block");
    if (c.pill) b.classList.add("jck-w-pill");
    if (c.size) b.classList.add(`jck-w-btn-${c.size}`);
    if (c.disabled) b.disabled = true;
    return b;
  },
  Spacer(c) {
    const el = h("div", { class: "jck-w-spacer", "aria-hidden": "true" });
    setStyle(el, "min-width", len(c.minSize));
    setStyle(el, "min-height", len(c.minSize));
    return el;
  },
  ListView(c, ctx, scope) {
    const el = h("div", { class: "jck-w-list", role: "list" });
    const status = statusHeader(c);
    if (status) el.appendChild(status);
    const items = childrenOf(c);
    const limit = typeof c.limit === "number" && c.limit > 0 ? c.limit : items.length;
    const rendered = items.map((it) => renderComponent(it, ctx, scope)).filter((x): x is HTMLElement => !!x);
    rendered.forEach((r, i) => {
      if (i >= limit) r.hidden = true;
      el.appendChild(r);
    });
    if (rendered.length > limit) {
      const more = h("button", { type: "button", class: "jck-btn jck-btn-ghost jck-w-more" }, `Show ${rendered.length - limit} more`);
      more.addEventListener("click", () => {
        rendered.forEach((r) => (r.hidden = false));
        more.remove();
      });
      el.appendChild(more);
    }
    return el;
  },
  ListViewItem(c, ctx, scope) {
    const el = h("div", { class: "jck-w-listitem jck-w-row", role: "listitem" });
    setStyle(el, "gap", space(c.gap));
    if (c.align) setStyle(el, "align-items", ALIGN[c.align] ?? null);
    kids(el, c, ctx, scope);
    const action = c.onClickAction;
    if (action) {
      el.classList.add("jck-w-clickable");
      el.tabIndex = 0;
      el.setAttribute("role", "button");
      const go = (): void => void dispatch(ctx, action, el, null);
      el.addEventListener("click", go);
      el.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          go();
        }
      });
    }
    return el;
  },
  Select(c, ctx, scope) {
    const sel = h("select", { class: "jck-w-input", name: c.name ?? "", id: c.name ? `${scope.id}-${c.name}` : null, "aria-label": c.placeholder ?? c.name ?? "choice" });
    if (c.placeholder) sel.appendChild(h("option", { value: "", disabled: true, selected: !c.defaultValue }, c.placeholder));
    for (const o of c.options ?? []) {
      sel.appendChild(h("option", { value: o.value, disabled: !!o.disabled, selected: o.value === c.defaultValue }, o.label));
    }
    if (c.disabled) sel.disabled = true;
    if (c.block) sel.classList.add("jck-w-block");
    const action = c.onChangeAction;
    if (action) sel.addEventListener("change", () => void dispatch(ctx, action, sel, { ...formValues(sel), value: sel.value }));
    return sel;
  },
  Input(c, _ctx, scope) {
    const type = c.inputType && /^(number|email|text|password|tel|url)$/.test(c.inputType) ? c.inputType : "text";
    const el = h("input", {
      class: "jck-w-input",
      type,
      name: c.name ?? "",
      id: c.name ? `${scope.id}-${c.name}` : null,
      placeholder: c.placeholder ?? null,
      required: !!c.required,
      pattern: c.pattern ?? null,
      disabled: !!c.disabled,
      "aria-label": c.placeholder ?? c.name ?? null,
    });
    el.value = c.defaultValue ?? "";
    return el;
  },
  Textarea(c, _ctx, scope) {
    const el = h("textarea", {
      class: "jck-w-input",
      name: c.name ?? "",
      id: c.name ? `${scope.id}-${c.name}` : null,
      placeholder: c.placeholder ?? null,
      required: !!c.required,
      disabled: !!c.disabled,
      rows: typeof c.rows === "number" ? c.rows : 3,
      "aria-label": c.placeholder ?? c.name ?? null,
    });
    el.value = c.defaultValue ?? "";
    return el;
  },
  Checkbox(c, ctx, scope) {
    const input = h("input", { type: "checkbox", name: c.name ?? "", id: c.name ? `${scope.id}-${c.name}` : null, disabled: !!c.disabled, required: !!c.required });
    input.checked = !!c.defaultChecked;
    const action = c.onChangeAction;
    if (action) input.addEventListener("change", () => void dispatch(ctx, action, input, { ...formValues(input), value: input.checked }));
    return h("label", { class: "jck-w-check" }, input, h("span", null, c.label ?? ""));
  },
  RadioGroup(c, ctx, scope) {
    const el = h("div", { class: `jck-w-radios jck-w-${c.direction === "row" ? "row" : "col"}`, role: "radiogroup", "aria-label": String(c.ariaLabel ?? c.name ?? "") });
    for (const o of c.options ?? []) {
      const input = h("input", { type: "radio", name: c.name ?? scope.id, value: o.value, disabled: !!(o.disabled || c.disabled) });
      input.checked = o.value === c.defaultValue;
      const action = c.onChangeAction;
      if (action) input.addEventListener("change", () => void dispatch(ctx, action, input, { ...formValues(input), value: o.value }));
      el.appendChild(h("label", { class: "jck-w-check" }, input, h("span", null, o.label)));
    }
    return el;
  },
  DatePicker(c, ctx, scope) {
    const el = h("input", { type: "date", class: "jck-w-input", name: c.name ?? "", id: c.name ? `${scope.id}-${c.name}` : null, disabled: !!c.disabled, "aria-label": c.placeholder ?? c.name ?? "date" });
    if (typeof c.defaultValue === "string") el.value = c.defaultValue.slice(0, 10);
    const action = c.onChangeAction;
    if (action) el.addEventListener("change", () => void dispatch(ctx, action, el, { ...formValues(el), value: el.value }));
    return el;
  },
  Transition(c, ctx, scope) {
    const child = childrenOf(c)[0];
    return child ? renderComponent(child, ctx, scope) : null;
  },
  Chart(c) {
    // No charting library: an accessible table of the data instead.
    const rows = Array.isArray(c.data) ? (c.data as Record<string, unknown>[]) : [];
    const series = Array.isArray(c.series) ? (c.series as { dataKey: string; label?: string }[]) : [];
    const xKey = typeof c.xAxis === "string" ? c.xAxis : ((c.xAxis as { dataKey?: string } | undefined)?.dataKey ?? "");
    const table = h("table", { class: "jck-w-chart" });
    table.appendChild(h("thead", null, h("tr", null, h("th", null, xKey), ...series.map((s) => h("th", null, s.label ?? s.dataKey)))));
    const body = h("tbody");
    for (const r of rows.slice(0, 50)) {
      body.appendChild(h("tr", null, h("td", null, String(r[xKey] ?? "")), ...series.map((s) => h("td", null, String(r[s.dataKey] ?? "")))));
    }
    table.appendChild(body);
    return table;
  },
};

/** Render one component; unknown types fall back to their text or their children. */
export function renderComponent(c: WidgetComponent, ctx: WidgetContext, scope: Scope): HTMLElement | null {
  if (!c || typeof c !== "object") return null;
  const render = Object.prototype.hasOwnProperty.call(RENDERERS, c.type) ? RENDERERS[c.type] : null;
  if (render) {
    const el = render(c, ctx, scope);
    if (el && c.id) el.setAttribute("data-jck-component", String(c.id));
    return el;
  }
  const text = typeof c.value === "string" ? c.value : typeof c.label === "string" ? c.label : null;
  if (text !== null) return h("span", { class: "jck-w-unknown" }, text);
  if (childrenOf(c).length) return kids(h("div", { class: "jck-w-box jck-w-col" }), c, ctx, scope);
  return null;
}

/** Render a widget root (Card, ListView, Basic, or anything) into a `.jck-widget`. */
export function renderWidget(root: WidgetComponent, ctx: WidgetContext): HTMLElement {
  const el = h("div", { class: "jck-widget" });
  let inner: HTMLElement | null = null;
  try {
    inner = renderComponent(root, ctx, { id: uniqueId("jck-w") });
  } catch (e) {
    console.warn("jupyter-chatkit: widget failed to render", e);
  }
  if (inner) el.appendChild(inner);
  else if (ctx.copyText) el.appendChild(h("p", { class: "jck-w-text" }, ctx.copyText));
  return el;
}
