"""Threads per notebook in the store (issue 10): the indexed ``threads.notebook`` column,
one notebook's threads keyset-paged in SQL, and renames of notebooks and folders, on
SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from chatkit.types import ClientToolCallItem
from sqlalchemy import text

from jupyter_chatkit.assistant.notebook_threads import notebook_to_record
from jupyter_chatkit.store import SQLStore, open_store
from jupyter_chatkit.store.engine import create_engine_for, resolve_url
from jupyter_chatkit.store.migrations import migrate
from jupyter_chatkit.store.notebooks import MAX_NOTEBOOK_BYTES, notebook_path

from .fixtures.store_threads import ALICE, BOB, T0, message, text_of, thread


def in_notebook(thread_id: str, notebook: str | None, seconds: int = 0, **meta: Any) -> Any:
    metadata = {**meta, **({"notebook": notebook} if notebook else {})}
    return thread(thread_id, T0 + timedelta(seconds=seconds), metadata=metadata)


async def ids(store: SQLStore, notebook: str, limit: int, order: str, user: Any = ALICE) -> list:
    """Every thread of ``notebook``, paging ``limit`` at a time; checks the cursors."""
    seen: list[str] = []
    after = None
    for _ in range(50):
        page = await store.load_threads(limit, after, order, user, notebook=notebook)
        assert len(page.data) <= limit
        seen += [t.id for t in page.data]
        if not page.has_more:
            assert page.after is None
            return seen
        assert page.after == page.data[-1].id
        after = page.after
    raise AssertionError("paging did not end")


@pytest.mark.asyncio
async def test_one_notebooks_threads_page_in_order(store: SQLStore) -> None:
    # Many threads share a timestamp: ties are ordered by seq, never skipped or repeated.
    layout = ["a.ipynb", "b.ipynb", "a.ipynb", None, "a.ipynb", "b.ipynb", "a.ipynb", "a.ipynb"]
    for n, notebook in enumerate(layout):
        await store.save_thread(in_notebook(f"t{n}", notebook, seconds=n // 3), ALICE)
    await store.save_thread(in_notebook("bob_a", "a.ipynb"), BOB)
    in_a = [f"t{n}" for n, nb in enumerate(layout) if nb == "a.ipynb"]
    for limit in (1, 2, 3, 10):
        assert await ids(store, "a.ipynb", limit, "asc") == in_a
        assert await ids(store, "a.ipynb", limit, "desc") == in_a[::-1]
    assert await ids(store, "b.ipynb", 1, "desc") == ["t5", "t1"]
    assert await ids(store, "a.ipynb", 5, "asc", BOB) == ["bob_a"]
    assert await ids(store, "nowhere.ipynb", 5, "asc") == []
    # Unfiltered lists are unchanged.
    whole = await store.load_threads(20, None, "asc", ALICE)
    assert [t.id for t in whole.data] == [f"t{n}" for n in range(len(layout))]


@pytest.mark.asyncio
async def test_a_deleted_threads_cursor_keeps_its_place_in_a_notebook(store: SQLStore) -> None:
    for n in range(5):
        await store.save_thread(in_notebook(f"t{n}", "a.ipynb", seconds=n), ALICE)
    first = await store.load_threads(2, None, "asc", ALICE, notebook="a.ipynb")
    assert [t.id for t in first.data] == ["t0", "t1"]
    await store.delete_thread("t1", ALICE)
    rest = await store.load_threads(10, first.after, "asc", ALICE, notebook="a.ipynb")
    assert [t.id for t in rest.data] == ["t2", "t3", "t4"]


@pytest.mark.asyncio
async def test_a_save_of_an_older_copy_does_not_undo_a_rename(store: SQLStore) -> None:
    # A thread without a notebook gets one when it is first recorded.
    await store.save_thread(in_notebook("t", None, mode="ask"), ALICE)
    assert await ids(store, "a.ipynb", 5, "asc") == []
    await store.save_thread(in_notebook("t", "a.ipynb", mode="ask"), ALICE)
    assert await ids(store, "a.ipynb", 5, "asc") == ["t"]
    # ChatKit saves the copy it loaded when a turn began: a rename meanwhile stays.
    loaded = await store.load_thread("t", ALICE)
    assert await store.move_notebook("a.ipynb", "b.ipynb", owners=["alice"]) == 1
    loaded.title = "Renamed during the turn"
    await store.save_thread(loaded, ALICE)
    again = await store.load_thread("t", ALICE)
    assert (again.title, again.metadata) == (
        "Renamed during the turn",
        {"mode": "ask", "notebook": "b.ipynb"},
    )
    assert await ids(store, "b.ipynb", 5, "asc") == ["t"]
    assert await ids(store, "a.ipynb", 5, "asc") == []
    listed = await store.load_threads(5, None, "asc", ALICE)
    assert listed.data[0].metadata["notebook"] == "b.ipynb"


@pytest.mark.asyncio
async def test_one_limit_on_notebook_paths(store: SQLStore) -> None:
    # One byte past the limit (in UTF-8, not characters): never recorded, listed or
    # moved to. The server refuses to record it (notebook_threads.notebook_to_record);
    # a thread saved with it anyway keeps it in its metadata only.
    store.server_id = "here"
    fits = "é" * (MAX_NOTEBOOK_BYTES // 2)
    huge = fits + "x"
    assert notebook_path(fits) == fits and notebook_path(huge) is None
    assert notebook_to_record({"notebook": huge}) is None
    assert notebook_to_record({"notebook": fits}) == fits
    await store.save_thread(in_notebook("long", huge), ALICE)
    assert (await store.load_thread("long", ALICE)).metadata["notebook"] == huge
    assert await ids(store, huge, 5, "asc") == []
    # A list filtered by such a path is empty, not the whole history.
    await store.save_thread(in_notebook("short", "d/a.ipynb", seconds=1), ALICE)
    assert await ids(store, huge, 5, "asc") == []
    # A move whose new path would break the limit leaves the thread where it was.
    await store.save_thread(in_notebook("edge", fits), ALICE)
    assert await store.move_notebook(fits, huge) == 0
    # In a renamed folder, the one thread the limit would cut off stays.
    assert await store.move_notebook("d", "e" * (MAX_NOTEBOOK_BYTES - 4)) == 0
    assert await ids(store, fits, 5, "asc") == ["edge"]
    assert await ids(store, "d/a.ipynb", 5, "asc") == ["short"]


@pytest.mark.asyncio
async def test_renamed_notebooks_and_folders_take_their_threads(store: SQLStore) -> None:
    store.server_id = "here"
    layout = {
        "file": "old.ipynb",
        "lookalike": "old.ipynb2",
        "in_dir": "work/a.ipynb",
        "nested": "work/deep/b.ipynb",
        "sibling_dir": "work2/c.ipynb",
        "elsewhere": "other.ipynb",
    }
    for n, (thread_id, notebook) in enumerate(layout.items()):
        await store.save_thread(in_notebook(thread_id, notebook, seconds=n, mode="ask"), ALICE)

    assert await store.move_notebook("old.ipynb", "renamed.ipynb") == 1
    assert await store.move_notebook("/work/", "archive/2026/work") == 2

    async def notebook(thread_id: str, user: Any = ALICE) -> str:
        loaded = await store.load_thread(thread_id, user)
        return str(loaded.metadata["notebook"])

    assert {t: await notebook(t) for t in layout} == {
        "file": "renamed.ipynb",
        "lookalike": "old.ipynb2",
        "in_dir": "archive/2026/work/a.ipynb",
        "nested": "archive/2026/work/deep/b.ipynb",
        "sibling_dir": "work2/c.ipynb",
        "elsewhere": "other.ipynb",
    }
    # The rest of the metadata stays; the filter finds them at their new paths.
    assert (await store.load_thread("file", ALICE)).metadata["mode"] == "ask"
    assert await ids(store, "renamed.ipynb", 5, "asc") == ["file"]
    assert await ids(store, "archive/2026/work/deep/b.ipynb", 5, "asc") == ["nested"]
    assert await ids(store, "old.ipynb", 5, "asc") == []
    # Nothing to do: same path, empty paths.
    assert await store.move_notebook("other.ipynb", "other.ipynb") == 0
    assert await store.move_notebook("", "x.ipynb") == 0
    assert await store.move_notebook("other.ipynb", "/") == 0


def step(item_id: str, thread_id: str, notebook: str) -> ClientToolCallItem:
    """An applied agent insert whose output names ``notebook`` (as the front end does)."""
    output = {"status": "applied", "index": 1, "undo": {"cell_id": "c"}, "notebook": notebook}
    return ClientToolCallItem(
        id=item_id,
        thread_id=thread_id,
        created_at=T0,
        status="completed",
        call_id=f"call-{item_id}",
        name="insert_cell",
        arguments={"source": "x = 1"},
        output=output,
    )


@pytest.mark.asyncio
async def test_a_renamed_notebooks_agent_steps_follow_it(store: SQLStore) -> None:
    """Steps name their notebook by path ("Undo agent changes" reverts them where that
    notebook is open): a moved thread's steps naming the old path (or a notebook under a
    moved folder) move in the same write; nothing else changes."""
    store.server_id = "here"
    await store.save_thread(in_notebook("t", "work/old.ipynb"), ALICE)
    await store.save_thread(in_notebook("elsewhere", "old.ipynb2"), ALICE)
    await store.save_thread(in_notebook("bobs", "work/old.ipynb"), BOB)
    await store.add_thread_item("t", step("s1", "t", "work/old.ipynb"), ALICE)
    await store.add_thread_item("t", step("s2", "t", "other.ipynb"), ALICE)
    await store.add_thread_item("t", step("s3", "t", "work/old.ipynb2"), ALICE)
    said = message("m", "t", '{"notebook": "work/old.ipynb"}')
    await store.add_thread_item("t", said, ALICE)
    await store.add_thread_item("elsewhere", step("s4", "elsewhere", "work/old.ipynb"), ALICE)
    await store.add_thread_item("bobs", step("s5", "bobs", "work/old.ipynb"), BOB)

    async def named(thread_id: str, user: Any = ALICE) -> dict[str, Any]:
        page = await store.load_thread_items(thread_id, None, 20, "asc", user)
        return {
            i.id: i.output["notebook"] if isinstance(i, ClientToolCallItem) else text_of(i)
            for i in page.data
        }

    # A sidebar rename: only that user's threads (and their steps) move.
    assert await store.move_notebook("work/old.ipynb", "work/new.ipynb", user="alice") == 1
    assert await named("t") == {
        "s1": "work/new.ipynb",
        "s2": "other.ipynb",
        "s3": "work/old.ipynb2",
        "m": '{"notebook": "work/old.ipynb"}',
    }
    assert await named("elsewhere") == {"s4": "work/old.ipynb"}
    assert await named("bobs", BOB) == {"s5": "work/old.ipynb"}
    # A folder renamed on the server: Bob's thread made here follows too, with its step.
    assert await store.move_notebook("work", "archive/work") == 2
    assert (await named("t"))["s1"] == "archive/work/new.ipynb"
    assert await named("bobs", BOB) == {"s5": "archive/work/old.ipynb"}
    # The rest of a step is kept.
    page = await store.load_thread_items("t", None, 1, "asc", ALICE)
    moved = page.data[0]
    assert isinstance(moved, ClientToolCallItem) and isinstance(moved.output, dict)
    assert moved.output["undo"] == {"cell_id": "c"} and moved.status == "completed"


@pytest.mark.asyncio
async def test_a_rename_moves_only_the_threads_made_through_its_server(store: SQLStore) -> None:
    # Threads recorded before servers were (older releases): no server.
    await store.save_thread(in_notebook("alice_old", "a.ipynb"), ALICE)
    await store.save_thread(in_notebook("bob_old", "a.ipynb"), BOB)
    # Bob's own server: a.ipynb there is another file.
    store.server_id = "hub:bob/"
    await store.save_thread(in_notebook("bob_own", "a.ipynb"), BOB)
    # Alice's server, where Bob chatted too (an admin, a user given access).
    store.server_id = "hub:alice/"
    await store.save_thread(in_notebook("alice_here", "a.ipynb"), ALICE)
    await store.save_thread(in_notebook("bob_here", "a.ipynb"), BOB)
    # Saving a thread made elsewhere does not make it this server's.
    await store.save_thread(await store.load_thread("bob_own", BOB), BOB)

    async def where() -> dict[str, str]:
        found = {}
        for thread_id in ("alice_old", "bob_old", "bob_own", "alice_here", "bob_here"):
            user = ALICE if thread_id.startswith("alice") else BOB
            found[thread_id] = (await store.load_thread(thread_id, user)).metadata["notebook"]
        return found

    # Alice's server renames a.ipynb: its threads, and its owner's older ones, follow.
    assert await store.move_notebook("a.ipynb", "b.ipynb", owners=["alice"]) == 3
    assert await where() == {
        "alice_old": "b.ipynb",
        "bob_old": "a.ipynb",
        "bob_own": "a.ipynb",
        "alice_here": "b.ipynb",
        "bob_here": "b.ipynb",
    }
    # Bob renames in his front end here: his threads made here and his older ones.
    assert await store.move_notebook("b.ipynb", "c.ipynb", owners=["bob"], user="bob") == 1
    assert await store.move_notebook("a.ipynb", "c.ipynb", owners=["bob"], user="bob") == 1
    assert (await where())["bob_here"] == "c.ipynb"
    assert (await where())["bob_old"] == "c.ipynb"
    assert (await where())["bob_own"] == "a.ipynb"
    assert (await where())["alice_here"] == "b.ipynb"
    # A store that knows no server and no owners moves nothing.
    store.server_id = None
    assert await store.move_notebook("b.ipynb", "x.ipynb") == 0
    assert await store.move_notebook("b.ipynb", "x.ipynb", owners=["carol"]) == 0


@pytest.mark.asyncio
async def test_a_v3_database_gets_its_notebook_column_filled(store_url: str) -> None:
    engine = create_engine_for(resolve_url(store_url))
    rows = [
        (
            "thr_a",
            '{"id": "thr_a", "created_at": "2026-01-01T00:00:00Z", '
            '"status": {"type": "active"}, "metadata": {"notebook": "a.ipynb"}}',
        ),
        (
            "thr_num",
            '{"id": "thr_num", "created_at": "2026-01-01T00:00:01Z", '
            '"status": {"type": "active"}, "metadata": {"notebook": 7}}',
        ),
        ("thr_bad", '{"metadata": {"notebook": "a.ipynb"'),
        (
            "thr_none",
            '{"id": "thr_none", "created_at": "2026-01-01T00:00:03Z", '
            '"status": {"type": "active"}, "metadata": {}}',
        ),
    ]
    try:
        assert await migrate(engine, target=3) == 3
        async with engine.begin() as conn:
            for n, (thread_id, payload) in enumerate(rows):
                await conn.execute(
                    text(
                        "INSERT INTO threads (id, user_id, created_us, updated_us, title, payload)"
                        " VALUES (:id, 'alice', :at, :at, NULL, :payload)"
                    ),
                    {"id": thread_id, "at": 1767225600000000 + n, "payload": payload},
                )
    finally:
        await engine.dispose()
    store = await open_store(store_url)
    try:
        assert await ids(store, "a.ipynb", 5, "asc") == ["thr_a"]
        # The unreadable row is still listed (as a bare thread), just not as a.ipynb's.
        listed = await store.load_threads(10, None, "asc", ALICE)
        assert [t.id for t in listed.data] == ["thr_a", "thr_num", "thr_bad", "thr_none"]
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_the_notebook_filter_is_an_index_range_on_sqlite(sqlite_store: SQLStore) -> None:
    async with sqlite_store.engine.connect() as conn:
        plan = (
            await conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM threads WHERE user_id = 'a' "
                    "AND notebook = 'x.ipynb' ORDER BY created_us DESC, seq DESC LIMIT 21"
                )
            )
        ).all()
    detail = " ".join(str(row[-1]) for row in plan)
    assert "ix_threads_user_notebook_order" in detail
    assert "TEMP B-TREE" not in detail  # no sort: the index gives the order
