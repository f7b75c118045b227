"""One turn at a time per thread, across processes, on SQLite and PostgreSQL alike.

A turn (the user's message saved, the model's answer streamed and saved) reads the
thread and then appends to it. Two turns running at once in one thread read each
other's half-written state: with 20 concurrent messages, most answers replied to
another request's question. So turns in one thread queue here.

Within a process they queue on an ``asyncio.Lock`` per thread; across processes (the
Jupyter server, kernels, several servers on one PostgreSQL) on a lease row in
``thread_turns``, taken with one upsert that only succeeds when no live lease exists.
A lease is renewed while the turn runs and lapses on its own if its holder dies, so a
crashed process never wedges a thread. Unlike a PostgreSQL advisory lock, a lease holds
no database connection while the model streams: a long answer does not take a
connection away from the pool, and SQLite gets the same guarantee.

The renewal also notices a thread deleted by another process (another server or kernel
on the same store) while its turn runs: the lease is renewed only while the thread
exists (the same statement), and a renewal that finds it gone calls the turn's
``on_gone``, which ends the turn at once instead of at its next write. A first turn
holds no lease; :meth:`ThreadTurns.watch` gives it the same check (one indexed read
every third of :data:`LEASE_SECONDS`), so no query runs per streamed event.

A turn that waits for the one before it (another window's, another server's or
kernel's on the same store) for :data:`~.engine.STORE_WAIT_SHOWN_AFTER` tells a request
that asked to be told (:func:`~.engine.lock_waits_told_to`: its transport streams a
progress line, :data:`TURN_WAIT_MESSAGE`), and again when its turn comes. Stopped while
it waits, it ends at once: the lease it may hold is released in the background (the
store's close waits for that release). Stopped once its turn runs, it ends as soon as
what the stopped turn keeps is saved or waits for another process's lock: that work
(:meth:`ThreadTurns.finish_in_background`) then goes on in the background, and the lease
is held (renewed) until it is done, so the thread's next turn reads what was kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from uuid import uuid4

from sqlalchemy import bindparam, delete, exists, select, update
from sqlalchemy.engine import Connection

from .engine import (
    STORE_WAIT_SHOWN_AFTER,
    Dialect,
    LockWaitListener,
    dialect_insert,
    lock_wait_listener,
)
from .fastsql import execute
from .onehop import OneHop
from .schema import now_us, thread_turns, threads

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30.0
"""How long a lease lasts without renewal; the holder renews it every third of that."""

WAIT_SECONDS = 600.0
"""The longest a turn waits for the one before it; then the request fails, readably."""

RELEASE_WAIT_ON_CLOSE = 5.0
"""The longest the store's close waits for stopped turns' last writes and the releases
of their leases."""

_POLL_FIRST, _POLL_MAX = 0.01, 0.25

TURN_WAIT_MESSAGE = (
    "Waiting for the answer being written in this conversation (in another window, or "
    "by another server or kernel using the same store) to finish; this message is "
    "answered next."
)
"""What people are told while a turn waits for the one before it."""

T = TypeVar("T")


@functools.cache
def _take_statement(dialect: Dialect) -> Any:
    """Take a lease that is free or lapsed, built once per dialect (building it per turn
    cost more Python time than the database takes to run it)."""
    stmt = dialect_insert(dialect, thread_turns).values(
        thread_id=bindparam("l_thread_id", type_=thread_turns.c.thread_id.type),
        owner=bindparam("l_owner", type_=thread_turns.c.owner.type),
        expires_us=bindparam("l_expires_us", type_=thread_turns.c.expires_us.type),
    )
    return stmt.on_conflict_do_update(
        index_elements=[thread_turns.c.thread_id],
        set_={"owner": stmt.excluded.owner, "expires_us": stmt.excluded.expires_us},
        # Only a lapsed lease can be taken over.
        where=thread_turns.c.expires_us < bindparam("l_now", type_=thread_turns.c.expires_us.type),
    )


# Renewed only while the thread exists: a renewal that changes no row finds the thread
# deleted (by another process: see the module docstring) or its lease lost.
_RENEW = (
    update(thread_turns)
    .where(
        thread_turns.c.thread_id == bindparam("l_thread_id"),
        thread_turns.c.owner == bindparam("l_owner"),
        exists().where(threads.c.id == bindparam("l_thread_id")),
    )
    .values(expires_us=bindparam("l_expires_us", type_=thread_turns.c.expires_us.type))
)
_THREAD_EXISTS = select(threads.c.id).where(threads.c.id == bindparam("l_thread_id"))
_RELEASE = delete(thread_turns).where(
    thread_turns.c.thread_id == bindparam("l_thread_id"),
    thread_turns.c.owner == bindparam("l_owner"),
)


class ThreadBusyError(ValueError):
    """Another turn held the thread for longer than :data:`WAIT_SECONDS`."""


class _Refused(Exception):
    """The read of :meth:`ThreadTurns.hold_reading` raised ``error``: no lease taken."""

    def __init__(self, error: Exception) -> None:
        super().__init__(type(error).__name__)
        self.error = error


class ThreadTurns:
    """Grants one turn at a time per thread id (see the module docstring)."""

    def __init__(self, dialect: Dialect, writes: OneHop) -> None:
        # Taking and releasing a lease: one thread hop each on SQLite (see onehop.py).
        self._writes = writes
        self._dialect = dialect
        self._local: dict[str, tuple[asyncio.Lock, int]] = {}
        # Stopped turns' last writes and their leases' releases, under way in the
        # background (see hold_reading, finish_in_background); the close waits for them.
        self._releasing: set[asyncio.Future[Any]] = set()
        # The turns held in this process (one per thread: see _local_lock), each with
        # the background work its lease is held for after the turn ends.
        self._held: dict[str, list[asyncio.Future[Any]]] = {}

    @asynccontextmanager
    async def hold(
        self, thread_id: str, on_gone: Callable[[], None] | None = None
    ) -> AsyncIterator[None]:
        """Hold ``thread_id``'s turn for the body of the ``async with``; ``on_gone`` is
        called (once, from another task) if a renewal finds the thread deleted."""
        async with self.hold_reading(thread_id, None, on_gone=on_gone):
            yield

    @asynccontextmanager
    async def hold_reading(
        self,
        thread_id: str,
        read: Callable[[Connection], T] | None,
        then: Callable[[Connection, T | None], T] | None = None,
        on_gone: Callable[[], None] | None = None,
    ) -> AsyncIterator[T | None]:
        """:meth:`hold`, yielding ``read(conn)`` run in the transaction that takes the
        lease (the state the turn starts from, in the same hop). If ``read`` raises
        (say, the thread is not the caller's) no lease is taken and the error passes on.
        ``then(conn, read's result)``, if given, runs in that transaction once the lease
        is taken (the turn's first write, in the same hop); its result is yielded. If it
        raises, nothing of the transaction stays and the error passes on.

        Only a caller that ``read`` accepts queues: when a turn of the thread is running
        in this process, ``read`` runs once before waiting for it too. ``on_gone``: as
        for :meth:`hold`.
        """
        if read is not None and thread_id in self._local:
            await self._writes.read(read)
        waiting = _TurnWait(lock_wait_listener())
        try:
            async with self._local_lock(thread_id, waiting):
                owner = uuid4().hex
                try:
                    result = await self._acquire(thread_id, owner, read, then, waiting)
                except _Refused as refused:
                    # ``read`` failed in the lease's transaction: nothing was taken.
                    raise refused.error from None
                except asyncio.CancelledError:
                    # Stopped while waiting: it ends now. The lease's write may have
                    # committed, so it is released, in the background: that write may
                    # itself wait for another process's lock. A no-op if never taken.
                    self._release_later(thread_id, owner)
                    raise
                except BaseException:
                    # Failed after the lease's write may have committed: nobody would
                    # release it, and the thread's next message would wait for it to
                    # lapse. Releasing what was never taken is a no-op.
                    await asyncio.shield(self._release(thread_id, owner))
                    raise
                finally:
                    waiting.over()
                renewal = ThreadWatch(self._writes, thread_id, owner, on_gone)
                kept = self._held[thread_id] = []
                stopped = False
                try:
                    yield result
                except asyncio.CancelledError:
                    stopped = True
                    raise
                finally:
                    del self._held[thread_id]
                    after = [work for work in kept if not work.done()]
                    if after:
                        # What the stopped turn keeps is still being saved: the lease
                        # stays (renewed) until it is, then is released.
                        self._release_later(thread_id, owner, after, renewal)
                    else:
                        await renewal.stop()
                        released = self._release_now(thread_id, owner)
                        if not released and stopped:
                            # Stopped (the user pressed Stop): it ends now; the release
                            # may wait for another process's lock, so it is written in
                            # the background.
                            self._release_later(thread_id, owner)
                        elif not released:
                            await asyncio.shield(self._release(thread_id, owner))
        finally:
            waiting.over()

    def finish_in_background(self, thread_id: str | None, work: asyncio.Future[Any]) -> None:
        """``work`` (a stopped turn's last writes, say) may go on after the turn that
        started it ends: the store's close waits for it, and a turn of ``thread_id``
        held in this process now keeps its lease (renewed) until ``work`` is done."""
        self._keep(work)
        if thread_id is not None and thread_id in self._held:
            self._held[thread_id].append(work)

    async def close(self) -> None:
        """Wait for stopped turns' last writes and the releases of their leases still
        under way (at most :data:`RELEASE_WAIT_ON_CLOSE`; one left then is stopped, and
        its lease lapses): run after the store closed, a release failed or was never
        done, and the thread's next message after a restart waited for the lease to
        lapse."""
        if self._releasing:
            pending = asyncio.gather(*self._releasing, return_exceptions=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pending, RELEASE_WAIT_ON_CLOSE)

    def watch(self, thread_id: str, on_gone: Callable[[], None]) -> ThreadWatch:
        """Check every third of :data:`LEASE_SECONDS` that ``thread_id`` still exists,
        holding no lease (a new thread's first turn); ``on_gone`` (once, from another
        task) when it does not. Stop it with ``await watch.stop()``."""
        return ThreadWatch(self._writes, thread_id, None, on_gone)

    @asynccontextmanager
    async def _local_lock(self, thread_id: str, waiting: _TurnWait) -> AsyncIterator[None]:
        lock, users = self._local.get(thread_id, (asyncio.Lock(), 0))
        self._local[thread_id] = (lock, users + 1)
        if lock.locked():
            # Another turn of the thread runs in this process (another window's).
            waiting.begin()
        try:
            async with lock:
                yield
        finally:
            lock, users = self._local[thread_id]
            if users <= 1:
                del self._local[thread_id]
            else:
                self._local[thread_id] = (lock, users - 1)

    async def _acquire(
        self,
        thread_id: str,
        owner: str,
        read: Callable[[Connection], T] | None,
        then: Callable[[Connection, T | None], T] | None,
        waiting: _TurnWait,
    ) -> T | None:
        deadline = time.monotonic() + WAIT_SECONDS
        pause = _POLL_FIRST
        while True:
            taken, result = await self._try_acquire(thread_id, owner, read, then)
            if taken:
                return result
            # Another process's turn holds the lease.
            waiting.begin()
            if time.monotonic() > deadline:
                raise ThreadBusyError(
                    "This conversation is still busy with another message; try again "
                    "when that answer is done."
                )
            await asyncio.sleep(pause)
            pause = min(pause * 2, _POLL_MAX)

    async def _try_acquire(
        self,
        thread_id: str,
        owner: str,
        read: Callable[[Connection], T] | None,
        then: Callable[[Connection, T | None], T] | None,
    ) -> tuple[bool, T | None]:
        now = now_us()
        params = {
            "l_thread_id": thread_id,
            "l_owner": owner,
            "l_expires_us": now + int(LEASE_SECONDS * 1_000_000),
            "l_now": now,
        }
        stmt = _take_statement(self._dialect)

        def take(conn: Connection) -> tuple[bool, T | None]:
            # Read first: if it raises, the transaction ends without a lease.
            try:
                result = read(conn) if read is not None else None
            except Exception as exc:
                raise _Refused(exc) from exc
            taken = bool(execute(conn, stmt, params).rowcount)
            if taken and then is not None:
                result = then(conn, result)
            return taken, result

        return await self._writes.write(take, short=True)

    async def _release(self, thread_id: str, owner: str) -> None:
        params = {"l_thread_id": thread_id, "l_owner": owner}
        try:
            await self._writes.write(lambda conn: execute(conn, _RELEASE, params), short=True)
        except Exception as exc:  # the lease lapses on its own
            logger.warning("Could not release a thread turn: %s", type(exc).__name__)

    def _release_later(
        self,
        thread_id: str,
        owner: str,
        after: list[asyncio.Future[Any]] | None = None,
        renewal: ThreadWatch | None = None,
    ) -> None:
        """:meth:`_release` in a task of its own, kept until it ends; once ``after`` is
        done and ``renewal`` stopped, if given."""

        async def release() -> None:
            if after:
                await asyncio.wait(after)
            if renewal is not None:
                await renewal.stop()
            await self._release(thread_id, owner)

        self._keep(asyncio.ensure_future(release()))

    def _keep(self, work: asyncio.Future[Any]) -> None:
        """Keep ``work`` until it ends (for :meth:`close`)."""
        self._releasing.add(work)
        work.add_done_callback(self._releasing.discard)

    def _release_now(self, thread_id: str, owner: str) -> bool:
        """:meth:`_release` at once when it can run on the event loop (usually): no task,
        nothing to shield. False when it must be awaited instead."""
        params = {"l_thread_id": thread_id, "l_owner": owner}
        try:
            ran, _ = self._writes.write_now(lambda conn: execute(conn, _RELEASE, params))
        except Exception as exc:  # the lease lapses on its own
            logger.warning("Could not release a thread turn: %s", type(exc).__name__)
            return True
        return ran


class _TurnWait:
    """A turn's wait for the one before it, told to ``listener`` (if any) once it has
    lasted :data:`~.engine.STORE_WAIT_SHOWN_AFTER`, and when it is over."""

    def __init__(self, listener: LockWaitListener | None) -> None:
        self._listener = listener
        self._timer: asyncio.TimerHandle | None = None
        self._told = False

    def begin(self) -> None:
        """The turn waits (again): told after a while, unless it is over by then."""
        if self._listener is not None and self._timer is None and not self._told:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(STORE_WAIT_SHOWN_AFTER, self._tell)

    def _tell(self) -> None:
        self._told = True
        if self._listener is not None:
            self._listener(TURN_WAIT_MESSAGE, True)

    def over(self) -> None:
        """The wait has ended (the turn taken, or not): told if the wait was."""
        if self._timer is not None:
            self._timer.cancel()
        listener, self._listener = self._listener, None
        if self._told and listener is not None:
            listener(TURN_WAIT_MESSAGE, False)


class ThreadWatch:
    """Renews a held lease every third of :data:`LEASE_SECONDS` until stopped, and calls
    ``on_gone`` when a renewal finds the thread deleted (then renews no more).

    A timer between renewals, and a task only while one is written: most turns end
    before the first is due, and a task per turn (started, then cancelled and awaited)
    cost more than the rest of taking and releasing the turn on the event loop.
    Without an ``owner`` (no lease held) it only checks that the thread exists.
    """

    def __init__(
        self,
        writes: OneHop,
        thread_id: str,
        owner: str | None,
        on_gone: Callable[[], None] | None = None,
    ) -> None:
        self._writes = writes
        self._thread_id = thread_id
        self._owner = owner
        self._on_gone = on_gone
        self._stopped = False
        self._task: asyncio.Task[None] | None = None
        self._timer = asyncio.get_running_loop().call_later(LEASE_SECONDS / 3, self._due)

    def _due(self) -> None:
        if not self._stopped:
            self._task = asyncio.ensure_future(self._renew())

    async def _renew(self) -> None:
        params = {"l_thread_id": self._thread_id, "l_owner": self._owner}

        def renew(conn: Connection) -> bool:
            """True while the thread exists."""
            values = {**params, "l_expires_us": now_us() + int(LEASE_SECONDS * 1_000_000)}
            if execute(conn, _RENEW, values).rowcount:
                return True
            # Rare: the thread is gone, or the lease was lost (it lapsed and another
            # turn took it); only the first ends this turn.
            return execute(conn, _THREAD_EXISTS, params).first() is not None

        def exists_now(conn: Connection) -> bool:
            return execute(conn, _THREAD_EXISTS, params).first() is not None

        try:
            if self._owner is None:
                there = await self._writes.read(exists_now)
            else:
                there = await self._writes.write(renew, short=True)
        except Exception as exc:  # the next renewal may succeed; expiry is the backstop
            logger.warning("Could not renew a thread turn: %s", type(exc).__name__)
            there = True
        if not there and not self._stopped:
            self._stopped = True
            if self._on_gone is not None:
                self._on_gone()
            return
        if not self._stopped:
            self._timer = asyncio.get_running_loop().call_later(LEASE_SECONDS / 3, self._due)

    async def stop(self) -> None:
        """No more renewals; one being written is stopped and waited for (a write in
        the writer thread ends first), so the release comes after it."""
        self._stopped = True
        self._timer.cancel()
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
