/**
 * A dict under a secret name (twin of tests/test_secret_dict_keys.py): under a (user,
 * password) name (`credentials`, `creds`, `auth`, `login`) its keys are fields or users
 * and stay; under any other secret name (`passwords`, `secrets`, `API_KEYS`) the keys
 * may be the secrets themselves (a password -> user map) and hide.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Redactor, redactText } from "../src/redact";

const HIDDEN: [string, string[]][] = [
  ["passwords = {'hunter2': 'ada', 'correcthorsebatterystaple': 'bob'}", ["hunter2", "correcthorsebatterystaple"]],
  ["{'secrets': {'opensesame': 'vault'}}", ["opensesame"]],
  ["API_KEYS = {'letmein99': 'ci'}", ["letmein99"]],
];

for (const [text, secrets] of HIDDEN) {
  test(`the keys of a dict of secrets hide: ${text}`, () => {
    const out = redactText(text).text;
    for (const secret of secrets) assert.ok(!out.includes(secret), out);
  });
}

const KEPT: [string, string[]][] = [
  ["{'credentials': {'user': 'ada', 'password': 'x}Y7zQw3m'}}", ["'user'", "'password'"]],
  ["creds = {'ada': 'x)Y7zQw3m', 'bob': 'q(W8zrT'}", ["'ada'", "'bob'"]],
];

for (const [text, kept] of KEPT) {
  test(`the keys of a credentials record stay: ${text}`, () => {
    const out = redactText(text).text;
    for (const word of kept) assert.ok(out.includes(word), out);
    for (const secret of ["x}Y7zQw3m", "x)Y7zQw3m", "q(W8zrT"]) assert.ok(!out.includes(secret), out);
  });
}

test("a hidden key never takes another key's name, in either order", () => {
  const key = "sk-proj-9fK2mQ7vX1bN4cR8tY3wZ6pL0sD5hJ2aG4";
  const taken = "«redacted: API key»";
  for (const data of [
    { [key]: 1, [taken]: 2 },
    { [taken]: 2, [key]: 1 },
    { [key]: 1, [`${taken} #2`]: 2, [taken]: 3 },
  ] as Record<string, number>[]) {
    const out = new Redactor().data(data) as Record<string, number>;
    assert.ok(!JSON.stringify(out).includes(key));
    assert.deepEqual(Object.values(out).sort(), Object.values(data).sort());
    assert.equal(out[taken], data[taken]);
  }
});

test("a mapping's __proto__ key stays an entry of the copy, its secrets hidden (as in Python)", () => {
  const data = JSON.parse('{"__proto__": {"password": "Pr#Proto2024x", "n": 1}, "a": 1}');
  const out = new Redactor().data(data) as Record<string, unknown>;
  assert.deepEqual(Object.keys(out), ["__proto__", "a"]);
  const text = JSON.stringify(out);
  assert.ok(!text.includes("Pr#Proto2024x") && text.includes('"n":1'), text);
});
