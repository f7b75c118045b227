/**
 * The context policy on the JupyterLab side: secrets hidden, results bounded.
 *
 * The rules are not written here: `redaction-rules.generated.ts` is rendered from the
 * Python table (`jupyter_chatkit.context_policy.rules`), and both sides are tested
 * against one fixture table of secrets (tests/fixtures/secrets.json). The server applies
 * the same policy again, with the configured keys, before anything reaches the model;
 * this copy keeps secrets out of what the browser sends and stores in the first place.
 */

import { RULES } from "./redaction-rules.generated";

/** The most characters of JSON one tool result may have, as the model receives it. */
export const MAX_RESULT_CHARS = 16000;
/** What the front end aims for: the server's framing must still fit. */
export const RESULT_BUDGET = MAX_RESULT_CHARS - 1200;

const flagsOf = (f: string, extra = ""): string => `g${f.includes("i") ? "i" : ""}${extra}`;

const SECRET_NAME = new RegExp(RULES.secretNamePattern);
const VALUE_RULES = RULES.valueRules.map((r) => ({
  kind: r.kind,
  group: r.group,
  re: new RegExp(r.pattern, flagsOf(r.flags)),
}));
const VALUE_TRIGGERS: readonly string[] = RULES.valueTriggers;
const QUOTED = new RegExp(RULES.quotedAssignment, "g");
const BARE = new RegExp(RULES.bareAssignment, "gm");
const NAME_TRIGGERS: readonly string[] = RULES.nameTriggers;
const BARE_PREFIXES = ["%env", "%set_env", "export", "set "];
const ENV_ALLOW = new Set<string>(RULES.envAllowNames);
// CSI (colours, cursor moves), OSC (titles, hyperlinks) and two-byte escape sequences.
const ANSI_RE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const CODE_LIKE = /^[A-Za-z_][A-Za-z0-9_.]*(\(.*\))?$|[()[\]{}]/;

/** Text without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_RE, "");
}

/** `X-Api-Key` → `x_api_key`, `dbPassword` → `db_password` (as Python does). */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

/** True when a name (variable, key, column, environment variable) marks a secret. */
export function isSecretName(name: unknown): boolean {
  if (typeof name !== "string" || !name || name.length > 200) return false;
  return SECRET_NAME.test(normalizeName(name));
}

/** True for environment variables whose values are harmless (PATH, HOME, ...). */
export function isEnvAllowed(name: string): boolean {
  return ENV_ALLOW.has(name) || RULES.envAllowPrefixes.some((p) => name.startsWith(p));
}

/** The text left where a secret was. */
export function marker(what: string): string {
  return `${RULES.placeholderOpen}${what}${RULES.placeholderClose}`;
}

function describeHidden(value: unknown): string {
  if (typeof value === "string") return `str, ${value.length.toLocaleString("en-US")} chars`;
  if (Array.isArray(value)) return `list, ${value.length} items`;
  if (value && typeof value === "object") return `dict, ${Object.keys(value).length} items`;
  return typeof value === "number" ? (Number.isInteger(value) ? "int" : "float") : typeof value;
}

const VALUE_KEYS = new Set(["value", "preview", "repr", "head", "items"]);

/** Applies the rules and counts what it hid. */
export class Redactor {
  count = 0;

  /** `text` with known key shapes and `name = "value"` assignments of secrets hidden. */
  text(input: string): string {
    // Terminal colour codes mean nothing to the model and can hide a secret's shape.
    let value = input.includes("\x1b") ? stripAnsi(input) : input;
    if (value.length < 7) return value;
    const lower = value.toLowerCase();
    if (VALUE_TRIGGERS.some((t) => lower.includes(t))) {
      for (const rule of VALUE_RULES) {
        value = value.replace(rule.re, (...args: unknown[]) => {
          const whole = args[0] as string;
          const secret = (rule.group ? args[rule.group] : whole) as string | undefined;
          if (!secret || secret.startsWith(RULES.placeholderOpen)) return whole;
          this.count += 1;
          const at = whole.lastIndexOf(secret);
          return whole.slice(0, at) + marker(rule.kind) + whole.slice(at + secret.length);
        });
      }
    }
    const assigns = value.includes("=") || value.includes(":") || BARE_PREFIXES.some((p) => lower.includes(p));
    if (assigns && NAME_TRIGGERS.some((t) => lower.includes(t))) {
      value = value.replace(QUOTED, (whole, name: string, sep: string, quote: string, secret: string) => {
        const last = name.split(".").pop() ?? name;
        if (secret.includes(RULES.placeholderOpen) || !isSecretName(last)) return whole;
        this.count += 1;
        return `${name}${sep}${quote}${marker(`str, ${secret.length} chars`)}${quote}`;
      });
      value = value.replace(BARE, (whole, prefix: string, name: string, sep: string, secret: string) => {
        if (secret.includes(RULES.placeholderOpen) || !isSecretName(name)) return whole;
        const magic = prefix.trim() !== "";
        if (!sep.trim() && !magic) return whole;
        if (!magic && name !== name.toUpperCase() && CODE_LIKE.test(secret)) return whole;
        this.count += 1;
        return `${prefix}${name}${sep}${marker(`str, ${secret.length} chars`)}`;
      });
    }
    return value;
  }

  /** A copy of JSON-ready `value` with secrets hidden, by key name and in text. */
  data(value: unknown, depth = 0): unknown {
    if (typeof value === "string") return this.text(value);
    if (depth > 40 || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => this.data(v, depth + 1));
    const obj = value as Record<string, unknown>;
    const entrySecret = isSecretName(obj.name) && obj.type !== "class";
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(obj)) {
      const keep =
        item === null || item === undefined || item === true || item === false || item === "" ||
        (typeof item === "string" && item.startsWith(RULES.placeholderOpen));
      if ((isSecretName(key) || (entrySecret && VALUE_KEYS.has(key))) && !keep) {
        this.count += 1;
        out[key] = marker(describeHidden(item));
      } else {
        out[key] = this.data(item, depth + 1);
      }
    }
    return out;
  }
}

/** `text` with secrets hidden (and how many). */
export function redactText(text: string): { text: string; count: number } {
  const r = new Redactor();
  const clean = r.text(text);
  return { text: clean, count: r.count };
}

function size(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}

function clipText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const keep = Math.max(0, limit - 30);
  return `${text.slice(0, keep)}… [${text.length - keep} more chars]`;
}

function fit(value: unknown, room: number): unknown {
  if (typeof value === "string") return clipText(value, Math.max(room - 2, 8));
  if (Array.isArray(value)) {
    if (size(value) <= room) return value;
    const out: unknown[] = [];
    let left = room - 40;
    for (let i = 0; i < value.length; i++) {
      const n = size(value[i]) + 1;
      if (n <= left) {
        out.push(value[i]);
        left -= n;
        continue;
      }
      let next = i;
      if (left >= 200 && typeof value[i] === "object") {
        out.push(fit(value[i], left - 1));
        next = i + 1;
      }
      if (value.length - next > 0) out.push(`… ${value.length - next} more items not shown`);
      break;
    }
    return out;
  }
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (size(obj) <= room) return obj;
    const keys = Object.keys(obj);
    const sizes = new Map(keys.map((k) => [k, size(obj[k])]));
    let left = room - keys.reduce((n, k) => n + k.length + 4, 2);
    const share = new Map<string, number>();
    const pending = [...keys].sort((a, b) => (sizes.get(a) ?? 0) - (sizes.get(b) ?? 0));
    while (pending.length) {
      const fair = Math.floor(left / pending.length);
      const k = pending[0];
      const s = sizes.get(k) ?? 0;
      if (s <= fair) {
        share.set(k, s);
        left -= s;
        pending.shift();
      } else {
        for (const rest of pending) share.set(rest, fair);
        break;
      }
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const room2 = share.get(k) ?? 0;
      out[k] = (sizes.get(k) ?? 0) <= room2 ? obj[k] : room2 < 24 ? "…" : fit(obj[k], room2);
    }
    return out;
  }
  return value;
}

/** `value` cut to at most `limit` characters of JSON; cut places say so. */
export function bound(value: unknown, limit = RESULT_BUDGET, hint = ""): unknown {
  if (size(value) <= limit) return value;
  let target = limit;
  for (let i = 0; i < 6; i++) {
    let cut = fit(value, Math.max(target - hint.length - 120, 200));
    if (hint && cut && typeof cut === "object" && !Array.isArray(cut)) cut = { ...cut, truncated: hint };
    if (size(cut) <= limit) return cut;
    target = Math.floor(target * 0.8);
  }
  return { error: "The result was too large to send, even cut down.", truncated: hint };
}

const DEFAULT_HINT =
  "Cut to fit the size limit; ask for less (a name_filter, fewer cells, or one variable) to see the rest.";

/** A tool result as the front end sends it: redacted, bounded, with `redacted: N`. */
export function policyResult(result: unknown, hint = ""): Record<string, unknown> {
  const clean = new Redactor().data(result);
  const obj: Record<string, unknown> =
    clean && typeof clean === "object" && !Array.isArray(clean)
      ? { ...(clean as Record<string, unknown>) }
      : { result: clean };
  delete obj.redacted;
  const body = bound(obj, RESULT_BUDGET, hint || DEFAULT_HINT) as Record<string, unknown>;
  const redacted = JSON.stringify(body).split(RULES.placeholderOpen).length - 1;
  return { ...body, redacted };
}
