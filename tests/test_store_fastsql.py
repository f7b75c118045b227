"""The store's hot statements on SQLite run on the driver directly (store/fastsql.py):
the same rows and row counts as through SQLAlchemy, the same errors, and every statement
seen again by anyone who listens to SQLAlchemy's statement events."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import SQLStore, open_store
from jupyter_chatkit.store.engine import NulCharacterError
from jupyter_chatkit.store.fastsql import FastResult, execute
from jupyter_chatkit.store.paging import _ITEM_PAGES, item_page
from jupyter_chatkit.store.statements import THREAD_BY_ID, item_upsert, item_values

ALICE = RequestContext(user_id="alice")


def answer(item_id: str, text: str = "hi") -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id="thr_a",
        created_at=datetime.now(),
        content=[AssistantMessageContent(text=text)],
    )


async def store_with_items(tmp_path: Path, count: int) -> SQLStore:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=datetime.now()), ALICE)
    for i in range(count):
        await store.add_thread_item("thr_a", answer(f"msg_{i:02d}", f"answer {i}"), ALICE)
    return store


async def on_loop(store: SQLStore, work: Callable[[Connection], Any]) -> Any:
    """``work`` in a write transaction on the store's own connection on the loop."""
    return await store._hop.write(work, short=True)


@pytest.mark.asyncio
async def test_the_driver_path_reads_and_writes_what_sqlalchemy_does(tmp_path: Path) -> None:
    store = await store_with_items(tmp_path, 5)
    params = {"thread_id": "thr_a", "user_id": "alice"}
    try:

        def both(conn: Connection) -> tuple[Any, ...]:
            fast = execute(conn, THREAD_BY_ID, params)
            slow = conn.execute(THREAD_BY_ID, params)
            fast_page, fast_more = item_page(conn, "thr_a", "alice", None, "desc", 3)
            return fast, slow.one_or_none(), fast_page, fast_more

        fast, slow_row, page, has_more = await on_loop(store, both)
        # The store's own engine, nobody listening: the driver path.
        assert isinstance(fast, FastResult)
        row = fast.one_or_none()
        assert tuple(row) == tuple(slow_row)
        assert (row.id, row.title, row.payload) == (slow_row.id, slow_row.title, slow_row.payload)
        assert [r.id for r in page] == ["msg_04", "msg_03", "msg_02"] and has_more
        # Every page statement (with and without a cursor, both orders), row for row.
        position = (int(page[1].created_us), int(page[1].seq))

        def pages(conn: Connection) -> list[tuple[list[Any], list[Any]]]:
            compared = []
            for (_order, after), stmt in _ITEM_PAGES.items():
                values = {**params, "fetch": 3}
                if after:
                    values["at"], values["at_seq"] = position
                fast = execute(conn, stmt, values)
                assert isinstance(fast, FastResult)  # a LIMIT's fixed OFFSET 0 is fine
                fast_rows = fast.all()
                compared.append(
                    ([tuple(r) for r in fast_rows], [tuple(r) for r in conn.execute(stmt, values)])
                )
            return compared

        for fast_rows, slow_rows in await on_loop(store, pages):
            assert fast_rows == slow_rows and fast_rows
        # A write's row count: an upsert of another user's item touches nothing.
        foreign = {**item_values("thr_a", answer("msg_00"), ALICE), "b_owner": "bob"}
        counted = await on_loop(store, lambda c: execute(c, item_upsert("sqlite"), foreign))
        assert counted.rowcount == 0
        mine = item_values("thr_a", answer("msg_00", "changed"), ALICE)
        counted = await on_loop(store, lambda c: execute(c, item_upsert("sqlite"), mine))
        assert counted.rowcount == 1
        item = await store.load_item("thr_a", "msg_00", ALICE)
        assert isinstance(item, AssistantMessageItem) and item.content[0].text == "changed"
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_the_driver_path_raises_what_sqlalchemy_raises_without_the_values(
    tmp_path: Path,
) -> None:
    store = await store_with_items(tmp_path, 0)
    secret = "the user's words, never in an error"
    try:
        # A missing thread: SQLite's foreign key refuses the item.
        orphan = item_values("thr_gone", answer("msg_x", secret), ALICE)
        with pytest.raises(IntegrityError) as raised:
            await on_loop(store, lambda c: execute(c, item_upsert("sqlite"), orphan))
        assert isinstance(raised.value.orig, sqlite3.IntegrityError)
        assert secret not in str(raised.value)
        # NUL in text is refused before SQLite sees it, as on every other statement
        # (in a JSON payload it is escaped, so a title or an id carries it here).
        nul = {"thread_id": "thr_\x00", "user_id": "alice"}
        with pytest.raises(NulCharacterError):
            await on_loop(store, lambda c: execute(c, THREAD_BY_ID, nul))
        titled = ThreadMetadata(id="thr_a", created_at=datetime.now(), title="a\x00b")
        with pytest.raises(NulCharacterError):
            await store.save_thread(titled, ALICE)
        assert (await store.load_thread("thr_a", ALICE)).title is None
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_listener_sees_every_statement_again(tmp_path: Path) -> None:
    """A tracer on the store's engines sees each statement the driver runs, BEGIN too."""
    store = await store_with_items(tmp_path, 1)
    loop_engine = store._hop._loop_writes
    assert loop_engine is not None
    ran: list[str] = []
    seen: list[str] = []
    try:
        # Recorded at the driver, which sees everything run on the loop's connection.
        loop_conn = store._hop._loop_conn
        assert loop_conn is not None
        driver = loop_conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        driver.set_trace_callback(ran.append)
        await store.add_thread_item("thr_a", answer("msg_1"), ALICE)
        assert any(sql.startswith("INSERT INTO items") for sql in ran)
        ran.clear()

        def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            seen.append(statement)

        event.listen(loop_engine, "before_cursor_execute", record)
        await store.add_thread_item("thr_a", answer("msg_2"), ALICE)
        async with store.thread_turn_reading("thr_a", ALICE):
            pass
        # Everything but COMMIT (the driver's own call, never a statement event); the
        # driver's trace shows the values in place of the parameters.
        assert [sql.split()[:3] for sql in ran if sql != "COMMIT"] == [
            sql.split()[:3] for sql in seen
        ]
        assert seen[0] == "BEGIN IMMEDIATE" and len(seen) >= 8
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_whether_a_listener_watches_is_checked_at_each_begin(tmp_path: Path) -> None:
    """The check for listeners runs at every transaction's BEGIN (not per statement): a
    listener added inside a transaction sees the statements from the next one on, and
    reads in the executor's threads (another engine) are checked the same way."""
    store = await store_with_items(tmp_path, 1)
    loop_engine, read_engine = store._hop._loop_writes, store._hop._sync
    assert loop_engine is not None and read_engine is not None
    params = {"thread_id": "thr_a", "user_id": "alice"}
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    try:

        def listen_then_read(conn: Connection) -> tuple[Any, Any]:
            before = execute(conn, THREAD_BY_ID, params)
            event.listen(loop_engine, "before_cursor_execute", record)
            # Checked at this transaction's BEGIN: still the driver's.
            return before, execute(conn, THREAD_BY_ID, params)

        first, second = await on_loop(store, listen_then_read)
        assert isinstance(first, FastResult) and isinstance(second, FastResult)
        assert seen == []
        third = await on_loop(store, lambda conn: execute(conn, THREAD_BY_ID, params))
        assert not isinstance(third, FastResult)
        assert seen[0] == "BEGIN IMMEDIATE" and seen[1].startswith("SELECT")
        event.remove(loop_engine, "before_cursor_execute", record)
        fourth = await on_loop(store, lambda conn: execute(conn, THREAD_BY_ID, params))
        assert isinstance(fourth, FastResult)
        seen.clear()
        # A read runs in the default executor on the reading engine.
        read = await store._hop.read(lambda conn: execute(conn, THREAD_BY_ID, params))
        assert isinstance(read, FastResult)
        event.listen(read_engine, "before_cursor_execute", record)
        await store.load_thread("thr_a", ALICE)
        assert seen[0] == "BEGIN DEFERRED" and seen[1].startswith("SELECT")
        event.remove(read_engine, "before_cursor_execute", record)
    finally:
        await store.close()
