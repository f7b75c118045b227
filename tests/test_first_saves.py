"""A new thread's first save is made while its model is asked (assistant/first_saves.py).

The model is asked before the thread and its first message are saved, and nothing of
the turn goes on before that save: the thread, the message and the answer are stored in
that order, a reload meanwhile lists the thread with its message, and another user sees
none of it. On SQLite and on PostgreSQL; the model is a scripted one that says when it
is asked (and may hold its answer), everything else is real.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.store import NotFoundError
from chatkit.types import (
    AssistantMessageItem,
    ErrorEvent,
    ThreadCreatedEvent,
    ThreadStreamEvent,
    UserMessageItem,
)

from jupyter_chatkit.assistant.opening import holding_opening
from jupyter_chatkit.assistant.results import StreamResult
from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.protocol import Turn
from jupyter_chatkit.store import SQLStore, open_store
from jupyter_chatkit.store.engine import PoolOptions

from .chatkit_helpers import (
    ALICE,
    BOB,
    HoldingTransport,
    json_call,
    make_assistant,
    read_turn,
    req,
    stream,
    user_input,
)
from .test_store_locked import Locker, write_locked

# Bounds the test only.
HANG_GUARD = 60.0
ANSWER = "Answered while saved."


class AskedModel(ScriptedModel):
    """A scripted answer that says when the model is asked, and waits for ``go``."""

    def __init__(self) -> None:
        super().__init__([ModelStep(output=[assistant_message(ANSWER, item_id="m1")])])
        self.asked = asyncio.Event()
        self.go = asyncio.Event()

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        self.asked.set()
        await self.go.wait()
        async for event in super().stream_response(*args, **kwargs):
            yield event


@dataclass
class _Setup:
    """A store, a model that says when it is asked, and an assistant on them."""

    store: SQLStore
    model: AskedModel
    assistant: NotebookAssistant
    seen: list[ThreadStreamEvent] = field(default_factory=list)


@contextlib.asynccontextmanager
async def _asked_assistant(
    url: str, lock_timeout: float | None = None, **settings: Any
) -> AsyncIterator[_Setup]:
    """An assistant on a store at ``url`` (a lock wait bounded by ``lock_timeout``) whose
    model waits for ``go``; closed after (the model let go first)."""
    pool = PoolOptions(lock_timeout=lock_timeout) if lock_timeout is not None else None
    store = await open_store(url, pool=pool)
    model = AskedModel()
    setup = _Setup(store, model, make_assistant(store, model, **settings))
    try:
        yield setup
    finally:
        model.go.set()
        await setup.assistant.aclose()


def _turn(
    assistant: NotebookAssistant, seen: list[ThreadStreamEvent]
) -> tuple[asyncio.Future[None], asyncio.Future[str]]:
    """A new thread's turn read as the Jupyter server's handler drives it (its opening
    held until the model is asked): the reading task, and the new thread's id."""
    created: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def drive() -> None:
        with holding_opening(HoldingTransport()):
            result = await assistant.handle(req("threads.create", input=user_input("hi")), ALICE)
            assert isinstance(result, StreamResult)
            reading, named = read_turn(result.chunks, seen)

            def name(done: asyncio.Future[str]) -> None:
                if not done.cancelled():
                    created.set_result(done.result())

            named.add_done_callback(name)
            await reading

    return asyncio.ensure_future(drive()), created


async def _stored_in_order(store: SQLStore, thread_id: str) -> None:
    """The thread, its message and the answer, stored in that order, for ALICE only."""
    thread = await store.load_thread(thread_id, ALICE)
    assert thread.title == "hi"
    items = (await store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
    assert [type(i) for i in items] == [UserMessageItem, AssistantMessageItem]
    assert items[1].content[0].text == ANSWER
    with pytest.raises(NotFoundError):
        await store.load_thread(thread_id, BOB)


@pytest.mark.asyncio
async def test_a_new_threads_model_is_asked_while_its_first_save_waits(store_url: str) -> None:
    # A lock that outlasts the test: the save waits for it, it does not give up.
    async with _asked_assistant(store_url, HANG_GUARD, title_threads="local") as s:
        async with write_locked(store_url):
            turn, created = _turn(s.assistant, s.seen)
            asked = asyncio.ensure_future(s.model.asked.wait())
            # Before: the save came first, so the model was never asked while it waited
            # (the turn ended with the store's error once the lock's wait gave up).
            either: set[asyncio.Future[Any]] = {asked, turn}
            await asyncio.wait(either, timeout=HANG_GUARD, return_when="FIRST_COMPLETED")
            assert s.model.asked.is_set(), f"the model was not asked while saving: {s.seen}"
            s.model.go.set()
        await asyncio.wait_for(turn, HANG_GUARD)
        thread_id = created.result()
        assert not [e for e in s.seen if isinstance(e, ErrorEvent)], s.seen
        assert isinstance(s.seen[0], ThreadCreatedEvent)
        await _stored_in_order(s.store, thread_id)


@pytest.mark.asyncio
async def test_a_reload_while_the_model_thinks_lists_the_new_thread_with_its_message(
    store_url: str,
) -> None:
    async with _asked_assistant(store_url, title_threads="local") as s:
        store, model, assistant, seen = s.store, s.model, s.assistant, s.seen
        turn, created = _turn(assistant, seen)
        await asyncio.wait_for(model.asked.wait(), HANG_GUARD)
        # The page reloads while the model thinks: its list, then the thread.
        status, listed = await json_call(assistant, req("threads.list", limit=20))
        assert status == 200
        thread_id = await asyncio.wait_for(created, HANG_GUARD)
        assert [t["id"] for t in listed["data"]] == [thread_id]
        status, opened = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
        assert status == 200
        assert [i["type"] for i in opened["items"]["data"]] == ["user_message"]
        # Another user sees none of it.
        status, theirs = await json_call(assistant, req("threads.list", limit=20), BOB)
        assert status == 200 and theirs["data"] == []
        status, _ = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id), BOB)
        assert status == 404
        model.go.set()
        await asyncio.wait_for(turn, HANG_GUARD)
        assert not [e for e in seen if isinstance(e, ErrorEvent)], seen
        await _stored_in_order(store, thread_id)


@pytest.mark.asyncio
async def test_a_stop_after_the_first_save_failed_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped once its save gave up (the lock held past its timeout): the stop keeps
    nothing (there is no thread to keep it in), and the page's Retry answers it."""
    path = tmp_path / "chat.sqlite3"
    async with _asked_assistant(f"sqlite:///{path}", 1.0) as s:
        store, model, assistant, seen = s.store, s.model, s.assistant, s.seen
        async with Locker(path):
            result = await assistant.handle(req("threads.create", input=user_input("hi")), ALICE)
            assert isinstance(result, StreamResult)
            turn, created = read_turn(result.chunks, seen)
            thread_id = await asyncio.wait_for(created, HANG_GUARD)
            saving = assistant.saving_threads[thread_id]
            await asyncio.wait_for(model.asked.wait(), HANG_GUARD)
            await asyncio.wait({saving}, timeout=HANG_GUARD)
            assert saving.done() and saving.exception() is not None
            # The stop's writes, which go on after the turn when they wait for the lock.
            keeping: list[asyncio.Future[Any]] = []
            in_background = store.finish_in_background

            def kept(thread: str | None, work: asyncio.Future[Any]) -> None:
                keeping.append(work)
                in_background(thread, work)

            monkeypatch.setattr(store, "finish_in_background", kept)
            status, _ = await json_call(assistant, req(Turn.STOP, thread_id=thread_id))
            assert status == 200
            await asyncio.wait({turn}, timeout=HANG_GUARD)
            assert turn.cancelled()
            # Before: the stop's writes went to the store, waited for the lock and failed.
            assert keeping, "the stop kept nothing of the turn"
            await asyncio.wait(keeping, timeout=HANG_GUARD)
            assert all(w.done() and w.exception() is None for w in keeping), keeping
        model.go.set()
        message_id = next(e.item.id for e in seen if e.type == "thread.item.done")
        retry = req("threads.retry_after_item", thread_id=thread_id, item_id=message_id)
        events = await stream(assistant, retry)
        assert not [e for e in events if isinstance(e, ErrorEvent)], events
        items = (await store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
        assert [type(i) for i in items] == [UserMessageItem, AssistantMessageItem]


@pytest.mark.asyncio
async def test_a_first_save_made_at_once_leaves_no_timer_behind(
    sqlite_store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No stream holds its opening when the turn asks its model: the save is made then,
    and no later flush is set for it (before: SAVE_WITHIN's timer was set all the same)."""
    model = ScriptedModel([ModelStep(output=[assistant_message(ANSWER, item_id="m1")])])
    assistant = make_assistant(sqlite_store, model, title_threads="local")
    loop = asyncio.get_running_loop()
    timers: list[Any] = []
    call_later = loop.call_later

    def timed(delay: float, callback: Any, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        timers.append(callback)
        return call_later(delay, callback, *args, **kwargs)

    monkeypatch.setattr(loop, "call_later", timed)
    try:
        events = await stream(assistant, req("threads.create", input=user_input("hi")))
    finally:
        monkeypatch.undo()
        await assistant.aclose()
    assert not [e for e in events if isinstance(e, ErrorEvent)], events
    thread_id = next(e.thread.id for e in events if isinstance(e, ThreadCreatedEvent))
    await _stored_in_order(sqlite_store, thread_id)
    assert assistant.first_saves._flush not in timers
