/** Node test: long adversarial lines are redacted in linear work (the sidebar redacts on the page's thread). */

import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_TEXT_CHARS, REDACT_MARGIN, Redactor, keepsUnquoted, redactText } from "../src/redact";
import { RULES } from "../src/redaction-rules.generated";
import { heredocBodies } from "../src/redactheredoc";

// Every case is as long as the longest text the policy reads (redactText cuts a longer one
// to MAX_TEXT_CHARS first), and is run under a CPU budget of CPU_PER_CHAR per character:
// ~1.1 s at N, ~8 times what the costliest linear case takes (~0.13 s), while the mildest
// known quadratic rule (ab6a3a3^'s URL scheme run) takes ~4 s there. The cases were
// 200,000 characters and five times that with no budget: ~60 s of CPU a run, and a
// quadratic rule only made the run slower.
const N = MAX_TEXT_CHARS + REDACT_MARGIN;
// CPU seconds a case may take per character of its text (process.cpuUsage: a loaded
// machine's waiting does not count).
const CPU_PER_CHAR = 1e-5;

test("an unclosed html row ends where the next starts", () => {
  const { text } = redactText("<tr><td>a<tr><td>password</td><td>hunter2</td></tr>");
  assert.equal(text.includes("hunter2"), false);
  assert.ok(text.startsWith("<tr><td>a<tr>"));
});

// Each took 15-20 s at 200,000 characters (quadratic backtracking) before; linear rules take
// milliseconds.
const cases: Record<string, string> = {
  "unclosed html rows": `password\n${"<tr>".repeat(N / 4)}:x`,
  "a long .pgpass host": `${"login(".repeat(N / 6)}:1:`,
  "colons before an equals sign": `password ${"a:".repeat(N / 2)}=a`,
  "jwt starts inside one run": "eyJ".repeat(N / 3),
  "a long dashed name": `password ${"a-".repeat(N / 2)}=`,
  "double dashes": `password ${"--a".repeat(N / 3)}=`,
  "a long url scheme run": `${"a-".repeat(N / 2)} ://x`,
  "a long dotted run before a call": `x = 'pw'; ${"a.b".repeat(N / 3)} 'x'(`,
  "a long run of semicolons in a value": `password: ${";".repeat(N)}:x`,
  "html header cells without rows": `password\n${"<th>password".repeat(N / 12)}`,
  "split rows never closed": `{"columns":["password"],"data":${"[1,".repeat(N / 3)}`,
  "structured rows before a dtype": `${"(1, 'a'".repeat(N / 7)} dtype=[('password', 'O')]`,
  "chained aliases": `password = ${"a = ".repeat(N / 4)}"x"`,
  "literals then a bracket": `password ${"'a', (".repeat(N / 6)}`,
  "open input tags": `password ${"<input type=password ".repeat(N / 20)}`,
  "prompts without an answer": "password for a ".repeat(N / 15),
  "escaped lines in a repr": `password ${"a=b\\n".repeat(N / 5)}`,
  "quotes inside quotes": `x = "${"'a': '".repeat(N / 7)}"`,
  // Quadratic before: the first two took ~3-4 s at 100,000 characters.
  "secret words on one line": `${"password".repeat(N / 8)} input_value`,
  "a long mysql name": `mariadb${"-a".repeat(N / 2)}'`,
  "many mysql commands": "mysql ".repeat(Math.floor(N / 6)),
  // The rules added for the closing session's leftovers, each bounded by its window.
  "password prose words": "password ".repeat(Math.floor(N / 9)),
  "password prose lines": "password is\n".repeat(Math.floor(N / 12)),
  "password code runs": `password ${"aB1-".repeat(20)}(`.repeat(Math.floor(N / 100)),
  "redis-cli flags": `redis-cli${" -b".repeat(Math.floor(N / 3))}`,
  "password widget models": "PasswordModel'".repeat(Math.floor(N / 14)),
  "a token as a url's user": `https://${"a".repeat(N)}@x`,
  "inline parentheticals": "token (a): ".repeat(Math.floor(N / 11)),
  "auth pairs": "auth = ('a', ".repeat(Math.floor(N / 13)),
  "transcript inputs": "In [1]: password\n".repeat(Math.floor(N / 17)),
  "doctest inputs": ">>> token\n".repeat(Math.floor(N / 10)),
  "formatted templates": 'password = "%s" % '.repeat(Math.floor(N / 18)),
  "sibling lists": `['user', 'password'], ${"['a', 'b'], ".repeat(20)}`.repeat(Math.floor(N / 260)),
  "sql inserts": "insert into t (password) values (".repeat(Math.floor(N / 34)),
  "escaped json pairs": '\\"password\\": \\"'.repeat(Math.floor(N / 16)),
  "yaml next lines": "password:\n  x\n".repeat(Math.floor(N / 15)),
  "echo password-stdin": `${"echo a ".repeat(Math.floor(N / 7))}| --password-stdin`,
  "a prefixed token's run": `nvapi-${"a".repeat(N)}`,
  "a prefixed token's groups": `key-${"Ab1Cd2Ef3Gh4Ij5Kl6Mn-".repeat(Math.floor(N / 21))}.`,
  "user flags without a password": " -u a".repeat(N),
  "widget labels without a value": '"description": "password", '.repeat(Math.floor(N / 27)),
  "a url's hidden users": `s3://${"«redacted: x»".repeat(Math.floor(N / 13))}@`,
  "user flags with quoted passwords": " -u a -p '".repeat(Math.floor(N / 10)),
  "widget kwargs without a value": "description='password', ".repeat(Math.floor(N / 24)),
  "login flags quoted": `az login${" -p '".repeat(Math.floor(N / 5))}`,
  "login pairs never closed": "login with a / ".repeat(Math.floor(N / 15)),
  "a long login user": `log in as ${"a".repeat(N)}`,
  "password is prose": "password is ".repeat(Math.floor(N / 12)),
  "a long word after password use": `password, use ${"a".repeat(N)}`,
  "sql user using": "user a using ".repeat(Math.floor(N / 13)),
  "an open sql attach": `attach database '${"a".repeat(N)}`,
  "heredocs never closed": "password = <<EOT\n".repeat(Math.floor(N / 17)),
  "words after password for": `password for ${"a ".repeat(Math.floor(N / 2))}`,
  "use as without a password": "use a as ".repeat(Math.floor(N / 9)),
  "connect without an at sign": " connect a/".repeat(Math.floor(N / 11)),
  "heredocs in substitutions": "x=$(cat <<EOF\n".repeat(Math.floor(N / 14)),
  "heredocs on long lines": `${"a".repeat(980)} token = <<EOF\n`.repeat(Math.floor(N / 995)),
  // Quadratic before: 20,000 blanks took seconds (two runs of blanks to share them).
  "blanks after a separator": `password = ${" ".repeat(N)}'`,
  "tabs after a separator": `password: ${"\t".repeat(N)}`,
  // Only lines holding a trigger are tried as table rows: a million blank lines took seconds.
  "blank lines after a secret word": `password\n${"\n".repeat(N)}`,
  "short lines after a secret word": `password\n${"a,b\n".repeat(Math.floor(N / 4))}`,
  // Tools' command lines and XML entries (cli_rules.py): each bounded by its line.
  "htpasswd many words": `htpasswd -b ${"a ".repeat(Math.floor(N / 2))}`,
  "htpasswd repeated": "htpasswd -b a b ".repeat(Math.floor(N / 16)),
  "config set repeated": "npm config set ".repeat(Math.floor(N / 15)),
  "config many flags": `git config ${"-a ".repeat(Math.floor(N / 3))}`,
  "config long key": `git config ${"a".repeat(N)}`,
  "net user repeated": "net user a ".repeat(Math.floor(N / 11)),
  "vault login flags": `vault login ${"-a ".repeat(Math.floor(N / 3))}`,
  "xml keys without a value": '<a key="password" '.repeat(Math.floor(N / 18)),
  "a long xml attribute": `<a ${"a".repeat(N)}`,
  "7z flags repeated": "7z -p".repeat(Math.floor(N / 5)),
  "openssl flags repeated": "openssl -k ".repeat(Math.floor(N / 11)),
  "a password-shaped url user": `https://${"aB1".repeat(Math.floor(N / 3))}@x`,
  "a hex url user": `https://${"0a".repeat(Math.floor(N / 2))}@x`,
  "hex url users repeated": "a://0a1b2c3d4e5f6a7b8c9d".repeat(Math.floor(N / 23)),
  "rows under a csv key column": `a,key\n${"b,Zx9Yw8Vu7Ts6Rq5P\n".repeat(Math.floor(N / 19))}`,
  "aligned key rows": `  a  key\n${"0  Zx9Yw8Vu7Ts6Rq5P\n".repeat(Math.floor(N / 20))}`,
  "aligned many key columns": `  ${"key  ".repeat(Math.floor(N / 10))}\n${"0  Zx9Yw8Vu7Ts6Rq5P\n".repeat(Math.floor(N / 40))}`,
  "html many key columns rows": `<tr>${"<th>key</th>".repeat(Math.floor(N / 24))}</tr>\n${"<tr><td>x</td></tr>\n".repeat(Math.floor(N / 40))}`,
  "tok names repeated": "?tok=".repeat(Math.floor(N / 5)),
  "tok aligned values": `tok  ${"Zx9Yw8Vu7Ts6Rq5P  ".repeat(Math.floor(N / 18))}`,
  "netrc tuple long password": `('a', '', '${"A1b".repeat(Math.floor(N / 3))}`,
  "netrc tuples open": "('a', None, 'x".repeat(Math.floor(N / 15)),
  "pgpass escaped colons": `${"\\:".repeat(Math.floor(N / 2))}:5432:*:a:b`,
  "pgpass escaped hosts": `${"0\\:".repeat(7)}:1:a:b:c\n`.repeat(Math.floor(N / 30)),
  "xml key element long": `<AKey>${"a".repeat(N)}`,
  "xml signature elements open": "<SignatureProvided>".repeat(Math.floor(N / 19)),
  annotations: `secret\n${" └ 'Zx9Yw8Vu7Ts6Rq5P'\n".repeat(Math.floor(N / 22))}`,
  "annotation long bars": `secret = 1\n${"│".repeat(N)}└ x`,
  "csv padded rows": `a,key\n${"b, Zx9Yw8Vu7Ts6Rq5P\n".repeat(Math.floor(N / 21))}`,
  "url lowercase users": "a://k3j4h5g6f7d8s9a0".repeat(Math.floor(N / 20)),
  "sensitive outputs open": '"sensitive": true, "a": "b",'.repeat(Math.floor(N / 28)),
  "sensitive long value": `"sensitive": true, "value": "${"a".repeat(N)}`,
  "secret payload long": `payload {\n data: "${"a".repeat(N)}`,
  "signature labels repeated": "Signature:\n".repeat(Math.floor(N / 11)),
  "listed user flags open": "'-u', 'a:".repeat(Math.floor(N / 9)),
  "listed user long password": `['-u', 'a:${"b".repeat(N)}`,
  "lftp users repeated": "lftp -u ".repeat(Math.floor(N / 8)),
  "lftp long password": `lftp -u a,${"b".repeat(N)}`,
  "bcp flags repeated": "bcp -P ".repeat(Math.floor(N / 7)),
  // Round 12: a user and a password side by side, paths, Basic pairs base64-encoded, dicts in calls.
  "pairs open": "('a', 'A1b".repeat(Math.floor(N / 10)),
  "pair long password": `('a', '${"A1b".repeat(Math.floor(N / 3))}`,
  "pair long identifier": `['a', b'${"A1_b".repeat(Math.floor(N / 4))}']`,
  "pairs with slashes": ", 'a', 'A1bC2d/".repeat(Math.floor(N / 16)),
  "path many folders": `password = '/${"a/".repeat(Math.floor(N / 2))}A'`,
  "path spaces open": `password = '${"a ".repeat(Math.floor(N / 2))}/'`,
  "basic pairs base64": "YWRhOkhxN3ZSMm1YOWtMcA== ".repeat(Math.floor(N / 25)),
  "dict in call": `${"f({'password': 'x', 'a': 'b', ".repeat(Math.floor(N / 30))}})`,
  "name record long name": `{"name": "${"a_token".repeat(Math.floor(N / 7))}`,
  "name records open": '"key": "tokens", "value": "x'.repeat(Math.floor(N / 28)),
  "add masks repeated": "::add-mask::".repeat(Math.floor(N / 12)),
  "percent names repeated": "%3Fpassword%3D%22".repeat(Math.floor(N / 18)),
  "user password lines": "a:Kx8mP2qZ9vL4x\n".repeat(Math.floor(N / 16)),
  "user password long user": `\n${"a".repeat(N)}:Kx8mP2qZ9vL4`,
  "user password colons": `\na:${"b:".repeat(Math.floor(N / 2))}`,
  "use words after password": `password\n${"use ".repeat(Math.floor(N / 4))}`,
  "user flags with equals": " -u=a -p=".repeat(Math.floor(N / 9)),
  "cut value dotted run": "a.b-c_".repeat(Math.floor(N / 6)),
  "cut value quoted names": "'a.pw".repeat(Math.floor(N / 5)),
  "cut value closed long": `pw="${"a".repeat(1999)}"`.repeat(Math.floor(N / 2004)),
  "httpie auth without a colon": `http ${"-a a ".repeat(Math.floor(N / 5))}`,
  "smbclient users without a percent": "smbclient -U a".repeat(Math.floor(N / 14)),
  "ssh-keygen flags": `ssh-keygen ${"-p ".repeat(Math.floor(N / 3))}`,
  "here-string openers": `password ${"<<".repeat(Math.floor(N / 2))}`,
  "expect sends": `expect "password${"\nsend".repeat(Math.floor(N / 5))}`,
  "echo pipes into sudo": `${"echo a | ".repeat(Math.floor(N / 9))}sudo -S`,
  // Round 5: brackets read past string literals, base64 read as text, labels.
  "pairs with open literals": "auth = [('a', '(".repeat(Math.floor(N / 16)),
  "an unclosed literal of brackets": `password = ['${"a(".repeat(N / 2)}`,
  "escaped quotes in a list": `x=['${"\\'".repeat(N / 2)}]`,
  "lone quotes in a tuple": `password = (${"it's ".repeat(N / 5)})`,
  "list starts in literals": "a=['".repeat(N / 4),
  "pair literals never closed": `auth: [(${"'a', ".repeat(N / 5)}`,
  "call literals with commas": `f(${"'a,' ".repeat(N / 5)})`,
  "one long base64 run": "QUFB".repeat(N / 4),
  "base64 runs at the cap": `${"QUFB".repeat(2000)} `.repeat(Math.floor(N / 8001)),
  "many base64 runs holding a name": "cGFzc3dvcmQ6IHg= ".repeat(Math.floor(N / 17)),
  "headings without a value": "# password\n".repeat(Math.floor(N / 11)),
  "a heading then a long word": `# password\n\n${"a".repeat(N)}`,
  "html labels without a value": "<dt>password</dt>".repeat(Math.floor(N / 17)),
  "an html label then a long value": `<dt>password</dt><dd>${"a".repeat(N)}`,
  "triple quotes never closed": 'password = """\n'.repeat(Math.floor(N / 15)),
  "a triple quote then a long body": `token_x = """\n${"a".repeat(N)}`,
  "a long query key name": `?${"a".repeat(N)}_key=`,
  "join pieces never closed": `password = "".join([${"'a', ".repeat(N / 5)}`,
  "name lines in a row": "API_KEY=\n".repeat(Math.floor(N / 9)),
  "label lines in a row": "a b c password:\n".repeat(Math.floor(N / 16)),
  "a name line then a long word": `password:\n${"a".repeat(N)}`,
  "name lines then open calls": "password:\nx(".repeat(Math.floor(N / 12)),
  "a continued name line then a long name": `token=\\\n${"a_".repeat(N / 2)}=`,
  // Round 6: names run together, quoted, a header's scheme, a word password, Fernet.
  "glued name lines in a row": "myApiKey:\n".repeat(Math.floor(N / 10)),
  "a long word glued to a name": `${"a".repeat(N)}Password:\nletmein`,
  "words then a long glued name": `ab_cd_ef_${"a".repeat(N)}Token:\n`,
  "quoted name lines in a row": '"apiKey":\n'.repeat(Math.floor(N / 10)),
  "bearer lines in a row": "Authorization: Bearer\n".repeat(Math.floor(N / 22)),
  "word passwords in a row": "password:\nletmein\n".repeat(Math.floor(N / 18)),
  "a name line then a long camel word": `password:\n${"aB".repeat(N / 2)}`,
  "a long printable base64 run": `${"VGhl".repeat(N / 4)}=`,
  "base64 sentences": "VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHQ= ".repeat(Math.floor(N / 45)),
  "env names then spaces": "DB_PASSWORD ".repeat(Math.floor(N / 12)),
  "a long env name then a value": `${"A".repeat(N)}_TOKEN x1234567\n`,
  "env lines in a row": "GITHUB_TOKEN abcd1234efgh\n".repeat(Math.floor(N / 26)),
  "zero widths in names": "pass\u200bword = 'x1234567' ".repeat(Math.floor(N / 26)),
  "a full-width run": "\uff30".repeat(N),
  "snake names then spaces": "db_password ".repeat(Math.floor(N / 12)),
  "a long snake name then a value": `${"a_".repeat(N / 2)}token x1234567\n`,
  "snake arrows in a row": "db_password -> x1234567\n".repeat(Math.floor(N / 24)),
  "a tight arrow then a long value": `DB_PASSWORD->${"x".repeat(N)}(`,
  "tight arrows in a row": "db_token->x1234567\n".repeat(Math.floor(N / 19)),
  "tags and no-break spaces": "\u{e0061}\u00a0".repeat(Math.floor(N / 3)),
  // Round 7: commands printing a secret, name-value lines of any case, labels in markup,
  // look-alike letters.
  "printer commands without output": "$ op read x\n".repeat(Math.floor(N / 12)),
  "a printer's long command line": `$ vault kv get ${"-a ".repeat(Math.floor(N / 3))}`,
  "a printer's long cat path": `$ cat ${"a".repeat(N)}password\n`,
  "printer pipes without base64": "$ kubectl get secret x | ".repeat(Math.floor(N / 25)),
  "mixed-case names then spaces": "Db_Password ".repeat(Math.floor(N / 12)),
  "a mixed-case value then a long comment": `Db_Password x1 # ${"a ".repeat(Math.floor(N / 2))}`,
  "markdown labels without a value": "**password** ".repeat(Math.floor(N / 13)),
  "latex labels without a value": "\\text{password} = ".repeat(Math.floor(N / 18)),
  "arrow labels without a value": "password -> ".repeat(Math.floor(N / 12)),
  "look-alike words": "p\u0430ss ".repeat(Math.floor(N / 5)),
  "a long look-alike word": "p\u0430".repeat(Math.floor(N / 2)),
  // Round 8: HTML character references, names split in two, hex .pgpass hosts, OAuth
  // codes, cookie jars, braced ODBC values.
  "html references in a row": "&amp;".repeat(Math.floor(N / 5)),
  "an html reference nested once": `&${"amp;".repeat(Math.floor(N / 4))}`,
  "html quoted keys never closed": "&quot;password&quot;: &quot;".repeat(Math.floor(N / 28)),
  "html equals without a value": "password&#61;".repeat(Math.floor(N / 13)),
  "split names without a value": "api key = ".repeat(Math.floor(N / 10)),
  "a split name then a long dotted run": `api key = ${"a.".repeat(N / 2)}-`,
  "split password names in a row": "pass word: ".repeat(Math.floor(N / 11)),
  "a hex pgpass host then a long field": `cafe:1:${"a".repeat(N)}`,
  "hex pgpass hosts in a row": "cafe:5432:db:ada:\n".repeat(Math.floor(N / 18)),
  "oauth codes without a value": "?code=".repeat(Math.floor(N / 6)),
  "an oauth code's long value": `&code=${"aB1".repeat(Math.floor(N / 3))}`,
  "cookie jar entries never closed": "<Cookie a=".repeat(Math.floor(N / 10)),
  "a cookie jar's long value": `<Cookie a=${"b".repeat(N)}`,
  "cookie reprs never closed": "Cookie(version=0, name='".repeat(Math.floor(N / 25)),
  "odbc escaped braces never closed": `;Pwd={${"}}".repeat(N / 2)}`,
  "odbc braces in a row": ";Pwd={".repeat(Math.floor(N / 6)),
  "odd-case names in a row": "PaSsWoRd=x1 ".repeat(Math.floor(N / 12)),
  "basic encodes never closed": "b64encode(b'".repeat(Math.floor(N / 12)),
  "a basic encode's long password": `b64encode(b'a:${"b".repeat(N)}`,
  "key lines without a footer": `${`${"aB3d".repeat(16)}\n`.repeat(Math.floor(N / 65))}private key-----`,
  "key blocks in a row": `${"aB3d\n-\n".repeat(Math.floor(N / 7))}-----END PRIVATE KEY-----`,
  "key lines with crlf": `${`${"aB3d".repeat(16)}\r\n`.repeat(Math.floor(N / 66))}private key-----`,
  // Round 9: braced ODBC values anywhere, Oracle easy connect, a key's body without its
  // BEGIN/END lines, slugs after a key's name, escapes read before the rules, Kubernetes
  // Secrets, decoders, prose after a token's name, YAML anchors.
  "pwd braces after blanks": " Pwd={".repeat(Math.floor(N / 6)),
  "a pwd brace then semicolons": `Pwd={${"a;".repeat(N / 2)}`,
  "oracle slashes in a row": `${"a/".repeat(N / 2)}@//x`,
  "oracle pairs without a host": `${" a/b".repeat(N / 4)}@x:1`,
  "key body lines then dashes": `${`${"aB3d".repeat(16)}\n`.repeat(Math.floor(N / 65))}-----`,
  "key body words on one line": `${"aB3d".repeat(12)} `.repeat(Math.floor(N / 49)),
  "key body lines then a short line": `${`${"aB3d".repeat(16)}\n`.repeat(Math.floor(N / 65))}ab`,
  "key body lines apart": `${"aB3d".repeat(16)}\n \n`.repeat(Math.floor(N / 67)),
  "slugs after key names": "API key: see-step-2 ".repeat(Math.floor(N / 20)),
  "a slug's long value": `API key: ${"ab-".repeat(Math.floor(N / 3))}`,
  "percent escapes in a row": "%3D".repeat(Math.floor(N / 3)),
  "percent password escapes": `password${"%25".repeat(Math.floor(N / 3))}`,
  "unicode escapes in a row": "\\u0077".repeat(Math.floor(N / 6)),
  "manifest entries": `kind: Secret\ndata:\n${"  a: b\n".repeat(Math.floor(N / 7))}`,
  "a manifest's json never closed": `"kind": "Secret", "data": {${'"a": "'.repeat(Math.floor(N / 6))}`,
  "manifest data in a row": `"kind": "Secret", ${'"data": {'.repeat(Math.floor(N / 10))}`,
  "manifest data lines": `kind: Secret\n${"data:\n".repeat(Math.floor(N / 6))}`,
  "decoder calls never closed": "password = bytes.fromhex('".repeat(Math.floor(N / 26)),
  "prose words after token names": "token: valid ".repeat(Math.floor(N / 13)),
  "yaml anchors in a row": "api_key: &a ".repeat(Math.floor(N / 12)),
  "crypt heads in a row": "$6$".repeat(Math.floor(N / 3)),
  "crypt long salts": `$6$a$${"b$".repeat(Math.floor(N / 2))}`,
  "django hash fields": `pbkdf2_sha256$${"1$".repeat(Math.floor(N / 2))}`,
  "random runs in a row": `${"aB3d".repeat(8)} `.repeat(Math.floor(N / 33)),
  "a random run too long": "aB3".repeat(Math.floor(N / 3)),
  "a random run then a long line": `${"aB3d".repeat(8)}\n${"aB3d".repeat(Math.floor(N / 4))}`,
  "placeholders then lines": "«redacted: x»\n".repeat(Math.floor(N / 14)),
  "a placeholder then a long line": `«redacted: x»\n${"aB3".repeat(Math.floor(N / 3))} x`,
  "hex one long run": "41".repeat(Math.floor(N / 2)),
  "hex runs in a row": `${"4142".repeat(8)} `.repeat(Math.floor(N / 33)),
  "digest without a response": `Digest ${"a".repeat(N)}`,
  "digest responses never closed": "Digest response=".repeat(Math.floor(N / 16)),
  "plist keys without a value": "<key>password</key>".repeat(Math.floor(N / 19)),
  "a plist's long value": `<key>token</key><string>${"a".repeat(N)}`,
  "mac calls never closed": "hmac.new(b'".repeat(Math.floor(N / 11)),
  "a jwt call's long payload": `jwt.encode(${"a".repeat(N)}`,
  "jwt calls never closed": "jwt.encode(a, '".repeat(Math.floor(N / 15)),
  "shortened keys never closed": "ghp_a1b2c3...".repeat(Math.floor(N / 13)),
  "protocol-relative users": `${"//a:".repeat(Math.floor(N / 4))}x@h`,
  "key word values never closed": "key='a1#".repeat(Math.floor(N / 8)),
  "setx names repeated": "setx PASSWORD ".repeat(Math.floor(N / 14)),
  // Probe 5: keys split across literals, echoed .pgpass lines.
  "joined literals repeated": 'x = "abcd1234" "efgh5678" '.repeat(Math.floor(N / 26)),
  "joined f-strings never closed": 'f"a{'.repeat(Math.floor(N / 4)),
  "joined lists never closed": '"".join(["abcd", '.repeat(Math.floor(N / 17)),
  "echoed .pgpass line never closed": `echo '${"a:1:b:c:".repeat(Math.floor(N / 8))}`,
};
for (const [name, text] of Object.entries(cases)) {
  test(`a long adversarial line is redacted: ${name}`, () => {
    // The rules themselves, on the whole line (redactText reads MAX_TEXT_CHARS).
    const start = process.cpuUsage();
    assert.ok(new Redactor().text(text).length > 0);
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    assert.ok(seconds < CPU_PER_CHAR * text.length, `${seconds} s of CPU: quadratic on this text?`);
  });
}

test("a value that is its own name with trailing commas or semicolons is still kept", () => {
  assert.equal(keepsUnquoted("token,;", false, "cfg.token"), true);
  assert.equal(keepsUnquoted("token;x", false, "token"), false);
});

test("the rules changed for this still hide what they hid", () => {
  assert.equal(redactText("env: DB_PASSWORD=Zq8wL3vN7pX2").text.includes("Zq8wL3vN7pX2"), false);
  assert.equal(redactText("localhost:5432:mydb:ada:hunter2x").text.includes("hunter2x"), false);
  const html = "<table><tr><th>password</th></tr><tr><td>hunter2x</td></tr></table>";
  assert.equal(redactText(html).text.includes("hunter2x"), false);
  for (const [text, secret] of [
    ["--password=hunter2x1", "hunter2x1"],
    ["x-api-key: Zq8wL3vN7pX2kR", "Zq8wL3vN7pX2kR"],
    ["foo--password=hunter2x", "hunter2x"],
    ["x-redis://:pw1234@h:6379", "pw1234"],
    ["smtplib.SMTP('smtp.x.com').login('me@x.com', 'Hunter2pw')", "Hunter2pw"],
  ]) {
    assert.equal(redactText(text).text.includes(secret), false, text);
  }
});

test("a quoted value on the next line is still hidden", () => {
  for (const text of ['password = \\\n  "Hunt3rXy9q"', 'password =  \n  "Hunt3rXy9q"', 'pw = (\n "Hunt3rXy9q"']) {
    assert.equal(redactText(text).text.includes("Hunt3rXy9q"), false, text);
  }
});

test("heredoc bodies are still hidden, and bodies past the limits are not read as one", () => {
  for (const [text, body] of [
    ["password = <<EOF\nHunt3rXy9q\r\nEOF\n", "Hunt3rXy9q"],
    ["private_key = <<-EOT\n  a1b2c3d4\n  e5f6\n  eot\nx", "a1b2c3d4"],
    ["PASSWORD=$(cat <<'END'\nHunt3rXy9q\nEND\n)", "Hunt3rXy9q"],
    [`password = <<EOF\n${"a\n".repeat(39)}Hunt3rXy9q\nEOF`, "Hunt3rXy9q"],
    ["token = <<EOF\npassword = <<EOF\nHunt3rXy9q\nEOF\nEOF", "Hunt3rXy9q"],
  ]) {
    assert.equal(redactText(text).text.includes(body), false, text);
  }
  const rule = RULES.valueRules.find((r) => "heredoc" in r);
  assert.ok(rule);
  const head = new RegExp(rule.pattern, "gi");
  for (const text of [
    `password = <<EOF\n${"a\n".repeat(40)}Hunt3rXy9q\nEOF`,
    `password = <<EOF\n${"a".repeat(1001)}\nHunt3rXy9q\nEOF`,
    "password = <<EOF\nHunt3rXy9q\nEOF\r",
    "description = <<EOT\nHunt3rXy9q\nEOT",
  ]) {
    assert.deepEqual(heredocBodies(head, text), [], text);
  }
  assert.deepEqual(heredocBodies(head, "x\npassword = <<EOF\nab\r\nEOF\n"), [[19, 21]]);
});

// The whole policy: ~90 linear rules on a megabyte of their trigger words took a second.
const WORDS = "password token secret key api_key passwd pwd auth credential login bearer use: name= ";
const megabyte: Record<string, string> = {
  "trigger words": WORDS.repeat(Math.ceil(1_000_000 / WORDS.length)).slice(0, 1_000_000),
  "assignments without a value": "password = ".repeat(90_910).slice(0, 1_000_000),
  "words then prose": WORDS + "lorem ipsum dolor sit amet ".repeat(37_000),
};
for (const [name, line] of Object.entries(megabyte)) {
  test(`a megabyte line is read only to the text budget: ${name}`, (t) => {
    const read: number[] = [];
    const real = Redactor.prototype.text;
    t.mock.method(Redactor.prototype, "text", function (this: Redactor, value: string) {
      read.push(value.length);
      return real.call(this, value);
    });
    const { text } = redactText(line);
    assert.ok(Math.max(...read) <= MAX_TEXT_CHARS + REDACT_MARGIN);
    assert.ok(text.length <= MAX_TEXT_CHARS + 40);
    assert.ok(text.endsWith(" more chars]"));
  });
}

test("the text budget hides a secret at its cut and shows short texts whole", () => {
  const secret = "Zq8wL3vN7pX2kR5t";
  for (let offset = -40; offset <= 40; offset += 8) {
    const lead = "lorem ipsum ".repeat(Math.floor((MAX_TEXT_CHARS - 30 + offset) / 12));
    const { text, count } = redactText(`${lead}password = "${secret}"\n${"y ".repeat(60_000)}`);
    assert.equal(count, 1, String(offset));
    for (let k = 4; k <= secret.length; k++) assert.equal(text.includes(secret.slice(0, k)), false, String(offset));
  }
  const whole = `${"lorem ipsum ".repeat(Math.floor(MAX_TEXT_CHARS / 12) - 3)}token = "${secret}"`;
  assert.ok(whole.length <= MAX_TEXT_CHARS);
  const { text, count } = redactText(whole);
  assert.equal(count, 1);
  assert.ok(!text.includes("more chars]") && text.startsWith("lorem ipsum lorem"));
});
