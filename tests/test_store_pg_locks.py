"""PostgreSQL lock waits end after ``store_lock_timeout``, as SQLite's do: a write that
meets a lock another session holds (a long transaction in psql, an admin's ``LOCK
TABLE``, another server migrating) fails as "store unavailable" (a 503), not hangs;
reads go on; once the lock is gone the same write succeeds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from chatkit.types import ThreadMetadata

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.engine import PoolOptions, is_store_locked, is_store_unavailable
from jupyter_chatkit.store.migrations import _PG_LOCK_KEY

pytestmark = pytest.mark.postgres

CONTEXT = RequestContext(user_id="u")
# Bounds the test only: before the fix a write waited for the lock for ever.
HANG_GUARD = 30.0


def _thread(title: str) -> ThreadMetadata:
    return ThreadMetadata(id="thr_1", title=title, created_at=datetime.now(UTC))


def _assert_locked(exc: BaseException) -> None:
    assert not isinstance(exc, TimeoutError), "the write waited for the lock past its bound"
    assert is_store_locked(exc) and is_store_unavailable(exc), repr(exc)


@pytest.mark.asyncio
async def test_a_write_meeting_a_locked_table_ends_after_the_lock_timeout(role_url: str) -> None:
    import asyncpg

    store = await open_store(role_url, pool=PoolOptions(lock_timeout=0.5))
    other = await asyncpg.connect(role_url)
    try:
        await store.save_thread(_thread("first"), CONTEXT)
        transaction = other.transaction()
        await transaction.start()
        # Blocks writes, not reads.
        await other.execute("LOCK TABLE threads IN EXCLUSIVE MODE")
        with pytest.raises(Exception) as info:
            await asyncio.wait_for(store.save_thread(_thread("renamed"), CONTEXT), HANG_GUARD)
        _assert_locked(info.value)
        assert (await store.load_thread("thr_1", CONTEXT)).title == "first"
        await transaction.rollback()
        await store.save_thread(_thread("renamed"), CONTEXT)
        assert (await store.load_thread("thr_1", CONTEXT)).title == "renamed"
    finally:
        await other.close()
        await store.close()


@pytest.mark.asyncio
async def test_opening_while_another_server_migrates_ends_after_the_lock_timeout(
    role_url: str,
) -> None:
    import asyncpg

    other = await asyncpg.connect(role_url)
    try:
        # What a server migrating the same database holds until its migration commits.
        await other.execute("SELECT pg_advisory_lock($1)", _PG_LOCK_KEY)
        with pytest.raises(Exception) as info:
            await asyncio.wait_for(
                open_store(role_url, pool=PoolOptions(lock_timeout=0.5)), HANG_GUARD
            )
        _assert_locked(info.value)
        await other.execute("SELECT pg_advisory_unlock($1)", _PG_LOCK_KEY)
        store = await open_store(role_url, pool=PoolOptions(lock_timeout=0.5))
        await store.close()
    finally:
        await other.close()


@pytest.mark.asyncio
async def test_a_read_meeting_an_exclusive_table_lock_ends_after_the_lock_timeout(
    role_url: str,
) -> None:
    """An admin's ``LOCK TABLE`` (ACCESS EXCLUSIVE, its default), ``VACUUM FULL``,
    ``ALTER TABLE`` or another release's migration blocks reads too: each read held a
    pooled connection for as long, until the pool ran dry. A read now gives up after
    ``lock_timeout`` like a write; once the lock is gone it reads what was stored."""
    import asyncpg

    store = await open_store(role_url, pool=PoolOptions(lock_timeout=0.5))
    other = await asyncpg.connect(role_url)
    try:
        await store.save_thread(_thread("kept"), CONTEXT)
        transaction = other.transaction()
        await transaction.start()
        await other.execute("LOCK TABLE threads")
        with pytest.raises(Exception) as info:
            await asyncio.wait_for(store.load_thread("thr_1", CONTEXT), HANG_GUARD)
        _assert_locked(info.value)
        await transaction.rollback()
        assert (await store.load_thread("thr_1", CONTEXT)).title == "kept"
    finally:
        await other.close()
        await store.close()
