"""A thread deleted by another process sharing the store (another Jupyter server, a
kernel with its own store) while this process streams its answer: the turn ends at its
next lease renewal (or, for a first turn, its thread watch) with the one THREAD_DELETED
``ErrorEvent``, not at its next write after the model has spent the whole answer; its
model run is closed; nothing of the thread is written after the delete, and nothing of
another thread is lost.

"Another process" is a second store opened on the same database (its own engine, its
own turns): what reaches the database is what another process would write. Real
SQLite and PostgreSQL; only the model is scripted (it waits mid-answer, for ever unless
the turn is ended: the 10 s below guard against a hang, they time nothing).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import ErrorEvent

from jupyter_chatkit.assistant.server import StreamResult
from jupyter_chatkit.assistant.turn_streams import THREAD_DELETED
from jupyter_chatkit.store import SQLStore, turns

from .chatkit_helpers import ALICE, collect, json_call, make_assistant, req, stream, user_input
from .test_running_turns_review import _pausing_model
from .test_turn_thread_deleted import _rows, second_turn_paused


@pytest.fixture(autouse=True)
def _quick_renewals(monkeypatch: pytest.MonkeyPatch) -> None:
    # A renewal (and a first turn's check) every 0.1 s instead of every 10 s, so the
    # test does not sit out the default interval; the mechanism is the same.
    monkeypatch.setattr(turns, "LEASE_SECONDS", 0.3)


async def _kept_thread(store: SQLStore) -> str:
    """Another thread of Alice's, answered, which must survive."""
    answered = make_assistant(
        store, ScriptedModel([ModelStep(output=[assistant_message("Kept.", item_id="k")])])
    )
    events = await stream(answered, req("threads.create", input=user_input("keep me")))
    return events[0].thread.id  # type: ignore[union-attr]


async def _assert_ended_as_deleted(
    store: SQLStore, reader: asyncio.Future[Any], resume: asyncio.Event, thread_id: str
) -> None:
    try:
        events = await asyncio.wait_for(reader, 10)
    finally:
        resume.set()
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and events[-1] is errors[0], [e.type for e in events]
    assert errors[0].message == THREAD_DELETED and errors[0].allow_retry is False
    assert await _rows(store, thread_id) == {
        "threads": 0,
        "items": 0,
        "attachments": 0,
        "thread_turns": 0,
    }


async def _assert_kept(store: SQLStore, kept: str) -> None:
    assistant = make_assistant(store, ScriptedModel([]))
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=kept))
    assert status == 200
    texts = [i.get("content") for i in thread["items"]["data"]]
    assert len(texts) == 2 and texts[1][0]["text"] == "Kept."


@pytest.mark.asyncio
async def test_a_later_turn_ends_when_another_process_deletes_its_thread(
    store: SQLStore, store_elsewhere: SQLStore
) -> None:
    kept = await _kept_thread(store)
    assistant, thread_id, reader, resume = await second_turn_paused(store)

    await store_elsewhere.delete_thread(thread_id, ALICE)  # another process

    await _assert_ended_as_deleted(store, reader, resume, thread_id)
    assert not assistant.running.answering(thread_id)
    await _assert_kept(store, kept)


@pytest.mark.asyncio
async def test_a_first_turn_ends_when_another_process_deletes_its_thread(
    store: SQLStore, store_elsewhere: SQLStore
) -> None:
    kept = await _kept_thread(store)
    resume = asyncio.Event()
    model, waiting = await _pausing_model("An answer that outlives its thread", resume)
    assistant = make_assistant(store, model)
    result = await assistant.handle(req("threads.create", input=user_input("hi")), ALICE)
    assert isinstance(result, StreamResult)
    reader = asyncio.ensure_future(collect(result.chunks))
    await asyncio.wait_for(waiting.wait(), 10)
    thread_id = next(iter(assistant.running._turns))
    # Another process finds the thread in the store only once its first save is made,
    # which may come after the model was asked (first_saves.py): deleting it sooner
    # found nothing (NotFoundError, run 77 on PostgreSQL).
    assert await assistant.first_saves.made(thread_id)

    await store_elsewhere.delete_thread(thread_id, ALICE)  # another process

    await _assert_ended_as_deleted(store, reader, resume, thread_id)
    await _assert_kept(store, kept)
