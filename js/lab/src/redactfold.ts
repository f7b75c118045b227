/**
 * Text with invisible characters and full-width letters, read as the plain text it shows:
 * the twin of Python's context_policy/folded.py (same result on every text).
 *
 * A NUL or another invisible control character between letters (a UTF-16 text read as
 * bytes), a zero-width space or joiner inside a name (`pass\u200bword = 'x'`) or a key,
 * or a name in full-width letters (`ＰＡＳＳＷＯＲＤ=x`), hides it from every rule while the model reads
 * it as plain. A text holding such characters is also redacted as its folded form
 * first (invisibles dropped, odd spaces as spaces, full-width ASCII and tag characters as ASCII);
 * when that hides anything, the folded result is what the model reads. Cyrillic and Greek
 * letters drawn like Latin ones are read as Latin inside a Latin word (`pаssword`).
 * HTML character references are read as the characters a page shows (`password&#61;x`,
 * `&quot;token&quot;: &quot;x&quot;`, `api_key&colon; x` in an HTML output or escaped JSON).
 */

import { RULES } from "./redaction-rules.generated";

// Dropped: NUL and the C0 and DEL controls a terminal draws as nothing (not tab, line
// breaks, vertical tab, form feed, nor ESC, which starts ANSI codes; a UTF-16 text read
// as bytes: `p\x00a\x00s\x00s\x00…`), soft hyphen, combining grapheme joiner, Arabic
// letter mark, Hangul and Khmer fillers, Mongolian selectors, zero-width space/non-joiner/joiner, left-to-right and
// right-to-left marks, bidi embeddings and isolates, word joiner and invisible operators,
// variation selectors, byte-order mark, tag characters outside ASCII's. As a space: no-break,
// en/em/thin... spaces and the ideographic space. As ASCII: full-width ASCII forms and the
// tag characters (U+E0020-E007E: "ASCII smuggling", text a model reads but a person does not
// see). Emoji sequences use ZWJ and U+FE0F: kept unless folding hides something.
// Same set as folded.py; the `u` flag reads astral tags and selectors as one code point.
const CLASS =
  "[\\u0000-\\u0008\\u000e-\\u001a\\u001c-\\u001f\\u007f" +
  "\\u00a0\\u00ad\\u034f\\u061c\\u115f\\u1160\\u1680\\u17b4\\u17b5\\u180b-\\u180f" +
  "\\u2000-\\u200f\\u202a-\\u202f\\u205f-\\u2064\\u2066-\\u2069\\u3000\\u3164" +
  "\\ufe00-\\ufe0f\\ufeff\\uff01-\\uff5e\\uffa0\\u{e0000}-\\u{e007f}\\u{e0100}-\\u{e01ef}" +
  "\\u24b6-\\u24e9\\u{1d400}-\\u{1d7ff}]";
const FOLDABLE = new RegExp(CLASS, "u");
const FOLD_ALL = new RegExp(CLASS, "gu");
// Circled letters and mathematical bold, italic, script... letters and digits: their NFKC
// letter (as folded.py).
const NFKC_LETTER = new Map<number, string>();
for (const [start, end] of [
  [0x24b6, 0x24ea],
  [0x1d400, 0x1d800],
]) {
  for (let code = start; code < end; code++) {
    const n = String.fromCodePoint(code).normalize("NFKC");
    if (n.length === 1 && /^[A-Za-z0-9]$/.test(n)) NFKC_LETTER.set(code, n);
  }
}

function isSpace(code: number): boolean {
  return (
    code === 0x00a0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

// Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables), read as those
// Latin letters inside a word that also holds a Latin letter or "_" (or is assigned to:
// `ΤΟΚΕΝ=x`, every letter Greek) and no other
// non-Latin letter: `pаssword` with a Cyrillic а, `ΑPI_KEY` with a Greek Alpha. A word of
// a Russian or Greek text has no Latin letter (or has letters not drawn like Latin ones:
// `пароль`): it is never changed. Same letters as folded.py.
// Small capitals (`ᴘᴀssᴡᴏʀᴅ`) as their lower-case letter too, as folded.py.
const LOOKALIKES = "аеорсухѕіјԁԛԝһӏкАВЕКМНОРСТХУЅІЈԚԜΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαικνρυχϲϳᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ";
const LATIN = "aeopcyxsijdqwhlkABEKMHOPCTXYSIJQWABEZHIKMNOPTYXoaikvpuxcjabcdefghijklmnoprstuvwyz";
const AS_LATIN = new Map([...LOOKALIKES].map((c, i) => [c, LATIN[i]]));
const LOOKALIKE = new RegExp(`[${LOOKALIKES}]`);
const LOOKALIKE_ALL = new RegExp(`[${LOOKALIKES}]`, "g");
const WORD = /[A-Za-z0-9_\u0262-\u029f\u0370-\u03ff\u0400-\u052f\u1d00-\u1d22\ua730\ua731]+/g;
const LATIN_LETTER = /[A-Za-z_]/;
const OTHER_LETTER = /[\u0370-\u03ff\u0400-\u052f]/;

// After a word: an assignment or a key's colon (`ΤΟΚΕΝ=x`, all of its letters alike).
const ASSIGNS = /['"]?[ \t]*[=:]/y;

function latinWord(word: string, offset: number, text: string): string {
  if (!LOOKALIKE.test(word)) return word;
  if (!LATIN_LETTER.test(word)) {
    ASSIGNS.lastIndex = offset + word.length;
    if (word.length < 3 || !ASSIGNS.test(text)) return word;
  }
  const latin = word.replace(LOOKALIKE_ALL, (c) => AS_LATIN.get(c) ?? c);
  // Another Greek or Cyrillic letter in it: a word of that script, kept.
  return OTHER_LETTER.test(latin) ? word : latin;
}

// A numeric or named character reference (`&#61;`, `&#x3D;`, `&quot;`); named ones outside
// this table stay. Decoded once only, as folded.py.
// Also a percent escape (`api%5Fkey=`) and a `\u00XX` or `\xXX` escape of a printable
// ASCII character; in a literal's escapes, quotes and the backslash stay escaped.
// And Markdown's or LaTeX's escaped underscore (`DB\\_PASSWORD`, `sk\\_live\\_…`), also as a
// repr or JSON writes it.
const ENTITY = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});|%[2-7][0-9A-Fa-f]|\\x(?:ff\\xfe|fe\\xff|ef\\xbb\\xbf)|\\(?:u00|x)(?:[2-7][0-9A-Fa-f]|00)|\\{1,2}_/;
const KEPT_ESCAPED = new Set(['"', "'", "\\", "\x7f"]);
const ENTITY_ALL = new RegExp(ENTITY.source, "g");
const ENTITIES = new Map<string, string>(Object.entries(RULES.htmlEntities));

function character(ref: string): string {
  if (ref.endsWith("_")) return "_";
  if (ref.startsWith("\\x") && ref.length > 4) return ""; // an escaped byte-order mark
  if (ref[0] !== "&") {
    const char = String.fromCharCode(Number.parseInt(ref.slice(-2), 16));
    // A URL's quotes are its text's (`state=%7B%22token%22%3A%22…`): read as quotes.
    const urlQuote = ref[0] === "%" && (char === '"' || char === "'");
    return KEPT_ESCAPED.has(char) && !urlQuote ? ref : char;
  }
  const body = ref.slice(1, -1);
  if (body[0] !== "#") return ENTITIES.get(body) ?? ref;
  const code = body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
  // NUL, surrogates and past Unicode: no character a page shows.
  if (code === 0 || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return ref;
  return String.fromCodePoint(code);
}

/** `value` with its HTML character references read, or null when it has none. */
function unescaped(value: string): string | null {
  if ((!value.includes("&") && !value.includes("%") && !value.includes("\\")) || !ENTITY.test(value)) return null;
  const decoded = value.replace(ENTITY_ALL, character);
  return decoded === value ? null : decoded;
}

// A combining diacritical mark (U+0300-U+036F), composed with the letter before it (NFC).
const COMBINING = /[\u0300-\u036f]/;

// Inline HTML markup between a name and its value (`the <b>password</b> is <code>x</code>`
// in a Markdown cell or printed HTML, read as `the password is x`): dropped, its content
// kept; a block's tags stay (folded.py).
const INLINE_TAG =
  /<\/?(?:a|abbr|b|big|cite|code|em|font|i|kbd|mark|q|s|samp|small|span|strong|sub|sup|tt|u|var)(?:[ \t\r\n][^<>]*)?>/gi;

/** `value` with HTML character references read (unless not `entities`), invisibles dropped, odd spaces as spaces,
 * full-width ASCII and tag characters as ASCII, inline HTML tags dropped and look-alike
 * letters inside Latin words as Latin, or null when it holds none of them (one scan each). */
export function folded(input: string, entities = true): string | null {
  const decoded = entities ? unescaped(input) : null;
  const value = decoded ?? input;
  const plain = FOLDABLE.test(value)
    ? value.replace(FOLD_ALL, (c) => {
        const code = c.codePointAt(0) ?? 0;
        if (isSpace(code)) return " ";
        if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
        if (code >= 0xe0020 && code <= 0xe007e) return String.fromCharCode(code - 0xe0000);
        if ((code >= 0x24b6 && code <= 0x24e9) || (code >= 0x1d400 && code <= 0x1d7ff)) return NFKC_LETTER.get(code) ?? c;
        return "";
      })
    : decoded;
  let text = plain ?? value;
  let shown = plain;
  if (COMBINING.test(text)) {
    // Decomposed letters (macOS writes `n` U+0303 for `ñ`): a name of another language
    // (`contrasen\u0303a`) read as the letters it shows (folded.py).
    const composed = text.normalize("NFC");
    if (composed !== text) shown = text = composed;
  }
  if (text.includes("<")) {
    const bare = text.replace(INLINE_TAG, "");
    if (bare !== text) shown = text = bare;
  }
  if (LOOKALIKE.test(text)) {
    const latin = text.replace(WORD, latinWord);
    if (latin !== text) return latin;
  }
  return shown;
}
