"""Stored thread titles redacted by the server's configured context policy, once.

Titles pass the context policy when they are made. Older ones were redacted by
migration v5 with the default rules only: a server configured with secret patterns of
its own (``redact_patterns``) kept a title holding such a secret as it was. So opening
the store (:func:`~.sql.open_store`) for an assistant redacts every stored title with
the configured policy (:class:`TitleRedaction`), once per configuration: the
``title_redactions`` table records the key of each configuration applied (whether
redaction is on, the patterns, the release's table of rules, a slow digest of the
configured secrets; no secret in it), and a start whose key is recorded only reads it.
A release whose rules hide more (a new kind of credential) so redacts the stored titles
once more.

The configured secrets' values (the API key, a provider URL's password, MCP servers'
secrets) are hidden by their exact value, and a change of them runs the pass again: a
key pasted into a first message before the server was given it stays in that title
otherwise, when its shape is one the default rules do not know (an Azure OpenAI key is
32 hex digits), and a reply hides it only while it is configured. The key recorded
holds no secret, only a slow salted digest of them (:func:`secrets_digest`). The pass
makes no title again (a model title would send old first messages to a newly
configured provider that nobody asked to read them): it hides, nothing more.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from .engine import StoreBusyError, write_within
from .migrations import _PG_LOCK_KEY, redact_stored_titles
from .schema import now_us, title_redactions

if TYPE_CHECKING:
    from ..context_policy import ContextPolicy

log = logging.getLogger("jupyter_chatkit")
# The longest a start waits for the write lock to redact stored titles (seconds).
PASS_WAIT = 0.2


def configuration_key(
    redact_secrets: bool, patterns: Collection[str], secrets: Collection[str] = ()
) -> str:
    """The key recorded for a title redaction configuration (a digest of it, of the
    release's redaction rules: a release that hides more redacts the stored titles once
    more, and of the configured ``secrets``' values: a new key is hidden in them too)."""
    parts: list[object] = [bool(redact_secrets), sorted(set(patterns)), rules_digest()]
    if secrets:
        # Only when there are any: a configuration without keeps the key it had.
        parts.append(secrets_digest(tuple(sorted(set(secrets)))))
    body = json.dumps(parts)
    return hashlib.sha256(body.encode()).hexdigest()[:32]


# scrypt's cost: ~10 ms once per start with secrets configured (cached per process).
_SCRYPT_N, _SCRYPT_R = 2**12, 8
_SALT = b"jupyter-chatkit stored title redaction"


@functools.lru_cache(maxsize=4)
def secrets_digest(secrets: tuple[str, ...]) -> str:
    """A digest of configured secrets' values, slow to compute (scrypt, salted):
    recorded in the store within the configuration's key, it makes trying candidates
    for a weak key costly (~10 ms each) instead of ~1 us."""
    body = json.dumps(list(secrets)).encode()
    return hashlib.scrypt(body, salt=_SALT, n=_SCRYPT_N, r=_SCRYPT_R, p=1, dklen=16).hex()


@functools.cache
def rules_digest() -> str:
    """A digest of the context policy's table of rules (:func:`..context_policy.rules.
    rules_dict`, the one Python and the page share)."""
    from ..context_policy.rules import rules_dict

    body = json.dumps(rules_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class TitleRedaction:
    """How stored titles are redacted: ``redact`` a title; ``key`` names the
    configuration (:func:`configuration_key`)."""

    redact: Callable[[str], str]
    key: str

    @classmethod
    def of(cls, policy: ContextPolicy) -> TitleRedaction:
        """The title redaction of a server's context policy."""
        key = configuration_key(
            policy.redact_secrets,
            policy.redact_patterns,
            # Hidden by exact value even with redaction off.
            (*policy.exact, *policy.prefixed),
        )
        return cls(policy.redactor().text, key)


async def redact_titles_once(
    engine: AsyncEngine, titles: TitleRedaction, lock_timeout: float
) -> bool:
    """Redact every stored title with ``titles`` unless its configuration was applied
    already (then only one read); False when it is still owed.

    A start does not wait for the pass: when another process holds the write lock (a
    kernel's answer being saved, another server's pass) for more than
    :data:`PASS_WAIT` (or ``lock_timeout``, if shorter), nothing is written and the next
    start does it.
    """
    async with engine.connect() as conn:
        if await conn.run_sync(_applied, titles.key):
            return True
    try:
        async with write_within(engine, min(lock_timeout, PASS_WAIT)) as conn:
            await conn.run_sync(_apply, titles)
    except StoreBusyError:
        log.info("Stored conversation titles are redacted at the next start: the store is busy")
        return False
    return True


def _applied(conn: Connection, key: str) -> bool:
    found = conn.execute(select(title_redactions.c.policy).where(title_redactions.c.policy == key))
    return found.first() is not None


def _apply(conn: Connection, titles: TitleRedaction) -> None:
    if conn.dialect.name == "postgresql":
        # As migrations: two servers starting at once queue here, the second finds it done.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    if _applied(conn, titles.key):
        return
    redact_stored_titles(conn, titles.redact)
    conn.execute(insert(title_redactions).values(policy=titles.key, applied_us=now_us()))
