/** Node tests: the names a source binds to a secret's getter, chained (`a = b = getpass()`),
 * wrapped in a conversion that keeps the value (`str(…)`, `(…)`, `bytes(…)`, `quote(…)`) or
 * in an assignment expression (`if (pw := getpass()):`), as in Python
 * (tests/fixtures/getter_bindings.json, read by tests/test_getter_bindings.py too). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { boundToGetters } from "../src/getters";
import { notebookText } from "../src/mentions";
import { redactText } from "../src/redact";

const CASES: { source: string; names: string[] }[] = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/getter_bindings.json", import.meta.url), "utf-8"),
).cases;

test("the names bound to a getter, chained, wrapped or in an assignment expression", () => {
  for (const c of CASES) assert.deepEqual([...boundToGetters(c.source)].sort(), [...c.names].sort(), c.source);
});

test("a mentioned notebook printing a chained or wrapped getter's value has it hidden", () => {
  const secret = "Zq8wL3vN7pX2kr";
  const cells: Record<string, unknown>[] = [];
  for (const c of CASES) {
    cells.push({ cell_type: "code", source: c.source, outputs: [] });
    for (const name of c.names) {
      const out = { output_type: "stream", name: "stdout", text: [`${secret}${name}\n`] };
      cells.push({ cell_type: "code", source: `print(${name})`, outputs: [out] });
    }
  }
  const text = redactText(notebookText(JSON.stringify({ cells, metadata: {}, nbformat: 4 })) ?? "").text;
  assert.ok(text.includes("print(a)") && !text.includes(secret), text);
});
