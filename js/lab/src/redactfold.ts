/**
 * Text with invisible characters and full-width letters, read as the plain text it shows:
 * the twin of Python's context_policy/folded.py (same result on every text).
 *
 * A zero-width space or joiner inside a name (`pass\u200bword = 'x'`) or a key, or a name
 * in full-width letters (`ＰＡＳＳＷＯＲＤ=x`), hides it from every rule while the model reads
 * it as plain. A text holding such characters is also redacted as its folded form
 * first (invisibles dropped, full-width ASCII forms and the ideographic space as ASCII);
 * when that hides anything, the folded result is what the model reads.
 */

// Soft hyphen, Mongolian vowel separator, zero-width space/non-joiner/joiner, word joiner
// and invisible operators, byte-order mark; full-width ASCII forms and ideographic space.
const FOLDABLE = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\u3000\uff01-\uff5e]/;
const FOLD_ALL = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\u3000\uff01-\uff5e]/g;

/** `value` with invisibles dropped and full-width ASCII as ASCII, or null when it holds
 * none of them (one scan). */
export function folded(value: string): string | null {
  if (!FOLDABLE.test(value)) return null;
  return value.replace(FOLD_ALL, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x3000) return " ";
    if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
    return "";
  });
}
