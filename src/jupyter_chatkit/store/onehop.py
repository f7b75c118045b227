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
  kernel sharing the file, in slices of BUSY_SLICE so that a stopped write stops
  waiting for them). The queue is the thread's, not an asyncio lock held across
  the hop: a lock held from the request to the event loop's pick-up of the result also
  covered the time the thread waited for the GIL and the loop for its turn, several
  milliseconds each under load, so 50 concurrent conversations' writes took ~5 ms each
  in turn where SQLite needs a fraction of one.
- The store's own short writes (a turn's message, answer and lease; a thread's
  metadata) run on the event loop itself when this process has no write queued on the
  writer thread and SQLite's write lock is free at once (a dedicated connection, busy
  timeout 0): a hop to the writer thread cost ~0.08 ms of CPU more than the
  transaction, and under load each of its returns to the GIL waited up to the
  interpreter's switch interval (5 ms) behind the busy loop, so 50 concurrent turns'
  writes queued for most of a second. When another process holds the lock, the write
  goes to the writer thread and waits there as before. That connection never
  checkpoints the WAL (whose fsync must not stall the loop): the writer thread does,
  every CHECKPOINT_EVERY of its commits.
- Reads (``BEGIN DEFERRED``: one snapshot for their statements) run in the default
  executor beside the writer, as WAL lets readers do.

A write that finds another process holding the lock fails with
:class:`~.engine.StoreBusyError` without having written anything (the request is
answered 503) once the writer thread has waited ``lock_timeout`` seconds for that lock
since the write was asked for: the waits of the writes queued before it count (SQLite's
busy timeout alone bounded each write's own wait, so writes queued behind a waiting one
each waited it out in turn), but time spent queued behind this process's own work does
not (:class:`LockWaitClock`), so a server merely busy never answers 503. Meanwhile a
request that asked to be told (:func:`~.engine.lock_waits_told_to`: its transport
streams a progress line) hears that it waits, and when the wait is over.

PostgreSQL's transactions run as before: asyncpg talks to the server from the event
loop, and the same function of a connection runs through ``run_sync``. A write there
that takes STORE_WAIT_SHOWN_AFTER (it waits for a row or table lock another session
holds) is told to a request that asked, as above.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar, cast

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from .engine import (
    BEGIN_MODE_OPTION,
    LOCK_WAITS,
    SQLITE_BUSY_TIMEOUT_MS,
    STORE_WAIT_SHOWN_AFTER,
    LockWaitListener,
    StoreBusyError,
    Writer,
    _refuse_nul,
    lock_wait_listener,
    lock_wait_message,
    set_up_sqlite_connection,
)
from .fastsql import FAST_OPTION, begin_transaction

T = TypeVar("T")

log = logging.getLogger(__name__)

BUSY_SLICE = 0.1
"""Seconds of SQLite's busy wait between two looks at whether the write was stopped
(the person pressed Stop): a write waiting for another process's lock gives up that
soon, not when the lock comes or its ``lock_timeout`` is spent."""

LOCK_WAIT_POLL = 0.25
"""Seconds between looks at this process's lock waits, for a write whose context is told
about them (:func:`~.engine.lock_waits_told_to`) once it has waited a while."""

CHECKPOINT_EVERY = 200
"""Commits on the event loop's connection between two WAL checkpoints (on the writer
thread). SQLite's own automatic checkpoint comes every ~1,000 WAL pages."""


class LockWaitClock:
    """Seconds the writer thread has spent waiting for SQLite's write lock, in total.

    Only the database's wait, at ``BEGIN IMMEDIATE``: a write's budget is the growth of
    this total since it was asked for, not the wall-clock time it spent queued behind
    this process's other writes (module docstring). Read from the event loop, advanced
    on the writer thread.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._total = 0.0
        self._since: float | None = None

    def now(self) -> float:
        """The total so far, the wait under way included."""
        with self._guard:
            ongoing = 0.0 if self._since is None else time.monotonic() - self._since
            return self._total + ongoing

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """Count the time inside as waiting for the lock."""
        with self._guard:
            self._since = time.monotonic()
        try:
            yield
        finally:
            with self._guard:
                assert self._since is not None
                self._total += time.monotonic() - self._since
                self._since = None


class OneHop:
    """Runs a read or write transaction, given as a function of a synchronous connection."""

    def __init__(
        self,
        engine: AsyncEngine,
        writer: Writer,
        lock_timeout: float = SQLITE_BUSY_TIMEOUT_MS / 1000,
    ) -> None:
        """``lock_timeout``: see the module docstring (SQLite only)."""
        self._engine = engine
        self._lock_timeout = lock_timeout
        self._writer = writer
        self._sync: Engine | None = None
        self._sync_writes: Engine | None = None
        # SQLite's writes of this process, one at a time in order (see the docstring);
        # started by the first write after construction or close().
        self._write_thread: ThreadPoolExecutor | None = None
        # While close() waits for the writer thread's queue to drain: later writes wait
        # for it too, so they never run beside the writes still queued there.
        self._closing: asyncio.Future[None] | None = None
        # Writes handed to the writer thread that have not ended: while there are any, a
        # write on the loop would overtake them, so it queues behind them. (A checkpoint
        # there is no write: see _checkpoint.)
        self._queued = 0
        # The event loop's own write connection (see the module docstring), and its
        # commits since the last checkpoint.
        self._loop_writes: Engine | None = None
        self._loop_conn: Connection | None = None
        self._commits = 0
        self._lock_waits = LockWaitClock()
        if engine.dialect.name == "sqlite":
            self._sync = _sqlite_engine(engine)
            self._sync_writes = self._sync.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"})
            self._loop_writes = _sqlite_engine(engine, on_loop=True)

    async def write(self, work: Callable[[Connection], T], *, short: bool = False) -> T:
        """``work(conn)`` in one write transaction, committed when it returns.

        Cancelled while waiting for its turn, it never runs; cancelled while it waits for
        another process's lock, it gives up within :data:`BUSY_SLICE` with nothing
        written; cancelled while running, it returns only when its transaction has ended
        (a worker thread cannot be stopped, and the transaction may still commit). Then
        it passes the cancellation on, so the caller's next write (a release of what it
        wrote, say) comes after it.

        ``short``: ``work`` is a few indexed statements that never wait for anything
        but SQLite; on SQLite it may then run on the event loop (module docstring).
        """
        if self._sync_writes is None:
            listener = lock_wait_listener()
            if listener is None:
                async with self._writer.begin() as conn:
                    return await conn.run_sync(work)
            with _told_if_slow(listener, self._lock_timeout):
                async with self._writer.begin() as conn:
                    return await conn.run_sync(work)
        if self._closing is not None:
            await asyncio.shield(self._closing)
        if short and self._queued == 0:
            ran, result = self._write_on_loop(work)
            if ran:
                return cast("T", result)
        budget = _LockBudget(self._lock_waits, self._lock_timeout)
        running = self._submit(_write_by, self._sync_writes, work, budget)
        done = asyncio.wrap_future(running)
        self._queued += 1
        done.add_done_callback(self._dequeued)
        listener = lock_wait_listener()
        try:
            if listener is None:
                return await asyncio.shield(done)
            return await _telling_lock_waits(done, listener)
        except asyncio.CancelledError:
            if not running.cancel():
                # Still waiting for another process's lock, it gives up within
                # BUSY_SLICE, writing nothing; past that, its transaction ends first.
                budget.stopped.set()
                await _wait_out(done)
            raise

    def write_now(self, work: Callable[[Connection], T]) -> tuple[bool, T | None]:
        """A short ``work`` (see :meth:`write`) run at once on the event loop's
        connection: ``(True, result)``; ``(False, None)`` without running it when it
        cannot run there now (PostgreSQL, this process's writes queued on the writer
        thread or closing, another connection holding SQLite's lock). Then use
        :meth:`write`. Spares an awaited write's task where one must be shielded."""
        if self._sync_writes is None or self._closing is not None or self._queued:
            return False, None
        return self._write_on_loop(work)

    def _submit(self, fn: Callable[..., T], *args: object) -> Future[T]:
        if self._write_thread is None:
            self._write_thread = ThreadPoolExecutor(1, thread_name_prefix="jupyter-chatkit-store")
        return self._write_thread.submit(fn, *args)

    def _dequeued(self, _done: object) -> None:
        self._queued -= 1

    def _write_on_loop(self, work: Callable[[Connection], T]) -> tuple[bool, T | None]:
        """``work`` in a write transaction on the loop's connection: ``(True, result)``,
        or ``(False, None)`` without running it when another connection holds the lock."""
        assert self._loop_writes is not None
        conn = self._loop_conn
        if conn is None or conn.closed or conn.invalidated:
            conn = self._loop_conn = self._loop_writes.connect()
        try:
            transaction = conn.begin()
        except OperationalError as exc:
            if not _is_busy(exc):
                raise
            # Its state after a failed BEGIN is not worth reasoning about: a new one
            # next time (this happens only while another process writes).
            self._loop_conn = None
            conn.invalidate()
            return False, None
        with transaction:
            result = work(conn)
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY:
            self._commits = 0
            self._checkpoint()
        return True, result

    def _checkpoint(self) -> None:
        """Checkpoint the WAL on the writer thread (its fsync never on the loop).

        Not counted as a queued write: it changes no data, so the loop's writes need not
        follow it, and a passive checkpoint runs beside writers (WAL). Counted, every
        short write asked while it ran (an fsync, ~20 ms on a busy disk) went to the
        writer thread behind it, and the writes asked while those were queued too: under
        50 concurrent turns, a cascade of thread hops each waiting for the one before.
        """
        assert self._sync is not None
        checkpoint = asyncio.wrap_future(self._submit(_checkpoint_wal, self._sync))
        checkpoint.add_done_callback(_log_checkpoint_failure)

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
        if self._loop_conn is not None:
            loop_conn, self._loop_conn = self._loop_conn, None
            loop_conn.close()
        if self._write_thread is not None:
            write_thread, self._write_thread = self._write_thread, None
            # Waited for in a thread: a write may be waiting out another process's lock.
            closing = asyncio.ensure_future(asyncio.to_thread(write_thread.shutdown, wait=True))
            self._closing = closing
            closing.add_done_callback(self._closed)
            await asyncio.shield(closing)
        if self._sync is not None:
            self._sync.dispose()
        if self._loop_writes is not None:
            self._loop_writes.dispose()

    def _closed(self, closing: asyncio.Future[None]) -> None:
        # Done, even if close() itself was cancelled: writes may start a thread again.
        if self._closing is closing:
            self._closing = None


async def _telling_lock_waits(done: asyncio.Future[T], listener: LockWaitListener) -> T:
    """``done``'s result; meanwhile ``listener`` is told when this process has waited
    :data:`~.engine.STORE_WAIT_SHOWN_AFTER` for another process's lock (this write waits
    for it, or is queued behind the write that does), and when that is over.

    Cancelled, ``done`` goes on (as under ``asyncio.shield``). Most writes end within
    the first wait, the only one they pay for.
    """
    told: str | None = None
    try:
        timeout = STORE_WAIT_SHOWN_AFTER
        while True:
            finished, _ = await asyncio.wait({done}, timeout=timeout)
            if finished:
                return done.result()
            timeout = LOCK_WAIT_POLL
            wait = LOCK_WAITS.oldest()
            if told is None and wait is not None and wait[0] >= STORE_WAIT_SHOWN_AFTER:
                told = lock_wait_message(wait[1])
                listener(told, True)
    finally:
        if told is not None:
            listener(told, False)


@contextlib.contextmanager
def _told_if_slow(listener: LockWaitListener, lock_timeout: float) -> Iterator[None]:
    """PostgreSQL: ``listener`` is told when the write inside has taken
    :data:`~.engine.STORE_WAIT_SHOWN_AFTER` (a write of a few indexed statements that
    long waits for a lock another session holds, each wait bounded by ``lock_timeout``:
    see :func:`~.engine._bound_lock_waits`), and when it is over. A timer, no task: the
    write runs in its caller's task, which a Stop cancels at once."""
    told = False
    text = lock_wait_message(lock_timeout)

    def tell() -> None:
        nonlocal told
        told = True
        listener(text, True)

    timer = asyncio.get_running_loop().call_later(STORE_WAIT_SHOWN_AFTER, tell)
    try:
        yield
    finally:
        timer.cancel()
        if told:
            listener(text, False)


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


class _Stopped(Exception):
    """A write stopped while it waited for another process's lock: nothing written."""


class _LockBudget:
    """A write's ``lock_timeout``, spent only while the writer thread waits for the lock."""

    def __init__(self, clock: LockWaitClock, lock_timeout: float) -> None:
        self.clock = clock
        self.lock_timeout = lock_timeout
        self.start = clock.now()
        # Set when the write's caller was cancelled: a wait for the lock stops there.
        self.stopped = threading.Event()

    def left(self) -> float:
        """Seconds the write may still wait for the lock."""
        return self.lock_timeout - (self.clock.now() - self.start)


def _write_by(engine: Engine, work: Callable[[Connection], T], budget: _LockBudget) -> T:
    """``work`` in a write transaction begun within ``budget``, else
    :class:`StoreBusyError` with nothing written (see the module docstring)."""
    left = budget.left()
    if left <= 0:
        raise StoreBusyError("another process holds the store's write lock")
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        try:
            with LOCK_WAITS.waiting(left):
                transaction = _begin_within(conn, raw, budget)
            with transaction:
                return work(conn)
        finally:
            # Pooled: the next user (a read, say) waits as the engine's connections do.
            # A connection that broke meanwhile is discarded by the pool: its error is
            # the one to report, not this one's.
            with contextlib.suppress(sqlite3.Error):
                raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def _begin_within(conn: Connection, raw: Any, budget: _LockBudget) -> Any:
    """``BEGIN IMMEDIATE`` within ``budget``: SQLite's busy handler waits for the lock
    in slices of :data:`BUSY_SLICE`, so that a stopped write stops waiting.
    :class:`StoreBusyError` past the budget; :class:`_Stopped` once stopped (nothing
    written either way)."""
    while True:
        left = budget.left()
        if left <= 0:
            raise StoreBusyError("another process holds the store's write lock")
        raw.execute(f"PRAGMA busy_timeout = {max(1, int(min(left, BUSY_SLICE) * 1000))}")
        tried = time.monotonic()
        try:
            with budget.clock.waiting():
                return conn.begin()
        except OperationalError as exc:
            if not _is_busy(exc):
                raise
        # SQLite may answer SQLITE_BUSY without calling its busy handler (a deadlock it
        # detects, say): then the try took no time, and the rest of the slice is waited
        # here, so the writer thread does not spin. Stop wakes it at once.
        rest = min(BUSY_SLICE, left) - (time.monotonic() - tried)
        if rest > 0:
            with budget.clock.waiting():
                budget.stopped.wait(rest)
        if budget.stopped.is_set():
            raise _Stopped


def _is_busy(exc: OperationalError) -> bool:
    """SQLite said another connection holds the lock (``SQLITE_BUSY``)."""
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    return isinstance(orig, sqlite3.OperationalError) and code is not None and code & 0xFF == 5


def _checkpoint_wal(engine: Engine) -> None:
    with engine.connect() as conn:
        # Outside any transaction (the engine's "begin" hook would start one).
        conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]


def _log_checkpoint_failure(done: asyncio.Future[None]) -> None:
    if not done.cancelled() and done.exception() is not None:
        # The next one may succeed; SQLite's own checkpoints (other connections) go on.
        log.warning("A WAL checkpoint failed: %s", type(done.exception()).__name__)


def _set_up_loop_connection(dbapi_connection: Any, _record: Any = None) -> None:
    """The loop's write connection: never waits for a lock, never checkpoints."""
    set_up_sqlite_connection(dbapi_connection)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout = 0")
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    finally:
        cursor.close()


def _sqlite_engine(engine: AsyncEngine, on_loop: bool = False) -> Engine:
    """A synchronous engine on the same SQLite file, set up like the async one
    (``on_loop``: for the event loop's write connection, its transactions ``BEGIN
    IMMEDIATE``; see the module docstring)."""
    url = engine.url.set(drivername="sqlite+pysqlite")
    # The options are the engine's own, not a copy's (``execution_options()``): each
    # copy is one more level of joined event listeners that SQLAlchemy walks at every
    # BEGIN and COMMIT (~3 us of CPU each, on the loop).
    options: dict[str, Any] = {FAST_OPTION: True}
    if on_loop:
        options[BEGIN_MODE_OPTION] = "IMMEDIATE"
    # Used from worker threads, each connection by one thread at a time (the pool's
    # checkout); writers also one at a time (the writer thread).
    sync = create_engine(
        url,
        hide_parameters=True,
        connect_args={"check_same_thread": False},
        execution_options=options,
    )

    # As the async engine's connections: BEGIN is ours (IMMEDIATE for writes), the lock
    # waited for, WAL synced normally, foreign keys enforced.
    event.listen(sync, "connect", _set_up_loop_connection if on_loop else set_up_sqlite_connection)
    event.listen(sync, "begin", begin_transaction)
    event.listen(sync, "before_cursor_execute", _refuse_nul)
    # Its hot statements may skip SQLAlchemy's execution while nobody else listens
    # (FAST_OPTION).
    return sync
