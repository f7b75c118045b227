/** Node tests: a notebook file read as text (a mentioned .ipynb) reads as the server reads
 * an attached one (tests/test_notebook_texts.py reads the same cases through
 * assistant.history.notebook_text). */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { notebookText } from "../src/mentions";
import { redactText } from "../src/redact";

interface Case {
  name: string;
  notebook: string;
  text: string;
}

const CASES: Case[] = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/notebook_texts.json", import.meta.url), "utf-8"),
).cases;

for (const c of CASES) {
  test(`a notebook reads as the server reads it: ${c.name}`, () => {
    assert.equal(notebookText(c.notebook), c.text);
  });
}

test("a key in a traceback saved as one string is read, and hidden", () => {
  const c = CASES.find((x) => x.name === "a key in a traceback saved as one string") as Case;
  const text = redactText(notebookText(c.notebook) ?? "").text;
  assert.ok(text.includes("auth failed for key"), text);
  assert.ok(!text.replaceAll("\n", "").includes("Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA"), text);
});
