"""Changing one thread in one write transaction: read, change, write.

``save_thread`` replaces a whole thread (its title and all its metadata) with the copy
its caller holds. Two writers each holding a copy lose one another's change, whichever
saves last: a turn's failure kept after the turn ended (a copy loaded when it began)
undid the model title written meanwhile in the background, and that title's save undid
the kept failure. :func:`change_thread_row` reads the thread inside the write
transaction that writes it back: on SQLite that transaction (``BEGIN IMMEDIATE``)
holds the database's write lock from its start; on PostgreSQL the read locks the row
(``FOR UPDATE``). No other write of the thread comes between the read and the write, on
this server or another one sharing the store.
"""

from __future__ import annotations

from collections.abc import Callable

from chatkit.types import ThreadMetadata
from sqlalchemy import bindparam, func, update
from sqlalchemy.engine import Connection

from . import codec
from .fastsql import execute
from .notebooks import notebook_column
from .paging import THREAD_COLUMNS, decode_thread
from .schema import now_us, threads
from .statements import thread_not_found

ThreadChange = Callable[[ThreadMetadata], bool]
"""Changes the thread it is given in place; True if it changed it (then it is written).

Runs inside the write transaction, on SQLite perhaps in the store's writer thread: it
must be quick and touch nothing but the thread (no I/O, no awaiting)."""

# This user's thread, its row locked until the transaction ends (PostgreSQL; SQLite's
# write transaction already holds the database's write lock).
_THREAD_FOR_CHANGE = (
    THREAD_COLUMNS.where(
        threads.c.id == bindparam("thread_id"), threads.c.user_id == bindparam("user_id")
    )
).with_for_update()

# The changed thread written back (its parameters are not named after a column: an
# UPDATE would take those for the SET clause); its notebook column is recorded once, as by
# save_thread (after that only move_notebook changes it).
_THREAD_CHANGED = (
    update(threads)
    .where(threads.c.id == bindparam("t_id"), threads.c.user_id == bindparam("t_owner"))
    .values(
        title=bindparam("t_title", type_=threads.c.title.type),
        payload=bindparam("t_payload", type_=threads.c.payload.type),
        updated_us=bindparam("t_updated_us", type_=threads.c.updated_us.type),
        notebook=func.coalesce(
            threads.c.notebook, bindparam("t_notebook", type_=threads.c.notebook.type)
        ),
    )
)


def change_thread_row(
    conn: Connection, thread_id: str, user_id: str, change: ThreadChange
) -> ThreadMetadata:
    """Apply ``change`` to this user's thread and write it if it changed; the thread as
    stored after. ``NotFoundError`` if they have no such thread (a deleted one stays
    deleted). Runs inside its caller's write transaction."""
    params = {"thread_id": thread_id, "user_id": user_id}
    row = execute(conn, _THREAD_FOR_CHANGE, params).one_or_none()
    if row is None:
        raise thread_not_found(thread_id)
    thread = decode_thread(row)
    if change(thread):
        values = {
            "t_id": thread_id,
            "t_owner": user_id,
            "t_title": thread.title,
            "t_payload": codec.dump_thread(thread),
            "t_updated_us": now_us(),
            "t_notebook": notebook_column(thread),
        }
        execute(conn, _THREAD_CHANGED, values)
    return thread
