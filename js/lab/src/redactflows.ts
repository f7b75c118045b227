/**
 * Variables that hold a secret by where they go, not by their name: those a secret-named
 * one is set from (`password = pw`, `api_key = a + b`), and those passed by position where
 * a credential goes: `login(user, pw)`, `HTTPBasicAuth(u, pw)`, `connect(host, user, pw)`,
 * `auth = (user, pw)`, a URL's password field in an f-string (`f"{u}:{pw}@db"`), the
 * variable a call passes after a quoted secret's name (`os.putenv("DB_PASSWORD", pw)`,
 * `setattr(cfg, "api_key", k)`) or a subscript is set to under one
 * (`os.environ["AWS_SECRET_ACCESS_KEY"] = aws`). A literal
 * set to such a variable in the same text is the secret. Mirrors Python's flows.py and
 * the alias helpers of values.py.
 */

import { RULES } from "./redaction-rules.generated";
import { isKeyishName, isSecretName, normalizeName } from "./redactnames";

const ALIAS = new RegExp(RULES.aliasAssignment, "gm");
const ASSIGNED = new RegExp(RULES.assignedExpression, "gm");
const EXPRESSION_PART = new RegExp(RULES.expressionPart, "g");
const FSTRING_NAME = /\{([A-Za-z_][A-Za-z0-9_]*)[!:}]/g;
const FSTRING_FIELD = new RegExp(RULES.fstringField, "g");
const FSTRING_RUN = new RegExp(RULES.fstringRun, "g");
const CALL = new RegExp(RULES.aliasCall, "g");
const URL_FIELD = new RegExp(RULES.urlPasswordField, "g");
const SUBSCRIPT = new RegExp(RULES.subscriptAlias, "gm");
const QUOTED_ARGUMENT = new RegExp(RULES.quotedArgument);
const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GETTER_CALL = new RegExp(RULES.getterCall);
const CREDENTIAL_CALLS = new Set<string>(RULES.credentialCalls);
const CONNECT_CALLS = new Set<string>(RULES.connectCalls);
const KEY_CALLS = new Set<string>(RULES.keyCalls);
const NON_CREDENTIAL_CALLS = new Set<string>(RULES.nonCredentialCalls);
const RANDOM_KEY_CALLS = new Set<string>(RULES.randomKeyCalls);
const RANDOM_KEY_SUFFIX = new RegExp(RULES.randomKeyCallSuffix);
/** A call whose first argument is a key when it looks random (flows.py). */
const randomKeyCall = (callee: string): boolean => RANDOM_KEY_CALLS.has(callee) || RANDOM_KEY_SUFFIX.test(callee);

/** The position of a call's (or an assigned tuple's) first credential, or -1. */
function firstCredential(callee: string, assigned: boolean): number {
  const last = normalizeName(callee.split(".").pop() ?? callee);
  if (NON_CREDENTIAL_CALLS.has(last) || GETTER_CALL.test(last)) return -1;
  if (assigned) return isSecretName(last) ? 1 : -1;
  if (CONNECT_CALLS.has(last)) return 2;
  // `Pinecone(key)`, `wandb.login(key)`: the key first (flows.py).
  const qualified = callee.split(".").slice(-2).map(normalizeName).join(".");
  if (KEY_CALLS.has(last) || KEY_CALLS.has(qualified)) return 0;
  return CREDENTIAL_CALLS.has(last) || isSecretName(last) ? 1 : -1;
}

/** Variables `text` passes by position where a credential goes; into `keyish`, those passed
 * first to a call whose key is a random-looking literal only (`TimeSeries(av)`). */
export function positionalAliases(text: string, keyish?: Set<string>): Set<string> {
  const found = new Set<string>();
  if (text.includes("(")) {
    for (const m of text.matchAll(CALL)) {
      if (keyish && !m[2] && randomKeyCall(normalizeName(m[1].split(".").pop() ?? m[1]))) {
        const name = m[3].split(",")[0].trim();
        if (BARE_NAME.test(name) && !KEEP_NAMES.has(name)) keyish.add(name);
        continue;
      }
      const parts = m[3].split(",");
      if (!m[2] && (m[3].includes("'") || m[3].includes('"'))) for (const name of keyedArguments(parts)) found.add(name);
      const first = firstCredential(m[1], Boolean(m[2]));
      if (first < 0) continue;
      // A key call's key is its first argument only (`OWM(key, config)`).
      for (const argument of first ? parts.slice(first) : parts.slice(0, 1)) {
        const name = argument.trim();
        if (BARE_NAME.test(name) && !KEEP_NAMES.has(name)) found.add(name);
      }
    }
  }
  if (text.includes(":{")) for (const m of text.matchAll(URL_FIELD)) found.add(m[1]);
  if (text.includes("[")) {
    for (const m of text.matchAll(SUBSCRIPT)) if (!KEEP_NAMES.has(m[3]) && isSecretName(m[2])) found.add(m[3]);
  }
  return found;
}

/** The variables a call's arguments pass right after a quoted secret's name
 * (`os.putenv("DB_PASSWORD", pw)`, `environ.setdefault("OPENAI_API_KEY", k)`,
 * `setattr(cfg, "api_key", k)`, `config.set("db", "password", pw)`). Mirrors Python's
 * `_keyed_arguments`. */
function keyedArguments(parts: string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i + 1 < parts.length; i++) {
    const quoted = QUOTED_ARGUMENT.exec(parts[i]);
    const name = parts[i + 1].trim();
    if (quoted && BARE_NAME.test(name) && !KEEP_NAMES.has(name) && isSecretName(quoted[2])) found.push(name);
  }
  return found;
}

const KEEP_NAMES = new Set(["None", "True", "False", "null", "undefined", "nil", "self", "this"]);

/** An f-string under a secret name whose literal text holds no secret
 * (`f"postgres://u:{pw}@h"`): its fields are references. Mirrors Python's `fstring_keeps`. */
export function fstringKeeps(secret: string): boolean {
  if (!secret.includes("{")) return false;
  const rest = secret.replace(FSTRING_FIELD, " ");
  for (const [run] of rest.matchAll(FSTRING_RUN)) {
    if (/[A-Za-z]/.test(run) && /[0-9!#$%^&*]/.test(run)) return false;
  }
  return true;
}

/** Variables a secret-named one is set from in `text` (`password = S`, and its pieces:
 * `api_key = a + b`, `"".join(parts)`, `f"{a}{b}"`), and those passed by position where a
 * credential goes (`login(user, pw)`). Mirrors Python's `aliases`. */
export function aliases(text: string): Set<string> {
  return aliasSets(text)[0];
}

/** `aliases`, and the variables a key-ish name is set from (`TimeSeries(key=av)`,
 * `SpeechConfig(subscription=k)`: a random-looking literal set to one is that key), in one
 * read of `text`. Mirrors Python's `alias_sets`. */
export function aliasSets(text: string): [Set<string>, Set<string>] {
  const keyish = new Set<string>();
  const found = positionalAliases(text, keyish);
  for (const m of text.matchAll(ALIAS)) {
    const last = m[1].split(".").pop() ?? m[1];
    if (m[2] === last || KEEP_NAMES.has(m[2])) continue;
    if (isSecretName(last)) found.add(m[2]);
    else if (isKeyishName(last)) keyish.add(m[2]);
  }
  if (text.includes("+") || text.includes("join(") || text.includes("{")) {
    for (const m of text.matchAll(ASSIGNED)) {
      const last = m[1].split(".").pop() ?? m[1];
      if (isSecretName(last)) for (const n of expressionPieces(m[2])) if (n !== last) found.add(n);
    }
  }
  return [found, keyish];
}

/** The variables an expression of only names, string literals, `+`, `"".join(`, `str(` and
 * f-string fields joins (`a + b`, `"".join([a, b])`, `f"{a}{b}"`); none for anything else
 * (a call: `getpass(prompt)`). Mirrors Python's `expression_pieces`. */
export function expressionPieces(expression: string): string[] {
  const names: string[] = [];
  let joins = false;
  let at = 0;
  let last: string | undefined; // the literal just before (a join's separator)
  for (const part of expression.matchAll(EXPRESSION_PART)) {
    if (part.index !== at) return [];
    at = part.index + part[0].length;
    const [, fstring, , body, joiner, name] = part;
    if (joiner === ".join(" && last) return []; // `" ".join(words)`: words joined, not a secret's pieces
    last = body;
    if (joiner || part[0].includes("+")) joins = true;
    else if (fstring && body !== undefined) {
      const fields = [...body.matchAll(FSTRING_NAME)].map((f) => f[1]);
      // `f"{a}{b}"`, and `f"xK3b…{tail}"`: a key's run beside one field.
      const rest = body.replace(FSTRING_FIELD, " ");
      joins = joins || fields.length >= 2 || (fields.length > 0 && rest.search(FSTRING_RUN) >= 0);
      names.push(...fields);
    } else if (name && !KEEP_NAMES.has(name)) names.push(name);
  }
  return at === expression.trimEnd().length && joins ? names : [];
}
