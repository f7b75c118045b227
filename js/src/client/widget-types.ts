/**
 * ChatKit widgets as the renderer sees them: a loose tree of components keyed by
 * `type` (from `chatkit/widgets.py` and `chatkit/actions.py` of openai-chatkit 1.6.5).
 * The rest of the wire types are generated from chatkit's pydantic models
 * (chatkit.generated.ts); widgets stay hand-written because roots may be dynamic
 * templates and the renderer reads any component generically.
 */

/** Icon names (see chatkit/icons.py); `vendor:` and `lucide:` prefixed names too. */
export type IconName = string;

export type ActionHandler = "client" | "server";
export type LoadingBehavior = "auto" | "none" | "self" | "container";

/** Declarative action attached to a widget (`ActionConfig`). */
export interface ActionConfig {
  type: string;
  payload?: unknown;
  handler?: ActionHandler;
  loadingBehavior?: LoadingBehavior;
  streaming?: boolean;
}

/** `{light, dark}` theme-aware colour. */
export interface ThemeColor {
  light: string;
  dark: string;
}
export type Color = string | ThemeColor;

export interface Spacing {
  top?: number | string;
  right?: number | string;
  bottom?: number | string;
  left?: number | string;
  x?: number | string;
  y?: number | string;
}

export interface Border {
  size: number;
  color?: Color;
  style?: string;
}

export interface WidgetStatus {
  text: string;
  icon?: IconName;
  favicon?: string;
  frame?: boolean;
}

export interface BoxProps {
  /** A list for most containers; a single child for `Transition` and some templates. */
  children?: WidgetComponent[] | WidgetComponent | null;
  align?: "start" | "center" | "end" | "baseline" | "stretch";
  justify?: "start" | "center" | "end" | "between" | "around" | "evenly" | "stretch";
  wrap?: "nowrap" | "wrap" | "wrap-reverse";
  flex?: number | string;
  gap?: number | string;
  height?: number | string;
  width?: number | string;
  size?: number | string;
  minHeight?: number | string;
  minWidth?: number | string;
  minSize?: number | string;
  maxHeight?: number | string;
  maxWidth?: number | string;
  maxSize?: number | string;
  padding?: number | string | Spacing;
  margin?: number | string | Spacing;
  border?: number | Border | Record<string, number | Border>;
  radius?: string;
  background?: Color;
  aspectRatio?: number | string;
}

/**
 * One widget component. ChatKit roots may be dynamic (templates with extra fields),
 * so every component is an open record keyed by `type`; the renderer reads the
 * fields it knows and treats everything else as absent.
 */
export interface WidgetComponent extends BoxProps {
  type: string;
  id?: string | null;
  key?: string | null;
  // Text, Title, Caption, Markdown, Label
  value?: string;
  streaming?: boolean;
  italic?: boolean;
  lineThrough?: boolean;
  color?: Color;
  weight?: "normal" | "medium" | "semibold" | "bold";
  textAlign?: "start" | "center" | "end";
  truncate?: boolean;
  maxLines?: number;
  minLines?: number;
  fieldName?: string;
  // Badge, Button, Checkbox
  label?: string;
  variant?: string;
  pill?: boolean;
  style?: "primary" | "secondary";
  onClickAction?: ActionConfig | null;
  iconStart?: IconName;
  iconEnd?: IconName;
  block?: boolean;
  uniform?: boolean;
  disabled?: boolean;
  submit?: boolean;
  // Icon
  name?: string;
  // Image
  src?: string;
  alt?: string;
  fit?: string;
  position?: string;
  frame?: boolean;
  flush?: boolean;
  // Box / Form
  direction?: "row" | "col";
  onSubmitAction?: ActionConfig | null;
  // Inputs
  options?: { value: string; label: string; disabled?: boolean; description?: string }[];
  onChangeAction?: ActionConfig | null;
  placeholder?: string;
  defaultValue?: string;
  defaultChecked?: boolean;
  required?: boolean;
  pattern?: string;
  inputType?: string;
  rows?: number;
  // Divider
  spacing?: number | string;
  // ListView / Card
  limit?: number | "auto";
  status?: WidgetStatus;
  theme?: "light" | "dark";
  asForm?: boolean;
  confirm?: { label: string; action: ActionConfig };
  cancel?: { label: string; action: ActionConfig };
  collapsed?: boolean;
  [extra: string]: unknown;
}

/** Top-level widget: `Card`, `ListView` or `Basic`. */
export type WidgetRoot = WidgetComponent;
