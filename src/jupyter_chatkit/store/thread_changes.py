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

ChatKit itself saves a turn's copy whole; :class:`HandedCopies` makes that save write
only what the turn changed in its copy, the same way.
"""

from __future__ import annotations

import weakref
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


_MISSING = object()


class _Base:
    """A copy's fields as stored when the store last handed it out or saved it."""

    __slots__ = ("metadata", "ref", "rest", "title")

    def __init__(self, ref: weakref.ref[ThreadMetadata], thread: ThreadMetadata) -> None:
        self.ref = ref
        self.title = thread.title
        # Shallow: this package replaces metadata values, never changes them in place.
        self.metadata = dict(thread.metadata)
        self.rest = (thread.status, thread.allowed_image_domains)


class HandedCopies:
    """The thread objects a store handed out (loaded, or saved whole), each with its
    fields as then stored, while its holder keeps it (weakly referenced).

    ChatKit saves a turn's copy whole (``save_thread``) whenever the turn changed it: a
    rename or another writer's metadata saved since the copy was loaded would be undone.
    Saving a handed-out copy instead writes only the fields its holder changed since
    (:meth:`merge`), into the thread as stored, and the copy takes the rest.
    """

    def __init__(self) -> None:
        self._bases: dict[int, _Base] = {}

    def keep(self, thread: ThreadMetadata) -> ThreadMetadata:
        """Remember ``thread`` as stored now; returns it."""
        key = id(thread)
        base = self._bases.get(key)
        if base is not None and base.ref() is thread:
            ref = base.ref
        else:
            ref = weakref.ref(thread, lambda _: self._bases.pop(key, None))
        self._bases[key] = _Base(ref, thread)
        return thread

    def merge(self, thread: ThreadMetadata) -> ThreadChange | None:
        """The change writing what ``thread``'s holder changed since it was handed out
        into the thread as stored; None for a copy not handed out (saved whole)."""
        base = self._bases.get(id(thread))
        if base is None or base.ref() is not thread:
            return None

        def change(stored: ThreadMetadata) -> bool:
            changed = False
            if thread.title != base.title and stored.title != thread.title:
                stored.title = thread.title
                changed = True
            rest = (thread.status, thread.allowed_image_domains)
            if rest != base.rest and rest != (stored.status, stored.allowed_image_domains):
                stored.status, stored.allowed_image_domains = rest
                changed = True
            metadata = dict(stored.metadata)
            for key, value in thread.metadata.items():
                if (
                    base.metadata.get(key, _MISSING) != value
                    and metadata.get(key, _MISSING) != value
                ):
                    metadata[key] = value
                    changed = True
            for key in base.metadata.keys() - thread.metadata.keys():
                if metadata.pop(key, _MISSING) is not _MISSING:
                    changed = True
            stored.metadata = metadata
            return changed

        return change

    def title_stored(self, thread: ThreadMetadata) -> None:
        """``thread``'s title is the one stored now (its holder wrote it by a change of
        its own): a later save of the copy does not write it again, over a rename."""
        base = self._bases.get(id(thread))
        if base is not None and base.ref() is thread:
            base.title = thread.title

    def took(self, thread: ThreadMetadata, stored: ThreadMetadata) -> None:
        """``thread``, just saved by its :meth:`merge`, takes the thread as stored."""
        if thread.title != stored.title:
            thread.title = stored.title
        if thread.metadata != stored.metadata:
            thread.metadata = stored.metadata
        if (thread.status, thread.allowed_image_domains) != (
            stored.status,
            stored.allowed_image_domains,
        ):
            thread.status, thread.allowed_image_domains = (
                stored.status,
                stored.allowed_image_domains,
            )
        self.keep(thread)
