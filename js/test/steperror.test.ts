/** Node test: a run step that raised leads with its exception line (ui/agent.ts). */

import assert from "node:assert/strict";
import { test } from "node:test";
import { exceptionLine } from "../src/ui/agent";

test("a run step's error card leads with the exception, not the traceback's middle", () => {
  const output = {
    status: "error",
    cell: {
      outputs: [
        { output_type: "stream", name: "stdout", text: "loading\n" },
        {
          output_type: "error",
          ename: "KeyError",
          evalue: "'scor'",
          text: "Traceback (most recent call last):\n  Cell In[3], line 2\n    df['scor']\nKeyError: 'scor'",
        },
      ],
    },
  };
  assert.equal(exceptionLine(output), "KeyError: 'scor'");
  const bare = { cell: { outputs: [{ output_type: "error", ename: "StopIteration", evalue: "", text: "" }] } };
  assert.equal(exceptionLine(bare), "StopIteration");
  assert.equal(exceptionLine({ status: "ok", cell: { outputs: [{ output_type: "stream", text: "1\n" }] } }), null);
  assert.equal(exceptionLine({ error: "The cell changed" }), null);
});
