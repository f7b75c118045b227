/** Node tests: an error output a thread or a callback showed while a cell ran is told
 * from the cell's own (backgrounderror.ts), and the readers of outputs say so, on real
 * kernels' outputs (tests/fixtures/background_errors.json). */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type * as nbformat from "@jupyterlab/nbformat";
import { shownByOtherCode } from "../src/backgrounderror";
import { outputText } from "../src/cells";
import { ERROR_RULES } from "../src/error-rules.generated";
import { notebookText } from "../src/mentions";

const FIXTURE = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/background_errors.json", import.meta.url), "utf-8"),
);
const CASES: { name: string; error: nbformat.IError; shown_by_other_code: boolean }[] = FIXTURE.cases;

for (const c of CASES) {
  test(`whether another code showed the error: ${c.name}`, () => {
    assert.equal(shownByOtherCode(c.error), c.shown_by_other_code);
  });
}

// Every reader of outputs says so of such an error (a saved notebook holds no reply
// status): the sidebar's cell reader and a mentioned notebook's text, as the kernel's.
for (const c of CASES) {
  test(`the readers mark the error only when another code showed it: ${c.name}`, () => {
    const read = outputText(c.error);
    assert.equal(read.note, c.shown_by_other_code ? ERROR_RULES.shownByOtherCode : undefined);
    const notebook = { cells: [{ cell_type: "code", source: "run()", outputs: [c.error] }] };
    const text = notebookText(JSON.stringify(notebook)) ?? "";
    assert.equal(text.includes(ERROR_RULES.shownByOtherCode), c.shown_by_other_code, text);
  });
}
