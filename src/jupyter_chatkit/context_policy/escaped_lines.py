"""Texts held escaped in one string of a JSON text or a repr, read as their lines.

A JSON attachment, a JSON log line or a dict's repr holds a frame, a YAML block or a CSV
in one string whose line breaks show as ``\\n``, or as a list of strings, one a line
(``readlines()``, a JSON log's ``"lines": [...]``): the rules that read lines (a table's
header and rows, a YAML block under ``password:``, a frame of names and values) never
saw those lines, and their secrets passed. Such a string is decoded (its escapes only:
no user code runs), redacted as text, and written back, escaped the same way, when
anything in it was hidden. ``js/lab/src/redactescaped.ts`` is the TypeScript twin.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .lazy_patterns import lazy_compile

# A JSON or Python string literal on one line; a quote after a backslash starts none
# (from each escaped quote of ``\\"\\"\\"…`` an unclosed scan would read the line again).
_STRING = lazy_compile(r"""(?<!\\)(?:"((?:[^"\\\n]|\\[^\n])*)"|'((?:[^'\\\n]|\\[^\n])*)')""")
# A character outside the BMP is a surrogate pair (``\\ud83d\\ude00``: Python's json.dumps
# writes every emoji so), read as the one character it is; a lone half is no text.
_ESCAPE = lazy_compile(
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


def read_escaped_lines(text: str, redact: Callable[[str], str], escape: str = "\\n") -> str:
    """``text`` with every string literal holding ``escape`` (an escaped line break, or
    JSON's escaped slash: ``"postgres:\\/\\/app:pw@db"``, which no URL rule reads)
    redacted as the text it holds (by ``redact``); the others are left as they are."""

    def one(match: re.Match[str]) -> str:
        body = match.group(1) if match.group(1) is not None else match.group(2)
        if escape not in body:
            return match.group(0)
        plain = decode(body)
        if plain is None:
            return match.group(0)
        clean = redact(plain)
        if clean == plain:
            return match.group(0)
        quote = match.group(0)[0]
        written = encode(clean, quote)
        # Written back as it was: a writer that escapes slashes escapes them all.
        return quote + (written.replace("/", "\\/") if "\\/" in body else written) + quote

    return _STRING.sub(one, text)


# A list of 2+ string literals (JSON or Python, one line or many): a file's lines.
_ITEM = r"""(?:"(?:[^"\\\n]|\\[^\n])*"|'(?:[^'\\\n]|\\[^\n])*')"""
_LINE_LIST = lazy_compile(
    rf"\[[ \t\r\n]*(?:{_ITEM}[ \t\r\n]*,[ \t\r\n]*)+{_ITEM}[ \t\r\n]*,?[ \t\r\n]*\]"
)

# The line break ``readlines()`` leaves at the end of each line.
_LINE_END = lazy_compile(r"\r?\n\Z")

# A line of a file, not a phrase: a delimiter, an assignment or an indent.
_LINE_SHAPE = lazy_compile(r"[=:,|\t]|^[ \t]")


def read_listed_lines(text: str, redact: Callable[[str], str]) -> str:
    """``text`` with every list of string literals redacted as the lines they are (by
    ``redact``), each item written back in its own quotes; the others are left as they
    are. When hiding joined lines (a PEM block's), the list is written as the lines left."""

    def one(match: re.Match[str]) -> str:
        items = list(_STRING.finditer(match.group(0)))
        plain: list[str] = []
        ends: list[str] = []
        for item in items:
            body = item.group(1) if item.group(1) is not None else item.group(2)
            line = decode(body)
            if line is None:
                return match.group(0)
            # ``readlines()`` keeps each line's break: read without it, written back with it.
            found = _LINE_END.search(line)
            ends.append(found.group(0) if found else "")
            line = line[: found.start()] if found else line
            if "\n" in line:
                return match.group(0)
            plain.append(line)
        if not any(_LINE_SHAPE.search(line) for line in plain):
            return match.group(0)  # ``["load data", "set password policy"]``: words
        clean = redact("\n".join(plain)).split("\n")
        if clean == plain:
            return match.group(0)
        whole = match.group(0)
        if len(clean) != len(plain):
            quote = items[0].group(0)[0]
            end = ends[0] if len(set(ends)) == 1 else ""
            return "[" + ", ".join(quote + encode(c + end, quote) + quote for c in clean) + "]"
        pieces: list[str] = []
        done = 0
        for item, old, new, end in zip(items, plain, clean, ends, strict=True):
            if new != old:
                quote = item.group(0)[0]
                pieces += [whole[done : item.start()], quote + encode(new + end, quote) + quote]
                done = item.end()
        return "".join([*pieces, whole[done:]])

    return _LINE_LIST.sub(one, text)
