"""A new conversation named before its save, whose save then fails, can be retried.

When a new thread's first save waits for another process's lock, ``thread.created``
goes out before the save (so Stop can name the turn). If that save then fails (the
lock held past ``store_lock_timeout``), the page holds the id of a thread that was
never stored, and its Retry (``threads.retry_after_item``) or its next message got
"No such conversation". Now the server keeps the unsaved thread and its first message
for that: the next request naming the thread saves them first, then is answered. The
same when the person stopped the turn while the save waited and the save, left to the
background, then failed.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import (
    AssistantMessageItem,
    ErrorEvent,
    ThreadCreatedEvent,
    ThreadStreamEvent,
    UserMessageItem,
)

from jupyter_chatkit.assistant.results import StreamResult
from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.protocol import Turn
from jupyter_chatkit.store import SQLStore, open_store
from jupyter_chatkit.store.engine import PoolOptions

from .chatkit_helpers import (
    ALICE,
    BOB,
    json_call,
    make_assistant,
    read_turn,
    req,
    stream,
    user_input,
)
from .test_store_locked import Locker

# Bounds the test only.
HANG_GUARD = 60.0


def _answers(*texts: str) -> ScriptedModel:
    return ScriptedModel(
        [ModelStep(output=[assistant_message(t, item_id=f"m{n}")]) for n, t in enumerate(texts)]
    )


async def _unsaved_new_thread(
    store: SQLStore, path: Path, assistant: NotebookAssistant
) -> tuple[str, str, list[ThreadStreamEvent]]:
    """A new thread whose first save failed after it was named: its id, its message's
    id and the events its page saw."""
    async with Locker(path):
        events = await stream(assistant, req("threads.create", input=user_input("first")))
    created = [e for e in events if isinstance(e, ThreadCreatedEvent)]
    assert created, "the thread was not named before its save"
    messages = [e.item for e in events if e.type == "thread.item.done"]
    assert [type(m) for m in messages] == [UserMessageItem]
    assert isinstance(events[-1], ErrorEvent)
    return created[0].thread.id, messages[0].id, events


def _answered(events: list[ThreadStreamEvent]) -> list[str]:
    return [
        e.item.content[0].text
        for e in events
        if e.type == "thread.item.done" and isinstance(e.item, AssistantMessageItem)
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize("then", ["retry", "next message"])
async def test_a_new_thread_whose_save_failed_after_it_was_named_takes_its_retry(
    tmp_path: Path, then: str
) -> None:
    path = tmp_path / "chat.sqlite3"
    # Past the notice's delay (1 s), when the thread is named, then the save gives up.
    store = await open_store(f"sqlite:///{path}", pool=PoolOptions(lock_timeout=2.0))
    # The failed first turn asked its model too (its save is made meanwhile).
    assistant = make_assistant(store, _answers("Answered.", "Answered."))
    try:
        thread_id, message_id, _ = await _unsaved_new_thread(store, path, assistant)
        # Another user cannot take it over.
        retry = req("threads.retry_after_item", thread_id=thread_id, item_id=message_id)
        refused = await stream(assistant, retry, BOB)
        assert isinstance(refused[-1], ErrorEvent) and not _answered(refused)
        # The lock is free again: the page's Retry (or its next message) is answered.
        if then == "retry":
            events = await stream(assistant, retry)
        else:
            events = await stream(
                assistant,
                req("threads.add_user_message", thread_id=thread_id, input=user_input("again")),
            )
        assert _answered(events) == ["Answered."], events
        assert not [e for e in events if isinstance(e, ErrorEvent)]
        items = (await store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
        said = [i.content[0].text for i in items if isinstance(i, UserMessageItem)]
        assert said == (["first"] if then == "retry" else ["first", "again"])
        assert [type(i) for i in items][-1] is AssistantMessageItem
    finally:
        await assistant.aclose()


@pytest.mark.asyncio
async def test_a_new_thread_stopped_while_its_save_waits_takes_its_retry_if_the_save_fails(
    tmp_path: Path,
) -> None:
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}", pool=PoolOptions(lock_timeout=2.0))
    # The stopped first turn may have asked its model (its save is made meanwhile).
    assistant = make_assistant(store, _answers("Answered.", "Answered."))
    seen: list[ThreadStreamEvent] = []
    try:
        async with Locker(path):
            body = json.dumps(
                {
                    "type": "threads.create",
                    "params": {"input": user_input("first")},
                    "metadata": {"notebook": "work/nb.ipynb"},
                }
            )
            result = await assistant.handle(body, ALICE)
            assert isinstance(result, StreamResult)
            turn, created = read_turn(result.chunks, seen)
            thread_id = await asyncio.wait_for(created, HANG_GUARD)
            saving = assistant.saving_threads[thread_id]
            status, _ = await json_call(assistant, req(Turn.STOP, thread_id=thread_id))
            assert status == 200
            await asyncio.wait({turn}, timeout=HANG_GUARD)
            assert turn.cancelled()
            # The save left to the background gives up while the lock is still held.
            await asyncio.wait({saving}, timeout=HANG_GUARD)
            assert saving.done() and saving.exception() is not None
        message_id = next(e.item.id for e in seen if e.type == "thread.item.done")
        retry = req("threads.retry_after_item", thread_id=thread_id, item_id=message_id)
        events = await stream(assistant, retry)
        assert _answered(events) == ["Answered."], events
        items = (await store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
        assert [type(i) for i in items] == [UserMessageItem, AssistantMessageItem]
        # Tied to the notebook its first request named.
        assert (await store.load_thread(thread_id, ALICE)).metadata.get("notebook") == (
            "work/nb.ipynb"
        )
    finally:
        await assistant.aclose()
