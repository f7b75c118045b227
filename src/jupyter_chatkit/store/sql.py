"""ChatKit's ``Store`` on SQLAlchemy Core: one implementation for SQLite and PostgreSQL.

Rules every method follows:

- Scoped by owner: each query names ``context.user_id``. An id that is unknown and an id
  owned by someone else raise the same ``NotFoundError``, so ids do not reveal whether
  another user's thread exists.
- Keyset pagination on ``(created_us, seq)`` (see :mod:`.schema`): a page costs the same
  at any depth, and equal timestamps never skip or repeat rows. The ``after`` cursor is
  a thread or item id; the id of a deleted row still works (its tombstone keeps the
  position), an id never seen in that scope raises ``NotFoundError``.
- Writes run in ``BEGIN IMMEDIATE`` transactions on SQLite so concurrent writers queue
  for the lock instead of failing to upgrade a read lock (see :class:`.engine.Writer`).

A thread's turn (one at a time per thread, across processes) is held through the
methods of :class:`.held_turns.HeldTurns`; attachments' metadata is kept by those of
:class:`.attachment_metadata.AttachmentMetadata`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from chatkit.store import NotFoundError, Store, StoreItemType, default_generate_id
from chatkit.types import (
    FeedbackKind,
    Page,
    ThreadItem,
    ThreadMetadata,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from ..protocol import RequestContext
from . import codec
from .attachment_metadata import AttachmentMetadata
from .attachments import DEFAULT_MAX_ATTACHMENT_BYTES, SQLAttachmentStore
from .engine import (
    Dialect,
    PoolOptions,
    Writer,
    create_engine_for,
    dialect_of,
    resolve_url,
    use_wal,
)
from .fastsql import execute
from .feedback import check_items, check_kind, read_feedback, write_feedback
from .held_turns import HeldTurns
from .migrations import migrate
from .notebooks import adopt_notebook as _adopt_notebook
from .notebooks import move_notebook as _move_threads_of_notebook
from .notebooks import notebook_column, notebook_path
from .onehop import OneHop
from .paging import (
    check_page,
    decode_item_page,
    decode_thread,
    item_page,
    item_position,
    next_cursor,
    thread_page,
    thread_position,
)
from .schema import (
    now_us,
    to_us,
)
from .statements import (
    ITEM_BY_ID,
    THREAD_BY_ID,
    item_upsert,
    item_values,
    thread_insert_new_statement,
    thread_not_found,
    thread_upsert_statement,
    touch_thread,
)
from .thread_changes import HandedCopies, ThreadChange, change_thread_row
from .title_redaction import TitleRedaction, redact_titles_once
from .tombstones import delete_item_rows, delete_thread_rows, thread_was_deleted
from .turns import ThreadTurns
from .unsaved import said_unsaved
from .unsaved_spool import UnsavedSpool

MAX_THREAD_TITLE_CHARS = 200
"""Longest title a rename may give a thread (past it ``threads.update`` is a 400; see
``NotebookAssistant``). Titles are listed in every page of their owner's threads and
shown in every sidebar. Not checked when a thread is saved: a thread renamed longer
before the limit existed still takes turns."""


async def open_store(
    url: str = "",
    *,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    pool: PoolOptions | None = None,
    server_id: str | None = None,
    titles: TitleRedaction | None = None,
) -> SQLStore:
    """Open (creating and migrating as needed) the chat store at ``url``.

    ``""`` means the SQLite file :func:`~jupyter_chatkit.store.default_sqlite_path`;
    ``sqlite:///abs/path.sqlite3`` another SQLite file; ``postgresql://user:pw@host/db``
    (or ``postgres://``, ``postgresql+asyncpg://``) a PostgreSQL database via asyncpg.
    ``server_id`` is :attr:`SQLStore.server_id`. ``titles``: the server's title
    redaction, applied to the stored titles once per configuration
    (:mod:`.title_redaction`).
    """
    lock_timeout = (pool or PoolOptions()).lock_timeout
    engine = create_engine_for(resolve_url(url), pool)
    try:
        # Another process holding the file's lock (a kernel's write, a backup) delays
        # the opening by at most lock_timeout (StoreBusyError), as it does a write; a
        # store already migrated needs no lock to open.
        await use_wal(engine, lock_timeout)
        await migrate(engine, lock_timeout=lock_timeout)
        if titles is not None:
            await redact_titles_once(engine, titles, lock_timeout)
    except BaseException:
        await engine.dispose()
        raise
    store = SQLStore(engine, max_attachment_bytes=max_attachment_bytes, lock_timeout=lock_timeout)
    store.server_id = server_id
    return store


@dataclass(frozen=True)
class PreparedCreate:
    """A new thread and its first item, ready to be saved (SQLStore.prepared_create)."""

    thread_id: str
    write: Callable[[Connection], bool]
    # The item as a read of the thread returns it (parsed from what is to be stored;
    # None if that does not validate).
    item: ThreadItem | None


class SQLStore(HeldTurns, AttachmentMetadata, Store[RequestContext]):
    """ChatKit ``Store`` on an async SQLAlchemy engine whose schema is migrated.

    Use :func:`open_store` to get one. :attr:`attachments` is the matching
    ``AttachmentStore`` on the same engine.
    """

    attachments: SQLAttachmentStore
    """Attachment bytes and two-phase uploads, sharing this store's engine."""

    server_id: str | None = None
    """The Jupyter server this store works for (set by the server extension): recorded
    on each thread it creates, so that the server's renames move only its own threads
    (see :mod:`.notebooks`). ``None`` (a kernel, a script): recorded as unknown."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
        lock_timeout: float = PoolOptions.lock_timeout,
    ) -> None:
        """``lock_timeout``: SQLite, see :class:`~.engine.PoolOptions`."""
        self._engine = engine
        self._writer = Writer(engine)
        # Reads and writes, in one worker-thread hop each on SQLite (see onehop.py).
        self._hop = OneHop(engine, self._writer, lock_timeout)
        self._dialect = dialect_of(engine)
        self.attachments = SQLAttachmentStore(
            engine, max_bytes=max_attachment_bytes, writer=self._writer, hop=self._hop
        )
        self._turns = ThreadTurns(self._dialect, self._hop)
        # The thread objects handed out, for save_thread (see thread_changes.py).
        self._copies = HandedCopies()
        # New threads named to their page but not saved yet, kept on disk until they
        # are (unsaved_spool.py); None for an in-memory store.
        self.unsaved_spool = UnsavedSpool.of(engine.url)

    @property
    def dialect(self) -> Dialect:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._dialect

    @property
    def engine(self) -> AsyncEngine:
        """The underlying engine (for tests and maintenance, not for chat data access)."""
        return self._engine

    async def close(self) -> None:
        """Close every pooled connection, once stopped turns' leases are released."""
        await self._turns.close()
        await self._hop.close()
        await self._engine.dispose()
        if self.unsaved_spool is not None:
            self.unsaved_spool.close()

    # ids ---------------------------------------------------------------------------

    def generate_thread_id(self, context: RequestContext) -> str:
        """A 128-bit random id with ChatKit's ``thr_`` prefix.

        ChatKit's default carries 32 random bits: with thread ids global across users, a
        collision would make a user's new thread overwrite an old one or fail.
        """
        return f"thr_{uuid4().hex}"

    def generate_item_id(
        self, item_type: StoreItemType, thread: ThreadMetadata, context: RequestContext
    ) -> str:
        """A 128-bit random id keeping ChatKit's per-type prefix (``msg_``, ``tc_``, ...)."""
        prefix = default_generate_id(item_type).split("_", 1)[0]
        return f"{prefix}_{uuid4().hex}"

    # threads -----------------------------------------------------------------------

    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        """This user's thread metadata."""
        params = {"thread_id": thread_id, "user_id": context.user_id}
        row = await self._hop.read(lambda conn: execute(conn, THREAD_BY_ID, params).one_or_none())
        if row is None:
            raise thread_not_found(thread_id)
        return self._copies.keep(decode_thread(row))

    def track_copy(self, thread: ThreadMetadata) -> None:
        """``thread`` (a turn's copy, read or saved by a method that does not hand out
        threads itself) is as stored now: :meth:`save_thread` of it will write only what
        changed in it since (see :class:`.thread_changes.HandedCopies`)."""
        self._copies.keep(thread)

    def title_stored(self, thread: ThreadMetadata) -> None:
        """``thread`` (a copy handed out) has the title stored now: :meth:`save_thread`
        of it does not write that title again (see :class:`.thread_changes.HandedCopies`)."""
        self._copies.title_stored(thread)

    @said_unsaved
    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Create the thread for this user, or update it if they own it already; a copy
        this store handed out (:meth:`load_thread`, :meth:`track_copy`, saved before)
        takes only what its holder changed since, and then the thread as stored.

        ``NotFoundError`` for a thread this user deleted: a turn saves the copy it loaded
        (a title, ChatKit's save after the stream), which must not bring it back.
        """
        user_id = context.user_id
        change = self._copies.merge(thread)
        if change is not None:
            # A copy handed out (a turn's, loaded when it began): only what its holder
            # changed since is written, into the thread as stored, in one transaction
            # (as many statements as the save whole); a rename made meanwhile stays.
            stored = await self._hop.write(
                lambda conn: change_thread_row(conn, thread.id, user_id, change), short=True
            )
            self._copies.took(thread, stored)
            return
        stmt, params = self._thread_upsert(thread, context)

        def write(conn: Connection) -> int:
            if thread_was_deleted(conn, thread.id, user_id):
                return 0
            return int(execute(conn, stmt, params).rowcount)

        rowcount = await self._hop.write(write, short=True)
        if rowcount == 0:
            raise thread_not_found(thread.id)
        self._copies.keep(thread)

    @said_unsaved
    async def change_thread(
        self, thread_id: str, change: ThreadChange, context: RequestContext
    ) -> ThreadMetadata:
        """Apply ``change`` to this user's thread as stored now, and save it if it changed,
        in one write transaction: no other write of the thread comes in between (see
        :mod:`.thread_changes`). Returns the thread as stored after; ``NotFoundError``
        for a thread this user does not have (one deleted stays deleted)."""
        user_id = context.user_id
        return await self._hop.write(
            lambda conn: change_thread_row(conn, thread_id, user_id, change), short=True
        )

    async def create_thread_with_item(
        self, thread: ThreadMetadata, item: ThreadItem, context: RequestContext
    ) -> ThreadItem | None:
        """Save a new thread and its first item in one transaction (a new conversation's
        first message: one write instead of two, and never a thread without it).

        Returns the item as a read of the thread would return it (parsed from what was
        stored), so the turn need not read it back.
        """
        write, values = self._thread_with_item(thread, item, context)
        try:
            await self._hop.write(write, short=True)
        except IntegrityError:
            raise thread_not_found(thread.id) from None
        return codec.load_item(values["b_payload"], item_id=item.id, thread_id=thread.id)

    async def create_new_thread_with_item(
        self, thread: ThreadMetadata, item: ThreadItem, context: RequestContext
    ) -> bool:
        """:meth:`create_thread_with_item` only if the store has no thread of that id (of
        anyone), in one transaction: True if saved; a thread it has stays as it is."""
        write, _ = self._thread_with_item(thread, item, context, new_only=True)
        return await self._hop.write(write, short=True)

    def prepared_create(
        self, thread: ThreadMetadata, item: ThreadItem, context: RequestContext
    ) -> PreparedCreate:
        """:meth:`create_thread_with_item` made ready (its rows as ``thread`` and ``item``
        are now) without writing: made by :meth:`create_now` or :meth:`create`."""
        write, values = self._thread_with_item(thread, item, context)
        stored = codec.load_item(values["b_payload"], item_id=item.id, thread_id=thread.id)
        return PreparedCreate(thread.id, write, stored)

    def create_now(self, saves: Sequence[PreparedCreate]) -> bool:
        """Make ``saves`` in one transaction at once on the event loop when the store
        can take it now (SQLite's lock free, no write of this process queued): True;
        else False, nothing written (then :meth:`create` each)."""

        def write(conn: Connection) -> bool:
            for save in saves:
                save.write(conn)
            return True

        try:
            ran, _ = self._hop.write_now(write)
        except IntegrityError:
            return False  # one id taken (by another user): each then fails alone
        return ran

    async def create(self, save: PreparedCreate) -> None:
        """Make ``save`` (``NotFoundError`` if another user has a thread of that id)."""
        try:
            await self._hop.write(save.write, short=True)
        except IntegrityError:
            raise thread_not_found(save.thread_id) from None

    def _thread_with_item(
        self,
        thread: ThreadMetadata,
        item: ThreadItem,
        context: RequestContext,
        new_only: bool = False,
    ) -> tuple[Callable[[Connection], bool], dict[str, Any]]:
        """The transaction that saves a new thread and its first item (True; with
        ``new_only``, False and nothing written if the store has the thread), and the
        item's values."""
        stmt, params = self._thread_upsert(thread, context)
        if new_only:
            stmt = thread_insert_new_statement(self._dialect)
        values = item_values(thread.id, item, context)
        upsert = item_upsert(self._dialect)

        def write(conn: Connection) -> bool:
            if execute(conn, stmt, params).rowcount == 0:
                if new_only:
                    return False
                raise thread_not_found(thread.id)
            execute(conn, upsert, values)
            return True

        return write, values

    def _thread_upsert(
        self, thread: ThreadMetadata, context: RequestContext
    ) -> tuple[Any, dict[str, Any]]:
        """Insert ``thread`` for this user, or update it if they own it (else no row):
        the statement (built once, see :func:`thread_upsert_statement`) and its values."""
        return thread_upsert_statement(self._dialect), {
            "t_id": thread.id,
            "t_user_id": context.user_id,
            "t_owner": context.user_id,
            "t_created_us": to_us(thread.created_at),
            "t_updated_us": now_us(),
            "t_title": thread.title,
            "t_payload": codec.dump_thread(thread),
            "t_notebook": notebook_column(thread),
            "t_server": self.server_id,
        }

    async def load_threads(
        self,
        limit: int,
        after: str | None,
        order: str,
        context: RequestContext,
        *,
        notebook: str | None = None,
    ) -> Page[ThreadMetadata]:
        """A page of this user's threads by creation time; ``after`` is a thread id.

        With ``notebook``, only the threads that belong to that notebook (an index range:
        a page costs the same however many other threads the user has).
        """
        direction, limit = check_page(limit, order)
        if notebook is not None and notebook_path(notebook) is None:
            # No thread can belong to it (notebooks.NOTEBOOK_PATH_RULE).
            return Page(data=[], has_more=False, after=None)
        user_id = context.user_id

        def read(conn: Connection) -> tuple[Sequence[Row[Any]], bool]:
            position = None if after is None else thread_position(conn, after, user_id)
            return thread_page(conn, user_id, position, direction, limit, notebook)

        page, has_more = await self._hop.read(read)
        return Page(
            data=[decode_thread(row) for row in page],
            has_more=has_more,
            after=next_cursor(page, has_more),
        )

    async def move_notebook(
        self, old: str, new: str, *, owners: Collection[str] = (), user: str | None = None
    ) -> int:
        """A notebook or folder was renamed or moved on this store's server: the threads
        made through it follow (both the column and the metadata), and the threads
        recorded without a server whose owner is one of ``owners``; with ``user``, only
        that user's. Each thread keeps its owner, and the Agent-mode steps stored in the
        moved threads name the new path (so Undo finds them after a reload). Returns how
        many threads moved."""
        server = self.server_id
        return await self._hop.write(
            lambda conn: _move_threads_of_notebook(
                conn, old, new, server=server, owners=owners, user=user
            )
        )

    async def adopt_notebook(self, thread_id: str, notebook: str, context: RequestContext) -> bool:
        """Tie this user's thread to ``notebook`` if it belongs to none yet (see
        :func:`.notebooks.adopt_notebook`); True if it was tied."""
        server, user = self.server_id, context.user_id
        return await self._hop.write(
            lambda conn: _adopt_notebook(conn, thread_id, notebook, user=user, server=server),
            short=True,
        )

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        """Delete this user's thread with its items, feedback and attachments."""
        user_id = context.user_id
        dialect = self._dialect
        await self._hop.write(lambda conn: delete_thread_rows(conn, dialect, thread_id, user_id))

    # items -------------------------------------------------------------------------

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadItem]:
        """A page of a thread's items, hidden context included; ``after`` is an item id.

        Items whose stored JSON no longer validates are skipped with a warning; they
        still count towards ``limit`` so that ``has_more`` and ``after`` stay exact.
        """
        direction, limit = check_page(limit, order)
        user_id = context.user_id

        def read(conn: Connection) -> tuple[Sequence[Row[Any]], bool]:
            position = item_position(conn, thread_id, after, user_id)
            return item_page(conn, thread_id, user_id, position, direction, limit)

        page, has_more = await self._hop.read(read)
        return decode_item_page(thread_id, page, has_more)

    @said_unsaved
    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        """Append an item to this user's thread (an existing id is updated in place)."""
        await self._upsert_item(thread_id, item, context)

    async def add_item_reading_newest(
        self, thread_id: str, item: ThreadItem, limit: int, context: RequestContext
    ) -> Page[ThreadItem]:
        """:meth:`add_thread_item`, then the thread's newest ``limit`` items (``item``
        first) in the same transaction, as ``load_thread_items(thread_id, None, limit,
        "desc")`` would return them: a turn saves its message and reads its history in
        one hop, and reads exactly what it wrote."""
        direction, limit = check_page(limit, "desc")
        values = item_values(thread_id, item, context)
        upsert = item_upsert(self._dialect)
        user_id = context.user_id

        def write(conn: Connection) -> tuple[Sequence[Row[Any]], bool]:
            touch_thread(conn, thread_id, user_id)
            execute(conn, upsert, values)
            return item_page(conn, thread_id, user_id, None, direction, limit)

        try:
            page, has_more = await self._hop.write(write, short=True)
        except IntegrityError:
            raise thread_not_found(thread_id) from None
        return decode_item_page(thread_id, page, has_more)

    @said_unsaved
    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        """Insert or update an item of this user's thread, keeping its position if it exists."""
        await self._upsert_item(thread_id, item, context)

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        """One item of this user's thread."""
        params = {"thread_id": thread_id, "item_id": item_id, "user_id": context.user_id}
        row = await self._hop.read(lambda conn: execute(conn, ITEM_BY_ID, params).one_or_none())
        item = (
            None
            if row is None
            else codec.load_item(row.payload, item_id=item_id, thread_id=thread_id)
        )
        if item is None:
            raise NotFoundError(f"item {item_id} not found in thread {thread_id}")
        return item

    @said_unsaved
    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        """Delete an item (and its feedback) from this user's thread; absent items are fine."""
        user_id = context.user_id
        dialect = self._dialect
        await self._hop.write(
            lambda conn: delete_item_rows(conn, dialect, thread_id, item_id, user_id)
        )

    async def _upsert_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        values = item_values(thread_id, item, context)
        upsert = item_upsert(self._dialect)

        def write(conn: Connection) -> None:
            # Ownership check, and on PostgreSQL a row lock that makes a concurrent
            # delete_thread wait for this insert instead of orphaning it.
            touch_thread(conn, thread_id, context.user_id)
            execute(conn, upsert, values)

        try:
            await self._hop.write(write, short=True)
        except IntegrityError:
            # The thread vanished between check and insert (foreign key).
            raise thread_not_found(thread_id) from None

    # feedback ----------------------------------------------------------------------

    async def save_feedback(
        self,
        thread_id: str,
        item_ids: Sequence[str],
        kind: FeedbackKind,
        context: RequestContext,
    ) -> None:
        """Record ``kind`` on items of this user's thread; all ids must exist or none is saved."""
        check_kind(kind)
        wanted = set(item_ids)
        check_items(wanted)
        stamp = now_us()
        user_id = context.user_id
        dialect = self._dialect
        await self._hop.write(
            lambda conn: write_feedback(conn, dialect, thread_id, user_id, wanted, kind, stamp)
        )

    async def load_feedback(self, thread_id: str, context: RequestContext) -> dict[str, str]:
        """Feedback on this user's thread: item id to ``"positive"`` or ``"negative"``."""
        user_id = context.user_id
        return await self._hop.read(lambda conn: read_feedback(conn, thread_id, user_id))
