"""The store's frequent transactions, each one worker-thread hop on SQLite.

Through aiosqlite every step of a transaction (``BEGIN``, each statement's cursor,
execute, fetch and close, ``COMMIT``, the pool's reset) is a round trip to the
connection's thread and back through the event loop: about ten for one saved item or
one page of items. Under load each of them waits for its turn in a busy loop (and a
write holds SQLite's only write lock meanwhile), so concurrent conversations queued
behind each other before their first tokens. Here a whole transaction runs in one
worker thread on a synchronous connection to the same file, configured the same way
(busy timeout, foreign keys, no NUL characters): writes ``BEGIN IMMEDIATE`` under the
same in-process writer lock (:class:`~.engine.Writer`), reads ``BEGIN DEFERRED`` (one
snapshot for all their statements) without it, as WAL lets readers run beside the
writer.

PostgreSQL's transactions run as before: asyncpg talks to the server from the event
loop, and the same function of a connection runs through ``run_sync``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from .engine import (
    BEGIN_MODE_OPTION,
    Writer,
    _refuse_nul,
    begin_sqlite_transaction,
    set_up_sqlite_connection,
)

T = TypeVar("T")


class OneHop:
    """Runs a read or write transaction, given as a function of a synchronous connection."""

    def __init__(self, engine: AsyncEngine, writer: Writer) -> None:
        self._engine = engine
        self._writer = writer
        # The writer's lock: SQLite writers of this process queue on one lock.
        self._lock = writer.lock
        self._sync: Engine | None = None
        self._sync_writes: Engine | None = None
        if engine.dialect.name == "sqlite" and self._lock is not None:
            self._sync = _sqlite_engine(engine)
            self._sync_writes = self._sync.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"})

    async def write(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` in one write transaction, committed when it returns."""
        if self._sync_writes is None or self._lock is None:
            async with self._writer.begin() as conn:
                return await conn.run_sync(work)
        sync = self._sync_writes
        async with self._lock:
            done = asyncio.ensure_future(asyncio.to_thread(_in_transaction, sync, work))
            try:
                return await asyncio.shield(done)
            except asyncio.CancelledError:
                # A worker thread cannot be stopped: its transaction may still commit.
                # Keep the writer's lock until it ends, so the next writer (a release
                # of what it wrote, say) comes after it, then pass the cancellation on.
                await _wait_out(done)
                raise

    async def read(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` in one read transaction (one snapshot for its statements).

        ``work`` must not write. A cancelled read returns at once; its worker thread
        finishes the read on its own and the result is dropped.
        """
        if self._sync is None:
            async with self._engine.begin() as conn:
                return await conn.run_sync(work)
        return await asyncio.to_thread(_in_transaction, self._sync, work)

    def dispose(self) -> None:
        """Close the synchronous connections."""
        if self._sync is not None:
            self._sync.dispose()


async def _wait_out(done: asyncio.Future[T]) -> None:
    """Wait until ``done`` ends, however often the waiter is cancelled meanwhile."""
    while not done.done():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait({done})
    if not done.cancelled():
        # Retrieved, so asyncio does not log it: the cancelled caller wants no result.
        done.exception()


def _in_transaction(engine: Engine, work: Callable[[Connection], T]) -> T:
    with engine.begin() as conn:
        return work(conn)


def _sqlite_engine(engine: AsyncEngine) -> Engine:
    """A synchronous engine on the same SQLite file, set up like the async one."""
    url = engine.url.set(drivername="sqlite+pysqlite")
    # Used from worker threads, each connection by one thread at a time (the pool's
    # checkout); writers also one at a time (the writer's lock).
    sync = create_engine(url, hide_parameters=True, connect_args={"check_same_thread": False})

    # As the async engine's connections: BEGIN is ours (IMMEDIATE for writes), the lock
    # waited for, WAL synced normally, foreign keys enforced.
    event.listen(sync, "connect", set_up_sqlite_connection)
    event.listen(sync, "begin", begin_sqlite_transaction)
    event.listen(sync, "before_cursor_execute", _refuse_nul)
    return sync
