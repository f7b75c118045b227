/**
 * A secret that is a mapping's key in a tool result (twin of
 * tests/test_context_data_keys.py): hidden like one in a value, and two such keys stay
 * two entries.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { policyResult } from "../src/redact";

const KEY = `sk-proj-${"Q7x9Lm2Pv4Rt8Kw1Zy6Hb3Nc5Df0Gs"}`;
const AWS = `AKIA${"IOSFODNN7EXAMPLE"}`;
const GH = `ghp_${"1234567890abcdefghijklmnopqrstuvwxyzAB"}`;
const PW = "Tr0ub4dor&3xyz";
const SECRETS = [KEY, AWS, GH, PW];

const leaked = (text: string): string[] => SECRETS.filter((s) => text.includes(s));

const CASES: unknown[] = [
  { [KEY]: 1 },
  { usage: { [KEY]: { calls: 3 }, [AWS]: { calls: 1 } } },
  [{ by_token: { [GH]: 2 } }],
  { [`password=${PW}`]: "x" },
  { [`Authorization: Bearer ${GH}`]: 1 },
];

CASES.forEach((data, i) => {
  test(`a secret as a mapping key is hidden (${i})`, () => {
    const result = policyResult({ data });
    const text = JSON.stringify(result);
    assert.deepEqual(leaked(text), [], text);
    assert.ok((result.redacted as number) >= 1, text);
  });
});

test("two secret keys stay two entries; plain keys stay", () => {
  const usage = policyResult({ usage: { [KEY]: 1, [GH]: 2, total: 3 } }).usage as Record<string, number>;
  assert.deepEqual(leaked(JSON.stringify(usage)), []);
  assert.deepEqual(Object.values(usage).sort(), [1, 2, 3]);
  assert.equal(usage.total, 3);
});
