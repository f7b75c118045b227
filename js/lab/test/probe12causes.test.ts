/** Node tests: probe 12's causes, each with cases of its own
 * (tests/fixtures/probe12/causes.json, read by tests/test_probe12_causes.py too): a hidden
 * case loses its secret, a kept case keeps its text whole. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { redactText } from "../src/redact";
import { hidePositionalSecrets, notebookDefinitions } from "../src/signatures";

interface Case {
  cause: string;
  text: string;
  secret?: string;
  kept?: string;
}

const CAUSES: { hidden: Case[]; kept: Case[] } = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/probe12/causes.json", import.meta.url), "utf-8"),
);

for (const c of CAUSES.hidden) {
  test(`probe 12 (${c.cause}): a secret is hidden: ${JSON.stringify(c.text).slice(0, 60)}`, () => {
    const text = redactText(c.text).text;
    assert.ok(!text.includes(c.secret as string), text);
  });
}

for (const c of CAUSES.kept) {
  test(`probe 12 (${c.cause}): a look-alike is kept: ${JSON.stringify(c.text).slice(0, 60)}`, () => {
    const text = redactText(c.text).text;
    assert.ok(text.includes(c.kept as string), text);
  });
}

interface Positional extends Case {
  definitions: string;
}

for (const c of (CAUSES as unknown as { positional: Positional[] }).positional) {
  test(`probe 12 (${c.cause}): a literal passed to a secret parameter: ${JSON.stringify(c.text).slice(0, 60)}`, () => {
    const text = redactText(hidePositionalSecrets(c.text, notebookDefinitions([c.definitions]))).text;
    assert.ok(!text.includes(c.secret as string) && text.includes(c.kept as string), text);
  });
}
