"""The store contract ChatKit relies on, on SQLite and PostgreSQL alike.

The first half pins what chatkit-python's own store tests (``tests/test_store.py`` in
openai/chatkit-python) and its server test expect of any ``Store``: the last page has no
``after`` cursor, items come back in order, ``after`` resumes after the named row,
unknown items are ``NotFoundError``, every item type round-trips, and ``save_item``
keeps an item where it was. The second half is what issue 14 found: page limits
beyond 64 bits, and NUL characters, behave the same on both backends.

One deliberate difference from chatkit-python's reference store: a thread owned by
someone else is ``NotFoundError`` here, where the reference store lists no items.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import pytest
from chatkit.store import NotFoundError
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    FileAttachment,
    InferenceOptions,
    ThreadItem,
    UserMessageItem,
    UserMessageTextContent,
)
from sqlalchemy import select

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import SQLStore, open_store, paging
from jupyter_chatkit.store.engine import NulCharacterError
from jupyter_chatkit.store.schema import thread_turns

from .fixtures.store_threads import ALICE, BOB, T0, every_item_type, message, thread


def user(item_id: str, text: str, seconds: int) -> ThreadItem:
    return UserMessageItem(
        id=item_id,
        thread_id="thr_a",
        created_at=T0 + timedelta(seconds=seconds),
        content=[UserMessageTextContent(text=text)],
        attachments=[],
        inference_options=InferenceOptions(),
    )


async def filled(store: SQLStore, n: int) -> list[str]:
    await store.save_thread(thread("thr_a"), ALICE)
    ids = [f"msg{i}" for i in range(n)]
    for i, item_id in enumerate(ids):
        await store.add_thread_item("thr_a", user(item_id, str(i), i), ALICE)
    return ids


# chatkit-python's store contract ----------------------------------------------------


@pytest.mark.asyncio
async def test_thread_pages_end_without_a_cursor(store: SQLStore) -> None:
    for n in range(3):
        await store.save_thread(thread(f"thread{n}", T0 + timedelta(seconds=n)), ALICE)
    first = await store.load_threads(2, None, "asc", ALICE)
    assert [t.id for t in first.data] == ["thread0", "thread1"]
    assert first.has_more is True and first.after == "thread1"
    last = await store.load_threads(2, first.after, "asc", ALICE)
    assert [t.id for t in last.data] == ["thread2"]
    assert last.has_more is False and last.after is None
    whole = await store.load_threads(3, None, "desc", ALICE)
    assert [t.id for t in whole.data] == ["thread2", "thread1", "thread0"]
    assert whole.has_more is False and whole.after is None
    empty = await store.load_threads(5, None, "asc", BOB)
    assert (empty.data, empty.has_more, empty.after) == ([], False, None)


@pytest.mark.asyncio
async def test_item_ordering_both_ways(store: SQLStore) -> None:
    ids = await filled(store, 3)
    asc = await store.load_thread_items("thr_a", None, 3, "asc", ALICE)
    desc = await store.load_thread_items("thr_a", None, 3, "desc", ALICE)
    assert [i.id for i in asc.data] == ids
    assert [i.id for i in desc.data] == ids[::-1]
    assert asc.after is None and desc.after is None


@pytest.mark.asyncio
async def test_after_cursor_resumes_after_the_named_item(store: SQLStore) -> None:
    await filled(store, 5)
    after = await store.load_thread_items("thr_a", "msg1", 3, "asc", ALICE)
    assert [i.id for i in after.data] == ["msg2", "msg3", "msg4"]
    assert after.has_more is False and not after.after
    head = await store.load_thread_items("thr_a", None, 2, "asc", ALICE)
    assert [i.id for i in head.data] == ["msg0", "msg1"]
    assert head.has_more is True and head.after == "msg1"
    older = await store.load_thread_items("thr_a", "msg3", 2, "desc", ALICE)
    assert [i.id for i in older.data] == ["msg2", "msg1"]
    assert older.has_more is True and older.after == "msg1"


@pytest.mark.asyncio
async def test_not_found_errors(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_a", "does_not_exist", ALICE)
    with pytest.raises(NotFoundError):
        await store.load_thread("thr_nope", ALICE)
    with pytest.raises(NotFoundError):
        await store.load_thread("thr_a", BOB)
    with pytest.raises(NotFoundError):
        await store.load_attachment("att_nope", ALICE)
    await store.add_thread_item("thr_a", message("m", "thr_a"), ALICE)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_a", "m", BOB)


@pytest.mark.asyncio
async def test_every_item_type_round_trips_through_save_and_load(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    originals = every_item_type("thr_a")
    for item in originals:
        await store.add_thread_item("thr_a", item, ALICE)
    for item in originals:
        await store.save_item("thr_a", item, ALICE)
        assert await store.load_item("thr_a", item.id, ALICE) == item
    assert (await store.load_thread_items("thr_a", None, 50, "asc", ALICE)).data == originals


@pytest.mark.asyncio
async def test_user_message_with_attachment_round_trips(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    item = UserMessageItem(
        id="msg_100000",
        thread_id="thr_a",
        created_at=T0,
        content=[UserMessageTextContent(text="Hello!")],
        attachments=[
            FileAttachment(
                id="file_1", mime_type="text/plain", name="test.txt", metadata={"source": "t"}
            )
        ],
        inference_options=InferenceOptions(),
    )
    await store.add_thread_item("thr_a", item, ALICE)
    assert await store.load_item("thr_a", item.id, ALICE) == item


@pytest.mark.asyncio
async def test_save_item_keeps_the_items_position(store: SQLStore) -> None:
    await filled(store, 3)
    # A replacement carrying a later timestamp (as a re-built item does) stays put.
    moved = AssistantMessageItem(
        id="msg0",
        thread_id="thr_a",
        created_at=T0 + timedelta(hours=1),
        content=[AssistantMessageContent(text="replaced")],
    )
    await store.save_item("thr_a", moved, ALICE)
    await store.add_thread_item("thr_a", moved.model_copy(update={"id": "msg1"}), ALICE)
    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert [i.id for i in page.data] == ["msg0", "msg1", "msg2"]
    assert isinstance(page.data[0], AssistantMessageItem)
    assert page.data[0].content[0].text == "replaced"
    after = await store.load_thread_items("thr_a", "msg0", 10, "asc", ALICE)
    assert [i.id for i in after.data] == ["msg1", "msg2"]


# page limits ------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("limit", [2**31, 2**63 - 1, 2**63, 10**30])
async def test_huge_limits_are_clamped(store: SQLStore, limit: int) -> None:
    ids = await filled(store, 3)
    threads = await store.load_threads(limit, None, "asc", ALICE)
    assert [t.id for t in threads.data] == ["thr_a"] and threads.after is None
    items = await store.load_thread_items("thr_a", None, limit, "asc", ALICE)
    assert [i.id for i in items.data] == ids and items.has_more is False
    resumed = await store.load_thread_items("thr_a", "msg0", limit, "desc", ALICE)
    assert resumed.data == []


@pytest.mark.asyncio
async def test_a_page_never_exceeds_the_maximum(
    store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cap is read at each call (paging.check_page); a small one takes the same path
    # with 7 rows instead of 1,002 added one by one (~4 s on PostgreSQL).
    cap = 5
    monkeypatch.setattr(paging, "MAX_PAGE_SIZE", cap)
    await filled(store, cap + 2)
    page = await store.load_thread_items("thr_a", None, 10**30, "asc", ALICE)
    assert len(page.data) == cap and page.has_more is True
    assert page.after == f"msg{cap - 1}"
    rest = await store.load_thread_items("thr_a", page.after, cap, "asc", ALICE)
    assert [i.id for i in rest.data] == [f"msg{cap}", f"msg{cap + 1}"]


@pytest.mark.asyncio
@pytest.mark.parametrize("limit", [0, -1, -(2**63), -(10**30)])
async def test_nonsense_limits_are_value_errors(store: SQLStore, limit: int) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    with pytest.raises(ValueError):
        await store.load_threads(limit, None, "asc", ALICE)
    with pytest.raises(ValueError):
        await store.load_thread_items("thr_a", None, limit, "asc", ALICE)


# NUL characters ---------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("bad", "refused"),
    [
        ("x\x00y", NulCharacterError),
        # Our own requests (protocol.Turn) are read by Python's JSON parser, which makes a
        # lone surrogate of "\\ud800": SQLite's driver refused it (a 400), asyncpg
        # failed (a 500 on PostgreSQL, its traceback logged).
        ("x\ud800y", UnicodeError),
    ],
    ids=["nul", "lone-surrogate"],
)
async def test_text_the_store_cannot_hold_is_refused_the_same_way_on_both_backends(
    store: SQLStore, bad: str, refused: type[ValueError]
) -> None:
    await store.save_thread(thread("thr_a", title="ok"), ALICE)
    await store.add_thread_item("thr_a", message("m", "thr_a"), ALICE)
    calls = [
        store.load_thread(bad, ALICE),
        store.change_thread(bad, lambda t: False, ALICE),
        store.delete_thread(bad, ALICE),
        store.load_threads(5, bad, "asc", ALICE),
        store.load_thread_items(bad, None, 5, "asc", ALICE),
        store.load_thread_items("thr_a", bad, 5, "asc", ALICE),
        store.load_item("thr_a", bad, ALICE),
        store.delete_thread_item("thr_a", bad, ALICE),
        store.save_feedback("thr_a", [bad], "positive", ALICE),
        store.load_attachment(bad, ALICE),
        store.delete_attachment(bad, ALICE),
        store.load_threads(5, None, "asc", RequestContext(user_id=bad)),
    ]
    if refused is NulCharacterError:
        # (A lone surrogate cannot reach a stored thread or item: ChatKit's requests are
        # read by pydantic, which refuses it, and serializing one fails before the store.)
        calls += [
            store.save_thread(thread(bad), ALICE),
            store.save_thread(thread("thr_a", title=bad), ALICE),
            store.add_thread_item("thr_a", message(bad, "thr_a"), ALICE),
            store.save_item(bad, message("m2", bad), ALICE),
            store.save_attachment(FileAttachment(id="a1", mime_type="text/plain", name=bad), ALICE),
            store.save_attachment(FileAttachment(id=bad, mime_type="text/plain", name="n"), ALICE),
        ]
    for call in calls:
        with pytest.raises(refused):
            await call
    # Nothing changed, and the store still works.
    loaded = await store.load_thread("thr_a", ALICE)
    assert loaded.title == "ok"
    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert [i.id for i in page.data] == ["m"]


@pytest.mark.asyncio
async def test_feedback_on_too_many_items_is_refused_on_both_backends(store: SQLStore) -> None:
    # Each id was a bound parameter of one query: past asyncpg's 32,767 the store was
    # said to be unavailable (a 503) on PostgreSQL.
    from jupyter_chatkit.store.feedback import MAX_FEEDBACK_ITEMS

    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m", "thr_a"), ALICE)
    many = ["m", *(f"msg_{i}" for i in range(40_000))]
    with pytest.raises(ValueError, match="at most"):
        await store.save_feedback("thr_a", many, "positive", ALICE)
    await store.save_feedback("thr_a", ["m"] * (MAX_FEEDBACK_ITEMS + 1), "negative", ALICE)
    assert await store.load_feedback("thr_a", ALICE) == {"m": "negative"}


@pytest.mark.asyncio
async def test_nul_inside_item_content_round_trips(store: SQLStore) -> None:
    # Content is stored as JSON, where NUL is the escape \\u0000: both backends keep it.
    await store.save_thread(thread("thr_a", metadata={"k": "a\x00b"}), ALICE)
    item = message("m", "thr_a", "before\x00after")
    await store.add_thread_item("thr_a", item, ALICE)
    assert await store.load_item("thr_a", "m", ALICE) == item
    assert (await store.load_thread("thr_a", ALICE)).metadata == {"k": "a\x00b"}


# thread turns -----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_thread_turn_waits_for_the_holder_in_another_store(store_url: str) -> None:
    # Two stores on one database: two processes, as far as the turn is concerned.
    store = await open_store(store_url)
    other = await open_store(store_url)
    try:
        order: list[str] = []

        async def second_turn() -> None:
            async with other.thread_turn("thr_a"):
                order.append("second")

        async with store.thread_turn("thr_a"):
            order.append("first")
            waiting = asyncio.ensure_future(second_turn())
            # Give the waiter many chances to (wrongly) get in.
            for _ in range(20):
                await asyncio.sleep(0.01)
            order.append("first done")
        await waiting
        assert order == ["first", "first done", "second"]
        # Turns in other threads do not wait.
        async with store.thread_turn("thr_a"), other.thread_turn("thr_b"):
            pass
    finally:
        await other.close()
        await store.close()


@pytest.mark.asyncio
async def test_a_lapsed_turn_of_a_dead_holder_is_taken_over(store: SQLStore) -> None:
    async with store.engine.begin() as conn:
        await conn.execute(
            thread_turns.insert().values(thread_id="thr_a", owner="crashed", expires_us=1)
        )
    async with store.thread_turn("thr_a"):
        async with store.engine.connect() as conn:
            owner = (await conn.execute(select(thread_turns.c.owner))).scalar_one()
        assert owner != "crashed"
    async with store.engine.connect() as conn:
        assert (await conn.execute(select(thread_turns.c.owner))).all() == []


_HOLD_A_TURN = """
import asyncio, sys
from jupyter_chatkit.store import open_store

async def main():
    store = await open_store(sys.argv[1])
    async with store.thread_turn("thr_a"):
        print("held", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
    await store.close()

asyncio.run(main())
"""


@pytest.mark.asyncio
async def test_a_thread_turn_held_by_another_process_is_waited_for(store_url: str) -> None:
    store = await open_store(store_url)
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _HOLD_A_TURN,
        store_url,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert (await holder.stdout.readline()).strip() == b"held"
        order: list[str] = []

        async def mine() -> None:
            async with store.thread_turn("thr_a"):
                order.append("mine")

        waiting = asyncio.ensure_future(mine())
        for _ in range(20):
            await asyncio.sleep(0.01)
        order.append("released")
        holder.stdin.write(b"go\n")
        await holder.stdin.drain()
        await waiting
        assert order == ["released", "mine"]
    finally:
        if holder.returncode is None:
            holder.kill()
        await holder.wait()
        await store.close()


@pytest.mark.asyncio
async def test_a_turn_taken_with_its_thread_reads_it_and_refuses_others(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a", title="Mine"), ALICE)
    async with store.thread_turn_reading("thr_a", ALICE) as held:
        assert (held.id, held.title) == ("thr_a", "Mine")
        async with store.engine.connect() as conn:
            assert len((await conn.execute(select(thread_turns))).all()) == 1
        # Someone else (and an unknown id) is refused while the turn is held, at once:
        # they do not queue behind it.
        for ctx, thread_id in ((BOB, "thr_a"), (ALICE, "thr_missing")):
            refused = asyncio.ensure_future(_enter_turn(store, thread_id, ctx))
            await asyncio.wait({refused}, timeout=60)  # a safety net against a hang
            assert refused.done() and isinstance(refused.exception(), NotFoundError)
    # ... and when it is free: no lease is taken (or left) for them.
    for ctx, thread_id in ((BOB, "thr_a"), (ALICE, "thr_missing")):
        with pytest.raises(NotFoundError):
            await _enter_turn(store, thread_id, ctx)
    async with store.engine.connect() as conn:
        assert (await conn.execute(select(thread_turns))).all() == []
    # The thread read is the one the turn starts from: a title saved by the turn before.
    await store.save_thread(thread("thr_a", title="Renamed"), ALICE)
    async with store.thread_turn_reading("thr_a", ALICE) as held:
        assert held.title == "Renamed"


async def _enter_turn(store: SQLStore, thread_id: str, ctx: RequestContext) -> None:
    async with store.thread_turn_reading(thread_id, ctx):
        pass


@pytest.mark.asyncio
async def test_an_item_added_with_the_newest_items_read_back(store: SQLStore) -> None:
    await filled(store, 3)
    new = user("msg_new", "new", 10)
    page = await store.add_item_reading_newest("thr_a", new, 2, ALICE)
    # As load_thread_items(..., None, 2, "desc") reads them, the new item first.
    read = await store.load_thread_items("thr_a", None, 2, "desc", ALICE)
    assert [i.id for i in page.data] == [i.id for i in read.data] == ["msg_new", "msg2"]
    assert (page.has_more, page.after) == (read.has_more, read.after) == (True, "msg2")
    whole = await store.add_item_reading_newest("thr_a", user("msg_5", "5", 11), 10, ALICE)
    assert [i.id for i in whole.data] == ["msg_5", "msg_new", "msg2", "msg1", "msg0"]
    assert (whole.has_more, whole.after) == (False, None)
    assert whole.data[0] == user("msg_5", "5", 11)
    # Not the caller's thread, or none: refused, and nothing is saved.
    for ctx, thread_id in ((BOB, "thr_a"), (ALICE, "thr_missing")):
        with pytest.raises(NotFoundError):
            await store.add_item_reading_newest(thread_id, user("msg_x", "x", 12), 5, ctx)
    after = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert [i.id for i in after.data] == ["msg0", "msg1", "msg2", "msg_new", "msg_5"]


@pytest.mark.asyncio
async def test_a_turn_taken_with_its_item_saved_and_the_newest_items_read(
    store: SQLStore,
) -> None:
    await filled(store, 3)
    new = user("msg_new", "new", 10)
    async with store.thread_turn_adding("thr_a", new, 2, ALICE) as (held, page):
        assert held.id == "thr_a"
        async with store.engine.connect() as conn:
            assert len((await conn.execute(select(thread_turns))).all()) == 1
        # As load_thread_items(..., None, 2, "desc") reads them, the new item first,
        # dated when the turn was taken.
        read = await store.load_thread_items("thr_a", None, 2, "desc", ALICE)
        assert [i.id for i in page.data] == [i.id for i in read.data] == ["msg_new", "msg2"]
        assert (page.has_more, page.after) == (read.has_more, read.after) == (True, "msg2")
        assert page.data[0].created_at == new.created_at > read.data[1].created_at
    async with store.engine.connect() as conn:
        assert (await conn.execute(select(thread_turns))).all() == []
    # Not the caller's thread, or none: refused, no turn taken, nothing saved.
    for ctx, thread_id in ((BOB, "thr_a"), (ALICE, "thr_missing")):
        with pytest.raises(NotFoundError):
            async with store.thread_turn_adding(thread_id, user("msg_x", "x", 12), 5, ctx):
                pass
    async with store.engine.connect() as conn:
        assert (await conn.execute(select(thread_turns))).all() == []
    after = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert [i.id for i in after.data] == ["msg0", "msg1", "msg2", "msg_new"]
