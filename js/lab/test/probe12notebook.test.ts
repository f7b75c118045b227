/** Node tests: probe 12's held-out notebook (tests/fixtures/probe12/, written before the
 * policy was read) read by the lab as the model gets it: the sidebar's cell reader
 * (get_notebook_cells) part by part, and a mentioned notebook's text. No credential, nor
 * a piece of half its length when that is 12+ characters, may show; the look-alikes and
 * the error lines stay (tests/test_probe12_paths.py reads the same notebook through the kernel and server). */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { notebookCells } from "../src/cells";
import { notebookText } from "../src/mentions";
import { redactText } from "../src/redact";
import { cell, notebook } from "./panels";

const dir = new URL("../../../../tests/fixtures/probe12/", import.meta.url);
const SAVED = readFileSync(new URL("saved.ipynb", dir), "utf-8");
const DATA: { credentials: Record<string, string>; lookalikes: Record<string, string> } = JSON.parse(
  readFileSync(new URL("secrets.json", dir), "utf-8"),
);
// As tests/test_probe12_paths.py: a Slack webhook's whole path is its key (BY_DESIGN).
const BY_DESIGN = new Set(["slack_team"]);
const PART = 4;

const forms = (secret: string): string[] => [secret, encodeURIComponent(secret)];
const inNotebook = (values: Record<string, string>) =>
  Object.entries(values).filter(([, v]) => forms(v).some((f) => SAVED.includes(f)));

/** Every string of a JSON value, a string holding JSON read as well. */
function strings(value: unknown): string[] {
  if (typeof value === "string") {
    const out = [value];
    if (value.startsWith("{") || value.startsWith("[")) {
      try {
        out.push(...strings(JSON.parse(value)));
      } catch {}
    }
    return out;
  }
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

function leaks(text: string): string[] {
  return inNotebook(DATA.credentials).flatMap(([name, secret]) => {
    const half = Math.floor(secret.length / 2);
    for (const form of forms(secret)) {
      if (text.includes(form)) return [name];
      if (half >= 12) for (let i = 0; i + half <= form.length; i++) if (text.includes(form.slice(i, i + half))) return [name];
    }
    return [];
  });
}

const changed = (text: string): string[] =>
  inNotebook(DATA.lookalikes).flatMap(([name, value]) => (text.includes(value) || BY_DESIGN.has(name) ? [] : [name]));

const source = (v: string | string[]) => (Array.isArray(v) ? v.join("") : v);

/** Lines of the notebook's error outputs (the user's frames and the last line; a library
 * frame is not sent) that did not arrive; a line holding a credential counts by its
 * parts around it (tests/probe12_counts.py error_lines_missing). */
function errorLinesMissing(text: string): string[] {
  const secrets = inNotebook(DATA.credentials)
    .map(([, v]) => v)
    .sort((a, b) => b.length - a.length);
  const missing: string[] = [];
  for (const c of JSON.parse(SAVED).cells as { outputs?: { output_type: string; traceback?: string[] }[] }[]) {
    for (const o of c.outputs ?? []) {
      if (o.output_type !== "error") continue;
      for (const entry of (o.traceback ?? []).map((t) => t.replace(/\x1b\[[0-9;]*m/g, ""))) {
        if (entry.startsWith("File ")) continue;
        for (const line of entry.split("\n")) {
          if (line.startsWith("---------") || line.includes("Traceback (most")) continue;
          let parts = [line];
          for (const s of secrets) for (const f of forms(s)) parts = parts.flatMap((p) => p.split(f));
          if (parts.some((p) => p.trim().length >= 8 && !text.includes(p.trim()))) missing.push(line);
        }
      }
    }
  }
  return missing;
}

test("probe 12: the sidebar's cell reader shows no credential and keeps the look-alikes", () => {
  const cells = JSON.parse(SAVED).cells.map((c: { source: string | string[]; outputs?: unknown[]; cell_type: string }, i: number) =>
    cell(`c${i}`, source(c.source), c.outputs ?? [], c.cell_type),
  );
  const results: unknown[] = [];
  for (let i = 0; i < cells.length; i += PART) {
    const part = cells.slice(i, i + PART);
    const result = notebookCells(notebook(part, part.length - 1), part.length - 1, { max_cells: 200 });
    assert.ok(JSON.stringify(result).length <= 16_000);
    assert.equal((result.cells as unknown[]).length, part.length);
    results.push(result);
  }
  const text = strings(results).join("\n");
  assert.deepEqual(leaks(text), []);
  assert.deepEqual(changed(text), []);
  assert.deepEqual(errorLinesMissing(text), []);
});

test("probe 12: a mentioned notebook's text shows no credential and keeps the look-alikes", () => {
  const text = redactText(notebookText(SAVED) ?? "").text;
  assert.deepEqual(leaks(text), []);
  assert.deepEqual(changed(text), []);
  assert.deepEqual(errorLinesMissing(text), []);
});
