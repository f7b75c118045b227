/**
 * The TypeScript copy of the context policy against the shared table of attack texts
 * (tests/fixtures/trust_texts.json, also run through the Python policy): credential
 * shapes beyond the obvious, secrets in tables, configs, messages and split strings are
 * hidden; ordinary code, logs, hashes, UUIDs and numbers come back unchanged.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { Cell } from "@jupyterlab/cells";
import { cellInfo } from "../src/cells";
import { reduceTraceback } from "../src/traceback";
import { notebookText } from "../src/mentions";
import {
  Redactor,
  aliases,
  hideCellOutputs,
  hideShownCredential,
  isSecretName,
  namesOneOf,
  namesSecret,
  policyResult,
  redactText,
} from "../src/redact";
import { frameValuesShown, hidePositionalSecrets, notebookDefinitions, secretFrames } from "../src/signatures";

interface Leak {
  id: string;
  text: string;
  secrets: string[];
  kept?: string[];
}

const TABLE: { leaks: Leak[]; harmless: string[]; data_leaks: { id: string; data: unknown; secrets: string[]; kept: string[] }[] } = JSON.parse(
  readFileSync(new URL("../../../../tests/fixtures/trust_texts.json", import.meta.url), "utf-8"),
);

for (const c of TABLE.leaks) {
  test(`no part of ${c.id} survives`, () => {
    const { text, count } = redactText(c.text);
    for (const secret of c.secrets) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    // What stands beside the secret stays readable.
    for (const kept of c.kept ?? []) assert.ok(text.includes(kept), `${kept} not in ${text}`);
    assert.ok(count >= 1 && text.includes("«redacted: "), text);
    // Inside a tool result too (a cell's output, a file's text).
    const result = JSON.stringify(policyResult({ cells: [{ outputs: [{ text: c.text }] }] }));
    for (const secret of c.secrets) assert.ok(!result.includes(secret), `${secret} in ${result}`);
  });
}

for (const c of TABLE.data_leaks) {
  test(`no secret in tool data survives: ${c.id}`, () => {
    const result = JSON.stringify(policyResult(c.data));
    for (const secret of c.secrets) assert.ok(!result.includes(secret), `${secret} in ${result}`);
    for (const kept of c.kept) assert.ok(result.includes(kept), `${kept} not in ${result}`);
  });
}

test("ordinary code, logs, hashes, UUIDs and numbers come back unchanged", () => {
  for (const text of TABLE.harmless) {
    const r = new Redactor();
    assert.equal(r.text(text), text);
    assert.equal(r.count, 0, text);
  }
});

test("a name about a secret is no secret name; a key-ish name hides random values only", () => {
  for (const name of ["auth_method", "token_type", "password_policy", "token_url"]) assert.ok(!isSecretName(name), name);
  for (const name of ["db_pass", "DB_PASSWORD", "session_id", "X-Auth-Token"]) assert.ok(isSecretName(name), name);
  const data = new Redactor().data({ STRIPE_KEY: "Ab8dEf6hIj9kLm2nOp5q", sort_key: "created_at" }) as Record<string, string>;
  assert.ok(data.STRIPE_KEY.startsWith("«redacted: "));
  assert.equal(data.sort_key, "created_at");
});

test("a traceback of 3,000 recursive frames arrives short, with the frame, its count and the error", () => {
  const frame = "Cell \x1b[0;32mIn[3], line 2\x1b[0m, in f(n)\n      1 def f(n):\n----> 2     return f(n+1)";
  const lines = ["Traceback (most recent call last)", ...Array(3000).fill(frame), "RecursionError: maximum recursion depth exceeded"];
  const text = reduceTraceback(lines, "RecursionError", "maximum recursion depth exceeded");
  assert.ok(text.length <= 2000, String(text.length));
  assert.match(text, /return f\(n\+1\)/);
  assert.match(text, /repeated 2,999 more times/);
  assert.match(text, /RecursionError: maximum recursion depth exceeded$/);
});

test("a chained error keeps where each earlier exception happened, as the Python policy reduces it", () => {
  const fixture = JSON.parse(
    readFileSync(new URL("../../../../tests/fixtures/chained_tracebacks.json", import.meta.url), "utf-8"),
  ) as { cases: { name: string; traceback: string[]; ename: string; evalue: string; reduced: string }[] };
  assert.ok(fixture.cases.length >= 3);
  for (const c of fixture.cases) {
    assert.equal(reduceTraceback(c.traceback, c.ename, c.evalue), c.reduced, c.name);
  }
});

test("a tool result walk reads strings and lists only to the budget", () => {
  const seen: number[] = [];
  const real = Redactor.prototype.text;
  Redactor.prototype.text = function (this: Redactor, value: string): string {
    seen.push(value.length);
    return real.call(this, value);
  };
  try {
    const csv = `id,name\n${Array.from({ length: 100_000 }, (_, i) => `${i},user${i}\n`).join("")}`;
    const secret = "Zq8wL3vN7pX2kR5t";
    const late = `${"x".repeat(30_000 - 20)} token = "${secret}" ${"y".repeat(9000)}`;
    const body = JSON.stringify(policyResult({ text: csv, late, many: Array(200_000).fill("a b c") }));
    assert.ok(Math.max(...seen) <= 16_000 + 8192);
    assert.ok(seen.length < 60_000);
    assert.ok(!body.includes(secret.slice(0, 6)));
  } finally {
    Redactor.prototype.text = real;
  }
});

test("a wide aligned header over rows of a million characters is linear work", () => {
  const header = `  ${Array(399).fill("pwd").join("  ")}`;
  const row = `0  ${"a".repeat(1_000_000)}`;
  const out = new Redactor().text([header, row, row, row].join("\n"));
  assert.equal(out.split("a".repeat(1_000_000)).length - 1, 3);
  const cells = Array.from({ length: 150 }, (_, k) => `s${String(k).padStart(3, "0")}Q7x`);
  const wide = `   ${cells.map((c) => "pwd".padStart(c.length)).join("  ")}`;
  const line = `0  ${cells.join("  ")}`;
  const hidden = new Redactor().text(`${wide}\n${line}\n${line}`);
  assert.ok(cells.every((c) => !hidden.includes(c)));
});

test("a one-line output of a cell whose last line names a secret is hidden; other outputs stay", () => {
  const cell = (source: string, text: string) =>
    ({
      model: {
        type: "code",
        executionCount: 3,
        sharedModel: { getSource: () => source },
        outputs: { toJSON: () => [{ output_type: "execute_result", data: { "text/plain": text }, metadata: {}, execution_count: 3 }] },
      },
    }) as unknown as Cell;
  for (const source of ["%env DB_PASSWORD", "print(token)", 'os.environ["API_KEY"]', "import os\ncreds.pw"]) {
    const info = cellInfo(cell(source, "'envPw-Qz7xL2mW9'"), 0, true);
    assert.ok(!JSON.stringify(info).includes("envPw-Qz7xL2mW9"), source);
    assert.ok(info.outputs?.[0].text.startsWith("«redacted: "), source);
  }
  assert.equal(cellInfo(cell("len(password)", "14"), 0, true).outputs?.[0].text, "14");
  assert.equal(cellInfo(cell("df.head()", "'plain text'"), 0, true).outputs?.[0].text, "'plain text'");
  assert.equal(cellInfo(cell("x = password", "'shown'"), 0, true).outputs?.[0].text, "'shown'");
  assert.ok(namesSecret("%env DB_PASSWORD") && !namesSecret("token_count") && !namesSecret("x = token"));
  assert.ok(!namesSecret("session.get(url).text") && namesSecret("session_id"));
  assert.ok(namesSecret("getpass.getpass()") && !namesSecret("getpass.getuser()"));
});

test("a cell showing a variable passed where a credential goes hides a password-like one-line output", () => {
  // values.names_one_of / hide_shown_credential's twins (the names come from `aliases`).
  const passed = aliases("x = vault.read('db')\nconn = psycopg2.connect('db', 'ada', x)");
  assert.ok(passed.has("x"));
  assert.ok(namesOneOf("print(x)", passed) && namesOneOf("# shown\nx\n", passed));
  assert.ok(!namesOneOf("y = x", passed) && !namesOneOf("print(region)", passed) && !namesOneOf("print(x)", new Set()));
  // Its text shown, not a property read (`x.shape`, `len(x)`, `x is None`).
  assert.ok(["x.strip()", "x[::-1]", "str(x)", "'pw: ' + x", 'f"{x}"', "x.value"].every((s) => namesOneOf(s, passed)));
  assert.ok(!["x.shape", "print(x.dtype)", "len(x)", "type(x)", "isinstance(x, str)", "x is None"].some((s) => namesOneOf(s, passed)));
  assert.equal(hideShownCredential("Tr0ub4dor&3xQ9\n"), "«redacted: str, 14 chars»");
  assert.equal(hideShownCredential("'hunter2hunter2'"), "«redacted: str, 14 chars»");
  // A name (no digit, no symbol), a flag, a multi-line output stay.
  for (const kept of ["sales-warehouse\n", "'north west'", "True", "Tr0ub4dor&3xQ9 rows\nand more\n"]) {
    assert.equal(hideShownCredential(kept), kept);
  }
  const outputs = hideCellOutputs(
    [
      { output_type: "stream", text: ["Tr0ub4", "dor&3xQ9\n"] },
      { output_type: "execute_result", data: { "text/plain": "'Tr0ub4dor&3xQ9'", "text/html": "<b>kept</b>" } },
      { output_type: "error", text: "Tr0ub4dor&3xQ9" },
    ],
    hideShownCredential,
  );
  assert.deepEqual(outputs, [
    { output_type: "stream", text: "«redacted: str, 14 chars»" },
    { output_type: "execute_result", data: { "text/plain": "«redacted: str, 14 chars»", "text/html": "<b>kept</b>" } },
    { output_type: "error", text: "Tr0ub4dor&3xQ9" },
  ]);
});

test("an item after one naming a secret is hidden in lists; a list of column names stays", () => {
  const data = new Redactor().data({
    argv: ["psql", "--password", "letmein2", "-h", "db"],
    row: ["password", "Zq7pL2xW9row"],
    columns: ["user", "password", "email"],
    both: ["password", "token"],
  }) as Record<string, string[]>;
  const shown = JSON.stringify(data);
  assert.ok(!shown.includes("letmein2") && !shown.includes("Zq7pL2xW9row"), shown);
  assert.deepEqual(data.columns, ["user", "password", "email"]);
  assert.deepEqual(data.both, ["password", "token"]);
  assert.deepEqual(data.argv.slice(3), ["-h", "db"]);
});

test("literals passed by position to the notebook's own secret parameters are hidden", () => {
  const defs = notebookDefinitions([
    "import dataclasses\n@dataclasses.dataclass\nclass DC:\n    user: str\n    password: str\n",
    "class Plain:\n    def __init__(self, host, user, secret_key=None):\n        self.host = host\n",
    "def sign_up(user, pin, api_key):\n    return 1 / 0\n",
    "Nt = collections.namedtuple('Nt', 'user passwd')\nclass Ordinary:\n    name: str\n",
    "class Svc:\n    def register(self, user, passphrase):\n        pass\n",
  ]);
  // Through a module or an instance (`mod.DC`, `svc.register`): known by the last name.
  const source =
    'DC("ada", "Qz7a1")\nPlain("h", "ada", "Qz7a2")\nsign_up("ada", "1234", "Qz7a3")\nNt("ada", "Qz7a4")\n' +
    'print("Qz7a5")\nDC(user="Qz7a6")\nOrdinary("Qz7a7")\nmod.DC("a", "Qz7a8")\nsvc.register("ada", "Qz7a9")';
  const hidden = hidePositionalSecrets(source, defs);
  for (const k of [1, 2, 3, 4, 8, 9]) assert.ok(!hidden.includes(`Qz7a${k}`), hidden);
  for (const k of [5, 6, 7]) assert.ok(hidden.includes(`Qz7a${k}`), hidden);
  assert.ok(hidden.includes('svc.register("ada", '), hidden);
  assert.ok(hidden.includes('"1234"') && !defs.has("Ordinary"));
});

test("a frame's values shown without its column names are hidden when a column names a secret", () => {
  const frames = secretFrames(
    [
      'import pandas as pd\nusers = pd.DataFrame({\n    "user": ["ada"],\n    "password": [pw],\n})',
      'logins = pd.read_csv("l.csv")\nlogins["api_token"] = tokens',
      'plain = pd.DataFrame({"a": [1]})',
    ],
    [["shown", "  user   passwd\n0  ada  x"], ["other.head()", "  a  b\n0  1  2"]],
  );
  assert.deepEqual([...frames].sort(), ["logins", "shown", "users"]);
  for (const source of ["users.values", "print(logins.to_numpy())", "shown[['user', 'passwd']].values[:3]"]) {
    assert.ok(frameValuesShown(source, frames), source);
  }
  for (const source of ["users.head()", "plain.values", "users.columns.values\n# users.values"]) {
    assert.ok(!frameValuesShown(source, frames), source);
  }
  const cell = (source: string, text: string) =>
    ({
      model: {
        type: "code",
        executionCount: 4,
        sharedModel: { getSource: () => source },
        outputs: { toJSON: () => [{ output_type: "execute_result", data: { "text/plain": text }, metadata: {}, execution_count: 4 }] },
      },
    }) as unknown as Cell;
  const values = "array([['ada', 'valPw-Jr6tY1uI4'],\n       ['bob', 'valPw-Kx2']], dtype=object)";
  const info = cellInfo(cell("users.values", values), 0, true, new Map(), frames);
  assert.ok(!JSON.stringify(info).includes("valPw-"), JSON.stringify(info));
  assert.equal(cellInfo(cell("plain.values", "array([[1]])"), 0, true, new Map(), frames).outputs?.[0].text, "array([[1]])");
});

test("a secret frame's values held in another variable, or the frame under another name, are hidden when shown", () => {
  const sources = [
    'users = pd.read_csv("u.csv")\nusers["password"] = pws',
    "vals = users.values\nrows = users.to_numpy().tolist()",
    "backup = users.copy()\nsafe = plain.values",
    "later = backup.values",
  ];
  const frames = secretFrames(sources);
  for (const source of ["vals", "print(rows[:3])", "later", "backup.values", "x = 1\nvals[0]"]) {
    assert.ok(frameValuesShown(source, frames), source);
  }
  for (const source of ["safe", "vals = 2", "print(len(users))", "# vals"]) {
    assert.ok(!frameValuesShown(source, frames), source);
  }
});

test("a frame read from a file whose header the notebook never shows has its nameless values hidden", () => {
  const sources = ['raw = pd.read_csv("secrets.csv")', 'seen = pd.read_parquet("p.parquet")', 'named = pd.read_csv("n.csv", usecols=["a", "b"])'];
  const frames = secretFrames(sources, [["seen.head()", "   a  b\n0  1  2"]]);
  assert.ok(frameValuesShown("raw.values", frames));
  assert.ok(frameValuesShown("print(raw.to_numpy())", frames));
  assert.ok(!frameValuesShown("seen.values", frames), "its header was shown, with no secret column");
  assert.ok(!frameValuesShown("named.values", frames), "its columns are named in the notebook");
});

test("the error after a long log still reaches the model, its traceback whole", () => {
  const log = (k: number) => ({ output_type: "stream", name: k % 2 ? "stderr" : "stdout", text: `epoch ${k} ${"loss 0.1 ".repeat(300)}\n` });
  const traceback = ["Traceback (most recent call last)", '  File "train.py", line 9, in <module>', "RuntimeError: CUDA out of memory"];
  const error = { output_type: "error", ename: "RuntimeError", evalue: "CUDA out of memory", traceback };
  const cell = {
    model: {
      type: "code",
      executionCount: 7,
      sharedModel: { getSource: () => "train()" },
      outputs: { toJSON: () => [log(0), log(1), log(2), log(3), error] },
    },
  } as unknown as Cell;
  const info = cellInfo(cell, 0, true);
  const last = info.outputs?.at(-1);
  assert.equal(last?.output_type, "error");
  assert.match(last?.text ?? "", /line 9, in <module>[\s\S]*RuntimeError: CUDA out of memory$/);
  assert.equal(info.outputs_truncated, true);
});

test("a mentioned notebook is read by its cells' lines, so a frame's or a YAML block's secret is hidden", () => {
  const frame = ["            name           value\n", "1    db_password    Wq7vLp2nXz9t"];
  const yaml = ["env:\n", "  - name: POSTGRES_PASSWORD\n", "    value: Xq93Lm20Zt81\n"];
  const nb = {
    cells: [
      { cell_type: "code", source: "settings", outputs: [{ output_type: "stream", name: "stdout", text: frame }] },
      { cell_type: "markdown", source: yaml },
    ],
  };
  const raw = JSON.stringify(nb, null, 1);
  // The file's JSON holds each output's lines as a list of strings, each with its line
  // break: read as the lines they are.
  assert.ok(!redactText(raw).text.includes("Wq7vLp2nXz9t"));
  const text = redactText(notebookText(raw) ?? "").text;
  assert.ok(!text.includes("Wq7vLp2nXz9t") && !text.includes("Xq93Lm20Zt81"), text);
  assert.ok(text.includes("db_password") && text.includes("POSTGRES_PASSWORD"));
  assert.equal(notebookText("not json"), null);
});

test("a mentioned notebook's output printing a secret its cell names is hidden, as in the live cells", () => {
  const password = "Kx7mPq2vLw9e"; // no key's shape: hidden for its name only
  const nb = {
    cells: [
      { cell_type: "code", source: `db_password = '${password}'`, outputs: [] },
      {
        cell_type: "code",
        source: "print('connecting with', db_password)",
        outputs: [{ output_type: "stream", name: "stdout", text: [`connecting with ${password}\n`] }],
      },
      {
        cell_type: "code",
        source: "db_password",
        outputs: [{ output_type: "execute_result", data: { "text/plain": [`'${password}'`] } }],
      },
      { cell_type: "code", source: "rows", outputs: [{ output_type: "execute_result", data: { "text/plain": ["42"] } }] },
    ],
  };
  // Before: the literal was hidden, both outputs sent whole.
  const text = redactText(notebookText(JSON.stringify(nb)) ?? "").text;
  assert.ok(!text.includes(password), text);
  assert.ok(text.includes("print('connecting with', db_password)") && text.includes("\n42"), text);
});

test("a Kubernetes Secret's data and a key's body as lines are hidden in a tool result (round 9)", () => {
  const secret = "UzNjcjN0UGE1NXdvcmQh";
  const lines = [
    "Tq3Rk8Wm1Zc6Yh0Lb5Xn2Vd7Pf4Js9Ga3Ue8Ko1Ci6Mr0Ht5Ny2Bw7Qe4Dl9Sx3F",
    "pA8mK2rT6wZ0cY4hL9bX3nV7dP1fJ5sG9aU3eK7oC1iM5rH9tN3yB7wQ1eD5lS9x",
  ];
  const result = {
    object: { kind: "Secret", stringData: { blob: secret } },
    pairs: [["'kind'", "Secret"], ["'data'", { x: secret }]],
    text: JSON.stringify({ kind: "Secret", data: { ".dockerconfigjson": secret } }),
    yaml: `kind: Secret\ndata:\n  conn: ${secret}\n`,
    lines,
    other: { kind: "ConfigMap", data: { blob: "plain-setting" } },
  };
  const shown = JSON.stringify(policyResult(result));
  assert.ok(!shown.includes(secret), shown);
  for (const line of lines) assert.ok(!shown.includes(line.slice(2, 14)), shown);
  assert.ok(shown.includes("plain-setting") && shown.includes(".dockerconfigjson") && shown.includes("conn"), shown);
});

test("random cells under key-ish columns of a frame's or a Series' description are hidden (round 9)", () => {
  const key = "Tq3Rk8Wm1Zc6Yh0Lb5Xn";
  const result = {
    variables: [
      {
        name: "frame",
        columns: [{ name: "env" }, { name: "key" }, { name: "sort_key" }],
        head: [["prod", key, "created_at"]],
      },
      { name: "sigs", series_name: "signature", head: [key], top_values: [[key, 1]], describe: { top: key } },
      { name: "more", head_columns: ["salt"], head: [[key]], describe: { salt: { top: key } } },
    ],
  };
  const shown = JSON.stringify(policyResult(result));
  assert.ok(!shown.includes(key), shown);
  assert.ok(shown.includes("created_at") && shown.includes("prod"), shown);
});

test("a secret built from pieces set in other cells is hidden in every cell (round 9)", () => {
  const pieces = ["sk-proj-Tq3Rk8Wm", "1Zc6Yh0Lb5Xn2Vd7"];
  const result = {
    cells: [
      { index: 0, source: `part1 = '${pieces[0]}'` },
      { index: 1, source: `part2 = '${pieces[1]}'\nregion = 'eu-west-1'` },
      { index: 2, source: "api_key = part1 + part2\nclient = Client(api_key)" },
    ],
  };
  const shown = JSON.stringify(policyResult(result));
  for (const piece of pieces) assert.ok(!shown.includes(piece.slice(-8)), shown);
  assert.ok(shown.includes("eu-west-1") && shown.includes("api_key = part1 + part2"), shown);
});

test("a user and a password side by side are hidden in a tool result's items, as in text (round 11)", () => {
  const result = {
    pair: { type: "tuple", items: ["ada", "Kx8mP2qZ9vL4"] },
    rows: { type: "list", items: [[1, "svc-etl", "P@55w0rd2024"]] },
    places: { type: "list", items: [["Alice", "Paris2024"], ["ada", "Sales2024.csv"], ["red", "blue"]] },
    cfg: { type: "dict", items: [["'model'", "gpt-4o"], ["'run'", "Kx8mP2qZ9vL4x"]] },
  };
  const shown = JSON.stringify(policyResult(result));
  for (const secret of ["Kx8mP2qZ9vL4\"", "P@55w0rd2024"]) assert.ok(!shown.includes(secret), shown);
  for (const kept of ['"Alice","Paris2024"', '"Sales2024.csv"', '"red","blue"', '"gpt-4o"']) assert.ok(shown.includes(kept), shown);
});

test("a dict of users to passwords and a (password, user) pair are hidden in a tool result (round 12)", () => {
  const result = {
    users: { ada: "Kx8mP2qZ9v#", bob: "Tr0ub4dor&3x" },
    back: ["Summer2024!x", "ada"],
    listed: { type: "dict", items: [["'ada'", "Kx8mP2qZ9v#"], ["'city'", "Paris2024"]] },
    aws: { ImageId: "ami-0abcdef1234567890", LaunchTime: "2024-01-01T00:00:00+00:00" },
    look: { color: "#FF00aa12", title: "Q&A 2024" },
  };
  const shown = JSON.stringify(policyResult(result));
  for (const secret of ["Kx8mP2qZ9v#", "Tr0ub4dor&3x", "Summer2024!x"]) assert.ok(!shown.includes(secret), shown);
  for (const kept of ["ami-0abcdef1234567890", "2024-01-01T00:00:00+00:00", "#FF00aa12", "Q&A 2024", "Paris2024", '"ada"']) {
    assert.ok(shown.includes(kept), shown);
  }
});

test("a password under a one-letter key is hidden in a tool result; names like it and annotations stay (round 13)", () => {
  const result = JSON.stringify(
    policyResult({
      login: { u: "ops", p: "Spring2025!" },
      P: "dragon77",
      model: { p: "gpt-4o", n: "conv2d" },
      q: { p: 0.05, P: "float32" },
      hints: { token: "str", password: "Optional[str]" },
      items: [["'password'", "<typing._UnionGenericAlias object>"], ["'token'", "Any"]],
      fields: { items: [["p", "sunshine7"]] },
      frame: { columns: [{ name: "u" }, { name: "p" }], head: [["ada", "hunter22"]], describe: { p: { top: "hunter22" } } },
    }),
  );
  for (const secret of ["Spring2025!", "dragon77", "sunshine7", "hunter22"]) assert.ok(!result.includes(secret), result);
  for (const kept of ["ops", "gpt-4o", "conv2d", "0.05", "float32", "Optional[str]", "_UnionGenericAlias object>", '"Any"'])
    assert.ok(result.includes(kept), `${kept} not in ${result}`);
});

test("a password named in another language is hidden in data; a name about one stays", () => {
  const secret = "Kiefer_Nadel_19";
  const ref = "\u0024{POSTGRES_PASSWORD}"; // a reference to a password, kept
  const data = new Redactor().data({
    passwort: secret,
    пароль_бд: secret,
    数据库密码: secret,
    conf: { benutzer: "m", kennwort: secret },
    passwort_policy: "mindestens 12 Zeichen",
    compose: `  POSTGRES_PASSWORD: ${ref}\n`,
  });
  const seen = JSON.stringify(data);
  assert.ok(!seen.includes(secret), seen);
  assert.ok(seen.includes("mindestens 12 Zeichen") && seen.includes(ref), seen);
});
