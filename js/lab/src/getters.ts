/**
 * Calls that return a secret whatever they are asked for: a prompt for one (`getpass()`,
 * `input("Token: ")`), a secret store's getter (`keyring.get_password(...)`,
 * `dbutils.secrets.get(...)`), or the environment's value under a secret's name
 * (`os.getenv("DB_PASSWORD")`). A name bound to one holds a secret whatever it is called.
 * Mirrors Python's context_policy/getters.py.
 */
import { RULES } from "./redaction-rules.generated";
import { isSecretName, unnumbered } from "./redactnames";

// The patterns and words are the table's (call_rules.py), shared with Python.
const ASSIGNED = new RegExp(RULES.getterAssignment, "gm");
const GETTER = new RegExp(RULES.secretGetter, "i");
const NAMED_GETTER = new RegExp(RULES.namedGetter);
const GETTER_WORDS: readonly string[] = RULES.getterWords;
const ENV_ALLOW = new Set<string>(RULES.envAllowNames);
const WRAPPER = new RegExp(RULES.getterWrapper);
const CHAINED = new RegExp(RULES.chainedTarget);
const WALRUS = new RegExp(RULES.walrusAssignment, "g");

function isGetter(value: string): boolean {
  let text = value.trim();
  // In parentheses or a conversion that keeps it (`str(getpass())`).
  for (let i = 0; i < 4; i++) {
    const wrapped = WRAPPER.exec(text);
    if (wrapped === null) break;
    text = text.slice(wrapped[0].length);
  }
  if (GETTER.test(text)) return true;
  const named = NAMED_GETTER.exec(text);
  if (named === null) return false;
  const key = named[1];
  const allowed = ENV_ALLOW.has(key) || RULES.envAllowPrefixes.some((p: string) => key.startsWith(p));
  return isSecretName(unnumbered(key)) && !allowed;
}

/** `input("user"), getpass()` (or the same in parentheses): a tuple's top-level items. */
function topLevelItems(value: string): string[] {
  let text = value.trim();
  if (text.startsWith("(") && text.endsWith(")")) text = text.slice(1, -1);
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) quote = char === quote ? "" : quote;
    else if (char === "'" || char === '"') quote = char;
    else if ("([{".includes(char)) depth++;
    else if (")]}".includes(char)) depth--;
    else if (char === "," && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items.filter((item) => item.trim());
}

/** The names `source` binds to a secret's getter (`x = keyring.get_password(…)`,
 * `a, b = input("user"), getpass()`, `a = b = getpass()`, `(pw := getpass())`). Mirrors
 * Python's `bound_to_getters`. */
export function boundToGetters(source: string): Set<string> {
  const names = new Set<string>();
  if (!GETTER_WORDS.some((word) => source.includes(word))) return names;
  for (const m of source.matchAll(ASSIGNED)) {
    const bound = m[1]
      .replace(/^[() \t]+|[() \t]+$/g, "")
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t);
    if (bound.length === 1) {
      // a = b = getpass(): each target of the chain.
      let value = m[2];
      for (let chained = CHAINED.exec(value); chained !== null; chained = CHAINED.exec(value)) {
        bound.push(chained[1]);
        value = value.slice(chained[0].length);
      }
      if (isGetter(value)) for (const n of bound) names.add(n);
      continue;
    }
    const values = topLevelItems(m[2]);
    if (values.length !== bound.length) continue;
    for (const [k, n] of bound.entries()) if (isGetter(values[k])) names.add(n);
  }
  for (const m of source.matchAll(WALRUS)) if (isGetter(m[2])) names.add(m[1]);
  return names;
}
