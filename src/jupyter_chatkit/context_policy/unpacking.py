"""Values assigned to several names at once: ``user, password = "ada", "x"``.

The assignment rules read the name right before ``=`` with the value right after it,
which here are a password's name and the user's literal: the user was hidden and the
password shown. Names and values are paired by position instead: a literal under a
secret's name (or a password-shaped one under ``p``) is hidden, the others stay.
``js/lab/src/redactunpack.ts`` is the TypeScript twin.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import rules
from .compiled_rules import CALL_ARGUMENT
from .lazy_patterns import lazy_compile
from .values import is_secret_pair

UNPACKING = lazy_compile(rules.UNPACKING, re.MULTILINE)
_UNPACKING_HEAD = lazy_compile(rules.UNPACKING_HEAD)


def _literals(values: str) -> list[tuple[int, int] | None]:
    """Per top-level item of ``values`` (split at commas outside literals and
    brackets; one bracket around them all is no item's): the span of its string
    literal when the item is one, else None."""
    items: list[tuple[int, int] | None] = []
    current: tuple[int, int] | None = None
    pieces = 0
    depth = 0
    for token in CALL_ARGUMENT.finditer(values):
        piece = token.group(0)
        if piece == "," and depth <= (1 if values.lstrip()[:1] in "([" else 0):
            items.append(current if pieces == 1 else None)
            current, pieces = None, 0
            continue
        if token.group(1) is not None:
            current, pieces = token.span(), pieces + 1
        elif piece.strip():
            depth += sum(piece.count(c) for c in "([{") - sum(piece.count(c) for c in ")]}")
            # A bracket around all the values is not a piece of the first or last one.
            if piece.strip() not in ("(", "[", ")", "]", "),", "],"):
                pieces += 2
    if pieces:
        items.append(current if pieces == 1 else None)
    return items


def hide_unpacked(
    text: str, hide: Callable[[str], str], names_too: frozenset[str] = frozenset()
) -> str:
    """``text`` with each literal assigned by position to a secret's name (or to one of
    ``names_too``: variables passed where a credential goes) hidden; ``hide`` gets the
    literal's content and gives what stands instead."""

    def one(match: re.Match[str]) -> str:
        names = [n.strip().rsplit(".", 1)[-1] for n in match.group(1).split(",")]
        values = match.group(2)
        spans = _literals(values)
        if len(spans) != len(names):
            return match.group(0)
        out = values
        for name, span in reversed(list(zip(names, spans, strict=True))):
            if span is None:
                continue
            content = values[span[0] + 1 : span[1] - 1]
            if rules.PLACEHOLDER_OPEN not in content and (
                (name in names_too and content) or is_secret_pair(name, content)
            ):
                out = out[: span[0] + 1] + hide(content) + out[span[1] - 1 :]
        whole = match.group(0)
        cut = match.start(2) - match.start(0)
        return whole[:cut] + out

    return UNPACKING.sub(one, text)


def after_unpacking_names(text: str, start: int) -> bool:
    """True when the name at ``start`` is the last of an unpacking's names (``user,
    password = …``) whose values pair with them: its value is not the literal right
    after ``=``."""
    # The last name comes after a comma (a cheap test before the look back).
    before = text[max(0, start - 100) : start].rstrip(" \t")
    if not before.endswith(","):
        return False
    if _UNPACKING_HEAD.search(text, max(0, start - 2200), start) is None:
        return False
    first = text.rfind("\n", 0, start) + 1
    end = text.find("\n", start)
    match = UNPACKING.match(text[first : len(text) if end < 0 else end])
    return match is not None and len(_literals(match.group(2))) == match.group(1).count(",") + 1
