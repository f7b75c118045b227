/** Node tests: a value read from a secret store into a neutrally named variable
 * (`x = keyring.get_password(...)`) and printed later has that output hidden in a mentioned
 * notebook, as in Python (tests/test_context_known_secrets_stores.py). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { notebookText } from "../src/mentions";
import { redactText } from "../src/redact";

test("a value read from a secret store and printed under any name is hidden; HOME stays", () => {
  const secret = "Zq8wL3vN7pX2";
  const code = (source: string, ...outputs: Record<string, unknown>[]) => ({ cell_type: "code", source, outputs });
  const out = (text: string) => ({ output_type: "stream", name: "stdout", text: [text] });
  const nb = {
    cells: [
      code("x = keyring.get_password('svc', 'ana')\nwho, y = input('user'), getpass()"),
      code("print(x)", out(`${secret}kr\n`)),
      code("y", { output_type: "execute_result", data: { "text/plain": [`${secret}gp`] } }),
      code("v = Variable.get('api_key')\nprint(v)", out(`${secret}av\n`)),
      code("home = os.getenv('HOME')\nprint(home)", out("/home/ana-lovelace\n")),
      code("n = secrets.token_hex(16)\nprint(n)", out("9f2c4e81d0b7a3f6\n")),
    ],
  };
  const text = redactText(notebookText(JSON.stringify(nb)) ?? "").text;
  assert.ok(!text.includes(secret), text);
  assert.ok(text.includes("/home/ana-lovelace") && text.includes("9f2c4e81d0b7a3f6"), text);
});
