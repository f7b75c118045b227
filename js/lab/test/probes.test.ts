/**
 * The TypeScript copy of the context policy against the held-out probes
 * (tests/fixtures/probe*_texts.json, also run through the Python policy by
 * tests/test_context_probes.py, which says what each probe holds): leaks as notebooks hold
 * them are hidden, in text and in a tool result; secrets in data are hidden and paths kept;
 * look-alikes come back unchanged.
 */

import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";
import type * as nbformat from "@jupyterlab/nbformat";
import { outputText } from "../src/cells";
import { Redactor, policyResult, redactText, stripAnsi } from "../src/redact";
import { mergedStreams } from "../src/streams";

interface Leak {
  id: string;
  channel: string;
  text: string;
  secrets: string[];
  mime?: string;
  parts?: string[];
}

interface DataCase {
  id: string;
  data: unknown;
  secrets?: string[];
  kept?: string[];
}

interface Probe {
  leaks: Leak[];
  harmless: string[];
  data_leaks: DataCase[];
  data_kept: DataCase[];
}

const FIXTURES = new URL("../../../../tests/fixtures/", import.meta.url);
const PROBES = readdirSync(FIXTURES)
  .filter((name) => /^probe\d+_texts\.json$/.test(name))
  .sort();

for (const file of PROBES) {
  const name = file.split("_")[0];
  const PROBE: Probe = JSON.parse(readFileSync(new URL(file, FIXTURES), "utf-8"));

  test(`${name}: every leak is hidden in text and in a tool result`, () => {
    const shown: string[] = [];
    for (const c of PROBE.leaks) {
      const { text, count } = redactText(c.text);
      // Nothing hidden: unless the text lost the secret another way (an OSC 8 link's
      // target goes with the escape codes).
      if ((count < 1 && text === c.text) || c.secrets.some((s) => text.includes(s))) shown.push(`${c.id}: ${text}`);
      // A cell's output in a tool result (one each: a result is cut to its budget).
      const result = JSON.stringify(policyResult({ cells: [{ outputs: [{ text: c.text }] }] }));
      if (c.secrets.some((s) => result.includes(JSON.stringify(s).slice(1, -1)))) shown.push(`${c.id}: ${result}`);
    }
    assert.deepEqual(shown, []);
  });

  test(`${name}: secrets in data are hidden in a tool result; paths are kept`, () => {
    const shown: string[] = [];
    for (const c of PROBE.data_leaks) {
      const result = JSON.stringify(policyResult(c.data));
      if ((c.secrets ?? []).some((s) => result.includes(JSON.stringify(s).slice(1, -1)))) shown.push(`${c.id}: ${result}`);
    }
    assert.deepEqual(shown, []);
    for (const c of PROBE.data_kept) {
      const result = JSON.stringify(policyResult(c.data));
      for (const kept of c.kept ?? []) assert.ok(result.includes(kept), result);
    }
  });

  test(`${name}: look-alikes come back unchanged`, () => {
    const r = new Redactor();
    assert.deepEqual(
      // The policy's text is ANSI-free (terminal colour codes mean nothing to the model).
      PROBE.harmless.filter((text) => r.text(text) !== stripAnsi(text)),
      [],
    );
    assert.equal(r.count, 0);
  });
}

// Probe 11 through the notebook readers, as test_context_probes.py reads it: a leak is
// shown when the text, read without escape codes, invisible and combining characters,
// <wbr>, HTML references and UTF-16's \x00, still holds half its secret (12 at least).
const PROBE11: Probe & { causes: { hidden: [string, string][]; kept: string[] } } = JSON.parse(readFileSync(new URL("probe11_texts.json", FIXTURES), "utf-8"));
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", shy: "\u00ad" };

function read(text: string): string {
  const plain = text
    .replace(ESCAPES, "")
    .replaceAll("<wbr>", "")
    .replace(/&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([A-Za-z]+));/g, (whole, dec, hex, name) =>
      dec || hex ? String.fromCodePoint(Number.parseInt(dec ?? hex, dec ? 10 : 16)) : (NAMED[name] ?? whole),
    )
    .replaceAll("\\x00", "");
  return plain.replace(/[\p{Cf}\p{Mn}]/gu, "");
}

function shows(text: string, secret: string): boolean {
  const plain = read(text);
  const n = Math.min(secret.length, Math.max(12, Math.floor(secret.length / 2)));
  for (let i = 0; i + n <= secret.length; i++) if (plain.includes(secret.slice(i, i + n))) return true;
  return false;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

function padding(size: number): string {
  let lines = "";
  for (let i = 0; lines.length < size; i++) lines += `step ${String(i).padStart(4)} loss=0.${String((i * 37) % 10000).padStart(4, "0")} lr=3e-05\n`;
  return lines.slice(0, size);
}

function readerCases(): [string, nbformat.IOutput[], string[]][] {
  const cases: [string, nbformat.IOutput[], string[]][] = [];
  const LIMIT = 1500;
  const head = LIMIT - Math.floor(LIMIT / 3) - 45;
  for (const c of PROBE11.leaks) {
    if (c.channel === "source") continue;
    const mime = c.mime ?? "";
    const stream = { output_type: "stream", name: "stdout", text: c.text } as nbformat.IOutput;
    cases.push([`${c.id}/stream`, [stream], c.secrets]);
    if (c.channel === "traceback")
      cases.push([`${c.id}/error`, [{ output_type: "error", ename: "Error", evalue: "", traceback: c.text.split("\n") }], c.secrets]);
    if (["text/html", "image/svg+xml", "text/markdown"].includes(mime)) {
      const kind = mime === "text/markdown" ? "text/markdown" : "text/html";
      const data = { "text/plain": "<IPython.core.display.HTML object>", [kind]: c.text };
      cases.push([`${c.id}/display`, [{ output_type: "display_data", data, metadata: {} }], c.secrets]);
    }
    if (c.parts) cases.push([`${c.id}/parts`, c.parts.map((text) => ({ output_type: "stream", name: "stdout", text })), c.secrets]);
    const at = c.text.indexOf(c.secrets[0]);
    // A stream's bound cuts a log; an HTML table is cut by its display's bound, head only.
    if (at >= 0 && !mime) {
      const half = at + Math.floor(c.secrets[0].length / 2);
      const cut = `${padding(Math.max(0, head - half))}${c.text}\n${padding(2000)}`;
      cases.push([`${c.id}/head`, [{ ...stream, text: cut }], c.secrets]);
      const rest = c.text.length - half;
      cases.push([`${c.id}/tail`, [{ ...stream, text: padding(3000) + c.text + padding(Math.max(0, Math.floor(LIMIT / 3) - rest)) }], c.secrets]);
    }
  }
  return cases;
}

test("probe11: leaks are hidden however a notebook holds them (escapes, markup, chunks, bounds)", () => {
  const shown: string[] = [];
  for (const c of PROBE11.leaks) {
    const { text } = redactText(c.text);
    const result = strings(policyResult({ cells: [{ outputs: [{ text: c.text }] }] })).join("\n");
    if (c.secrets.some((s) => shows(text, s) || shows(result, s))) shown.push(c.id);
  }
  for (const [name, outputs, secrets] of readerCases()) {
    const read = mergedStreams(outputs).map((o) => outputText(o as nbformat.IOutput));
    const result = strings(policyResult({ cells: [{ outputs: read }] })).join("\n");
    if (secrets.some((s) => shows(result, s))) shown.push(name);
  }
  assert.deepEqual(shown, []);
});

// The general causes probe 11 found, on texts of their own (probe11_texts.json's causes).
test("probe11's causes on texts of their own", () => {
  const r = new Redactor();
  assert.deepEqual(
    PROBE11.causes.hidden.filter(([text, secret]) => shows(r.text(text), secret)).map(([text]) => text),
    [],
  );
  assert.deepEqual(
    PROBE11.causes.kept.filter((text) => r.text(text) !== text),
    [],
  );
});
