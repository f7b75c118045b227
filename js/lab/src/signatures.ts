/**
 * Secrets passed by position to the notebook's own functions and classes.
 *
 * `dc = DC("ada", "hunter2")` says nothing in its text about which argument is the
 * password; the notebook's other cells do: `class DC:` with fields `user: str` and
 * `password: str`, or `def sign_up(user, passphrase)`. The front end reads those
 * definitions from the cells' text (it never asks the kernel to run anything) and hides
 * a string literal given by position to a parameter named like a secret. The kernel's
 * own tools do the same from the live namespace (kernel/signatures.py).
 */

import { chars } from "./codepoints";
import { isSecretName, marker } from "./redact";
import { CALL_ARGUMENT, CALL_ARGUMENTS, KEYWORD_ARGUMENT } from "./redactcompiled";
import { RULES } from "./redaction-rules.generated";

const URL_WITH_PASSWORD = new RegExp(RULES.urlWithPassword);
const DSN_WITH_PASSWORD = new RegExp(RULES.dsnWithPassword);

const DEF = /^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(([^)]{0,2000})\)/gm;
const CLASS = /^class[ \t]+([A-Za-z_]\w*)[^\n]{0,500}:[ \t]*(?:#[^\n]*)?\n((?:(?:[ \t]+[^\n]*)?\n?){0,200})/gm;
const FIELD = /^([ \t]+)([A-Za-z_]\w*)[ \t]*:[ \t]*[^=\s]/;
const INIT = /def[ \t]+__init__[ \t]*\(([^)]{0,2000})\)/;
const NAMEDTUPLE =
  /([A-Za-z_]\w*)[ \t]*=[ \t]*(?:collections\.|typing\.)?namedtuple\([ \t]*['"][^'"]*['"][ \t]*,[ \t]*(?:['"]([^'"]*)['"]|\[([^\]]*)\])/g;

/** Positional parameter names from a parameter list (`self`, `*args` and `**kw` dropped). */
function params(list: string, skipSelf: boolean): string[] {
  const names = list
    .split(",")
    .map((p) => p.split(/[:=]/)[0].trim())
    .filter((p) => p && p !== "/" && !p.startsWith("*"));
  return skipSelf ? names.slice(1) : names;
}

/** The positional parameter names of the functions and classes defined in `sources`,
 * for those that take a secret-named parameter. */
export function notebookDefinitions(sources: readonly string[]): Map<string, string[]> {
  const defs = new Map<string, string[]>();
  const keep = (name: string, names: string[]) => {
    if (names.some((n) => isSecretName(n))) defs.set(name, names);
  };
  for (const raw of sources) {
    const source = raw.slice(0, 50_000);
    if (!source.includes("def ") && !source.includes("class ") && !source.includes("namedtuple")) continue;
    for (const m of source.matchAll(DEF)) if (!m[0].trimStart().startsWith("def __")) keep(m[1], params(m[2], false));
    for (const m of source.matchAll(CLASS)) {
      const body = m[2];
      const init = INIT.exec(body);
      if (init) {
        keep(m[1], params(init[1], true));
        continue;
      }
      // Dataclass, attrs, NamedTuple and pydantic fields: annotated names at the first indent.
      const lines = body.split("\n");
      const indent = /^[ \t]+/.exec(lines.find((l) => l.trim()) ?? "")?.[0] ?? "";
      const fields = lines.flatMap((l) => {
        const f = FIELD.exec(l);
        return f && f[1] === indent ? [f[2]] : [];
      });
      keep(m[1], fields);
    }
    for (const m of source.matchAll(NAMEDTUPLE)) {
      const names = m[2] !== undefined ? m[2].split(/[\s,]+/) : (m[3] ?? "").split(",").map((s) => s.trim().replace(/^['"]|['"]$/g, ""));
      keep(m[1], names.filter(Boolean));
    }
  }
  return defs;
}

/** `source` with string literals hidden where they are passed by position to a
 * secret-named parameter of a function or class in `defs`. */
export function hidePositionalSecrets(source: string, defs: Map<string, string[]>): string {
  if (!defs.size || !source.includes("(") || source.length > 20_000) return source;
  return source.replace(CALL_ARGUMENTS, (whole: string, callee: string | undefined, opener: string, args: string) => {
    // `mod.Class(...)`: a class of the notebook's reached through a module or a class
    // (the front end knows it by its own name only); a method's `self` is no argument.
    const dotted = Boolean(callee?.includes("."));
    let names = callee && opener === "(" ? defs.get(dotted ? (callee.split(".").pop() ?? "") : callee) : undefined;
    if (names && dotted && (names[0] === "self" || names[0] === "cls")) names = names.slice(1);
    if (!names) return whole;
    let position = 0;
    let keyword = false;
    let changed = false;
    const pieces: string[] = [];
    for (const token of args.matchAll(CALL_ARGUMENT)) {
      let text = token[0];
      if (text === ",") {
        position += 1;
        keyword = false;
      } else if (KEYWORD_ARGUMENT.test(text)) {
        keyword = true;
      } else if (token[1] && !keyword && position < names.length && isSecretName(names[position]) && text.length > 2) {
        // A URL's or keyword DSN's password only (kernel/signatures.py): its host and
        // database stay.
        const url = URL_WITH_PASSWORD.exec(text.slice(1, -1)) ?? DSN_WITH_PASSWORD.exec(text.slice(1, -1));
        const hidden = url ? `${url[1]}${marker("URL password")}${url[3]}` : marker(`str, ${chars(text.slice(1, -1))} chars`);
        text = `${text[0]}${hidden}${text[0]}`;
        changed = true;
      }
      pieces.push(text);
    }
    return changed ? `${callee}(${pieces.join("")}` : whole;
  });
}

// Frames whose columns name a secret, read from the notebook's text: built by pandas or
// polars with a secret-named column literal nearby (`df = pd.DataFrame({"password": …})`,
// `df = pd.read_csv(…, usecols=["user", "password"])`), or given one (`df["token"] = …`).
const FRAME_DEF = /^[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*(?:pd|pl|pandas|polars)\.(?:DataFrame|read_[a-z_]+|from_[a-z_]+)\b/gm;
const COLUMN_SET = /^[ \t]*([A-Za-z_]\w*)\[[ \t]*['"]([^'"\n]{1,100})['"][ \t]*\][ \t]*=(?!=)/gm;
const COLUMN_LITERAL = /['"]([A-Za-z_][\w -]{0,63})['"]/g;
// A cell that shows a frame by its name (`df`, `df.head()`): its output's header names
// the columns.
const FRAME_SHOWN = /^([A-Za-z_]\w*)(?:\.(?:head|tail|sample)\([^()\n]{0,40}\))?$/;
// A frame's values without its column names: `df.values`, `df.to_numpy()`, polars'
// `df.rows()` (mirrors kernel/signatures.py's `_NAMELESS_VALUES`).
const NAMELESS_VALUES =
  /(?<![\w.])([A-Za-z_]\w*)(?:\[\[?[^\]\n]{0,200}\]?\])?\.(?:values|to_numpy|rows|iter_rows|itertuples|iterrows|tolist|to_list|to_json|to_dicts|array|to_records)\b/g;

/** A source's last line that is not blank or a comment ("" if none). */
function lastLine(source: string): string {
  const lines = source.slice(-2000).split(/\r?\n|\r/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (line && !line.startsWith("#")) return line;
  }
  return "";
}

/** Names of the notebook's frames with a secret-named column, from the cells' sources
 * and, for cells that show a frame (`df`, `df.head()`), the first lines of its output
 * (a frame read from a file whose header the notebook never shows counts as one);
 * also their other names, and as `=name` the variables holding their values without the
 * column names (`vals = df.values`). */
export function secretFrames(sources: readonly string[], shown: readonly (readonly [string, string])[] = []): Set<string> {
  const frames = new Set<string>();
  for (const raw of sources) {
    const source = raw.slice(0, 50_000);
    if (!source.includes("=")) continue;
    for (const m of source.matchAll(FRAME_DEF)) {
      const near = source.slice(m.index ?? 0, (m.index ?? 0) + 2000);
      if ([...near.matchAll(COLUMN_LITERAL)].some((c) => isSecretName(c[1].trim()))) frames.add(m[1]);
    }
    for (const m of source.matchAll(COLUMN_SET)) if (isSecretName(m[2])) frames.add(m[1]);
  }
  // Read from a file with no column names in the notebook: its columns are unknown here.
  const unknown = new Set<string>();
  for (const raw of sources) {
    const source = raw.slice(0, 50_000);
    for (const m of source.matchAll(FRAME_DEF)) {
      const call = source.slice(m.index ?? 0, (m.index ?? 0) + 500).split("\n")[0];
      if (/\.(?:read|from|scan)_/.test(call) && !COLUMNS_GIVEN.test(call)) unknown.add(m[1]);
    }
  }
  for (const [source, output] of shown) {
    const found = FRAME_SHOWN.exec(lastLine(source));
    if (!found) continue;
    unknown.delete(found[1]); // its header is in the notebook: the check below decides
    const header = output.slice(0, 2000).split("\n").slice(0, 3).join(" ");
    if ((header.match(/[A-Za-z_][\w-]*/g) ?? []).some((w) => isSecretName(w))) frames.add(found[1]);
  }
  // Its values shown without names are hidden: the notebook cannot tell a password
  // column from data (the kernel's own tools can: they read the columns).
  for (const name of unknown) frames.add(name);
  if (frames.size) addHolders(sources, frames);
  return frames;
}

// A read call that names its columns (`usecols=`, `names=`, `columns=`, `schema=`).
const COLUMNS_GIVEN = /\b(?:usecols|names|columns|schema|dtype)[ \t]*=/;

// `vals = users.values`, `rows = users.to_numpy().tolist()`: a variable holding a secret
// frame's values without its column names; `other = users` / `users.copy()` / `users[…]`:
// the frame under another name.
const ASSIGNED = /^[ \t]*([A-Za-z_]\w*)[ \t]*=(?!=)[ \t]*([^\n]{1,500})$/gm;
const FRAME_ALIAS = /^([A-Za-z_]\w*)(?:\.(?:copy|dropna|fillna|reset_index|head|tail|sample|sort_values|drop_duplicates)\([^()\n]{0,200}\)|\[[^\n]{0,200}\])*[ \t]*(?:#.*)?$/;
// What a holder shows, by name on a cell's last line (`vals`, `print(vals)`, `vals[:3]`).
const HOLDER_USE = /(?<![\w.])([A-Za-z_]\w*)/g;

/** Adds to `frames` the notebook's other names for them, and (as `=name`) the variables
 * that hold their values without the column names; read in cell order, twice (a name
 * defined from one defined later in the list). */
function addHolders(sources: readonly string[], frames: Set<string>): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const raw of sources) {
      const source = raw.slice(0, 50_000);
      if (!source.includes("=")) continue;
      for (const m of source.matchAll(ASSIGNED)) {
        const [, name, value] = m;
        const alias = FRAME_ALIAS.exec(value.trim());
        if (alias && frames.has(alias[1])) frames.add(name);
        else if ([...value.matchAll(NAMELESS_VALUES)].some((v) => frames.has(v[1]))) frames.add(`=${name}`);
      }
    }
  }
}

/** True when a cell's last line shows the values of one of `frames` without the column
 * names (`df.values`): its output holds the secrets with nothing to say which they are. */
export function frameValuesShown(source: string, frames: ReadonlySet<string>): boolean {
  if (!frames.size) return false;
  const line = lastLine(source).slice(0, 500);
  if ([...line.matchAll(NAMELESS_VALUES)].some((m) => frames.has(m[1]))) return true;
  // A variable holding such values (`vals = users.values`), shown later: not assigned again.
  if (/^[A-Za-z_]\w*[ \t]*=(?!=)/.test(line)) return false;
  return [...line.matchAll(HOLDER_USE)].some((m) => frames.has(`=${m[1]}`));
}
