/** Node test: the read line says each cell once (ui/readline.ts). */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClientToolCallItem, UserMessageItem } from "../src/client/types";
import { summarizeTurn } from "../src/ui/readline";

const activeCell = (index: number): ClientToolCallItem => ({
  id: "cl_1",
  thread_id: "thr_1",
  created_at: "2026-01-01T00:00:00Z",
  type: "client_tool_call",
  status: "completed",
  call_id: "call_1",
  name: "get_active_cell",
  arguments: {},
  output: { cell: { index, source: "df['b'].sum()" }, redacted: 0 },
});

const askingAbout = (tags: { text: string; data: Record<string, unknown> }[]): UserMessageItem =>
  ({
    id: "msg_1",
    thread_id: "thr_1",
    created_at: "2026-01-01T00:00:00Z",
    type: "user_message",
    content: [
      { type: "input_text", text: "Fix the error in " },
      ...tags.map((t) => ({ type: "input_tag", id: t.text, text: t.text, data: t.data, interactive: false })),
    ],
    attachments: [],
    inference_options: {},
  }) as unknown as UserMessageItem;

test("a cell the message's error chip names is not said again when a tool read it", () => {
  // "Ask about this error" on cell 2; the model then read the active cell (cell 2).
  const message = askingAbout([
    { text: "cell 2", data: { kind: "error", cell: 1, content: {} } },
    { text: "err.ipynb", data: { kind: "notebook", content: {} } },
  ]);
  const labels = summarizeTurn(message, [activeCell(1)]).entries.map((e) => e.label);
  // Before: ["error in cell 2", "err.ipynb", "cell 2"].
  assert.deepEqual(labels, ["error in cell 2", "err.ipynb"]);
});

test("a cell the message does not name is said", () => {
  const message = askingAbout([{ text: "cell 2", data: { kind: "error", cell: 1, content: {} } }]);
  const labels = summarizeTurn(message, [activeCell(4)]).entries.map((e) => e.label);
  assert.deepEqual(labels, ["error in cell 2", "cell 5"]);
  assert.deepEqual(
    summarizeTurn(null, [activeCell(1)]).entries.map((e) => e.label),
    ["cell 2"],
  );
});
