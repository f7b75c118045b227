"""Names the shell's history shows holding a secret, whatever they are called.

``tok = getpass.getpass()``, ``pw = input("Password: ")``: a name bound to a typed secret.
``x`` of ``connect(host, user, x)``, ``HTTPBasicAuth(u, x)`` or ``password = x``: a name
passed where a credential goes. Read from the sources of the shell's last cells (``_ih``),
each once (a cell's text never changes).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..context_policy.environ import is_env_allowed
from ..context_policy.lazy_patterns import lazy_compile
from ..context_policy.names import is_secret_name, unnumbered
from ..context_policy.values import aliases

# The shell's own history (``In``/``_ih``, ``Out``/``_oh``, ``_dh``): sources and results
# of cells, read by the policy where they show, never the value of a name in them.
HISTORY_NAMES = ("_ih", "_oh", "_dh")
# ``tok = getpass.getpass()``, ``pw = input("Password: ")``, ``x = keyring.get_password(
# "svc", "ana")``, ``a, b = input("user"), getpass()``: a name the shell's history binds to
# a typed secret, or to one read from a secret store, holds one, whatever it is called.
# (Read from the sources of the last PROMPT_CELLS cells, each up to PROMPT_SOURCE_CHARS.)
# An assignment: its targets (a name, or names unpacked) and its right-hand side.
_ASSIGNED = lazy_compile(
    r"^[ \t]*(\(?[ \t]*[A-Za-z_][A-Za-z0-9_]*(?:[ \t]*,[ \t]*[A-Za-z_][A-Za-z0-9_]*){0,7}"
    r"[ \t]*,?[ \t]*\)?)[ \t]*(?::[^=\n]{1,80})?=(?!=)[ \t]*([^\n]{1,400})",
    re.MULTILINE,
)
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
_GETTER_WORDS = (
    "getpass", "input", "secret", "keyring", "userdata", "environ", "getenv", "Variable",
    "get_password", "get_connection",
)  # fmt: skip
PROMPT_CELLS = 2_000
PROMPT_SOURCE_CHARS = 20_000


def prompted_names(items: list[tuple[Any, Any]]) -> set[str]:
    """Names the shell's history (``_ih``) binds to what ``getpass``, a password prompt
    or a secret store's getter returned."""
    names: set[str] = set()
    for source in _cell_sources(items):
        if type(source) is str and any(word in source for word in _GETTER_WORDS):
            names.update(_prompted_in(source[:PROMPT_SOURCE_CHARS]))
    return names


@functools.lru_cache(maxsize=PROMPT_CELLS)
def _prompted_in(source: str) -> frozenset[str]:
    """The names one cell's source binds to a secret's getter (each cell read once)."""
    names: set[str] = set()
    for targets, value in _ASSIGNED.findall(source):
        bound = [t.strip() for t in targets.strip("() \t").split(",") if t.strip()]
        values = _top_level_items(value) if len(bound) > 1 else [value]
        if len(values) == len(bound):
            names.update(n for n, v in zip(bound, values, strict=True) if _is_getter(v))
    return frozenset(names)


def _is_getter(value: str) -> bool:
    """True for a right-hand side that returns a secret: a prompt for one, a store's
    getter, or the environment's (or Airflow's) value under a secret's name."""
    value = value.strip()
    if _GETTER.match(value) is not None:
        return True
    named = _NAMED_GETTER.match(value)
    if named is None:
        return False
    key = named[1]
    return is_secret_name(unnumbered(key)) and not is_env_allowed(key)


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


def credential_names(items: list[tuple[Any, Any]]) -> set[str]:
    """Names the shell's history passes where a credential goes, or sets a secret-named
    one from, whatever they are called: ``x`` of ``connect(host, user, x)``,
    ``HTTPBasicAuth(u, x)``, ``f"{u}:{x}@db"`` or ``password = x`` (context_policy.flows
    and values.aliases, the rules that hide such a literal in the same text)."""
    names: set[str] = set()
    for source in _cell_sources(items):
        if type(source) is str:
            names.update(_aliases_in(source[:PROMPT_SOURCE_CHARS]))
    return names


def _cell_sources(items: list[tuple[Any, Any]]) -> list[Any]:
    """The sources of the shell's last PROMPT_CELLS cells (its ``_ih``), or none."""
    sources = next((v for n, v in items if type(n) is str and n == "_ih"), None)
    return sources[-PROMPT_CELLS:] if type(sources) is list else []


@functools.lru_cache(maxsize=PROMPT_CELLS)
def _aliases_in(source: str) -> frozenset[str]:
    """:func:`aliases` of one cell's source, kept: a cell's text never changes, so each
    is read once however often the namespace is walked."""
    return aliases(source)
