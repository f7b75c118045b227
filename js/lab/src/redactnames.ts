/**
 * Names and values of the context policy on the JupyterLab side: which names mark a
 * secret, which values under them are no secret, and the marker left where one was.
 * Mirrors Python's context_policy/names.py and the name helpers of redact.py.
 */

import { chars, codeLength } from "./codepoints";
import { ERROR_RULES } from "./error-rules.generated";
import { CREDENTIAL_VALUE } from "./redactcompiled";
import { RULES } from "./redaction-rules.generated";

export const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
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
export const anyOf = (words: readonly string[]): RegExp => new RegExp(trie([...new Set(words)].sort()));

const SECRET_NAME = new RegExp(RULES.secretNamePattern);
const NAME_NUMBER = new RegExp(RULES.nameNumber);
const TEMPLATE_VALUE = new RegExp(RULES.templateValue);
// `passwort`, `пароль`, `数据库密码`: a password's name in another language (foreign_rules.py).
const FOREIGN_NAME = new RegExp(RULES.foreignSecretName, "i");
// Accented, Greek and Cyrillic letters stay in a word, as in names.py's _NON_WORD.
const NON_WORD = new RegExp(`[^${RULES.nameLetters}0-9]+`, "g");
const ENV_ALLOW = new Set<string>(RULES.envAllowNames);
// CSI (colours, cursor moves), OSC (titles, hyperlinks) and two-byte escape sequences,
// and what a cut left of one; then every other control character but tab, newline and
// carriage return: the kernel's patterns (context_policy/error_rules.py).
const ANSI_RE = new RegExp(ERROR_RULES.ansi, "g");
const CONTROL_RE = new RegExp(ERROR_RULES.control, "g");
export const KEEP_VALUE = new RegExp(RULES.keepValue);
const CODE_VALUE = new RegExp(RULES.codeValue);
const TYPE_VALUE = new RegExp(RULES.typeValue);
const ANNOTATION = new RegExp(RULES.annotationValue);
const ANNOTATION_NEXT = new RegExp(RULES.annotationNext, "y");
const CLASS_HEADER = new RegExp(`^${RULES.classHeader}`);
/** A word of a sentence, not a value (`password: optional`, `Password: must have 12`). */
export const PROSE_VALUE = new RegExp(RULES.proseValue, "i");
const SHORT_NAME = new RegExp(RULES.shortNameValue);
export const PLACEHOLDER_VALUE = new RegExp(RULES.placeholderValue, "i");
const KEYISH = new RegExp(RULES.keyishNamePattern);
const ENV_READ = new RegExp(RULES.envReadName, "g");
const RANDOM = new RegExp(RULES.highEntropyValue);
const KEY_NOT_UUID = new RegExp(RULES.keyNotUuidName);
const UUID = new RegExp(RULES.uuidValue);
const QUALIFIERS = new Set<string>(RULES.secretNameQualifiers);
const TOKEN_QUALIFIERS = new Set<string>(RULES.tokenQualifiers);
const TOKEN_TEXT_WORDS = new Set<string>(RULES.tokenTextWords);
const TOKEN_HEADS = new Set<string>(RULES.tokenNotCredentialHeads);
// A file's path under a secret's name: where a secret is kept, not the secret.
const FILE_PATH = new RegExp(RULES.filePathValue);
const WEAK_QUALIFIERS = new Set<string>(RULES.weakQualifiers);
const NAMING_QUALIFIERS = new Set<string>(RULES.namingQualifiers);
const ENDS_QUALIFIERS = new Set<string>(RULES.endsQualifiers);
const MASK_IN_VALUE = new RegExp(RULES.maskInValue);
const SHORT_PASSWORD_NAMES = new Set<string>(RULES.shortPasswordNames);
const SHORT_NAME_PASSWORD = new RegExp(RULES.shortNamePasswordValue);

/** Text without ANSI escape sequences or other control characters (NUL, BEL, backspace,
 * DEL, C1), its tabs, newlines and carriage returns kept (Python's `strip_ansi`). */
export function stripAnsi(text: string): string {
  return (text.includes("\x1b") ? text.replace(ANSI_RE, "") : text).replace(CONTROL_RE, "");
}

export const isUpper = (name: string): boolean => name === name.toUpperCase() && name !== name.toLowerCase();

// A column, an index or a list item of these names is most often a text's words (NLP's
// `token`, `df[["token", "count"]]`): only values shaped like a credential are hidden
// under or after it.
const WORDS_NAMES = new Set(["token", "tokens"]);

/** True for a name (`token`, `"tokens"`) whose values are most often words; a flag
 * (`--token`) names a credential. */
export function namesWords(name: string): boolean {
  return !name.startsWith("-") && WORDS_NAMES.has(normalizeName(name.replace(/^['"*`]+|['"*`]+$/g, "")));
}

/** `X-Api-Key` → `x_api_key`, `dbPassword` → `db_password` (as Python does). */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(NON_WORD, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

/**
 * A name without the number ending it (`password2` → `password`; names.py): read so where
 * it names a value (a pair's name, a mapping's key), not where a value may be a name.
 */
export const unnumbered = (name: string): string => {
  const last = name.charCodeAt(name.length - 1);
  return last >= 48 && last <= 57 ? name.replace(NAME_NUMBER, "") : name;
};

/** True when a name (variable, key, column, environment variable) marks a secret. */
export function isSecretName(name: unknown): boolean {
  // `«redacted: password in a pair»`: where a secret was, never a name of one.
  if (typeof name !== "string" || !name || name.length > 200 || name.includes(RULES.placeholderOpen)) return false;
  // `pass-word`, `Pass_Phrase`: one word split in two (`word` alone qualifies).
  const normal = normalizeName(name).replace(/(^|_)pass_(words?|phrases?)(?=_|$)/g, "$1pass$2");
  const cut = normal.lastIndexOf("_");
  // auth_method, token_type: about a secret, not one.
  if (cut > 0 && QUALIFIERS.has(normal.slice(cut + 1))) return false;
  // token_ids, token_counts: a text's word pieces (names.py).
  if (cut > 0 && TOKEN_QUALIFIERS.has(normal.slice(cut + 1))) {
    // `input_token_ids`; after another word (`access_token_ids`) it names credentials.
    const words = normal.slice(0, cut).split("_");
    let word = words.pop() ?? "";
    if (word === "type" && words.length > 0) word = words.pop() ?? ""; // token_type_ids: BERT's segment ids
    if (WORDS_NAMES.has(word) && words.every((w) => TOKEN_TEXT_WORDS.has(w))) return false;
  }
  // next_page_token, ClientRequestToken, pad_token: a cursor's, an id's, a special token's name.
  if (cursorToken(normal)) return false;
  if (SECRET_NAME.test(normal) || FOREIGN_NAME.test(name)) return true;
  // `PaSsWoRd`, `aPi_KeY`: case changing inside a word splits no words; read again with
  // only its separators (`PassRate` -> `passrate`, still no secret), as Python does.
  return /[a-z0-9][A-Z]/.test(name) && isSecretName(name.replace(/[^A-Za-z0-9]+/g, "_").toLowerCase());
}

/** `next_page_token`, `client_request_token`, `pad_token` (normalised): a token's name that
 * a page's cursor, a request's id or a tokenizer's special token has (names.py). */
function cursorToken(normal: string): boolean {
  const cut = normal.lastIndexOf("_");
  if (cut <= 0 || !WORDS_NAMES.has(normal.slice(cut + 1))) return false;
  const words = normal.slice(0, cut).split("_");
  return TOKEN_HEADS.has(words[words.length - 1]) || TOKEN_HEADS.has(words.slice(-2).join("_"));
}

/** Mirrors Python's `names_cursor_token`. */
export const namesCursorToken = (name: string): boolean => cursorToken(normalizeName(name));

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
/** 3/4 runs of 6+ characters in a row of an alphabet (`abcdef`, `012345`): an
 * alphabet's table, never a random key (values.py). */
function inSequence(value: string): boolean {
  const end = Math.min(value.length, 200);
  let run = 1;
  let covered = 0;
  for (let i = 1; i < end; i++) {
    run = value.charCodeAt(i) === value.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    covered += run === 6 ? 6 : run > 6 ? 1 : 0;
  }
  return covered * 4 >= end * 3;
}

export function looksGenerated(value: string): boolean {
  if (!looksRandom(value) || inSequence(value)) return false;
  const digits = (value.slice(0, 200).match(/[0-9]/g) ?? []).length;
  return switches(value) >= 6 || (digits >= 4 && !value.includes("_"));
}

const CAMEL_WORDS = /^(?:[A-Z]+[a-z]{2,}[0-9]*[a-z]?|[A-Z]+[0-9]+[a-z]?){2,}$/;

/** A word shaped like a password: a letter and a digit, and mixed case or a symbol
 * (`Hunt3rXy9`, `Summer2024!`), or 12+ of one case with 3+ digits and letters, not hex
 * (not a date, a digest or a type name such as `Float64Dtype`). Mirrors
 * Python's `looks_like_password`. */
export function looksLikePassword(value: string): boolean {
  const upper = /[A-Z]/.test(value);
  const lower = /[a-z]/.test(value);
  // `Float64Dtype`, `ResNet50V2`: two or more capitalised words (or acronyms with a
  // number), a type's or a model's name.
  if (!/[0-9]/.test(value) || !(upper || lower) || CAMEL_WORDS.test(value)) return false;
  if ((upper && lower) || /[!@#$%^&*~+]/.test(value)) return true;
  // `qv7rt2mk9xlp44ab`: a long run of one case and digits, not hex (a digest, a UUID).
  return (
    value.length >= 12 &&
    !/^[0-9a-fA-F.-]*$/.test(value) &&
    (value.match(/[0-9]/g) ?? []).length >= 3 &&
    (value.match(/[A-Za-z]/g) ?? []).length >= 3
  );
}

/** Shaped like a password where a user name may stand too (a URL's user): mixed case or
 * a symbol, or of one case switching between letters and digits 4+ times
 * (`k3j4h5g6f7d8s9a0`); `ada1990smith2024` (a name and years) stays a name. */
export function looksLikeUserPassword(value: string): boolean {
  if (!looksLikePassword(value)) return false;
  if ((/[A-Z]/.test(value) && /[a-z]/.test(value)) || /[!@#$%^&*~+]/.test(value)) return true;
  return switches(value) >= 4;
}

/** Shaped like a password with no name beside it (one of a pair of strings): a symbol,
 * or case and digits switching 6+ times (`Paris2024`, `iPhone15Pro` stay). */
export function looksLikePairPassword(value: string): boolean {
  return looksLikeUserPassword(value) && (/[!@#$%^&*~+]/.test(value) || switches(value) >= 6);
}

// The pair rule's shapes ("password in a pair") for two items of a tool result's list.
const LOGIN = /^[A-Za-z][A-Za-z0-9._@+\\-]{0,63}$/;
const PAIR_VALUE = /^(?![A-Za-z][A-Za-z0-9]{0,60}(?:_[A-Za-z0-9]{1,60}){1,8}$)[^'"\s/\\.«]{8,128}$/;

/** A login and its password side by side with no name (`["ada", "Kx8mP2qZ9vL4"]`). */
export function isLoginAndPassword(user: string, value: string): boolean {
  return LOGIN.test(user) && PAIR_VALUE.test(value) && looksLikePairPassword(value);
}

/** A dict's value under a login-shaped key shaped like its password (`{"ada":
 * "Kx8mP2qZ9v#"}`): both cases, a digit and a symbol (not `+`), no `:`, not a colour.
 * Mirrors Python's `is_user_keyed_password`. */
export function isUserKeyedPassword(key: string, value: string): boolean {
  return (
    value.length >= 8 &&
    value.length <= 128 &&
    !value.includes(":") &&
    /[!@#$%^&*~]/.test(value) &&
    /[A-Z]/.test(value) &&
    /[a-z]/.test(value) &&
    !/^#[0-9a-fA-F.-]*$/.test(value) &&
    isLoginAndPassword(key, value)
  );
}

/** True for a value shaped like a generated key (16+ key characters, digits, mixed). */
export function looksRandom(value: string): boolean {
  return value.length <= 4096 && RANDOM.test(value);
}

/** A secret name, or a key-ish name holding a random-looking string. */
/** True for a `name: Type` match (`start`..`end` of `text`) read as an annotation: a union, a
 * default or a parameter's end after it, or an indented line of a class's body (as values.py). */
export function annotates(text: string, start: number, end: number): boolean {
  ANNOTATION_NEXT.lastIndex = end;
  if (ANNOTATION_NEXT.test(text)) return true;
  const line = start > 0 ? text.lastIndexOf("\n", start - 1) + 1 : 0;
  if (!" \t".includes(text.charAt(line) || "x")) return false;
  // The block's head: the nearest line above that is not indented (within 3,000 characters).
  let pos = line;
  while (pos > 0 && line - pos < 3000) {
    const above = pos >= 2 ? text.lastIndexOf("\n", pos - 2) + 1 : 0;
    if (!" \t\r\n".includes(text.charAt(above) || "x")) return CLASS_HEADER.test(text.slice(above, pos));
    pos = above;
  }
  return false;
}

/** A type annotation's text (`str`, `Optional[str]`, `str | None`), as values.py. */
export const looksLikeAnnotation = (value: string): boolean => value.length <= 200 && ANNOTATION.test(value);

/** `value` under a one-letter name (`p`, `'p'` as a kernel shows a key) shaped like a password, as values.py. */
export function holdsShortPassword(name: string, value: string): boolean {
  const bare = name.replace(/^['"]+|['"]+$/g, "");
  return bare.length <= 3 && SHORT_PASSWORD_NAMES.has(normalizeName(bare)) && value.length <= 64 && SHORT_NAME_PASSWORD.test(value);
}

const AUTH_SCHEME_NAME = new RegExp(RULES.authSchemeName);
const AUTH_SCHEME_VALUE = new RegExp(RULES.authSchemeValue);
/** A scheme's name under a name saying how a client authenticates (`auth="oauth"`,
 * `"Authorization": "Bearer "`): the way in, not a secret (values.py). */
export function namesAuthScheme(name: string, value: string): boolean {
  return value.length <= 40 && AUTH_SCHEME_VALUE.test(value.toLowerCase()) && AUTH_SCHEME_NAME.test(normalizeName(name));
}

const MARKER = new RegExp(`${escapeRe(RULES.placeholderOpen)}[^«»\\n]{1,80}»`, "g");
const KEY_RUN = /[A-Za-z0-9+/=_~-]{16,}/g;

/** A value a rule hid in part (`api_key = "«…»:a91d…"`) still showing a random-looking
 * run of 16+ key characters that is a secret under `name`: the same key's rest (values.py). */
export function showsRestOfKey(name: string, value: string): boolean {
  const rest = value.slice(0, 2000).replace(MARKER, " ");
  return [...rest.matchAll(KEY_RUN)].some((run) => looksRandom(run[0]) && isSecretPair(name, run[0]));
}

const ID_NAME_BEFORE = new RegExp(RULES.idNameBefore);
const NAME_BEFORE_VALUE = new RegExp(RULES.nameBeforeValue);
const HASH_CONTEXT = new RegExp(RULES.hashContext, "i");
const HEX_DIGEST = new RegExp(RULES.hexDigest);

const B64_DIGEST = new RegExp(RULES.b64Digest);
const B64_DIGEST_LABEL = new RegExp(RULES.b64DigestLabel, "i");

/** A hex digest named as one right before it (`sha256 = "e3b0…"`), or a base64 one right
 * after its algorithm's name (`SHA256:rcr4…`, `sha384-…`). Mirrors `_is_digest`. */
export function isDigest(secret: string, before: string): boolean {
  if (HEX_DIGEST.test(secret)) return HASH_CONTEXT.test(before.slice(-64));
  return B64_DIGEST.test(secret) && B64_DIGEST_LABEL.test(before.slice(-8)) && HASH_CONTEXT.test(before.slice(-64));
}

/** True for a mapping's key naming an id or a digest (`version_id`, `sha256`). Mirrors `names_id_or_digest`. */
export function namesIdOrDigest(name: string): boolean {
  const head = `${name}: `;
  return afterIdName(head) || HASH_CONTEXT.test(head);
}

/** True when `before` ends with an id's name and its `=` or `:` (`version_id = "`,
 * `"requestId": "`): the value after it is an id, unless the name is a secret's
 * (`session_id`). Mirrors Python's `after_id_name`. */
export function afterIdName(before: string): boolean {
  const named = ID_NAME_BEFORE.exec(before.slice(-80));
  if (named !== null) return !isSecretName(named[1] ?? named[2]);
  // `"nextPageToken": "…"`: a cursor, named so (namesCursorToken).
  const cursor = NAME_BEFORE_VALUE.exec(before.slice(-80));
  return cursor !== null && namesCursorToken(cursor[1]);
}

export function isSecretPair(raw: unknown, value: unknown): boolean {
  if (typeof raw !== "string") return false;
  const name = unnumbered(raw); // `password2`, `API_KEY_2`: the second of its kind
  // `{"token": "Paris"}`: NLP's token, a word of a text (values.py).
  if (typeof value === "string" && namesWords(name) && name === name.toLowerCase() && /[a-z]/.test(name) && !wordsNameCredential(value)) return false;
  // `GOOGLE_APPLICATION_CREDENTIALS=/keys/sa.json`: where a secret is kept.
  // Or `{"password": "Optional[str]"}`: its type.
  // Or `auth="oauth"`: a scheme's name (namesAuthScheme).
  if (isSecretName(name))
    return (
      typeof value !== "string" || value.length > 4096 || !(FILE_PATH.test(value) || looksLikeAnnotation(value) || namesAuthScheme(name, value))
    );
  if (typeof value !== "string") return false;
  // `--subscription <uuid>`: an Azure subscription's id, not its key.
  if (isKeyishName(name) && looksRandom(value)) return !(UUID.test(value) && KEY_NOT_UUID.test(normalizeName(name)));
  // `p = "hunter2"`: a one-letter name holding a literal shaped like a password.
  if (name.length <= 3 && SHORT_PASSWORD_NAMES.has(normalizeName(name))) return holdsShortPassword(name, value);
  // `session_token_header = "abc123def456"`: a qualifier that also holds secrets;
  // `JPY_SESSION_NAME = "<uuid>"`: a generated name.
  const normal = normalizeName(name);
  const cut = normal.lastIndexOf("_");
  if (cut > 0 && ENDS_QUALIFIERS.has(normal.slice(cut + 1)) && isSecretName(normal.slice(0, cut))) {
    // `api_key_last4 = "Xy12"`: its ends or mask show; `secret_last = "cR8t…"`, a split
    // secret's half, does not (code points, as Python's len).
    const length = codeLength(value);
    return length > RULES.endsMaxChars && length <= 4096 && CREDENTIAL_VALUE.test(value) && !MASK_IN_VALUE.test(value);
  }
  return (
    cut > 0 &&
    WEAK_QUALIFIERS.has(normal.slice(cut + 1)) &&
    isSecretName(normal.slice(0, cut)) &&
    value.length <= 4096 &&
    CREDENTIAL_VALUE.test(value) &&
    !(NAMING_QUALIFIERS.has(normal.slice(cut + 1)) && UUID.test(value))
  );
}

/** Under a words' name (`token`): not a word of a text (a digit, case changing inside it twice, long, or random). */
function wordsNameCredential(value: string): boolean {
  // 64 code points, as Python's len: a word of emoji is no credential there either.
  return codeLength(value) > 64 || /[0-9]|[a-z][A-Z][^\s]*[a-z][A-Z]/.test(value) || looksRandom(value);
}

/** An unquoted value under a secret name that is no secret (a flag, a short number, code). */
export function keepsUnquoted(value: string, constant: boolean, name = "", sep = ""): boolean {
  if (KEEP_VALUE.test(value.toLowerCase()) || PLACEHOLDER_VALUE.test(value)) return true;
  // `POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}`: a reference to one (values.py).
  if (TEMPLATE_VALUE.test(value)) return true;
  // `session_id=821053`: an id's number.
  if (name && /^[0-9]{1,12}[,;]?$/.test(value) && normalizeName(name).endsWith("_id")) return true;
  if (constant) return false;
  if (CODE_VALUE.test(value) || SHORT_NAME.test(value)) return true;
  // `merged = merge_cookies(`, its arguments on the next lines: a call.
  if (/^[A-Za-z_][A-Za-z0-9]{0,100}[._][A-Za-z0-9_.]{0,200}\($/.test(value)) return true;
  // `token=hf_token`, `'client_secret': CLIENT_SECRET`: a variable named like a secret.
  if (/^(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)[,;]?$/.test(value) && isSecretName(trimEndOf(value, ",;"))) return true;
  // `secret_value = token`, `Pinecone(api_key=key)`, `client_secret=SECRET`: one word, a
  // secret's or a key's name: a variable (a constant's, in upper case).
  if (
    sep.includes("=") &&
    /^(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)[,;]?$/.test(value) &&
    (isSecretName(trimEndOf(value, ",;")) || isKeyishName(trimEndOf(value, ",;")))
  )
    return true;
  if (sep.includes(":") && !sep.includes("=") && TYPE_VALUE.test(value)) return true;
  // `password: required` in a docstring or a schema: a description.
  if (sep.includes(":") && !sep.includes("=") && PROSE_VALUE.test(trimEndOf(value, ".,;"))) return true;
  // `password=password`, `self._cookies = cookies`: the same name, set from itself.
  return name !== "" && trimEndOf(value, ",;").replace(/^_+/, "") === (name.split(".").pop() ?? name).replace(/^_+/, "");
}

/** `text` without the characters of `chars` at its end (Python's rstrip). `/[,;]+$/`
 * backtracked from every run of them: 80,000 ";" before ":x" took 2.4 s. */
export function trimEndOf(text: string, chars: string): string {
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

// What a cell shows when its last line names a secret (Python's context_policy/shown.py).
const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;
// Secret names that usually hold an object, not a secret (`session.get(url).text`).
const OBJECT_NAMES = new Set(["session", "sess", "cookies", "cookie", "auth"]);
// A decoder's call: `base64.b64decode("YW5hOl…").decode()` shows the text it decodes.
const DECODER =
  /(?<![A-Za-z0-9_])(?:(?:urlsafe_)?b(?:64|32|32hex|16|85)decode|a85decode|decodebytes|unhexlify|a2b_base64|fromhex|codecs\s*\.\s*decode)\s*\(/;
const ASSIGNMENT_LINE = /^\s*[A-Za-z_][A-Za-z0-9_.[\]'", ]*(?<![=!<>])=(?!=)/;

/** A cell's last line of code (comments and blank lines skipped), or null when there is
 * none or it is an assignment (`x = ...` shows nothing). Mirrors Python's `_shown_line`. */
function shownLine(source: string): string | null {
  const lines = source.slice(-2000).split(/\r?\n|\r/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    return ASSIGNMENT_LINE.test(line) ? null : line;
  }
  return null;
}

/**
 * True when a cell's last line names a secret (`%env DB_PASSWORD`, `print(token)`,
 * `os.environ["API_KEY"]`): what the cell prints or returns may be that secret.
 * Mirrors Python's `names_secret`.
 */
export function namesSecret(source: string): boolean {
  const line = shownLine(source);
  if (line === null) return false;
  // `getpass.getpass()` alone returns (and shows) what the person typed; a decoder
  // shows what it decodes.
  if (line.includes("getpass(")) return true;
  const head = clientCall(source, line).slice(0, 500);
  if (DECODER.test(head)) return true;
  if ((head.match(WORD) ?? []).some((w) => isSecretName(w) && !OBJECT_NAMES.has(normalizeName(w)))) return true;
  // `print(os.getenv("OPENAI_KEY"))`: a name read from the environment whose last part
  // is key-ish (not `SSH_KEY_PATH`).
  return [...head.matchAll(ENV_READ)].some((m) => isKeyishName(m[1].split("_").pop()));
}

// A shell line (`!curl ...`, `%sx ...`, a `%%bash` cell), its commands, a command's
// leading `NAME=value` assignments and its program; a credential passed to a client; a
// secret store's command; the clients: the table's (call_rules.py), shared with shown.py.
const SHELL_ESCAPE = new RegExp(RULES.shellEscape);
const SHELL_CELL = new RegExp(RULES.shellCell);
const SHELL_COMMANDS = new RegExp(RULES.shellCommands);
const ENV_PREFIX = new RegExp(RULES.commandEnvPrefix);
const PROGRAM = new RegExp(RULES.commandProgram);
const CREDENTIAL_ARG = new RegExp(RULES.clientCredentialArg, "g");
const STORE = new RegExp(RULES.secretStoreCommand, "i");
const CLIENTS = new Set<string>(RULES.credentialClients);

/** `shown` as its words are read for a secret's name: for a shell line whose every
 * command is a client (no `$(...)`, no backquote), without the commands' `NAME=value`
 * prefixes and the credentials passed to them (`!curl -u ana:'«…»' URL` shows the
 * server's answer); any other line, and any other marker, read whole. Mirrors Python's
 * `_client_call`. */
function clientCall(source: string, shown: string): string {
  const bang = SHELL_ESCAPE.exec(shown);
  if (!bang && !SHELL_CELL.test(source)) return shown;
  const line = bang ? shown.slice(bang[0].length) : shown;
  if (line.includes("$(") || line.includes("`") || STORE.test(line)) return shown;
  const commands: string[] = [];
  for (let command of line.split(SHELL_COMMANDS)) {
    command = command.trim();
    command = command.slice(ENV_PREFIX.exec(command)?.[0].length ?? 0);
    const program = PROGRAM.exec(command);
    if (!program || !CLIENTS.has(program[1].toLowerCase())) return shown;
    commands.push(
      // Group 1, a DSN's key: a credential only when it names a secret.
      command.replace(CREDENTIAL_ARG, (whole, key?: string) => (key && !isSecretName(key) ? whole : " ")),
    );
  }
  return commands.join(" ; ");
}

/** True when a cell's last line names one of `names` (variables the notebook passes where
 * a credential goes, `aliases`): `print(x)` or `x` after `connect(host, user, x)` shows
 * that credential, whatever `x` is called. Mirrors Python's `names_one_of`. */
export function namesOneOf(source: string, names: ReadonlySet<string>): boolean {
  const line = names.size ? shownLine(source) : null;
  if (line === null) return false;
  const head = line.slice(0, 500);
  return [...head.matchAll(WORD)].some((w) => names.has(w[0]) && showsValue(head, w.index, w.index + w[0].length));
}

// How a line reads a variable without showing its text (`x.shape`, `len(x)`,
// `isinstance(x, str)`, `x is None`, `not x`); anything else shows it (`print(x)`,
// `x.strip()`, `x[::-1]`, `"…" + x`, `f"{x}"`). Mirrors Python's shown.py.
const ATTRIBUTE_AFTER = /^\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\(?)/;
const COMPARED_AFTER = /^\s*(?:==|!=|<=|>=|<(?!<)|>(?!>)|is\b|in\b|not\s+in\b)/;
const COMPARED_BEFORE = /(?:==|!=|<=|>=|(?<![<-])<|(?<![>-])>|\bis|\bnot)\s*$/;
const PROPERTY_CALL_BEFORE = /(?<![A-Za-z0-9_.])(len|type|bool|isinstance|id|callable|hasattr)\s*\(\s*$/;
const ONLY_ARGUMENT = /^\s*\)/;
const AN_ARGUMENT = /^\s*[),]/;
// A string's methods that return a flag or a count, not text.
const COUNTING_METHODS = new Set(
  (
    "startswith endswith isalnum isalpha isascii isdecimal isdigit isidentifier islower" +
    " isnumeric isprintable isspace istitle isupper count find rfind index rindex __len__ __sizeof__"
  ).split(" "),
);
// Attributes that may hold the text itself (`auth.password`, `x.value`, `x.__dict__`).
const TEXT_ATTRIBUTES = new Set("value text content data raw string str plain decoded dict args secret".split(" "));

/** True unless the name at `line.slice(start, end)` is only read for a property of its
 * value: an attribute (`x.shape`; not one that may hold text, `x.value`, `x.password`), a
 * method returning a flag or a count (any other call, `x.strip()`, shows text), the one
 * argument of `len`/`type`/`bool`/`id`/`callable` (the first of `isinstance`/`hasattr`),
 * or a comparison's side (`x is None`, `x == y`, `not x`). Mirrors Python's `_shows_value`. */
function showsValue(line: string, start: number, end: number): boolean {
  const after = line.slice(end);
  const before = line.slice(0, start);
  const attribute = ATTRIBUTE_AFTER.exec(after);
  if (attribute) {
    const [, name, called] = attribute;
    if (called) return !COUNTING_METHODS.has(name);
    return isSecretName(name) || TEXT_ATTRIBUTES.has(name.replace(/^_+|_+$/g, "").toLowerCase());
  }
  if (COMPARED_AFTER.test(after) || COMPARED_BEFORE.test(before)) return false;
  const call = PROPERTY_CALL_BEFORE.exec(before);
  return !(call && (call[1] === "type" ? ONLY_ARGUMENT : AN_ARGUMENT).test(after));
}

/** A one-line output of a cell that `namesSecret`, as a placeholder (flags, short
 * numbers and empty outputs stay). */
export function hideShownSecret(text: string): string {
  const inner = text.trim();
  const bare = inner.replace(/^['"]+|['"]+$/g, "");
  if (!inner || inner.includes("\n") || inner.length > 2000 || bare.startsWith(RULES.placeholderOpen)) return text;
  if (KEEP_VALUE.test(bare.toLowerCase())) return text;
  return marker(`str, ${chars(bare)} chars`);
}

// What a password has and a name (of a user, a database, a host) mostly has not.
const CREDENTIAL_CHAR = /[^A-Za-z_.\- ]/;

/** `hideShownSecret` for a cell whose last line names a variable passed where a
 * credential goes (`namesOneOf`): call positions are read by rule, so only a value with a
 * digit or a symbol is taken for one (`sales-warehouse`, a database's name passed after
 * the password, stays). Mirrors Python's `hide_shown_credential`. */
export function hideShownCredential(text: string): string {
  return CREDENTIAL_CHAR.test(text.trim().replace(/^['"]+|['"]+$/g, "")) ? hideShownSecret(text) : text;
}

/** A cell's outputs (ours, `{output_type, text}`, or nbformat's shape) with each one's
 * text but an error's (`text`, `data["text/plain"]`; a string or a list of lines) passed
 * through `hide`. Mirrors Python's `hide_cell_outputs`. */
export function hideCellOutputs(outputs: readonly unknown[], hide: (text: string) => string): unknown[] {
  const joined = (t: string | unknown[]): string => (typeof t === "string" ? t : t.filter((x) => typeof x === "string").join(""));
  const isText = (t: unknown): t is string | unknown[] => typeof t === "string" || Array.isArray(t);
  return outputs.map((output) => {
    if (output === null || typeof output !== "object" || Array.isArray(output)) return output;
    const o = output as Record<string, unknown>;
    if (o.output_type === "error") return output;
    const copy: Record<string, unknown> = { ...o };
    if (isText(o.text)) copy.text = hide(joined(o.text));
    const data = o.data;
    if (data !== null && typeof data === "object" && !Array.isArray(data)) {
      const plain = (data as Record<string, unknown>)["text/plain"];
      if (isText(plain)) copy.data = { ...data, "text/plain": hide(joined(plain)) };
    }
    return copy;
  });
}

export function describeHidden(value: unknown): string {
  if (typeof value === "string") return `str, ${chars(value)} chars`;
  if (Array.isArray(value)) return `list, ${value.length} items`;
  if (value && typeof value === "object") return `dict, ${Object.keys(value).length} items`;
  return typeof value === "number" ? (Number.isInteger(value) ? "int" : "float") : typeof value;
}
