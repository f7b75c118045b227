"""A key split across string literals, read joined.

``KEY = "sk-proj-ab12" "cd34…"``, ``"ghp_x" + "y"``, a line continuation, ``"".join([…])``
or an f-string's text around a field (``f"ab12…{suffix}cd34…"``) shows no piece a rule
knows (each is too short, or its name is on another line). Every run of pieces is joined
in one copy of the text, which is redacted once (linear work, however many runs); a run
whose joined value that hides is hidden whole in the text. ``js/lab/src/redactjoined.ts``
is the TypeScript twin (same result on every text).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import joined_rules
from .lazy_patterns import lazy_compile
from .names import marker

_HINT = lazy_compile(joined_rules.JOINED_HINT)
_RUNS = lazy_compile(
    "|".join(
        f"(?:{p})"
        for p in (
            joined_rules.JOINED_LIST,
            joined_rules.JOINED_LITERALS,
            joined_rules.JOINED_FSTRING,
        )
    )
)
_PIECE = lazy_compile(joined_rules.JOINED_PIECE)
_FIELD = lazy_compile(joined_rules.FSTRING_FIELD_PART)
_VALUE = lazy_compile(joined_rules.JOINED_VALUE)
_AFTER_WORD = lazy_compile(joined_rules.JOINED_AFTER_WORD)
KIND = "key split across literals"


def _joined(run: re.Match[str]) -> str:
    """The value a run of literals makes, or "" when it is no key's shape."""
    if run.group(3) is not None:  # "sep".join([...])
        value = run.group(2).join(p.group(2) for p in _PIECE.finditer(run.group(3)))
    elif run.group(4) is not None or run.group(5) is not None:  # an f-string
        text = run.group(4) if run.group(4) is not None else run.group(5)
        value = _FIELD.sub("", text)
        if "{" in value or "}" in value or value == text:
            return ""
    else:
        if _AFTER_WORD.search(run.string[max(0, run.start() - 40) : run.start()]) is not None:
            return ""  # ``echo 'ab' 'cd'``, ``script-src 'self' 'nonce-…'``: separate words
        value = "".join(p.group(2) for p in _PIECE.finditer(run.group(0)))
    if len(value) < joined_rules.JOINED_MIN_CHARS or _VALUE.match(value) is None:
        return ""
    return value


def hide_joined(text: str, redact: Callable[[str], str]) -> tuple[str, int]:
    """``text`` with every run of literals whose joined value ``redact`` hides (in a copy
    of the text with each run joined into one literal) replaced by a marker, and how many."""
    if _HINT.search(text) is None:
        return text, 0
    runs = [(m, _joined(m)) for m in _RUNS.finditer(text)]
    runs = [(m, v) for m, v in runs if v]
    if not runs:
        return text, 0
    parts: list[str] = []
    done = 0
    for m, value in runs:
        parts += [text[done : m.start()], f'"{value}"']
        done = m.end()
    clean = redact("".join(parts) + text[done:])
    out: list[str] = []
    done = 0
    hidden = 0
    for m, value in runs:
        if value in clean:
            continue
        quote = '"' if '"' in m.group(0)[:3] else "'"
        out += [text[done : m.start()], quote + marker(KIND) + quote]
        done = m.end()
        hidden += 1
    if not hidden:
        return text, 0
    return "".join(out) + text[done:], hidden
