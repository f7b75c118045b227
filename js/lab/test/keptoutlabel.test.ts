/** Node tests of sendsCellLabel (privatecells.ts): "Fix this error" and "Explain This Cell"
 * on a kept-out cell say they send it (the person named the cell, so it goes), where they
 * are offered; on any other cell the label is as it was. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { PRIVATE_TAG, sendsCellLabel } from "../src/privatecells";

const cell = (tags?: unknown) => ({ getMetadata: (key: string) => (key === "tags" ? tags : undefined) });

test("an action on a kept-out cell says it sends the cell; on another it is unchanged", () => {
  for (const label of ["Fix this error", "Fix This Error", "Explain This Cell"]) {
    assert.equal(sendsCellLabel(label, cell()), label);
    assert.equal(sendsCellLabel(label, cell(["other"])), label);
    const kept = sendsCellLabel(label, cell(["other", PRIVATE_TAG]));
    assert.notEqual(kept, label);
    assert.ok(kept.startsWith(label), kept);
    assert.match(kept, /kept-out/);
  }
});
