"""Deleting a thread or an item, leaving a tombstone where it was.

A page's ``after`` cursor is a thread or item id, and a client may page on from a row
that has just been deleted. The tombstone keeps the deleted row's position
``(created_us, seq)`` so that :mod:`.paging` can still place such a cursor; an id never
seen in that scope has no tombstone and raises ``NotFoundError`` there.

Each function runs inside its caller's write transaction (see :class:`.onehop.OneHop`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, delete, literal, select
from sqlalchemy.engine import Connection, Row

from .engine import Dialect, dialect_insert
from .fastsql import execute
from .schema import item_tombstones, items, thread_tombstones, threads
from .statements import thread_not_found, touch_thread

THREAD_TOMBSTONE = select(literal(1)).where(
    thread_tombstones.c.user_id == bindparam("user_id"),
    thread_tombstones.c.thread_id == bindparam("thread_id"),
)


def thread_was_deleted(conn: Connection, thread_id: str, user_id: str) -> bool:
    """Whether this user deleted a thread of this id (its tombstone is there)."""
    params = {"user_id": user_id, "thread_id": thread_id}
    return execute(conn, THREAD_TOMBSTONE, params).first() is not None


def delete_thread_rows(conn: Connection, dialect: Dialect, thread_id: str, user_id: str) -> None:
    """Delete this user's thread with its items, feedback and attachments; tombstone it.

    ``NotFoundError`` if the user has no such thread.
    """
    row = conn.execute(
        select(threads.c.created_us, threads.c.seq).where(
            threads.c.id == thread_id, threads.c.user_id == user_id
        )
    ).one_or_none()
    if row is None:
        raise thread_not_found(thread_id)
    _tombstone(conn, dialect, thread_tombstones, {"user_id": user_id, "thread_id": thread_id}, row)
    # Items (and through them feedback), item tombstones and attachments go by
    # ON DELETE CASCADE.
    conn.execute(delete(threads).where(threads.c.id == thread_id, threads.c.user_id == user_id))


def delete_item_rows(
    conn: Connection, dialect: Dialect, thread_id: str, item_id: str, user_id: str
) -> None:
    """Delete an item (and its feedback) from this user's thread; tombstone it.

    ``NotFoundError`` if the user has no such thread; an absent item is fine.
    """
    touch_thread(conn, thread_id, user_id)
    row = conn.execute(
        select(items.c.created_us, items.c.seq).where(
            items.c.thread_id == thread_id,
            items.c.id == item_id,
            items.c.user_id == user_id,
        )
    ).one_or_none()
    if row is None:
        return
    _tombstone(conn, dialect, item_tombstones, {"thread_id": thread_id, "item_id": item_id}, row)
    conn.execute(
        delete(items).where(
            items.c.thread_id == thread_id,
            items.c.id == item_id,
            items.c.user_id == user_id,
        )
    )


def _tombstone(
    conn: Connection, dialect: Dialect, table: Table, key: dict[str, str], row: Row[Any, Any]
) -> None:
    """Record where the deleted row ``key`` of ``table`` stood (its ``created_us`` and
    ``seq``), replacing an older tombstone of the same key."""
    place = {"created_us": row.created_us, "seq": row.seq}
    tombstone = dialect_insert(dialect, table).values(**key, **place)
    conn.execute(
        tombstone.on_conflict_do_update(index_elements=[table.c[k] for k in key], set_=place)
    )
