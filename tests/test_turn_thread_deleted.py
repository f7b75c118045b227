"""A thread deleted (``threads.delete``, the same user in another tab) while its answer
streams: the stream ends with one clear ``ErrorEvent`` that offers no Retry (Retry on a
deleted thread can only 404), and nothing of the thread is written after the delete.

Real store (SQLite), real assistant; only the model is scripted (it waits mid-answer).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.store import NotFoundError
from chatkit.types import ErrorEvent, ThreadMetadata, ThreadStreamEvent
from sqlalchemy import func, select

from jupyter_chatkit.assistant.server import NotebookAssistant, StreamResult
from jupyter_chatkit.assistant.turn_streams import THREAD_DELETED
from jupyter_chatkit.store import SQLStore
from jupyter_chatkit.store.schema import attachments, items, thread_turns, threads

from .chatkit_helpers import ALICE, BOB, collect, json_call, make_assistant, req, stream, user_input
from .test_running_turns_review import _alice_waiting, _pausing_model


async def _rows(store: SQLStore, thread_id: str) -> dict[str, int]:
    """How many rows of ``thread_id`` each table holds."""
    counts = {}
    async with store.engine.connect() as conn:
        for table in (threads, items, attachments, thread_turns):
            column = table.c.id if table is threads else table.c.thread_id
            query = select(func.count()).select_from(table).where(column == thread_id)
            counts[table.name] = int((await conn.execute(query)).scalar_one())
    return counts


async def second_turn_paused(
    store: SQLStore,
) -> tuple[NotebookAssistant, str, asyncio.Future[Any], asyncio.Event]:
    """A thread with one answer whose second turn's model waits for ``resume``: the
    turn's assistant, the thread's id, the task reading its stream, and ``resume``."""
    first = make_assistant(
        store, ScriptedModel([ModelStep(output=[assistant_message("First.", item_id="m1")])])
    )
    created = await stream(first, req("threads.create", input=user_input("hi")))
    thread_id = created[0].thread.id  # type: ignore[union-attr]
    resume = asyncio.Event()
    paused, waiting = await _pausing_model("A second answer, never kept", resume)
    assistant = make_assistant(store, paused)
    result = await assistant.handle(
        req("threads.add_user_message", thread_id=thread_id, input=user_input("more")), ALICE
    )
    assert isinstance(result, StreamResult)
    reader = asyncio.ensure_future(collect(result.chunks))
    await asyncio.wait_for(waiting.wait(), 10)
    return assistant, thread_id, reader, resume


async def _delete_mid_answer(
    assistant: NotebookAssistant, reader: asyncio.Future[Any], thread_id: str, resume: Any
) -> list[ThreadStreamEvent]:
    """Delete the thread while its model waits; the stream's events.

    The model is not let go on: the delete itself stops the run (its stream waits
    forever otherwise; the 10 s is a guard against that hang, not a timing)."""
    status, _ = await json_call(assistant, req("threads.delete", thread_id=thread_id), ALICE)
    assert status == 200
    try:
        events: list[ThreadStreamEvent] = await asyncio.wait_for(reader, 10)
    finally:
        resume.set()
    return events


async def _assert_ended_as_deleted(
    assistant: NotebookAssistant,
    store: SQLStore,
    thread_id: str,
    events: list[ThreadStreamEvent],
) -> None:
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and events[-1] is errors[0], [e.type for e in events]
    assert errors[0].code == "custom"
    assert errors[0].message == THREAD_DELETED
    assert errors[0].allow_retry is False
    # Still deleted, and no row of it was written after the delete.
    status, _ = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 404
    assert not assistant.running.answering(thread_id)
    assert await _rows(store, thread_id) == {
        "threads": 0,
        "items": 0,
        "attachments": 0,
        "thread_turns": 0,
    }


@pytest.mark.asyncio
async def test_a_new_thread_deleted_mid_answer_ends_its_stream_without_retry(
    sqlite_store: SQLStore,
) -> None:
    resume = asyncio.Event()
    _, assistant, reader, thread_id = await _alice_waiting(
        sqlite_store, "An answer that outlives its thread", resume
    )
    events = await _delete_mid_answer(assistant, reader, thread_id, resume)
    await _assert_ended_as_deleted(assistant, sqlite_store, thread_id, events)


@pytest.mark.asyncio
async def test_a_thread_deleted_during_a_later_answer_ends_its_stream_without_retry(
    sqlite_store: SQLStore,
) -> None:
    # The second turn of a thread (threads.add_user_message, the thread's turn held).
    assistant, thread_id, reader, resume = await second_turn_paused(sqlite_store)
    events = await _delete_mid_answer(assistant, reader, thread_id, resume)
    await _assert_ended_as_deleted(assistant, sqlite_store, thread_id, events)


@pytest.mark.asyncio
async def test_a_deleted_thread_is_not_saved_back(store: SQLStore) -> None:
    # A turn saves its thread (a title, ChatKit's save after the stream) with the copy
    # it loaded; deleted meanwhile, that save must not create the thread again.
    meta = ThreadMetadata(id="thr_gone", created_at=datetime.now(), title="t")
    await store.save_thread(meta, ALICE)
    await store.delete_thread("thr_gone", ALICE)
    meta.title = "A title written after the delete"
    with pytest.raises(NotFoundError):
        await store.save_thread(meta, ALICE)
    with pytest.raises(NotFoundError):
        await store.load_thread("thr_gone", ALICE)
    assert (await _rows(store, "thr_gone"))["threads"] == 0
    # A thread id never deleted for this user is still created.
    await store.save_thread(ThreadMetadata(id="thr_gone", created_at=datetime.now()), BOB)
    assert (await store.load_thread("thr_gone", BOB)).id == "thr_gone"


@pytest.mark.asyncio
async def test_a_thread_deleted_mid_answer_is_owed_no_model_title(sqlite_store: SQLStore) -> None:
    # title_threads='model': the title is one more model call after the first answer.
    # Deleted mid-answer, the thread is owed none: no call is made, nothing kept for it.
    resume = asyncio.Event()
    model, waiting = await _pausing_model("An answer, then no title", resume)
    assistant = make_assistant(sqlite_store, model, title_threads="model")
    result = await assistant.handle(req("threads.create", input=user_input("hi")), ALICE)
    assert isinstance(result, StreamResult)
    reader = asyncio.ensure_future(collect(result.chunks))
    await asyncio.wait_for(waiting.wait(), 10)
    thread_id = next(iter(assistant.running._turns))
    assert assistant.titles.due(thread_id)

    events = await _delete_mid_answer(assistant, reader, thread_id, resume)
    await _assert_ended_as_deleted(assistant, sqlite_store, thread_id, events)
    assert not assistant.titles.due(thread_id)
    assert len(assistant.titles) == 0
    assert len(model.calls) == 1
