"""A turn reads the thread once: ChatKit's look at its last items comes from the history."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)

from jupyter_chatkit.assistant.history import PreloadedTail, read_history
from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import SQLStore, open_store

CONTEXT = RequestContext(user_id="alice")


class CountingStore:
    """The real store, counting the item pages it is asked for."""

    def __init__(self, store: SQLStore) -> None:
        self.store = store
        self.reads: list[tuple[Any, ...]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    async def load_thread_items(self, *args: Any) -> Any:
        self.reads.append(args)
        return await self.store.load_thread_items(*args)


async def thread_with(store: SQLStore, count: int) -> ThreadMetadata:
    thread = ThreadMetadata(id="thr_tail", created_at=datetime.now())
    await store.save_thread(thread, CONTEXT)
    base = datetime.now()
    for i in range(count):
        when = base + timedelta(seconds=i)
        if i % 2 == 0:
            item: Any = UserMessageItem(
                id=f"msg_{i:03d}",
                thread_id=thread.id,
                created_at=when,
                content=[UserMessageTextContent(text=f"q{i}")],
                inference_options=InferenceOptions(),
            )
        else:
            item = AssistantMessageItem(
                id=f"msg_{i:03d}",
                thread_id=thread.id,
                created_at=when,
                content=[AssistantMessageContent(text=f"a{i}")],
            )
        await store.add_thread_item(thread.id, item, CONTEXT)
    return thread


@pytest.mark.asyncio
@pytest.mark.parametrize("count", [1, 2, 7])
async def test_the_first_look_at_the_last_items_is_the_history(tmp_path: Path, count: int) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    try:
        thread = await thread_with(store, count)
        counting = CountingStore(store)
        read = await read_history(counting, thread, CONTEXT, 60, 24_000)
        assert len(counting.reads) == 1
        tail = PreloadedTail(counting, thread.id, read)

        # What ChatKit's stream_agent_response asks first: the same as the store says.
        page = await tail.load_thread_items(thread.id, None, 2, "desc", CONTEXT)
        stored = await store.load_thread_items(thread.id, None, 2, "desc", CONTEXT)
        assert [i.id for i in page.data] == [i.id for i in stored.data]
        assert page.has_more == stored.has_more
        assert len(counting.reads) == 1  # answered without a query

        # Only once: a later read (items may have been saved since) asks the store.
        again = await tail.load_thread_items(thread.id, None, 2, "desc", CONTEXT)
        assert [i.id for i in again.data] == [i.id for i in stored.data]
        assert len(counting.reads) == 2
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_other_reads_go_to_the_store(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    try:
        thread = await thread_with(store, 3)
        counting = CountingStore(store)
        read = await read_history(counting, thread, CONTEXT, 60, 24_000)
        tail = PreloadedTail(counting, thread.id, read)
        page = await tail.load_thread_items(thread.id, None, 2, "asc", CONTEXT)
        assert [i.id for i in page.data] == ["msg_000", "msg_001"]
        assert len(counting.reads) == 2
        # Anything else is the store's own.
        assert (await tail.load_thread(thread.id, CONTEXT)).id == thread.id
    finally:
        await store.close()
