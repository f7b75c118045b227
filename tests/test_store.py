"""Contract tests for the SQL store, run against SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from chatkit.store import NotFoundError
from chatkit.types import (
    ActiveStatus,
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    ClosedStatus,
    CustomTask,
    DurationSummary,
    EndOfTurnItem,
    FileAttachment,
    GeneratedImage,
    GeneratedImageItem,
    HiddenContextItem,
    InferenceOptions,
    LockedStatus,
    SDKHiddenContextItem,
    StructuredInputItem,
    TaskItem,
    ThoughtTask,
    ThreadItem,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
    WidgetItem,
    Workflow,
    WorkflowItem,
)
from sqlalchemy import func, select, update

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import SQLStore
from jupyter_chatkit.store.schema import (
    attachments,
    feedback,
    item_tombstones,
    items,
    threads,
)

ALICE = RequestContext(user_id="alice")
BOB = RequestContext(user_id="bob")
T0 = datetime(2026, 1, 2, 3, 4, 5, 678901)


def thread(thread_id: str, created_at: datetime = T0, **fields: Any) -> ThreadMetadata:
    return ThreadMetadata(id=thread_id, created_at=created_at, **fields)


def message(item_id: str, thread_id: str, text: str = "hi", at: datetime = T0) -> ThreadItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=at,
        content=[AssistantMessageContent(text=text)],
    )


def text_of(item: ThreadItem) -> str:
    assert isinstance(item, AssistantMessageItem)
    return item.content[0].text


def every_item_type(thread_id: str) -> list[ThreadItem]:
    """One item of each ThreadItem variant, with nested content filled in."""
    at = T0
    step = timedelta(seconds=1)
    attachment = FileAttachment(id="atc_1", name="data.csv", mime_type="text/csv")
    return [
        UserMessageItem(
            id="u1",
            thread_id=thread_id,
            created_at=at,
            content=[
                UserMessageTextContent(text="plot df"),
                UserMessageTagContent(id="cell-3", text="cell 3", data={"index": 3}),
            ],
            attachments=[attachment],
            quoted_text="df.head()",
            inference_options=InferenceOptions(model="gpt-x"),
        ),
        AssistantMessageItem(
            id="a1",
            thread_id=thread_id,
            created_at=at + step,
            content=[AssistantMessageContent(text="Here is **code**")],
        ),
        ClientToolCallItem(
            id="c1",
            thread_id=thread_id,
            created_at=at + 2 * step,
            call_id="call_1",
            name="get_notebook_cells",
            arguments={"limit": 5},
            status="completed",
            output={"cells": [{"source": "x = 1"}]},
        ),
        WidgetItem.model_validate(
            {
                "id": "w1",
                "thread_id": thread_id,
                "created_at": at + 3 * step,
                "widget": {
                    "type": "Card",
                    "children": [
                        {"type": "Text", "value": "Insert this cell?"},
                        {
                            "type": "Button",
                            "label": "Insert",
                            "onClickAction": {
                                "type": "notebook.insert_cell",
                                "payload": {"code": "x = 1", "position": "below"},
                            },
                        },
                    ],
                },
                "copy_text": "x = 1",
            }
        ),
        GeneratedImageItem(
            id="g1",
            thread_id=thread_id,
            created_at=at + 4 * step,
            image=GeneratedImage(id="img", url="data:image/png;base64,AAAA"),
        ),
        StructuredInputItem.model_validate(
            {
                "id": "s1",
                "thread_id": thread_id,
                "created_at": at + 5 * step,
                "inputs": [
                    {
                        "type": "multiple_choice",
                        "id": "q1",
                        "question": "Which kernel?",
                        "options": [{"value": "python3"}, {"value": "ir"}],
                    },
                    {"type": "freeform", "id": "q2", "question": "Why?"},
                ],
            }
        ),
        WorkflowItem(
            id="wf1",
            thread_id=thread_id,
            created_at=at + 6 * step,
            workflow=Workflow(
                type="reasoning",
                tasks=[ThoughtTask(content="look at df"), CustomTask(title="ran cell")],
                summary=DurationSummary(duration=3),
            ),
        ),
        TaskItem(
            id="t1",
            thread_id=thread_id,
            created_at=at + 7 * step,
            task=CustomTask(title="Inspecting variables", status_indicator="complete"),
        ),
        HiddenContextItem(
            id="h1",
            thread_id=thread_id,
            created_at=at + 8 * step,
            content={"kernel": "python3", "variables": ["df", "x"]},
        ),
        SDKHiddenContextItem(
            id="sh1",
            thread_id=thread_id,
            created_at=at + 9 * step,
            content="previous_response_id=resp_1",
        ),
        EndOfTurnItem(id="e1", thread_id=thread_id, created_at=at + 10 * step),
    ]


async def walk_items(
    store: SQLStore, thread_id: str, order: str, limit: int, ctx: RequestContext = ALICE
) -> list[str]:
    """Every item id of a thread, page by page, following ``after``."""
    seen: list[str] = []
    after: str | None = None
    while True:
        page = await store.load_thread_items(thread_id, after, limit, order, ctx)
        seen.extend(item.id for item in page.data)
        assert len(page.data) <= limit
        if not page.has_more:
            return seen
        after = page.after


async def count(store: SQLStore, table: Any, *where: Any) -> int:
    async with store.engine.connect() as conn:
        return int(
            (await conn.execute(select(func.count()).select_from(table).where(*where))).scalar_one()
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


# isolation -------------------------------------------------------------------------

Call = Callable[[SQLStore, RequestContext, str], Any]

# Every store method, aimed at a thread (or its item / attachment) by a user id.
THREAD_CALLS: dict[str, Call] = {
    "load_thread": lambda s, c, t: s.load_thread(t, c),
    "delete_thread": lambda s, c, t: s.delete_thread(t, c),
    "load_threads_after": lambda s, c, t: s.load_threads(5, t, "asc", c),
    "load_thread_items": lambda s, c, t: s.load_thread_items(t, None, 5, "asc", c),
    "load_thread_items_after": lambda s, c, t: s.load_thread_items(t, "m0", 5, "asc", c),
    "add_thread_item": lambda s, c, t: s.add_thread_item(t, message("x", t), c),
    "save_item_new": lambda s, c, t: s.save_item(t, message("x", t), c),
    "save_item_existing": lambda s, c, t: s.save_item(t, message("m0", t, "hijacked"), c),
    "load_item": lambda s, c, t: s.load_item(t, "m0", c),
    "delete_thread_item": lambda s, c, t: s.delete_thread_item(t, "m0", c),
    "save_feedback": lambda s, c, t: s.save_feedback(t, ["m0"], "negative", c),
    "load_feedback": lambda s, c, t: s.load_feedback(t, c),
    "save_attachment_into_thread": lambda s, c, t: s.save_attachment(
        FileAttachment(id="atc_new", name="f", mime_type="text/plain", thread_id=t), c
    ),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("call", list(THREAD_CALLS.values()), ids=list(THREAD_CALLS))
async def test_foreign_thread_is_indistinguishable_from_unknown(
    store: SQLStore, call: Call
) -> None:
    await store.save_thread(thread("thr_alice", title="mine"), ALICE)
    await store.add_thread_item("thr_alice", message("m0", "thr_alice", "mine"), ALICE)
    await store.save_feedback("thr_alice", ["m0"], "positive", ALICE)

    with pytest.raises(NotFoundError) as foreign:
        await call(store, BOB, "thr_alice")
    with pytest.raises(NotFoundError) as unknown:
        await call(store, BOB, "thr_ghost")
    assert str(foreign.value).replace("thr_alice", "ID") == str(unknown.value).replace(
        "thr_ghost", "ID"
    )

    # Alice's data is exactly as she left it.
    assert (await store.load_thread("thr_alice", ALICE)).title == "mine"
    page = await store.load_thread_items("thr_alice", None, 10, "asc", ALICE)
    assert [(i.id, text_of(i)) for i in page.data] == [("m0", "mine")]
    assert await store.load_feedback("thr_alice", ALICE) == {"m0": "positive"}
    assert (await store.load_threads(10, None, "asc", BOB)).data == []


@pytest.mark.asyncio
async def test_save_thread_cannot_take_over_a_foreign_id(store: SQLStore) -> None:
    # The one call where a foreign id differs from an unknown one: saving an unknown id
    # creates the thread. Thread ids are global and 128-bit random, so this reveals
    # nothing guessable.
    await store.save_thread(thread("thr_alice", title="mine"), ALICE)
    await store.add_thread_item("thr_alice", message("m0", "thr_alice"), ALICE)
    with pytest.raises(NotFoundError):
        await store.save_thread(thread("thr_alice", title="hijacked"), BOB)
    assert (await store.load_thread("thr_alice", ALICE)).title == "mine"
    assert (await store.load_threads(10, None, "asc", BOB)).data == []
    await store.save_thread(thread("thr_bob"), BOB)
    assert [t.id for t in (await store.load_threads(10, None, "asc", BOB)).data] == ["thr_bob"]


@pytest.mark.asyncio
async def test_thread_listing_is_per_user(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a1"), ALICE)
    await store.save_thread(thread("thr_b1"), BOB)
    await store.save_thread(thread("thr_a2", T0 + timedelta(seconds=1)), ALICE)
    alice = await store.load_threads(10, None, "asc", ALICE)
    bob = await store.load_threads(10, None, "asc", BOB)
    assert [t.id for t in alice.data] == ["thr_a1", "thr_a2"]
    assert [t.id for t in bob.data] == ["thr_b1"]
    with pytest.raises(NotFoundError):
        await store.load_threads(10, "thr_a1", "asc", BOB)


@pytest.mark.asyncio
async def test_attachment_metadata_is_per_user(store: SQLStore) -> None:
    attachment = FileAttachment(id="atc_a", name="a.txt", mime_type="text/plain")
    await store.save_attachment(attachment, ALICE)
    with pytest.raises(NotFoundError):
        await store.load_attachment("atc_a", BOB)
    with pytest.raises(NotFoundError):
        await store.save_attachment(attachment.model_copy(update={"name": "evil"}), BOB)
    await store.delete_attachment("atc_a", BOB)  # not Bob's: nothing happens
    assert await store.load_attachment("atc_a", ALICE) == attachment


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
