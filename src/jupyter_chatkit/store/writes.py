"""The store's frequent writes, each one worker-thread hop on SQLite.

Through aiosqlite every step of a transaction (``BEGIN``, each statement's cursor,
execute and close, ``COMMIT``) is a round trip to the connection's thread and back
through the event loop: about ten for one saved item. Under load each of them waits
for its turn in a busy loop while the transaction holds SQLite's only write lock, so
concurrent conversations queued behind each other before their first tokens. Here a
whole transaction runs in one worker thread on a synchronous connection to the same
file, under the same in-process writer lock (:class:`~.engine.Writer`), configured the
same way (``BEGIN IMMEDIATE``, busy timeout, foreign keys, no NUL characters).

PostgreSQL's writes run as before: asyncpg talks to the server from the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from .engine import Writer, _refuse_nul, set_up_sqlite_connection

T = TypeVar("T")


class OneHopWrites:
    """Runs a write transaction, given as a function of a synchronous connection."""

    def __init__(self, engine: AsyncEngine, writer: Writer) -> None:
        self._writer = writer
        # The writer's lock: SQLite writers of this process queue on one lock.
        self._lock = writer.lock
        self._sync: Engine | None = None
        if engine.dialect.name == "sqlite" and self._lock is not None:
            self._sync = _sqlite_engine(engine)

    async def run(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` in one write transaction, committed when it returns."""
        if self._sync is None or self._lock is None:
            async with self._writer.begin() as conn:
                return await conn.run_sync(work)
        sync = self._sync
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
    # Used from worker threads one transaction at a time (the writer's lock).
    sync = create_engine(url, hide_parameters=True, connect_args={"check_same_thread": False})

    # As the async engine's connections: BEGIN is ours, the lock waited for, WAL synced
    # normally, foreign keys enforced.
    event.listen(sync, "connect", set_up_sqlite_connection)

    @event.listens_for(sync, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(sync, "before_cursor_execute", _refuse_nul)
    return sync
