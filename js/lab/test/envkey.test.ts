/** Node tests: a key-ish name read from the environment (`print(os.getenv("OPENAI_KEY"))`)
 * has the line's one-line output hidden in a mentioned notebook, as in Python
 * (tests/test_notebook_text_secrets.py). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { notebookText } from "../src/mentions";
import { redactText } from "../src/redact";

test("a key read from the environment and printed is hidden; a key's path stays", () => {
  const key = "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e";
  const code = (source: string, output: Record<string, unknown>) => ({ cell_type: "code", source, outputs: [output] });
  const nb = {
    cells: [
      code('print(os.getenv("OPENAI_KEY"))', { output_type: "stream", name: "stdout", text: [`${key}\n`] }),
      code('os.environ["STRIPE_KEY"]', { output_type: "execute_result", data: { "text/plain": [`'${key}'`] } }),
      code('os.environ.get("SSH_KEY_PATH")', {
        output_type: "execute_result",
        data: { "text/plain": ["'/home/ada/.ssh/id_ed25519'"] },
      }),
    ],
  };
  const text = redactText(notebookText(JSON.stringify(nb)) ?? "").text;
  assert.ok(!text.includes(key), text);
  assert.ok(text.includes("/home/ada/.ssh/id_ed25519"), text);
});
