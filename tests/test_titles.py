"""Thread titles: local by default (no model call), the model's only when asked, or none."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import (
    AssistantMessageItem,
    ThreadCreatedEvent,
    ThreadItemAddedEvent,
    ThreadStreamEvent,
    ThreadUpdatedEvent,
)

from jupyter_chatkit.assistant.server import NotebookAssistant, StreamResult
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore, open_store

from .chatkit_helpers import (
    ALICE,
    BOB,
    json_call,
    make_assistant,
    parse_sse,
    req,
    stream,
    user_input,
)


def titled_after(first_turn: ModelStep) -> ScriptedModel:
    """The model of a new thread: ``first_turn``, then the title call's answer."""
    return ScriptedModel(
        [first_turn, ModelStep(output=[assistant_message("Regional sales plot.", item_id="t1")])]
    )


def titles_streamed(events: list) -> list[str | None]:
    """The titles the client got: the new thread's, then each update's."""
    return [
        e.thread.title for e in events if isinstance(e, ThreadCreatedEvent | ThreadUpdatedEvent)
    ]


@pytest.mark.asyncio
async def test_default_title_is_the_first_words_without_a_model_call(
    sqlite_store: SQLStore,
) -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("Sure.", item_id="m1")])])
    assistant = make_assistant(sqlite_store, model, title_threads=Settings().title_threads)
    events = await stream(
        assistant, req("threads.create", input=user_input("plot  the sales by\nregion please now"))
    )
    assert titles_streamed(events)[-1] == "plot the sales by region please"
    assert len(model.calls) == 1  # the answer only: no title request
    model.assert_complete()
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and thread["title"] == "plot the sales by region please"


@pytest.mark.asyncio
async def test_a_first_turn_stopped_as_the_answer_starts_shows_its_title(
    sqlite_store: SQLStore,
) -> None:
    """Stop closes the stream: the title must have reached the client before the answer
    (it used to come after it, so only a reload showed it)."""
    model = ScriptedModel(
        [ModelStep(output=[assistant_message("A long answer, cut short.", item_id="m1")])]
    )
    assistant = make_assistant(sqlite_store, model, title_threads=Settings().title_threads)
    result = await assistant.handle(
        req("threads.create", input=user_input("plot the sales by region")), ALICE
    )
    assert isinstance(result, StreamResult)
    received: list[ThreadStreamEvent] = []
    body = b""
    chunks = result.chunks
    async for chunk in chunks:
        body += chunk
        received = parse_sse(body[: body.rfind(b"\n\n") + 2])
        if any(
            isinstance(e, ThreadItemAddedEvent) and isinstance(e.item, AssistantMessageItem)
            for e in received
        ):
            break  # the answer starts: the person presses Stop
    await chunks.aclose()
    assert "plot the sales by region" in titles_streamed(received)
    thread_id = next(e.thread.id for e in received if isinstance(e, ThreadCreatedEvent))
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and thread["title"] == "plot the sales by region"


@pytest.mark.asyncio
async def test_model_titles_are_asked_for_after_the_answer(sqlite_store: SQLStore) -> None:
    model = titled_after(ModelStep(output=[assistant_message("Sure.", item_id="m1")]))
    assistant = make_assistant(sqlite_store, model, title_threads="model")
    events = await stream(assistant, req("threads.create", input=user_input("plot the sales")))
    assert titles_streamed(events)[-1] == "Regional sales plot"
    assert len(model.calls) == 2
    model.assert_complete()


@pytest.mark.asyncio
async def test_titles_off_leaves_the_thread_untitled(sqlite_store: SQLStore) -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("Sure.", item_id="m1")])])
    assistant = make_assistant(sqlite_store, model, title_threads="off")
    events = await stream(assistant, req("threads.create", input=user_input("plot the sales")))
    assert not any(titles_streamed(events))
    assert len(model.calls) == 1
    model.assert_complete()


def test_title_setting_reads_true_false_and_names() -> None:
    assert Settings().title_mode == "local"
    assert Settings(title_threads=True).title_mode == "model"
    assert Settings(title_threads=False).title_mode == "off"
    assert Settings(title_threads="Model").title_mode == "model"
    with pytest.raises(Exception, match="title_threads"):
        Settings(title_threads="sometimes")


# --- title_threads = "model": the local title at once, the model's as soon as it exists.


def pending_flags(events: list) -> list[bool]:
    """Whether each thread the client got still waits for its model title."""
    return [
        bool(e.thread.metadata.get("title_pending"))
        for e in events
        if isinstance(e, ThreadCreatedEvent | ThreadUpdatedEvent)
    ]


@pytest.mark.asyncio
async def test_model_titles_show_the_local_title_first(sqlite_store: SQLStore) -> None:
    model = titled_after(ModelStep(output=[assistant_message("Sure.", item_id="m1")]))
    assistant = make_assistant(sqlite_store, model, title_threads="model")
    events = await stream(assistant, req("threads.create", input=user_input("plot the sales")))
    assert titles_streamed(events) == ["plot the sales", "Regional sales plot"]
    assert pending_flags(events) == [True, False]
    model.assert_complete()


def answer_that_waits(started: asyncio.Event) -> ModelStep:
    """An answer that never comes (the model is thinking) until the person stops it."""

    async def waits(_call: Any) -> AsyncIterator[Any]:
        started.set()
        await asyncio.sleep(60)
        yield None  # never reached

    return ModelStep(stream_events=waits)


async def first_turn_stopped(
    assistant: NotebookAssistant,
    started: asyncio.Event,
    text: str,
    before_stop: Callable[[str], Awaitable[Any]] | None = None,
) -> tuple[list[ThreadStreamEvent], asyncio.Future[Any] | None]:
    """Start a new thread with ``text`` and stop it once the model thinks (the transport
    cancels the consumer, as handlers.py does on a disconnect). ``before_stop(thread_id)``
    is started just before (a client asking while Stop has not reached the server yet).
    Returns what the client got and that request's future."""
    result = await assistant.handle(req("threads.create", input=user_input(text)), ALICE)
    assert isinstance(result, StreamResult)
    body = b""

    async def consume() -> None:
        nonlocal body
        async for chunk in result.chunks:
            body += chunk

    task = asyncio.ensure_future(consume())
    await asyncio.wait_for(started.wait(), 10)
    received = parse_sse(body[: body.rfind(b"\n\n") + 2])
    thread_id = next(e.thread.id for e in received if isinstance(e, ThreadCreatedEvent))
    early = asyncio.ensure_future(before_stop(thread_id)) if before_stop else None
    for _ in range(3):  # that request reaches its wait
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return received, early


def stopped_then_titled(started: asyncio.Event) -> ScriptedModel:
    """An answer the person stops while the model thinks, then the title request."""
    return titled_after(answer_that_waits(started))


@pytest.mark.asyncio
async def test_a_stopped_first_turn_gets_its_model_title_without_a_reload(
    sqlite_store: SQLStore,
) -> None:
    """The stream closed with the local title; the client that sees the thread still
    owed its model title asks once (get_by_id) and gets it, as soon as it is written."""
    started = asyncio.Event()
    model = stopped_then_titled(started)
    assistant = make_assistant(sqlite_store, model, title_threads="model")
    received, _ = await first_turn_stopped(assistant, started, "plot the sales by region")
    assert titles_streamed(received) == ["plot the sales by region"]  # at once
    assert pending_flags(received) == [True]
    thread_id = next(e.thread.id for e in received if isinstance(e, ThreadCreatedEvent))
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and thread["title"] == "Regional sales plot"
    assert "title_pending" not in thread["metadata"]
    model.assert_complete()
    # Saved: a later listing (another browser, a reload) shows it too.
    assert (await sqlite_store.load_thread(thread_id, ALICE)).title == "Regional sales plot"


@pytest.mark.asyncio
async def test_asking_before_the_stop_reaches_the_server_still_gets_the_model_title(
    sqlite_store: SQLStore,
) -> None:
    started = asyncio.Event()
    model = stopped_then_titled(started)
    assistant = make_assistant(sqlite_store, model, title_threads="model")

    async def ask(thread_id: str) -> tuple[int, Any]:
        return await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))

    _, early = await first_turn_stopped(assistant, started, "plot the sales by region", ask)
    assert early is not None
    status, thread = await asyncio.wait_for(early, 10)
    assert status == 200 and thread["title"] == "Regional sales plot"
    model.assert_complete()


@pytest.mark.asyncio
async def test_a_failed_first_turn_gets_its_model_title(sqlite_store: SQLStore) -> None:
    model = titled_after(ModelStep(error=RuntimeError("the provider fell over")))
    assistant = make_assistant(sqlite_store, model, title_threads="model", max_retries=0)
    events = await stream(assistant, req("threads.create", input=user_input("plot the sales")))
    assert any(e.type == "error" for e in events)
    assert titles_streamed(events)[0] == "plot the sales"
    thread_id = next(e.thread.id for e in events if isinstance(e, ThreadCreatedEvent))
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and thread["title"] == "Regional sales plot"
    model.assert_complete()


@pytest.mark.asyncio
async def test_a_thread_renamed_before_its_model_title_keeps_the_persons_title(
    sqlite_store: SQLStore,
) -> None:
    started = asyncio.Event()
    model = stopped_then_titled(started)
    assistant = make_assistant(sqlite_store, model, title_threads="model")

    async def rename(thread_id: str) -> tuple[int, Any]:
        return await json_call(
            assistant, req("threads.update", thread_id=thread_id, title="My sales plot")
        )

    received, early = await first_turn_stopped(assistant, started, "plot the sales", rename)
    assert early is not None and (await early)[0] == 200
    thread_id = next(e.thread.id for e in received if isinstance(e, ThreadCreatedEvent))
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and thread["title"] == "My sales plot"


@pytest.mark.asyncio
async def test_another_user_asking_for_the_thread_leaves_its_model_title_owed(
    sqlite_store: SQLStore,
) -> None:
    """Bob asking for (or renaming) Alice's thread by id is refused and changes nothing:
    no model call is made for him and Alice still gets the model's title."""
    model = titled_after(ModelStep(error=RuntimeError("the provider fell over")))
    assistant = make_assistant(sqlite_store, model, title_threads="model", max_retries=0)
    events = await stream(assistant, req("threads.create", input=user_input("plot the sales")))
    thread_id = next(e.thread.id for e in events if isinstance(e, ThreadCreatedEvent))
    status, _body = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id), BOB)
    assert status != 200
    rename = req("threads.update", thread_id=thread_id, title="Bob's title")
    status, _body = await json_call(assistant, rename, BOB)
    assert status != 200
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and thread["title"] == "Regional sales plot"
    model.assert_complete()


@pytest.mark.asyncio
async def test_a_thread_that_could_not_be_saved_is_owed_no_title(tmp_path: Path) -> None:
    """The store failing to save a new thread leaves no model title owed (nothing would
    ever take it: the entry and the message it holds would stay for good)."""
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    try:
        with sqlite3.connect(path) as db:
            db.execute("DROP TABLE items")
        model = ScriptedModel([])
        assistant = make_assistant(store, model, title_threads="model")
        events = await stream(assistant, req("threads.create", input=user_input("plot the sales")))
        assert [e.type for e in events] == ["error"]
        assert len(assistant.titles) == 0
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_failed_first_turn_writes_its_model_title_unasked(sqlite_store: SQLStore) -> None:
    """A first turn that fails writes its owed title in the background: a client that
    never asks for the thread again still finds it titled, and nothing stays owed."""
    model = titled_after(ModelStep(error=RuntimeError("the provider fell over")))
    assistant = make_assistant(sqlite_store, model, title_threads="model", max_retries=0)
    events = await stream(assistant, req("threads.create", input=user_input("plot the sales")))
    assert any(e.type == "error" for e in events)
    thread_id = next(e.thread.id for e in events if isinstance(e, ThreadCreatedEvent))
    for _ in range(1000):  # the writer runs on this loop: let it, until nothing is owed
        if not assistant.titles.due(thread_id):
            break
        await asyncio.sleep(0.01)
    assert len(assistant.titles) == 0
    thread = await sqlite_store.load_thread(thread_id, ALICE)
    assert thread.title == "Regional sales plot"
    model.assert_complete()
