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

MAX_LINES = 40
MAX_LINE = 1000
# A line that can close a heredoc: one word, blanks around, then ``\r\n``, ``\n`` or the
# text's end (a lone ``\r`` at the end does not close: as the rule always read it).
_WORD_LINE = re.compile(r"(?:^|(?<=\n))[ \t]*([A-Za-z_][A-Za-z0-9_]{0,19})[ \t]*(?=\r?\n|\Z)")


class _Lines:
    """Where the lines of a text start, which are too long for a body, and the lines
    holding one word, by word (lower case)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        ends = [s - 1 for s in self.starts[1:]] + [len(text)]
        pairs = enumerate(zip(self.starts, ends, strict=True))
        self.long = [k for k, (s, e) in pairs if e - s > MAX_LINE]
        self.words: dict[str, list[int]] = {}
        for found in _WORD_LINE.finditer(text):
            line = bisect.bisect_right(self.starts, found.start()) - 1
            self.words.setdefault(found.group(1).lower(), []).append(line)

    def line_of(self, position: int) -> int:
        return bisect.bisect_right(self.starts, position) - 1


def heredoc_bodies(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the bodies of the heads ``pattern`` finds in ``text``, in
    order and apart (a head inside a body before it is part of that body)."""
    spans: list[tuple[int, int]] = []
    lines: _Lines | None = None
    done = 0
    for head in pattern.finditer(text):
        if head.start() < done:
            continue
        if lines is None:
            lines = _Lines(text)
        first = lines.line_of(head.end())
        closing = lines.words.get(head.group(2).lower(), [])
        k = bisect.bisect_right(closing, first)
        if k == len(closing) or closing[k] > first + MAX_LINES:
            continue
        last = closing[k]  # the closing line; the body is lines first .. last - 1
        long = bisect.bisect_left(lines.long, first)
        if long < len(lines.long) and lines.long[long] < last:
            continue
        end = lines.starts[last] - 1  # the "\n" before the closing line
        if end > head.end() and text[end - 1] == "\r":
            end -= 1
        spans.append((head.end(), end))
        done = end
    return spans
