"""Text held base64- or hex-encoded, read as the text it is.

A config, a ``.env`` file or a JSON of credentials base64-encoded (``CONFIG_B64 = "eyJ1…"``,
a notebook attachment's ``text/plain``, ``echo … | base64`` output) shows none of the
names or shapes the rules know. A run of base64 that decodes to printable UTF-8 text is
redacted as that text (one level: not inside such a run again); when anything in it is
hidden (or it is a bare ``user:password``), the whole run is. Decoding is pure: no user
code runs. Runs past :data:`MAX_RUN` characters (images, archives) are left.
``js/lab/src/redactbase64.ts`` is the TypeScript twin (same result on every text).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from .lazy_patterns import lazy_compile
from .names import marker

# 16+ characters of either base64 alphabet, padded or not, a run of its own.
_RUN = lazy_compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
# Longer runs are binary data (an image, a wheel) far more often than a config.
MAX_RUN = 8192
# Control characters (but tab and line breaks): the bytes were no text.
_NOT_TEXT = lazy_compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
KIND = "base64 text holding a secret"
_HEX = lazy_compile(r"[0-9a-fA-F]+\Z")
# Decoded, the whole text is ``user:password`` (HTTP Basic's credentials, printed by
# ``b64encode(b"ada:…")``, in a header's log or a Secret's data): hidden with no name
# beside it. A password of 6+ with a letter; not a URL (``https://…``) nor a port.
_BASIC_PAIR = lazy_compile(r"[A-Za-z0-9._@+\\-]{1,64}:(?!//)(?=[^\s]{0,127}[A-Za-z])[^\s]{6,128}\Z")


def decode_text(run: str) -> str | None:
    """The printable UTF-8 text ``run`` encodes in hex or base64 (standard or URL-safe),
    or None."""
    if len(run) % 2 == 0 and _HEX.match(run) is not None:
        # ``bytes.fromhex`` / ``.hex()``: a config hex-encoded (tried first: as base64 a
        # hex run decodes to bytes that are no text).
        try:
            text = bytes.fromhex(run).decode("utf-8")
        except ValueError:
            text = ""
        if len(text) >= 8 and _NOT_TEXT.search(text) is None:
            return text
    body = run.rstrip("=")
    if len(body) % 4 == 1 or (("-" in body or "_" in body) and ("+" in body or "/" in body)):
        return None
    body = body.replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if len(text) < 8 or _NOT_TEXT.search(text) is not None:
        return None
    return text


def hide_encoded(text: str, redact: Callable[[str], str]) -> tuple[str, int]:
    """``text`` with every base64 run whose decoded text ``redact`` changes replaced by
    a marker, and how many runs were. Each run is decoded and read once: linear work
    (no cap on their number, which a text of harmless runs first would pass)."""
    hidden = 0

    def one(match: re.Match[str]) -> str:
        nonlocal hidden
        run = match.group(0)
        if len(run) > MAX_RUN:
            return run
        plain = decode_text(run)
        if plain is None or (redact(plain) == plain and _BASIC_PAIR.match(plain) is None):
            return run
        hidden += 1
        return marker(KIND)

    return _RUN.sub(one, text), hidden
