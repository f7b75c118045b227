"""A turn's reads and writes on SQLite (store/onehop.py): one thread hop each, as before."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pytest
from chatkit.store import NotFoundError
from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata
from sqlalchemy import event, select
from sqlalchemy.engine import Connection

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import open_store, turns
from jupyter_chatkit.store.engine import NulCharacterError, PoolOptions
from jupyter_chatkit.store.onehop import CHECKPOINT_EVERY
from jupyter_chatkit.store.schema import thread_turns

ALICE = RequestContext(user_id="alice")
BOB = RequestContext(user_id="bob")


def answer(item_id: str, thread_id: str, text: str = "hi") -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=datetime.now(),
        content=[AssistantMessageContent(text=text)],
    )


@pytest.mark.asyncio
async def test_a_write_waits_for_another_process_holding_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    try:
        thread = ThreadMetadata(id="thr_1", created_at=datetime.now())
        await store.save_thread(thread, ALICE)
        # Another process (a kernel sharing the file) in the middle of a write.
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        write = asyncio.ensure_future(
            store.add_thread_item("thr_1", answer("msg_1", "thr_1"), ALICE)
        )
        for _ in range(20):
            await asyncio.sleep(0)
        assert not write.done()  # waiting for SQLite's lock, the loop still running
        other.execute("COMMIT")
        other.close()
        await write
        page = await store.load_thread_items("thr_1", None, 10, "asc", ALICE)
        assert [item.id for item in page.data] == ["msg_1"]
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_writes_keep_owner_scope_and_refuse_nul(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    try:
        await store.create_thread_with_item(
            ThreadMetadata(id="thr_a", created_at=datetime.now()), answer("msg_a", "thr_a"), ALICE
        )
        page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
        assert [item.id for item in page.data] == ["msg_a"]
        # Bob can neither add to Alice's thread, nor take its id, nor see it.
        with pytest.raises(NotFoundError):
            await store.add_thread_item("thr_a", answer("msg_b", "thr_a"), BOB)
        with pytest.raises(NotFoundError):
            await store.save_thread(ThreadMetadata(id="thr_a", created_at=datetime.now()), BOB)
        with pytest.raises(NotFoundError):
            await store.create_thread_with_item(
                ThreadMetadata(id="thr_a", created_at=datetime.now()), answer("msg_c", "thr_a"), BOB
            )
        # A failed new thread leaves nothing behind; NUL is refused as before.
        with pytest.raises(NulCharacterError):
            await store.create_thread_with_item(
                ThreadMetadata(id="thr_n", created_at=datetime.now(), title="a\x00b"),
                answer("msg_n", "thr_n"),
                ALICE,
            )
        with pytest.raises(NotFoundError):
            await store.load_thread("thr_n", ALICE)
        assert (await store.load_thread("thr_a", ALICE)).id == "thr_a"
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_cancelled_write_holds_the_writers_turn_until_its_thread_ends(
    tmp_path: Path,
) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    writes = store._hop
    loop = asyncio.get_running_loop()
    started = asyncio.Event()
    go = threading.Event()
    ran: list[str] = []

    def first(conn: Connection) -> None:
        loop.call_soon_threadsafe(started.set)
        go.wait(60)  # a guard against a hung test only; the test sets it
        conn.execute(thread_turns.insert().values(thread_id="thr_x", owner="o", expires_us=1))
        ran.append("first")

    def second(conn: Connection) -> None:
        ran.append("second")

    def never(conn: Connection) -> None:
        ran.append("never")

    try:
        write = asyncio.ensure_future(writes.write(first))
        await started.wait()
        # Queued behind the running write; one of them is cancelled before its turn.
        queued = asyncio.ensure_future(writes.write(never))
        following = asyncio.ensure_future(writes.write(second))
        for _ in range(5):
            await asyncio.sleep(0)
        write.cancel()
        queued.cancel()
        for _ in range(20):
            await asyncio.sleep(0)
        # The worker thread is still inside its transaction: the cancelled write has not
        # returned, and the next writer has not run, until that transaction ends.
        assert not write.done()
        assert ran == []
        with pytest.raises(asyncio.CancelledError):
            await queued
        go.set()
        with pytest.raises(asyncio.CancelledError):
            await write
        await following
        # The cancelled write's transaction did commit, before the next writer ran; the
        # write cancelled while it waited for its turn never ran.
        assert ran == ["first", "second"]
        async with store.engine.connect() as conn:
            rows = (await conn.execute(thread_turns.select())).all()
        assert [row.thread_id for row in rows] == ["thr_x"]
    finally:
        go.set()
        await store.close()


@pytest.mark.asyncio
async def test_a_queued_write_runs_when_the_one_before_commits_while_the_loop_is_busy(
    tmp_path: Path,
) -> None:
    """This process's writers queue on the writer thread, not on a lock held until the
    event loop picks up the result: under load (a busy loop) the next write need not
    wait for the loop's turn to start."""
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    second_ran = threading.Event()

    def first(conn: Connection) -> None:
        conn.execute(thread_turns.insert().values(thread_id="thr_1", owner="o", expires_us=1))

    def second(conn: Connection) -> None:
        conn.execute(thread_turns.insert().values(thread_id="thr_2", owner="o", expires_us=1))
        second_ran.set()

    try:
        writes = [asyncio.ensure_future(store._hop.write(work)) for work in (first, second)]
        await asyncio.sleep(0)  # both asked for
        # The loop is busy (blocked here): the second write still runs after the first.
        assert second_ran.wait(60)
        await asyncio.gather(*writes)
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_turn_cancelled_while_taking_its_lease_leaves_none(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    sync, sync_writes = store._hop._sync, store._hop._sync_writes
    assert sync is not None and sync_writes is not None
    other = sqlite3.connect(path, isolation_level=None)
    # Set when a one-hop write's transaction begins (waiting for SQLite's lock), and when
    # its worker thread is done with its connection.
    beginning = threading.Event()
    written = threading.Event()
    event.listen(sync_writes, "begin", lambda *_: beginning.set())
    event.listen(sync, "checkin", lambda *_: written.set())
    try:
        # Another process (a kernel sharing the file) in the middle of a write.
        other.execute("BEGIN IMMEDIATE")

        async def turn() -> None:
            async with store.thread_turn("thr_1"):
                pytest.fail("the cancelled turn ran")

        entering = asyncio.ensure_future(turn())
        # Until the lease's upsert is in its worker thread, waiting for SQLite's lock.
        assert await asyncio.to_thread(beginning.wait, 60)
        entering.cancel()  # the user pressed Stop
        for _ in range(20):
            await asyncio.sleep(0)
        other.execute("COMMIT")
        # The worker thread goes on and commits the lease.
        assert await asyncio.to_thread(written.wait, 60)
        with pytest.raises(asyncio.CancelledError):
            await entering
        # ... and the cancelled turn released it: the thread's next message does not
        # wait for it to lapse.
        assert other.execute("SELECT thread_id, owner FROM thread_turns").fetchall() == []
        async with store.thread_turn("thr_1"):
            rows = other.execute("SELECT thread_id FROM thread_turns").fetchall()
        assert rows == [("thr_1",)]
    finally:
        other.close()
        await store.close()


@pytest.mark.asyncio
async def test_reads_run_in_one_hop_off_the_loop(tmp_path: Path) -> None:
    """Each read is one worker-thread hop on a synchronous connection: none of its
    statements goes through aiosqlite (a loop round trip per step), all of one read
    run on one thread, in one snapshot (BEGIN DEFERRED), never on the loop's thread."""
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    through_aiosqlite: list[str] = []
    statements: list[tuple[int, str]] = []
    event.listen(
        store.engine.sync_engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: through_aiosqlite.append(statement),
    )
    sync = store._hop._sync
    assert sync is not None
    event.listen(
        sync,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: statements.append((threading.get_ident(), statement)),
    )
    try:
        await store.create_thread_with_item(
            ThreadMetadata(id="thr_a", created_at=datetime.now()), answer("msg_a", "thr_a"), ALICE
        )
        await store.add_thread_item("thr_a", answer("msg_b", "thr_a"), ALICE)
        statements.clear()
        reads = [
            store.load_thread("thr_a", ALICE),
            store.load_thread_items("thr_a", "msg_a", 10, "asc", ALICE),
            store.load_item("thr_a", "msg_b", ALICE),
            store.load_threads(10, "thr_a", "desc", ALICE),
            store.load_feedback("thr_a", ALICE),
        ]
        for read in reads:
            statements.clear()
            await read
            threads = {ident for ident, _ in statements}
            assert len(threads) == 1 and threading.get_ident() not in threads
            assert statements[0][1] == "BEGIN DEFERRED"
            assert len(statements) >= 2
        # A foreign or unknown thread is still not found, in the same one hop.
        with pytest.raises(NotFoundError):
            await store.load_thread_items("thr_a", None, 10, "asc", BOB)
        assert through_aiosqlite == []
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_closed_store_opens_again_and_leaves_no_thread_between(tmp_path: Path) -> None:
    """close() closes what is pooled, not the store (a kernel closes it whenever idle)."""
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")

    def writer_threads() -> list[str]:
        return [t.name for t in threading.enumerate() if t.name.startswith("jupyter-chatkit-store")]

    try:
        await store.save_thread(ThreadMetadata(id="thr_1", created_at=datetime.now()), ALICE)
        # A write that runs on the writer thread (the store's short ones run on the loop).
        await store.save_feedback("thr_1", [], "positive", ALICE)
        assert writer_threads()
        await store.close()
        assert writer_threads() == []  # nothing keeps a script that asked from exiting
        await store.add_thread_item("thr_1", answer("msg_1", "thr_1"), ALICE)
        async with store.thread_turn("thr_1"):
            pass
        page = await store.load_thread_items("thr_1", None, 10, "asc", ALICE)
        assert [item.id for item in page.data] == ["msg_1"]
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_write_asked_while_closing_waits_for_the_writes_queued_before(
    tmp_path: Path,
) -> None:
    """Writes keep their order across a close(): no second writer thread beside the first."""
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}")

    def writer_threads() -> int:
        return sum(t.name.startswith("jupyter-chatkit-store") for t in threading.enumerate())

    try:
        await store.save_thread(ThreadMetadata(id="thr_1", created_at=datetime.now()), ALICE)
        # Another process holds the write lock: the first write waits in the writer thread.
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        first = asyncio.ensure_future(
            store.add_thread_item("thr_1", answer("msg_1", "thr_1"), ALICE)
        )
        for _ in range(20):
            await asyncio.sleep(0)
        closing = asyncio.ensure_future(store.close())
        for _ in range(20):
            await asyncio.sleep(0)
        second = asyncio.ensure_future(
            store.add_thread_item("thr_1", answer("msg_2", "thr_1"), ALICE)
        )
        for _ in range(20):
            await asyncio.sleep(0)
        assert not first.done() and not second.done()
        assert writer_threads() == 1  # the draining one; the second write waits for it
        other.execute("COMMIT")
        other.close()
        await first
        await closing
        await second
        page = await store.load_thread_items("thr_1", None, 10, "asc", ALICE)
        assert [item.id for item in page.data] == ["msg_1", "msg_2"]
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_turns_short_writes_run_on_the_loop_without_a_thread_hop(tmp_path: Path) -> None:
    """A new thread with its first message, a follow-up, an answer and a turn's lease
    are written on the event loop's thread: no writer thread is started for them."""
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    threads: set[int] = set()
    sync = store._hop._loop_writes
    assert sync is not None
    event.listen(sync, "before_cursor_execute", lambda *_: threads.add(threading.get_ident()))
    try:
        thread = ThreadMetadata(id="thr_a", created_at=datetime.now())
        await store.create_thread_with_item(thread, answer("msg_a", "thr_a"), ALICE)
        async with store.thread_turn_reading("thr_a", ALICE):
            await store.add_item_reading_newest("thr_a", answer("msg_b", "thr_a"), 10, ALICE)
            await store.add_thread_item("thr_a", answer("msg_c", "thr_a"), ALICE)
        await store.save_thread(thread, ALICE)
        assert threads == {threading.get_ident()}
        assert store._hop._write_thread is None
        page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
        assert [item.id for item in page.data] == ["msg_a", "msg_b", "msg_c"]
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_short_write_queues_behind_a_write_on_the_writer_thread(tmp_path: Path) -> None:
    """While another process holds the lock, a write waits on the writer thread; a short
    write asked after it neither blocks the loop nor overtakes it."""
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    await store.save_thread(ThreadMetadata(id="thr_1", created_at=datetime.now()), ALICE)
    other = sqlite3.connect(path, isolation_level=None)
    ran: list[str] = []
    try:
        other.execute("BEGIN IMMEDIATE")
        first = asyncio.ensure_future(store._hop.write(lambda conn: ran.append("first")))
        await asyncio.sleep(0)
        second = asyncio.ensure_future(
            store._hop.write(lambda conn: ran.append("second"), short=True)
        )
        for _ in range(20):
            await asyncio.sleep(0)  # the loop runs on: nothing waits for the lock on it
        assert ran == [] and not first.done() and not second.done()
        other.execute("COMMIT")
        await asyncio.gather(first, second)
        assert ran == ["first", "second"]
        # With the lock taken by another process, a short write waits on the writer
        # thread too, not on the loop.
        other.execute("BEGIN IMMEDIATE")
        third = asyncio.ensure_future(
            store.add_thread_item("thr_1", answer("msg_1", "thr_1"), ALICE)
        )
        for _ in range(20):
            await asyncio.sleep(0)
        assert not third.done()
        other.execute("COMMIT")
        await third
        page = await store.load_thread_items("thr_1", None, 10, "asc", ALICE)
        assert [item.id for item in page.data] == ["msg_1"]
    finally:
        other.close()
        await store.close()


@pytest.mark.asyncio
async def test_the_writes_on_the_loop_are_checkpointed_on_the_writer_thread(
    tmp_path: Path,
) -> None:
    """The loop's connection never checkpoints the WAL (an fsync on the loop); every
    CHECKPOINT_EVERY of its commits, the writer thread does."""
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}")

    def threads_in_the_database_file() -> int:
        # immutable: the main file alone, without what is still only in the WAL.
        with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM threads").fetchone()[0])

    try:
        with sqlite3.connect(path) as conn:  # the schema into the file
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = threads_in_the_database_file()
        for i in range(CHECKPOINT_EVERY - 1):
            await store.save_thread(ThreadMetadata(id=f"thr_{i}", created_at=datetime.now()), ALICE)
        assert threads_in_the_database_file() == before
        await store.save_thread(ThreadMetadata(id="thr_last", created_at=datetime.now()), ALICE)
        # Queued on the writer thread behind the checkpoint.
        await store._hop.write(lambda conn: None)
        assert threads_in_the_database_file() == before + CHECKPOINT_EVERY
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_the_writes_on_the_loop_go_on_while_the_writer_thread_checkpoints(
    tmp_path: Path,
) -> None:
    """A checkpoint is no write that later writes must follow: while it runs on the
    writer thread (an fsync, ~20 ms on a busy disk), the short writes stay on the loop.
    Counted as a queued write, it sent every write of every turn after it through the
    writer thread, one after the other, for as long as any was queued."""
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    hop = store._hop
    try:
        for i in range(CHECKPOINT_EVERY):
            await store.save_thread(ThreadMetadata(id=f"thr_{i}", created_at=datetime.now()), ALICE)
        # The last of those commits handed the checkpoint to the writer thread, and the
        # loop has not run since: it has not ended yet as far as the loop knows.
        assert hop._write_thread is not None
        ran, result = hop.write_now(lambda conn: "on the loop")
        assert (ran, result) == (True, "on the loop")
        thread = ThreadMetadata(id="thr_next", created_at=datetime.now())
        await store.save_thread(thread, ALICE)
        assert (await store.load_thread("thr_next", ALICE)).id == "thr_next"
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_held_turn_runs_no_task_of_its_own_until_a_renewal_is_due(
    tmp_path: Path,
) -> None:
    """Taking, holding and releasing a turn on SQLite starts no task (a renewal task per
    turn, cancelled at its end, cost more than the turn's lease writes on the loop)."""
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    try:
        await store.save_thread(ThreadMetadata(id="thr_a", created_at=datetime.now()), ALICE)
        before = asyncio.all_tasks()
        async with store.thread_turn_reading("thr_a", ALICE):
            assert asyncio.all_tasks() == before
            async with store.engine.connect() as conn:
                assert len((await conn.execute(select(thread_turns))).all()) == 1
        assert asyncio.all_tasks() == before
        async with store.engine.connect() as conn:
            assert (await conn.execute(select(thread_turns))).all() == []
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_held_turn_is_renewed_until_it_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Leases of 0.3 s, renewed every 0.1 s: a turn held longer keeps its lease.
    monkeypatch.setattr(turns, "LEASE_SECONDS", 0.3)
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")

    async def expiry() -> list[int]:
        async with store.engine.connect() as conn:
            return [row.expires_us for row in await conn.execute(select(thread_turns))]

    try:
        await store.save_thread(ThreadMetadata(id="thr_a", created_at=datetime.now()), ALICE)
        async with store.thread_turn("thr_a"):
            (first,) = await expiry()
            renewed = first
            for _ in range(200):  # a safety net against a hang, not a timing assertion
                if renewed > first:
                    break
                await asyncio.sleep(0.05)
                (renewed,) = await expiry()
            assert renewed > first
        assert await expiry() == []
        # The renewals stopped with the turn: none is left to run.
        assert not [t for t in asyncio.all_tasks() if "_Renewal" in repr(t.get_coro())]
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_write_queued_behind_this_processs_own_work_is_never_busy(
    tmp_path: Path,
) -> None:
    """store_lock_timeout bounds the wait for another process's lock, not the time a write
    spends queued behind this process's own writes: a server busy past it, with no other
    process holding the lock, must not answer 503."""
    store = await open_store(
        f"sqlite:///{tmp_path / 'chat.sqlite3'}", pool=PoolOptions(lock_timeout=0.2)
    )
    started, release = threading.Event(), threading.Event()

    def slow(conn: Connection) -> None:
        # This process's own long write (it holds the lock itself).
        conn.execute(thread_turns.insert().values(thread_id="thr_1", owner="o", expires_us=1))
        started.set()
        release.wait(60)

    def queued(conn: Connection) -> str:
        conn.execute(thread_turns.insert().values(thread_id="thr_2", owner="o", expires_us=1))
        return "written"

    try:
        first = asyncio.ensure_future(store._hop.write(slow))
        assert await asyncio.to_thread(started.wait, 60)
        second = asyncio.ensure_future(store._hop.write(queued))
        # Queued behind the first for longer than lock_timeout (before: StoreBusyError).
        await asyncio.sleep(0.5)
        release.set()
        await first
        assert await second == "written"
    finally:
        release.set()
        await store.close()
