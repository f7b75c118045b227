"""Secrets whose name stands apart from their value, in text.

A transcript's output under an input naming a secret (``In [3]: password`` then
``Out[3]: 'x'``, ``>>> token`` then ``'x'``); the arguments filling a format string
under a secret name (``password = "%s" % "x"``, ``"{}".format("x")``); values by
position under names in a sibling list (``dict(zip(["user", "password"], ["ada",
"x"]))``, ``pd.Series(["ada", "x"], index=["user", "password"])``, an SQL ``INSERT``'s
column list); a JSON pair inside a JSON string (``"{\\"password\\": \\"x\\"}"``). A mixin
of :class:`.redact.Redactor` (it counts what it hides in ``count``); mirrors
``js/lab/src/redactloose.ts``.
"""

from __future__ import annotations

import re

from . import rules
from .compiled_rules import (
    ASSIGNMENT_LINE,
    CALL_ARGUMENT,
    CREDENTIAL_VALUE,
    KEEP_VALUE,
    NAME_LIKE_VALUE,
    OBJECT_NAMES,
    STRING_LITERAL,
    WORD,
)
from .lazy_patterns import lazy_compile
from .names import is_placeholder, is_secret_name, marker, normalize_name
from .tables import _secret_positions, _vocab_positions

_TRANSCRIPT = lazy_compile(rules.TRANSCRIPT, re.MULTILINE)
_FORMATTED = lazy_compile(rules.FORMATTED_ASSIGNMENT)
_FLAT_LIST = lazy_compile(rules.FLAT_LIST)
_SQL_INSERT = lazy_compile(rules.SQL_INSERT, re.IGNORECASE)
_ESCAPED_PAIR = lazy_compile(rules.ESCAPED_JSON_PAIR)
# Names that hold an object, not a secret (``session``): their output is described.
# Sibling lists are looked for this far from a list of names (a call's arguments).
SIBLING_SPAN = 1000
MAX_NAME_LISTS = 50


# Calls that return a secret whatever they are given (``getpass.getpass()``).
_RETURNS_A_SECRET = lazy_compile(r"\bgetpass[ \t]*\(")


def _input_names_secret(source: str) -> bool:
    """True for a transcript's input that shows a secret (``password``, ``print(tok)``,
    ``getpass()``), not one that assigns it (``password = x`` shows nothing)."""
    if ASSIGNMENT_LINE.match(source):
        return False
    if _RETURNS_A_SECRET.search(source[:500]):
        return True
    return any(
        is_secret_name(w) and normalize_name(w) not in OBJECT_NAMES
        for w in WORD.findall(source[:500])
    )


class LooseRedaction:
    """Hides values whose secret name stands apart from them (see the module)."""

    count: int

    def _loose(self, text: str, named: bool) -> str:
        """``text`` with the passes of this module applied (``named``: a name trigger)."""
        # ``In [n]:`` alone: what a cell prints has no ``Out[n]:`` label.
        if "Out[" in text or ">>> " in text or "In [" in text:
            text = _TRANSCRIPT.sub(self._replace_transcript, text)
        if not named:
            return text
        if "%" in text or ".format(" in text:
            text = _FORMATTED.sub(self._replace_formatted, text)
        if ("[" in text or "(" in text) and ("'" in text or '"' in text):
            text = self._siblings(text)
        if '\\"' in text:
            text = _ESCAPED_PAIR.sub(self._replace_escaped, text)
        return text

    def _hide(self, secret: str) -> str:
        self.count += 1
        return marker(f"str, {len(secret):,} chars")

    def _replace_transcript(self, match: re.Match[str]) -> str:
        source, output = match.group(1, 3)
        inner = output.strip().strip("'\"")
        if (
            not _input_names_secret(source)
            or not inner
            or is_placeholder(inner)
            or rules.PLACEHOLDER_OPEN in output
            or KEEP_VALUE.match(inner.lower())
        ):
            return match.group(0)
        return match.group(0)[: match.start(3) - match.start(0)] + self._hide(inner)

    def _replace_formatted(self, match: re.Match[str]) -> str:
        head, name, args = match.group(1, 2, 4)
        if not is_secret_name(name.rsplit(".", 1)[-1]):
            return match.group(0)

        def literal(m: re.Match[str]) -> str:
            quote, secret = m.group(1, 2)
            if not secret or rules.PLACEHOLDER_OPEN in secret:
                return m.group(0)
            return f"{quote}{self._hide(secret)}{quote}"

        return f"{head}{STRING_LITERAL.sub(literal, args)}"

    def _replace_escaped(self, match: re.Match[str]) -> str:
        name, secret = match.group(1, 2)
        if not is_secret_name(name) or rules.PLACEHOLDER_OPEN in secret or not secret:
            return match.group(0)
        start = match.start(2) - match.start(0)
        whole = match.group(0)
        return whole[:start] + self._hide(secret) + whole[start + len(secret) :]

    def _siblings(self, text: str) -> str:
        """Literals by position under a nearby list of names: ``zip(names, values)``,
        ``Series(values, index=names)``, ``DataFrame(rows, columns=names)``, SQL
        ``INSERT INTO t (user, password) VALUES ('ada', 'x')``."""
        lists = list(_FLAT_LIST.finditer(text))
        # (list index, secret positions, count, positions of a text's words: ``token``)
        names: list[tuple[int, set[int], int, set[int]]] = []
        for k, m in enumerate(lists):
            body = m.group(1)
            positions, count = _secret_positions(body)
            if positions and count >= 2 and _all_names(body):
                names.append((k, positions, count, _vocab_positions(body)))
                if len(names) >= MAX_NAME_LISTS:
                    break
        edits: dict[int, str] = {}
        for k, positions, count, words in names:
            center = lists[k].start()
            for j, other in enumerate(lists):
                if j == k or j in edits or abs(other.start() - center) > SIBLING_SPAN:
                    continue
                body = other.group(1)
                if _secret_positions(body)[0]:
                    continue  # another list of names
                if body.lstrip().startswith("{"):
                    continue  # ``f({"level": "info", "log": x})``: a dict's items, no row
                if _shares_a_name(lists[k].group(1), body, positions):
                    continue  # ``("db", "host")`` beside ``("db", "password")``: keys
                if j < k and not text[other.end() : lists[k].start()].strip(" \t\r\n,"):
                    continue  # ``[("user", "ada"), ("x", "password")]``: a row before, no header
                hidden = self._hide_positions(body, positions, count, words)
                if hidden is not None:
                    edits[j] = hidden
        for m in _SQL_INSERT.finditer(text):
            columns = [c.strip(' \t`"[]') for c in m.group(1).split(",")]
            positions = {i for i, c in enumerate(columns) if is_secret_name(c)}
            if not positions:
                continue
            for j, other in enumerate(lists):
                if other.start() == m.start(2) - 1 and j not in edits:
                    hidden = self._hide_positions(other.group(1), positions, len(columns))
                    if hidden is not None:
                        edits[j] = hidden
        if not edits:
            return text
        pieces: list[str] = []
        done = 0
        for j in sorted(edits):
            m = lists[j]
            pieces.append(text[done : m.start(1)])
            pieces.append(edits[j])
            done = m.end(1)
        pieces.append(text[done:])
        return "".join(pieces)

    def _hide_positions(
        self, body: str, positions: set[int], count: int, words: set[int] | None = None
    ) -> str | None:
        """``body`` (a list's items) with the string literals at ``positions`` hidden,
        when it has ``count`` items (at ``words``, a text's words, only those shaped like
        a credential); else None."""
        tokens = [t.group(0) for t in CALL_ARGUMENT.finditer(body)]
        if tokens.count(",") + 1 != count:
            return None
        position = 0
        changed = False
        for i, token in enumerate(tokens):
            if token == ",":
                position += 1
            elif position in positions and token[:1] in ("'", '"') and len(token) > 2:
                inner = token[1:-1]
                if words and position in words and CREDENTIAL_VALUE.match(inner) is None:
                    continue
                if rules.PLACEHOLDER_OPEN not in inner and not is_secret_name(inner):
                    tokens[i] = f"{token[0]}{self._hide(inner)}{token[0]}"
                    changed = True
        return "".join(tokens) if changed else None


def _literals(body: str) -> list[str | None]:
    """The items of a list by position: a string literal's text, else None."""
    items: list[str | None] = [None]
    for token in CALL_ARGUMENT.finditer(body):
        text = token.group(0)
        if text == ",":
            items.append(None)
        elif token.group(1):
            items[-1] = text[1:-1]
    return items


def _shares_a_name(names: str, body: str, secret: set[int]) -> bool:
    """True when ``body`` has, where ``names`` has a name that is no secret's, that same
    name: another key of the same parent (``("db", "host")`` by ``("db", "password")``),
    not the values of the names."""
    ours, theirs = _literals(names), _literals(body)
    return len(ours) == len(theirs) and any(
        k not in secret and a is not None and a == b
        for k, (a, b) in enumerate(zip(ours, theirs, strict=True))
    )


def _all_names(body: str) -> bool:
    """True for a list of names only (``'user', 'password'``): string literals each a
    lower-case identifier or a secret's name."""
    seen = False
    for token in CALL_ARGUMENT.finditer(body):
        text = token.group(0)
        if text == ",":
            continue
        if token.group(1):
            inner = text[1:-1]
            if not (NAME_LIKE_VALUE.match(inner) or is_secret_name(inner)):
                return False
            seen = True
        elif text.strip():
            return False
    return seen
