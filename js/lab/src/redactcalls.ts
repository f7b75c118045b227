/**
 * Secrets passed by position and literals set beside a secret's name: `login(user, pw)`,
 * `connect(host, user, pw)`, `Creds("ada", "pw")`, `putenv("DB_PASSWORD", "x")`, a row
 * `["password", "x"]`, and the literals a secret-named variable is built from. Mirrors
 * Python's `context_policy/calls.py`; a layer of the `Redactor` (redact.ts).
 */

import { chars } from "./codepoints";
import { CALL_ARGUMENT, CREDENTIAL_VALUE, KEYWORD_ARGUMENT, STRING_LITERAL } from "./redactcompiled";
import { RULES } from "./redaction-rules.generated";
import { LooseRedaction } from "./redactloose";
import {
  escapeRe,
  holdsShortPassword,
  isKeyishName,
  isLoginAndPassword,
  isSecretName,
  isUserKeyedPassword,
  looksLikeAnnotation,
  looksRandom,
  marker,
  namesWords,
  normalizeName,
  PLACEHOLDER_VALUE,
} from "./redactnames";
import { afterUnpackingNames, hideUnpacked } from "./redactunpack";

const CREDENTIAL_CALLS = new Set<string>(RULES.credentialCalls);
const CONNECT_CALLS = new Set<string>(RULES.connectCalls);
const KEY_CALLS = new Set<string>(RULES.keyCalls);
const DECODE_CALLS = new Set<string>(RULES.decodeCalls);
const RANDOM_KEY_CALLS = new Set<string>(RULES.randomKeyCalls);
const RANDOM_KEY_SUFFIX = new RegExp(RULES.randomKeyCallSuffix);
const ASSIGNED_BEFORE = new RegExp(RULES.assignedBefore);
const ENV_VARIABLE = new RegExp(RULES.envVariableName);
const NON_CREDENTIAL_CALLS = new Set<string>(RULES.nonCredentialCalls);
// `get_secret("prod/db")`: a getter's argument names where the secret is.
const GETTER_CALL = new RegExp(RULES.getterCall);
const NAME_LIKE = new RegExp(RULES.nameLikeValue);
// A record's field name (`"username"`, `"host"`): a name, never a secret's value.
const FIELD_NAME = new RegExp(RULES.fieldNameValue);
// After a literal naming a secret, a numpy dtype is that field's type (`[('password', 'U40')]`).
const DTYPE = new RegExp(RULES.dtypeValue);
const SCHEMA_KEYWORDS = new Set<string>(RULES.schemaKeywords);
// `"type": "string"`, `"format": "date-time"`, `"title": "Api Key"`: a JSON schema
// keyword's words (letters, blanks and hyphens).
const SCHEMA_WORD_KEY = /(['"])(?:type|format|title|description)\1[ \t]*:[ \t]*$/;
const SCHEMA_WORD = /^[A-Za-z][A-Za-z -]{0,100}$/;

/** True for a literal that indexes a mapping (`os.environ['PASS']`, `cfg["pw"]`): a key's
 * name, not a value (containers.py's _subscript). */
function subscript(text: string, at: number, length: number): boolean {
  return at >= 2 && text[at - 1] === "[" && /[A-Za-z0-9_)\]]/.test(text[at - 2]) && text[at + length] === "]";
}

/** A string naming a secret as a list item or argument: `"password"`, `"--token"`. */
const ASSIGNED_ITEM = new RegExp(RULES.assignedItem);

/** Also `"API_KEY="`; not one holding its own value (`'db_password = "x"'`: a file's line). */
export function namesASecret(item: string): boolean {
  return item.length <= 100 && !ASSIGNED_ITEM.test(item) && isSecretName(item.replace(/^-+/, ""));
}

/** Indices of the strings of a list that follow one naming a secret (`["--password", "x"]`,
 * a row `["password", "x"]`); in a list of 3+ names a name-like item is one more name. */
export function pairHides(items: unknown[]): Set<number> {
  const out = new Set<number>();
  const many = items.length >= 3;
  // `["Kx8mP2qZ9v#", "ada"]`: the pair the other way round.
  const [first, second] = items;
  if (items.length === 2 && typeof first === "string" && typeof second === "string") {
    if (isLoginAndPassword(second, first)) out.add(0);
    // A kernel's dict item `["'ada'", "Kx8mP2qZ9v#"]`: a login's password.
    else if (/^(['"]).*\1$/.test(first) && first.length >= 2 && isUserKeyedPassword(first.slice(1, -1), second)) out.add(1);
  }
  for (let k = 0; k + 1 < items.length; k++) {
    const item = items[k];
    const after = items[k + 1];
    if (typeof item !== "string" || typeof after !== "string" || !after) continue;
    if (isLoginAndPassword(item, after)) {
      out.add(k + 1); // `["ada", "Kx8mP2qZ9vL4"]`: a user and its password (the text rule's pair)
      continue;
    }
    if (holdsShortPassword(item, after)) {
      out.add(k + 1); // `["p", "sunshine7"]`: a one-letter name and its password
      continue;
    }
    if (!namesASecret(item)) continue;
    const flag = item.startsWith("-");
    if ((many && !flag && NAME_LIKE.test(after)) || after.startsWith(RULES.placeholderOpen)) continue;
    if (!flag && FIELD_NAME.test(after)) continue;
    if (namesASecret(after) || after.startsWith("-") || DTYPE.test(after) || PLACEHOLDER_VALUE.test(after) || looksLikeAnnotation(after)) continue;
    if (namesWords(item) && !CREDENTIAL_VALUE.test(after)) continue;
    out.add(k + 1);
  }
  return out;
}

/** True when the call at `start` is set to a secret's or a key's name (`signing_key = f(`,
 * `key=f(`, `"aes_key": f(`). */
function setToSecret(text: string, start: number): boolean {
  const before = ASSIGNED_BEFORE.exec(text.slice(Math.max(0, start - 120), start));
  return before !== null && (isSecretName(before[1]) || isKeyishName(before[1]));
}

/** Hides literals passed or set where a credential goes (a layer of the `Redactor`). */
export class CallRedaction extends LooseRedaction {
  /**
   * String literals passed by position where a credential goes (`login(user, pw)`,
   * `connect(host, user, pw)`, `Creds("ada", "pw")`), and any literal after one naming
   * a secret (`putenv("DB_PASSWORD", "x")`). Mirrors Python's `_replace_call`.
   */
  protected call(whole: string, calleeName: string, opener: string, args: string, offset = 0, text = ""): string {
    // `x["a"]` indexes and `[...]` lists have no callee: only the pair rule.
    const callee = opener === "(" ? normalizeName(calleeName.split(".").pop() ?? "") : "";
    let first = 0;
    // A secret-named callee with one literal (`SecretStr("x")`): that one is it;
    // `login("ada")` names only the user.
    let alone = false;
    // `wandb.login("…")`: the last two parts name a key's call too (calls.py).
    const qualified = calleeName.split(".").slice(-2).map(normalizeName).join(".");
    const key = opener === "(" && (KEY_CALLS.has(callee) || KEY_CALLS.has(qualified));
    if (key) first = 1; // and the first literal: the key
    else if (CONNECT_CALLS.has(callee)) first = 2;
    else if (CREDENTIAL_CALLS.has(callee)) first = 1;
    else if (DECODE_CALLS.has(callee) && setToSecret(text, offset)) {
      first = 1; // `signing_key = bytes.fromhex("…")`
      alone = true;
    }
    else if (!NON_CREDENTIAL_CALLS.has(callee) && !GETTER_CALL.test(callee) && isSecretName(callee)) {
      first = 1;
      alone = true;
    }
    const pieces: string[] = [];
    let literals: [number, number][] = [];
    const namedSecret = new Set<number>();
    // Positions after a key-ish variable's name (`getenv("KAGGLE_KEY", "…")`): random-looking
    // values only (`getenv("SORT_KEY", "created_at")` stays).
    const keyish = new Set<number>();
    if (opener === "(" && (RANDOM_KEY_CALLS.has(callee) || RANDOM_KEY_SUFFIX.test(callee))) keyish.add(0); // `TimeSeries("Q7ZK…")`: a random-looking first literal
    const words = new Set<number>(); // positions after `"token"`: a text's words, most often
    const flags = new Set<number>(); // positions after a `--flag`: its value, whatever it looks like
    // Positions holding a dict (`environ({'API_TOKEN': 'x', 'HOME': '/home/ada'})`): a
    // literal, `:`, a literal. Its pairs are the quoted rule's (calls.py).
    const dicts = new Set<number>();
    let colon = -1; // the position where a `:` followed a literal
    let position = 0;
    let keyword = false;
    for (const token of args.matchAll(CALL_ARGUMENT)) {
      const text = token[0];
      if (text === ",") {
        position += 1;
        keyword = false;
      } else if (token[1]) {
        if (colon === position) dicts.add(position);
        if (!keyword) {
          literals.push([pieces.length, position]);
          const inner = text.slice(1, -1);
          if (ENV_VARIABLE.test(inner) && isKeyishName(inner)) keyish.add(position + 1);
          if (namesASecret(inner)) {
            namedSecret.add(position + 1);
            if (namesWords(text.slice(1, -1))) words.add(position + 1);
            if (text.charAt(1) === "-") flags.add(position + 1);
          }
        }
      } else if (KEYWORD_ARGUMENT.test(text)) {
        // `environ.get("PGPASSWORD", default="x")`: a secret's default is one (calls.py).
        // `Secret(value="x")`: a secret holder's value given by keyword.
        keyword = !(
          ((namedSecret.has(position) || keyish.has(position)) && /^\s*(?:default|fallback)\s*=(?!=)/.test(text)) ||
          (alone && /^\s*(?:value|secret_value|secret_string|plaintext)\s*=(?!=)/.test(text))
        );
      }
      if (text.includes(":") && !token[1] && literals.length && literals[literals.length - 1][1] === position) {
        colon = position;
      }
      pieces.push(text);
    }
    if (dicts.size) {
      literals = literals.filter(([, pos]) => !dicts.has(pos));
      for (const pos of dicts) namedSecret.delete(pos + 1);
    }
    alone = alone && position === 0 && literals.length === 1;
    const many = literals.length >= 3;
    let hidden = 0;
    for (const [index, pos] of literals) {
      const item = pieces[index].slice(1, -1);
      const paired =
        namedSecret.has(pos) &&
        !(many && !flags.has(pos) && NAME_LIKE.test(item)) &&
        !(!flags.has(pos) && FIELD_NAME.test(item)) &&
        !namesASecret(item) &&
        !item.startsWith("-") &&
        !DTYPE.test(item) &&
        !(words.has(pos) && !CREDENTIAL_VALUE.test(item));
      if ((first && (pos >= first || alone || (key && pos === 0))) || paired || (keyish.has(pos) && looksRandom(item))) {
        const literal = pieces[index];
        const inner = literal.slice(1, -1);
        // `SecretStr("**********")`: a mask, no secret.
        if (inner && !inner.includes(RULES.placeholderOpen) && !PLACEHOLDER_VALUE.test(inner)) {
          pieces[index] = `${literal[0]}${marker(`str, ${chars(inner)} chars`)}${literal[0]}`;
          hidden += 1;
        }
      }
    }
    if (!hidden) return whole;
    this.count += hidden;
    return `${calleeName}${opener}${pieces.join("")}`;
  }

  /** Every string literal of `body` hidden (of `words`, a text's words, only those shaped
   * like a credential). */
  protected literals(body: string, words = false, keyed = false): string {
    return body.replace(STRING_LITERAL, (literal, quote: string, secret: string, at: number) => {
      if (!secret || secret.includes(RULES.placeholderOpen) || subscript(body, at, literal.length)) return literal;
      if (words && !CREDENTIAL_VALUE.test(secret)) return literal;
      if (keyed && /^[ \t]*:/.test(body.slice(at + literal.length, at + literal.length + 40)) && !CREDENTIAL_VALUE.test(secret))
        return literal;
      this.count += 1;
      return `${quote}${marker(`str, ${chars(secret)} chars`)}${quote}`;
    });
  }

  /** The literals of a JSON schema's field under a secret's name (`{"type": "string",
   * "minLength": 12}`): its keywords and a type's or format's word stay, any other hides. */
  protected schemaLiterals(body: string): string {
    return body.replace(STRING_LITERAL, (literal, quote: string, secret: string, at: number) => {
      if (!secret || secret.includes(RULES.placeholderOpen) || subscript(body, at, literal.length)) return literal;
      const key = /^[ \t]*:/.test(body.slice(at + literal.length, at + literal.length + 40));
      const keep = key
        ? SCHEMA_KEYWORDS.has(secret)
        : SCHEMA_WORD_KEY.test(body.slice(Math.max(0, at - 40), at)) && SCHEMA_WORD.test(secret);
      if (keep) return literal;
      this.count += 1;
      return `${quote}${marker(`str, ${chars(secret)} chars`)}${quote}`;
    });
  }

  /** String literals assigned to the variables a secret-named one is set from. */
  protected aliased(text: string, names: Set<string>, randomOnly = false): string {
    const alternatives = [...names].sort().slice(0, 50).map(escapeRe).join("|");
    const re = new RegExp(
      `(?<![A-Za-z0-9_.])((?:${alternatives})[ \\t]*(?::=|=)[ \\t]*[rbuRBUfF]{0,2})(['"])((?:(?!\\2)[^\\n\\\\]|\\\\.){1,2000})\\2`,
      "g",
    );
    let clean = text.replace(re, (whole, head: string, quote: string, secret: string, at: number) => {
      // `a, b = "ada", "pw"`: `b`'s literal is the second, hidden below.
      if (secret.includes(RULES.placeholderOpen) || afterUnpackingNames(text, at) || (randomOnly && !looksRandom(secret))) return whole;
      this.count += 1;
      return `${head}${quote}${marker(`str, ${chars(secret)} chars`)}${quote}`;
    });
    // A key-ish name's variable (`TimeSeries(key=av)`): its random-looking literal only.
    if (randomOnly) return clean;
    // `a, b = "ada", "pw"`: one of the names last before `=`.
    if (clean.includes(",") && new RegExp(`,[ \\t]*(?:${alternatives})[ \\t]*[)\\]]?[ \\t]*=`).test(clean)) {
      clean = hideUnpacked(
        clean,
        (secret) => {
          this.count += 1;
          return marker(`str, ${chars(secret)} chars`);
        },
        names,
      );
    }
    // `parts = ["sk-", "x"]` before `api_key = "".join(parts)`: every literal.
    const listed = new RegExp(`(?<![A-Za-z0-9_.])((?:${alternatives})[ \\t]*(?::=|=)[ \\t]*[\\[(])([^\\[\\]()\\n]{1,2000})(?=[\\])])`, "g");
    return clean.replace(listed, (_whole, head: string, body: string) => head + this.literals(body));
  }
}
