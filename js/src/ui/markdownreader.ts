/**
 * How markdown is read: marked (GFM) with our rules, and highlighted code. Raw HTML in
 * the text is shown as text (a bare `<br>` is a line break); GFM footnotes as models
 * write them; a line of containers nested past {@link MAX_NESTING} as text; a long
 * paragraph read inline in pieces ({@link PiecewiseLexer}). Model output is hostile
 * input: what it costs to read grows as its length, and nothing in it overflows the stack.
 * markdown.ts renders what is read here (sanitizer, code blocks, streaming).
 */

import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import diff from "highlight.js/lib/languages/diff";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import pythonRepl from "highlight.js/lib/languages/python-repl";
import r from "highlight.js/lib/languages/r";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import yaml from "highlight.js/lib/languages/yaml";
import { Lexer, Marked, type Token, type Tokens } from "marked";

hljs.registerLanguage("python", python);
hljs.registerLanguage("python-repl", pythonRepl);
hljs.registerLanguage("bash", bash);
hljs.registerLanguage("json", json);
hljs.registerLanguage("sql", sql);
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("typescript", typescript);
hljs.registerLanguage("yaml", yaml);
hljs.registerLanguage("r", r);
hljs.registerLanguage("diff", diff);
hljs.registerLanguage("plaintext", plaintext);
hljs.registerAliases(["ipython", "ipython3", "python3", "py"], { languageName: "python" });
hljs.registerAliases(["pycon"], { languageName: "python-repl" });
hljs.registerAliases(["sh", "shell", "console", "zsh"], { languageName: "bash" });

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<br>`, `<br/>`, `<br />` (any case), nothing else. */
const LINE_BREAK = /^\s*<br\s*\/?>\s*$/i;

/** A footnote's label: `[^1]`, `[^note]` (no spaces or brackets, bounded). */
const FOOTNOTE_LABEL = String.raw`\[\^([^\]\s\[]{1,64})\]`;
const FOOTNOTE_DEF = new RegExp(String.raw`^ {0,3}${FOOTNOTE_LABEL}:[ \t]*([^\n]*)(?:\n|$)`);
const FOOTNOTE_DEF_START = new RegExp(`^ {0,3}${FOOTNOTE_LABEL}:`, "m");
const FOOTNOTE_REF = new RegExp(`^${FOOTNOTE_LABEL}`);

/**
 * GFM footnotes, as models write them: `claim[^1]` and, later, `[^1]: the note`. marked
 * has none: a reference became a link to the note's first word when the note was a URL
 * (`[^1]: https://…` reads as a link definition), else stayed `[^1]` in the text. Here a
 * reference is its label raised (`<sup>1</sup>`) and a note a paragraph led by it: the
 * same where the model wrote it, no in-page anchors (the chat has no ids to jump to).
 */
const footnotes = [
  {
    name: "footnoteDef",
    level: "block" as const,
    // Where a note may start, so that a paragraph ends before it (no blank line needed).
    start: (src: string) => src.match(FOOTNOTE_DEF_START)?.index,
    tokenizer(this: { lexer: { inline(text: string): Token[] } }, src: string) {
      const m = FOOTNOTE_DEF.exec(src);
      if (!m) return undefined;
      return { type: "footnoteDef", raw: m[0], label: m[1], tokens: this.lexer.inline(m[2]) };
    },
    renderer(this: { parser: { parseInline(tokens: Token[]): string } }, token: Tokens.Generic) {
      const text = this.parser.parseInline(token.tokens ?? []);
      return `<p><sup>${escapeHtml(token.label)}</sup> ${text}</p>\n`;
    },
  },
  {
    name: "footnoteRef",
    level: "inline" as const,
    start: (src: string) => {
      const i = src.indexOf("[^");
      return i < 0 ? undefined : i;
    },
    tokenizer(src: string) {
      const m = FOOTNOTE_REF.exec(src);
      // "[^1]:" is a note's start, not a reference (a note inside a paragraph's line).
      if (!m || src[m[0].length] === ":") return undefined;
      return { type: "footnoteRef", raw: m[0], label: m[1] };
    },
    renderer(token: Tokens.Generic) {
      return `<sup>${escapeHtml(token.label)}</sup>`;
    },
  },
];

/**
 * How many containers (`>`, `- `, `1. `) one line may open before the rest of it is text.
 * marked recurses once per container: a line of some 3,000 (a few KB a model writes when
 * a notebook's text asks it to) overflowed the stack, and streaming, every frame spent
 * up to a second getting there. No answer nests 32 deep.
 */
const MAX_NESTING = 32;
// Each marker ends where the next starts (no two ways to split the spaces between them).
const CONTAINERS = String.raw` {0,3}(?:(?:[*+-]|\d{1,9}[.)])[ \t]+|>[ \t]*){${MAX_NESTING + 1},}`;
const DEEP_LINE = new RegExp(String.raw`^${CONTAINERS}[^\n]*(?:\n|$)`);

/**
 * A line opening more than {@link MAX_NESTING} containers: a paragraph of its text. Tried
 * before the built-in rules where a block starts; a paragraph's text ends before such a
 * line by marked's own rules (a quote or list item interrupts it), and a line that does
 * not interrupt it is the paragraph's text, never nested, so no `start` scan is needed
 * (one over the rest of the text per paragraph cost a long answer ~30% more lexing).
 */
const deepNesting = {
  name: "deepNesting",
  level: "block" as const,
  tokenizer(src: string) {
    const m = DEEP_LINE.exec(src);
    return m ? { type: "deepNesting", raw: m[0], text: m[0].trim() } : undefined;
  },
  renderer: (token: Tokens.Generic) => `<p>${escapeHtml(token.text)}</p>\n`,
};

/** Our marked: GFM, raw HTML as text, footnotes, deep nesting as text, highlighted code. */
export const marked = new Marked({
  gfm: true,
  breaks: false,
  extensions: [...footnotes, deepNesting],
  renderer: {
    // Raw HTML from the model is displayed, not interpreted; except a bare `<br>`, which
    // models write for a line break where Markdown has none (table cells): it breaks the
    // line (an element with no attributes, on the sanitizer's allow-list).
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return LINE_BREAK.test(text) ? "<br>" : escapeHtml(text);
    },
    code({ text, lang }: Tokens.Code): string {
      const language = (lang ?? "").trim().split(/\s+/)[0].toLowerCase();
      let body: string;
      if (language && hljs.getLanguage(language)) {
        body = hljs.highlight(text, { language, ignoreIllegals: true }).value;
      } else {
        body = escapeHtml(text);
      }
      const cls = `hljs${language ? ` language-${escapeHtml(language.replace(/[^\w+-]/g, ""))}` : ""}`;
      return `<pre><code class="${cls}">${body}</code></pre>\n`;
    },
  },
});

/** The most characters of one paragraph's text marked reads inline at once. */
const INLINE_PIECE = 4000;
/** The most characters of one word (no space in it) marked reads inline at once. */
const WORD_PIECE = 1000;
/** The most emphasis delimiters (`*`, `_`, `~`) marked reads inline at once. */
const DELIMS_PIECE = 256;

/**
 * Where the piece of `src` starting at `from` ends: at most {@link INLINE_PIECE}
 * characters and {@link DELIMS_PIECE} delimiters; cut after the last line break in the
 * second half of that, else after its last space, else (one long word) in the word, at
 * most {@link WORD_PIECE} in, never between the halves of a surrogate pair.
 */
function pieceEnd(src: string, from: number): number {
  const limit = Math.min(src.length, from + INLINE_PIECE);
  let delims = 0;
  let space = -1;
  let line = -1;
  let i = from;
  for (; i < limit; i++) {
    const c = src.charCodeAt(i);
    if (c === 42 || c === 95 || c === 126) {
      if (++delims > DELIMS_PIECE) break;
    } else if (c === 10) line = space = i;
    else if (c === 32 || c === 9) space = i;
  }
  if (i >= src.length) return src.length;
  if (line >= from + (i - from) / 2) return line + 1;
  if (space > from) return space + 1;
  const cut = Math.min(i, from + WORD_PIECE);
  const code = src.charCodeAt(cut - 1);
  return code >= 0xd800 && code <= 0xdbff && cut - 1 > from ? cut - 1 : cut;
}

/**
 * marked's lexer, reading a long paragraph's text inline in pieces. Its inline rules
 * look ahead from each opening they meet to the end of the text: for emphasis
 * (`_a_a_a ` …), strikethrough or an e-mail address (`aaaa…@`) that never closes, the
 * work grows as the square of the text, and 40 KB an answer can hold froze the page for
 * 4 to 9 s per render (each frame of it while it streamed). Pieces hold at most
 * {@link INLINE_PIECE} characters and {@link DELIMS_PIECE} delimiters, cut at a line's
 * end, else a space, else in a word: the work grows as the text. Only markup across a
 * cut (in a paragraph longer than that, or with more delimiters) reads as text.
 */
export class PiecewiseLexer extends Lexer {
  override inlineTokens(src: string, tokens: Token[] = []): Token[] {
    if (src.length <= DELIMS_PIECE || pieceEnd(src, 0) === src.length) return super.inlineTokens(src, tokens);
    for (let from = 0; from < src.length; ) {
      const end = pieceEnd(src, from);
      super.inlineTokens(src.slice(from, end), tokens);
      from = end;
    }
    return tokens;
  }
}
