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
holds no secret, only a slow digest of them (:func:`secrets_digest`) salted by the
store's own random salt (a ``salt:`` row of the same table, made by the first pass with
secrets: a store of before gets one, and that pass runs once more). The pass
makes no title again (a model title would send old first messages to a newly
configured provider that nobody asked to read them): it hides, nothing more.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import secrets
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


def configuration_key(redact_secrets: bool, patterns: Collection[str]) -> str:
    """The key recorded for a title redaction configuration without secrets (a digest
    of it and of the release's redaction rules: a release that hides more redacts the
    stored titles once more); :meth:`TitleRedaction.key_for` adds the secrets'."""
    parts: list[object] = [bool(redact_secrets), sorted(set(patterns)), rules_digest()]
    body = json.dumps(parts)
    return hashlib.sha256(body.encode()).hexdigest()[:32]


# scrypt's cost: ~10 ms once per start with secrets configured (cached per process).
_SCRYPT_N, _SCRYPT_R = 2**12, 8
# The store's own random salt is recorded in title_redactions under this prefix (made
# by the first pass with secrets configured; stores of before had a fixed salt: their
# keys with secrets do not match once, so that pass runs once more).
SALT_PREFIX = "salt:"


@functools.lru_cache(maxsize=4)
def secrets_digest(secrets: tuple[str, ...], salt: str) -> str:
    """A digest of configured secrets' values, slow to compute (scrypt, with the store's
    ``salt``): recorded in the store within the configuration's key, it makes trying
    candidates for a weak key costly (~10 ms each, per store) instead of ~1 us."""
    body = json.dumps(list(secrets)).encode()
    return hashlib.scrypt(body, salt=salt.encode(), n=_SCRYPT_N, r=_SCRYPT_R, p=1, dklen=16).hex()


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
    configuration without its ``secrets`` (:func:`configuration_key`), :meth:`key_for`
    with them."""

    redact: Callable[[str], str]
    key: str
    secrets: tuple[str, ...] = ()

    @classmethod
    def of(cls, policy: ContextPolicy) -> TitleRedaction:
        """The title redaction of a server's context policy."""
        key = configuration_key(policy.redact_secrets, policy.redact_patterns)
        # Hidden by exact value even with redaction off.
        secrets = tuple(sorted({*policy.exact, *policy.prefixed}))
        return cls(policy.redactor().text, key, secrets)

    def key_for(self, salt: str | None) -> str | None:
        """The key recorded in a store of ``salt`` (None: a store without one yet has
        no key with secrets); a configuration without secrets keeps the key it had."""
        if not self.secrets:
            return self.key
        if salt is None:
            return None
        body = json.dumps([self.key, secrets_digest(self.secrets, salt)])
        return hashlib.sha256(body.encode()).hexdigest()[:32]


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
        key = titles.key_for(await conn.run_sync(_salt))
        if key is not None and await conn.run_sync(_applied, key):
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


def _salt(conn: Connection) -> str | None:
    """The store's salt of secrets' digests (None before the first pass with secrets)."""
    column = title_redactions.c.policy
    found = conn.execute(select(column).where(column.startswith(SALT_PREFIX)).limit(1))
    row = found.first()
    return None if row is None else str(row[0]).removeprefix(SALT_PREFIX)


def _apply(conn: Connection, titles: TitleRedaction) -> None:
    if conn.dialect.name == "postgresql":
        # As migrations: two servers starting at once queue here, the second finds it done.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    salt = _salt(conn)
    key = titles.key_for(salt)
    if key is None:
        # This store's own, random (under the write lock: one per store).
        salt = secrets.token_hex(16)
        row = {"policy": SALT_PREFIX + salt, "applied_us": now_us()}
        conn.execute(insert(title_redactions).values(**row))
        key = titles.key_for(salt)
    assert key is not None
    if _applied(conn, key):
        return
    redact_stored_titles(conn, titles.redact)
    conn.execute(insert(title_redactions).values(policy=key, applied_us=now_us()))
