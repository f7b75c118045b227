"""The tables the store queries, as they stand after the latest migration.

Queries use these :class:`~sqlalchemy.Table` objects; the DDL that creates them lives in
:mod:`.migrations` as frozen, versioned steps (a test checks the two agree).

Conventions shared by every table:

- Times are integers, microseconds since the Unix epoch (UTC). They sort and compare
  identically on SQLite and PostgreSQL, whether the datetime given was naive or aware.
- ``seq`` is an ever-increasing integer (SQLite AUTOINCREMENT, PostgreSQL identity), so
  ``(created_us, seq)`` is a total order even when many rows share a timestamp. It is
  never reused, which keeps tombstoned cursors unambiguous.
- ChatKit objects are stored whole as JSON text (``payload``); columns hold only what
  queries filter or sort on.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Column,
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
)

# SQLite only auto-assigns integer keys to a column declared exactly INTEGER PRIMARY KEY.
SeqType = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_us", BigInteger, nullable=False),
)

threads = Table(
    "threads",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False, unique=True),
    Column("user_id", String, nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("updated_us", BigInteger, nullable=False),
    Column("title", Text, nullable=True),
    Column("payload", Text, nullable=False),
    # The notebook the thread belongs to (its metadata's "notebook", a path under the
    # server's root), so one notebook's threads are an index range, not a scan (v4).
    Column("notebook", Text, nullable=True),
    # The server the thread was made through (NULL: made before v4, or by a process
    # that is no server): a rename on a server moves only its own threads (v4).
    Column("server", Text, nullable=True),
    Index("ix_threads_user_order", "user_id", "created_us", "seq"),
    Index("ix_threads_user_notebook_order", "user_id", "notebook", "created_us", "seq"),
    Index("ix_threads_server_notebook", "server", "notebook"),
    sqlite_autoincrement=True,
)

items = Table(
    "items",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column(
        "thread_id",
        String,
        ForeignKey("threads.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("id", String, nullable=False),
    # Denormalised from the thread so every item query can be scoped by owner too.
    Column("user_id", String, nullable=False),
    Column("type", String, nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    UniqueConstraint("thread_id", "id", name="uq_items_thread_item"),
    Index("ix_items_thread_order", "thread_id", "created_us", "seq"),
    sqlite_autoincrement=True,
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", String, primary_key=True),
    Column("user_id", String, nullable=False),
    Column(
        "thread_id",
        String,
        ForeignKey("threads.id", ondelete="CASCADE"),
        nullable=True,
    ),
    Column("name", Text, nullable=False),
    Column("mime_type", Text, nullable=False),
    # Size announced at creation; the upload must match it. NULL when never announced.
    Column("declared_size", BigInteger, nullable=True),
    Column("payload", Text, nullable=False),
    Column("data", LargeBinary, nullable=True),
    Column("created_us", BigInteger, nullable=False),
    Column("uploaded_us", BigInteger, nullable=True),
    Index("ix_attachments_thread", "thread_id"),
    Index("ix_attachments_user", "user_id"),
)

feedback = Table(
    "feedback",
    metadata,
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
)

# Where a deleted item sat in its thread, so a client still holding its id as a
# pagination cursor resumes at the right place. Ids and positions only, no content.
item_tombstones = Table(
    "item_tombstones",
    metadata,
    Column(
        "thread_id",
        String,
        ForeignKey("threads.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("item_id", String, primary_key=True),
    Column("created_us", BigInteger, nullable=False),
    Column("seq", BigInteger, nullable=False),
)

# The same for deleted threads in a user's thread list.
thread_tombstones = Table(
    "thread_tombstones",
    metadata,
    Column("user_id", String, primary_key=True),
    Column("thread_id", String, primary_key=True),
    Column("created_us", BigInteger, nullable=False),
    Column("seq", BigInteger, nullable=False),
)

# Who is answering in a thread right now, across processes (see :mod:`.turns`). A row
# lives for one turn; ``expires_us`` lets a crashed holder's turn lapse.
thread_turns = Table(
    "thread_turns",
    metadata,
    Column("thread_id", String, primary_key=True),
    Column("owner", String, nullable=False),
    Column("expires_us", BigInteger, nullable=False),
)

# The title redaction policies stored titles have passed, by their configuration's key
# (see :mod:`.title_redaction`): each runs once per database.
title_redactions = Table(
    "title_redactions",
    metadata,
    Column("policy", String, primary_key=True),
    Column("applied_us", BigInteger, nullable=False),
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is taken as local time.

    ChatKit stamps items with ``datetime.now()`` (naive, local), while clients and other
    code may send aware datetimes: both map onto one comparable integer.
    """
    return (moment.astimezone(UTC) - _EPOCH) // _MICROSECOND


def now_us() -> int:
    """The current time in microseconds since the epoch."""
    return time.time_ns() // 1000


def from_us(micros: int) -> datetime:
    """The aware UTC datetime for microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=micros)
