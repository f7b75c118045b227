"""The SQL store keeps threads, items and feedback (SQLite and PostgreSQL alike): round
trips, in-place updates, unreadable rows, what deleting a thread takes with it, and
concurrent writers. Paging: test_store_pages.py; one user's data kept from another:
test_store_user_isolation.py."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from chatkit.store import NotFoundError
from chatkit.types import (
    ActiveStatus,
    AssistantMessageItem,
    ClosedStatus,
    FileAttachment,
    HiddenContextItem,
    LockedStatus,
    SDKHiddenContextItem,
    ThreadMetadata,
)
from sqlalchemy import update

from jupyter_chatkit.store import SQLStore
from jupyter_chatkit.store.schema import (
    attachments,
    feedback,
    item_tombstones,
    items,
    threads,
)

from .fixtures.store_threads import (
    ALICE,
    T0,
    count,
    every_item_type,
    message,
    text_of,
    thread,
    walk_items,
)

# threads ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_thread_round_trip_and_update(store: SQLStore) -> None:
    created = thread(
        "thr_a",
        title="Plotting",
        status=LockedStatus(reason="read only"),
        allowed_image_domains=["example.org"],
        metadata={"notebook": "analysis.ipynb", "n": 3},
    )
    await store.save_thread(created, ALICE)
    assert await store.load_thread("thr_a", ALICE) == created

    renamed = created.model_copy(update={"title": "Plots", "status": ClosedStatus()})
    await store.save_thread(renamed, ALICE)
    loaded = await store.load_thread("thr_a", ALICE)
    assert loaded.title == "Plots"
    assert loaded.status == ClosedStatus()
    assert loaded.created_at == created.created_at
    assert (await store.load_threads(10, None, "asc", ALICE)).data == [loaded]


@pytest.mark.asyncio
async def test_aware_and_naive_timestamps_round_trip(store: SQLStore) -> None:
    aware = datetime(2026, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    await store.save_thread(thread("thr_aware", aware), ALICE)
    await store.save_thread(thread("thr_naive", T0), ALICE)
    assert (await store.load_thread("thr_aware", ALICE)).created_at == aware
    assert (await store.load_thread("thr_naive", ALICE)).created_at == T0


@pytest.mark.asyncio
async def test_saving_a_full_thread_keeps_only_metadata(store: SQLStore) -> None:
    from chatkit.types import Page, Thread

    full = Thread(id="thr_full", created_at=T0, title="t", items=Page(data=[message("m", "x")]))
    await store.save_thread(full, ALICE)
    loaded = await store.load_thread("thr_full", ALICE)
    assert type(loaded) is ThreadMetadata
    assert loaded.title == "t"
    assert loaded.status == ActiveStatus()


@pytest.mark.asyncio
async def test_delete_thread(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.delete_thread("thr_a", ALICE)
    with pytest.raises(NotFoundError):
        await store.load_thread("thr_a", ALICE)
    with pytest.raises(NotFoundError):
        await store.delete_thread("thr_a", ALICE)
    assert (await store.load_threads(10, None, "desc", ALICE)).data == []


@pytest.mark.asyncio
async def test_generated_ids_are_long_and_keep_chatkit_prefixes(store: SQLStore) -> None:
    meta = thread("thr_x")
    thread_id = store.generate_thread_id(ALICE)
    item_id = store.generate_item_id("message", meta, ALICE)
    tool_id = store.generate_item_id("tool_call", meta, ALICE)
    assert thread_id.startswith("thr_") and len(thread_id) == 4 + 32
    assert item_id.startswith("msg_") and len(item_id) == 4 + 32
    assert tool_id.startswith("tc_")
    assert len({store.generate_thread_id(ALICE) for _ in range(1000)}) == 1000


# items -----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_every_item_type_round_trips(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    originals = every_item_type("thr_a")
    for item in originals:
        await store.add_thread_item("thr_a", item, ALICE)

    page = await store.load_thread_items("thr_a", None, 100, "asc", ALICE)
    assert page.data == originals
    assert [type(item) for item in page.data] == [type(item) for item in originals]
    for item in originals:
        assert await store.load_item("thr_a", item.id, ALICE) == item


@pytest.mark.asyncio
async def test_hidden_context_items_are_returned_by_the_store(store: SQLStore) -> None:
    # ChatKit's server filters hidden items out of client responses; the store must keep
    # and return them, since the agent reads them back as context.
    await store.save_thread(thread("thr_a"), ALICE)
    hidden = HiddenContextItem(id="h", thread_id="thr_a", created_at=T0, content={"k": [1, 2]})
    sdk = SDKHiddenContextItem(id="s", thread_id="thr_a", created_at=T0, content="state")
    await store.add_thread_item("thr_a", hidden, ALICE)
    await store.add_thread_item("thr_a", sdk, ALICE)
    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert page.data == [hidden, sdk]
    assert await store.load_item("thr_a", "h", ALICE) == hidden


@pytest.mark.asyncio
async def test_save_item_updates_in_place_and_inserts_new(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    for n in range(3):
        await store.add_thread_item("thr_a", message(f"m{n}", "thr_a", f"v{n}"), ALICE)

    await store.save_item("thr_a", message("m1", "thr_a", "edited"), ALICE)
    await store.save_item("thr_a", message("m3", "thr_a", "new"), ALICE)

    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert [item.id for item in page.data] == ["m0", "m1", "m2", "m3"]
    edited = await store.load_item("thr_a", "m1", ALICE)
    assert isinstance(edited, AssistantMessageItem)
    assert edited.content[0].text == "edited"


@pytest.mark.asyncio
async def test_add_existing_item_id_updates_it(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m", "thr_a", "first"), ALICE)
    await store.add_thread_item("thr_a", message("m", "thr_a", "second"), ALICE)
    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert [text_of(item) for item in page.data] == ["second"]


@pytest.mark.asyncio
async def test_same_item_id_in_two_threads_is_two_items(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.save_thread(thread("thr_b"), ALICE)
    await store.add_thread_item("thr_a", message("m", "thr_a", "in a"), ALICE)
    await store.add_thread_item("thr_b", message("m", "thr_b", "in b"), ALICE)
    a = await store.load_item("thr_a", "m", ALICE)
    b = await store.load_item("thr_b", "m", ALICE)
    assert text_of(a) == "in a"
    assert text_of(b) == "in b"


@pytest.mark.asyncio
async def test_delete_item(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m0", "thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m1", "thr_a"), ALICE)
    await store.delete_thread_item("thr_a", "m0", ALICE)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_a", "m0", ALICE)
    # Deleting what is already gone is not an error (ChatKit retries and cleanups).
    await store.delete_thread_item("thr_a", "m0", ALICE)
    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert [item.id for item in page.data] == ["m1"]


@pytest.mark.asyncio
async def test_unreadable_item_is_skipped_with_a_warning_without_content(
    store: SQLStore, caplog: pytest.LogCaptureFixture
) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    for n in range(5):
        await store.add_thread_item(
            "thr_a", message(f"m{n}", "thr_a", at=T0 + timedelta(seconds=n)), ALICE
        )
    async with store.engine.begin() as conn:
        await conn.execute(
            update(items).where(items.c.id == "m1").values(payload='{"broken": "SECRET-1')
        )
        await conn.execute(
            update(items)
            .where(items.c.id == "m3")
            .values(payload='{"type": "assistant_message", "text": "SECRET-3"}')
        )

    with caplog.at_level(logging.WARNING, logger="jupyter_chatkit.store"):
        first = await store.load_thread_items("thr_a", None, 2, "asc", ALICE)
        rest = await store.load_thread_items("thr_a", first.after, 10, "asc", ALICE)
    # The broken rows still count for paging, so cursors stay exact.
    assert [item.id for item in first.data] == ["m0"]
    assert first.has_more and first.after == "m1"
    assert [item.id for item in rest.data] == ["m2", "m4"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("m1" in w for w in warnings) and any("m3" in w for w in warnings)
    assert not any("SECRET" in w for w in warnings)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_a", "m1", ALICE)


@pytest.mark.asyncio
async def test_unreadable_thread_metadata_falls_back_to_columns(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a", title="Kept"), ALICE)
    async with store.engine.begin() as conn:
        await conn.execute(update(threads).where(threads.c.id == "thr_a").values(payload="nope"))
    loaded = await store.load_thread("thr_a", ALICE)
    assert (loaded.id, loaded.title) == ("thr_a", "Kept")
    assert loaded.created_at == T0.astimezone(UTC)
    assert [t.id for t in (await store.load_threads(5, None, "asc", ALICE)).data] == ["thr_a"]


# feedback --------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_feedback(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    for n in range(3):
        await store.add_thread_item("thr_a", message(f"m{n}", "thr_a"), ALICE)
    assert await store.load_feedback("thr_a", ALICE) == {}

    await store.save_feedback("thr_a", ["m0", "m1"], "positive", ALICE)
    await store.save_feedback("thr_a", ["m1"], "negative", ALICE)
    assert await store.load_feedback("thr_a", ALICE) == {"m0": "positive", "m1": "negative"}

    # All or nothing: one unknown id and nothing is recorded.
    with pytest.raises(NotFoundError):
        await store.save_feedback("thr_a", ["m2", "ghost"], "positive", ALICE)
    assert "m2" not in await store.load_feedback("thr_a", ALICE)
    with pytest.raises(ValueError):
        not_a_kind: Any = "meh"
        await store.save_feedback("thr_a", ["m2"], not_a_kind, ALICE)

    # Feedback goes with its item.
    await store.delete_thread_item("thr_a", "m0", ALICE)
    assert await store.load_feedback("thr_a", ALICE) == {"m1": "negative"}


# cascade ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_deleting_a_thread_deletes_items_feedback_and_attachments(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.save_thread(thread("thr_keep"), ALICE)
    for thread_id in ("thr_a", "thr_keep"):
        for n in range(3):
            await store.add_thread_item(thread_id, message(f"m{n}", thread_id), ALICE)
        await store.save_feedback(thread_id, ["m0"], "positive", ALICE)
        await store.delete_thread_item(thread_id, "m2", ALICE)
        await store.save_attachment(
            FileAttachment(
                id=f"atc_{thread_id}", name="f", mime_type="text/plain", thread_id=thread_id
            ),
            ALICE,
        )

    await store.delete_thread("thr_a", ALICE)

    assert await count(store, items, items.c.thread_id == "thr_a") == 0
    assert await count(store, feedback, feedback.c.thread_id == "thr_a") == 0
    assert await count(store, item_tombstones, item_tombstones.c.thread_id == "thr_a") == 0
    assert await count(store, attachments, attachments.c.thread_id == "thr_a") == 0
    with pytest.raises(NotFoundError):
        await store.load_attachment("atc_thr_a", ALICE)
    # The other thread is untouched.
    assert await count(store, items, items.c.thread_id == "thr_keep") == 2
    assert await store.load_feedback("thr_keep", ALICE) == {"m0": "positive"}
    assert (await store.load_attachment("atc_thr_keep", ALICE)).thread_id == "thr_keep"

    # The id is not saved back for its user (a turn's late save of the thread it loaded
    # must not recreate it; see test_turn_thread_deleted).
    with pytest.raises(NotFoundError):
        await store.save_thread(thread("thr_a"), ALICE)
    assert await count(store, threads, threads.c.id == "thr_a") == 0


# concurrency -----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_fifty_concurrent_writers(store: SQLStore) -> None:
    await store.save_thread(thread("thr_shared"), ALICE)

    async def writer(n: int) -> None:
        await store.add_thread_item("thr_shared", message(f"m{n:02d}", "thr_shared"), ALICE)
        await store.save_thread(thread(f"thr_{n:02d}"), ALICE)
        await store.save_item("thr_shared", message(f"m{n:02d}", "thr_shared", "saved"), ALICE)
        await store.add_thread_item(f"thr_{n:02d}", message("first", f"thr_{n:02d}"), ALICE)

    await asyncio.gather(*(writer(n) for n in range(50)))

    shared = await walk_items(store, "thr_shared", "asc", 20)
    assert sorted(shared) == [f"m{n:02d}" for n in range(50)]
    listed = (await store.load_threads(100, None, "asc", ALICE)).data
    assert len(listed) == 51
    assert await count(store, items) == 100
