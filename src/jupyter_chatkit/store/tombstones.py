"""Deleting a thread or an item, leaving a tombstone where it was.

A page's ``after`` cursor is a thread or item id, and a client may page on from a row
that has just been deleted. The tombstone keeps the deleted row's position
``(created_us, seq)`` so that :mod:`.paging` can still place such a cursor; an id never
seen in that scope has no tombstone and raises ``NotFoundError`` there.

Each function runs inside its caller's write transaction (see :class:`.onehop.OneHop`).
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from .engine import Dialect, dialect_insert
from .schema import item_tombstones, items, thread_tombstones, threads
from .statements import thread_not_found, touch_thread


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
    tombstone = dialect_insert(dialect, thread_tombstones).values(
        user_id=user_id, thread_id=thread_id, created_us=row.created_us, seq=row.seq
    )
    conn.execute(
        tombstone.on_conflict_do_update(
            index_elements=[thread_tombstones.c.user_id, thread_tombstones.c.thread_id],
            set_={"created_us": row.created_us, "seq": row.seq},
        )
    )
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
    tombstone = dialect_insert(dialect, item_tombstones).values(
        thread_id=thread_id, item_id=item_id, created_us=row.created_us, seq=row.seq
    )
    conn.execute(
        tombstone.on_conflict_do_update(
            index_elements=[item_tombstones.c.thread_id, item_tombstones.c.item_id],
            set_={"created_us": row.created_us, "seq": row.seq},
        )
    )
    conn.execute(
        delete(items).where(
            items.c.thread_id == thread_id,
            items.c.id == item_id,
            items.c.user_id == user_id,
        )
    )
