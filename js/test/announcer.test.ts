/** What screen readers are told when an answer fails (ui/announcer.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { STOPPED_ERROR } from "../src/client/reducer";
import { failedAnswerText, MAX_FAILURE_CHARS } from "../src/ui/announcer";

test("a failed answer is told as failed, with its error's text (bounded); a Stop or no error is not", () => {
  const told = failedAnswerText({ type: "error", code: "custom", message: "The provider refused the key (401).", allow_retry: true });
  assert.ok(told?.includes("The provider refused the key (401)."));
  assert.ok(!told?.includes("answered"));
  const long = failedAnswerText({ type: "error", code: "custom", message: "x".repeat(5000), allow_retry: false });
  assert.ok(long !== null && long.length < MAX_FAILURE_CHARS + 40);
  // No text: still said to have failed.
  assert.notEqual(failedAnswerText({ type: "error", code: "custom", message: "", allow_retry: false }), null);
  assert.equal(failedAnswerText(STOPPED_ERROR), null);
  assert.equal(failedAnswerText(null), null);
});
