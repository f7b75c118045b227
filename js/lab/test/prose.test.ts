/** Node test: prose that names a secret keeps its words (tests/fixtures/prose_texts.json, as in Python). */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { redactText } from "../src/redact";

const CASES: { harmless: string[]; leaks: { id: string; text: string; secrets: string[] }[] } = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/prose_texts.json", import.meta.url), "utf-8"),
);

for (const text of CASES.harmless) {
  test(`prose about a secret comes back unchanged: ${JSON.stringify(text).slice(0, 40)}`, () => {
    assert.deepEqual(redactText(text), { text, count: 0 });
  });
}

for (const c of CASES.leaks) {
  test(`a value in the same shape is hidden: ${c.id}`, () => {
    const { text, count } = redactText(c.text);
    assert.ok(count >= 1);
    for (const secret of c.secrets) assert.ok(!text.includes(secret), `${secret} in ${text}`);
  });
}
