/**
 * What the context policy hid in what a turn read, where, and why: the list behind the read
 * line's "N values hidden" (readline.ts). Read from the `«redacted: …»` markers the tool
 * results and tags carry, the very text the model got: no secret is in it, so showing it
 * tells the person what the assistant saw without showing what it did not.
 */

import { revealIn } from "./bidi";
import { h } from "./dom";

/** One value hidden: where it was, the text around it as the model got it, and why. */
export interface HiddenPlace {
  /** "cell 2", "cell 2, output", a variable's or a chip's name. */
  where: string;
  /** The line the marker stands in (cut around it when long). */
  shown: string;
  why: string;
  /** The 0-based cell it is in, if any (the where is then a link to it). */
  cell?: number;
}

const MARKER = /«redacted: ([^»\n]{1,80})»/g;
/** A placeholder that says only the value's type and size ("str, 11 chars", "dict, 3 items"). */
const DESCRIPTOR = /^[\w.]+(, [\d,]+ \w+)?$/;
/** The name a value is given right before it on its line (`db_password = '`, `"token": "`). */
const NAME_BEFORE = /([A-Za-z_][\w-]*)['"\]]*\s*(?:=|:)\s*[bfru]?['"]?\s*$/;
/** At most this many places are listed (the count says how many there were). */
const MAX_PLACES = 30;
/** A notebook file read as text (a mentioned or attached .ipynb): each cell's header, then
 * its outputs each under a `[stdout]` / `[execute_result, text/plain]` line. */
const CELL_HEADER = /^--- cell (\d+) \(\w+\) ---$/gm;
const OUTPUT_HEADER = /^\[(?:stdout|stderr|stream|error|execute_result|display_data)[^\]\n]*\]$/m;
const AROUND = 50;

const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Why the policy hid a value, said from its marker and the name before it. */
export function hiddenWhy(kind: string, nameBefore: string | null, inOutput: boolean): string {
  if (kind === "configured key") return "it is the model provider's key";
  if (kind === "held under a secret name" || DESCRIPTOR.test(kind)) {
    if (nameBefore) return `its name, ${nameBefore}, marks a secret`;
    return inOutput ? "it shows a secret's value" : "its name marks a secret";
  }
  return `recognized as ${kind}`;
}

/** The line of `text` around `[start, end)`, cut to about {@link AROUND} characters each side. */
function lineAround(text: string, start: number, end: number): string {
  const from = text.lastIndexOf("\n", start - 1) + 1;
  const to = text.indexOf("\n", end);
  const line = text.slice(from, to < 0 ? text.length : to);
  const at = start - from;
  const head = Math.max(0, at - AROUND);
  const tail = Math.min(line.length, at + (end - start) + AROUND);
  return `${head ? "…" : ""}${line.slice(head, tail).trim()}${tail < line.length ? "…" : ""}`;
}

/** The places hidden in one tool result or tag content, `where` naming it as a whole. */
export function hiddenPlaces(result: unknown, where: string, note?: string): HiddenPlace[] {
  const places: HiddenPlace[] = [];
  const walk = (value: unknown, at: string, cell: number | undefined, output: boolean, depth: number): void => {
    if (places.length >= MAX_PLACES || depth > 12) return;
    if (typeof value === "string") {
      for (const m of value.matchAll(MARKER)) {
        if (places.length >= MAX_PLACES) return;
        const start = m.index ?? 0;
        const before = value.slice(value.lastIndexOf("\n", start - 1) + 1, start);
        const name = NAME_BEFORE.exec(before)?.[1] ?? null;
        // In a notebook file's text: the cell it is in, and whether in its outputs.
        let where = at;
        let inOutput = output;
        let header: RegExpExecArray | null = null;
        CELL_HEADER.lastIndex = 0;
        for (let c = CELL_HEADER.exec(value); c && c.index < start; c = CELL_HEADER.exec(value)) header = c;
        if (header) {
          inOutput = OUTPUT_HEADER.test(value.slice(header.index + header[0].length, start));
          where = `${at}, cell ${Number(header[1]) + 1}${inOutput ? ", output" : ""}`;
        }
        const why = note && !name ? note.slice(0, 200) : hiddenWhy(m[1], name, inOutput);
        places.push({ where, shown: lineAround(value, start, start + m[0].length), why, cell });
      }
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) walk(v, at, cell, output, depth + 1);
      return;
    }
    const obj = record(value);
    // A cell of the notebook: its source, then its outputs.
    if (typeof obj.index === "number" && ("source" in obj || "outputs" in obj)) {
      const n = obj.index;
      walk(obj.source, `cell ${n + 1}`, n, false, depth + 1);
      walk(obj.outputs, `cell ${n + 1}, output`, n, true, depth + 1);
      return;
    }
    // A variable of the kernel (the list's entries): its name says where.
    const named = cell === undefined && typeof obj.name === "string" && obj.name ? obj.name : null;
    for (const [key, v] of Object.entries(obj)) {
      if (key === "untrusted_data" || key === "note") continue;
      walk(v, named ?? at, cell, output || key === "outputs", depth + 1);
    }
  };
  walk(result, where, undefined, false, 0);
  return places;
}

/** The list shown under the read line (hidden until its "N values hidden" is pressed). */
export function hiddenList(places: readonly HiddenPlace[], id: string, onCell?: (index: number) => void): HTMLElement {
  const list = h("ul", {
    class: "jck-hidden-list",
    id,
    hidden: true,
    "aria-label": "Values hidden from the assistant",
  });
  for (const p of places) {
    const cell = p.cell;
    let where: HTMLElement;
    if (onCell && cell !== undefined) {
      where = h("button", { type: "button", class: "jck-readline-cell", title: "Show in the notebook" }, p.where);
      where.addEventListener("click", () => onCell(cell));
    } else {
      where = h("span", { class: "jck-hidden-where" }, p.where);
    }
    list.appendChild(
      h("li", null, where, ": ", h("code", { class: "jck-hidden-shown" }, p.shown), h("span", null, ` (${p.why})`)),
    );
  }
  // A cell's line, and a where naming a notebook or file, may hold bidi controls or
  // zero-width characters: shown for what they are.
  revealIn(list);
  return list;
}
