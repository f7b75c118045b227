/**
 * Secrets whose name stands apart from their value, in text, on the JupyterLab side: a
 * transcript's output under an input naming a secret (`In [3]: password` then
 * `Out[3]: 'x'`, `>>> token` then `'x'`); the arguments filling a format string under a
 * secret name (`password = "%s" % "x"`); values by position under names in a sibling
 * list (`dict(zip(["user", "password"], ["ada", "x"]))`, `pd.Series([...],
 * index=[...])`, an SQL `INSERT`'s column list); a JSON pair inside a JSON string. A base
 * class of `Redactor` (it counts what it hides in `count`); mirrors Python's
 * context_policy/loose.py.
 */

import { chars } from "./codepoints";
import { CALL_ARGUMENT, CREDENTIAL_VALUE, STRING_LITERAL } from "./redactcompiled";
import { RULES } from "./redaction-rules.generated";
import { isSecretName, KEEP_VALUE, marker, normalizeName } from "./redactnames";
import { secretPositions, TableRedaction, vocabPositions } from "./redacttables";

const TRANSCRIPT = new RegExp(RULES.transcript, "gm");
const FORMATTED = new RegExp(RULES.formattedAssignment, "g");
const FLAT_LIST = new RegExp(RULES.flatList, "g");
const SQL_INSERT = new RegExp(RULES.sqlInsert, "gi");
const ESCAPED_PAIR = new RegExp(RULES.escapedJsonPair, "g");
const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;
const ASSIGNMENT = /^\s*[A-Za-z_][A-Za-z0-9_.[\]'", ]*(?<![=!<>])=(?!=)/;
// Names that hold an object, not a secret (`session`): their output is described.
const OBJECT_NAMES = new Set(["session", "sess", "cookies", "cookie", "auth"]);
// Sibling lists are looked for this far from a list of names (a call's arguments).
const SIBLING_SPAN = 1000;
const MAX_NAME_LISTS = 50;

/** A transcript's input that shows a secret (`password`, `print(tok)`), not one that
 * assigns it. */
function inputNamesSecret(source: string): boolean {
  if (ASSIGNMENT.test(source)) return false;
  // Calls that return a secret whatever they are given (`getpass.getpass()`).
  if (/\bgetpass[ \t]*\(/.test(source.slice(0, 500))) return true;
  return (source.slice(0, 500).match(WORD) ?? []).some((w) => isSecretName(w) && !OBJECT_NAMES.has(normalizeName(w)));
}

/** A list of names only (`'user', 'password'`): string literals each a lower-case
 * identifier or a secret's name. */
/** The items of a list by position: a string literal's text, else null. */
function literals(body: string): (string | null)[] {
  const items: (string | null)[] = [null];
  for (const token of body.matchAll(CALL_ARGUMENT)) {
    if (token[0] === ",") items.push(null);
    else if (token[1]) items[items.length - 1] = token[0].slice(1, -1);
  }
  return items;
}

/** True when `body` has, where `names` has a name that is no secret's, that same name:
 * another key of the same parent (`("db", "host")` by `("db", "password")`), not the
 * values of the names. */
function sharesAName(names: string, body: string, secret: Set<number>): boolean {
  const ours = literals(names);
  const theirs = literals(body);
  return ours.length === theirs.length && ours.some((a, k) => !secret.has(k) && a !== null && a === theirs[k]);
}

function allNames(body: string): boolean {
  let seen = false;
  for (const token of body.matchAll(CALL_ARGUMENT)) {
    const text = token[0];
    if (text === ",") continue;
    if (token[1]) {
      const inner = text.slice(1, -1);
      if (!(/^[a-z_][a-z0-9_]*$/.test(inner) || isSecretName(inner))) return false;
      seen = true;
    } else if (text.trim()) return false;
  }
  return seen;
}

/** Hides values whose secret name stands apart from them (see the module). */
export class LooseRedaction extends TableRedaction {
  protected loose(input: string, named: boolean): string {
    let text = input;
    // `In [n]:` alone: what a cell prints has no `Out[n]:` label.
    if (text.includes("Out[") || text.includes(">>> ") || text.includes("In [")) {
      text = text.replace(TRANSCRIPT, (whole, source: string, _head: string, output: string) => {
        const inner = output.trim().replace(/^['"]+|['"]+$/g, "");
        if (
          !inputNamesSecret(source) ||
          !inner ||
          output.includes(RULES.placeholderOpen) ||
          KEEP_VALUE.test(inner.toLowerCase())
        ) {
          return whole;
        }
        return whole.slice(0, whole.length - output.length) + this.hideText(inner);
      });
    }
    if (!named) return text;
    if (text.includes("%") || text.includes(".format(")) {
      text = text.replace(FORMATTED, (whole, head: string, name: string, _quote: string, args: string) => {
        if (!isSecretName(name.split(".").pop() ?? name)) return whole;
        return head + args.replace(STRING_LITERAL, (literal, quote: string, secret: string) =>
          !secret || secret.includes(RULES.placeholderOpen) ? literal : `${quote}${this.hideText(secret)}${quote}`,
        );
      });
    }
    if ((text.includes("[") || text.includes("(")) && (text.includes("'") || text.includes('"'))) text = this.siblings(text);
    if (text.includes('\\"')) {
      text = text.replace(ESCAPED_PAIR, (whole, name: string, secret: string) => {
        if (!isSecretName(name) || !secret || secret.includes(RULES.placeholderOpen)) return whole;
        const at = whole.lastIndexOf(secret);
        return whole.slice(0, at) + this.hideText(secret) + whole.slice(at + secret.length);
      });
    }
    return text;
  }

  private hideText(secret: string): string {
    this.count += 1;
    return marker(`str, ${chars(secret)} chars`);
  }

  /** Literals by position under a nearby list of names (`zip(names, values)`,
   * `Series(values, index=names)`, SQL `INSERT … (cols) VALUES (…)`). */
  private siblings(text: string): string {
    const lists = [...text.matchAll(FLAT_LIST)];
    // (list index, secret positions, count, positions of a text's words: `token`)
    const names: [number, Set<number>, number, Set<number>][] = [];
    for (let k = 0; k < lists.length && names.length < MAX_NAME_LISTS; k++) {
      const body = lists[k][1];
      const [positions, count] = secretPositions(body);
      if (positions.size && count >= 2 && allNames(body)) names.push([k, positions, count, vocabPositions(body)]);
    }
    const edits = new Map<number, string>();
    for (const [k, positions, count, words] of names) {
      const center = lists[k].index ?? 0;
      lists.forEach((other, j) => {
        if (j === k || edits.has(j) || Math.abs((other.index ?? 0) - center) > SIBLING_SPAN) return;
        if (secretPositions(other[1])[0].size) return; // another list of names
        if (other[1].trimStart().startsWith("{")) return; // `f({"level": "info", "log": x})`: a dict's items, no row
        if (sharesAName(lists[k][1], other[1], positions)) return; // `("db", "host")` beside `("db", "password")`: keys
        // `[("user", "ada"), ("x", "password")]`: the row before a list of names, no header.
        if (j < k && !/[^ \t\r\n,]/.test(text.slice((other.index ?? 0) + other[0].length, lists[k].index ?? 0))) return;
        const hidden = this.hidePositions(other[1], positions, count, words);
        if (hidden !== null) edits.set(j, hidden);
      });
    }
    for (const m of text.matchAll(SQL_INSERT)) {
      const columns = m[1].split(",").map((c) => c.replace(/^[ \t`"[\]]+|[ \t`"[\]]+$/g, ""));
      const positions = new Set(columns.flatMap((c, i) => (isSecretName(c) ? [i] : [])));
      if (!positions.size) continue;
      const open = (m.index ?? 0) + m[0].length - m[2].length - 2;
      lists.forEach((other, j) => {
        if ((other.index ?? 0) !== open || edits.has(j)) return;
        const hidden = this.hidePositions(other[1], positions, columns.length);
        if (hidden !== null) edits.set(j, hidden);
      });
    }
    if (!edits.size) return text;
    const pieces: string[] = [];
    let done = 0;
    for (const j of [...edits.keys()].sort((a, b) => a - b)) {
      const start = (lists[j].index ?? 0) + 1;
      pieces.push(text.slice(done, start), edits.get(j) ?? "");
      done = start + lists[j][1].length;
    }
    pieces.push(text.slice(done));
    return pieces.join("");
  }

  /** `body` (a list's items) with the string literals at `positions` hidden, when it has
   * `count` items (at `words`, a text's words, only those shaped like a credential); else
   * null. */
  private hidePositions(body: string, positions: Set<number>, count: number, words?: Set<number>): string | null {
    const tokens = [...body.matchAll(CALL_ARGUMENT)].map((t) => t[0]);
    if (tokens.filter((t) => t === ",").length + 1 !== count) return null;
    let position = 0;
    let changed = false;
    tokens.forEach((token, i) => {
      if (token === ",") position += 1;
      else if (positions.has(position) && (token[0] === "'" || token[0] === '"') && token.length > 2) {
        const inner = token.slice(1, -1);
        if (words?.has(position) && !CREDENTIAL_VALUE.test(inner)) return;
        if (!inner.includes(RULES.placeholderOpen) && !isSecretName(inner)) {
          tokens[i] = `${token[0]}${this.hideText(inner)}${token[0]}`;
          changed = true;
        }
      }
    });
    return changed ? tokens.join("") : null;
  }
}
