/**
 * The sidebar's @-mentions and slash commands.
 *
 * `@df` lists kernel variables through the `list_kernel_variables` tool and reads a
 * picked one with `inspect_kernel_variable`; `@cell 3` / `#3` name cells as the
 * notebook numbers them (1-based positions); `@data/sales.csv` names a file under the
 * server's root, read through the contents API: a text file is clipped (a CSV to its
 * head) and redacted, a binary or large file is named only. `/explain` and `/fix` act
 * on the cell the chips name (or the last failing one); `/new` is the chat's own.
 */

import type * as nbformat from "@jupyterlab/nbformat";
import type { NotebookPanel } from "@jupyterlab/notebook";
import { ServerConnection } from "@jupyterlab/services";
import type { ContextRef, MentionSource, MessagePart, SlashCommand } from "../../src/index";
import { boundedOutput, type OutputText, outputText } from "./cells";
import { codeSlice } from "./codepoints";
import { cellRef, chipCell, explainParts, fixErrorParts } from "./context";
import { ERROR_RULES } from "./error-rules.generated";
import { withCellLines } from "./errortext";
import { boundToGetters } from "./getters";
import { htmlText } from "./htmltext";
import { runKernelTool } from "./kernel";
import type { NotebookLink } from "./link";
import { isPrivate, KEPT_OUT_NOTE, liveCells, PRIVATE_TAG } from "./privatecells";
import { errorOutputs } from "./prompts";
import { aliases, hideShownCredential, hideShownSecret, namesOneOf, namesSecret, policyResult, redactText } from "./redact";
import { mergedStreams, multilineText } from "./streams";
import { clip } from "./traceback";

/** The most of a text file the model reads with a mention. */
export const MAX_FILE_TEXT = 8000;
/** The first lines of a CSV/TSV mentioned. */
export const CSV_HEAD_LINES = 30;
/** Files larger than this are named only (the contents API sends files whole). */
export const MAX_FILE_BYTES = 2_000_000;

const LISTING_TTL_MS = 5000;

interface ContentsEntry {
  name: string;
  path: string;
  type: string;
  size?: number | null;
  mimetype?: string | null;
}

async function contents(path: string, query: string): Promise<Record<string, unknown> | null> {
  const settings = ServerConnection.makeSettings();
  const url = `${settings.baseUrl}api/contents/${path.split("/").map(encodeURIComponent).join("/")}?${query}`;
  const res = await ServerConnection.makeRequest(url, {}, settings);
  if (!res.ok) return null;
  return (await res.json()) as Record<string, unknown>;
}

/** A notebook open in JupyterLab, as a mention reads it: its live model (unsaved edits
 * and tags too). */
export type OpenNotebook = { context: { model: { toJSON(): unknown } } };

/**
 * What the model reads for a mentioned file: clipped, redacted text, or its name only.
 * A notebook that is `open` is read as it is open, not as last saved: a cell the person
 * kept out and has not saved yet is kept out there too (privatecells.ts).
 */
export async function readFile(path: string, open: OpenNotebook | null = null): Promise<Record<string, unknown>> {
  if (open && /\.ipynb$/i.test(path)) {
    const raw = JSON.stringify(open.context.model.toJSON());
    if (raw.length > MAX_FILE_BYTES) return policyResult({ path, size: raw.length, note: "Too large to read: named only." });
    const text = redactText(notebookText(raw) ?? "").text;
    return policyResult({ path, size: raw.length, text: clip(text, MAX_FILE_TEXT), note: "As open now (unsaved changes too)." });
  }
  const meta = await contents(path, "content=0");
  if (!meta) return policyResult({ path, error: "No such file under the server's root." });
  const size = typeof meta.size === "number" ? meta.size : null;
  if (meta.type === "directory") return policyResult({ path, kind: "directory", note: "A folder: named only." });
  if (size !== null && size > MAX_FILE_BYTES) {
    return policyResult({ path, size, note: "Too large to read: named only." });
  }
  const file = await contents(path, "content=1&type=file&format=text");
  if (!file || typeof file.content !== "string") {
    return policyResult({ path, size, mimetype: meta.mimetype ?? null, note: "A binary file: named only." });
  }
  let text = file.content;
  let note = "";
  if (/\.(csv|tsv)$/i.test(path)) {
    const lines = text.split("\n");
    if (lines.length > CSV_HEAD_LINES) {
      text = lines.slice(0, CSV_HEAD_LINES).join("\n");
      note = `The first ${CSV_HEAD_LINES} of ${lines.length} lines.`;
    }
  }
  // A notebook by its cells' lines (as the server reads an attached one): in its JSON each
  // line is its own string, so a table's or a YAML block's secrets were not lines to the rules.
  if (/\.ipynb$/i.test(path)) text = notebookText(text) ?? text;
  const clean = redactText(text).text;
  return policyResult({ path, size, text: clip(clean, MAX_FILE_TEXT), ...(note ? { note } : {}) });
}

/** Whether a saved cell (nbformat JSON) carries the chatkit-private tag. */
function savedPrivate(cell: Record<string, unknown>): boolean {
  const tags = (cell.metadata as { tags?: unknown } | null | undefined)?.tags;
  return Array.isArray(tags) && tags.includes(PRIVATE_TAG);
}

/** A notebook file's cells as text: sources and outputs with their own line breaks; null
 * if `raw` is not a notebook. Mirrors Python's `assistant.history.notebook_text`. */
export function notebookText(raw: string): string | null {
  let nb: unknown;
  try {
    nb = JSON.parse(raw);
  } catch {
    return null;
  }
  const cells = (nb as { cells?: unknown } | null)?.cells;
  if (!Array.isArray(cells)) return null;
  const joined = multilineText;
  // Variables the notebook passes where a credential goes (`connect(host, user, x)`): a
  // later `print(x)` shows that credential, whatever `x` is called.
  // And those bound to a secret's getter (`x = keyring.get_password(...)`), as in Python.
  const sources = cells
    .slice(0, 2_000)
    .filter((c): c is Record<string, unknown> => c !== null && typeof c === "object" && !Array.isArray(c) && !savedPrivate(c))
    .map((c) => codeSlice(joined(c.source), 100_000))
    .join("\n");
  const passed = new Set([...aliases(sources), ...boundToGetters(sources)]);
  const parts: string[] = [];
  cells.forEach((cell: Record<string, unknown> | null, index: number) => {
    if (!cell || typeof cell !== "object") return;
    if (savedPrivate(cell)) {
      // Tagged chatkit-private: its number only (privatecells.ts).
      parts.push(`--- cell ${index} (${String(cell.cell_type ?? "code")}) ---`, `[${KEPT_OUT_NOTE}]`);
      return;
    }
    const source = joined(cell.source);
    parts.push(`--- cell ${index} (${String(cell.cell_type ?? "code")}) ---`, source);
    // A key printed in two flushes is read whole (nbclient saves each apart).
    const outputs = mergedStreams(Array.isArray(cell.outputs) ? (cell.outputs as Record<string, unknown>[]) : []);
    // `print(db_password)`: a one-line output is the secret the cell's last line names, as
    // the live cells' reader hides it (cells.ts); saved, it was sent whole.
    const shown = namesSecret(source)
      ? hideShownSecret
      : namesOneOf(source, passed)
        ? hideShownCredential
        : (text: string): string => text;
    for (const output of outputs) {
      if (!output || typeof output !== "object") continue;
      const kind = output.output_type;
      // Each output within the live readers' bound, as its error is (a long log or frame
      // is not the whole notebook's share).
      if (kind === "stream") {
        parts.push(`[${String(output.name ?? "stream")}]\n${boundedOutput(kind, shown(joined(output.text)))}`);
      } else if (kind === "error") {
        const read = savedError(output);
        // A thread's or a callback's error: said so (outputText's note).
        parts.push(`[error]${read.note ? `\n[${read.note}]` : ""}\n${read.text}`);
      } else {
        const data = (output.data && typeof output.data === "object" ? output.data : {}) as Record<string, unknown>;
        const mime = shownMime(data);
        // HTML as a person reads it, a table's rows as lines (htmltext.ts).
        const text = mime === "text/html" ? htmlText(joined(data[mime])) : mime ? joined(data[mime]) : "";
        if (mime) parts.push(`[${String(kind)}, ${mime}]\n${boundedOutput(String(kind), shown(text))}`);
      }
    }
  });
  // A printed traceback or a warning names IPython's temporary file: the cell's line.
  return withCellLines(parts.join("\n"));
}

const DEFAULT_REPR = new RegExp(ERROR_RULES.defaultRepr);

/** The type of a display's data read as its text: text/plain, unless it is only its
 * object's default repr (`<IPython.core.display.HTML object>`) beside a Markdown or HTML
 * that says what was shown (a traceback shown as HTML). Mirrors Python's
 * `assistant.history._shown_mime`. */
function shownMime(data: Record<string, unknown>): string | undefined {
  const kinds = ["text/plain", "text/markdown", "text/html"].filter((m) => m in data);
  if (kinds.length > 1 && kinds[0] === "text/plain") {
    const plain = multilineText(data["text/plain"]);
    if (!plain || DEFAULT_REPR.test(plain)) return kinds[1];
  }
  return kinds[0];
}

/** A saved error output, read as every reader of a notebook's outputs reads it
 * (cells.ts `outputText`): its text ANSI-free, an IPython traceback reduced to the user's
 * frames and its final line, another shape kept head and tail, each bounded; a `note`
 * when a thread or a callback showed it. Python's `assistant.history.notebook_text`
 * reads it with `kernel.notebook_file.output_text` (tests/fixtures/notebook_texts.json). */
function savedError(output: Record<string, unknown>): OutputText {
  return outputText({ ...output, output_type: "error" } as unknown as nbformat.IOutput);
}

function fileRef(entry: ContentsEntry, open: (path: string) => OpenNotebook | null): ContextRef {
  return {
    id: `file:${entry.path}`,
    kind: "file",
    label: entry.path,
    title: entry.size != null ? `${entry.path} (${entry.size.toLocaleString()} bytes)` : entry.path,
    // Open when the message is sent: read as open then.
    resolve: () => readFile(entry.path, open(entry.path)),
  };
}

function variableRef(panel: NotebookPanel, name: string, type: string): ContextRef {
  return {
    id: `variable:${name}`,
    kind: "variable",
    label: name,
    title: type ? `${name}: ${type}` : name,
    resolve: () =>
      runKernelTool(panel.sessionContext, "inspect_kernel_variable", { name }, { cells: liveCells(panel) }),
  };
}

/** The mention source for the notebook `link` is attached to. */
export function labMentions(link: NotebookLink): MentionSource {
  let listed: { panel: NotebookPanel; at: number; names: { name: string; type: string }[] } | null = null;
  const variables = async (panel: NotebookPanel): Promise<{ name: string; type: string }[]> => {
    if (listed && listed.panel === panel && Date.now() - listed.at < LISTING_TTL_MS) return listed.names;
    // Variables only kept-out cells define are not listed (privatecells.ts).
    const result = (await runKernelTool(
      panel.sessionContext,
      "list_kernel_variables",
      {},
      { cells: liveCells(panel) },
    )) as Record<string, unknown>;
    const rows = Array.isArray(result?.variables) ? (result.variables as Record<string, unknown>[]) : [];
    const names = rows
      .filter((r) => typeof r.name === "string")
      .map((r) => ({ name: String(r.name), type: String(r.type ?? "") }));
    listed = { panel, at: Date.now(), names };
    return names;
  };
  return {
    async complete(query, trigger) {
      const panel = link.panel;
      const out: ContextRef[] = [];
      const cellQuery = trigger === "#" ? query : /^cell\s*(\d*)$/i.exec(query)?.[1];
      if (panel && cellQuery !== undefined) {
        panel.content.widgets.forEach((cell, i) => {
          if (String(i + 1).startsWith(cellQuery)) {
            // Named by the person: sent even when kept out (privatecells.ts).
            const ref = cellRef(panel, cell, "cell", true);
            const first = cell.model.sharedModel.getSource().split("\n")[0];
            out.push({ ...ref, title: first ? clip(first, 60) : `(empty ${cell.model.type} cell)` });
          }
        });
        return out.slice(0, 12);
      }
      if (trigger === "#") return out;
      if (panel && /^[\w]*$/.test(query)) {
        for (const v of await variables(panel)) {
          if (v.name.startsWith(query)) out.push(variableRef(panel, v.name, v.type));
        }
      }
      out.push(...(await fileMentions(query, (path) => link.openNotebook?.(path) ?? null)));
      return out;
    },
  };
}

/**
 * The files under the server's root matching `query` typed after `@` (`data/sa`), each
 * read when the message is sent through the context policy (`readFile`; a notebook
 * `open` finds open is read as open). The sidebar's mentions and, through the bridge,
 * the `%chat` widget's.
 */
export async function fileMentions(query: string, open: (path: string) => OpenNotebook | null): Promise<ContextRef[]> {
  const slash = query.lastIndexOf("/");
  const dir = slash >= 0 ? query.slice(0, slash) : "";
  const prefix = query.slice(slash + 1);
  const listing = await contents(dir, "content=1").catch(() => null);
  const entries = Array.isArray(listing?.content) ? (listing.content as ContentsEntry[]) : [];
  return entries
    .filter((e) => e.type !== "directory" && !e.name.startsWith(".") && e.name.startsWith(prefix))
    .map((e) => fileRef(e, open));
}

/** The command's message, then the person's own words after it (`/fix use polars`). */
function withWords(parts: MessagePart[], words: string): MessagePart[] {
  return words.trim() ? [...parts, `\n\n${words.trim()}`] : parts;
}

/**
 * `/explain` and `/fix` for the attached notebook; `send` sends the message. A command
 * that cannot run says why and answers false (the composer keeps what was typed).
 */
export function labCommands(
  link: NotebookLink,
  send: (parts: MessagePart[]) => void,
  notify: (text: string) => void,
): SlashCommand[] {
  return [
    {
      name: "explain",
      description: "Explain the active cell",
      run: (words) => {
        const panel = link.panel;
        // The cell the chips name (a blank or `%chat` cell active: the one worked in).
        const cell = panel && chipCell(panel);
        if (!panel || !cell) {
          notify("Open a notebook and select a cell to explain.");
          return false;
        }
        send(withWords(explainParts(panel, cell), words));
        return true;
      },
    },
    {
      name: "fix",
      description: "Fix the error in the active cell (or the last one that failed)",
      run: (words) => {
        const panel = link.panel;
        if (!panel) {
          notify("Open a notebook first.");
          return false;
        }
        const cells = panel.content.widgets;
        const active = chipCell(panel);
        const failing =
          active && errorOutputs(active).length
            ? active
            : // A cell kept out (privatecells.ts) is sent only when the person is on it.
              [...cells].reverse().find((c) => errorOutputs(c).length && !isPrivate(c.model));
        if (!failing) {
          notify("No cell of this notebook shows an error.");
          return false;
        }
        send(withWords(fixErrorParts(panel, failing, errorOutputs(failing)[0]), words));
        return true;
      },
    },
  ];
}
