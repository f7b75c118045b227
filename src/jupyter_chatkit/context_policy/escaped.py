"""The forms a secret takes when shown escaped: inside a repr, a JSON text, or both.

A password holding a quote, a backslash, a tab, a newline or a non-ASCII letter shows in
``repr(dict)`` as ``'pa\\'ss'``, in JSON as ``"pa\\"ss"`` or ``pa\\u00e9``, and a string
holding such a text shows escaped once more when it is itself shown as a repr. Hiding a
secret by exact value misses all of these; :func:`escaped_forms` lists them so the
redactor hides them too. Only builtin ``str`` values are escaped (no user code runs).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

from .lazy_patterns import lazy_compile

# A form longer than a tool result's bound can never be seen whole.
MAX_FORM_CHARS = 16_384
# Characters no escaping touches: a secret of only these has no other form. Printable
# ASCII but ' " and \ (= [^'"\\\x00-\x1f\x7f-\U0010ffff], spelled as the ranges it keeps:
# the negated set over all of Unicode took ~20 ms to compile, on every kernel's first check).
_PLAIN_CHARS = r"[ !#-&(-\[\]-~]"
_PLAIN = lazy_compile(_PLAIN_CHARS + "*")
_SHORT = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _python(text: str, quote: str, ascii_only: bool) -> str:
    """``repr(text)`` without its quotes, as if written with ``quote``."""
    out = []
    for ch in text:
        if ch in _SHORT:
            out.append(_SHORT[ch])
        elif ch == quote:
            out.append("\\" + quote)
        elif ch.isprintable() and (ch.isascii() or not ascii_only):
            out.append(ch)
        else:
            # A builtin one-character str's own escape (``\x00``, ``\u200b``, ``\xe9``).
            out.append(ascii(ch)[1:-1])
    return "".join(out)


_ESCAPES: tuple[Callable[[str], str], ...] = (
    lambda s: _python(s, "'", False),  # repr(), str(dict) and str(list)
    lambda s: _python(s, '"', False),  # repr() of a text holding a single quote
    lambda s: _python(s, "'", True),  # ascii(), a bytes repr's ASCII letters
    lambda s: json.dumps(s)[1:-1],  # JSON, ensure_ascii (the default)
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
)


# The escapings worth applying to an escaped form again: a repr or a JSON text of it.
_OUTER = (_ESCAPES[0], _ESCAPES[3])
_PLAIN_RUN = lazy_compile(_PLAIN_CHARS + "+")


@functools.lru_cache(maxsize=1024)
def escaped_forms(secret: str) -> tuple[str, ...]:
    """The escaped forms of ``secret`` that differ from it, longest first.

    One escaping of each kind, and a repr or JSON escaping of each of those (a repr of a
    text holding a repr or a JSON text): at most 15 forms, each holding a backslash.
    """
    if _PLAIN.fullmatch(secret) is not None:
        return ()
    first = {escape(secret) for escape in _ESCAPES}
    forms = set(first)
    for inner in first:
        forms.update(escape(inner) for escape in _OUTER)
    forms.discard(secret)
    return tuple(sorted((f for f in forms if len(f) <= MAX_FORM_CHARS), key=len, reverse=True))


@functools.lru_cache(maxsize=1024)
def anchor(secret: str) -> str:
    """The longest run of ``secret`` no escaping changes: every escaped form holds it."""
    return max(_PLAIN_RUN.findall(secret), key=len, default="")
