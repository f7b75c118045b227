/**
 * Node tests of the extension's pure parts: Python repr decoding, the kernel reply
 * reader, cell/output bounding and the nearest-cells choice. The JupyterLab-facing
 * parts run in real JupyterLab (tests/browser/test_sidebar*.py).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { nearestIndices, outputText, stripAnsi } from "../src/cells";
import { clip, fence, withoutBase64 } from "../src/traceback";
import { MESSAGES, readReply, toolExpression } from "../src/kernel";
import { parsePyStringRepr, pyString } from "../src/pyrepr";

test("parsePyStringRepr decodes what Python's repr() makes", () => {
  assert.equal(parsePyStringRepr(`'{"a": 1}'`), `{"a": 1}`);
  assert.equal(parsePyStringRepr(`"it's"`), "it's");
  assert.equal(parsePyStringRepr(`'it\\'s "q"'`), `it's "q"`);
  assert.equal(parsePyStringRepr(`'a\\\\b\\n\\t'`), "a\\b\n\t");
  assert.equal(parsePyStringRepr(`'\\x00\\xe9\\u20ac\\U0001f600'`), "\x00é€😀");
  assert.equal(parsePyStringRepr(`'Zürich ✓'`), "Zürich ✓");
  assert.throws(() => parsePyStringRepr("{'a': 1}"));
  assert.throws(() => parsePyStringRepr("'abc"));
});

test("pyString makes a literal Python reads back", () => {
  assert.equal(pyString(`a"b\\c\n`), `"a\\"b\\\\c\\n"`);
  assert.equal(
    toolExpression("list_kernel_variables", { name_filter: "d'f" }),
    `__import__('jupyter_chatkit.kernel.introspect', fromlist=['x']).tool_json("list_kernel_variables", "{\\"name_filter\\":\\"d'f\\"}")`,
  );
});

function reply(content: object): never {
  return { content } as never;
}

test("readReply returns the tool's JSON, or a readable error", () => {
  const ok = reply({
    status: "ok",
    user_expressions: {
      result: { status: "ok", data: { "text/plain": `'{"variables": [{"name": "df"}], "total": 1}'` } },
    },
  });
  // Passed through the context policy once more: counted, nothing hidden here.
  assert.deepEqual(readReply(ok), { variables: [{ name: "df" }], total: 1, redacted: 0 });
  const missing = reply({
    status: "ok",
    user_expressions: {
      result: { status: "error", ename: "ModuleNotFoundError", evalue: "No module named 'jupyter_chatkit'" },
    },
  });
  assert.match((readReply(missing) as { error: string }).error, /not installed in this notebook's kernel/);
  const failed = reply({ status: "error", ename: "KeyboardInterrupt" });
  assert.match((readReply(failed) as { error: string }).error, /KeyboardInterrupt/);
  assert.match(MESSAGES.busy, /busy/);
});

test("readReply hands callers plain numbers; its JSON text keeps the kernel's floats", () => {
  const ok = reply({
    status: "ok",
    user_expressions: {
      result: { status: "ok", data: { "text/plain": `'{"type": "float", "value": 3.0, "items": [1.0, 2]}'` } },
    },
  });
  const result = readReply(ok) as { value: unknown; items: unknown[] };
  // What the sidebar, the widget bridge and mentions read: numbers, shown and posted as such.
  assert.equal(typeof result.value, "number");
  assert.equal(`${result.value}`, "3");
  assert.deepEqual(structuredClone(result), { type: "float", value: 3, items: [1, 2], redacted: 0 });
  // What the server reads (the client tool output, JSON text): floats as the kernel wrote them.
  const sent = JSON.stringify({ params: { result } });
  assert.match(sent, /"value":3\.0,"items":\[1\.0,2\]/);
});

test("stripAnsi removes IPython's colours", () => {
  assert.equal(stripAnsi("\x1b[0;31mZeroDivisionError\x1b[0m: division"), "ZeroDivisionError: division");
  assert.equal(stripAnsi("\x1b]8;;http://x\x07link\x1b]8;;\x07"), "link");
});

test("outputText bounds text and keeps the end of tracebacks", () => {
  const long = outputText({ output_type: "stream", name: "stdout", text: "x ".repeat(2500) }, 100);
  assert.ok(long.text.length <= 100);
  assert.match(long.text, /more characters/);
  const tb = outputText(
    {
      output_type: "error",
      ename: "ValueError",
      evalue: "bad",
      traceback: ["\x1b[31mTraceback\x1b[0m", "y".repeat(3000), "ValueError: bad"],
    },
    200,
  );
  assert.equal(tb.ename, "ValueError");
  assert.ok(tb.text.endsWith("ValueError: bad"));
  assert.ok(!tb.text.includes("\x1b"));
  const data = outputText({
    output_type: "execute_result",
    execution_count: 1,
    metadata: {},
    data: { "text/plain": "   a\n0  1", "text/html": "<table/>", "image/png": "AAA" },
  });
  assert.equal(data.text, "   a\n0  1\n[also: text/html, image/png]");
});

test("outputText keeps a long log's last line; base64 says its size, not its bytes", () => {
  const log = outputText({ output_type: "stream", name: "stdout", text: `${"epoch 1\n".repeat(9000)}saved.\n` });
  assert.ok(log.text.length <= 1500);
  assert.ok(log.text.startsWith("epoch 1\n") && log.text.endsWith("epoch 1\nsaved.\n"));
  assert.match(log.text, /more characters/);
  const png = "iVBORw0KGgo".repeat(40_000);
  assert.equal(
    withoutBase64(`see ![f](data:image/png;base64,${png}) and\n${png}`),
    "see ![f](data:image/png;base64,…[440000 chars not shown]) and\n…[base64-like text, 440000 chars not shown]",
  );
  const printed = outputText({ output_type: "stream", name: "stdout", text: png });
  assert.equal(printed.text, "…[base64-like text, 440000 chars not shown]");
  const words = `${"a".repeat(399)} `.repeat(20);
  assert.equal(withoutBase64(words), words);
  // Long runs that are text, not encoded bytes: kept (and clipped like any output).
  for (const text of ["ACGT".repeat(500), "0123456789abcdef".repeat(50), "x".repeat(5000)]) {
    assert.equal(withoutBase64(text), text);
  }
  // A run of one kind of character holds no key: cut where the bound falls, head and tail kept.
  for (const run of ["GATTACA".repeat(2000), "ab-".repeat(2000)]) {
    const out = outputText({ output_type: "stream", name: "stdout", text: run }).text;
    assert.ok(out.startsWith(run.slice(0, 300)) && out.endsWith(run.slice(-300)), out.slice(0, 80));
  }
  // Punctuation no key holds is a boundary (minified JSON keeps its head and tail).
  const rows = Array.from({ length: 400 }, (_, i) => `{"id":${i},"name":"n${i}"}`);
  const packed = outputText({ output_type: "stream", name: "stdout", text: `{"rows":[${rows.join(",")}]}` }).text;
  assert.ok(packed.startsWith('{"rows":[{"id":0,"name":"n0"}') && packed.endsWith("]}"), packed.slice(0, 80));
});

test("outputText's head-and-tail cut leaves no piece of a word (a key's end) behind", () => {
  // Review: a tail that began inside a key showed its end without the prefix that tells
  // it is one, and no redaction rule recognised it.
  const key = "sk-proj-Q3n8ZkLm2Vb7Rt5Yx1Wc9Pd4Hs6Jf0Ga";
  const base = `${"log line ok\n".repeat(2000)}connecting with token ${key}\n`;
  const pad = base.indexOf(key) + 6 + Math.floor(1500 / 3) - base.length;
  const log = outputText({ output_type: "stream", name: "stdout", text: base + "done\n".repeat(pad / 5) });
  assert.ok(!log.text.includes(key.slice(-10)));
  assert.ok(log.text.length <= 1500 && log.text.endsWith("done\ndone\n"));
  // A long run mixing cases and digits could hold a key: back to whitespace.
  const words = outputText({ output_type: "stream", name: "stdout", text: `${"w-".repeat(250)} ${"aB3-".repeat(700)} end` });
  assert.ok(words.text.startsWith(`${"w-".repeat(250)} \n… [`) && words.text.endsWith("] …\nend"));
});

test("a cut never falls on a password's punctuation, and a tail drops a line with its label", () => {
  // Passwords hold punctuation no key holds (# $ ^ & ! @ *): a cut there left most of one
  // in view, past the text a rule reads it in (as test_output_cut_secrets.py).
  const pieces = (text: string, secret: string): string[] =>
    Array.from({ length: secret.length - 3 }, (_, i) => secret.slice(i, i + 4)).filter((p) => text.includes(p));
  const lead = "log line ok\n".repeat(400);
  for (const password of ["Kq9!mZ#2vL$8nR^4", "Q7$e@p#Lx^W2!k9z"]) {
    for (const carrier of ["mongodb://svc:{}@mongo-0.mongo:27017/admin", '<input name="client_secret" value="{}">']) {
      const line = carrier.replace("{}", password);
      for (let j = 1; j < password.length; j++) {
        const at = 1500 - 40 - j - line.indexOf(password);
        const head = outputText({ output_type: "execute_result", execution_count: 1, data: { "text/plain": `${lead.slice(lead.length - at)}${line}\n${lead}` }, metadata: {} }).text;
        assert.deepEqual(pieces(head, password), [], head.slice(-120));
        const rest = 500 - (line.length - line.indexOf(password) - j) - 1;
        const tail = outputText({ output_type: "stream", name: "stdout", text: `${lead}${line}\n${"done\n".repeat(Math.floor(rest / 5))}${"z".repeat(rest % 5)}` }).text;
        assert.deepEqual(pieces(tail, password), [], tail.slice(0, 200));
        assert.ok(head.length <= 1500 && tail.length <= 1500);
      }
    }
  }
  const key = "c20dff686731d5dbc3473f3306cfe4cefdd0d2a3";
  const line = `wandb: W&B API key is configured. Using key ${key} for api.wandb.ai`;
  for (const j of [3, 20, line.indexOf(key) - 2]) {
    const text = `${lead}${line}\n${"step done\n".repeat(30)}${"x".repeat(500 - 300 - (line.length - j) - 1)}`;
    const out = outputText({ output_type: "stream", name: "stdout", text }).text;
    assert.ok(!out.includes(key.slice(0, 8)) && out.replace(/x+$/, "").endsWith("step done\n"), out.slice(0, 200));
  }
});

test("nearestIndices picks cells around the anchor, in order", () => {
  assert.deepEqual(nearestIndices(10, 5, 3), [4, 5, 6]);
  assert.deepEqual(nearestIndices(10, 0, 3), [0, 1, 2]);
  assert.deepEqual(nearestIndices(10, 9, 4), [6, 7, 8, 9]);
  assert.deepEqual(nearestIndices(3, 1, 50), [0, 1, 2]);
  assert.deepEqual(nearestIndices(0, 0, 5), []);
  assert.deepEqual(nearestIndices(5, 99, 2), [3, 4]);
});

test("clip and fence", () => {
  assert.equal(clip("abc", 10), "abc");
  assert.ok(clip("a".repeat(500), 100).length <= 100);
  // A head cut inside a key ends before it: its first characters alone are a piece no
  // redaction rule recognises.
  const key = "sk-proj-Q3n8ZkLm2Vb7Rt5Yx1Wc9Pd4Hs6Jf0Ga";
  const cut = clip(`${"value ".repeat(8)}${key} and the rest`, 100);
  assert.ok(cut.startsWith(`${"value ".repeat(8)}\n… [`) && !cut.includes("sk-proj"), cut);
  assert.equal(fence("x = 1\n", "python"), "```python\nx = 1\n```");
  assert.equal(fence("a ``` b"), "````\na ``` b\n````");
});
