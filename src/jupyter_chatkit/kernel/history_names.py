"""Names the shell's history shows holding a secret, whatever they are called.

``tok = getpass.getpass()``, ``pw = input("Password: ")``: a name bound to a typed secret.
``x`` of ``connect(host, user, x)``, ``HTTPBasicAuth(u, x)`` or ``password = x``: a name
passed where a credential goes. Read from the sources of the shell's last cells (``_ih``),
each once (a cell's text never changes).
"""

from __future__ import annotations

import functools
from typing import Any

from ..context_policy.getters import GETTER_WORDS, bound_to_getters
from ..context_policy.values import aliases

# The shell's own history (``In``/``_ih``, ``Out``/``_oh``, ``_dh``): sources and results
# of cells, read by the policy where they show, never the value of a name in them.
HISTORY_NAMES = ("_ih", "_oh", "_dh")
# ``tok = getpass.getpass()``, ``pw = input("Password: ")``, ``x = keyring.get_password(
# "svc", "ana")``, ``a, b = input("user"), getpass()``: a name the shell's history binds to
# a typed secret, or to one read from a secret store, holds one, whatever it is called.
# (Read from the sources of the last PROMPT_CELLS cells, each up to PROMPT_SOURCE_CHARS.)
PROMPT_CELLS = 2_000
PROMPT_SOURCE_CHARS = 20_000


def prompted_names(items: list[tuple[Any, Any]]) -> set[str]:
    """Names the shell's history (``_ih``) binds to what ``getpass``, a password prompt
    or a secret store's getter returned."""
    names: set[str] = set()
    for source in _cell_sources(items):
        if type(source) is str and any(word in source for word in GETTER_WORDS):
            names.update(bound_to_getters(source[:PROMPT_SOURCE_CHARS]))
    return names


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
