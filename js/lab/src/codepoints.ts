/**
 * Lengths and cuts in code points, as Python counts a str: a character outside the BMP
 * (an emoji) is one character, not the two UTF-16 units of a JS string's `length`. The
 * policy's counts (`«redacted: str, N chars»`, `… [N more chars]`) and its cuts must be
 * the same in the sidebar as in the server, and a cut must never split a surrogate pair.
 */

function isPair(text: string, i: number): boolean {
  const high = text.charCodeAt(i);
  if (high < 0xd800 || high > 0xdbff) return false;
  const low = text.charCodeAt(i + 1);
  return low >= 0xdc00 && low <= 0xdfff;
}

/** Python's `len(text)`. */
export function codeLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if (isPair(text, i)) {
      n -= 1;
      i += 1;
    }
  }
  return n;
}

/** Python's `text[:count]`. */
export function codeSlice(text: string, count: number): string {
  if (count <= 0) return "";
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    if (seen === count) return text.slice(0, i);
    if (isPair(text, i)) i += 1;
    seen += 1;
  }
  return text;
}

/** `N` of `«redacted: str, N chars»`: Python's `f"{len(text):,}"`. */
export function chars(text: string): string {
  return codeLength(text).toLocaleString("en-US");
}
