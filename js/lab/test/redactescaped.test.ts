/** Node test: a JSON string holding an emoji escaped as a surrogate pair is still read as
 * its lines (the twin of tests/test_context_escaped_pairs.py: same text, same output). */

import assert from "node:assert/strict";
import { test } from "node:test";
import { redactText } from "../src/redact";
import { decodeEscaped } from "../src/redactescaped";

const FRAME = "            name           value\n0        db_host  db.example\n1    db_password    Wq7vLp2nXz9t";
// What Python's json.dumps({"log": FRAME + "\n😀 done", "level": "info"}) writes.
const TEXT = `{"log": ${JSON.stringify(`${FRAME}\n`).slice(0, -1)}\\ud83d\\ude00 done", "level": "info"}`;
const EXPECTED =
  '{"log": "            name           value\\n0        db_host  db.example\\n' +
  '1    db_password    \u00abredacted: str, 12 chars\u00bb\\n\u{1f600} done", "level": "info"}';

test("a surrogate pair is one character, a lone half no text", () => {
  assert.equal(decodeEscaped("a\\ud83d\\ude00b\\n"), "a\u{1f600}b\n");
  assert.equal(decodeEscaped("a\\uD83D\\uDE00"), "a\u{1f600}");
  assert.equal(decodeEscaped("a\\ud83d b"), null);
  assert.equal(decodeEscaped("a\\ude00\\ud83d"), null);
});

test("a JSON log line with an emoji hides its frame's secret, as in Python", () => {
  assert.ok(TEXT.includes("\\ud83d\\ude00"));
  const { text } = redactText(TEXT);
  assert.equal(text.includes("Wq7vLp2nXz9t"), false);
  assert.equal(text, EXPECTED);
});
