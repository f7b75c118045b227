/**
 * Node test: hostile markdown is read in work that grows as its text. marked's inline
 * rules look ahead from every emphasis, strikethrough or e-mail address that never closes
 * to the end of the text; 40 KB of answer (what a model steered by a notebook can write)
 * took 4 to 9 s of the page's time per render. PiecewiseLexer (ui/markdownreader.ts) reads a
 * long paragraph in pieces; the markdown a model really writes reads as before.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Marked } from "marked";
import { PiecewiseLexer } from "../src/ui/markdownreader";

// The text of one answer at most, as a model can stream it.
const N = 40_000;
// CPU seconds a case may take per character (process.cpuUsage: a loaded machine's waiting
// does not count): 0.8 s at N, ~4 times the costliest case read in pieces (~0.22 s), while
// read whole the first, second and fourth took 3.9 to 5.6 s (the others are kept as guards).
const CPU_PER_CHAR = 2e-5;

const hostile: Record<string, string> = {
  "underscores in one word": "_a".repeat(N / 2),
  "underscores opening after spaces": "_a_a_a_a_a_a ".repeat(N / 13),
  "asterisks opening after spaces": "*a ".repeat(N / 3),
  "an e-mail address that never ends": `${"a".repeat(N)}@`,
  "tildes in one word": "~a".repeat(N / 2),
};

for (const [name, text] of Object.entries(hostile)) {
  test(`hostile markdown is read in linear work: ${name}`, () => {
    const start = process.cpuUsage();
    const tokens = new PiecewiseLexer(new Marked({ gfm: true }).defaults).lex(text);
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    assert.ok(tokens.length > 0);
    assert.ok(seconds < CPU_PER_CHAR * text.length, `${seconds} s of CPU: quadratic on this text?`);
  });
}

// What models write, in paragraphs short and long: read as marked reads it whole.
const prose =
  "Use **`df.groupby`** with _care_: see [the docs](https://pandas.pydata.org/docs/) or " +
  "write to a@b.example; ~~old~~ is gone, and snake_case_names stay as they are. ";

test("a paragraph of a few thousand characters reads as marked reads it whole", () => {
  const marked = new Marked({ gfm: true });
  for (const text of [prose, prose.repeat(20), `${prose.repeat(30)}\n${prose.repeat(30)}`]) {
    assert.deepEqual(new PiecewiseLexer(marked.defaults).lex(text), marked.lexer(text));
  }
});

test("a paragraph longer than a piece keeps its markup but across a cut", () => {
  const marked = new Marked({ gfm: true });
  const text = prose.repeat(200);
  const pieces = marked.parser(new PiecewiseLexer(marked.defaults).lex(text));
  const whole = marked.parse(text, { async: false }) as string;
  const count = (html: string, tag: string): number => html.split(`<${tag}>`).length - 1;
  // The cuts fall between sentences: every bold, code, emphasis, link and strikethrough kept.
  for (const tag of ["strong", "code", "em", "del"]) assert.equal(count(pieces, tag), count(whole, tag), tag);
  assert.equal(pieces.split("<a ").length, whole.split("<a ").length);
  assert.equal(pieces.replace(/<[^>]+>/g, ""), whole.replace(/<[^>]+>/g, ""));
});
