/**
 * A float the kernel wrote with its point (`3.0`, `1e+20`) reaches the model so, not as
 * an integer. The kernel's tools answer in JSON text; `JSON.parse` makes `3.0` the number
 * 3, which `JSON.stringify` then writes `3`: a float variable read through the sidebar
 * said `"type": "float", "value": 3` (the widget's route, Python to Python, said `3.0`).
 *
 * Parsed with the source text of each number (JSON.parse's reviver context), the
 * integral floats are noted by where they are. The result callers get holds plain numbers
 * (they show, compare and post it); only its JSON text (the client tool output sent to
 * the server, from the sidebar or a `%chat` widget through the bridge) writes each one
 * still there as the kernel's text (`JSON.rawJSON`, see `floatsInJson`). A browser
 * without these writes them as numbers, as before.
 */

/** Where a value sits in a JSON value: object keys and array indices. */
type Path = readonly (string | number)[];

/** An integral float of the kernel's answer: where, its number, its text. */
export interface FloatAt {
  path: Path;
  value: number;
  text: string;
}

type RawJson = (text: string) => unknown;
const rawJson: RawJson | undefined = (JSON as unknown as { rawJSON?: RawJson }).rawJSON;

/** A number whose text says it is a float (a point or an exponent). */
const FLOAT_TEXT = /[.eE]/;

/** Holds an integral float during the parse (its place is found after). */
class Marked {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
}

/** Parse `text` (JSON), noting its integral floats; throws as JSON.parse does. */
export function parseKeepingFloats(text: string): { value: unknown; floats: FloatAt[] } {
  if (!rawJson) return { value: JSON.parse(text), floats: [] };
  let marked = false;
  const parsed: unknown = JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) => {
    const source = context?.source;
    if (typeof value !== "number" || !Number.isInteger(value) || !source || !FLOAT_TEXT.test(source)) return value;
    marked = true;
    return new Marked(value, source);
  });
  if (!marked) return { value: parsed, floats: [] };
  const floats: FloatAt[] = [];
  const unmark = (v: unknown, path: (string | number)[]): unknown => {
    if (v instanceof Marked) {
      floats.push({ path: [...path], value: v.value, text: v.text });
      return v.value;
    }
    if (Array.isArray(v)) return v.map((item, i) => unmark(item, [...path, i]));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) out[key] = unmark(item, [...path, key]);
      return out;
    }
    return v;
  };
  return { value: unmark(parsed, []), floats };
}

/**
 * `result` (an object or array made from the parsed value: same keys and indices where
 * kept) as is, plain numbers and all, whose JSON text (`JSON.stringify`, by whichever
 * code sends it) writes each noted float still there as the kernel wrote it. The
 * serializer is a `toJSON` that is not enumerable: copies, `structuredClone` and
 * `postMessage` leave it out (they carry the plain numbers).
 */
export function floatsInJson<T>(result: T, floats: readonly FloatAt[]): T {
  if (!rawJson || !floats.length || !result || typeof result !== "object") return result;
  Object.defineProperty(result, "toJSON", {
    value: () => restoreFloats(structuredClone(result), floats),
    enumerable: false,
    configurable: true,
  });
  return result;
}

/**
 * `result` (made from the parsed value: same keys and indices where kept) with each noted
 * float still in its place, as the same number, written as the kernel's text. Changes
 * `result` in place (a value of its own) and returns it.
 */
function restoreFloats<T>(result: T, floats: readonly FloatAt[]): T {
  if (!rawJson) return result;
  for (const { path, value, text } of floats) {
    let at: unknown = result;
    for (const key of path.slice(0, -1)) {
      at = at && typeof at === "object" ? (at as Record<string | number, unknown>)[key] : undefined;
    }
    const last = path[path.length - 1];
    if (last === undefined || !at || typeof at !== "object") continue;
    const holder = at as Record<string | number, unknown>;
    if (holder[last] === value) holder[last] = rawJson(text);
  }
  return result;
}
