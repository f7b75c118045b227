/**
 * Text with invisible characters and full-width letters, read as the plain text it shows:
 * the twin of Python's context_policy/folded.py (same result on every text).
 *
 * A zero-width space or joiner inside a name (`pass\u200bword = 'x'`) or a key, or a name
 * in full-width letters (`ＰＡＳＳＷＯＲＤ=x`), hides it from every rule while the model reads
 * it as plain. A text holding such characters is also redacted as its folded form
 * first (invisibles dropped, odd spaces as spaces, full-width ASCII and tag characters as ASCII);
 * when that hides anything, the folded result is what the model reads.
 */

// Dropped: soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul and Khmer
// fillers, Mongolian selectors, zero-width space/non-joiner/joiner, left-to-right and
// right-to-left marks, bidi embeddings and isolates, word joiner and invisible operators,
// variation selectors, byte-order mark, tag characters outside ASCII's. As a space: no-break,
// en/em/thin... spaces and the ideographic space. As ASCII: full-width ASCII forms and the
// tag characters (U+E0020-E007E: "ASCII smuggling", text a model reads but a person does not
// see). Emoji sequences use ZWJ and U+FE0F: kept unless folding hides something.
// Same set as folded.py; the `u` flag reads astral tags and selectors as one code point.
const CLASS =
  "[\\u00a0\\u00ad\\u034f\\u061c\\u115f\\u1160\\u1680\\u17b4\\u17b5\\u180b-\\u180f" +
  "\\u2000-\\u200f\\u202a-\\u202f\\u205f-\\u2064\\u2066-\\u2069\\u3000\\u3164" +
  "\\ufe00-\\ufe0f\\ufeff\\uff01-\\uff5e\\uffa0\\u{e0000}-\\u{e007f}\\u{e0100}-\\u{e01ef}]";
const FOLDABLE = new RegExp(CLASS, "u");
const FOLD_ALL = new RegExp(CLASS, "gu");

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

/** `value` with invisibles dropped, odd spaces as spaces, full-width ASCII and tag
 * characters as ASCII, or null when it holds none of them (one scan). */
export function folded(value: string): string | null {
  if (!FOLDABLE.test(value)) return null;
  return value.replace(FOLD_ALL, (c) => {
    const code = c.codePointAt(0) ?? 0;
    if (isSpace(code)) return " ";
    if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
    if (code >= 0xe0020 && code <= 0xe007e) return String.fromCharCode(code - 0xe0000);
    return "";
  });
}
