"""What a :class:`~.redact.Redactor`'s settings compile to: the rules' patterns, the
configured and known values sorted and their patterns, and the memo of ``text()``
results that redactors of the same settings share. Kept per settings: a redactor is
made for every message and tool result.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import rules
from .escaped import anchor, escaped_forms
from .keyforms import encoded_key_pattern
from .late_rules import LATE_RULES
from .lazy_patterns import any_of, lazy_compile, trie
from .spread import Spread, spread_pattern
from .values import looks_random

# Configured values are hidden however short, above this floor (shorter ones would
# replace pieces of ordinary words); the same floor as assistant/scrub.py.
MIN_EXACT_CHARS = 4

# Configured keys this long are also hidden when only their first PREFIX_CHARS show.
MIN_PREFIX_KEY = 20
PREFIX_CHARS = 12
# Configured and known values this long are also hidden when up to CORE_CUT characters
# at either end are cut off or changed (``key[:-2]``, ``pw[1:]``, a last character
# mistyped): what is left, their middle, still shows most of the secret.
MIN_CORE_SECRET = 12
CORE_CUT = 3

_LATE_KINDS = frozenset(str(r["kind"]) for r in LATE_RULES)


@dataclass(frozen=True)
class ValueRule:
    """One rule of :data:`.rules.VALUE_RULES`, compiled."""

    kind: str
    pattern: re.Pattern[str]
    group: int
    # Empty: tried on every text.
    triggers: tuple[str, ...]
    min_distinct: int
    random: bool
    password: bool
    # Shaped like a password, not like a user's name (``ada1990smith2024``).
    user_password: bool
    # Shaped like a password with no name beside it (``('ada', 'Kx8mP2qZ9vL4')``).
    pair_password: bool
    trigger_rx: re.Pattern[str] | None
    min_text: int
    # A cheap scan the text must pass first (an untriggered rule's pre-check), or None.
    prefilter: re.Pattern[str] | None
    # The pattern finds a heredoc's head; heredoc.py finds its body.
    heredoc: bool = False
    # The name in the match's first "…" must be a secret's (names.is_secret_name), as the
    # name rules judge one: ``variable "db_password"``, not ``"password_policy"``.
    secret_name: bool = False


@dataclass(frozen=True)
class Compiled:
    """The value rules and assignment patterns, with a site's extra patterns."""

    value_rules: tuple[ValueRule, ...]
    untriggered: tuple[ValueRule, ...]
    # Read after all the others, and again after the name rules (late_rules.py).
    late: tuple[ValueRule, ...]
    quoted: re.Pattern[str]
    bare: re.Pattern[str]
    inline: re.Pattern[str]
    extra: tuple[re.Pattern[str], ...]


def _flags(text: str) -> int:
    return re.IGNORECASE if "i" in text else 0


@functools.lru_cache(maxsize=16)
def compile_rules(extra: tuple[str, ...]) -> Compiled:
    """The rules compiled, with ``extra`` (a site's patterns; broken ones skipped)."""
    value_rules = tuple(
        ValueRule(
            str(r["kind"]),
            lazy_compile(r["pattern"], _flags(r["flags"])),
            int(r["group"]),
            tuple(r["triggers"]),
            int(r.get("min_distinct", 0)),
            r.get("check") == "random",
            r.get("check") == "password",
            r.get("check") == "user password",
            r.get("check") == "pair password",
            any_of(r["triggers"]) if r["triggers"] else None,
            int(r.get("min_text", 0)),
            lazy_compile(r["prefilter"]) if r.get("prefilter") else None,
            bool(r.get("heredoc")),
            r.get("check") == "secret name",
        )
        for r in rules.VALUE_RULES
    )
    compiled_extra = []
    for pattern in extra:
        try:
            compiled_extra.append(re.compile(pattern))
        except re.error:
            # A broken site pattern must not switch redaction off; it is skipped.
            continue
    return Compiled(
        value_rules=value_rules,
        untriggered=tuple(r for r in value_rules if r.trigger_rx is None),
        late=tuple(r for r in value_rules if r.kind in _LATE_KINDS),
        quoted=lazy_compile(rules.QUOTED_ASSIGNMENT),
        bare=lazy_compile(rules.BARE_ASSIGNMENT, re.MULTILINE),
        inline=lazy_compile(rules.INLINE_ASSIGNMENT),
        extra=tuple(compiled_extra),
    )


def cores_pattern(secrets: Iterable[str], heads: bool = False) -> re.Pattern[str] | None:
    """A pattern finding the secrets of MIN_CORE_SECRET+ characters with up to CORE_CUT
    characters cut or changed at either end: their middle, with what stands beside it
    in the same word (a trie of the middles: one scan, however many secrets).

    ``heads``: also a random-looking secret of MIN_PREFIX_KEY+ characters shown cut short
    (a preview's first 40 characters, ``tok[:30]``): its first PREFIX_CHARS characters
    with the rest of their word, as for configured keys.
    """
    secrets = list(secrets)
    word = r"[^\s'\"`,;«»()\[\]{}<>]"
    parts = []
    middles = sorted({s[CORE_CUT:-CORE_CUT] for s in secrets if len(s) >= MIN_CORE_SECRET})
    if middles:
        parts.append(f"{word}{{0,{CORE_CUT}}}(?:{trie(middles)}){word}{{0,{CORE_CUT}}}")
    if heads and (
        firsts := sorted(
            {s[:PREFIX_CHARS] for s in secrets if len(s) >= MIN_PREFIX_KEY and looks_random(s)}
        )
    ):
        parts.append(f"(?:{trie(firsts)}){word}*")
    return re.compile("|".join(parts)) if parts else None


# Strings up to this long are remembered with what text() made of them, up to this many
# per settings (then forgotten at once), for the last four settings (at most ~16 MB).
MEMO_CHARS = 2_000
MEMO_ENTRIES = 1_024


@functools.lru_cache(maxsize=4)
def text_memo(settings: tuple[Any, ...]) -> dict[str, tuple[str, int]]:
    """The memo of ``text()`` results shared by the redactors of ``settings``."""
    return {}


@dataclass(frozen=True)
class Prepared:
    """What a redactor's settings compile to (see :func:`prepare`)."""

    rx: Compiled
    exact: tuple[str, ...]
    known: tuple[str, ...]
    known_escaped: tuple[tuple[str, tuple[str, ...]], ...]
    prefixes: re.Pattern[str] | None
    cores: re.Pattern[str] | None
    known_cores: re.Pattern[str] | None
    # The keys whose prefixes hide them, looked for spread out (spread.py).
    spread: Spread | None
    # The key of the memo of text() results these settings share (see text_memo).
    memo_key: tuple[Any, ...]


def prepare(
    extra_patterns: tuple[str, ...],
    exact: tuple[str, ...],
    prefixed: tuple[str, ...],
    known: tuple[str, ...],
) -> Prepared:
    """The compiled form of a redactor's settings (its fields of the same names)."""
    values = (*exact, *prefixed)
    found = {s for s in values if isinstance(s, str) and len(s) >= MIN_EXACT_CHARS}
    # Longest first, so a key containing another key is removed whole.
    exact_sorted = tuple(sorted(found, key=len, reverse=True))
    seen = {s for s in known if isinstance(s, str) and len(s) >= MIN_EXACT_CHARS}
    # Reversed too (``print(token[::-1])``): no rule knows a value the kernel holds, and
    # its other forms (escaped, base64, hex, cut) are hidden as it is.
    seen |= {s[::-1] for s in seen}
    known_sorted = tuple(sorted(seen - found, key=len, reverse=True))
    # The same values shown escaped (``'pa\\'ss'`` in a repr, ``\\u00e9`` in JSON):
    # every such form holds a backslash, so texts without one skip them.
    # A secret's forms are looked for only in texts holding its anchor (its longest
    # run no escaping changes): one substring scan per secret, as for exact values.
    known_escaped = tuple(
        (anchor(secret), forms)
        for secret in known_sorted
        if (forms := tuple(f for f in escaped_forms(secret) if f not in seen))
    )
    # A configured key printed in part (``key[:20]``) is still most of it: its first
    # PREFIX_CHARS characters hide what follows them too.
    keys = {s for s in found if s in prefixed or looks_random(s)}
    # So do its last PREFIX_CHARS what precedes them (``...key[-30:]``, a Verbose
    # traceback's or reprlib's shortened value without its head).
    heads = sorted({s[:PREFIX_CHARS] for s in keys if len(s) >= MIN_PREFIX_KEY}, key=len)
    tails = sorted({s[-PREFIX_CHARS:] for s in keys if len(s) >= MIN_PREFIX_KEY}, key=len)
    # And their base32 and base85 encodings (keyforms.py), with the rest of their run.
    encoded = encoded_key_pattern(s for s in keys if len(s) >= MIN_PREFIX_KEY)
    prefixes = (
        re.compile(
            f"(?:{'|'.join(re.escape(h) for h in heads)})[A-Za-z0-9_+/=.~-]*"
            f"|(?<![A-Za-z0-9_+/=.~-])[A-Za-z0-9_+/=.~-]*?"
            f"(?:{'|'.join(re.escape(t) for t in tails)})" + (f"|{encoded}" if encoded else "")
        )
        if heads
        else None
    )
    return Prepared(
        rx=compile_rules(extra_patterns),
        exact=exact_sorted,
        known=known_sorted,
        known_escaped=known_escaped,
        prefixes=prefixes,
        cores=cores_pattern(exact_sorted),
        known_cores=cores_pattern(known_sorted, heads=True),
        spread=spread_pattern(keys, PREFIX_CHARS),
        memo_key=(extra_patterns, exact_sorted, known_sorted, prefixed),
    )


prepared = functools.lru_cache(maxsize=4)(prepare)
"""Kept :func:`prepare` (settings of plain ``str`` only: hashing runs no user code); a
few settings at a time: the server's policy, the kernel's, a kernel's known secrets."""
