/** Node test: control characters between a secret's letters do not hide it
 * (tests/fixtures/control_texts.json, as in Python's test_redact_controls.py). */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { redactText } from "../src/redact";

const CASES: { harmless: { text: string; read: string }[]; leaks: { id: string; text: string; secrets: string[] }[] } = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/control_texts.json", import.meta.url), "utf-8"),
);

for (const c of CASES.leaks) {
  test(`a secret between control characters is hidden: ${c.id}`, () => {
    const { text, count } = redactText(c.text);
    assert.ok(count >= 1);
    for (const secret of c.secrets) assert.ok(!text.includes(secret), JSON.stringify(text));
  });
}

for (const c of CASES.harmless) {
  test(`control characters alone hide nothing and are not read: ${JSON.stringify(c.text)}`, () => {
    assert.deepEqual(redactText(c.text), { text: c.read, count: 0 });
  });
}
