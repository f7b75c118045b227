"""Calls that return a secret whatever they are asked for: a prompt for one (``getpass()``,
``input("Token: ")``), a secret store's getter (``keyring.get_password(...)``,
``dbutils.secrets.get(...)``), or the environment's value under a secret's name
(``os.getenv("DB_PASSWORD")``). A name bound to one holds a secret whatever it is called:
read by the kernel's check (kernel/history_names.py) and a notebook's text (values.aliases).
"""

from __future__ import annotations

import functools
import re

from . import rules
from .lazy_patterns import lazy_compile
from .names import is_secret_name, unnumbered

# The patterns and words are the table's (call_rules), shared with the TypeScript copy.
_GETTER = lazy_compile(rules.SECRET_GETTER, re.IGNORECASE)
_NAMED_GETTER = lazy_compile(rules.NAMED_GETTER)
_ASSIGNED = lazy_compile(rules.GETTER_ASSIGNMENT, re.MULTILINE)
_WRAPPER = lazy_compile(rules.GETTER_WRAPPER)
_CHAINED = lazy_compile(rules.CHAINED_TARGET)
_WALRUS = lazy_compile(rules.WALRUS_ASSIGNMENT)
GETTER_WORDS = tuple(rules.GETTER_WORDS)


def is_getter(value: str) -> bool:
    """True for a right-hand side that returns a secret: a prompt for one, a store's
    getter, or the environment's (or Airflow's) value under a secret's name; in
    parentheses or a conversion that keeps it (``str(getpass())``) too."""
    value = value.strip()
    for _ in range(4):
        wrapped = _WRAPPER.match(value)
        if wrapped is None:
            break
        value = value[wrapped.end() :]
    if _GETTER.match(value) is not None:
        return True
    named = _NAMED_GETTER.match(value)
    if named is None:
        return False
    key = named[1]
    allowed = key in rules.ENV_ALLOW_NAMES or key.startswith(tuple(rules.ENV_ALLOW_PREFIXES))
    return is_secret_name(unnumbered(key)) and not allowed


@functools.lru_cache(maxsize=2_000)
def bound_to_getters(source: str) -> frozenset[str]:
    """The names ``source`` binds to a secret's getter (``x = keyring.get_password(…)``,
    ``a, b = input("user"), getpass()``, ``a = b = getpass()``, ``(pw := getpass())``),
    each source read once."""
    names: set[str] = set()
    if not any(word in source for word in GETTER_WORDS):
        return frozenset()
    for targets, value in _ASSIGNED.findall(source):
        bound = [t.strip() for t in targets.strip("() \t").split(",") if t.strip()]
        if len(bound) == 1:  # a = b = getpass(): each target of the chain
            while (chained := _CHAINED.match(value)) is not None:
                bound.append(chained[1])
                value = value[chained.end() :]
            if is_getter(value):
                names.update(bound)
            continue
        values = _top_level_items(value)
        if len(values) == len(bound):
            names.update(n for n, v in zip(bound, values, strict=True) if is_getter(v))
    names.update(name for name, value in _WALRUS.findall(source) if is_getter(value))
    return frozenset(names)


def _top_level_items(value: str) -> list[str]:
    """``input("user"), getpass()`` (or the same in parentheses): the items of a tuple,
    split at its top-level commas only."""
    text = value.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    items, depth, start, quote = [], 0, 0, ""
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item for item in items if item.strip()]
