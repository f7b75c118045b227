"""Texts held escaped in one string of a JSON text or a repr, read as their lines.

A JSON attachment, a JSON log line or a dict's repr holds a frame, a YAML block or a CSV
in one string whose line breaks show as ``\\n``: the rules that read lines (a table's
header and rows, a YAML block under ``password:``, a frame of names and values) never
saw those lines, and their secrets passed. Such a string is decoded (its escapes only:
no user code runs), redacted as text, and written back, escaped the same way, when
anything in it was hidden. ``js/lab/src/redactescaped.ts`` is the TypeScript twin.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A JSON or Python string literal on one line; a quote after a backslash starts none
# (from each escaped quote of ``\\"\\"\\"…`` an unclosed scan would read the line again).
_STRING = re.compile(r"""(?<!\\)(?:"((?:[^"\\\n]|\\[^\n])*)"|'((?:[^'\\\n]|\\[^\n])*)')""")
# A character outside the BMP is a surrogate pair (``\\ud83d\\ude00``: Python's json.dumps
# writes every emoji so), read as the one character it is; a lone half is no text.
_ESCAPE = re.compile(
    r"\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
    r"|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([\s\S]))"
)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", '"': '"', "/": "/"}
_WRITE = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def decode(body: str) -> str | None:
    """The text a literal's body holds, or None for an escape this reader does not know
    (a lone surrogate half, ``\\N{…}``, an octal)."""
    bad = False

    def one(match: re.Match[str]) -> str:
        nonlocal bad
        if match.group(1) is not None:
            high, low = int(match.group(1), 16), int(match.group(2), 16)
            return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        code = match.group(3) or match.group(4)
        if code is not None:
            point = int(code, 16)
            if 0xD800 <= point <= 0xDFFF:
                bad = True
            return chr(point)
        simple = _SIMPLE.get(match.group(5))
        if simple is None:
            bad = True
            return ""
        return simple

    text = _ESCAPE.sub(one, body)
    return None if bad else text


def encode(text: str, quote: str) -> str:
    """``text`` as the body of a literal in ``quote``: backslash, the quote and line
    breaks escaped, other control characters as ``\\u00XX`` (JSON) or ``\\xXX``."""
    out = []
    for ch in text:
        if ch in _WRITE:
            out.append(_WRITE[ch])
        elif ch == quote:
            out.append("\\" + quote)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}" if quote == '"' else f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def read_escaped_lines(text: str, redact: Callable[[str], str]) -> str:
    """``text`` with every string literal holding an escaped line break redacted as the
    lines it holds (by ``redact``); the others are left as they are."""

    def one(match: re.Match[str]) -> str:
        body = match.group(1) if match.group(1) is not None else match.group(2)
        if "\\n" not in body:
            return match.group(0)
        plain = decode(body)
        if plain is None:
            return match.group(0)
        clean = redact(plain)
        if clean == plain:
            return match.group(0)
        quote = match.group(0)[0]
        return quote + encode(clean, quote) + quote

    return _STRING.sub(one, text)
