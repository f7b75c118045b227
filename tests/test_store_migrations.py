"""Schema migrations, opening stores by URL, and SQLite connection settings."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from chatkit.types import AssistantMessageItem, FileAttachment, ThreadMetadata
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import (
    LATEST_VERSION,
    SchemaTooNewError,
    default_sqlite_path,
    open_store,
)
from jupyter_chatkit.store.engine import create_engine_for, resolve_url
from jupyter_chatkit.store.migrations import MIGRATIONS, current_version, migrate
from jupyter_chatkit.store.schema import metadata, schema_version

from .fixtures.store_threads import T0, message

ALICE = RequestContext(user_id="alice")

# Rows as the v1 schema stored them (payloads are ChatKit JSON, times in microseconds).
V1_ROWS = [
    """INSERT INTO threads (id, user_id, created_us, updated_us, title, payload) VALUES
       ('thr_old', 'alice', 1767225600000000, 1767225600000000, 'Old chat',
        '{"title": "Old chat", "id": "thr_old", "created_at": "2026-01-01T00:00:00Z",
          "status": {"type": "active"}, "metadata": {"notebook": "a.ipynb"}}')""",
    """INSERT INTO items (thread_id, id, user_id, type, created_us, payload) VALUES
       ('thr_old', 'msg_1', 'alice', 'assistant_message', 1767225601000000,
        '{"id": "msg_1", "thread_id": "thr_old", "created_at": "2026-01-01T00:00:01Z",
          "type": "assistant_message", "content": [{"type": "output_text", "text": "v1 says hi",
          "annotations": []}]}')""",
    """INSERT INTO items (thread_id, id, user_id, type, created_us, payload) VALUES
       ('thr_old', 'msg_2', 'alice', 'assistant_message', 1767225602000000,
        '{"id": "msg_2", "thread_id": "thr_old", "created_at": "2026-01-01T00:00:02Z",
          "type": "assistant_message", "content": [{"type": "output_text", "text": "bye",
          "annotations": []}]}')""",
    """INSERT INTO attachments (id, user_id, thread_id, name, mime_type, declared_size,
                                payload, data, created_us) VALUES
       ('atc_old', 'alice', 'thr_old', 'a.txt', 'text/plain', 2,
        '{"id": "atc_old", "name": "a.txt", "mime_type": "text/plain", "type": "file",
          "thread_id": "thr_old"}', NULL, 1767225600000000)""",
]


@pytest.mark.asyncio
async def test_opening_a_v1_database_upgrades_it_and_keeps_data(store_url: str) -> None:
    engine = create_engine_for(resolve_url(store_url))
    try:
        assert await migrate(engine, target=1) == 1
        async with engine.begin() as conn:
            for statement in V1_ROWS:
                await conn.execute(text(statement))
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert "feedback" not in tables and "item_tombstones" not in tables
    finally:
        await engine.dispose()

    store = await open_store(store_url)
    try:
        assert await current_version(store.engine) == LATEST_VERSION == 6
        old = await store.load_thread("thr_old", ALICE)
        assert (old.title, old.metadata) == ("Old chat", {"notebook": "a.ipynb"})
        # v4 filled the notebook column from the metadata: the filter finds the old thread.
        listed = await store.load_threads(10, None, "desc", ALICE, notebook="a.ipynb")
        assert [t.id for t in listed.data] == ["thr_old"]
        assert (await store.load_threads(10, None, "desc", ALICE, notebook="b.ipynb")).data == []
        page = await store.load_thread_items("thr_old", None, 10, "asc", ALICE)
        assert [item.id for item in page.data] == ["msg_1", "msg_2"]
        first = page.data[0]
        assert isinstance(first, AssistantMessageItem)
        assert first.content[0].text == "v1 says hi"
        assert isinstance(await store.load_attachment("atc_old", ALICE), FileAttachment)
        # What v2 added works on the old rows.
        await store.save_feedback("thr_old", ["msg_1"], "positive", ALICE)
        assert await store.load_feedback("thr_old", ALICE) == {"msg_1": "positive"}
        await store.delete_thread_item("thr_old", "msg_1", ALICE)
        rest = await store.load_thread_items("thr_old", "msg_1", 10, "asc", ALICE)
        assert [item.id for item in rest.data] == ["msg_2"]
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_migrating_is_idempotent_and_recorded(store_url: str) -> None:
    first = await open_store(store_url)
    await first.close()
    second = await open_store(store_url)
    try:
        assert await migrate(second.engine) == LATEST_VERSION
        async with second.engine.connect() as conn:
            rows = (await conn.execute(select(schema_version.c.version))).scalars().all()
        assert sorted(rows) == [m.version for m in MIGRATIONS]
    finally:
        await second.close()


@pytest.mark.asyncio
async def test_concurrent_openers_migrate_once(store_url: str) -> None:
    # Separate engines, separate connections: the same locking as two processes.
    stores = await asyncio.gather(*(open_store(store_url) for _ in range(8)))
    try:
        async with stores[0].engine.connect() as conn:
            rows = (await conn.execute(select(schema_version.c.version))).scalars().all()
        assert sorted(rows) == [m.version for m in MIGRATIONS]
    finally:
        for store in stores:
            await store.close()


@pytest.mark.asyncio
async def test_schema_module_matches_migrated_database(store_url: str) -> None:
    store = await open_store(store_url)
    try:

        def columns(conn: Connection) -> dict[str, set[str]]:
            inspector = inspect(conn)
            return {
                name: {c["name"] for c in inspector.get_columns(name)}
                for name in inspector.get_table_names()
            }

        async with store.engine.connect() as conn:
            migrated = await conn.run_sync(columns)
        declared = {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}
        assert migrated == declared
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_newer_schema_is_refused(store_url: str) -> None:
    store = await open_store(store_url)
    async with store.engine.begin() as conn:
        await conn.execute(
            schema_version.insert().values(version=99, description="future", applied_us=0)
        )
    await store.close()
    with pytest.raises(SchemaTooNewError):
        await open_store(store_url)


# URLs and SQLite settings ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:////tmp/x/chat.sqlite3", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:////tmp/x/chat.sqlite3", "sqlite+aiosqlite"),
        ("postgresql://u:pw@db.example:5433/chat", "postgresql+asyncpg"),
        ("postgres://u:pw@db.example/chat", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@db.example/chat", "postgresql+asyncpg"),
    ],
)
def test_url_mapping(url: str, driver: str) -> None:
    resolved = resolve_url(url)
    assert resolved.drivername == driver
    assert resolved.database in ("/tmp/x/chat.sqlite3", "chat")


def test_sqlite_home_paths_are_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/ada")
    assert resolve_url("sqlite:///~/chats/chat.sqlite3").database == (
        "/home/ada/chats/chat.sqlite3"
    )


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "mysql://u:hunter2@db/chat",
        "postgresql+psycopg://u:hunter2@db/chat",
        "not a url",
    ],
)
def test_unsupported_urls_are_refused_without_echoing_secrets(url: str) -> None:
    with pytest.raises(ValueError) as refused:
        resolve_url(url)
    assert "hunter2" not in str(refused.value)


@pytest.mark.asyncio
async def test_empty_url_opens_the_default_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    expected = tmp_path / "data" / "jupyter_chatkit" / "chat.sqlite3"
    assert default_sqlite_path() == expected
    store = await open_store("")
    try:
        assert store.dialect == "sqlite"
        assert expected.is_file()
        # Every conversation and uploaded file: this OS user's alone (the data directory
        # is often readable by all), its -wal and -shm files too.
        await store.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
        made = [expected, *expected.parent.glob("chat.sqlite3-*")]
        assert len(made) == 3 and all(f.stat().st_mode & 0o077 == 0 for f in made), made
        assert expected.parent.stat().st_mode & 0o777 == 0o700
    finally:
        await store.close()
    # A file that exists keeps its own permissions (shared on purpose, say).
    shared = tmp_path / "shared.sqlite3"
    shared.touch(mode=0o664)
    shared.chmod(0o664)
    store = await open_store(f"sqlite:///{shared}")
    await store.close()
    assert shared.stat().st_mode & 0o777 == 0o664


@pytest.mark.asyncio
async def test_sqlite_connection_settings(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'chat.sqlite3'}")
    try:
        async with store.engine.connect() as conn:
            pragmas = {
                name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
        # synchronous 1 = NORMAL
        assert pragmas == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 30000,
            "synchronous": 1,
        }
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_two_stores_on_one_sqlite_file_write_concurrently(tmp_path: Path) -> None:
    # The Jupyter server and a kernel share the file; each has its own pool.
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    server_side, kernel_side = await asyncio.gather(open_store(url), open_store(url))
    try:
        await server_side.save_thread(ThreadMetadata(id="thr_s", created_at=T0), ALICE)
        await asyncio.gather(
            *(
                side.add_thread_item("thr_s", message(f"{name}{n}", "thr_s"), ALICE)
                for n in range(25)
                for name, side in (("s", server_side), ("k", kernel_side))
            )
        )
        page = await kernel_side.load_thread_items("thr_s", None, 100, "asc", ALICE)
        assert len(page.data) == 50
    finally:
        await server_side.close()
        await kernel_side.close()


_WRITER_PROCESS = """
import asyncio, sys
from datetime import datetime
from chatkit.types import AssistantMessageContent, AssistantMessageItem
from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import open_store

async def main(url: str, name: str) -> None:
    store = await open_store(url)
    ctx = RequestContext(user_id="alice")
    for n in range(30):
        item = AssistantMessageItem(
            id=f"{name}-{n}", thread_id="thr_s", created_at=datetime.now(),
            content=[AssistantMessageContent(text=name)],
        )
        await store.add_thread_item("thr_s", item, ctx)
    await store.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


@pytest.mark.asyncio
async def test_processes_sharing_a_sqlite_file(tmp_path: Path) -> None:
    # Across processes only SQLite's own locking (BEGIN IMMEDIATE + busy_timeout)
    # serialises writers: the Jupyter server and kernels each open the same file.
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    store = await open_store(url)
    try:
        await store.save_thread(ThreadMetadata(id="thr_s", created_at=T0), ALICE)
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                _WRITER_PROCESS,
                url,
                f"p{n}",
                stderr=asyncio.subprocess.PIPE,
            )
            for n in range(2)
        ]
        results = [await process.communicate() for process in processes]
        for process, (_, stderr) in zip(processes, results, strict=True):
            assert process.returncode == 0, stderr.decode()
        page = await store.load_thread_items("thr_s", None, 200, "asc", ALICE)
        assert sorted(item.id for item in page.data) == sorted(
            f"p{p}-{n}" for p in range(2) for n in range(30)
        )
    finally:
        await store.close()
