"""A thread's turn held by :class:`~.sql.SQLStore`: one turn at a time per thread,
across processes (:mod:`.turns`), with what the turn starts from (the thread, and its
first message saved with the newest items read) in the transaction that takes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any

from chatkit.types import Page, ThreadItem, ThreadMetadata
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from ..protocol import RequestContext
from .decoded import decode_history_page
from .engine import Dialect
from .fastsql import execute
from .paging import check_page, decode_thread, item_page
from .statements import THREAD_BY_ID, item_upsert, item_values, thread_not_found, touch_thread
from .turns import ThreadTurns, ThreadWatch

# What a turn's first transaction reads: the thread's row, and (once the turn is taken
# and its message saved) the page of the thread's newest items with its has-more.
_TurnStart = tuple[Row[Any], tuple[Sequence[Row[Any]], bool] | None]


class HeldTurns:
    """:class:`~.sql.SQLStore`'s turn methods (a mixin: the store sets ``_turns`` and
    ``_dialect``)."""

    _turns: ThreadTurns
    _dialect: Dialect

    def thread_turn(
        self, thread_id: str, on_gone: Callable[[], None] | None = None
    ) -> AbstractAsyncContextManager[None]:
        """Hold the thread's turn: one turn at a time per thread, across processes.

        A ``ValueError`` (:class:`~.turns.ThreadBusyError`) if the turn before takes
        longer than :data:`~.turns.WAIT_SECONDS`. ``on_gone`` is called (once, from
        another task) when the lease's renewal finds the thread deleted meanwhile, by
        another process too (see :mod:`.turns`).
        """
        return self._turns.hold(thread_id, on_gone)

    def finish_in_background(self, thread_id: str | None, work: asyncio.Future[Any]) -> None:
        """``work`` (a stopped turn's last writes, waiting for another process's lock)
        goes on after its turn ends: the thread's turn held in this process now stays
        held until it is done, and the store's close waits for it (see :mod:`.turns`)."""
        self._turns.finish_in_background(thread_id, work)

    def watch_thread(self, thread_id: str, on_gone: Callable[[], None]) -> ThreadWatch:
        """Call ``on_gone`` (once, from another task) if ``thread_id`` is deleted, by any
        process, before ``await watch.stop()``; for a turn that holds no lease (a new
        thread's first). Checked as often as a lease is renewed (see :mod:`.turns`)."""
        return self._turns.watch(thread_id, on_gone)

    def thread_turn_reading(
        self, thread_id: str, context: RequestContext
    ) -> AbstractAsyncContextManager[ThreadMetadata]:
        """:meth:`thread_turn` for this user's thread, yielding the thread as it is when
        the turn starts: read in the transaction that takes the turn (one hop for both).

        ``NotFoundError`` (and no turn taken or waited for) if the user has no such thread.
        """
        params = {"thread_id": thread_id, "user_id": context.user_id}

        def read(conn: Connection) -> Row[Any]:
            row = execute(conn, THREAD_BY_ID, params).one_or_none()
            if row is None:
                raise thread_not_found(thread_id)
            return row

        return _decoded(self._turns.hold_reading(thread_id, read))

    def thread_turn_adding(
        self,
        thread_id: str,
        item: ThreadItem,
        limit: int,
        context: RequestContext,
        on_gone: Callable[[], None] | None = None,
    ) -> AbstractAsyncContextManager[tuple[ThreadMetadata, Page[ThreadItem]]]:
        """:meth:`thread_turn_reading` and :meth:`~.sql.SQLStore.add_item_reading_newest` in one
        transaction: the turn taken, the thread read, ``item`` saved (dated when the turn
        is taken, after any turn it waited for) and the thread's newest ``limit`` items
        read (``item`` first). Yields the thread and that page.

        ``NotFoundError`` (no turn taken, nothing saved) if the user has no such thread.
        ``on_gone``: as for :meth:`thread_turn`.
        """
        direction, limit = check_page(limit, "desc")
        user_id = context.user_id
        params = {"thread_id": thread_id, "user_id": user_id}
        upsert = item_upsert(self._dialect)

        def read(conn: Connection) -> _TurnStart:
            row = execute(conn, THREAD_BY_ID, params).one_or_none()
            if row is None:
                raise thread_not_found(thread_id)
            return row, None

        def add(conn: Connection, start: _TurnStart | None) -> _TurnStart:
            assert start is not None
            # Dated now: a message that waited for the turn before comes after its answer.
            item.created_at = datetime.now()
            values = item_values(thread_id, item, context)
            touch_thread(conn, thread_id, user_id)
            try:
                execute(conn, upsert, values)
            except IntegrityError:
                # The thread vanished between the read and the insert (foreign key).
                raise thread_not_found(thread_id) from None
            return start[0], item_page(conn, thread_id, user_id, None, direction, limit)

        holding = self._turns.hold_reading(thread_id, read, add, on_gone)
        return self._turn_adding(thread_id, holding)

    @asynccontextmanager
    async def _turn_adding(
        self, thread_id: str, holding: AbstractAsyncContextManager[_TurnStart | None]
    ) -> AsyncIterator[tuple[ThreadMetadata, Page[ThreadItem]]]:
        """The held turn's thread and page, decoded on the event loop (the page's items
        kept by their stored text for the next turn: see :mod:`.decoded`)."""
        async with holding as start:
            assert start is not None
            row, read = start
            assert read is not None  # the turn was taken: ``add`` ran
            page, has_more = read
            yield decode_thread(row), decode_history_page(thread_id, page, has_more)


@asynccontextmanager
async def _decoded(
    holding: AbstractAsyncContextManager[Row[Any] | None],
) -> AsyncIterator[ThreadMetadata]:
    """A held turn's thread row, decoded on the event loop (not in the writer thread)."""
    async with holding as row:
        assert row is not None  # read by THREAD_BY_ID, which raises rather than return None
        yield decode_thread(row)
