/**
 * Calls that return a secret whatever they are asked for: a prompt for one (`getpass()`,
 * `input("Token: ")`), a secret store's getter (`keyring.get_password(...)`,
 * `dbutils.secrets.get(...)`), or the environment's value under a secret's name
 * (`os.getenv("DB_PASSWORD")`). A name bound to one holds a secret whatever it is called.
 * Mirrors Python's context_policy/getters.py.
 */
import { RULES } from "./redaction-rules.generated";
import { isSecretName, unnumbered } from "./redactnames";

// An assignment: its targets (a name, or names unpacked) and its right-hand side.
const ASSIGNED =
  /^[ \t]*(\(?[ \t]*[A-Za-z_][A-Za-z0-9_]*(?:[ \t]*,[ \t]*[A-Za-z_][A-Za-z0-9_]*){0,7}[ \t]*,?[ \t]*\)?)[ \t]*(?::[^=\n]{1,80})?=(?!=)[ \t]*([^\n]{1,400})/gm;
// A prompt for a secret, or a store's getter. Python's own `secrets` module
// (`secrets.token_hex(16)`) makes a new random value: not one.
const GETTER = new RegExp(
  "^(?:(?:getpass\\.)?getpass[ \\t]*\\(" +
    "|input[ \\t]*\\([ \\t]*[rRuU]?['\"][^'\"\\n]{0,80}?" +
    "(?:pass|secret|token|api[ _-]?key|\\bpin\\b|\\botp\\b|credential)[^'\"\\n]{0,80}['\"]" +
    "|(?:[A-Za-z_][\\w.]*\\.)?(?:keyring\\.get_password|secrets\\.get|userdata\\.get)[ \\t]*\\(" +
    "|(?:[A-Za-z_][\\w.]*\\.)?(?:get_secret(?:_value|_version)?|access_secret_version" +
    "|read_secret(?:_version)?|get_password)[ \\t]*\\(" +
    "|(?:[A-Za-z_][\\w.]*\\.)?secrets[ \\t]*\\[|st\\.secrets\\.[A-Za-z_]" +
    "|(?:[A-Za-z_][\\w.]*\\.)?get_connection[ \\t]*\\([^()\\n]{0,120}\\)[ \\t]*\\.password\\b)",
  "i",
);
// The environment's (or Airflow's `Variable`) value by its name: a secret when the name is.
const NAMED_GETTER =
  /^(?:os\.)?(?:getenv[ \t]*\(|environ(?:\.get[ \t]*\(|[ \t]*\[)|Variable\.get[ \t]*\()[ \t]*(?:key[ \t]*=[ \t]*)?[rRuU]?['"]([^'"\n]{1,120})['"]/;
const GETTER_WORDS = [
  "getpass", "input", "secret", "keyring", "userdata", "environ", "getenv", "Variable", "get_password",
  "get_connection",
];
const ENV_ALLOW = new Set<string>(RULES.envAllowNames);

function isGetter(value: string): boolean {
  const text = value.trim();
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
 * `a, b = input("user"), getpass()`). Mirrors Python's `bound_to_getters`. */
export function boundToGetters(source: string): Set<string> {
  const names = new Set<string>();
  if (!GETTER_WORDS.some((word) => source.includes(word))) return names;
  for (const m of source.matchAll(ASSIGNED)) {
    const bound = m[1]
      .replace(/^[() \t]+|[() \t]+$/g, "")
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t);
    const values = bound.length > 1 ? topLevelItems(m[2]) : [m[2]];
    if (values.length !== bound.length) continue;
    for (const [k, n] of bound.entries()) if (isGetter(values[k])) names.add(n);
  }
  return names;
}
