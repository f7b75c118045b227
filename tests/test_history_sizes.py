"""The history is cut by sizes kept under the items' stored JSON exactly where sizing each
item by serialising it again cuts it (history.STORED_SIZES)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    InferenceOptions,
    ThreadItem,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)
from sqlalchemy import update

from jupyter_chatkit.assistant.history import (
    STORED_SIZES,
    StoredSizes,
    estimate_tokens,
    newest_history,
    page_history,
    read_history,
)
from jupyter_chatkit.protocol import STEP_UNDO_KEY, RequestContext
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.codec import StoredItems, dump_item
from jupyter_chatkit.store.schema import items as items_table

CONTEXT = RequestContext(user_id="alice")
BASE = datetime(2026, 1, 2, 3, 4, 5)


def user(i: int, text: str, **extra: Any) -> UserMessageItem:
    return UserMessageItem(
        id=f"msg_{i:03d}",
        thread_id="thr_sizes",
        created_at=BASE + timedelta(seconds=i),
        content=[UserMessageTextContent(text=text)],
        inference_options=InferenceOptions(**extra),
    )


def bot(i: int, text: str) -> AssistantMessageItem:
    return AssistantMessageItem(
        id=f"msg_{i:03d}",
        thread_id="thr_sizes",
        created_at=BASE + timedelta(seconds=i),
        content=[AssistantMessageContent(text=text)],
    )


def step(i: int, output: dict[str, Any]) -> ClientToolCallItem:
    return ClientToolCallItem(
        id=f"tc_{i:03d}",
        thread_id="thr_sizes",
        created_at=BASE + timedelta(seconds=i),
        status="completed",
        call_id=f"call_{i}",
        name="run_cell",
        arguments={"index": i, "note": None, "text": "é" * (i % 5)},
        output=output,
    )


def odd_thread() -> list[ThreadItem]:
    """Items whose stored JSON and sized JSON differ in many ways: nulls left out when
    sized, non-ASCII text, an undo record the size leaves out, items near the budget."""
    made: list[ThreadItem] = []
    i = 0
    for turn in range(12):
        made.append(user(i, f"question {turn} " + "数据" * (turn * 37), model="gpt-x"))
        i += 1
        if turn % 3 == 1:
            made.append(step(i, {"status": "ok", "text": "x" * (turn * 301), "n": None}))
            i += 1
            record = {"cell_id": "c", "before": "old source " * 400}
            made.append(step(i, {"status": "applied", "index": 0, STEP_UNDO_KEY: record}))
            i += 1
        made.append(bot(i, "🙂 answer " * (turn * 29 + 1)))
        i += 1
    # The current turn: a question and steps with outputs big enough to be shortened.
    made.append(user(i, "fix it"))
    i += 1
    for _ in range(4):
        made.append(step(i, {"status": "ok", "text": "o" * 9000}))
        i += 1
    return made


def dumps(history: list[ThreadItem]) -> list[str]:
    return [dump_item(item) for item in history]


@pytest.mark.asyncio
async def test_stored_sizes_cut_the_history_where_serialising_does(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    try:
        thread = ThreadMetadata(id="thr_sizes", created_at=BASE)
        await store.save_thread(thread, CONTEXT)
        made = odd_thread()
        for item in made:
            await store.add_thread_item(thread.id, item, CONTEXT)
        # An unreadable row is skipped: the sizes must stay with their own items.
        async with store.engine.begin() as conn:
            await conn.execute(
                update(items_table).where(items_table.c.id == made[5].id).values(payload="{}")
            )
        cases = 0
        for max_items in (1, 2, 5, 9, 20, 60):
            page = await store.load_thread_items(
                thread.id, None, max(1, max_items), "desc", CONTEXT
            )
            assert isinstance(page, StoredItems)
            assert len(page.payloads) == len(page.data)
            # items.list sends the items alone.
            assert "payloads" not in page.model_dump_json(by_alias=True, exclude_none=True)
            # The history keeps the stored JSON of every item read (sized and keyed by it).
            assert len(page_history(page, max_items, 0).payloads) == len(page.data)
            complete = not page.has_more or page.after is None
            # Every budget at, just under and just over each place a cut can fall.
            sums = [0]
            for item in page.data:
                sums.append(sums[-1] + estimate_tokens(item))
            budgets = sorted({max(0, b + d) for b in (*sums, 10, 24_000) for d in (-1, 0, 1)})
            for max_tokens in budgets:
                # Every item serialised again to size it: what the model got before.
                expected = newest_history(list(page.data), complete, max_items, max_tokens)
                # Twice: sized as read, then from the sizes kept.
                for _ in range(2):
                    got = page_history(page, max_items, max_tokens)
                    assert dumps(got.items) == dumps(expected.items)
                    assert got.newest == expected.newest and got.complete == expected.complete
                cases += len(expected.items) > 1
        assert cases > 50  # not only trivial cuts
        # The follow-up's own read (its message saved in the same transaction).
        question = user(len(made), "and now?")
        page = await store.add_item_reading_newest(thread.id, question, 60, CONTEXT)
        assert isinstance(page, StoredItems) and page.data[0].id == question.id
        for max_tokens in (400, 9_000, 24_000):
            expected = newest_history(list(page.data), False, 60, max_tokens)
            assert dumps(page_history(page, 60, max_tokens).items) == dumps(expected.items)
        assert len(STORED_SIZES) > 0
    finally:
        await store.close()


def test_stored_sizes_are_bounded() -> None:
    sizes = StoredSizes(max_chars=2_000)
    texts = [bot(i, "a" * 40) for i in range(10)]
    for item in texts:
        assert sizes.tokens(dump_item(item), item) == estimate_tokens(item)
    payload_chars = len(dump_item(texts[0]))
    assert len(sizes) == 2_000 // payload_chars == 9
    # The least recently used went first.
    assert dump_item(texts[0]) not in sizes and dump_item(texts[1]) in sizes
    # A text over an eighth of the bound is sized but not kept.
    big = bot(99, "b" * 200)
    assert len(dump_item(big)) > 2_000 // 8
    assert sizes.tokens(dump_item(big), big) == estimate_tokens(big)
    assert dump_item(big) not in sizes and len(sizes) == 9


@pytest.mark.asyncio
async def test_a_turn_read_over_several_pages_is_sized_from_the_stored_text(
    tmp_path: Path,
) -> None:
    # A turn with more steps than a page holds is read page by page back to its user
    # message; every page's items are sized under their stored JSON (kept in
    # STORED_SIZES), and the history is cut where serialising each item cuts it.
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    try:
        thread = ThreadMetadata(id="thr_sizes", created_at=BASE)
        await store.save_thread(thread, CONTEXT)
        made: list[ThreadItem] = [user(0, "earlier"), bot(1, "sure"), user(2, "now do it")]
        made += [step(i, {"status": "ok", "text": "é" * (i * 97)}) for i in range(3, 20)]
        for item in made:
            await store.add_thread_item(thread.id, item, CONTEXT)
        for max_tokens in (50, 2_000, 24_000):
            before = len(STORED_SIZES)
            read = await read_history(store, thread, CONTEXT, 4, max_tokens)
            # Five pages of four, the last one holding the turn's question.
            assert [item.id for item in read.newest] == [item.id for item in made[::-1]]
            expected = newest_history(read.newest, read.complete, 4, max_tokens)
            assert dumps(read.items) == dumps(expected.items)
            if max_tokens == 50:
                # The current turn's 18 items (sized whole; the two before it are past
                # max_items) were sized from their stored text, and are kept so.
                assert len(STORED_SIZES) - before == 18
    finally:
        await store.close()
