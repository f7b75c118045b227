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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import uuid4

from sqlalchemy import delete, update
from sqlalchemy.engine import Connection

from .engine import Dialect, dialect_insert
from .onehop import OneHop
from .schema import now_us, thread_turns

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30.0
"""How long a lease lasts without renewal; the holder renews it every third of that."""

WAIT_SECONDS = 600.0
"""The longest a turn waits for the one before it; then the request fails, readably."""

_POLL_FIRST, _POLL_MAX = 0.01, 0.25


class ThreadBusyError(ValueError):
    """Another turn held the thread for longer than :data:`WAIT_SECONDS`."""


class ThreadTurns:
    """Grants one turn at a time per thread id (see the module docstring)."""

    def __init__(self, dialect: Dialect, writes: OneHop) -> None:
        # Taking and releasing a lease: one thread hop each on SQLite (see onehop.py).
        self._writes = writes
        self._dialect = dialect
        self._local: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        """Hold ``thread_id``'s turn for the body of the ``async with``."""
        async with self._local_lock(thread_id):
            owner = uuid4().hex
            try:
                await self._acquire(thread_id, owner)
            except BaseException:
                # Cancelled (Stop, a closed browser) or failed after the lease's write may
                # have committed: nobody would release it, and the thread's next message
                # would wait for it to lapse. Releasing what was never taken is a no-op.
                await asyncio.shield(self._release(thread_id, owner))
                raise
            renewing = asyncio.ensure_future(self._renew(thread_id, owner))
            try:
                yield
            finally:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
                # Shielded: a cancelled turn (the user pressed Stop) still hands over.
                await asyncio.shield(self._release(thread_id, owner))

    @asynccontextmanager
    async def _local_lock(self, thread_id: str) -> AsyncIterator[None]:
        lock, users = self._local.get(thread_id, (asyncio.Lock(), 0))
        self._local[thread_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._local[thread_id]
            if users <= 1:
                del self._local[thread_id]
            else:
                self._local[thread_id] = (lock, users - 1)

    async def _acquire(self, thread_id: str, owner: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        pause = _POLL_FIRST
        while not await self._try_acquire(thread_id, owner):
            if time.monotonic() > deadline:
                raise ThreadBusyError(
                    "This conversation is still busy with another message; try again "
                    "when that answer is done."
                )
            await asyncio.sleep(pause)
            pause = min(pause * 2, _POLL_MAX)

    async def _try_acquire(self, thread_id: str, owner: str) -> bool:
        now = now_us()
        expires = now + int(LEASE_SECONDS * 1_000_000)
        stmt = dialect_insert(self._dialect, thread_turns).values(
            thread_id=thread_id, owner=owner, expires_us=expires
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[thread_turns.c.thread_id],
            set_={"owner": stmt.excluded.owner, "expires_us": stmt.excluded.expires_us},
            # Only a lapsed lease can be taken over.
            where=thread_turns.c.expires_us < now,
        )
        return bool(await self._writes.write(lambda conn: conn.execute(stmt).rowcount))

    async def _renew(self, thread_id: str, owner: str) -> None:
        def renew(conn: Connection) -> None:
            conn.execute(
                update(thread_turns)
                .where(thread_turns.c.thread_id == thread_id, thread_turns.c.owner == owner)
                .values(expires_us=now_us() + int(LEASE_SECONDS * 1_000_000))
            )

        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            try:
                await self._writes.write(renew)
            except Exception as exc:  # the next renewal may succeed; expiry is the backstop
                logger.warning("Could not renew a thread turn: %s", type(exc).__name__)

    async def _release(self, thread_id: str, owner: str) -> None:
        stmt = delete(thread_turns).where(
            thread_turns.c.thread_id == thread_id, thread_turns.c.owner == owner
        )
        try:
            await self._writes.write(lambda conn: conn.execute(stmt))
        except Exception as exc:  # the lease lapses on its own
            logger.warning("Could not release a thread turn: %s", type(exc).__name__)
