/**
 * The sidebar's policy counts and cuts as Python's does, in code points: an emoji is one
 * character (two UTF-16 units in JS), a hidden value's length and a cut text's "more
 * chars" are the numbers the server gives, and no cut splits a surrogate pair. Expected
 * values are what `ContextPolicy().text` returns for the same texts.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { codeLength, codeSlice } from "../src/codepoints";
import { htmlText } from "../src/htmltext";
import { policyResult, redactText } from "../src/redact";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

test("a hidden value's length counts an emoji as one character, as Python's len", () => {
  assert.equal(redactText('password = "😀😀Abc123xyz"\n').text, 'password = "«redacted: str, 11 chars»"\n');
});

test("a long text is cut where Python cuts it, saying as many more chars", () => {
  const { text } = redactText("😀 ".repeat(60_000));
  assert.equal(codeLength(text), 99_991); // Python: len(ContextPolicy().text(t)[0])
  assert.ok(text.endsWith("😀 … [20,030 more chars]"), text.slice(-40));
  assert.ok(!LONE_SURROGATE.test(text));
});

test("a tool result's string is cut in code points, never inside a pair", () => {
  const json = JSON.stringify(policyResult({ cells: [{ text: "é😀".repeat(20_000) }] }));
  assert.ok(!LONE_SURROGATE.test(json));
  const cut = /"text":"((?:é😀)*é?)… \[([0-9,]+) more chars\]"/.exec(json);
  assert.ok(cut, json.slice(0, 200));
  // Cut twice, as in Python: before redaction to RESULT_BUDGET + REDACT_MARGIN (22,992)
  // characters and a note, then by the budget; the second note counts from the first cut.
  assert.equal(codeLength(cut[1]) + Number(cut[2].replace(/,/g, "")), 22_992 + "… [17,008 more chars]".length);
});

test("codeLength and codeSlice are Python's len and [:n]", () => {
  assert.equal(codeLength("a😀b"), 3);
  assert.equal(codeSlice("a😀b", 2), "a😀");
  assert.equal(codeSlice("a😀b", 0), "");
  assert.equal(codeSlice("ab", 5), "ab");
  assert.equal(codeLength("\uD800x"), 2); // a lone half is one character, as in Python
});

test("an HTML display's head is read in code points, as Python's html_text reads it", () => {
  // Python: html_text("a" + "😀" * 60_000 + "<b>tail</b>") ends with "tail", 60,005 chars;
  // with 100,000 emoji its head ends on a whole one.
  const text = htmlText(`a${"😀".repeat(60_000)}<b>tail</b>`);
  assert.equal(codeLength(text), 60_005);
  assert.ok(text.endsWith("😀tail"), text.slice(-10));
  const cut = htmlText(`a${"😀".repeat(100_000)}<b>tail</b>`);
  assert.equal(codeLength(cut), 100_000);
  assert.ok(!LONE_SURROGATE.test(cut));
});

test("a string under an id's name is measured in code points when read again after its name", () => {
  // Python keeps it (ContextPolicy().tool_result: redacted 0): 332 code points, 632 UTF-16
  // units, a random-looking head that its name makes an id.
  const item = `Zx9Yq7Wv5Ut3Sr1Qp0On8Ml6Kj4Ih2Gf${"😀".repeat(300)}`;
  const read = policyResult({ m: { version_id: item } }) as { m: { version_id: string }; redacted: number };
  assert.equal(read.redacted, 0);
  assert.equal(read.m.version_id, item);
  // Under a name that says nothing, hidden in both.
  assert.equal((policyResult({ m: { value: item } }) as { redacted: number }).redacted, 1);
});

test("a word under a words' name is measured in code points, as Python's len", () => {
  // Python (ContextPolicy().tool_result): {"token": 40 emoji} is a word, shown (redacted
  // 0); 70 are past 64 characters, hidden (1). 40 emoji are 80 UTF-16 units.
  const shown = policyResult({ m: { token: "🎉".repeat(40) } }) as { redacted: number };
  assert.equal(shown.redacted, 0);
  assert.equal((policyResult({ m: { token: "🎉".repeat(70) } }) as { redacted: number }).redacted, 1);
});
