/**
 * The TypeScript copy of the context policy against the shared fixture table of secrets
 * (tests/fixtures/secrets.json, also run through every Python producer), the reduced
 * tracebacks and the 16k bound of a result whatever its size.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { outputText } from "../src/cells";
import { reduceTraceback } from "../src/traceback";
import { readReply } from "../src/kernel";
import { MAX_RESULT_CHARS, Redactor, isSecretName, policyResult, redactText } from "../src/redact";

interface Case {
  id: string;
  by: "name" | "value";
  name: string;
  value: string;
  secret: string;
}

const TABLE: Case[] = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/secrets.json", import.meta.url), "utf-8"),
).cases;
const WINDOW = 12;

function leaks(text: string, cases: Case[] = TABLE): string[] {
  return cases
    .filter(({ secret }) => {
      const size = Math.min(WINDOW, secret.length);
      for (let i = 0; i + size <= secret.length; i++) if (text.includes(secret.slice(i, i + size))) return true;
      return false;
    })
    .map((c) => c.id);
}

const pyRepr = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;

for (const c of TABLE) {
  test(`every text form of ${c.id} is hidden`, () => {
    const forms = [
      `${c.name} = ${pyRepr(c.value)}`,
      `{"${c.name}": ${JSON.stringify(c.value)}}`,
      `${c.name}=${JSON.stringify(c.value)}`,
      c.value.includes("\n") ? `${c.name} = ${pyRepr(c.value)}` : `%env ${c.name.toUpperCase()}=${c.value}`,
      `os.environ[${pyRepr(c.name.toUpperCase())}] = ${pyRepr(c.value)}`,
    ];
    if (c.by === "value") forms.push(c.value, `OperationalError: could not connect with ${c.value}`, pyRepr(c.value));
    for (const form of forms) {
      const { text, count } = redactText(form);
      assert.deepEqual(leaks(text, [c]), [], `${form} -> ${text}`);
      assert.ok(count >= 1 && text.includes("«redacted: "), text);
    }
    const data = new Redactor().data({ [c.name]: c.value, nested: [{ k: { [c.name]: c.value } }] });
    assert.deepEqual(leaks(JSON.stringify(data), [c]), []);
  });
}

test("names and harmless text stay", () => {
  const r = new Redactor();
  for (const text of [
    "df = pd.read_csv('sales.csv')",
    "tokenizer = AutoTokenizer.from_pretrained('bert-base-uncased')",
    "token = make_token()",
    "max_tokens = 512",
    "author = 'Ada Lovelace'",
    "url = 'https://example.org/data.csv?page=2'",
    "KeyError: 'revenue'",
  ]) {
    assert.equal(r.text(text), text);
  }
  assert.equal(r.count, 0);
  for (const c of TABLE.filter((t) => t.by === "name")) assert.ok(isSecretName(c.name), c.name);
  for (const name of ["tokenizer", "max_tokens", "author", "keys", "df"]) assert.ok(!isSecretName(name), name);
});

test("a tool result from a careless kernel is redacted, counted and bounded", () => {
  const raw = {
    variables: TABLE.map((c) => ({ name: c.name, type: "str", value: c.value })),
    cells: Array.from({ length: 300 }, (_, i) => ({ index: i, source: `x${i} = ${"1 + ".repeat(200)}1` })),
  };
  const text = JSON.stringify({ status: "ok", user_expressions: { result: { status: "ok", data: { "text/plain": pyRepr(JSON.stringify(raw)) } } } });
  const result = readReply(JSON.parse(`{"content": ${text}}`)) as Record<string, unknown>;
  const out = JSON.stringify(result);
  assert.deepEqual(leaks(out), []);
  assert.ok(out.length <= MAX_RESULT_CHARS, String(out.length));
  assert.ok((result.redacted as number) >= TABLE.length);
  assert.match(String(result.truncated), /fewer|Cut/);
  assert.ok(policyResult({ a: 1 }).redacted === 0);
});

const IPYTHON_TB = [
  "\x1b[31m---------------------------------------------------------------------------\x1b[39m",
  "\x1b[31mValueError\x1b[39m                                Traceback (most recent call last)",
  "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[7]\x1b[39m\x1b[32m, line 3\x1b[39m\n      1 pipe = make_pipeline(StandardScaler(), LogisticRegression())\n----> 3 pipe.fit(X, y)",
  "File \x1b[32m/usr/lib/python3.11/site-packages/sklearn/base.py:1389\x1b[39m, in \x1b[36m_fit_context.<locals>.wrapper\x1b[39m\n   1387 return fit_method(estimator, *args, **kwargs)",
  "File /usr/lib/python3.11/site-packages/sklearn/pipeline.py:654, in Pipeline.fit(self, X, y)\n    652 Xt = self._fit(X, y)",
  "File /usr/lib/python3.11/site-packages/sklearn/utils/validation.py:475, in check_consistent_length(*arrays)\n--> 475 raise ValueError(msg)",
  "\x1b[31mValueError\x1b[39m: Found input variables with inconsistent numbers of samples: [100, 80]",
];

test("tracebacks keep the user's frames, the last library frame and the final line", () => {
  const tb = reduceTraceback(IPYTHON_TB, "\x1b[31mValueError\x1b[39m", "Found input variables");
  assert.ok(!tb.includes("\x1b"));
  assert.match(tb, /^Cell In\[7\], line 3/);
  assert.match(tb, /2 library frames omitted/);
  assert.match(tb, /validation\.py:475/);
  assert.ok(tb.endsWith("ValueError: Found input variables with inconsistent numbers of samples: [100, 80]"));
  assert.ok(!tb.includes("pipeline.py"));
  const out = outputText({ output_type: "error", ename: "\x1b[31mValueError\x1b[39m", evalue: "\x1b[1mbad\x1b[0m", traceback: IPYTHON_TB });
  assert.equal(out.ename, "ValueError");
  assert.equal(out.evalue, "bad");
  const long = reduceTraceback([IPYTHON_TB[2].repeat(50), ...IPYTHON_TB.slice(3)], "ValueError", "x");
  assert.ok(long.length <= 2000);
});

test("every string a result carries is ANSI-free", () => {
  const key = TABLE.find((c) => c.id === "openai-key")!.value;
  const result = policyResult({ ename: "\x1b[31mValueError\x1b[0m", cells: [{ text: `\x1b[1m${key}\x1b[0m` }] });
  const text = JSON.stringify(result);
  assert.ok(!text.includes("\\u001b") && result.ename === "ValueError");
  assert.deepEqual(leaks(text), []);
  assert.equal(result.redacted, 1);
});

test("a printed secret under an IPython input is hidden (no Out[n]: label)", () => {
  for (const text of ["In [4]: print(api_token)\nHunt3rXy9q", "In [4]: db_password\nHunt3rXy9q"]) {
    assert.equal(redactText(text).text.includes("Hunt3rXy9q"), false, text);
  }
  assert.ok(redactText("In [5]: print(token_count)\n42").text.endsWith("\n42"));
});

test("a quoted command-line password is hidden, a quoted port stays", () => {
  for (const text of [
    "mongo -u ada -p 'Hunt3rXy9q'",
    'mongosh -u ada -p "Hunt3rXy9q" --host h',
    'az login -u ada -p "Hunt3rXy9q"',
    "sqlcmd -S h -U sa -P 'Hunt3rXy9q'",
  ]) {
    assert.equal(redactText(text).text.includes("Hunt3rXy9q"), false, text);
  }
  assert.ok(redactText("docker run -u 1000 -p '8080:80' x").text.includes("8080:80"));
});

test("a widget made with a secret label has its value hidden", () => {
  const text = "widgets.Text(description='API key', value='Hunt3rXy9q')";
  assert.equal(redactText(text).text.includes("Hunt3rXy9q"), false);
  const kept = "widgets.Text(description='Name', value='Ada Lovelace')";
  assert.equal(redactText(kept).text, kept);
});
