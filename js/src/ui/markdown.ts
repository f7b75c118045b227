/**
 * Markdown to safe DOM: marked, as markdownreader.ts reads it → the sanitizer
 * (sanitize.ts: DOMPurify with a strict allow-list) → highlighted code blocks with
 * Copy / Insert / Insert & run; and
 * {@link MarkdownView}, which follows a streaming answer block by block.
 *
 * Model output is untrusted. Raw HTML in markdown is shown as text, never parsed (a bare
 * `<br>` becomes a line break); the sanitizer is the second wall.
 */

import type { Lexer, Token, Tokens, TokensList } from "marked";
import { revealBidi } from "./bidi";
import { button, copyText, h, icon } from "./dom";
import { marked, PiecewiseLexer } from "./markdownreader";
import { sanitize } from "./sanitize";

/** Languages whose blocks get Insert / Insert & run (they can run in a Python cell). */
const CELL_LANGS = new Set(["", "python", "py", "python3", "ipython", "ipython3"]);

/** A button the host adds to runnable code blocks (e.g. the sidebar's "Replace cell"). */
export interface CodeBlockAction {
  /** Visible label. */
  label: string;
  /** Accessible name; defaults to the label. */
  ariaLabel?: string;
  /** Tooltip. */
  title?: string;
  /** Icon name from the UI's icon set (see dom.ts). */
  icon?: string;
  /** Extra class on the button. */
  className?: string;
  /** Called with the block's code when the person clicks, and the id of the thread item
   * it is in (a message, a code card) when known: the host finds the turn it answers. */
  run(code: string, item?: string): void;
}

/** How code blocks reach the notebook; provided by the chat. */
export interface CodeActions {
  /**
   * Put `code` in a new cell below (and run it); resolves to what the person was told.
   * None: Copy only (an answer output of a notebook the person has not trusted).
   */
  insert?: ((code: string, run: boolean) => Promise<void>) | null;
  /** Tell the person something short (copied, inserted, …). */
  announce(text: string): void;
  /** The host's own buttons, after Insert & run on runnable blocks. */
  extra?: readonly CodeBlockAction[];
}

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** Hosts whose images may load (the thread's `allowed_image_domains`). */
  imageDomains?: readonly string[] | null;
  /** Adds Copy / Insert buttons to code blocks when given. */
  code?: CodeActions | null;
  /** False: code blocks get no bar at all (a code card has its own buttons). */
  codeBar?: boolean;
}

// ---------------------------------------------------------------- code blocks

/**
 * A code action's button, on a code block's bar and on a code card alike (the real model
 * writes fenced blocks, the offline model proposes cards): its icon, its name for a
 * screen reader and its tooltip. The card's buttons had no tooltip, and an icon-only one
 * was named by its icon ("plus").
 */
export const CODE_BUTTONS = {
  copy: { icon: "copy", name: "Copy code", tip: "Copy code" },
  insert: { icon: "insert", name: "Insert code into a new cell", tip: "Insert into a new cell below" },
  run: { icon: "play", name: "Insert code into a new cell and run it", tip: "Insert below and run" },
} as const;

function decorateCode(root: ParentNode, actions: CodeActions | null | undefined): void {
  for (const pre of Array.from(root.querySelectorAll("pre"))) {
    const code = pre.querySelector("code");
    if (!code || pre.parentElement?.classList.contains("jck-code")) continue;
    // An empty block (a fence just opened while streaming, or a stray closing fence the
    // model wrote) has nothing to copy or insert: Insert & run made an empty cell.
    if (!code.textContent?.trim()) continue;
    const m = /language-([\w+-]+)/.exec(code.className);
    const lang = m ? m[1] : "";
    const wrap = h("div", { class: "jck-code" });
    pre.replaceWith(wrap);
    const bar = h(
      "div",
      { class: "jck-code-bar", "data-lang": lang || null },
      h("span", { class: "jck-code-lang" }, lang || "code"),
    );
    const text = (): string => (code.textContent ?? "").replace(/\n$/, "");
    bar.appendChild(
      button(
        [icon(CODE_BUTTONS.copy.icon), h("span", null, "Copy")],
        async () => {
          const ok = await copyText(text());
          (actions?.announce ?? (() => {}))(
            ok ? "Copied to the clipboard." : "Could not copy: select the code and copy it.",
          );
        },
        { class: "jck-btn jck-btn-ghost", "aria-label": CODE_BUTTONS.copy.name, title: CODE_BUTTONS.copy.tip },
      ),
    );
    const insert = actions?.insert;
    if (actions && insert && CELL_LANGS.has(lang)) {
      bar.appendChild(
        button(
          [icon(CODE_BUTTONS.insert.icon), h("span", null, "Insert")],
          () => {
            void insert(text(), false);
          },
          {
            class: "jck-btn jck-btn-ghost",
            "aria-label": CODE_BUTTONS.insert.name,
            title: CODE_BUTTONS.insert.tip,
          },
        ),
      );
      bar.appendChild(
        button(
          [icon(CODE_BUTTONS.run.icon), h("span", null, "Insert & run")],
          () => {
            void insert(text(), true);
          },
          {
            class: "jck-btn jck-btn-ghost",
            "aria-label": CODE_BUTTONS.run.name,
            title: CODE_BUTTONS.run.tip,
          },
        ),
      );
      for (const a of actions.extra ?? []) {
        bar.appendChild(
          button([icon(a.icon), h("span", null, a.label)], () => a.run(text()), {
            class: `jck-btn jck-btn-ghost${a.className ? ` ${a.className}` : ""}`,
            "aria-label": a.ariaLabel ?? a.label,
            title: a.title ?? a.label,
          }),
        );
      }
    }
    wrap.append(bar, pre);
  }
}

/** The first line of each code block's code, by its block (read once per block element). */
const firstLines = new WeakMap<Element, string>();

/**
 * Tell the code blocks under `root` apart for a screen reader. Every block's Copy, Insert,
 * Insert & run (and the host's buttons) have the same name, so each button gets a
 * description of its block: "Code block 2 of 3, python: import pandas as pd". Visible
 * text and names stay as they are. Run over the whole answer: while it streams, a new
 * block renumbers the others.
 */
function describeCodeBlocks(root: ParentNode): void {
  const blocks = root.querySelectorAll(".jck-code");
  blocks.forEach((wrap, i) => {
    let first = firstLines.get(wrap);
    if (first === undefined) {
      const code = wrap.querySelector("pre code")?.textContent ?? "";
      first = (code.split("\n").find((l) => l.trim()) ?? "").trim();
      if (first.length > 60) first = `${first.slice(0, 59)}…`;
      firstLines.set(wrap, first);
    }
    const lang = wrap.querySelector(".jck-code-bar")?.getAttribute("data-lang");
    const text = `Code block ${i + 1} of ${blocks.length}${lang ? `, ${lang}` : ""}: ${first}`;
    for (const b of wrap.querySelectorAll(".jck-code-bar > button")) {
      if (b.getAttribute("aria-description") !== text) b.setAttribute("aria-description", text);
    }
  });
}

// ---------------------------------------------------------------- rendering

/**
 * Text marked cannot read, as it is: a paragraph of its characters (lines kept). marked
 * recurses once per container a line opens, so a line of some 3,000 `>` or `- ` (a few KB
 * a model writes when a notebook asks it to) overflows the stack: the error left the
 * answer unrendered and ended the chat's render of the frame, and reopening the
 * conversation threw again. The text is shown, never parsed as HTML.
 */
function unreadable(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  frag.append(h("p", { class: "jck-md-unread" }, text), "\n");
  return frag;
}

/** Render markdown into a new safe fragment. */
export function renderMarkdown(text: string, options: MarkdownOptions = {}): DocumentFragment {
  let out: DocumentFragment;
  try {
    out = sanitize(marked.parser(new PiecewiseLexer(marked.defaults).lex(text)) as string, options);
  } catch {
    out = unreadable(text);
  }
  revealBidi(out);
  if (options.codeBar !== false) {
    decorateCode(out, options.code);
    describeCodeBlocks(out);
  }
  return out;
}

/** A block standing for text the lexer could not read (see {@link unreadable}). */
const UNREAD = "jckUnread";

/** Lex `source` with `lexer`; text it cannot read is one {@link UNREAD} block. */
function lexOrKeep(lexer: Lexer, source: string): TokensList {
  try {
    return lexer.lex(source);
  } catch {
    return Object.assign([{ type: UNREAD, raw: source } as Token], { links: lexer.tokens.links });
  }
}

function renderTokens(tokens: Token[], links: TokensList["links"], options: MarkdownOptions): DocumentFragment {
  const list = tokens as TokensList;
  list.links = links;
  const text = (): string => tokens.map((t) => t.raw).join("");
  let out: DocumentFragment;
  try {
    out = tokens.some((t) => t.type === UNREAD) ? unreadable(text()) : sanitize(marked.parser(list) as string, options);
  } catch {
    out = unreadable(text());
  }
  revealBidi(out);
  if (options.codeBar !== false) decorateCode(out, options.code);
  return out;
}

/**
 * The text of a paragraph with no markup at all (only text, no entity, escape or HTML),
 * which renders as `<p>text</p>`; else null.
 */
function plainParagraph(t: Token): string | null {
  // A NUL, which the HTML parser drops: such a paragraph is parsed, so it shows as parsed.
  if (t.type !== "paragraph" || /[&<>\\\0]/.test(t.raw)) return null;
  // A control that reorders text is shown for what it is (bidi.ts revealBidi): parsed.
  if (/[\u202a-\u202e\u2066-\u2069]/.test(t.raw)) return null;
  const inline = (t as Tokens.Paragraph).tokens;
  if (!inline.every((x) => x.type === "text" && !("tokens" in x && x.tokens?.length))) return null;
  return (t as Tokens.Paragraph).text;
}

/**
 * Text that, appended to a plain paragraph on its last line, leaves it a plain paragraph
 * with that text at its end: no line break (a new line may start a block), none of the
 * characters that open inline markup (`*_~\`[]()<>!&\\`), an autolink (`:`, `@`) or a
 * heading (`#`). Letters, digits, spaces and prose punctuation.
 */
const PLAIN_TAIL = /^[\p{L}\p{N} .,;?'"%$+=/-]*$/u;

/**
 * A block that is one plain paragraph: its `<p>`, and the text it shows. Words appended
 * to it go in as a text node of their own: changing one text node's data reshaped the
 * whole paragraph in each frame's layout (~12 ms a frame for a 1,000-word paragraph in
 * the chat), and the layout's garbage was collected in script time; a new node leaves
 * the shaped text before it as it was.
 */
interface PlainParagraph {
  p: HTMLElement;
  text: string;
}

/** Show `text` in a plain paragraph: appended when it only grew, else replaced. */
function setPlain(plain: PlainParagraph, text: string): void {
  if (plain.text === text) return;
  if (text.startsWith(plain.text)) plain.p.append(text.slice(plain.text.length));
  else plain.p.replaceChildren(text);
  plain.text = text;
}

/**
 * A markdown element that follows a growing text: only blocks whose source changed
 * (in practice the last one or two) are re-rendered, and updates are coalesced to
 * at most one render per animation frame.
 */
export class MarkdownView {
  readonly el: HTMLElement;
  /** Rendered blocks; `plain` is set for a block that is one plain paragraph. */
  private blocks: { raw: string; el: HTMLElement; plain: PlainParagraph | null; def?: Tokens.Def }[] = [];
  private text = "";
  private rendered = "";
  /**
   * Whether the line the plain path writes to starts as a paragraph's does (null: not
   * known). Appended plain words hold no line break, so it stays true while they come.
   */
  private lineIsProse: boolean | null = null;
  /** Reference definitions (`[a]: url`) of the text rendered, as the lexer read them. */
  private links: TokensList["links"] = Object.create(null);
  /** The definitions the blocks were last rendered with, but those still streaming in. */
  private settled = "{}";
  /** Whether the text is still streaming in (the answer has not ended). */
  private streaming = false;
  /** The text ends with definitions still streaming in: the blocks link to them once done. */
  private relinkOwed = false;
  /** Characters handed to the lexer, all told (tests check it grows linearly, not as n²). */
  lexed = 0;
  private scheduled = false;
  private options: MarkdownOptions;
  private onRender: (() => void) | null;

  constructor(options: MarkdownOptions = {}, onRender: (() => void) | null = null, cls = "jck-md") {
    this.el = h("div", { class: cls });
    this.options = options;
    this.onRender = onRender;
  }

  /**
   * Set the full text; rendering happens soon (or now with `immediate`). `streaming`: more
   * text may follow (a definition it ends with may still grow).
   */
  update(text: string, immediate = false, streaming = false): void {
    this.text = text;
    this.streaming = streaming;
    if (immediate) {
      this.flush();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.flush();
    };
    if (typeof requestAnimationFrame === "function" && !document.hidden) requestAnimationFrame(run);
    else setTimeout(run, 16);
  }

  /** Render the latest text now. */
  flush(): void {
    const relink = this.relinkOwed && !this.streaming;
    if (this.text === this.rendered && !relink) return;
    if (relink || !this.appendPlain()) {
      this.renderBlocks();
      if (this.options.codeBar !== false) describeCodeBlocks(this.el);
    }
    this.rendered = this.text;
    this.onRender?.();
  }

  /**
   * The common streaming case, without parsing: words appended to a last block that is
   * one plain paragraph, none of them able to change what came before (see
   * {@link PLAIN_TAIL}). The paragraph only grows: the new words are its last text node.
   * Else false.
   */
  private appendPlain(): boolean {
    const last = this.blocks[this.blocks.length - 1];
    const before = this.rendered;
    if (!last?.plain || before.endsWith("\n") || !this.text.startsWith(before)) return false;
    const added = this.text.slice(before.length);
    if (!PLAIN_TAIL.test(added)) return false;
    // The line written to must be a paragraph's whatever follows: a letter first (a
    // "1." or "-" so far may become a list item, "--" a table or heading underline).
    // Looked at once per line, not per chunk: a long paragraph's line is long.
    this.lineIsProse ??= /^ {0,3}\p{L}/u.test(before.slice(before.lastIndexOf("\n") + 1));
    if (!this.lineIsProse) return false;
    // Autolinks (GFM "www.example.org", "a@b.co", "http://x") may form across the words
    // written to: the last word so far and the new ones. The last word is read back from
    // the end (a regex anchored at the end tried every position of the whole text, per chunk).
    const word = lastWord(before, MAX_WORD);
    if (word === null || /[@:]|www\./i.test(word + added)) return false;
    // A text node of their own (see PlainParagraph), not appendData: Chromium's incremental
    // path for text appended to a node costs more script time (bench_browser.py).
    last.plain.p.append(added);
    last.plain.text += added;
    last.raw += added;
    return true;
  }

  /**
   * The tags of the definitions the text ends with (blank lines and the start of another
   * aside): in `tokens`, the text lexed from block `from` on, and the blocks kept before
   * it. Only those the links hold from them (a later definition of a name changes nothing).
   */
  private trailingDefinitions(tokens: TokensList, from: number): string[] {
    const tags: string[] = [];
    const add = ({ tag, href }: Tokens.Def): void => {
      if (this.links[tag]?.href === href) tags.push(tag);
    };
    let last = true;
    for (let i = tokens.length - 1; i >= 0; i--) {
      const t = tokens[i];
      if (t.type === "space") continue;
      const isLast = last;
      last = false;
      if (t.type === "def") add(t as Tokens.Def);
      // The next definition as it starts ("[r", "[r]:"): a paragraph until its URL comes.
      else if (!(isLast && t.type === "paragraph" && /^ {0,3}\[/.test(t.raw))) return tags;
    }
    for (let i = from - 1; i >= 0; i--) {
      const { def, raw } = this.blocks[i];
      if (def) add(def);
      else if (raw.trim()) return tags;
    }
    return tags;
  }

  /**
   * Lex the text from the second-to-last block on and re-render the blocks whose source
   * changed. Text appended to a streaming answer changes at most its last two blocks (a
   * paragraph becoming a setext heading or a table, a list going on after a blank line),
   * so the blocks before them stay, unlexed: the work per chunk is bounded by the tail,
   * not the whole answer. Any other change (an edit, a line ending of `\r`) lexes it all.
   * A reference definition new or changed (models write them last) renders every block
   * again (`relink`): a `[ref]` before it was rendered as text without it. Not those the
   * streaming text ends with (a URL grows with each chunk, and models write the definitions
   * one after another: every block per chunk): once, when another block follows them or
   * the answer ends.
   */
  private renderBlocks(relink = false): void {
    const grew = this.text.startsWith(this.rendered) && !this.text.includes("\r", this.rendered.length);
    const from = grew && !relink && !this.rendered.includes("\r") ? Math.max(0, this.blocks.length - 2) : 0;
    let offset = 0;
    for (let i = 0; i < from; i++) offset += this.blocks[i].raw.length;
    const source = offset ? this.text.slice(offset) : this.text;
    this.lexed += source.length;
    // The lexer resolves `[ref]` as it reads: it must know the definitions read before,
    // those of the blocks kept (the first of a name wins; one in the tail may still grow).
    const lexer = new PiecewiseLexer(marked.defaults);
    for (let i = 0; i < from; i++) {
      const def = this.blocks[i].def;
      if (def && !lexer.tokens.links[def.tag]) lexer.tokens.links[def.tag] = { href: def.href, title: def.title };
    }
    const tokens = lexOrKeep(lexer, source);
    this.links = tokens.links;
    const growing = this.streaming ? this.trailingDefinitions(tokens, from) : [];
    this.relinkOwed = growing.length > 0;
    const unsettled = Object.fromEntries(growing.map((tag) => [tag, undefined]));
    const settled = JSON.stringify(growing.length ? { ...this.links, ...unsettled } : this.links);
    if (!relink && settled !== this.settled) {
      this.settled = settled;
      this.renderBlocks(true);
      return;
    }
    this.settled = settled;
    let keep = 0;
    // Keep leading blocks whose source is unchanged; never trust the old last block
    // (its source may have been cut mid-construct while streaming).
    while (
      !relink &&
      keep < tokens.length &&
      from + keep < this.blocks.length - 1 &&
      tokens[keep].raw === this.blocks[from + keep].raw
    ) {
      keep++;
    }
    // A streaming paragraph of plain words (the common case, word after word): append to
    // its text instead of parsing, sanitizing and replacing its element.
    const last = this.blocks[from + keep];
    const text = keep === tokens.length - 1 && last?.plain ? plainParagraph(tokens[keep]) : null;
    if (last?.plain && text !== null) {
      setPlain(last.plain, text);
      last.raw = tokens[keep].raw;
      keep++;
    }
    for (const b of this.blocks.splice(from + keep)) b.el.remove();
    for (let i = keep; i < tokens.length; i++) {
      const t = tokens[i];
      const el = h("div", { class: "jck-blk" });
      const words = plainParagraph(t);
      let plain: PlainParagraph | null = null;
      if (words !== null) {
        // Plain words (an answer's first ones, most often): the element marked and the
        // sanitizer make of them, `<p>text</p>`, built with a text node. No HTML is parsed,
        // so there is nothing to sanitize: the sanitizer's parse (a new document per call)
        // was most of an answer's first render.
        plain = { p: h("p", null, words), text: words };
        el.append(plain.p, "\n");
      } else if (t.type !== "space") {
        el.appendChild(renderTokens([t], this.links, this.options));
      }
      this.el.appendChild(el);
      const def = t.type === "def" ? (t as Tokens.Def) : undefined;
      this.blocks.push({ raw: t.raw, el, plain, def });
    }
    this.lineIsProse = null;
  }
}

/** Longest last word {@link MarkdownView} reads back: a longer one takes the lexer's path. */
const MAX_WORD = 256;

/** The run of non-space characters `text` ends with, or null when longer than `max`. */
function lastWord(text: string, max: number): string | null {
  const stop = Math.max(0, text.length - max - 1);
  for (let i = text.length - 1; i >= stop; i--) {
    if (/\s/.test(text[i])) return text.slice(i + 1);
  }
  return text.length <= max ? text : null;
}
