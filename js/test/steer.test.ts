/**
 * The pure parts of "see and steer": mention tokens and splitting, message content from
 * parts and chips, the read line's summary of a turn, attachment checks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ThreadItem, UserMessageItem } from "../src/client/types";
import { attachmentProblem, mimeOf } from "../src/ui/attachments";
import type { ContextRef } from "../src/ui/context";
import { messageContent } from "../src/ui/context";
import { splitMentions, tokenAt } from "../src/ui/mentions";
import { cellsLabel, summarizeTurn } from "../src/ui/readline";

const ref = (label: string, kind: ContextRef["kind"] = "variable", content: unknown = { label }): ContextRef => ({
  id: `${kind}:${label}`,
  kind,
  label,
  resolve: async () => content,
});

test("mention tokens end at the caret", () => {
  assert.deepEqual(tokenAt("compare @sal"), { trigger: "@", query: "sal", start: 8 });
  assert.deepEqual(tokenAt("see @cell 3"), { trigger: "@", query: "cell 3", start: 4 });
  assert.deepEqual(tokenAt("and #12"), { trigger: "#", query: "12", start: 4 });
  assert.deepEqual(tokenAt("@data/sales.csv"), { trigger: "@", query: "data/sales.csv", start: 0 });
  assert.equal(tokenAt("mail me@host"), null);
  assert.equal(tokenAt("done "), null);
});

test("only picked mentions become references; a longer name is not claimed", () => {
  const df = ref("df");
  const parts = splitMentions("why is @df empty but @df2 and @other not", [df]);
  assert.deepEqual(parts, ["why is ", df, " empty but @df2 and @other not"]);
  assert.deepEqual(splitMentions("plain", []), ["plain"]);
});

test("message content: text, tags in place, chips after (once, marked as chips)", async () => {
  const cell = ref("cell 3", "cell", { cell: { index: 2 }, redacted: 1 });
  const nb = ref("sales.ipynb", "notebook");
  const content = await messageContent(["Explain ", cell], [nb, cell]);
  assert.equal(content.length, 3);
  assert.deepEqual(content[0], { type: "input_text", text: "Explain " });
  assert.equal(content[1].type === "input_tag" && content[1].data.chip, undefined);
  assert.ok(content[2].type === "input_tag" && content[2].data.chip === true && content[2].text === "sales.ipynb");
});

test("a reference that fails to resolve becomes an error entry", async () => {
  const broken: ContextRef = { id: "x", kind: "file", label: "x.csv", resolve: async () => Promise.reject(new Error("gone")) };
  const [tag] = await messageContent([broken]);
  assert.ok(tag.type === "input_tag");
  assert.deepEqual(tag.data.content, { error: "Could not read x.csv: gone" });
});

test("the read line sums hidden values and ranges cells", () => {
  assert.equal(cellsLabel([3, 2, 4, 5]), "cells 3–6");
  assert.equal(cellsLabel([0]), "cell 1");
  assert.equal(cellsLabel([0, 4]), "cells 1, 5");
  const message = {
    type: "user_message",
    content: [
      { type: "input_text", text: "Fix the error in " },
      { type: "input_tag", id: "c", text: "cell 6", data: { kind: "error", cell: 5, content: { redacted: 1 } } },
    ],
  } as unknown as UserMessageItem;
  const turn = [
    { type: "client_tool_call", status: "completed", name: "inspect_kernel_variable", arguments: { name: "df" }, output: { redacted: 1 } },
    { type: "client_tool_call", status: "completed", name: "get_notebook_cells", arguments: {}, output: JSON.stringify({ cells: [{ index: 2 }, { index: 3 }], redacted: 0 }) },
    { type: "client_tool_call", status: "pending", name: "list_kernel_variables", arguments: {} },
  ] as unknown as ThreadItem[];
  const summary = summarizeTurn(message, turn);
  assert.deepEqual(
    summary.entries.map((e) => e.label),
    ["error in cell 6", "df", "cells 3–4"],
  );
  assert.equal(summary.hidden, 2);
});

test("attachments: images and text files within their limits, a clear reason otherwise", () => {
  assert.equal(attachmentProblem({ name: "a.png", type: "image/png", size: 1000 }), null);
  assert.equal(attachmentProblem({ name: "a.csv", type: "", size: 1000 }), null);
  assert.equal(mimeOf({ name: "a.csv", type: "" }), "text/csv");
  assert.match(attachmentProblem({ name: "big.png", type: "image/png", size: 6 * 1024 * 1024 }) ?? "", /too large/);
  assert.match(attachmentProblem({ name: "x.exe", type: "application/x-msdownload", size: 10 }) ?? "", /cannot be attached/);
});

import { userText } from "../src/ui/items";

test("an edit (and ↑) starts from the message's words: mentioned names kept, context chips left out", () => {
  const message = {
    id: "msg_1",
    thread_id: "thr_1",
    created_at: "2026-01-01T00:00:00",
    type: "user_message",
    content: [
      { type: "input_text", text: "plot " },
      { type: "input_tag", id: "var:df", text: "df", data: { content: "frame" }, interactive: false },
      { type: "input_text", text: " by region" },
      { type: "input_tag", id: "cell:3", text: "cell 3", data: { chip: true }, interactive: true },
    ],
    attachments: [],
    inference_options: {},
  } as unknown as UserMessageItem;
  assert.equal(userText(message), "plot df by region");
});
