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

# A right-hand side that returns a secret whatever it is asked for: a prompt for one, or a
# secret store's getter (keyring, Databricks ``dbutils.secrets``, AWS Secrets Manager, Azure
# Key Vault, Google Secret Manager, HashiCorp Vault, Colab ``userdata``, Streamlit
# ``st.secrets``, Airflow's ``get_connection(...).password``). Python's own ``secrets``
# module (``secrets.token_hex(16)``) makes a new random value, a nonce or an id as often
# as a password, and reads no credential kept anywhere: not one.
_GETTER = lazy_compile(
    r"(?:(?:getpass\.)?getpass[ \t]*\("
    r"|input[ \t]*\([ \t]*[rRuU]?['\"][^'\"\n]{0,80}?"
    r"(?:pass|secret|token|api[ _-]?key|\bpin\b|\botp\b|credential)[^'\"\n]{0,80}['\"]"
    r"|(?:[A-Za-z_][\w.]*\.)?(?:keyring\.get_password|secrets\.get|userdata\.get)[ \t]*\("
    r"|(?:[A-Za-z_][\w.]*\.)?(?:get_secret(?:_value|_version)?|access_secret_version"
    r"|read_secret(?:_version)?|get_password)[ \t]*\("
    r"|(?:[A-Za-z_][\w.]*\.)?secrets[ \t]*\[|st\.secrets\.[A-Za-z_]"
    r"|(?:[A-Za-z_][\w.]*\.)?get_connection[ \t]*\([^()\n]{0,120}\)[ \t]*\.password\b)",
    re.IGNORECASE,
)
# A getter of a value by its name (the environment, Airflow's ``Variable``): a secret when
# the name is one (``os.getenv("DB_PASSWORD")``, not ``os.getenv("HOME")``).
_NAMED_GETTER = lazy_compile(
    r"(?:os\.)?(?:getenv[ \t]*\(|environ(?:\.get[ \t]*\(|[ \t]*\[)|Variable\.get[ \t]*\()"
    r"[ \t]*(?:key[ \t]*=[ \t]*)?[rRuU]?['\"]([^'\"\n]{1,120})['\"]"
)
# An assignment: its targets (a name, or names unpacked) and its right-hand side.
_ASSIGNED = lazy_compile(
    r"^[ \t]*(\(?[ \t]*[A-Za-z_][A-Za-z0-9_]*(?:[ \t]*,[ \t]*[A-Za-z_][A-Za-z0-9_]*){0,7}"
    r"[ \t]*,?[ \t]*\)?)[ \t]*(?::[^=\n]{1,80})?=(?!=)[ \t]*([^\n]{1,400})",
    re.MULTILINE,
)
GETTER_WORDS = (
    "getpass", "input", "secret", "keyring", "userdata", "environ", "getenv", "Variable",
    "get_password", "get_connection",
)  # fmt: skip


def is_getter(value: str) -> bool:
    """True for a right-hand side that returns a secret: a prompt for one, a store's
    getter, or the environment's (or Airflow's) value under a secret's name."""
    value = value.strip()
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
    ``a, b = input("user"), getpass()``), each source read once."""
    names: set[str] = set()
    if not any(word in source for word in GETTER_WORDS):
        return frozenset()
    for targets, value in _ASSIGNED.findall(source):
        bound = [t.strip() for t in targets.strip("() \t").split(",") if t.strip()]
        values = _top_level_items(value) if len(bound) > 1 else [value]
        if len(values) == len(bound):
            names.update(n for n, v in zip(bound, values, strict=True) if is_getter(v))
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
