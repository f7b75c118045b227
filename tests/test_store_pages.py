"""Paging through a thread's items and a user's threads in the SQL store (SQLite and
PostgreSQL alike): no item skipped or repeated, cursors that outlive their row, and page
statements that seek an index."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from chatkit.store import NotFoundError

from jupyter_chatkit.store import SQLStore

from .fixtures.store_threads import ALICE, BOB, T0, message, thread, walk_items

# pagination ------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("limit", [1, 3, 7, 50])
async def test_item_pages_never_skip_or_repeat_on_equal_timestamps(
    store: SQLStore, order: str, limit: int
) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.save_thread(thread("thr_other"), ALICE)
    # Runs of identical timestamps, inserted out of time order, with another thread's
    # items interleaved.
    stamps = [T0 + timedelta(seconds=s) for s in (5, 5, 5, 1, 1, 9, 5, 1, 9, 9, 9, 5, 0)] * 3
    for n, at in enumerate(stamps):
        await store.add_thread_item("thr_a", message(f"m{n:02d}", "thr_a", at=at), ALICE)
        await store.add_thread_item("thr_other", message(f"o{n:02d}", "thr_other", at=at), ALICE)
    expected = [f"m{n:02d}" for n, _ in sorted(enumerate(stamps), key=lambda p: (p[1], p[0]))]
    if order == "desc":
        expected.reverse()
    assert await walk_items(store, "thr_a", order, limit) == expected


@pytest.mark.asyncio
async def test_page_shape(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    empty = await store.load_thread_items("thr_a", None, 5, "asc", ALICE)
    assert (empty.data, empty.has_more, empty.after) == ([], False, None)
    for n in range(4):
        await store.add_thread_item("thr_a", message(f"m{n}", "thr_a"), ALICE)
    first = await store.load_thread_items("thr_a", None, 2, "asc", ALICE)
    assert ([i.id for i in first.data], first.has_more, first.after) == (["m0", "m1"], True, "m1")
    last = await store.load_thread_items("thr_a", "m1", 2, "asc", ALICE)
    # The last page has no cursor, as in ChatKit's reference store and its docs.
    assert ([i.id for i in last.data], last.has_more, last.after) == (["m2", "m3"], False, None)
    newer = await store.load_thread_items("thr_a", "m3", 2, "asc", ALICE)
    assert (newer.data, newer.has_more) == ([], False)
    with pytest.raises(ValueError):
        await store.load_thread_items("thr_a", None, 0, "asc", ALICE)
    with pytest.raises(ValueError):
        await store.load_thread_items("thr_a", None, 5, "sideways", ALICE)


@pytest.mark.asyncio
@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_cursor_of_deleted_item_resumes_in_place(store: SQLStore, order: str) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    for n in range(10):
        await store.add_thread_item("thr_a", message(f"m{n}", "thr_a"), ALICE)
    first = await store.load_thread_items("thr_a", None, 3, order, ALICE)
    cursor = first.after
    assert cursor is not None
    await store.delete_thread_item("thr_a", cursor, ALICE)
    following = "m4" if order == "asc" else "m5"
    await store.delete_thread_item("thr_a", following, ALICE)

    seen = [item.id for item in first.data]
    after: str | None = cursor
    while after is not None:
        page = await store.load_thread_items("thr_a", after, 3, order, ALICE)
        seen.extend(item.id for item in page.data)
        after = page.after if page.has_more else None
    expected = [f"m{n}" for n in range(10) if f"m{n}" != following]
    if order == "desc":
        expected.reverse()
    assert seen == expected


@pytest.mark.asyncio
async def test_unknown_cursors_are_not_found(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.save_thread(thread("thr_b"), ALICE)
    await store.add_thread_item("thr_b", message("in_b", "thr_b"), ALICE)
    with pytest.raises(NotFoundError):
        await store.load_thread_items("thr_a", "nope", 5, "asc", ALICE)
    # An item id from another thread is not a cursor into this one.
    with pytest.raises(NotFoundError):
        await store.load_thread_items("thr_a", "in_b", 5, "asc", ALICE)
    with pytest.raises(NotFoundError):
        await store.load_threads(5, "thr_nope", "asc", ALICE)


@pytest.mark.asyncio
@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_thread_pages_on_equal_timestamps_and_deleted_cursor(
    store: SQLStore, order: str
) -> None:
    stamps = [T0 + timedelta(minutes=m) for m in (2, 2, 0, 2, 1, 1, 0, 2)] * 2
    for n, at in enumerate(stamps):
        await store.save_thread(thread(f"thr_{n:02d}", at), ALICE)
        await store.save_thread(thread(f"bob_{n:02d}", at), BOB)
    expected = [f"thr_{n:02d}" for n, _ in sorted(enumerate(stamps), key=lambda p: (p[1], p[0]))]
    if order == "desc":
        expected.reverse()

    seen: list[str] = []
    after: str | None = None
    deleted: str | None = None
    while True:
        page = await store.load_threads(3, after, order, ALICE)
        seen.extend(t.id for t in page.data)
        if not page.has_more:
            break
        after = page.after
        if deleted is None and after is not None:
            # Delete the cursor thread itself: the next page must still follow it.
            deleted = after
            await store.delete_thread(after, ALICE)
    assert seen == expected


# query plans -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_page_queries_seek_the_order_index(sqlite_store: SQLStore) -> None:
    # Guards the "deep page costs what the first page costs" property: every page
    # statement must be index seeks on (scope, created_us, seq), never a scan or OFFSET.
    from jupyter_chatkit.store import paging

    values = {"thread_id": "t", "user_id": "u", "fetch": 21, "at": 1, "at_seq": 2}
    statements = [*paging._ITEM_PAGES.values(), *paging._THREAD_PAGES.values()]
    async with sqlite_store.engine.connect() as conn:
        for statement in statements:
            sql = str(
                statement.params(values).compile(
                    dialect=conn.dialect, compile_kwargs={"literal_binds": True}
                )
            )
            assert set(re.findall(r"OFFSET (\w+)", sql)) <= {"0"}, sql
            plan = [row[-1] for row in await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
            searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
            assert searches, plan
            for step in searches:
                if step.startswith("SCAN anon"):
                    continue  # reading a subquery's (at most `fetch`) rows
                assert "USING INDEX ix_" in step and "_order" in step, plan
