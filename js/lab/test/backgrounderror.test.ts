/** Node tests: an error output a thread or a callback showed while a cell ran is told
 * from the cell's own (backgrounderror.ts), on real kernels' outputs
 * (tests/fixtures/background_errors.json). */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type * as nbformat from "@jupyterlab/nbformat";
import { shownByOtherCode } from "../src/backgrounderror";

const FIXTURE = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/background_errors.json", import.meta.url), "utf-8"),
);
const CASES: { name: string; error: nbformat.IError; shown_by_other_code: boolean }[] = FIXTURE.cases;

for (const c of CASES) {
  test(`whether another code showed the error: ${c.name}`, () => {
    assert.equal(shownByOtherCode(c.error), c.shown_by_other_code);
  });
}
