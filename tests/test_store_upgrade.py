"""Upgrading a shared database (issue 15, item 5): when a newer release migrates it, the
servers still running the previous release keep working, as long as the new steps are
additive (the policy in README, "Upgrading a shared database"). A step that is not
additive is refused by the previous release instead of corrupting anything."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import SQLStore, open_store
from jupyter_chatkit.store import migrations as migrations_module
from jupyter_chatkit.store.engine import create_engine_for, resolve_url
from jupyter_chatkit.store.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    Migration,
    SchemaTooNewError,
    current_version,
    migrate,
)

from .fixtures.store_threads import T0, message, thread

ALICE = RequestContext(user_id="alice")
NEXT = LATEST_VERSION + 1


def _next_release_step(conn: Connection) -> None:
    """What a next release might add: a nullable column and a table of its own."""
    conn.execute(text("ALTER TABLE threads ADD COLUMN notebook_path TEXT"))
    conn.execute(text("CREATE TABLE thread_notebooks (thread_id VARCHAR(200) PRIMARY KEY)"))


async def _migrate_as_next_release(
    store_url: str, monkeypatch: pytest.MonkeyPatch, *, additive: bool
) -> None:
    step = Migration(NEXT, "notebook paths", _next_release_step, additive=additive)
    with monkeypatch.context() as patch:
        patch.setattr(migrations_module, "MIGRATIONS", (*MIGRATIONS, step))
        patch.setattr(migrations_module, "LATEST_VERSION", NEXT)
        engine = create_engine_for(resolve_url(store_url))
        try:
            assert await migrate(engine, target=NEXT) == NEXT
        finally:
            await engine.dispose()


async def _use(store: SQLStore, thread_id: str) -> None:
    """Write and read as a server does."""
    await store.save_thread(thread(thread_id), ALICE)
    await store.add_thread_item(thread_id, message(f"{thread_id}_m", thread_id), ALICE)
    page = await store.load_thread_items(thread_id, None, 10, "asc", ALICE)
    assert [item.id for item in page.data] == [f"{thread_id}_m"]


@pytest.mark.asyncio
async def test_previous_release_keeps_working_after_an_additive_migration(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = await open_store(store_url)  # a server of the current release, running
    try:
        await _use(running, "thr_before")
        await _migrate_as_next_release(store_url, monkeypatch, additive=True)
        assert await current_version(running.engine) == NEXT
        # The running server keeps reading and writing, old rows and new.
        await _use(running, "thr_after")
        listed = await running.load_threads(10, None, "asc", ALICE)
        assert [t.id for t in listed.data] == ["thr_before", "thr_after"]
    finally:
        await running.close()
    # A server of the current release that restarts now opens the newer database.
    restarted = await open_store(store_url)
    try:
        await _use(restarted, "thr_restarted")
        later = thread("thr_restarted", T0 + timedelta(seconds=1), title="kept")
        await restarted.save_thread(later, ALICE)
        assert (await restarted.load_thread("thr_restarted", ALICE)).title == "kept"
    finally:
        await restarted.close()


@pytest.mark.asyncio
async def test_previous_release_refuses_a_breaking_migration(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await open_store(store_url)
    await first.close()
    await _migrate_as_next_release(store_url, monkeypatch, additive=False)
    with pytest.raises(SchemaTooNewError):
        await open_store(store_url)


@pytest.mark.postgres
@pytest.mark.asyncio
async def test_the_readmes_purge_removes_one_user_only(postgres_url: str) -> None:
    """The SQL in README, "Purging a deleted user's conversations", run as written."""
    import re
    from pathlib import Path

    from .fixtures.store import _create_role_with_schema, _drop_role_with_schema

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("**Purging a deleted user's conversations**", 1)[1]
    match = re.search(r"```sql\n(.*?)```", section, re.S)
    assert match is not None
    statements = [s.strip() for s in match.group(1).split(";") if s.strip()]

    name, url = await _create_role_with_schema(postgres_url)
    try:
        store = await open_store(url)
        try:
            bob = RequestContext(user_id="bob")
            for who, thread_id in ((ALICE, "thr_alice"), (bob, "thr_bob")):
                await store.save_thread(thread(thread_id), who)
                await store.add_thread_item(thread_id, message(f"{thread_id}_m", thread_id), who)
                await store.save_feedback(thread_id, [f"{thread_id}_m"], "positive", who)
            async with store.engine.connect() as conn:
                raw = await conn.get_raw_connection()
                driver = raw.driver_connection
                for statement in statements:
                    await driver.execute(statement)
            assert (await store.load_threads(10, None, "asc", bob)).data == []
            kept = await store.load_thread_items("thr_alice", None, 10, "asc", ALICE)
            assert [item.id for item in kept.data] == ["thr_alice_m"]
            async with store.engine.connect() as conn:
                for table in ("items", "feedback", "attachments", "thread_tombstones"):
                    rows = await conn.execute(
                        text(f"SELECT count(*) FROM {table} WHERE user_id = 'bob'")
                    )
                    assert rows.scalar() == 0, table
        finally:
            await store.close()
    finally:
        await _drop_role_with_schema(postgres_url, name)
