/**
 * `/explain` and `/fix` keep the person's own words: "/fix use polars instead" sent only
 * "Fix the error in [cell]" (the text after the command was dropped), and a command that
 * could not run (no notebook, no failing cell) lost what was typed. Now the words follow
 * the command's message, and a command that did not run leaves the text in the box.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Cell } from "@jupyterlab/cells";
import type { MessagePart } from "../../src/index";
import { labCommands } from "../src/mentions";
import { notebook } from "./panels";

function cell(source: string, outputs: unknown[] = []): Cell {
  return {
    isDisposed: false,
    model: {
      id: source,
      type: "code",
      executionCount: 1,
      sharedModel: { getSource: () => source },
      outputs: { toJSON: () => outputs },
      getMetadata: () => undefined,
    },
    node: { querySelector: () => null },
  } as never;
}

const failing = cell("df.groupby('regoin')", [
  { output_type: "error", ename: "KeyError", evalue: "'regoin'", traceback: [] },
]);

function run(name: string, args: string, panel: unknown): { sent: MessagePart[][]; ran: unknown } {
  const sent: MessagePart[][] = [];
  const command = labCommands({ panel } as never, (p) => sent.push(p), () => {}).find((c) => c.name === name);
  const ran = command?.run(args);
  return { sent, ran };
}

const words = (parts: MessagePart[]): string => parts.filter((p) => typeof p === "string").join("");

test("the words after /explain and /fix go with the message", () => {
  const panel = notebook([cell("x = 1"), failing], 1);
  for (const name of ["explain", "fix"]) {
    const { sent, ran } = run(name, "use polars instead", panel);
    assert.equal(sent.length, 1, name);
    assert.ok(words(sent[0]).includes("use polars instead"), `${name}: ${words(sent[0])}`);
    assert.ok(sent[0].some((p) => typeof p !== "string"), "the cell still goes as a reference");
    assert.notEqual(ran, false);
  }
  // Without words, the message is the command's alone.
  const { sent } = run("fix", "", panel);
  assert.deepEqual(words(sent[0]).trim(), words(run("fix", "   ", panel).sent[0]).trim());
});

test("a command that cannot run says it did not, so the box keeps the text", () => {
  assert.equal(run("explain", "why so slow", null).ran, false);
  assert.equal(run("fix", "why so slow", null).ran, false);
  assert.equal(run("fix", "why", notebook([cell("x = 1")], 0)).ran, false);
});
