/**
 * The context policy on the JupyterLab side: secrets hidden, results bounded.
 *
 * The rules are not written here: `redaction-rules.generated.ts` is rendered from the
 * Python table (`jupyter_chatkit.context_policy.rules`), and both sides are tested
 * against one fixture table of secrets (tests/fixtures/secrets.json). The server applies
 * the same policy again, with the configured keys, before anything reaches the model;
 * this copy keeps secrets out of what the browser sends and stores in the first place.
 */

import { RULES } from "./redaction-rules.generated";

export { MAX_RESULT_CHARS, REDACT_MARGIN, RESULT_BUDGET, bound } from "./bound";
import { REDACT_MARGIN, RESULT_BUDGET, bound } from "./bound";

const flagsOf = (f: string, extra = ""): string => `g${f.includes("i") ? "i" : ""}${extra}`;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A pattern matching any of `words`, branching by first character (a flat alternation
 * is tried word by word at every position of the text). Mirrors Python's `_trie`. */
function trie(words: readonly string[]): string {
  const heads = new Map<string, string[]>();
  for (const word of words) if (word) heads.set(word[0], [...(heads.get(word[0]) ?? []), word.slice(1)]);
  const branches = [...heads].map(([c, rest]) => escapeRe(c) + trie(rest));
  if (!branches.length) return "";
  const body = branches.length === 1 ? branches[0] : `(?:${branches.join("|")})`;
  return words.includes("") ? `(?:${body})?` : body;
}
/** One scan for "does the text hold any of these" (a loop of `includes` per trigger
 * cost more than the rules on most short strings). */
const anyOf = (words: readonly string[]): RegExp => new RegExp(trie([...new Set(words)].sort()));

const SECRET_NAME = new RegExp(RULES.secretNamePattern);
const VALUE_RULES = RULES.valueRules.map((r) => {
  const extra = r as { min_distinct?: number; min_text?: number; check?: string };
  return {
    kind: r.kind,
    group: r.group,
    re: new RegExp(r.pattern, flagsOf(r.flags)),
    // Null: tried on every text.
    trigger: r.triggers.length ? anyOf(r.triggers as readonly string[]) : null,
    minDistinct: extra.min_distinct ?? 0,
    minText: extra.min_text ?? 0,
    random: extra.check === "random",
  };
});
const ANY_VALUE_TRIGGER = anyOf(RULES.valueTriggers);
// Most texts hold no trigger: only the rules without one are looked at then.
const UNTRIGGERED = VALUE_RULES.filter((r) => r.trigger === null);
const ANY_NAME_TRIGGER = anyOf(RULES.nameTriggers);
const QUOTED = new RegExp(RULES.quotedAssignment, "g");
const BARE = new RegExp(RULES.bareAssignment, "gm");
const BARE_PREFIXES = ["%env", "%set_env", "export", "set "];
const ENV_ALLOW = new Set<string>(RULES.envAllowNames);
// CSI (colours, cursor moves), OSC (titles, hyperlinks) and two-byte escape sequences.
const ANSI_RE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const INLINE = new RegExp(RULES.inlineAssignment, "g");
const KEEP_VALUE = new RegExp(RULES.keepValue);
const CODE_VALUE = new RegExp(RULES.codeValue);
const TYPE_VALUE = new RegExp(RULES.typeValue);
const SHORT_NAME = new RegExp(RULES.shortNameValue);
const CALL = new RegExp(RULES.callArguments, "g");
const ARGUMENT = new RegExp(RULES.callArgument, "g");
const KEYWORD_ARGUMENT = /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=(?!=)/;
const CREDENTIAL_CALLS = new Set<string>(RULES.credentialCalls);
const CONNECT_CALLS = new Set<string>(RULES.connectCalls);
const NON_CREDENTIAL_CALLS = new Set<string>(RULES.nonCredentialCalls);
// A text needs "(", a quote and one of these for the call rule to be tried.
const NAME_LIKE = new RegExp(RULES.nameLikeValue);

/** A string naming a secret as a list item or argument: `"password"`, `"--token"`. */
function namesASecret(item: string): boolean {
  return item.length <= 100 && isSecretName(item.replace(/^-+/, ""));
}

/** Indices of the strings of a list that follow one naming a secret (`["--password", "x"]`,
 * a row `["password", "x"]`); in a list of 3+ names a name-like item is one more name. */
function pairHides(items: unknown[]): Set<number> {
  const out = new Set<number>();
  const many = items.length >= 3;
  for (let k = 0; k + 1 < items.length; k++) {
    const item = items[k];
    const after = items[k + 1];
    if (typeof item !== "string" || typeof after !== "string" || !after || !namesASecret(item)) continue;
    const flag = item.startsWith("-");
    if ((many && !flag && NAME_LIKE.test(after)) || after.startsWith(RULES.placeholderOpen)) continue;
    if (namesASecret(after) || after.startsWith("-")) continue;
    out.add(k + 1);
  }
  return out;
}
const CALL_TRIGGER = anyOf([...RULES.nameTriggers, "login", "connect", "bind", "ftp", "redis", "sign"]);
const PAIRED = new RegExp(RULES.pairedContainer, "g");
const ALIAS = new RegExp(RULES.aliasAssignment, "gm");
const FSTRING_PREFIX = new RegExp(RULES.fstringPrefix);
const FSTRING_FIELD = new RegExp(RULES.fstringField, "g");
const FSTRING_RUN = new RegExp(RULES.fstringRun, "g");
const HASH_CONTEXT = new RegExp(RULES.hashContext, "i");
const HEX_DIGEST = new RegExp(RULES.hexDigest);
const PLACEHOLDER_VALUE = new RegExp(RULES.placeholderValue, "i");
const PROSE_VALUE = new RegExp(RULES.proseValue, "i");
const TEMPLATE_VALUE = new RegExp(RULES.templateValue);
const KEEP_NAMES = new Set(["None", "True", "False", "null", "undefined", "nil", "self", "this"]);
const HTML_TOKEN = new RegExp(RULES.htmlToken, "g");
const SPLIT_COLUMNS = new RegExp(RULES.splitColumns, "g");
const SPLIT_DATA = new RegExp(RULES.splitData);
const NEXT_ROW = new RegExp(`\\s*(?:,\\s*)?${RULES.listRow}`, "y");
const STRUCTURED_DTYPE = new RegExp(RULES.structuredDtype, "g");
const DTYPE_NAME = /\([ \t]*['"]([^'"\n]{1,100})['"]/g;
const TUPLE_ROW = new RegExp(RULES.tupleRow, "g");

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

/** Variables a secret-named one is set from in `text` (`password = S`). */
export function aliases(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(ALIAS)) {
    const last = m[1].split(".").pop() ?? m[1];
    if (m[2] !== last && !KEEP_NAMES.has(m[2]) && isSecretName(last)) found.add(m[2]);
  }
  return found;
}

/** A hex digest named as one right before it (`sha256 = "e3b0…"`). */
function isDigest(secret: string, before: string): boolean {
  return HEX_DIGEST.test(secret) && HASH_CONTEXT.test(before.slice(-64));
}

/** Positions of the secret-named literals of a list of names, and how many items. */
function secretPositions(body: string): [Set<number>, number] {
  const positions = new Set<number>();
  let position = 0;
  for (const t of body.matchAll(ARGUMENT)) {
    if (t[0] === ",") position += 1;
    else if (t[1] && isSecretName(t[0].slice(1, -1))) positions.add(position);
  }
  return [positions, position + 1];
}

type Edit = [number, number, string];

/** `text` with each [start, end, new] span replaced (spans do not overlap). */
function applyEdits(text: string, edits: Edit[]): string {
  if (!edits.length) return text;
  edits.sort((a, b) => a[0] - b[0]);
  const pieces: string[] = [];
  let done = 0;
  for (const [start, end, replacement] of edits) {
    pieces.push(text.slice(done, start), replacement);
    done = end;
  }
  pieces.push(text.slice(done));
  return pieces.join("");
}
const KEYISH = new RegExp(RULES.keyishNamePattern);
const RANDOM = new RegExp(RULES.highEntropyValue);
const QUALIFIERS = new Set<string>(RULES.secretNameQualifiers);
const WEAK_QUALIFIERS = new Set<string>(RULES.weakQualifiers);
const CREDENTIAL = new RegExp(RULES.credentialValue);
const LABEL_NAME = new RegExp(RULES.labelName);
const CONTAINER = new RegExp(RULES.containerAssignment, "g");
const STRING = new RegExp(RULES.stringLiteral, "g");
const CONTINUED = new RegExp(RULES.continuedString, "g");
const DELIMITERS = RULES.tableDelimiters.map((d) => new RegExp(`(${d})`));
const HEADER_FIELD = new RegExp(RULES.tableHeaderField);
const RULE_ROW = new RegExp(RULES.tableRuleRow);
const SERIES_FOOTER = new RegExp(RULES.seriesFooter);
const YAML_BLOCK_KEY = new RegExp(RULES.yamlBlockKey);
const BARE_ALIGNED_HEADER = new RegExp(RULES.bareAlignedHeader);
const ALIGNED_KEY_VALUE = new RegExp(RULES.alignedKeyValue);
const POLARS_DTYPES =
  /^│(?:\s*(?:str|i8|i16|i32|i64|u8|u16|u32|u64|f32|f64|bool|date|datetime\[\S+\]|null|cat|list\[\S+\]|struct\[\d+\]|binary|decimal\[\S+\]|object|time|duration\[\S+\])\s*[│┆])+$/;

/** Text without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_RE, "");
}

const isUpper = (name: string): boolean => name === name.toUpperCase() && name !== name.toLowerCase();

/** `X-Api-Key` → `x_api_key`, `dbPassword` → `db_password` (as Python does). */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

/** True when a name (variable, key, column, environment variable) marks a secret. */
export function isSecretName(name: unknown): boolean {
  if (typeof name !== "string" || !name || name.length > 200) return false;
  const normal = normalizeName(name);
  const cut = normal.lastIndexOf("_");
  // auth_method, token_type: about a secret, not one.
  if (cut > 0 && QUALIFIERS.has(normal.slice(cut + 1))) return false;
  return SECRET_NAME.test(normal);
}

/** True for names that hold a key only sometimes (`STRIPE_KEY`, `sas`). */
export function isKeyishName(name: unknown): boolean {
  if (typeof name !== "string" || !name || name.length > 200) return false;
  return KEYISH.test(normalizeName(name));
}

/** How often a value switches between upper case, lower case and digits. */
function switches(value: string): number {
  return (value.slice(0, 200).match(/(?<=[A-Z])(?=[a-z0-9])|(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Za-z])/g) ?? []).length;
}

/** Random-looking with no name beside it: often switching case and digits, or
 * digit-rich without the underscores of an identifier (a hex key). */
function looksGenerated(value: string): boolean {
  if (!looksRandom(value)) return false;
  const digits = (value.slice(0, 200).match(/[0-9]/g) ?? []).length;
  return switches(value) >= 6 || (digits >= 4 && !value.includes("_"));
}

/** True for a value shaped like a generated key (16+ key characters, digits, mixed). */
export function looksRandom(value: string): boolean {
  return value.length <= 4096 && RANDOM.test(value);
}

/** A secret name, or a key-ish name holding a random-looking string. */
export function isSecretPair(name: unknown, value: unknown): boolean {
  if (typeof name !== "string") return false;
  if (isSecretName(name)) return true;
  if (typeof value !== "string") return false;
  if (isKeyishName(name) && looksRandom(value)) return true;
  // `session_token_header = "abc123def456"`: a qualifier that also holds secrets.
  const normal = normalizeName(name);
  const cut = normal.lastIndexOf("_");
  return (
    cut > 0 &&
    WEAK_QUALIFIERS.has(normal.slice(cut + 1)) &&
    isSecretName(normal.slice(0, cut)) &&
    value.length <= 4096 &&
    CREDENTIAL.test(value)
  );
}

/** An unquoted value under a secret name that is no secret (a flag, a short number, code). */
export function keepsUnquoted(value: string, constant: boolean, name = "", sep = ""): boolean {
  if (KEEP_VALUE.test(value.toLowerCase()) || PLACEHOLDER_VALUE.test(value)) return true;
  if (constant) return false;
  if (CODE_VALUE.test(value) || SHORT_NAME.test(value)) return true;
  if (sep.includes(":") && !sep.includes("=") && TYPE_VALUE.test(value)) return true;
  return name !== "" && trimEndOf(value, ",;") === (name.split(".").pop() ?? name);
}

/** `text` without the characters of `chars` at its end (Python's rstrip). `/[,;]+$/`
 * backtracked from every run of them: 80,000 ";" before ":x" took 2.4 s. */
function trimEndOf(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1])) end -= 1;
  return text.slice(0, end);
}

/** True for environment variables whose values are harmless (PATH, HOME, ...). */
export function isEnvAllowed(name: string): boolean {
  return ENV_ALLOW.has(name) || RULES.envAllowPrefixes.some((p) => name.startsWith(p));
}

/** The text left where a secret was. */
export function marker(what: string): string {
  return `${RULES.placeholderOpen}${what}${RULES.placeholderClose}`;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;
// Secret names that usually hold an object, not a secret (`session.get(url).text`).
const OBJECT_NAMES = new Set(["session", "sess", "cookies", "cookie", "auth"]);
const ASSIGNMENT_LINE = /^\s*[A-Za-z_][A-Za-z0-9_.[\]'", ]*(?<![=!<>])=(?!=)/;

/**
 * True when a cell's last line names a secret (`%env DB_PASSWORD`, `print(token)`,
 * `os.environ["API_KEY"]`): what the cell prints or returns may be that secret.
 * Mirrors Python's `names_secret`.
 */
export function namesSecret(source: string): boolean {
  const lines = source.slice(-2000).split(/\r?\n|\r/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    if (ASSIGNMENT_LINE.test(line)) return false; // `x = ...` shows nothing
    return (line.slice(0, 500).match(WORD) ?? []).some((w) => isSecretName(w) && !OBJECT_NAMES.has(normalizeName(w)));
  }
  return false;
}

/** A one-line output of a cell that `namesSecret`, as a placeholder (flags, short
 * numbers and empty outputs stay). */
export function hideShownSecret(text: string): string {
  const inner = text.trim();
  const bare = inner.replace(/^['"]+|['"]+$/g, "");
  if (!inner || inner.includes("\n") || inner.length > 2000 || bare.startsWith(RULES.placeholderOpen)) return text;
  if (KEEP_VALUE.test(bare.toLowerCase())) return text;
  return marker(`str, ${bare.length.toLocaleString("en-US")} chars`);
}

function describeHidden(value: unknown): string {
  if (typeof value === "string") return `str, ${value.length.toLocaleString("en-US")} chars`;
  if (Array.isArray(value)) return `list, ${value.length} items`;
  if (value && typeof value === "object") return `dict, ${Object.keys(value).length} items`;
  return typeof value === "number" ? (Number.isInteger(value) ? "int" : "float") : typeof value;
}

const VALUE_KEYS = new Set(["value", "preview", "repr", "head", "items"]);

/** Applies the rules and counts what it hid. */
export class Redactor {
  count = 0;
  /** When set: `data` cuts longer strings (and lists) to this many before redacting. */
  cut = 0;
  private nested = 0;

  /** `text` with known key shapes and `name = "value"` assignments of secrets hidden. */
  text(input: string): string {
    // Terminal colour codes mean nothing to the model and can hide a secret's shape.
    let value = input.includes("\x1b") ? stripAnsi(input) : input;
    if (value.length < 6) return value;
    const lower = value.toLowerCase();
    const triggered = ANY_VALUE_TRIGGER.test(lower);
    for (const rule of triggered ? VALUE_RULES : UNTRIGGERED) {
      if (value.length < rule.minText) continue;
      if (rule.trigger && !rule.trigger.test(lower)) continue;
      value = value.replace(rule.re, (...args: unknown[]) => {
        const whole = args[0] as string;
        const secret = (rule.group ? args[rule.group] : whole) as string | undefined;
        if (!secret || secret.startsWith(RULES.placeholderOpen)) return whole;
        if (rule.minDistinct && new Set(secret).size < rule.minDistinct) return whole;
        if (rule.random && !looksGenerated(secret)) return whole;
        if (PLACEHOLDER_VALUE.test(secret)) return whole;
        const at = whole.lastIndexOf(secret);
        if (rule.random) {
          const all = args[args.length - 1] as string;
          const offset = args[args.length - 2] as number;
          if (isDigest(secret, all.slice(Math.max(0, offset - 24), offset + at))) return whole;
        }
        this.count += 1;
        return whole.slice(0, at) + marker(rule.kind) + whole.slice(at + secret.length);
      });
    }
    const named = ANY_NAME_TRIGGER.test(lower);
    const assigns = value.includes("=") || value.includes(":") || BARE_PREFIXES.some((p) => lower.includes(p));
    if (assigns && named) {
      const found = value.includes("=") ? aliases(value) : new Set<string>();
      value = value.replace(QUOTED, (whole, name: string, sep: string, quote: string, secret: string) => {
        const last = name.split(".").pop() ?? name;
        if (secret.includes(RULES.placeholderOpen)) return whole;
        if (!isSecretPair(last, secret)) {
          // `KeyError: "{'password': 'x'}"`: quotes inside the value were read as part of
          // it; its own assignments are looked at once more (twice at most).
          if (this.nested < 2 && (secret.includes("'") || secret.includes('"')) && secret.length > 6) {
            this.nested += 1;
            let inner: string;
            try {
              inner = this.text(secret);
            } finally {
              this.nested -= 1;
            }
            if (inner !== secret) return `${name}${sep}${quote}${inner}${quote}`;
          }
          return whole;
        }
        // `class Token:` then a docstring: only `"key":` and `name =` go on to the next line.
        if (sep.includes("\n") && !sep.includes("=") && !"'\"".includes(sep.charAt(0) || "x")) return whole;
        if (PLACEHOLDER_VALUE.test(secret) || TEMPLATE_VALUE.test(secret) || (FSTRING_PREFIX.test(sep) && fstringKeeps(secret))) {
          return whole;
        }
        this.count += 1;
        return `${name}${sep}${quote}${marker(`str, ${secret.length} chars`)}${quote}`;
      });
      value = value.replace(BARE, (whole, prefix: string, name: string, sep: string, secret: string) => {
        if (secret.includes(RULES.placeholderOpen) || !isSecretPair(name, secret)) return whole;
        const magic = prefix.trim() !== "";
        if (!sep.trim() && !magic) return whole;
        if (keepsUnquoted(secret, magic || isUpper(name), name, sep)) return whole;
        this.count += 1;
        return `${prefix}${name}${sep}${marker(`str, ${secret.length} chars`)}`;
      });
      value = value.replace(INLINE, (whole, name: string, sep: string, secret: string, at: number, all: string) => {
        const last = name.split(".").pop() ?? name;
        if (!isSecretPair(last, secret) || LABEL_NAME.test(name)) return whole;
        // `token = b64encode(x)`, `auth=token["a"]`: code.
        // `f"..."`: a string prefix.
        const follows = at + whole.length < all.length ? all.charAt(at + whole.length) : "";
        if (follows && ("([.".includes(follows) || ("'\"".includes(follows) && /^(?:[fbru]|rb|br|fr|rf)$/i.test(secret)))) return whole;
        // `cookie: Cookie,` in a signature: a type.
        if ((follows === "," || follows === ")") && !sep.includes("=") && /^[A-Z][A-Za-z0-9_]*$/.test(secret)) return whole;
        if (keepsUnquoted(secret, isUpper(name), name, sep)) return whole;
        // `Password: must have 12 characters`: prose.
        if (PROSE_VALUE.test(secret) && / +[A-Za-z]/y.test(all.slice(at + whole.length, at + whole.length + 40))) return whole;
        this.count += 1;
        return `${name}${sep}${marker(`str, ${secret.length} chars`)}`;
      });
      value = value.replace(CONTAINER, (whole, name: string, sep: string, bracket: string, body: string) => {
        if (!isSecretName(name.split(".").pop() ?? name) || LABEL_NAME.test(name)) return whole;
        return `${name}${sep}${bracket}${this.literals(body)}`;
      });
      if (found.size) value = this.aliased(value, found);
    }
    if (
      (value.includes("(") || value.includes("[")) &&
      (value.includes('"') || value.includes("'")) &&
      CALL_TRIGGER.test(lower)
    ) {
      value = value.replace(CALL, (whole, callee: string | undefined, opener: string, args: string) =>
        this.call(whole, callee ?? "", opener, args),
      );
      if (named && value.includes(",")) {
        value = value.replace(PAIRED, (whole, quote: string, name: string, comma: string, bracket: string, body: string) => {
          if (!namesASecret(name)) return whole;
          return `${quote}${name}${quote}${comma}${bracket}${this.literals(body)}`;
        });
      }
    }
    if (named && (value.includes("columns") || value.includes("dtype=["))) value = this.positionalRows(value);
    // One line too: `| password | x |`, `password,x`.
    if ((value.includes("\n") || value.length <= 2000) && named) value = this.tables(value);
    if ((lower.includes("<tr") || lower.includes("<th")) && named) value = this.htmlTables(value);
    if (value.includes(RULES.placeholderOpen)) value = this.continued(value);
    return value;
  }

  /**
   * String literals passed by position where a credential goes (`login(user, pw)`,
   * `connect(host, user, pw)`, `Creds("ada", "pw")`), and any literal after one naming
   * a secret (`putenv("DB_PASSWORD", "x")`). Mirrors Python's `_replace_call`.
   */
  private call(whole: string, calleeName: string, opener: string, args: string): string {
    // `x["a"]` indexes and `[...]` lists have no callee: only the pair rule.
    const callee = opener === "(" ? normalizeName(calleeName.split(".").pop() ?? "") : "";
    let first = 0;
    // A secret-named callee with one literal (`SecretStr("x")`): that one is it;
    // `login("ada")` names only the user.
    let alone = false;
    if (CONNECT_CALLS.has(callee)) first = 2;
    else if (CREDENTIAL_CALLS.has(callee)) first = 1;
    else if (!NON_CREDENTIAL_CALLS.has(callee) && isSecretName(callee)) {
      first = 1;
      alone = true;
    }
    const pieces: string[] = [];
    const literals: [number, number][] = [];
    const namedSecret = new Set<number>();
    const flags = new Set<number>(); // positions after a `--flag`: its value, whatever it looks like
    let position = 0;
    let keyword = false;
    for (const token of args.matchAll(ARGUMENT)) {
      const text = token[0];
      if (text === ",") {
        position += 1;
        keyword = false;
      } else if (token[1]) {
        if (!keyword) {
          literals.push([pieces.length, position]);
          if (namesASecret(text.slice(1, -1))) {
            namedSecret.add(position + 1);
            if (text.charAt(1) === "-") flags.add(position + 1);
          }
        }
      } else if (KEYWORD_ARGUMENT.test(text)) {
        keyword = true;
      }
      pieces.push(text);
    }
    alone = alone && position === 0 && literals.length === 1;
    const many = literals.length >= 3;
    let hidden = 0;
    for (const [index, pos] of literals) {
      const item = pieces[index].slice(1, -1);
      const paired =
        namedSecret.has(pos) &&
        !(many && !flags.has(pos) && NAME_LIKE.test(item)) &&
        !namesASecret(item) &&
        !item.startsWith("-");
      if ((first && (pos >= first || alone)) || paired) {
        const literal = pieces[index];
        const inner = literal.slice(1, -1);
        if (inner && !inner.includes(RULES.placeholderOpen)) {
          pieces[index] = `${literal[0]}${marker(`str, ${inner.length.toLocaleString("en-US")} chars`)}${literal[0]}`;
          hidden += 1;
        }
      }
    }
    if (!hidden) return whole;
    this.count += hidden;
    return `${calleeName}${opener}${pieces.join("")}`;
  }

  /** Every string literal of `body` hidden. */
  private literals(body: string): string {
    return body.replace(STRING, (literal, quote: string, secret: string) => {
      if (!secret || secret.includes(RULES.placeholderOpen)) return literal;
      this.count += 1;
      return `${quote}${marker(`str, ${secret.length.toLocaleString("en-US")} chars`)}${quote}`;
    });
  }

  /** String literals assigned to the variables a secret-named one is set from. */
  private aliased(text: string, names: Set<string>): string {
    const alternatives = [...names].sort().slice(0, 50).map(escapeRe).join("|");
    const re = new RegExp(
      `(?<![A-Za-z0-9_.])((?:${alternatives})[ \\t]*(?::=|=)[ \\t]*[rbuRBUfF]{0,2})(['"])((?:(?!\\2)[^\\n\\\\]|\\\\.){1,2000})\\2`,
      "g",
    );
    return text.replace(re, (whole, head: string, quote: string, secret: string) => {
      if (secret.includes(RULES.placeholderOpen)) return whole;
      this.count += 1;
      return `${head}${quote}${marker(`str, ${secret.length.toLocaleString("en-US")} chars`)}${quote}`;
    });
  }

  /** Values by position under names said elsewhere: `to_json(orient="split")` and numpy
   * structured arrays and records. Mirrors Python's `_positional_rows`. */
  private positionalRows(text: string): string {
    const edits: Edit[] = [];
    if (text.includes("columns")) {
      for (const columns of text.matchAll(SPLIT_COLUMNS)) {
        const [positions, count] = secretPositions(columns[1]);
        const data = positions.size ? SPLIT_DATA.exec(text) : null;
        if (!data) continue;
        NEXT_ROW.lastIndex = data.index + data[0].length;
        for (let found = NEXT_ROW.exec(text); found; found = NEXT_ROW.exec(text)) {
          const body = found[1];
          edits.push(...this.rowEdits(body, found.index + found[0].length - 1 - body.length, positions, count));
        }
        break;
      }
    }
    if (text.includes("dtype=[")) {
      let start = 0;
      for (const dtype of text.matchAll(STRUCTURED_DTYPE)) {
        const names = [...dtype[1].matchAll(DTYPE_NAME)].map((m) => m[1]);
        const positions = new Set(names.flatMap((n, k) => (isSecretName(n) ? [k] : [])));
        const at = dtype.index ?? 0;
        if (positions.size) {
          const segment = text.slice(start, at);
          for (const found of segment.matchAll(TUPLE_ROW)) {
            edits.push(...this.rowEdits(found[1], start + (found.index ?? 0) + 1, positions, names.length));
          }
        }
        start = at + dtype[0].length;
      }
    }
    return applyEdits(text, edits);
  }

  private rowEdits(body: string, offset: number, positions: Set<number>, count: number): Edit[] {
    const tokens = [...body.matchAll(ARGUMENT)];
    if (tokens.filter((t) => t[0] === ",").length + 1 !== count) return [];
    const edits: Edit[] = [];
    let position = 0;
    for (const token of tokens) {
      const text = token[0];
      if (text === ",") {
        position += 1;
        continue;
      }
      if (!positions.has(position) || !text.trim()) continue;
      let replacement: string;
      if (token[1]) {
        const inner = text.slice(1, -1);
        if (!inner || inner.includes(RULES.placeholderOpen)) continue;
        this.count += 1;
        replacement = `${text[0]}${marker(`str, ${inner.length.toLocaleString("en-US")} chars`)}${text[0]}`;
      } else {
        replacement = this.hideCell(text);
      }
      if (replacement !== text) edits.push([offset + (token.index ?? 0), offset + (token.index ?? 0) + text.length, replacement]);
    }
    return edits;
  }

  private continued(input: string): string {
    let text = input;
    // Each pass hides one more literal of a chain: bounded by the chain's length.
    for (let i = 0; i < 50; i++) {
      const clean = text.replace(CONTINUED, (_whole, head: string, glue: string, quote: string, secret: string) => {
        this.count += 1;
        return `${head}${glue}${quote}${marker(`str, ${secret.length} chars`)}`;
      });
      if (clean === text) return text;
      text = clean;
    }
    return text;
  }

  /** Cells of secret-named columns (and key/value rows) of HTML tables hidden: one scan
   * of tokens; a row stands between `<tr>`/`</tr>`/`<thead>`… tags, or on one line outside
   * `<tr>`. Mirrors Python's `_html_tables`. */
  private htmlTables(text: string): string {
    const rows: RegExpMatchArray[][] = [];
    let row: RegExpMatchArray[] = [];
    let inside = false;
    for (const token of text.matchAll(HTML_TOKEN)) {
      if (token[3] !== undefined) {
        row.push(token);
        continue;
      }
      const tag = token[2];
      if (tag === undefined && inside) continue; // a newline inside <tr>
      if (row.length) {
        rows.push(row);
        row = [];
      }
      if (tag === "tr") inside = !token[1];
      else if (tag !== undefined) {
        inside = false;
        if (tag === "table" && token[1]) rows.push([]); // a table's header applies to its own rows only
      }
    }
    if (row.length) rows.push(row);
    const edits: Edit[] = [];
    let secret = new Set<number>();
    for (const cells of rows) {
      if (!cells.length) {
        secret = new Set();
        continue;
      }
      const names = cells.map((c) => c[4].trim());
      if (cells.every((c) => c[3].startsWith("<th")) && names.some((n) => n && isSecretName(n))) {
        secret = new Set(names.flatMap((n, k) => (n && isSecretName(n) ? [k] : [])));
        continue;
      }
      const hide = new Set(secret);
      const filled = names.flatMap((n, k) => (n ? [k] : []));
      if (filled.length === 2 && isSecretName(names[filled[0]])) hide.add(filled[1]); // <th>password</th><td>x</td>
      for (const k of hide) {
        if (k >= cells.length || !names[k]) continue;
        const cell = cells[k];
        const at = (cell.index ?? 0) + cell[3].length;
        const replacement = this.hideCell(cell[4]);
        if (replacement !== cell[4]) edits.push([at, at + cell[4].length, replacement]);
      }
    }
    return applyEdits(text, edits);
  }

  /** `api_token    x  y` (a Series, a transposed frame): the values after a name. */
  private alignedKeyValue(line: string): string | null {
    if (line.length > 2000 || !line.includes("  ")) return null;
    const found = ALIGNED_KEY_VALUE.exec(line);
    if (!found || !isSecretName(found[1])) return null;
    const parts = found[3].split(/( {2,})/);
    for (let k = 0; k < parts.length; k += 2) parts[k] = this.hideCell(parts[k]);
    const row = found[1] + found[2] + parts.join("");
    return row !== line ? row : null;
  }

  /** `password,x` / `| password | x |`: a two-field row naming a secret. */
  private keyValueRow(line: string): string | null {
    if (line.length > 2000) return null;
    for (const delimiter of DELIMITERS) {
      const parts = line.split(delimiter);
      const fields = parts.filter((_, k) => k % 2 === 0);
      const filled = fields.flatMap((f, k) => (f.trim() ? [k] : []));
      if (filled.length !== 2) continue;
      const name = fields[filled[0]].trim().replace(/^['"*`]+|['"*`]+$/g, "");
      const value = fields[filled[1]].trim().replace(/^['"*`]+|['"*`]+$/g, "");
      if (!HEADER_FIELD.test(name) || !isSecretName(name) || isSecretName(value)) return null;
      const k = 2 * filled[1];
      const hidden = this.hideCell(parts[k]);
      if (hidden === parts[k]) return null;
      parts[k] = hidden;
      return parts.join("");
    }
    return null;
  }

  /** Cells of secret-named columns hidden in CSV/TSV/Markdown/polars/pandas text. */
  private tables(text: string): string {
    const lines = text.split("\n");
    let changed = false;
    let i = 0;
    while (i < lines.length) {
      const block = lines[i].includes(":") ? YAML_BLOCK_KEY.exec(lines[i]) : null;
      if (block && isSecretName(block[2])) {
        const [next, hid] = this.yamlBlock(lines, i + 1, block[1].length, Boolean(block[3]));
        changed = changed || hid;
        i = next;
        continue;
      }
      const footer = SERIES_FOOTER.exec(lines[i]);
      if (footer && isSecretName(footer[1].trim())) {
        changed = this.seriesValues(lines, i) || changed;
        i += 1;
        continue;
      }
      const pair = this.keyValueRow(lines[i]) ?? this.alignedKeyValue(lines[i]);
      if (pair !== null) {
        lines[i] = pair;
        changed = true;
        i += 1;
        continue;
      }
      const row = this.delimitedHeader(lines[i]) ?? this.alignedHeader(lines[i]);
      i += 1;
      if (!row) continue;
      while (i < lines.length && lines[i].trim()) {
        const out = row(lines[i]);
        if (out === null) break;
        if (out !== lines[i]) {
          lines[i] = out;
          changed = true;
        }
        i += 1;
      }
    }
    return changed ? lines.join("\n") : text;
  }

  /** The value lines under `password: |` (all) or `tokens:` (`- item` lines), more
   * indented than the key; returns where the block ends and if it hid any. */
  private yamlBlock(lines: string[], start: number, indent: number, scalar: boolean): [number, boolean] {
    let changed = false;
    let i = start;
    for (; i < lines.length; i++) {
      const line = lines[i];
      const body = line.replace(/^[ \t]+/, "");
      if (!body) continue;
      if (line.length - body.length <= indent && !(body.startsWith("- ") && !scalar)) break;
      let hidden: string;
      if (scalar) hidden = this.hideCell(line);
      else if (body.startsWith("- ")) hidden = line.slice(0, line.length - body.length + 2) + this.hideCell(body.slice(2));
      else break; // a nested mapping: its own keys say what they hold
      if (hidden !== line) {
        lines[i] = hidden;
        changed = true;
      }
    }
    return [i, changed];
  }

  private hideCell(cell: string): string {
    const inner = cell.trim().replace(/^['"]+|['"]+$/g, "");
    if (!inner || RULE_ROW.test(inner) || inner.includes(RULES.placeholderOpen)) return cell;
    if (KEEP_VALUE.test(inner.toLowerCase())) return cell;
    this.count += 1;
    const lead = cell.slice(0, cell.length - cell.trimStart().length);
    const trail = cell.slice(cell.trimEnd().length);
    return `${lead}${marker(`str, ${inner.length.toLocaleString("en-US")} chars`)}${trail}`;
  }

  private delimitedHeader(line: string): ((row: string) => string | null) | null {
    const lower = line.toLowerCase();
    if (line.length > 2000 || !ANY_NAME_TRIGGER.test(lower)) return null;
    for (const delimiter of DELIMITERS) {
      const fields = line.split(delimiter).filter((_, k) => k % 2 === 0);
      if (fields.length < 2) continue;
      // A LaTeX row ends with `\\`.
      const names = fields.map((f) => trimEndOf(f.trim(), "\\").trim().replace(/^['"]+|['"]+$/g, ""));
      if (!names.every((n) => !n || HEADER_FIELD.test(n))) continue;
      const secret = names.flatMap((n, k) => (n && isSecretName(n) ? [k] : []));
      if (!secret.length) continue;
      const count = fields.length;
      return (text: string) => {
        const parts = text.split(delimiter);
        // A rule row (`╞═══╡`) has no delimiter; anything else ends the table.
        if (Math.ceil(parts.length / 2) !== count) return RULE_ROW.test(text) ? text : null;
        if (POLARS_DTYPES.test(text)) return text;
        for (const k of secret) parts[2 * k] = this.hideCell(parts[2 * k]);
        return parts.join("");
      };
    }
    return null;
  }

  private alignedHeader(line: string): ((row: string) => string | null) | null {
    // pandas' repr: cells right-aligned under names separated by 2+ spaces.
    if (!(line.startsWith("  ") || BARE_ALIGNED_HEADER.test(line)) || line.length > 2000 || /[=:()"']/.test(line)) return null;
    const lower = line.toLowerCase();
    if (!ANY_NAME_TRIGGER.test(lower)) return null;
    const tokens = [...line.matchAll(/\S+/g)];
    const spans: [number, number][] = [];
    tokens.forEach((t, k) => {
      const end = (t.index ?? 0) + t[0].length;
      if (isSecretName(t[0])) spans.push([k ? (tokens[k - 1].index ?? 0) + tokens[k - 1][0].length : 0, end]);
    });
    if (!spans.length) return null;
    const width = line.length;
    return (text: string) => {
      // pandas pads every row to the header's width: a row far wider is not one of this
      // table's (and scanning it once per column would be quadratic).
      if (text.length > 2 * width + 200) return null;
      // Right to left, each scan stops where the cell to its right began: read once.
      const cells: [number, number][] = [];
      let stop = text.length;
      for (const [start, end0] of [...spans].reverse()) {
        let end = Math.min(end0, stop);
        while (end < stop && !/\s/.test(text[end])) end += 1;
        let begin = end;
        while (begin > start && !(text[begin - 1] === " " && text.slice(begin - 2, begin) === "  ")) begin -= 1;
        cells.push([begin, end]);
        stop = begin;
      }
      const pieces: string[] = [];
      let done = 0;
      for (const [begin, end] of cells.reverse()) {
        const cell = text.slice(begin, end);
        pieces.push(text.slice(done, begin), cell.trim() ? this.hideCell(cell) : cell);
        done = end;
      }
      pieces.push(text.slice(done));
      return pieces.join("");
    };
  }

  private seriesValues(lines: string[], footer: number): boolean {
    let changed = false;
    for (let j = footer - 1; j >= 0 && lines[j].trim() && footer - j <= 1000; j--) {
      const trimmed = lines[j].trim();
      const gap = /\s{2,}/.exec(trimmed);
      const value = gap ? trimmed.slice(gap.index + gap[0].length) : "";
      if (value && value !== "...") {
        lines[j] = lines[j].slice(0, lines[j].lastIndexOf(value)) + this.hideCell(value);
        changed = true;
      }
    }
    return changed;
  }

  /** A copy of JSON-ready `value` with secrets hidden, by key name and in text. */
  data(value: unknown, depth = 0): unknown {
    if (typeof value === "string") {
      if (!this.cut || value.length <= this.cut) return this.text(value);
      return `${this.text(value.slice(0, this.cut))}… [${(value.length - this.cut).toLocaleString("en-US")} more chars]`;
    }
    if (depth > 40 || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) {
      const more = this.cut ? value.length - this.cut : 0;
      const out = (more > 0 ? value.slice(0, this.cut) : value).map((v) => this.data(v, depth + 1));
      for (const k of pairHides(out)) {
        this.count += 1;
        out[k] = marker(describeHidden(out[k]));
      }
      if (more > 0) out.push(`… ${more.toLocaleString("en-US")} more items not shown`);
      return out;
    }
    const obj = value as Record<string, unknown>;
    const entrySecret = isSecretName(obj.name) && obj.type !== "class";
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(obj)) {
      const keep =
        item === null || item === undefined || item === true || item === false || item === "" ||
        (typeof item === "string" && item.startsWith(RULES.placeholderOpen));
      if ((isSecretPair(key, item) || (entrySecret && VALUE_KEYS.has(key))) && !keep) {
        this.count += 1;
        out[key] = marker(describeHidden(item));
      } else {
        out[key] = this.data(item, depth + 1);
      }
    }
    return out;
  }
}

/** `text` with secrets hidden (and how many). */
export function redactText(text: string): { text: string; count: number } {
  const r = new Redactor();
  const clean = r.text(text);
  return { text: clean, count: r.count };
}

const DEFAULT_HINT =
  "Cut to fit the size limit; ask for less (a name_filter, fewer cells, or one variable) to see the rest.";

/** A tool result as the front end sends it: redacted, bounded, with `redacted: N`. */
export function policyResult(result: unknown, hint = ""): Record<string, unknown> {
  // Strings past what the budget can show are cut before redaction (plus a margin, so a
  // secret across the cut still matches whole): the walk stays bounded.
  const redactor = new Redactor();
  redactor.cut = RESULT_BUDGET + REDACT_MARGIN;
  const clean = redactor.data(result);
  const obj: Record<string, unknown> =
    clean && typeof clean === "object" && !Array.isArray(clean)
      ? { ...(clean as Record<string, unknown>) }
      : { result: clean };
  delete obj.redacted;
  // The kernel's data note names the «redacted: …» marker: counted, every kernel result
  // read "1 value hidden". The server frames the result again (as Python's tool_result).
  delete obj.untrusted_data;
  const body = bound(obj, RESULT_BUDGET, hint || DEFAULT_HINT) as Record<string, unknown>;
  const redacted = JSON.stringify(body).split(RULES.placeholderOpen).length - 1;
  return { ...body, redacted };
}
