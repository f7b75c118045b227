/**
 * Bounding a tool result: at most so many characters of JSON, cut where it is largest,
 * each cut saying what was left out. Split from redact.ts (the policy's other half).
 */

import { codeLength, codeSlice } from "./codepoints";

/** The most characters of JSON one tool result may have, as the model receives it. */
export const MAX_RESULT_CHARS = 16000;
/** What the front end aims for: the server's framing must still fit. */
export const RESULT_BUDGET = MAX_RESULT_CHARS - 1200;
/** Longer than any rule's match (a PEM block ~4 kB): a cut this far past what is shown
 * leaves every secret near the cut whole. */
export const REDACT_MARGIN = 8192;

// Sizes and cuts in code points, as Python's budget counts them.
function size(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : codeLength(text);
}

function clipText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const length = codeLength(text);
  if (length <= limit) return text;
  const keep = Math.max(0, limit - 30);
  return `${codeSlice(text, keep)}… [${(length - keep).toLocaleString("en-US")} more chars]`;
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
