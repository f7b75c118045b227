/**
 * What the tools answer with no notebook open. The same plugin runs in JupyterLab and in
 * Notebook 7, whose tree page has no notebook: the answer (read by the model, shown under
 * the failed step) must not send a Notebook 7 user to JupyterLab.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { NO_NOTEBOOK } from "../src/clienttools";
import { MESSAGES } from "../src/kernel";

test("with no notebook open, the tools' answers name no particular front end", () => {
  for (const text of [NO_NOTEBOOK.error, MESSAGES.noNotebook]) {
    assert.match(text, /No notebook is open/);
    assert.doesNotMatch(text, /JupyterLab|Notebook 7/);
  }
});
