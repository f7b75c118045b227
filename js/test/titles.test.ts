/**
 * Thread titles as plain text (history list, header): Markdown marks go, the words and
 * the characters of code people type stay.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { plainTitle } from "../src/ui/dom";

test("a title drops Markdown's fences, emphasis, heading and quote marks", () => {
  assert.equal(plainTitle("## Loading **the** data"), "Loading the data");
  assert.equal(plainTitle("> why is `df` *empty*?"), "why is df empty?");
  assert.equal(plainTitle("__Plot sales__ _by region_"), "Plot sales by region");
  assert.equal(plainTitle("```python\nprint(1)\n```"), "print(1)");
  assert.equal(plainTitle(null), "");
});

test("a title keeps identifiers, comparisons and operators", () => {
  assert.equal(plainTitle("how does read_csv work"), "how does read_csv work");
  assert.equal(plainTitle("fix my_df.group_by call"), "fix my_df.group_by call");
  assert.equal(plainTitle("why is df[df.a > 5] empty"), "why is df[df.a > 5] empty");
  assert.equal(plainTitle("a * b vs a ** b"), "a * b vs a ** b");
  assert.equal(plainTitle("what is __init__ for"), "what is __init__ for");
  assert.equal(plainTitle("_private_ and *args, **kwargs"), "_private_ and *args, **kwargs");
  assert.equal(plainTitle("issue #12 and C# code"), "issue #12 and C# code");
  assert.equal(plainTitle("x>y <b>z</b>"), "x>y <b>z</b>");
});
