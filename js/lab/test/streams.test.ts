/** Node tests: a mentioned notebook's stream outputs of one name are read as one
 * (streams.ts), as JupyterLab shows them; Python's twin in test_notebook_text_secrets. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { notebookText } from "../src/mentions";
import { redactText } from "../src/redact";
import { mergedStreams } from "../src/streams";

test("a key printed in two flushes is read whole", () => {
  const head = "sk-proj-Qx7Lm2Vn9Pw4Rt6Yz8Ab";
  const tail = "QFI14zGtSnovm14TUOizwd1iaeOV";
  const stream = (text: string) => ({ output_type: "stream", name: "stdout", text });
  const nb = { cells: [{ cell_type: "code", source: "show()", outputs: [stream(`export OPENAI_API_KEY=${head}`), stream(`${tail}\ndone\n`)] }] };
  const text = redactText(notebookText(JSON.stringify(nb)) ?? "").text;
  assert.ok(!text.includes(tail) && !text.includes(head), text);
  assert.ok(text.includes("done"));
});

test("runs of one stream merge; other outputs and other streams stay apart", () => {
  const out = mergedStreams([
    { output_type: "stream", name: "stdout", text: ["a", "b"] },
    { output_type: "stream", name: "stdout", text: "c" },
    { output_type: "stream", name: "stderr", text: "e" },
    { output_type: "display_data", data: {} },
    { output_type: "stream", name: "stderr", text: "f" },
  ]);
  assert.deepEqual(
    out.map((o) => [o.output_type, o.text ?? null]),
    [
      ["stream", "abc"],
      ["stream", "e"],
      ["display_data", null],
      ["stream", "f"],
    ],
  );
});
