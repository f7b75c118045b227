"""Heredoc bodies under a secret's name (``password = <<EOT`` … ``EOT``), found in linear
work however many heads a text holds.

The rule's pattern (context_rules.py, ``"heredoc": True``) matches the head alone
(group 1 the head through its line's end, group 2 the closing word). The body runs
from the next line to the first line holding only that word (any case, blanks
around), at most 40 lines of at most 1,000 characters each. As one regular expression
that body was scanned again from every head: 60,000 unclosed heads on 1,000,000
characters took ~10 s. Here the text's lines are indexed once (where each starts, which
are long, which hold a single word) and each head looks its closing line up.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from .lazy_patterns import lazy_compile

MAX_LINES = 40
MAX_LINE = 1000
# A line that can close a heredoc: one word, blanks around, then ``\r\n``, ``\n`` or the
# text's end (a lone ``\r`` at the end does not close: as the rule always read it).
_WORD = "[A-Za-z_][A-Za-z0-9_]{0,19}"
_WORD_LINE = lazy_compile(r"(?:^|(?<=\n))[ \t]*(" + _WORD + r")[ \t]*(?=\r?\n|\Z)")
# Up to this many different closing words are looked for by one pattern of their own.
_FEW_WORDS = 16
# A line too long for a body.
_LONG_LINE = lazy_compile(r"(?:^|(?<=\n))[^\n]{" + str(MAX_LINE + 1) + "}")


class _Lines:
    """The lines of a text too long for a body, and the lines holding one of the
    ``wanted`` words alone, by word (lower case): (line, where it starts)."""

    def __init__(self, text: str, wanted: set[str]) -> None:
        self.long = [line for line, _ in _numbered(text, _LONG_LINE.finditer(text))]
        self.words: dict[str, list[tuple[int, int]]] = {}
        if len(wanted) <= _FEW_WORDS:
            # Few words (the usual case): the scan itself looks for them alone.
            alternatives = "|".join(sorted(re.escape(w) for w in wanted))
            scan = re.compile(_WORD_LINE.pattern.replace(_WORD, alternatives, 1), re.IGNORECASE)
            found: Iterator[re.Match[str]] = scan.finditer(text)
        else:
            found = (m for m in _WORD_LINE.finditer(text) if m.group(1).lower() in wanted)
        for line, match in _numbered(text, found):
            self.words.setdefault(match.group(1).lower(), []).append((line, match.start()))


def _numbered(text: str, matches: Iterator[re.Match[str]]) -> Iterator[tuple[int, re.Match[str]]]:
    """Each match (in order) with its line, the newlines before it counted as they come."""
    line = 0
    at = 0
    for match in matches:
        line += text.count("\n", at, match.start())
        at = match.start()
        yield line, match


def heredoc_bodies(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the bodies of the heads ``pattern`` finds in ``text``, in
    order and apart (a head inside a body before it is part of that body)."""
    spans: list[tuple[int, int]] = []
    heads = list(pattern.finditer(text))
    if not heads:
        return spans
    lines = _Lines(text, {head.group(2).lower() for head in heads})
    done = 0
    first = 0  # the line where the current head's body starts, counted as heads come
    at = 0
    for head in heads:
        first += text.count("\n", at, head.end())
        at = head.end()
        if head.start() < done:
            continue
        closing = lines.words.get(head.group(2).lower(), [])
        k = bisect.bisect_right(closing, (first, len(text)))
        if k == len(closing) or closing[k][0] > first + MAX_LINES:
            continue
        last, start = closing[k]  # the closing line; the body is lines first .. last - 1
        long = bisect.bisect_left(lines.long, first)
        if long < len(lines.long) and lines.long[long] < last:
            continue
        end = start - 1  # the "\n" before the closing line
        if end > head.end() and text[end - 1] == "\r":
            end -= 1
        spans.append((head.end(), end))
        done = end
    return spans
