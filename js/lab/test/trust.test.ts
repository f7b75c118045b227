/**
 * The TypeScript copy of the context policy against the shared table of attack texts
 * (tests/fixtures/trust_texts.json, also run through the Python policy): credential
 * shapes beyond the obvious, secrets in tables, configs, messages and split strings are
 * hidden; ordinary code, logs, hashes, UUIDs and numbers come back unchanged.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { reduceTraceback } from "../src/cells";
import { Redactor, isSecretName, policyResult, redactText } from "../src/redact";

interface Leak {
  id: string;
  text: string;
  secrets: string[];
}

const TABLE: { leaks: Leak[]; harmless: string[] } = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/trust_texts.json", import.meta.url), "utf-8"),
);

for (const c of TABLE.leaks) {
  test(`no part of ${c.id} survives`, () => {
    const { text, count } = redactText(c.text);
    for (const secret of c.secrets) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    assert.ok(count >= 1 && text.includes("«redacted: "), text);
    // Inside a tool result too (a cell's output, a file's text).
    const result = JSON.stringify(policyResult({ cells: [{ outputs: [{ text: c.text }] }] }));
    for (const secret of c.secrets) assert.ok(!result.includes(secret), `${secret} in ${result}`);
  });
}

test("ordinary code, logs, hashes, UUIDs and numbers come back unchanged", () => {
  for (const text of TABLE.harmless) {
    const r = new Redactor();
    assert.equal(r.text(text), text);
    assert.equal(r.count, 0, text);
  }
});

test("a name about a secret is no secret name; a key-ish name hides random values only", () => {
  for (const name of ["auth_method", "token_type", "password_policy", "token_url"]) assert.ok(!isSecretName(name), name);
  for (const name of ["db_pass", "DB_PASSWORD", "session_id", "X-Auth-Token"]) assert.ok(isSecretName(name), name);
  const data = new Redactor().data({ STRIPE_KEY: "Ab8dEf6hIj9kLm2nOp5q", sort_key: "created_at" }) as Record<string, string>;
  assert.ok(data.STRIPE_KEY.startsWith("«redacted: "));
  assert.equal(data.sort_key, "created_at");
});

test("a traceback of 3,000 recursive frames arrives short, with the frame, its count and the error", () => {
  const frame = "Cell \x1b[0;32mIn[3], line 2\x1b[0m, in f(n)\n      1 def f(n):\n----> 2     return f(n+1)";
  const lines = ["Traceback (most recent call last)", ...Array(3000).fill(frame), "RecursionError: maximum recursion depth exceeded"];
  const text = reduceTraceback(lines, "RecursionError", "maximum recursion depth exceeded");
  assert.ok(text.length <= 2000, String(text.length));
  assert.match(text, /return f\(n\+1\)/);
  assert.match(text, /repeated 2,999 more times/);
  assert.match(text, /RecursionError: maximum recursion depth exceeded$/);
});
