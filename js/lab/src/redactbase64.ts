/**
 * Text held base64-encoded, read as the text it is: the twin of Python's
 * context_policy/encoded.py (same result on every text).
 *
 * A config, a `.env` file or a JSON of credentials base64-encoded shows none of the names
 * or shapes the rules know. A run of base64 that decodes to printable UTF-8 text is
 * redacted as that text (one level); when anything in it is hidden, the whole run is.
 * Runs past MAX_RUN characters (images, archives) are left.
 */

import { marker } from "./redactnames";

// 16+ characters of either base64 alphabet, padded or not, a run of its own.
const RUN = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])/g;
// Longer runs are binary data (an image, a wheel) far more often than a config.
const MAX_RUN = 8192;
// Control characters (but tab and line breaks): the bytes were no text.
const NOT_TEXT = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]/;
const KIND = "base64 text holding a secret";
const UTF8 = new TextDecoder("utf-8", { fatal: true });
const HEX = /^[0-9a-fA-F]+$/;
// Decoded, the whole text is `user:password` (HTTP Basic's credentials): hidden with no
// name beside it. A password of 6+ with a letter; not a URL nor a port (encoded.py).
const BASIC_PAIR = /^[A-Za-z0-9._@+\\-]{1,64}:(?!\/\/)(?=[^\s]{0,127}[A-Za-z])[^\s]{6,128}$/;

/** The printable UTF-8 text `run` encodes in hex or base64 (standard or URL-safe), or null. */
export function decodeText(run: string): string | null {
  if (run.length % 2 === 0 && HEX.test(run)) {
    // A config hex-encoded (tried first: as base64 a hex run decodes to no text).
    let hexText = "";
    try {
      const bytes = Uint8Array.from(run.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
      hexText = UTF8.decode(bytes);
    } catch {
      hexText = "";
    }
    if ([...hexText].length >= 8 && !NOT_TEXT.test(hexText)) return hexText;
  }
  const body = run.replace(/=+$/, "");
  const urlSafe = body.includes("-") || body.includes("_");
  if (body.length % 4 === 1 || (urlSafe && (body.includes("+") || body.includes("/")))) return null;
  const standard = body.replace(/-/g, "+").replace(/_/g, "/");
  let text: string;
  try {
    const binary = atob(standard + "=".repeat((4 - (standard.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    text = UTF8.decode(bytes);
  } catch {
    return null;
  }
  if ([...text].length < 8 || NOT_TEXT.test(text)) return null;
  return text;
}

/** `text` with every base64 run whose decoded text `redact` changes replaced by a marker,
 * and how many runs were. Each run is decoded and read once: linear work (no cap on their
 * number, which a text of harmless runs first would pass). */
export function hideEncoded(text: string, redact: (plain: string) => string): [string, number] {
  let hidden = 0;
  const out = text.replace(RUN, (run: string) => {
    if (run.length > MAX_RUN) return run;
    const plain = decodeText(run);
    if (plain === null || (redact(plain) === plain && !BASIC_PAIR.test(plain))) return run;
    hidden += 1;
    return marker(KIND);
  });
  return [out, hidden];
}
