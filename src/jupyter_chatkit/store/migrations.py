"""Versioned schema migrations, applied when a store is opened.

Each :class:`Migration` is a frozen step: once released it never changes, because a
database created by it may exist somewhere. Its DDL is therefore written out here in
full (not borrowed from :mod:`.schema`, which describes only the latest shape). The
``schema_version`` table records one row per applied step.

:func:`migrate` runs every pending step in one transaction. Two processes opening the
same database at once (the Jupyter server and a kernel sharing the SQLite file) are
serialised: SQLite by ``BEGIN IMMEDIATE``, PostgreSQL by a transaction-scoped advisory
lock; the second one then finds nothing left to do.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import TypeEngine

from .engine import SQLITE_BUSY_TIMEOUT_MS, write_within
from .notebooks import notebook_path
from .schema import now_us, schema_version

logger = logging.getLogger(__name__)

# Arbitrary constant key ("jchatkit" in ASCII) for pg_advisory_xact_lock.
_PG_LOCK_KEY = 0x6A63686174_6B6974


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply`` runs inside the migration transaction."""

    version: int
    description: str
    apply: Callable[[Connection], None]
    # Expand-only: adds tables, nullable (or defaulted) columns or indexes, and drops or
    # renames nothing an earlier release reads or writes. Servers still running the
    # previous release keep working on a database migrated by this step (see README,
    # "Upgrading a shared database"); it is recorded with ADDITIVE_MARK.
    additive: bool = False

    @property
    def recorded_description(self) -> str:
        """The description as written to ``schema_version`` (marked when additive)."""
        return f"{ADDITIVE_MARK}{self.description}" if self.additive else self.description


# Older releases read this mark on steps newer than themselves: a newer schema whose every
# unknown step carries it is safe to keep using.
ADDITIVE_MARK = "[additive] "


def _seq_type() -> TypeEngine[int]:
    return BigInteger().with_variant(Integer(), "sqlite")


def _v1_core(conn: Connection) -> None:
    """Threads, items and attachments: what ChatKit's Store contract needs."""
    md = MetaData()
    Table(
        "threads",
        md,
        Column("seq", _seq_type(), primary_key=True, autoincrement=True),
        Column("id", String, nullable=False, unique=True),
        Column("user_id", String, nullable=False),
        Column("created_us", BigInteger, nullable=False),
        Column("updated_us", BigInteger, nullable=False),
        Column("title", Text, nullable=True),
        Column("payload", Text, nullable=False),
        Index("ix_threads_user_order", "user_id", "created_us", "seq"),
        sqlite_autoincrement=True,
    )
    Table(
        "items",
        md,
        Column("seq", _seq_type(), primary_key=True, autoincrement=True),
        Column("thread_id", String, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
        Column("id", String, nullable=False),
        Column("user_id", String, nullable=False),
        Column("type", String, nullable=False),
        Column("created_us", BigInteger, nullable=False),
        Column("payload", Text, nullable=False),
        UniqueConstraint("thread_id", "id", name="uq_items_thread_item"),
        Index("ix_items_thread_order", "thread_id", "created_us", "seq"),
        sqlite_autoincrement=True,
    )
    Table(
        "attachments",
        md,
        Column("id", String, primary_key=True),
        Column("user_id", String, nullable=False),
        Column("thread_id", String, ForeignKey("threads.id", ondelete="CASCADE"), nullable=True),
        Column("name", Text, nullable=False),
        Column("mime_type", Text, nullable=False),
        Column("declared_size", BigInteger, nullable=True),
        Column("payload", Text, nullable=False),
        Column("data", LargeBinary, nullable=True),
        Column("created_us", BigInteger, nullable=False),
        Column("uploaded_us", BigInteger, nullable=True),
        Index("ix_attachments_thread", "thread_id"),
        Index("ix_attachments_user", "user_id"),
    )
    md.create_all(conn)


def _v2_feedback_and_tombstones(conn: Connection) -> None:
    """Item feedback, and tombstones so cursors naming deleted rows keep working."""
    md = MetaData()
    # Referenced tables, declared only so the foreign keys below resolve; not created.
    Table(
        "threads",
        md,
        Column("id", String, primary_key=True),
    )
    Table(
        "items",
        md,
        Column("thread_id", String, primary_key=True),
        Column("id", String, primary_key=True),
    )
    created = [
        Table(
            "feedback",
            md,
            Column("thread_id", String, primary_key=True),
            Column("item_id", String, primary_key=True),
            Column("user_id", String, nullable=False),
            Column("kind", String, nullable=False),
            Column("updated_us", BigInteger, nullable=False),
            ForeignKeyConstraint(
                ["thread_id", "item_id"],
                ["items.thread_id", "items.id"],
                ondelete="CASCADE",
                name="fk_feedback_item",
            ),
        ),
        Table(
            "item_tombstones",
            md,
            Column(
                "thread_id",
                String,
                ForeignKey("threads.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            Column("item_id", String, primary_key=True),
            Column("created_us", BigInteger, nullable=False),
            Column("seq", BigInteger, nullable=False),
        ),
        Table(
            "thread_tombstones",
            md,
            Column("user_id", String, primary_key=True),
            Column("thread_id", String, primary_key=True),
            Column("created_us", BigInteger, nullable=False),
            Column("seq", BigInteger, nullable=False),
        ),
    ]
    md.create_all(conn, tables=created)


def _v3_thread_turns(conn: Connection) -> None:
    """One turn at a time per thread, across processes: who holds it, until when."""
    md = MetaData()
    Table(
        "thread_turns",
        md,
        Column("thread_id", String, primary_key=True),
        Column("owner", String, nullable=False),
        Column("expires_us", BigInteger, nullable=False),
    ).create(conn)


def _v4_thread_notebook(conn: Connection) -> None:
    """Each thread's notebook as an indexed column, filled from the thread's metadata,
    and the server each new thread is made through (unknown for the existing ones)."""
    conn.execute(text("ALTER TABLE threads ADD COLUMN notebook TEXT"))
    conn.execute(text("ALTER TABLE threads ADD COLUMN server TEXT"))
    conn.execute(
        text(
            "CREATE INDEX ix_threads_user_notebook_order "
            "ON threads (user_id, notebook, created_us, seq)"
        )
    )
    conn.execute(text("CREATE INDEX ix_threads_server_notebook ON threads (server, notebook)"))
    # Only rows that can name a notebook are read; the JSON is parsed here, not by the
    # database, so one unreadable payload cannot fail the whole migration.
    rows = conn.execute(
        text("SELECT seq, payload FROM threads WHERE payload LIKE :mark"),
        {"mark": '%"notebook"%'},
    ).all()
    updates = []
    for seq, payload in rows:
        try:
            meta = json.loads(payload).get("metadata")
        except (ValueError, AttributeError):
            continue
        # The store's one rule for notebook paths: the backfill indexes what it would.
        notebook = notebook_path(meta.get("notebook")) if isinstance(meta, dict) else None
        if notebook is not None:
            updates.append({"b_seq": seq, "b_notebook": notebook})
    if updates:
        conn.execute(text("UPDATE threads SET notebook = :b_notebook WHERE seq = :b_seq"), updates)


def _v5_redacted_titles(conn: Connection) -> None:
    """Thread titles passed through the context policy's text redaction, once.

    Titles made before they passed the policy (73bad69) may hold a secret verbatim: the
    first words of a message with a pasted key. Each stored title (the column, and the
    ``"title"`` of the thread's JSON) is redacted by the default rules of the release
    that runs this step (a server's configured rules follow: :mod:`.title_redaction`);
    only titles that change are rewritten, and nothing else in the row (the payload's
    other text stays as it was, byte for byte). Redacting a redacted title changes
    nothing, so the step is idempotent even outside the version table.
    """
    redact_stored_titles(conn, _redacted)


# A row's title written only if the row is still as read: on PostgreSQL nothing locks
# the rows read, and another server's write of a thread meanwhile must stay.
_TITLE_REDACTED = text(
    "UPDATE threads SET title = :b_title, payload = :b_payload"
    " WHERE seq = :b_seq AND payload = :b_read"
)


def redact_stored_titles(conn: Connection, redact: Callable[[str], str]) -> None:
    """Every stored thread title (column and payload) passed through ``redact``; only
    the rows whose title changes are written, nothing else in them. A row another
    process wrote between the read and the write is read and redacted again."""
    rows = conn.execute(text("SELECT seq, title, payload FROM threads")).all()
    redacted = 0
    while rows:
        changed = []
        for seq, title, payload in rows:
            new_title = redact(title) if isinstance(title, str) else title
            new_payload = _payload_title_redacted(payload, redact)
            if new_title != title or new_payload != payload:
                values = {"b_title": new_title, "b_payload": new_payload, "b_read": payload}
                if conn.execute(_TITLE_REDACTED, {"b_seq": seq, **values}).rowcount:
                    redacted += 1
                else:
                    changed.append(seq)
        rows = (
            conn.execute(
                text("SELECT seq, title, payload FROM threads WHERE seq IN :seqs").bindparams(
                    bindparam("seqs", expanding=True)
                ),
                {"seqs": changed},
            ).all()
            if changed
            else []
        )
    if redacted:
        logger.info("jupyter-chatkit store: %d thread title(s) redacted", redacted)


def _redacted(title: str) -> str:
    from ..context_policy import Redactor

    return Redactor().text(title)


def _payload_title_redacted(payload: str, redact: Callable[[str], str]) -> str:
    """``payload`` with its top-level ``"title"`` redacted; an unreadable payload, or one
    whose title holds nothing to hide, is returned as it is."""
    try:
        meta = json.loads(payload)
    except ValueError:
        return payload
    title = meta.get("title") if isinstance(meta, dict) else None
    if not isinstance(title, str):
        return payload
    new = redact(title)
    if new == title:
        return payload
    # The stored JSON is compact (pydantic's dump): the title's own text is replaced where
    # it stands, so the rest of the payload keeps its exact text.
    old_field = '"title":' + json.dumps(title, ensure_ascii=False)
    if payload.count(old_field) == 1:
        return payload.replace(old_field, '"title":' + json.dumps(new, ensure_ascii=False))
    meta["title"] = new
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":"))


# The key v5's pass had (title_redaction.configuration_key(True, ()) before keys held
# the rules' digest), written out: this step is frozen. No key of today's equals it, so
# a store upgraded through v6 has its titles redacted once by today's rules as it opens.
_DEFAULT_TITLE_POLICY = "cd4f4b3f8e224c5d08f5f6b27bf0d77a"


def _v6_title_redactions(conn: Connection) -> None:
    """The title redaction policies stored titles have passed (:mod:`.title_redaction`):
    v5's default rules so far."""
    md = MetaData()
    table = Table(
        "title_redactions",
        md,
        Column("policy", String, primary_key=True),
        Column("applied_us", BigInteger, nullable=False),
    )
    md.create_all(conn)
    conn.execute(insert(table).values(policy=_DEFAULT_TITLE_POLICY, applied_us=now_us()))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "threads, items and attachments", _v1_core),
    Migration(2, "item feedback; tombstones for deleted cursors", _v2_feedback_and_tombstones),
    Migration(3, "per-thread turn leases", _v3_thread_turns),
    Migration(4, "threads.notebook, indexed per user", _v4_thread_notebook, additive=True),
    Migration(5, "thread titles redacted", _v5_redacted_titles, additive=True),
    Migration(6, "title redaction policies recorded", _v6_title_redactions, additive=True),
)
"""Every schema step, oldest first. Append only."""

LATEST_VERSION: int = MIGRATIONS[-1].version


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer jupyter-chatkit than this one."""


async def migrate(
    engine: AsyncEngine,
    *,
    target: int = LATEST_VERSION,
    lock_timeout: float = SQLITE_BUSY_TIMEOUT_MS / 1000,
) -> int:
    """Apply pending migrations up to ``target``; return the schema version now in place.

    Idempotent and safe to call from several processes at once. A database already at
    ``target`` is only read: no write lock is taken, so a store opens while another
    process holds it (a kernel writing, a backup). Steps to apply wait at most
    ``lock_timeout`` seconds for another process's lock, then
    :class:`~.engine.StoreBusyError` with nothing applied.
    """
    if not 0 <= target <= LATEST_VERSION:
        raise ValueError(f"target version must be between 0 and {LATEST_VERSION}")
    async with engine.connect() as conn:
        version = await conn.run_sync(_version_if_current, target)
    if version is not None:
        return version
    async with write_within(engine, lock_timeout) as conn:
        return await conn.run_sync(_migrate, target)


async def current_version(engine: AsyncEngine) -> int:
    """The schema version recorded in the database (0 when it has none)."""
    async with engine.connect() as conn:
        return await conn.run_sync(_read_version)


def _read_version(conn: Connection) -> int:
    if not conn.dialect.has_table(conn, schema_version.name):
        return 0
    return int(conn.execute(select(func.max(schema_version.c.version))).scalar() or 0)


def _version_if_current(conn: Connection, target: int) -> int | None:
    """The schema version when no step up to ``target`` is pending, else None."""
    current = _read_version(conn)
    if current < target:
        return None
    if current > LATEST_VERSION:
        _check_newer_schema(conn, current)
    return current


def _migrate(conn: Connection, target: int) -> int:
    if conn.dialect.name == "postgresql":
        # Held until commit: concurrent openers queue here instead of racing on DDL.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    schema_version.create(conn, checkfirst=True)
    current = _read_version(conn)
    if current > LATEST_VERSION:
        _check_newer_schema(conn, current)
        return current
    for step in MIGRATIONS:
        if current < step.version <= target:
            logger.info(
                "jupyter-chatkit store: migrating to v%d (%s)", step.version, step.description
            )
            step.apply(conn)
            conn.execute(
                insert(schema_version).values(
                    version=step.version,
                    description=step.recorded_description,
                    applied_us=now_us(),
                )
            )
    return max(current, target)


def _check_newer_schema(conn: Connection, current: int) -> None:
    """A newer release migrated the database: keep working only if it only added to it."""
    newer = conn.execute(
        select(schema_version.c.version, schema_version.c.description).where(
            schema_version.c.version > LATEST_VERSION
        )
    ).all()
    if any(not str(row.description or "").startswith(ADDITIVE_MARK) for row in newer):
        raise SchemaTooNewError(
            f"the chat database has schema version {current}, but this jupyter-chatkit "
            f"knows only up to {LATEST_VERSION}; upgrade jupyter-chatkit"
        )
    logger.warning(
        "jupyter-chatkit store: schema v%d is newer than this release (v%d) and only adds "
        "to it; continuing. Upgrade jupyter-chatkit on every server soon.",
        current,
        LATEST_VERSION,
    )
