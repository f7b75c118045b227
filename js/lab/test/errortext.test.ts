/** Node tests of errortext.ts: IPython's cell file names left out of error messages. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { withCellLines } from "../src/errortext";

test("a SyntaxError's message names the cell's line, not IPython's temp file", () => {
  assert.equal(withCellLines("invalid syntax (537175822.py, line 1)"), "invalid syntax (line 1)");
  assert.equal(withCellLines("unexpected indent (<ipython-input-3-9f2b>, line 2)"), "unexpected indent (line 2)");
  // A module of the person's own is named: that file is theirs to open.
  assert.equal(withCellLines("invalid syntax (helpers.py, line 4)"), "invalid syntax (helpers.py, line 4)");
});
