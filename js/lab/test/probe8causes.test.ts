/** Node test: the general causes held-out probe 8 found, as cases of their own
 * (tests/fixtures/probe8_causes.json, as in Python's test_redact_probe8_causes.py). */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { redactText } from "../src/redact";

const CASES: { harmless: string[]; leaks: { id: string; text: string; secrets: string[] }[] } = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/probe8_causes.json", import.meta.url), "utf-8"),
);

for (const c of CASES.leaks) {
  test(`a secret is hidden: ${c.id}`, () => {
    const { text, count } = redactText(c.text);
    assert.ok(count >= 1);
    for (const secret of c.secrets) assert.ok(!text.includes(secret), JSON.stringify(text));
  });
}

for (const text of CASES.harmless) {
  test(`a look-alike is shown unchanged: ${JSON.stringify(text)}`, () => {
    assert.deepEqual(redactText(text), { text, count: 0 });
  });
}
