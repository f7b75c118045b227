/**
 * A message refused before it went comes back to the box above what was typed since
 * (composer.ts restoredText): neither text lost, the selection on the same characters,
 * and once only.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { restoredText } from "../src/ui/composer";

test("a refused message goes above the text typed since, the selection kept", () => {
  assert.deepEqual(restoredText("and then", "about notebook A  \n", 7, 8), {
    value: "about notebook A\n\nand then",
    start: 25,
    end: 26,
  });
});

test("text typed since that only begins like the refused message keeps both", () => {
  // Before: a box beginning with the message's text was taken for it put back already.
  assert.equal(restoredText("Explain this too", "Explain", 16, 16)?.value, "Explain\n\nExplain this too");
  assert.equal(restoredText("a", "a", 1, 1), null);
});

test("a message put back twice, or an empty one, changes nothing", () => {
  const once = restoredText("and then", "about A", 0, 0);
  assert.ok(once);
  assert.equal(restoredText(once.value, "about A", once.start, once.end), null);
  assert.equal(restoredText("about A\n", "about A", 0, 0), null);
  assert.equal(restoredText("and then", " \n", 0, 0), null);
});
