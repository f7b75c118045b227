"""Regular expressions compiled at their first use, not when their module is imported.

The context policy's modules hold ~110 expressions. Compiled at import, they cost the
kernel ~150 ms wherever it loads the policy: the JupyterLab sidebar's check before each
message (``kernel/known_secrets.py``, which runs none of them when the kernel holds no
secret) and ``%load_ext``. :func:`lazy_compile` defers each one to its first use; the
expression, and so every redaction, is the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast


class LazyPattern:
    """A ``re.Pattern`` stand-in that compiles on its first use.

    Any attribute of a pattern it does not hold yet (``search``, ``sub``, ``flags``, ...)
    compiles the expression once, then is copied from the compiled pattern onto the
    instance, where attribute lookup finds it first: from then on a call goes straight to
    ``re``, with nothing of this class in between.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = pattern
        self._flags = flags

    @property
    def pattern(self) -> str:
        """The expression's source, as ``re.Pattern.pattern`` (compiles nothing)."""
        return self._source

    def __getattr__(self, name: str) -> Any:
        # Only called for what the instance does not hold yet. Dunders (copy, pickle
        # probing) are not the pattern's to answer.
        if name.startswith("__"):
            raise AttributeError(name)
        # Two threads may both get here: each compiles (re caches it), same result.
        value = getattr(re.compile(self._source, self._flags), name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r}, {self._flags!r})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled at its first use (typed as the pattern
    it stands for: only its methods and ``pattern``/``flags``/``groups``/``groupindex``
    are used; pass it to nothing that wants a real ``re.Pattern``)."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))


def any_of(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern (compiled at its first use) matching any of ``words``, as a trie."""
    # One scan in C for "does the text hold any of these": a Python loop of ``in``
    # tests over ~100 triggers cost more than the rules on most short strings. As a trie
    # (``a(?:ge-…|kia|sia)|…``): a flat alternation was tried word by word at every
    # position of the text.
    return lazy_compile(trie(sorted(set(words))))


def trie(words: list[str]) -> str:
    """A pattern matching any of ``words`` (sorted), branching by first character.

    Built without recursion: a known secret thousands of characters long (a JWT, a PEM
    key) is a branch that deep, which recursing down made a ``RecursionError`` in every
    tool that read the kernel (from ~450 characters on a deep stack).
    """
    root: dict[str | None, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[None] = True  # a word ends here
    out: list[str] = []
    # The pattern written in order: a node's pieces go on the stack last piece first.
    stack: list[str | dict[str | None, Any]] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        children = [(char, child) for char, child in item.items() if char is not None]
        if not children:
            continue
        pieces: list[str | dict[str | None, Any]] = []
        ends = None in item
        many = len(children) > 1
        if ends:
            pieces.append("(?:")
        if many:
            pieces.append("(?:")
        for index, (char, child) in enumerate(children):
            if index:
                pieces.append("|")
            pieces += [re.escape(char), child]
        if many:
            pieces.append(")")
        if ends:
            pieces.append(")?")
        stack.extend(reversed(pieces))
    return "".join(out)
