/**
 * A notebook's outputs as JupyterLab shows and saves them: each run of stream outputs of
 * one name (stdout, stderr) as one. A file run by nbclient or papermill keeps every flush
 * apart (`print("API_KEY=", end="")`, a pause, then the key): read one by one, a key cut
 * in two reached the model in two pieces no rule can tell. Mirrors Python's
 * `context_policy.streams.merged_streams`.
 */

import { codeLength, codeSlice } from "./codepoints";

type Output = Record<string, unknown>;

// Carriage returns right before a line's end: the line ends there (JupyterLab's reading).
const RETURNS_AT_END = /\r+\n/g;

/** An nbformat multiline string (a string, or a list of lines) as one text; anything
 * else a writer saved there (null, a number) is no text, whole or as a line. Python's
 * `context_policy.streams.multiline_text` reads it alike. */
export function multilineText(value: unknown): string {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string").join("");
  return typeof value === "string" ? value : "";
}
const text = multilineText;

/** `outputs` with each run of same-named stream outputs as one, its carriage returns
 * resolved (`overwritten`); the others unchanged. */
export function mergedStreams(outputs: readonly Output[]): Output[] {
  const merged: Output[] = [];
  // Each run's texts, joined once at its end (a loop's many flushes stay linear).
  let pieces: string[] = [];
  const close = (): void => {
    if (pieces.length > 1) merged[merged.length - 1] = { ...merged[merged.length - 1], text: pieces.join("") };
  };
  for (const raw of outputs) {
    const last = merged[merged.length - 1];
    const stream = raw && typeof raw === "object" && raw.output_type === "stream";
    if (stream && last && last.output_type === "stream" && last.name === raw.name) {
      pieces.push(text(raw.text));
      continue;
    }
    close();
    pieces = stream ? [text(raw.text)] : [];
    merged.push(raw);
  }
  close();
  return merged.map(asShown);
}

/** `text` as a terminal and JupyterLab's output area show it: what follows a carriage
 * return on a line writes over that line from its start (a progress bar's frames, tqdm's,
 * read as its last one; a shorter frame keeps the longer one's end), in code points as
 * Python's `context_policy.streams.overwritten`. nbclient saves every frame. */
export function overwritten(text: string): string {
  if (!text.includes("\r")) return text;
  return text
    .replace(RETURNS_AT_END, "\n")
    .split("\n")
    .map((line) => {
      // Read from the last frame back, an earlier one showing only past the later ones'
      // end: linear in the line (forward, each frame copied the line so far).
      const frames = line.split("\r");
      let shown = frames[frames.length - 1];
      let shownLength = codeLength(shown);
      for (let i = frames.length - 2; i >= 0; i--) {
        const length = codeLength(frames[i]);
        if (length <= shownLength) continue;
        shown += frames[i].slice(codeSlice(frames[i], shownLength).length);
        shownLength = length;
      }
      return shown;
    })
    .join("\n");
}

function asShown(raw: Output): Output {
  if (!raw || typeof raw !== "object" || raw.output_type !== "stream") return raw;
  const t = text(raw.text);
  return t.includes("\r") ? { ...raw, text: overwritten(t) } : raw;
}

/** The places of each stream (by name) written in pieces with other outputs between
 * (`stdout`, a warning on `stderr`, `stdout` again), for the names that are. Mirrors
 * Python's `context_policy.streams.split_streams`. */
export function splitStreams(outputs: readonly unknown[]): Map<string, number[]> {
  const places = new Map<string, number[]>();
  outputs.forEach((raw, i) => {
    if (!raw || typeof raw !== "object" || (raw as Output).output_type !== "stream") return;
    const name = (raw as Output).name;
    const key = typeof name === "string" ? name : "";
    places.set(key, [...(places.get(key) ?? []), i]);
  });
  for (const [name, at] of places) if (!at.some((a, k) => k > 0 && a - at[k - 1] > 1)) places.delete(name);
  return places;
}
