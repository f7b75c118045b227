"""The statements of :mod:`.sql`'s hot paths, built once with bound parameters.

Building and cache-keying a SQLAlchemy statement per call costs more Python time than
SQLite takes to run it, so the upserts, the ownership touch and the one-row reads are
built here once (per dialect where it matters) and called with their values.
"""

from __future__ import annotations

import functools
from typing import Any

from chatkit.store import NotFoundError
from chatkit.types import ThreadItem
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Connection

from ..protocol import RequestContext
from . import codec
from .engine import Dialect, dialect_insert
from .fastsql import execute
from .paging import THREAD_COLUMNS
from .schema import attachments, items, now_us, threads, to_us


@functools.cache
def item_upsert(dialect: Dialect) -> Any:
    """The item upsert, built once per dialect with bound parameters.

    Building it per call (``excluded`` sets up a column collection each time) cost ~5%
    of a turn's CPU; the statement does not change between calls, only its values.
    """
    stmt = dialect_insert(dialect, items).values(
        thread_id=bindparam("b_thread_id", type_=items.c.thread_id.type),
        id=bindparam("b_id", type_=items.c.id.type),
        user_id=bindparam("b_user_id", type_=items.c.user_id.type),
        type=bindparam("b_type", type_=items.c.type.type),
        created_us=bindparam("b_created_us", type_=items.c.created_us.type),
        payload=bindparam("b_payload", type_=items.c.payload.type),
    )
    return stmt.on_conflict_do_update(
        index_elements=[items.c.thread_id, items.c.id],
        # created_us stays: it is the item's place in the thread (with seq), and
        # save_item promises that replacing an item keeps it there.
        set_={"type": stmt.excluded.type, "payload": stmt.excluded.payload},
        where=items.c.user_id == bindparam("b_owner", type_=items.c.user_id.type),
    )


def _thread_insert(dialect: Dialect) -> Any:
    column = threads.c
    return dialect_insert(dialect, threads).values(
        id=bindparam("t_id", type_=column.id.type),
        user_id=bindparam("t_user_id", type_=column.user_id.type),
        created_us=bindparam("t_created_us", type_=column.created_us.type),
        updated_us=bindparam("t_updated_us", type_=column.updated_us.type),
        title=bindparam("t_title", type_=column.title.type),
        payload=bindparam("t_payload", type_=column.payload.type),
        notebook=bindparam("t_notebook", type_=column.notebook.type),
        server=bindparam("t_server", type_=column.server.type),
    )


@functools.cache
def thread_insert_new_statement(dialect: Dialect) -> Any:
    """:func:`thread_upsert_statement`'s insert (same values) that leaves a thread the
    store has, of anyone, as it is (no row then)."""
    return _thread_insert(dialect).on_conflict_do_nothing(index_elements=[threads.c.id])


@functools.cache
def thread_upsert_statement(dialect: Dialect) -> Any:
    """The thread upsert, built once per dialect with bound parameters (building it per
    save was ~13% of a turn's CPU)."""
    column = threads.c
    stmt = _thread_insert(dialect)
    return stmt.on_conflict_do_update(
        index_elements=[column.id],
        set_={
            "title": stmt.excluded.title,
            "payload": stmt.excluded.payload,
            "updated_us": stmt.excluded.updated_us,
            # Recorded once; after that only move_notebook changes it. ChatKit saves
            # the thread it loaded when a turn began: a rename during the turn stays.
            "notebook": func.coalesce(column.notebook, stmt.excluded.notebook),
        },
        # Someone else's id: the upsert touches nothing and we report not-found.
        where=column.user_id == bindparam("t_owner", type_=column.user_id.type),
    )


def item_values(thread_id: str, item: ThreadItem, context: RequestContext) -> dict[str, Any]:
    """The parameters of :func:`item_upsert` for ``item`` of this user's thread."""
    return {
        "b_thread_id": thread_id,
        "b_id": item.id,
        "b_user_id": context.user_id,
        "b_owner": context.user_id,
        "b_type": item.type,
        "b_created_us": to_us(item.created_at),
        "b_payload": codec.dump_item(item),
    }


# Marks this user's thread updated (see touch_thread); built once.
TOUCH_THREAD = (
    update(threads)
    .where(threads.c.id == bindparam("b_thread_id"), threads.c.user_id == bindparam("b_user_id"))
    .values(updated_us=bindparam("b_now", type_=threads.c.updated_us.type))
)


# The reads of one row, built once (building a statement per call costs more Python
# time than SQLite takes to run it).
THREAD_BY_ID = THREAD_COLUMNS.where(
    threads.c.id == bindparam("thread_id"), threads.c.user_id == bindparam("user_id")
)
ITEM_BY_ID = select(items.c.payload).where(
    items.c.thread_id == bindparam("thread_id"),
    items.c.id == bindparam("item_id"),
    items.c.user_id == bindparam("user_id"),
)
ATTACHMENT_BY_ID = select(attachments.c.payload).where(
    attachments.c.id == bindparam("attachment_id"),
    attachments.c.user_id == bindparam("user_id"),
)


def thread_not_found(thread_id: str) -> NotFoundError:
    return NotFoundError(f"thread {thread_id} not found")


def require_thread(conn: Connection, thread_id: str, user_id: str) -> None:
    found = conn.execute(
        select(threads.c.seq).where(threads.c.id == thread_id, threads.c.user_id == user_id)
    ).first()
    if found is None:
        raise thread_not_found(thread_id)


def touch_thread(conn: Connection, thread_id: str, user_id: str) -> None:
    """Mark this user's thread updated; ``NotFoundError`` if they have no such thread.

    Synchronous: it runs inside the store's one-hop transactions.
    """
    result = execute(
        conn, TOUCH_THREAD, {"b_thread_id": thread_id, "b_user_id": user_id, "b_now": now_us()}
    )
    if result.rowcount == 0:
        raise thread_not_found(thread_id)
