/** Node tests: errors and outputs are read for the model as the kernel reads them from a
 * saved notebook (tests/test_error_outputs.py reads the same cases through
 * kernel/notebook_file.py), with one table of patterns (error-rules.generated.ts). */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type * as nbformat from "@jupyterlab/nbformat";
import { outputText } from "../src/cells";
import { stripAnsi } from "../src/redact";

interface Case {
  name: string;
  output: nbformat.IOutput;
  read: Record<string, unknown>;
}

const CASES: Case[] = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/error_outputs.json", import.meta.url), "utf-8"),
).cases;

for (const c of CASES) {
  test(`an output reads as the kernel reads it: ${c.name}`, () => {
    assert.deepEqual({ ...outputText(c.output) }, c.read);
  });
}

test("no escape sequence is left of a cut colour, in every reader of the sidebar", () => {
  for (const text of ["bad \x1b[31", "x\x1b", "t\x1b]8;;http://a", "warn \x1b[1;3"]) {
    assert.ok(!stripAnsi(text).includes("\x1b"), JSON.stringify(text));
  }
});
