"""The store's transactions, each one worker-thread hop on SQLite.

Through aiosqlite every step of a transaction (``BEGIN``, each statement's cursor,
execute, fetch and close, ``COMMIT``, the pool's reset) is a round trip to the
connection's thread and back through the event loop: about ten for one saved item or
one page of items. Under load each of them waits for its turn in a busy loop, so
concurrent conversations queued behind each other before their first tokens. Here a
whole transaction runs in one worker thread on a synchronous connection to the same
file, configured the same way (busy timeout, foreign keys, no NUL characters).

- Writes (``BEGIN IMMEDIATE``) run on one writer thread per store, in the order they
  were asked for: this process's writers queue there, not in SQLite's busy handler
  (which polls and sleeps; the busy timeout still covers other processes, such as a
  kernel sharing the file). The queue is the thread's, not an asyncio lock held across
  the hop: a lock held from the request to the event loop's pick-up of the result also
  covered the time the thread waited for the GIL and the loop for its turn, several
  milliseconds each under load, so 50 concurrent conversations' writes took ~5 ms each
  in turn where SQLite needs a fraction of one.
- Reads (``BEGIN DEFERRED``: one snapshot for their statements) run in the default
  executor beside the writer, as WAL lets readers do.

PostgreSQL's transactions run as before: asyncpg talks to the server from the event
loop, and the same function of a connection runs through ``run_sync``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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
        self._sync: Engine | None = None
        self._sync_writes: Engine | None = None
        # SQLite's writes of this process, one at a time in order (see the docstring);
        # started by the first write after construction or close().
        self._write_thread: ThreadPoolExecutor | None = None
        # While close() waits for the writer thread's queue to drain: later writes wait
        # for it too, so they never run beside the writes still queued there.
        self._closing: asyncio.Future[None] | None = None
        if engine.dialect.name == "sqlite":
            self._sync = _sqlite_engine(engine)
            self._sync_writes = self._sync.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"})

    async def write(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` in one write transaction, committed when it returns.

        Cancelled while waiting for its turn, it never runs; cancelled while running, it
        returns only when its transaction has ended (a worker thread cannot be stopped,
        and the transaction may still commit), then passes the cancellation on, so the
        caller's next write (a release of what it wrote, say) comes after it.
        """
        if self._sync_writes is None:
            async with self._writer.begin() as conn:
                return await conn.run_sync(work)
        if self._closing is not None:
            await asyncio.shield(self._closing)
        if self._write_thread is None:
            self._write_thread = ThreadPoolExecutor(1, thread_name_prefix="jupyter-chatkit-store")
        running: Future[T] = self._write_thread.submit(_in_transaction, self._sync_writes, work)
        done = asyncio.wrap_future(running)
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            if not running.cancel():
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

    async def close(self) -> None:
        """Let the writes asked for finish, then close the synchronous connections.

        As the engine's ``dispose()``, this closes what is pooled, not the store: the
        next transaction opens a connection (and a writer thread) again. A kernel's
        runtime closes them whenever it falls idle, so that no thread keeps a script
        that asked a question from exiting.
        """
        if self._write_thread is not None:
            write_thread, self._write_thread = self._write_thread, None
            # Waited for in a thread: a write may be waiting out another process's lock.
            closing = asyncio.ensure_future(asyncio.to_thread(write_thread.shutdown, wait=True))
            self._closing = closing
            closing.add_done_callback(self._closed)
            await asyncio.shield(closing)
        if self._sync is not None:
            self._sync.dispose()

    def _closed(self, closing: asyncio.Future[None]) -> None:
        # Done, even if close() itself was cancelled: writes may start a thread again.
        if self._closing is closing:
            self._closing = None


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
    # checkout); writers also one at a time (the writer thread).
    sync = create_engine(url, hide_parameters=True, connect_args={"check_same_thread": False})

    # As the async engine's connections: BEGIN is ours (IMMEDIATE for writes), the lock
    # waited for, WAL synced normally, foreign keys enforced.
    event.listen(sync, "connect", set_up_sqlite_connection)
    event.listen(sync, "begin", begin_sqlite_transaction)
    event.listen(sync, "before_cursor_execute", _refuse_nul)
    return sync
