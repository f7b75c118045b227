/** Node tests of cells.ts: a deep traceback reaches the model bounded, its head and tail
 * kept and its middle told (how many frames, which ones repeated). */

import assert from "node:assert/strict";
import { test } from "node:test";
import type * as nbformat from "@jupyterlab/nbformat";
import { LIMITS, outputText } from "../src/cells";

// IPython's blocks (xmode Context, coloured as it saves them) for a cell's frames.
const frame = (line: number, name: string, code: string) =>
  `\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[2]\x1b[39m\x1b[32m, line ${line}\x1b[39m, in \x1b[36m${name}\x1b[39m\x1b[34m(n)\x1b[39m\n\x1b[32m----> \x1b[39m\x1b[32m${line}\x1b[39m ${code}\n`;
const A = frame(1, "a", "def a(n): return b(n+1)");
const B = frame(2, "b", "def b(n): return a(n+1)");
const START = "\x1b[36mCell\x1b[39m In[2], line 3\n      1 def a(n): return b(n+1)\n      2 def b(n): return a(n+1)\n----> 3 a(0)\n";

function recursion(body: string[]): nbformat.IError {
  return {
    output_type: "error",
    ename: "RecursionError",
    evalue: "maximum recursion depth exceeded",
    traceback: [
      "\x1b[31m---------------------------------------------------------------------------",
      "\x1b[31mRecursionError\x1b[39m                            Traceback (most recent call last)",
      START,
      ...body,
      "\x1b[31mRecursionError\x1b[39m: maximum recursion depth exceeded",
    ],
  };
}

test("a recursion through two functions is told as the pair and how often it repeated", () => {
  const body = Array.from({ length: 972 }, (_, i) => (i % 2 ? B : A));
  const { text } = outputText(recursion(body));
  assert.ok(text.length <= LIMITS.tracebackChars, `${text.length}`);
  assert.ok(!text.includes("\x1b"));
  assert.ok(text.startsWith("Cell In[2], line 3") && text.includes("----> 3 a(0)"), text);
  assert.ok(text.endsWith("RecursionError: maximum recursion depth exceeded"), text);
  // The pair once, with how many more times it ran: 486 pairs in all.
  const said = /the 2 frames above repeated (\d+) more times/.exec(text);
  assert.ok(said, text);
  assert.equal(Number(said[1]), 485);
  assert.equal(text.split("in a(n)").length - 1, 1, text);
});

test("a deep traceback that repeats no block says how many frames its middle held", () => {
  // A recursive walk whose frames vary (no block repeats): only the head and the tail
  // fit, and the gap says how many frames it stands for.
  const body = Array.from({ length: 600 }, (_, i) => frame(10 + i, `walk${i}`, `return walk${i + 1}(n)`));
  const { text } = outputText(recursion(body));
  assert.ok(text.length <= LIMITS.tracebackChars, `${text.length}`);
  assert.ok(text.includes("----> 3 a(0)") && text.includes("in walk599(n)"), text);
  const gap = /… ([\d,]+) frames not shown/.exec(text);
  assert.ok(gap, text);
  const shown = text.split("\n").filter((l) => /^Cell In\[2\], line \d+, in walk/.test(l)).length;
  assert.equal(Number(gap[1].replace(/,/g, "")) + shown, body.length, text);
});
