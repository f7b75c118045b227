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
import { Redactor, policyResult, redactText } from "../src/redact";

interface Leak {
  id: string;
  text: string;
  secrets: string[];
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
      if (count < 1 || c.secrets.some((s) => text.includes(s))) shown.push(`${c.id}: ${text}`);
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
      PROBE.harmless.filter((text) => r.text(text) !== text),
      [],
    );
    assert.equal(r.count, 0);
  });
}
