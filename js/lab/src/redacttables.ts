/**
 * Tables printed as text on the JupyterLab side, where a header names a secret column:
 * CSV/TSV, Markdown, LaTeX, polars boxes, pandas' aligned repr and Series, HTML tables,
 * key/value rows, YAML blocks, and values by position under names given elsewhere
 * (`to_json(orient="split")`, numpy structured arrays). A base class of `Redactor`
 * (it counts what it hides in `count`); mirrors Python's context_policy/tables.py.
 */

import { chars } from "./codepoints";
import { CALL_ARGUMENT, CREDENTIAL_VALUE } from "./redactcompiled";
import { RULES } from "./redaction-rules.generated";
import {
  anyOf,
  escapeRe,
  isKeyishName,
  isSecretName,
  namesWords as isVocab,
  KEEP_VALUE,
  looksRandom,
  marker,
  PLACEHOLDER_VALUE,
  trimEndOf,
} from "./redactnames";

const PLACEHOLDER = new RegExp(`${escapeRe(RULES.placeholderOpen)}[^\\n»]{0,200}»`, "g");
const ANY_NAME_TRIGGER = anyOf(RULES.nameTriggers);
// A CSV/TSV writer's delimiters (Markdown pads its cells as it likes).
const WRITERS = new Set(["(,)", "(\t)", "(;)"]);

/** True when a blank stands beside a delimiter of a split row (`a, b`, `| a |`). */
function padded(parts: string[]): boolean {
  for (let j = 1; j < parts.length; j += 2) {
    if (/[ \t]$/.test(parts[j - 1]) || /^[ \t]/.test(parts[j + 1])) return true;
  }
  return false;
}

// How an aligned column's cells are read: all hidden, hidden when shaped like a
// credential (a column of a text's words, `token`), hidden when random-looking.
type Mode = "secret" | "words" | "keyish";

// Every shape a line starts (a key/value row, a header, a YAML key, a Series footer) has
// a secret name on that line. `gh-pat` is one too (it normalises to `gh_pat`): no "_".
const LINE_TRIGGER = new RegExp(
  [...new Set(RULES.nameTriggers.map((t) => t.replace(/^_+/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))].join("|"),
  "g",
);

/** Indices of the lines of `text` holding a name trigger, in order. */
function hotLines(text: string): number[] {
  const lower = text.toLowerCase(); // lowering keeps every "\n" where it was
  const hot: number[] = [];
  let line = 0;
  let done = 0;
  LINE_TRIGGER.lastIndex = 0;
  for (let found = LINE_TRIGGER.exec(lower); found !== null; found = LINE_TRIGGER.exec(lower)) {
    for (let at = lower.indexOf("\n", done); at !== -1 && at < found.index; at = lower.indexOf("\n", at + 1)) line++;
    hot.push(line);
    done = lower.indexOf("\n", found.index + found[0].length);
    if (done < 0) break;
    LINE_TRIGGER.lastIndex = done;
  }
  return hot;
}
const HTML_TOKEN = new RegExp(RULES.htmlToken, "g");
const SPLIT_COLUMNS = new RegExp(RULES.splitColumns, "g");
const SPLIT_DATA = new RegExp(RULES.splitData);
const NEXT_ROW = new RegExp(`\\s*(?:,\\s*)?${RULES.listRow}`, "y");
const STRUCTURED_DTYPE = new RegExp(RULES.structuredDtype, "g");
const DTYPE_NAME = /\([ \t]*['"]([^'"\n]{1,100})['"]/g;
const TUPLE_ROW = new RegExp(RULES.tupleRow, "g");
const DELIMITERS = RULES.tableDelimiters.map((d) => new RegExp(`(${d})`));
// A line holding none of them is no delimited row: one scan instead of a split by each.
const ANY_DELIMITER = new RegExp(RULES.tableDelimiters.join("|"));
const HEADER_FIELD = new RegExp(RULES.tableHeaderField);

/** True for a two-field row whose second field is shaped like a credential. */
function credentialPair(line: string): boolean {
  for (const delimiter of DELIMITERS) {
    const fields = line.split(delimiter).filter((f, k) => k % 2 === 0 && f.trim());
    if (fields.length === 2) return CREDENTIAL_VALUE.test(fields[1].trim().replace(/^['"*`]+|['"*`]+$/g, ""));
  }
  return false;
}
const RULE_ROW = new RegExp(RULES.tableRuleRow);
const SERIES_FOOTER = new RegExp(RULES.seriesFooter);
const YAML_BLOCK_KEY = new RegExp(RULES.yamlBlockKey);
const BARE_ALIGNED_HEADER = new RegExp(RULES.bareAlignedHeader);
// A line of code (`return dsn`, `import wandb, tiktoken`): no header (tables.py).
const CODE_STATEMENT = new RegExp(RULES.codeStatement);
const ALIGNED_KEY_VALUE = new RegExp(RULES.alignedKeyValue);
// `password  1000 non-null  object`, `password  object`: a schema's row (df.info(), df.dtypes).
const SCHEMA_CELLS = new RegExp(RULES.schemaCells, "i");
const ROW_NUMBER = new RegExp(RULES.rowNumber);
const INDEX_NAME_LINE = new RegExp(RULES.indexNameLine);
const LABELLED_ROW = new RegExp(RULES.labelledRow);
const PROSE_KEY = new RegExp(RULES.proseKey, "i");
// A YAML mapping key (`host: x`, `"a b":`), not a plain scalar's text.
const YAML_KEY = /^(?:['"][^'"\n]{0,100}['"]|[^\s:'"][^:\n]{0,100}?)[ \t]*:(?:[ \t]|$)/;
// A cell of 3+ words led by a prose word (`but it is not set yet`): a sentence's clause.
const PROSE_ROW = new RegExp(RULES.proseRow, "i");
const POLARS_DTYPES =
  /^│(?:\s*(?:str|i8|i16|i32|i64|u8|u16|u32|u64|f32|f64|bool|date|datetime\[\S+\]|null|cat|list\[\S+\]|struct\[\d+\]|binary|decimal\[\S+\]|object|time|duration\[\S+\])\s*[│┆])+$/;

/** Positions of the literals of a list of names that `named` picks, and how many items. */
function namedPositions(body: string, named: (name: string) => boolean): [Set<number>, number] {
  const positions = new Set<number>();
  let position = 0;
  for (const t of body.matchAll(CALL_ARGUMENT)) {
    if (t[0] === ",") position += 1;
    else if (t[1] && named(t[0].slice(1, -1))) positions.add(position);
  }
  return [positions, position + 1];
}

/** Positions of the secret-named literals of a list of names, and how many items. */
export function secretPositions(body: string): [Set<number>, number] {
  return namedPositions(body, isSecretName);
}

/** Positions of the literals naming a text's words (`token`) in a list of names. */
export function vocabPositions(body: string): Set<number> {
  return namedPositions(body, isVocab)[0];
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

/** Hides the cells of secret-named columns in tables printed as text. */
export class TableRedaction {
  count = 0;

  /** Values by position under names said elsewhere: `to_json(orient="split")` and numpy
   * structured arrays and records. Mirrors Python's `_positional_rows`. */
  protected positionalRows(text: string): string {
    const edits: Edit[] = [];
    if (text.includes("columns")) {
      for (const columns of text.matchAll(SPLIT_COLUMNS)) {
        const [positions, count] = secretPositions(columns[1]);
        const data = positions.size ? SPLIT_DATA.exec(text) : null;
        if (!data) continue;
        const vocab = vocabPositions(columns[1]);
        NEXT_ROW.lastIndex = data.index + data[0].length;
        for (let found = NEXT_ROW.exec(text); found; found = NEXT_ROW.exec(text)) {
          const body = found[1];
          edits.push(...this.rowEdits(body, found.index + found[0].length - 1 - body.length, positions, count, vocab));
        }
        break;
      }
    }
    if (text.includes("dtype=[")) {
      let start = 0;
      for (const dtype of text.matchAll(STRUCTURED_DTYPE)) {
        const names = [...dtype[1].matchAll(DTYPE_NAME)].map((m) => m[1]);
        const positions = new Set(names.flatMap((n, k) => (isSecretName(n) ? [k] : [])));
        const vocab = new Set(names.flatMap((n, k) => (isVocab(n) ? [k] : [])));
        const at = dtype.index ?? 0;
        if (positions.size) {
          const segment = text.slice(start, at);
          for (const found of segment.matchAll(TUPLE_ROW)) {
            edits.push(...this.rowEdits(found[1], start + (found.index ?? 0) + 1, positions, names.length, vocab));
          }
        }
        start = at + dtype[0].length;
      }
    }
    return applyEdits(text, edits);
  }

  /** Edits hiding a row's items at `positions` (under `vocab` positions, a text's words,
   * only those shaped like a credential). */
  protected rowEdits(body: string, offset: number, positions: Set<number>, count: number, vocab = new Set<number>()): Edit[] {
    const tokens = [...body.matchAll(CALL_ARGUMENT)];
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
        if (vocab.has(position) && !CREDENTIAL_VALUE.test(inner)) continue;
        this.count += 1;
        replacement = `${text[0]}${marker(`str, ${chars(inner)} chars`)}${text[0]}`;
      } else {
        replacement = this.hideCell(text, vocab.has(position));
      }
      if (replacement !== text) edits.push([offset + (token.index ?? 0), offset + (token.index ?? 0) + text.length, replacement]);
    }
    return edits;
  }

  /** Cells of secret-named columns (and key/value rows) of HTML tables hidden: one scan
   * of tokens; a row stands between `<tr>`/`</tr>`/`<thead>`… tags, or on one line outside
   * `<tr>`. Mirrors Python's `_html_tables`. */
  protected htmlTables(text: string): string {
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
    let words = new Set<number>(); // columns named `token`: a text's words
    let keyish = new Set<number>(); // columns named `Key`, `salt`: random cells only
    for (const cells of rows) {
      if (!cells.length) {
        secret = new Set();
        keyish = new Set();
        continue;
      }
      const names = cells.map((c) => c[4].trim());
      if (cells.every((c) => c[3].startsWith("<th"))) {
        const named = names.flatMap((n, k) => (n && isSecretName(n) ? [k] : []));
        const loose = names.flatMap((n, k) => (n && !named.includes(k) && isKeyishName(n) ? [k] : []));
        if (named.length || loose.length) {
          secret = new Set(named);
          keyish = new Set(loose);
          words = new Set(named.filter((k) => isVocab(names[k])));
          continue;
        }
      }
      for (const [k, cell] of cells.entries()) {
        if (!keyish.has(k) || !names[k]) continue;
        const at = (cell.index ?? 0) + cell[3].length;
        const replacement = this.hideRandomCell(cell[4]);
        if (replacement !== cell[4]) edits.push([at, at + cell[4].length, replacement]);
      }
      const hide = new Set(secret);
      const filled = names.flatMap((n, k) => (n ? [k] : []));
      const pair = filled.length === 2 && isSecretName(names[filled[0]]);
      if (pair) hide.add(filled[1]); // <th>password</th><td>x</td>
      for (const k of hide) {
        if (k >= cells.length || !names[k]) continue;
        const cell = cells[k];
        const at = (cell.index ?? 0) + cell[3].length;
        const vocab = words.has(k) || (pair && k === filled[1] && isVocab(names[filled[0]]));
        const replacement = this.hideCell(cell[4], vocab);
        if (replacement !== cell[4]) edits.push([at, at + cell[4].length, replacement]);
      }
    }
    return applyEdits(text, edits);
  }

  /** `api_token    x  y` (a Series, a transposed frame): the values after a name. */
  protected alignedKeyValue(line: string): string | null {
    if (line.length > 2000 || !line.includes("  ")) return null;
    // `1    db_password    x`: a frame of names and values printed with its row numbers.
    const head = ROW_NUMBER.exec(line)?.[0] ?? "";
    const found = ALIGNED_KEY_VALUE.exec(line.slice(head.length));
    if (!found || SCHEMA_CELLS.test(found[3])) return null;
    // Under a key-ish name (`tok    str    x`, a `%whos` row): random-looking values only.
    const secret = isSecretName(found[1]);
    if (!secret && !isKeyishName(found[1])) return null;
    const parts = found[3].split(/( {2,})/);
    const vocab = isVocab(found[1]);
    for (let k = 0; k < parts.length; k += 2) {
      parts[k] = secret ? this.hideCell(parts[k], vocab) : this.hideRandomCell(parts[k]);
    }
    const row = head + found[1] + found[2] + parts.join("");
    return row !== line ? row : null;
  }

  /** `password,x` / `| password | x |`: a two-field row naming a secret. */
  protected keyValueRow(line: string): string | null {
    if (line.length > 2000 || !ANY_DELIMITER.test(line)) return null;
    for (const delimiter of DELIMITERS) {
      const parts = line.split(delimiter);
      const fields = parts.filter((_, k) => k % 2 === 0);
      let filled = fields.flatMap((f, k) => (f.trim() ? [k] : []));
      // `|  1 | password | x |`: a frame's row number.
      if (filled.length === 3 && /^[0-9]+$/.test(fields[filled[0]].trim())) filled = filled.slice(1);
      if (filled.length !== 2) continue;
      const name = fields[filled[0]].trim().replace(/^['"*`]+|['"*`]+$/g, "");
      const value = fields[filled[1]].trim().replace(/^['"*`]+|['"*`]+$/g, "");
      if (!HEADER_FIELD.test(name) || !isSecretName(name) || isSecretName(value)) return null;
      // `The API token must be 40 characters; yours has 12`, `For the password, use
      // getpass`: a sentence.
      if ((name.match(/ /g) ?? []).length > 2 || PROSE_ROW.test(value) || PROSE_KEY.test(name)) return null;
      const k = 2 * filled[1];
      const hidden = this.hideCell(parts[k], isVocab(name));
      if (hidden === parts[k]) return null;
      parts[k] = hidden;
      return parts.join("");
    }
    return null;
  }

  /** Cells of secret-named columns hidden in CSV/TSV/Markdown/polars/pandas text. */
  protected tables(text: string): string {
    const lines = text.split("\n");
    let changed = false;
    let i = 0;
    // Only lines holding a trigger are tried (the rows below a header are read from it):
    // each line's tries cost microseconds, and a million blank lines took seconds.
    for (const hot of hotLines(text)) {
      if (hot < i) continue;
      i = hot;
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
      const index = INDEX_NAME_LINE.exec(lines[i]);
      if (index && isSecretName(index[1])) {
        const vocab = isVocab(index[1]);
        const [next, hid] = this.indexLabels(lines, i + 1, vocab);
        changed = changed || hid;
        i = next;
        continue;
      }
      let header: ((row: string) => string | null) | null = null;
      let pair = this.keyValueRow(lines[i]);
      if (pair !== null) {
        // `password,count` over `hunter2x,3` (a secret column first): the row is read
        // both ways, a pair and the header of the rows below it; not when its value is
        // shaped like a credential (`password,hunter2x` over `user,ada`: one pair a line),
        // as no column is named so.
        if (!credentialPair(lines[i])) header = this.delimitedHeader(lines[i]);
      } else {
        pair = this.alignedKeyValue(lines[i]);
      }
      const line = lines[i];
      if (pair !== null) {
        lines[i] = pair;
        changed = true;
        if (header === null) {
          i += 1;
          continue;
        }
      }
      const row = header ?? this.delimitedHeader(line) ?? this.alignedHeader(line);
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

  /** The value lines under `password: |` (all) or `tokens:` (`- item` lines, or a plain
   * scalar on the lines below), more indented than the key; returns where the block ends
   * and if it hid any. */
  protected yamlBlock(lines: string[], start: number, indent: number, scalar: boolean): [number, boolean] {
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
      else if (i === start && !YAML_KEY.test(body)) {
        // `password:` then the value on the next line, more indented: a plain scalar
        // (YAML folds it into the key's value).
        hidden = this.hideCell(line);
        scalar = true;
      } else break; // a nested mapping: its own keys say what they hold
      if (hidden !== line) {
        lines[i] = hidden;
        changed = true;
      }
    }
    return [i, changed];
  }

  /** `cell` hidden; under a column of a text's words (`vocab`) only a value shaped like a
   * credential. */
  protected hideCell(cell: string, vocab = false): string {
    // Markdown's inline code (`` `sk-...` ``) quotes a cell as quotes do.
    const inner = cell.trim().replace(/^['"`]+|['"`]+$/g, "");
    if (!inner || RULE_ROW.test(inner) || inner.includes(RULES.placeholderOpen)) return cell;
    if (KEEP_VALUE.test(inner.toLowerCase()) || (vocab && !CREDENTIAL_VALUE.test(inner))) return cell;
    // A mask leading the cell (`aws configure list`'s `****************WXYZ
    // shared-credentials-file`, a docs table's `` `sk-...` (placeholder)``): the tool or
    // the writer hid the key itself (tables.py).
    if (PLACEHOLDER_VALUE.test(inner.split(/\s+/)[0].replace(/^['"`]+|['"`]+$/g, ""))) return cell;
    // A sentence about the secret, as a key/value row's (`set via Vault`, `(stored in CI secrets)`).
    if (PROSE_ROW.test(inner.startsWith("(") ? inner.slice(1) : inner)) return cell;
    this.count += 1;
    const lead = cell.slice(0, cell.length - cell.trimStart().length);
    const trail = cell.slice(cell.trimEnd().length);
    return `${lead}${marker(`str, ${chars(inner)} chars`)}${trail}`;
  }

  /** `cell` under a key-ish column (`Key`, `salt`): hidden when its text, out of its
   * quotes (and a LaTeX row's `\\`), looks random; `id`, `A1` stay. */
  protected hideRandomCell(cell: string): string {
    let head = cell;
    let end = "";
    const body = cell.trimEnd();
    if (body.endsWith("\\\\")) {
      head = body.slice(0, -2);
      end = cell.slice(body.length - 2);
    }
    if (!looksRandom(head.trim().replace(/^['"`]+|['"`]+$/g, ""))) return cell;
    return this.hideCell(head) + end;
  }

  protected delimitedHeader(line: string): ((row: string) => string | null) | null {
    if (line.length > 2000 || !ANY_DELIMITER.test(line) || CODE_STATEMENT.test(line)) return null;
    const lower = line.toLowerCase();
    if (!ANY_NAME_TRIGGER.test(lower)) return null;
    for (const delimiter of DELIMITERS) {
      const fields = line.split(delimiter).filter((_, k) => k % 2 === 0);
      if (fields.length < 2) continue;
      // A LaTeX row ends with `\\`.
      const names = fields.map((f) => trimEndOf(f.trim(), "\\").trim().replace(/^['"]+|['"]+$/g, ""));
      if (!names.every((n) => !n || HEADER_FIELD.test(n))) continue;
      // ` "Session",`: one item a line of a list or tuple in code, no header (a CSV
      // writer ends no one-column row with its delimiter).
      if (!names[names.length - 1] && names.filter((n) => n).length === 1) continue;
      const secret = names.flatMap((n, k) => (n && isSecretName(n) ? [k] : []));
      // A key-ish column (`key`, `signature`, `salt`) holds a key only sometimes: its
      // random-looking cells are hidden, its words (`id`) stay.
      const keyish = names.flatMap((n, k) => (n && !secret.includes(k) && isKeyishName(n) ? [k] : []));
      if (!secret.length && !keyish.length) continue;
      const vocab = new Set(secret.filter((k) => isVocab(names[k])));
      const count = fields.length;
      const tight = WRITERS.has(delimiter.source) && !padded(line.split(delimiter));
      return (text: string) => {
        const parts = text.split(delimiter);
        // A rule row (`╞═══╡`) has no delimiter; anything else ends the table.
        if (Math.ceil(parts.length / 2) !== count) return RULE_ROW.test(text) ? text : null;
        // `name,key` then `Wrote 2 rows, 9a8b…`: a CSV writer pads no cell the header does
        // not; a sentence's ", " is no row of this table.
        if (tight && padded(parts)) return null;
        if (POLARS_DTYPES.test(text)) return text;
        // `password,x` under `key,value`: a key/value table.
        const pair = secret.length ? null : this.keyValueRow(text);
        if (pair !== null) return pair;
        for (const k of secret) parts[2 * k] = this.hideCell(parts[2 * k], vocab.has(k));
        for (const k of keyish) parts[2 * k] = this.hideRandomCell(parts[2 * k]);
        return parts.join("");
      };
    }
    return null;
  }

  protected alignedHeader(line: string): ((row: string) => string | null) | null {
    // pandas' repr: cells right-aligned under names separated by 2+ spaces.
    if (!(line.startsWith("  ") || BARE_ALIGNED_HEADER.test(line)) || line.length > 2000 || /[=:()"'<,]/.test(line)) return null;
    if (CODE_STATEMENT.test(line)) return null;
    const lower = line.toLowerCase();
    if (!ANY_NAME_TRIGGER.test(lower)) return null;
    const tokens = [...line.matchAll(/\S+/g)];
    // Python's `pass` statement: the code below it is no column (tables.py).
    if (tokens.length === 1 && tokens[0][0] === "pass") return null;
    // `password    object`: a column and its type (`df.dtypes`).
    if (tokens.length === 2 && SCHEMA_CELLS.test(tokens[1][0])) return null;
    // A sentence (three words apart by one blank: a frame's names stand 2+ apart), a
    // comment: no frame's header; `,` (above): code's arguments.
    if (/[;.]$/.test(line.trimEnd()) || line.trimStart().startsWith("#") || /\S \S+ \S/.test(line)) return null;
    // Each column: where its cells may start and end, and how they are read (a secret's,
    // a text's words', or a key-ish name's: random-looking cells only).
    const spans: [number, number, Mode][] = [];
    tokens.forEach((t, k) => {
      const end = (t.index ?? 0) + t[0].length;
      let mode: Mode;
      if (isSecretName(t[0])) mode = isVocab(t[0]) ? "words" : "secret";
      else if (isKeyishName(t[0])) mode = "keyish";
      else return;
      spans.push([k ? (tokens[k - 1].index ?? 0) + tokens[k - 1][0].length : 0, end, mode]);
    });
    if (!spans.length) return null;
    const width = line.length;
    // `key  value` (no secret column): a row may name a secret in its first cell.
    const pairs = spans.every(([, , mode]) => mode === "keyish");
    return (text: string) => {
      // pandas pads every row to the header's width: a row far wider is not one of this
      // table's (and scanning it once per column would be quadratic).
      if (text.length > 2 * width + 200) return null;
      const pair = pairs ? this.alignedKeyValue(text) : null;
      if (pair !== null) return pair; // `1  password  x` under `key  value`
      // Right to left, each scan stops where the cell to its right began: read once.
      const cells: [number, number, Mode][] = [];
      let stop = text.length;
      for (const [start, end0, mode] of [...spans].reverse()) {
        let end = Math.min(end0, stop);
        while (end < stop && !/\s/.test(text[end])) end += 1;
        let begin = end;
        while (begin > start && !(text[begin - 1] === " " && text.slice(begin - 2, begin) === "  ")) begin -= 1;
        cells.push([begin, end, mode]);
        stop = begin;
      }
      const pieces: string[] = [];
      let done = 0;
      // A cell a rule already hid holds blanks: its width is no column's (tables.py).
      const hidden = text.includes("«") ? [...text.matchAll(PLACEHOLDER)].map((m) => [m.index ?? 0, (m.index ?? 0) + m[0].length]) : [];
      for (const [begin, end, mode] of cells.reverse()) {
        const cell = text.slice(begin, end);
        let shown = cell;
        if (hidden.some(([a, b]) => a < end && begin < b)) shown = cell;
        else if (cell.trim()) shown = mode === "keyish" ? this.hideRandomCell(cell) : this.hideCell(cell, mode === "words");
        pieces.push(text.slice(done, begin), shown);
        done = end;
      }
      pieces.push(text.slice(done));
      return pieces.join("");
    };
  }

  /** The row labels under an index named like a secret (`password` alone on a line, then
   * `x    1`), hidden; returns where the rows end and if it hid any. */
  protected indexLabels(lines: string[], start: number, vocab: boolean): [number, boolean] {
    let changed = false;
    let i = start;
    for (; i < lines.length; i++) {
      const row = LABELLED_ROW.exec(lines[i]);
      if (!row) break;
      const keep = vocab && !CREDENTIAL_VALUE.test(row[1]);
      const label = keep ? row[1] : this.hideCell(row[1]);
      if (label !== row[1]) {
        lines[i] = label + row[2];
        changed = true;
      }
    }
    return [i, changed];
  }

  protected seriesValues(lines: string[], footer: number): boolean {
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
}
