/**
 * The TypeScript copy of tests/test_context_split_streams.py: a stream written in pieces
 * with another output between them is read whole when that hides a secret cut in two, and
 * a random-looking literal given first to a client's or an API's class (or through a
 * neutral variable) is hidden; what is no key stays.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { policyResult, redactText } from "../src/redact";

type Output = Record<string, unknown>;
const stream = (name: string, text: string): Output => ({ output_type: "stream", name, text });
const cell = (outputs: Output[]): { outputs: Output[] } =>
  (policyResult({ cells: [{ index: 0, outputs }] }) as { cells: { outputs: Output[] }[] }).cells[0];

for (const between of [stream("stderr", "WARNING: slow network\n"), { output_type: "display_data", data: { "text/plain": "<Figure size 640x480>" } }]) {
  test(`a password cut by ${between.output_type} is hidden whole`, () => {
    const shown = cell([stream("stdout", "connecting with password: Hunt3r"), between, stream("stdout", "Xy9!qz\nconnected\n")]);
    const text = JSON.stringify(shown);
    assert.ok(!text.includes("Hunt3r") && !text.includes("Xy9!qz"), text);
    assert.deepEqual(
      shown.outputs.map((o) => o.output_type),
      ["stream", between.output_type],
    );
    assert.ok(String(shown.outputs[0].text).endsWith("\nconnected\n"));
  });
}

test("interleaved streams without a secret keep their order", () => {
  const outputs = [stream("stdout", "step 1\n"), stream("stderr", "slow\n"), stream("stdout", "step 2\n")];
  assert.deepEqual(cell(outputs).outputs, outputs);
});

test("a random literal given first to a client is hidden; what is no key stays", () => {
  for (const source of ['k = "Zx9Lm4Wv8Rt1Yp6N"\nclient = AcmeClient(k)', 'client = acme.AcmeClient("Zx9Lm4Wv8Rt1Yp6N", region="eu")', 'weather = WeatherAPI("a8Fk29LmQx7Pz3Rt")']) {
    const { text, count } = redactText(source);
    assert.ok(count === 1 && !text.includes("Zx9Lm4Wv8Rt1Yp6N") && !text.includes("a8Fk29LmQx7Pz3Rt"), text);
  }
  for (const source of ['c = Client("tcp://127.0.0.1:8786")', 'client = bigquery.Client("my-project-123")', 'q = QdrantClient("localhost", port=6333)', 'name = "imdb_reviews_v2"\nds = DatasetClient(name)']) {
    assert.deepEqual(redactText(source), { text: source, count: 0 });
  }
});
