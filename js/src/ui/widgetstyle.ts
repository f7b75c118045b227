/**
 * Widget style values: ChatKit tokens (colours, spacing, radii, alignment) mapped onto
 * JupyterLab's theme variables, and checks that keep every value a plain length or
 * colour (never `url(...)`), so a widget cannot make the browser fetch anything.
 */

import type { Color, Spacing, WidgetComponent } from "../client/types";
import { isDarkTheme } from "./dom";

const SPACE_PX = 4;

export function len(v: number | string | undefined | null): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v === "number" && Number.isFinite(v)) return `${v}px`;
  return safeCss(String(v));
}

export function space(v: number | string | undefined | null): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v === "number" && Number.isFinite(v)) return `${v * SPACE_PX}px`;
  return safeCss(String(v));
}

/** Lengths and simple values only: no functions except calc/var, no url(). */
export function safeCss(v: string): string | null {
  const s = v.trim();
  if (s.length > 80) return null;
  if (/^-?[\d.]+(px|rem|em|%|vh|vw|ch|fr)?$/.test(s)) return s;
  if (/^(auto|none|min-content|max-content|fit-content)$/.test(s)) return s;
  if (/^(calc|var)\([\w\s.+\-*/%(),]*\)$/.test(s) && !/url/i.test(s)) return s;
  return null;
}

export const TEXT_TOKENS: Record<string, string> = {
  prose: "var(--jp-ui-font-color1, #212121)",
  primary: "var(--jp-ui-font-color1, #212121)",
  emphasis: "var(--jp-ui-font-color0, #000)",
  secondary: "var(--jp-ui-font-color2, #616161)",
  tertiary: "var(--jp-ui-font-color3, #9e9e9e)",
  success: "var(--jp-success-color1, #388e3c)",
  warning: "var(--jp-warn-color1, #f57c00)",
  caution: "var(--jp-warn-color1, #f57c00)",
  danger: "var(--jp-error-color1, #d32f2f)",
  info: "var(--jp-info-color1, #0288d1)",
  discovery: "var(--jck-discovery, #7b1fa2)",
};

export const BG_TOKENS: Record<string, string> = {
  surface: "var(--jp-layout-color1, #fff)",
  "surface-secondary": "var(--jp-layout-color2, #eee)",
  "surface-tertiary": "var(--jp-layout-color3, #bdbdbd)",
  "surface-elevated": "var(--jp-layout-color0, #fff)",
  "surface-elevated-secondary": "var(--jp-layout-color2, #eee)",
};

export const BORDER_TOKENS: Record<string, string> = {
  default: "var(--jp-border-color1, #bdbdbd)",
  subtle: "var(--jp-border-color2, #e0e0e0)",
  strong: "var(--jp-border-color0, #757575)",
};

const HUES: Record<string, string> = {
  red: "var(--jp-error-color1, #d32f2f)",
  rose: "var(--jp-error-color1, #d32f2f)",
  orange: "var(--jp-warn-color1, #f57c00)",
  amber: "var(--jp-warn-color1, #f57c00)",
  yellow: "var(--jp-warn-color2, #ffb74d)",
  green: "var(--jp-success-color1, #388e3c)",
  emerald: "var(--jp-success-color1, #388e3c)",
  teal: "var(--jp-info-color1, #0288d1)",
  cyan: "var(--jp-info-color1, #0288d1)",
  sky: "var(--jp-info-color1, #0288d1)",
  blue: "var(--jp-brand-color1, #1976d2)",
  indigo: "var(--jp-brand-color0, #0d47a1)",
  purple: "var(--jck-discovery, #7b1fa2)",
  violet: "var(--jck-discovery, #7b1fa2)",
  pink: "var(--jck-pink, #c2185b)",
  gray: "var(--jp-ui-font-color2, #616161)",
  slate: "var(--jp-ui-font-color2, #616161)",
  zinc: "var(--jp-ui-font-color2, #616161)",
  neutral: "var(--jp-ui-font-color2, #616161)",
  black: "var(--jp-ui-font-color0, #000)",
  white: "var(--jp-layout-color0, #fff)",
};

type ColorKind = "text" | "bg" | "border";

/** A widget colour (token, primitive like `blue-500`, CSS colour, or {light,dark}) as CSS. */
export function cssColor(value: Color | undefined | null, kind: ColorKind, el?: Element): string | null {
  if (!value) return null;
  const v = typeof value === "object" ? (isDarkTheme(el) ? value.dark : value.light) : value;
  if (typeof v !== "string") return null;
  const s = v.trim();
  const tokens = kind === "text" ? TEXT_TOKENS : kind === "bg" ? BG_TOKENS : BORDER_TOKENS;
  if (tokens[s]) return tokens[s];
  if (TEXT_TOKENS[s]) return TEXT_TOKENS[s];
  const prim = /^([a-z]+)-(\d{2,3})$/.exec(s);
  if (prim && HUES[prim[1]]) {
    const shade = Number(prim[2]);
    const base = HUES[prim[1]];
    if (kind === "bg" && shade <= 300) return `color-mix(in srgb, ${base} ${10 + shade / 20}%, transparent)`;
    return base;
  }
  if (/^#[0-9a-f]{3,8}$/i.test(s)) return s;
  if (/^(rgb|rgba|hsl|hsla|oklch|oklab|lab|lch)\([\d\s.,%/+-]*\)$/i.test(s)) return s;
  if (/^var\(--[\w-]+\)$/.test(s)) return s;
  if (/^[a-z]+$/i.test(s) && globalThis.CSS?.supports?.("color", s)) return s;
  return null;
}

export const RADIUS: Record<string, string> = {
  "2xs": "2px", xs: "4px", sm: "6px", md: "8px", lg: "12px", xl: "16px", "2xl": "20px",
  "3xl": "24px", "4xl": "32px", full: "9999px", "100%": "100%", none: "0",
};

export const JUSTIFY: Record<string, string> = {
  start: "flex-start", center: "center", end: "flex-end", between: "space-between",
  around: "space-around", evenly: "space-evenly", stretch: "stretch",
};
export const ALIGN: Record<string, string> = {
  start: "flex-start", center: "center", end: "flex-end", baseline: "baseline", stretch: "stretch",
};

export function setStyle(el: HTMLElement, prop: string, value: string | null): void {
  if (value !== null) el.style.setProperty(prop, value);
}

export function applySpacing(el: HTMLElement, prop: "padding" | "margin", v: number | string | Spacing | undefined): void {
  if (v === undefined || v === null) return;
  if (typeof v !== "object") {
    setStyle(el, prop, space(v));
    return;
  }
  const sides = { top: v.top ?? v.y, right: v.right ?? v.x, bottom: v.bottom ?? v.y, left: v.left ?? v.x };
  for (const [side, val] of Object.entries(sides)) setStyle(el, `${prop}-${side}`, space(val));
}

export function applyBox(el: HTMLElement, c: WidgetComponent): void {
  setStyle(el, "gap", space(c.gap));
  if (c.align) setStyle(el, "align-items", ALIGN[c.align] ?? null);
  if (c.justify) setStyle(el, "justify-content", JUSTIFY[c.justify] ?? null);
  if (c.wrap && /^(nowrap|wrap|wrap-reverse)$/.test(c.wrap)) el.style.flexWrap = c.wrap;
  if (c.flex !== undefined) setStyle(el, "flex", typeof c.flex === "number" ? String(c.flex) : safeCss(String(c.flex)));
  setStyle(el, "width", len(c.width ?? c.size));
  setStyle(el, "height", len(c.height ?? c.size));
  setStyle(el, "min-width", len(c.minWidth ?? c.minSize));
  setStyle(el, "min-height", len(c.minHeight ?? c.minSize));
  setStyle(el, "max-width", len(c.maxWidth ?? c.maxSize));
  setStyle(el, "max-height", len(c.maxHeight ?? c.maxSize));
  if (c.aspectRatio !== undefined) setStyle(el, "aspect-ratio", safeCss(String(c.aspectRatio)));
  applySpacing(el, "padding", c.padding);
  applySpacing(el, "margin", c.margin);
  if (c.radius) setStyle(el, "border-radius", RADIUS[c.radius] ?? null);
  setStyle(el, "background", cssColor(c.background, "bg", el));
  applyBorder(el, c.border);
}

export function applyBorder(el: HTMLElement, b: WidgetComponent["border"]): void {
  if (b === undefined || b === null) return;
  const one = (side: string, v: unknown): void => {
    const spec = typeof v === "number" ? { size: v } : (v as { size?: number; color?: Color; style?: string });
    if (!spec || typeof spec.size !== "number") return;
    const style = spec.style && /^(solid|dashed|dotted|double|groove|ridge|inset|outset)$/.test(spec.style) ? spec.style : "solid";
    const color = cssColor(spec.color ?? "default", "border", el) ?? BORDER_TOKENS.default;
    el.style.setProperty(side ? `border-${side}` : "border", `${spec.size}px ${style} ${color}`);
  };
  if (typeof b === "number" || "size" in (b as object)) {
    one("", b);
    return;
  }
  const sides = b as Record<string, unknown>;
  for (const [k, v] of Object.entries(sides)) {
    if (k === "x") {
      one("left", v);
      one("right", v);
    } else if (k === "y") {
      one("top", v);
      one("bottom", v);
    } else if (["top", "right", "bottom", "left"].includes(k)) one(k, v);
  }
}

export function applyText(el: HTMLElement, c: WidgetComponent): void {
  setStyle(el, "color", cssColor(c.color, "text", el));
  if (c.weight) el.classList.add(`jck-w-weight-${c.weight}`);
  if (c.textAlign) setStyle(el, "text-align", { start: "start", center: "center", end: "end" }[c.textAlign] ?? null);
  if (c.italic) el.style.fontStyle = "italic";
  if (c.lineThrough) el.style.textDecoration = "line-through";
  if (c.truncate) el.classList.add("jck-w-truncate");
  if (typeof c.maxLines === "number" && c.maxLines > 0) {
    el.classList.add("jck-w-clamp");
    el.style.setProperty("-webkit-line-clamp", String(Math.floor(c.maxLines)));
  }
  if (typeof c.width === "number" || typeof c.width === "string") setStyle(el, "width", len(c.width));
}
