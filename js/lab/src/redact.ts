/**
 * The context policy on the JupyterLab side: secrets hidden, results bounded.
 *
 * The rules are not written here: `redaction-rules.generated.ts` is rendered from the
 * Python table (`jupyter_chatkit.context_policy.rules`), and both sides are tested
 * against one fixture table of secrets (tests/fixtures/trust_texts.json). Names and
 * values are judged in redactnames.ts, tables read in redacttables.ts. The server applies
 * the same policy again, with the configured keys, before anything reaches the model;
 * this copy keeps secrets out of what the browser sends and stores in the first place.
 */

import { RULES } from "./redaction-rules.generated";
import { chars, codeLength, codeSlice } from "./codepoints";
import {
  PLACEHOLDER_VALUE,
  PROSE_VALUE,
  annotates,
  anyOf,
  describeHidden,
  afterIdName,
  hideCellOutputs,
  hideShownCredential,
  isDigest,
  isSecretName,
  isSecretPair,
  isUpper,
  isUserKeyedPassword,
  keepsUnquoted,
  looksGenerated,
  looksLikePassword,
  looksLikePairPassword,
  looksLikeUserPassword,
  marker,
  namesOneOf,
  namesWords,
  normalizeName,
  showsRestOfKey,
  stripAnsi,
} from "./redactnames";
import { hideEncoded } from "./redactbase64";
import { hideJoined } from "./redactjoined";
import { CALL_ARGUMENTS, CREDENTIAL_VALUE, STRING_LITERAL } from "./redactcompiled";
import { heredocBodies } from "./redactheredoc";
import { readEscapedLines, readListedLines } from "./redactescaped";
import { folded } from "./redactfold";
import { afterUnpackingNames, hideUnpacked } from "./redactunpack";
import { CallRedaction, namesASecret, pairHides } from "./redactcalls";
import { keptUnderIdName, keyLines, keyishCells, manifestPairs, splitRows, wholeStreams } from "./redactdata";
import { hideSecretManifests } from "./redactmanifest";
import { hideAnnotatedValues } from "./redactannotated";
import { multilineText } from "./streams";
import { aliasSets, aliases, fstringKeeps } from "./redactflows";

export {
  hideCellOutputs,
  hideShownCredential,
  hideShownSecret,
  isEnvAllowed,
  isKeyishName,
  isSecretName,
  isSecretPair,
  keepsUnquoted,
  looksRandom,
  marker,
  namesOneOf,
  namesSecret,
  normalizeName,
  stripAnsi,
} from "./redactnames";

export { aliases, expressionPieces, fstringKeeps } from "./redactflows";

export { MAX_RESULT_CHARS, REDACT_MARGIN, RESULT_BUDGET, bound } from "./bound";
import { REDACT_MARGIN, RESULT_BUDGET, bound } from "./bound";

const flagsOf = (f: string, extra = ""): string => `g${f.includes("i") ? "i" : ""}${extra}`;
const VALUE_RULES = RULES.valueRules.map((r) => {
  const extra = r as { min_distinct?: number; min_text?: number; check?: string; prefilter?: string; heredoc?: boolean };
  return {
    kind: r.kind,
    group: r.group,
    re: new RegExp(r.pattern, flagsOf(r.flags)),
    // Null: tried on every text.
    trigger: r.triggers.length ? anyOf(r.triggers as readonly string[]) : null,
    minDistinct: extra.min_distinct ?? 0,
    minText: extra.min_text ?? 0,
    // A cheap scan the text must pass first (an untriggered rule's pre-check).
    prefilter: extra.prefilter ? new RegExp(extra.prefilter) : null,
    // The pattern finds a heredoc's head; redactheredoc.ts finds its body.
    heredoc: extra.heredoc === true,
    random: extra.check === "random",
    password: extra.check === "password",
    userPassword: extra.check === "user password",
    pairPassword: extra.check === "pair password",
    // The name in the match's first "…" must be a secret's (`variable "db_password"`).
    secretName: extra.check === "secret name",
  };
});
const ANY_VALUE_TRIGGER = anyOf(RULES.valueTriggers);
// Most texts hold no trigger: only the rules without one are looked at then.
const UNTRIGGERED = VALUE_RULES.filter((r) => r.trigger === null);
// Read after all the others (late_rules.py), and again after the name rules.
const LATE_RULES = VALUE_RULES.filter((r) => (RULES.lateKinds as readonly string[]).includes(r.kind));
const ANY_NAME_TRIGGER = anyOf(RULES.nameTriggers);
// `p = "…"`: the short names' rule's trigger (short_name_rules.py), for an unpacking too.
const SHORT_NAME_TRIGGER = anyOf(RULES.shortNameTriggers);
const CLASS_NAME = /^[A-Z][A-Za-z0-9_]*$/;
// A type's name after `name:` (`AuthTypes`, `OAuth2PasswordBearer`), not a generated key
// starting with a capital (`Zx9vB2nM4qR7…`: digits in 3+ places), which in `secret_key:
// Zx9v…, region: eu` read as an annotation and was shown (redact.py's _type_name).
const typeName = (value: string): boolean =>
  CLASS_NAME.test(value) && !(looksGenerated(value) && (value.match(/[0-9]+/g) ?? []).length >= 3);
// A key shape's trigger too (`sk&#95;live&#95;…`, `sk\\_live\\_…`), as redact.py.
const ENTITY_TRIGGER = anyOf([...RULES.entityTriggers, ...RULES.valueTriggers]);
const QUOTED = new RegExp(RULES.quotedAssignment, "g");
const BARE = new RegExp(RULES.bareAssignment, "gm");
const BARE_PREFIXES = ["%env", "%set_env", "export", "set ", "setx "];
const INLINE = new RegExp(RULES.inlineAssignment, "g");
const ITEM_GLUE = new RegExp(RULES.itemGlue);
const CALL_TRIGGER = anyOf([...RULES.nameTriggers, ...RULES.callWords]);
const PAIRED = new RegExp(RULES.pairedContainer, "g");
// After a bare word: `+` and another name or literal (`head + tail`).
const JOINED_NEXT = /^[ \t]*\+[ \t]*[A-Za-z_'"]/;
const PROSE_WORD = new RegExp(RULES.proseWord);
const YAML_TAG = new RegExp(RULES.yamlTag);
const YAML_TAG_REFERENCE = new RegExp(`^${RULES.yamlTagReference}`);
const WORD_SECRET_NAME = new RegExp(RULES.wordSecretName);
const FSTRING_PREFIX = new RegExp(RULES.fstringPrefix);
const TEMPLATE_VALUE = new RegExp(RULES.templateValue);
// Tuples under these names are (user, password) pairs: `auth = ("ada", "pw")`.
const USER_FIRST = /(?:^|_)(?:auth|creds|credentials|login)$/;
// A pair inside a container (`[("ada", "pw")]`: 1 opener, 2 content, 3 closer), or a string
// literal outside one (4 quote, 5 content).
// A bracket inside a literal is none of the pair's (`('ada', 'p(w9')`).
const INNER_PAIR = new RegExp(
  `([[(])(${RULES.bracketPiece}{0,2000})([\\])])|(['"])((?:(?!\\4)[^\\\\\\n]|\\\\.){0,2000})\\4`,
  "g",
);
const FIRST_FIELD = new RegExp(RULES.firstField);

/** A pair's body cut after its first field's comma (outside its literals: a user
 * `'ada,l'` is one field): the length of that head, 0 when it has none. */
function firstFieldEnd(body: string): number {
  const head = FIRST_FIELD.exec(body);
  return head ? head[0].length : 0;
}


const LABEL_NAME = new RegExp(RULES.labelName);
const CONTAINER = new RegExp(RULES.containerAssignment, "g");
const CONTINUED = new RegExp(RULES.continuedString, "g");
const ELIDED_TAIL = new RegExp(RULES.elidedTail, "g");



const VALUE_KEYS = new Set(["value", "preview", "repr", "head", "items", "Value"]);
// Where a record names its entry: a listing, a name/value pair (`{"Key": "password", "Value": "…"}`).
const NAME_KEYS = ["name", "Name", "key", "Key"];

/** Applies the rules and counts what it hid. */
export class Redactor extends CallRedaction {
  /** When set: `data` cuts longer strings (and lists) to this many before redacting. */
  cut = 0;
  private nested = 0;

  /** The bodies of the heredocs whose heads `pattern` finds, hidden. */
  private heredocs(pattern: RegExp, kind: string, value: string): string {
    const pieces: string[] = [];
    let done = 0;
    for (const [start, end] of heredocBodies(pattern, value)) {
      const body = value.slice(start, end);
      if (!body || body.startsWith(RULES.placeholderOpen) || PLACEHOLDER_VALUE.test(body)) continue;
      this.count += 1;
      pieces.push(value.slice(done, start), marker(kind));
      done = end;
    }
    return pieces.length ? pieces.join("") + value.slice(done) : value;
  }

  /** `text` with known key shapes and `name = "value"` assignments of secrets hidden. */
  text(input: string): string {
    // Invisible or full-width characters (redactfold.ts): redacted as the plain text they
    // show when that hides anything, else as they are.
    let plain = this.nested ? null : folded(input);
    // No name's word even with its HTML references read (RULES.entityTriggers, as redact.py).
    if (
      plain !== null &&
      (input.includes("&") || input.includes("%") || input.includes("\\")) &&
      !ENTITY_TRIGGER.test(plain.toLowerCase())
    )
      plain = folded(input, false);
    if (plain !== null) {
      const before = this.count;
      const clean = this.textAsIs(plain);
      if (this.count > before) return clean;
    }
    return this.textAsIs(input);
  }

  private unpacked(value: string): string {
    return hideUnpacked(value, (secret) => {
      this.count += 1;
      return marker(`str, ${chars(secret)} chars`);
    });
  }

  private textAsIs(input: string): string {
    // Terminal colour codes and control characters mean nothing to the model and can hide
    // a secret's shape.
    let value = stripAnsi(input);
    if (value.length < 6) return value;
    const unjoined = value; // aliases are read before (`token = f"xK3b…{tail}"` sets `tail`)
    if (!this.nested && (value.includes('"') || value.includes("'"))) {
      // `KEY = "sk-proj-ab" "cd…"`: a key split across literals, hidden whole (redactjoined.ts).
      const before = this.count;
      const [joined, hidden] = this.deeper(() => hideJoined(value, (plain) => this.textAsIs(plain)));
      [value, this.count] = [joined, before + hidden];
    }
    const lower = value.toLowerCase();
    const triggered = ANY_VALUE_TRIGGER.test(lower);
    for (const rule of triggered ? VALUE_RULES : UNTRIGGERED) {
      if (value.length < rule.minText || (rule.prefilter && !rule.prefilter.test(value))) continue;
      if (rule.trigger && !rule.trigger.test(lower)) continue;
      if (rule.heredoc) {
        value = this.heredocs(rule.re, rule.kind, value);
        continue;
      }
      value = this.applyRule(rule, value);
    }
    const named = ANY_NAME_TRIGGER.test(lower);
    // `u, p = "ada", "hunter2"`: the short names' rule's trigger, for an unpacking too.
    if (!named && triggered && value.includes(",") && SHORT_NAME_TRIGGER.test(lower)) value = this.unpacked(value);
    if (named && !this.nested && (value.includes('",') || value.includes("',"))) {
      // `["user,password", "ada,x"]`: a file's lines as a list (`readlines()`, a JSON
      // attachment), read as lines first (before the pair rules read them as items).
      value = this.deeper(() => readListedLines(value, (plain) => this.text(plain)));
    }
    const assigns = value.includes("=") || value.includes(":") || BARE_PREFIXES.some((p) => lower.includes(p));
    if (assigns && named) {
      const [found, keyish] = unjoined.includes("=") ? aliasSets(unjoined) : [new Set<string>(), new Set<string>()];
      if (value.includes(",") && value.includes("=")) value = this.unpacked(value);
      value = value.replace(QUOTED, (whole, name: string, sep: string, quote: string, secret: string, at: number, all: string) => {
        const last = name.split(".").pop() ?? name;
        // `api_key = "«…»:a91d…"`: a rule hid a part; the rest is the same key's (redact.py).
        if (secret.includes(RULES.placeholderOpen) && showsRestOfKey(last, secret)) {
          this.count += 2 - secret.split(RULES.placeholderOpen).length;
          return `${name}${sep}${quote}${marker("key shown in part")}${quote}`;
        }
        // `["API_KEY=", "x"]`: the glue between a list's items is no value (the item
        // after a name is its value: the pair rule hides it).
        if (secret.includes(RULES.placeholderOpen) || ITEM_GLUE.test(secret)) return whole;
        if (!isSecretPair(last, secret)) {
          // `KeyError: "{'password': 'x'}"`: quotes inside the value were read as part of
          // it; its own assignments are looked at once more (twice at most).
          if (this.nested < 2 && (secret.includes("'") || secret.includes('"')) && secret.length > 6) {
            // `"source": "pw = \\"x\\""` (a notebook's JSON text): read with its quotes
            // unescaped, then escaped again (the value held no bare one).
            const escaped = quote.length === 1 && secret.includes(`\\${quote}`);
            let inner = this.deeper(() => this.text(escaped ? secret.split(`\\${quote}`).join(quote) : secret));
            if (escaped) inner = inner.split(quote).join(`\\${quote}`);
            if (inner !== secret) return `${name}${sep}${quote}${inner}${quote}`;
          }
          return whole;
        }
        // `user, password = "ada", "x"`: hideUnpacked's.
        if (sep.includes("=") && afterUnpackingNames(all, at)) return whole;
        // `token_str = " ".join(words)`: a separator.
        if (all.startsWith(".join(", at + whole.length)) return whole;
        // `auth = ("ada", pw)`: the user of a pair.
        if (sep.includes("(") && USER_FIRST.test(normalizeName(last)) && /^\s*,/.test(all.slice(at + whole.length, at + whole.length + 8))) return whole;
        // `class Token:` then a docstring: only `"key":` and `name =` go on to the next line.
        if (sep.includes("\n") && !sep.includes("=") && !"'\"".includes(sep.charAt(0) || "x")) return whole;
        if (PLACEHOLDER_VALUE.test(secret) || TEMPLATE_VALUE.test(secret) || (FSTRING_PREFIX.test(sep) && fstringKeeps(secret))) {
          return whole;
        }
        this.count += 1;
        return `${name}${sep}${quote}${marker(`str, ${chars(secret)} chars`)}${quote}`;
      });
      value = value.replace(BARE, (whole, prefix: string, name: string, sep: string, secret: string, at: number, all: string) => {
        if (secret.includes(RULES.placeholderOpen) || !isSecretPair(name, secret)) return whole;
        const magic = prefix.trim() !== "";
        if (!sep.trim() && !magic) return whole;
        if (keepsUnquoted(secret, magic || isUpper(name), name, sep)) return whole;
        // `    token: TokenType` in a class's body: a type.
        if (sep.includes(":") && !sep.includes("=") && typeName(secret) && annotates(all, at, at + whole.length)) return whole;
        this.count += 1;
        return `${prefix}${name}${sep}${marker(`str, ${chars(secret)} chars`)}`;
      });
      value = value.replace(INLINE, (whole, name: string, sep: string, secret: string, at: number, all: string) => {
        const last = name.split(".").pop() ?? name;
        if (!isSecretPair(last, secret) || LABEL_NAME.test(name)) return whole;
        // `token = b64encode(x)`, `auth=token["a"]`: code.
        // `f"..."`: a string prefix.
        const follows = at + whole.length < all.length ? all.charAt(at + whole.length) : "";
        if (follows && ("([.".includes(follows) || ("'\"".includes(follows) && /^(?:[fbru]|rb|br|fr|rf)$/i.test(secret)))) return whole;
        // `api_key = head + tail`: an expression joining variables, code; not
        // `password: Secr3t + the 2FA code` nor `PASSWORD=Wq8zRt5L +x` (no variable is named so).
        if (sep.includes("=") && !CREDENTIAL_VALUE.test(secret) && JOINED_NEXT.test(all.slice(at + whole.length, at + whole.length + 40)))
          return whole;
        // `cookie: Cookie,`, `auth: AuthTypes | None`: a type.
        if (!sep.includes("=") && typeName(secret) && annotates(all, at, at + whole.length)) return whole;
        if (keepsUnquoted(secret, isUpper(name), name, sep)) return whole;
        // `token (str): Token to use`: a docstring.
        if (sep.includes("(") && !CREDENTIAL_VALUE.test(secret)) return whole;
        // `sha256 checksum key: e3b0…`: a key-ish name, a digest.
        if (!isSecretName(last) && isDigest(secret, all.slice(Math.max(0, at - 40), at + whole.length - secret.length))) return whole;
        // `Password: must have 12 characters`: prose.
        if (PROSE_VALUE.test(secret) && / +[A-Za-z]/y.test(all.slice(at + whole.length, at + whole.length + 40))) return whole;
        // `refresh token: valid for 30 days`: a word, then more, under a token's or a key's name.
        if (
          sep.includes(":") &&
          !sep.includes("=") &&
          PROSE_WORD.test(secret) &&
          !WORD_SECRET_NAME.test(normalizeName(last)) &&
          / +[A-Za-z]/y.test(all.slice(at + whole.length, at + whole.length + 40))
        )
          return whole;
        // `api_key: !secret openai_key`: a YAML tag naming where the secret is kept (redact.py).
        if (!sep.includes("=") && YAML_TAG.test(secret) && YAML_TAG_REFERENCE.test(all.slice(at + whole.length, at + whole.length + 40)))
          return whole;
        this.count += 1;
        return `${name}${sep}${marker(`str, ${chars(secret)} chars`)}`;
      });
      value = value.replace(CONTAINER, (whole, name: string, sep: string, bracket: string, body: string) => {
        const last = name.split(".").pop() ?? name;
        if (!isSecretName(last) || LABEL_NAME.test(name)) return whole;
        const comma = firstFieldEnd(body);
        const code = body.replace(STRING_LITERAL, ""); // brackets outside its literals
        if (bracket !== "(" && USER_FIRST.test(normalizeName(last)) && (code.includes("(") || code.includes("["))) {
          // `auth = [("ada", pw)]`, `{"creds": [["ada", "pw"], ...]}`: pairs in a list; each
          // pair's user stays, any other literal hides.
          return `${name}${sep}${bracket}${body.replace(INNER_PAIR, (inner, opener?: string, content?: string, closer?: string) => {
            if (opener === undefined || content === undefined) return this.literals(inner);
            const at = firstFieldEnd(content);
            return `${opener}${content.slice(0, at)}${this.literals(content.slice(at))}${closer}`;
          })}`;
        }
        if (bracket === "(" && USER_FIRST.test(normalizeName(last)) && body.includes(",")) {
          // `auth = ("ada", pw)`: requests' (user, password) pair; the user stays.
          return `${name}${sep}${bracket}${body.slice(0, comma)}${this.literals(body.slice(comma))}`;
        }
        // `{"token": ["the", "of"]}`: a text's words; only a credential-shaped one hides.
        // `{'credentials': {'user': 'ada', 'password': 'x'}}`: a record's keys name its
        // values (or its users); only a credential-shaped key hides. Not under other names:
        // `passwords = {'hunter2': 'ada'}`'s keys are the secrets.
        // `"password": {"type": "string", "minLength": 12}`: a JSON schema's field.
        if (bracket === "{" && /(['"])type\1[ \t]*:/.test(body)) return `${name}${sep}${bracket}${this.schemaLiterals(body)}`;
        const keyed = bracket === "{" && USER_FIRST.test(normalizeName(last));
        return `${name}${sep}${bracket}${this.literals(body, namesWords(last), keyed)}`;
      });
      if (found.size) value = this.aliased(value, found);
      if (keyish.size) value = this.aliased(value, keyish, true);
    }
    if (
      (value.includes("(") || value.includes("[")) &&
      (value.includes('"') || value.includes("'")) &&
      CALL_TRIGGER.test(lower)
    ) {
      value = value.replace(CALL_ARGUMENTS, (whole, callee: string | undefined, opener: string, args: string, offset: number, text: string) =>
        this.call(whole, callee ?? "", opener, args, offset, text),
      );
      if (named && value.includes(",")) {
        value = value.replace(PAIRED, (whole, quote: string, name: string, comma: string, bracket: string, body: string) => {
          if (!namesASecret(name)) return whole;
          return `${quote}${name}${quote}${comma}${bracket}${this.literals(body)}`;
        });
      }
    }
    if (named) value = this.loose(value, named);
    if (named && (value.includes("columns") || value.includes("dtype=["))) value = this.positionalRows(value);
    // One line too: `| password | x |`, `password,x`.
    if ((value.includes("\n") || value.length <= 2000) && named) value = this.tables(value);
    if (named && lower.includes("kind") && lower.includes("secret")) value = hideSecretManifests(value, (v) => this.hideCell(v));
    if (named && value.includes("└")) {
      value = hideAnnotatedValues(
        value,
        (v) => this.hideCell(v),
        (v) => this.hideRandomCell(v),
      );
    }
    if ((lower.includes("<tr") || lower.includes("<th")) && named) value = this.htmlTables(value);
    if (named && value.includes("\\n") && !this.nested) {
      // A frame, a YAML block or a CSV in one string of a JSON text or a repr: its lines,
      // read as lines (one level: not inside such a string again).
      value = this.deeper(() => readEscapedLines(value, (plain) => this.text(plain)));
    }
    // A JSON writer's escaped slashes (PHP's, Java's): a URL's `://` unread (redact.py).
    if (value.includes("\\/") && !this.nested) value = this.deeper(() => readEscapedLines(value, (plain) => this.text(plain), "\\/"));
    if (value.includes(RULES.placeholderOpen)) {
      value = this.continued(value);
      // `«…»...tail` (a Verbose traceback's shortened value): the tail is the same secret's.
      value = value.replace(ELIDED_TAIL, (whole, head: string) => {
        if (whole.slice(head.length).includes(RULES.placeholderOpen)) this.count -= 1;
        return head;
      });
      // A value the name rules hid may go on, wrapped, on the next line: the late rules again
      // (each on a text with its trigger only, as at first).
      const late = value.toLowerCase();
      for (const rule of LATE_RULES) if ((!rule.prefilter || rule.prefilter.test(value)) && (!rule.trigger || rule.trigger.test(late))) value = this.applyRule(rule, value);
    }
    if (!this.nested && value.length >= 16) {
      // `CONFIG_B64 = "eyJ1…"`: a config base64-encoded, read as its text.
      value = this.deeper(() => hideEncoded(value, (plain) => this.text(plain))[0]);
    }
    return value;
  }

  /** What `read` returns, read one level down (`nested`: a nested read goes no deeper). */
  private deeper<T>(read: () => T): T {
    this.nested += 1;
    try {
      return read();
    } finally {
      this.nested -= 1;
    }
  }

  private continued(input: string): string {
    let text = input;
    // Each pass hides one more literal of a chain: bounded by the chain's length.
    for (let i = 0; i < 50; i++) {
      const clean = text.replace(CONTINUED, (_whole, head: string, glue: string, quote: string, secret: string) => {
        this.count += 1;
        return `${head}${glue}${quote}${marker(`str, ${chars(secret)} chars`)}`;
      });
      if (clean === text) return text;
      text = clean;
    }
    return text;
  }

  /** `value` with the secrets `rule` finds hidden (its checks applied). */
  private applyRule(rule: (typeof VALUE_RULES)[number], value: string): string {
    return value.replace(rule.re, (...args: unknown[]) => {
      const whole = args[0] as string;
      const secret = (rule.group ? args[rule.group] : whole) as string | undefined;
      if (!secret || secret.startsWith(RULES.placeholderOpen)) return whole;
      if (rule.minDistinct && new Set(secret).size < rule.minDistinct) return whole;
      if (rule.random && !looksGenerated(secret)) return whole;
      if (rule.password && !looksLikePassword(secret)) return whole;
      if (rule.userPassword && !looksLikeUserPassword(secret)) return whole;
      if (rule.pairPassword && !looksLikePairPassword(secret)) return whole;
      if (rule.secretName && !isSecretName(whole.split('"')[1] ?? "")) return whole;
      // `echo "$CR_PAT" | docker login --password-stdin`: a reference to one.
      if (PLACEHOLDER_VALUE.test(secret) || TEMPLATE_VALUE.test(secret)) return whole;
      const at = whole.lastIndexOf(secret);
      if (rule.random || rule.password) {
        const all = args[args.length - 1] as string;
        const offset = args[args.length - 2] as number;
        if (rule.random && isDigest(secret, all.slice(Math.max(0, offset - 24), offset + at))) return whole;
        // `(vault id wlxg…)`, `"requestId": "…"`: an id named right before it.
        if (afterIdName(all.slice(Math.max(0, offset + at - 80), offset + at))) return whole;
      }
      this.count += 1;
      return whole.slice(0, at) + marker(rule.kind) + whole.slice(at + secret.length);
    });
  }

  /** The placeholder for a value hidden in the data walk (counted). */
  private readonly hideValue = (value: unknown): string => {
    this.count += 1;
    return marker(describeHidden(value));
  };

  /** True when the rules hide anything in `text` (not counted). */
  private hidesAny(text: string): boolean {
    const before = this.count;
    const hidden = this.text(text) !== text;
    this.count = before;
    return hidden;
  }

  /** Cells (`{source: …}`) whose sources build a secret from pieces set in other cells
   * (`part1 = 'sk-…'` in one, `api_key = part1 + part2` in the next): the pieces' literals
   * are hidden in every cell, as within one source (datawalk.py's twin). A cell whose last
   * line names a variable passed where a credential goes (`connect(host, user, x)` in one
   * cell, `print(x)` in another) has its one-line outputs hidden, as under a secret's name.
   * A source saved as nbformat's list of lines is read joined, and hidden line by line. */
  private splitAcrossCells(items: unknown[], out: unknown[]): void {
    const sources = items.map(cellSource).filter((s): s is string => s !== null);
    if (sources.length < 2) return;
    const cut = this.cut || 100_000;
    const found = aliases(sources.map((s) => codeSlice(s, cut)).join("\n"));
    if (!found.size) return;
    out.forEach((item, k) => {
      const source = cellSource(item);
      if (source === null) return;
      let cell = item as { source: unknown; outputs?: unknown };
      const raw = cell.source;
      if (typeof raw === "string") {
        const hidden = this.aliased(raw, found);
        if (hidden !== raw) out[k] = cell = { ...cell, source: hidden };
      } else if (Array.isArray(raw)) {
        const hidden = raw.map((v: unknown) => (typeof v === "string" ? this.aliased(v, found) : v));
        if (hidden.some((v, i) => v !== raw[i])) out[k] = cell = { ...cell, source: hidden };
      }
      if (Array.isArray(cell.outputs) && namesOneOf(source, found)) {
        out[k] = { ...cell, outputs: hideCellOutputs(cell.outputs, hideShownCredential) };
      }
    });
  }

  /** A copy of JSON-ready `value` with secrets hidden, by key name and in text. */
  data(value: unknown, depth = 0): unknown {
    if (typeof value === "string") {
      // Cut in code points, as Python cuts a str.
      const length = this.cut ? codeLength(value) : 0;
      if (!this.cut || length <= this.cut) return this.text(value);
      return `${this.text(codeSlice(value, this.cut))}… [${(length - this.cut).toLocaleString("en-US")} more chars]`;
    }
    if (depth > 40 || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) {
      const more = this.cut ? value.length - this.cut : 0;
      const out = (more > 0 ? value.slice(0, this.cut) : value).map((v) => this.data(v, depth + 1));
      for (const k of pairHides(out)) {
        this.count += 1;
        out[k] = marker(describeHidden(out[k]));
      }
      manifestPairs(out, this.hideValue);
      keyLines(out, (text) => this.hidesAny(text), this.hideValue);
      this.splitAcrossCells(more > 0 ? value.slice(0, this.cut) : value, out);
      if (more > 0) out.push(`… ${more.toLocaleString("en-US")} more items not shown`);
      return out;
    }
    const obj = value as Record<string, unknown>;
    const entrySecret = NAME_KEYS.some((k) => isSecretName(obj[k])) && obj.type !== "class";
    // A Kubernetes Secret (redactmanifest.ts): its data's keys are named as its user likes.
    const manifest = obj.kind === "Secret";
    const out: Record<string, unknown> = {};
    // The checks read a key as it is; the copy holds it as the model may read it (a secret
    // may be the key itself: a dict keyed by API key).
    const names = this.shownKeys(obj);
    for (const [key, item] of Object.entries(obj)) {
      const shown = names?.get(key) ?? key;
      const keep =
        item === null || item === undefined || item === true || item === false || item === "" ||
        (typeof item === "string" && item.startsWith(RULES.placeholderOpen));
      const keyed = typeof item === "string" && isUserKeyedPassword(key, item);
      let copy: unknown;
      if ((isSecretPair(key, item) || keyed || (entrySecret && VALUE_KEYS.has(key))) && !keep) {
        this.count += 1;
        copy = marker(describeHidden(item));
      } else if (manifest && (key === "data" || key === "stringData") && item !== null && typeof item === "object" && !Array.isArray(item)) {
        const inner: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
          put(inner, k, typeof v === "string" && v ? this.hideValue(v) : this.data(v, depth + 2));
        }
        copy = inner;
      } else if (key === "outputs" && Array.isArray(item)) {
        copy = this.data(wholeStreams(item, this), depth + 1);
      } else if (typeof item === "string") {
        const before = this.count;
        copy = keptUnderIdName(key, item, this.data(item, depth + 1) as string, before, this);
      } else {
        copy = this.data(item, depth + 1);
      }
      put(out, shown, copy);
    }
    if ("head" in out || "describe" in out) keyishCells(out, this.hideValue);
    // `to_dict("split")`'s `data`, or `rows` as other producers name it.
    for (const rows of ["data", "rows"]) if ("columns" in out && rows in out) splitRows(obj.columns, out[rows], this.hideValue);
    return out;
  }

  /**
   * The keys of a mapping as the copy shows them, where a secret is hidden in one
   * (undefined when none is): redacted as text, each made unique, so that none takes the
   * name of another key, plain or hidden, whatever their order (no entry is lost).
   */
  private shownKeys(obj: Record<string, unknown>): Map<string, string> | undefined {
    const hidden: [string, string][] = [];
    for (const key of Object.keys(obj)) {
      const shown = this.text(key);
      if (shown !== key) hidden.push([key, shown]);
    }
    if (hidden.length === 0) return undefined;
    const changed = new Set(hidden.map(([key]) => key));
    // Plain keys keep their names; a hidden one takes the first name left free.
    const taken = new Set(Object.keys(obj).filter((key) => !changed.has(key)));
    const names = new Map<string, string>();
    for (const [key, shown] of hidden) {
      let unique = shown;
      for (let n = 2; taken.has(unique); n++) unique = `${shown} #${n}`;
      taken.add(unique);
      names.set(key, unique);
    }
    return names;
  }
}

/**
 * `out[key] = value`, an own property whatever the key: a mapping's `__proto__` (a
 * user's dict key, JSON's own property) would set the copy's prototype and be lost.
 */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** `text` with secrets hidden (and how many). */
/** The most of one text the policy reads and shows; the rest is cut with a note
 * (Python's `context_policy.MAX_TEXT_CHARS`). */
export const MAX_TEXT_CHARS = 100_000;

/** `text` redacted, and how many secrets; past `MAX_TEXT_CHARS` cut as Python's
 * `ContextPolicy.text` cuts it. Every rule is linear, but ~90 of them on a line full of
 * their trigger words took a second per megabyte on the page's thread. */
export function redactText(text: string): { text: string; count: number } {
  const r = new Redactor();
  // Lengths and cuts in code points, as Python's (an emoji is one character there).
  if (text.length <= MAX_TEXT_CHARS || codeLength(text) <= MAX_TEXT_CHARS) return { text: r.text(text), count: r.count };
  // The margin keeps a secret that straddles the cut matched whole.
  const head = codeSlice(text, MAX_TEXT_CHARS + REDACT_MARGIN);
  const clean = r.text(head);
  const cleanLength = codeLength(clean);
  const cutOff = codeLength(text) - codeLength(head);
  if (cleanLength <= MAX_TEXT_CHARS && cutOff === 0) return { text: clean, count: r.count };
  const keep = Math.min(cleanLength, MAX_TEXT_CHARS - 30);
  const more = cleanLength - keep + cutOff;
  return { text: `${codeSlice(clean, keep)}… [${more.toLocaleString("en-US")} more chars]`, count: r.count };
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

/** A cell's (`{source: …}`) source as one text: a string, or nbformat's list of lines
 * joined (`multilineText`); null for anything else. Mirrors datawalk.py's `_cell_source`. */
function cellSource(item: unknown): string | null {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return null;
  const source = (item as { source?: unknown }).source;
  if (typeof source === "string") return source;
  return Array.isArray(source) ? multilineText(source) : null;
}
