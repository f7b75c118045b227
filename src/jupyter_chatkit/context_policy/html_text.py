"""An HTML display read as text: what a person sees of it, lines and table rows kept.

A display whose text/plain is only its object's default repr (``IPython.display.HTML``,
a library's rich traceback) says what it shows in its text/html alone; the readers of
outputs (``kernel/notebook_file.py``, ``js/lab/src/htmltext.ts``) read that instead, by
the steps of ``error_rules`` (``HTML_*``), the same in both languages.
"""

from __future__ import annotations

import re

from . import error_rules as rules
from .lazy_patterns import lazy_compile

_FLAGS = re.IGNORECASE | re.ASCII
_HIDDEN = lazy_compile(rules.HTML_HIDDEN, _FLAGS)
_CELL_GAP = lazy_compile(rules.HTML_CELL_GAP, _FLAGS)
_BREAK = lazy_compile(rules.HTML_BREAK, _FLAGS)
_TAG = lazy_compile(rules.HTML_TAG, _FLAGS)
_ENTITY = lazy_compile(rules.HTML_ENTITY)
HTML_CHARS = rules.LIMITS["htmlChars"]


def _entity(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return rules.HTML_NAMED[name]
    point = int(decimal) if decimal is not None else int(hexadecimal, 16)
    # A surrogate, NUL or past Unicode is no character: left as written.
    if point == 0 or point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
        return match[0]
    return chr(point)


def html_text(html: str) -> str:
    """The text of the head (:data:`HTML_CHARS`) of ``html``: tags gone, a table's row a
    line of tab-separated cells, a block a line, entities decoded, no blank line."""
    text = _HIDDEN.sub("", html[:HTML_CHARS])
    text = _CELL_GAP.sub("\t", text)
    text = _BREAK.sub("\n", text)
    text = _ENTITY.sub(_entity, _TAG.sub("", text))
    # No blank line: HTML's line breaks are its tags', and a table's rows stay adjacent.
    lines = (line.rstrip(" \t\r") for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)
