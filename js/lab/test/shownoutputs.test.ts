/** Node tests: a saved cell's one-line output as the model reads it
 * (tests/fixtures/shown_outputs.json, read by tests/test_shown_outputs.py too): a client
 * given a password (`!curl -u ana:'…' URL`, `!PGPASSWORD=… psql`) prints the server's
 * answer, which arrives whole, its source holding the password or the policy's marker; a
 * last line that shows the secret (a decoded literal, `echo $PASSWORD`, a getter) keeps
 * it hidden. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { notebookText } from "../src/mentions";
import { redactText } from "../src/redact";

interface Case {
  source: string;
  output: string;
  secret?: string;
}

const CASES: { shown: Case[]; hidden: Case[] } = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/shown_outputs.json", import.meta.url), "utf-8"),
);

/** The case's cell saved as written, and saved with its source as the policy leaves it
 * (the marker in place of the password), each read by notebookText and the policy. */
function reads(c: Case): string[] {
  return [c.source, redactText(c.source).text].map((source) => {
    const output = { output_type: "stream", name: "stdout", text: `${c.output}\n` };
    const cell = { cell_type: "code", metadata: {}, source, outputs: [output] };
    const raw = JSON.stringify({ cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 });
    return redactText(notebookText(raw) ?? "").text;
  });
}

for (const c of CASES.shown) {
  test(`a client's answer arrives whole: ${JSON.stringify(c.source).slice(0, 60)}`, () => {
    for (const read of reads(c)) assert.ok(read.includes(c.output), read);
  });
}

for (const c of CASES.hidden) {
  test(`a shown secret stays hidden: ${JSON.stringify(c.source).slice(0, 60)}`, () => {
    for (const read of reads(c)) assert.ok(!read.includes(c.secret as string), read);
  });
}
