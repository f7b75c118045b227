"""Thread titles: local by default (no model call), the model's only when asked, or none."""

from __future__ import annotations

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import (
    AssistantMessageItem,
    ThreadCreatedEvent,
    ThreadItemAddedEvent,
    ThreadStreamEvent,
    ThreadUpdatedEvent,
)

from jupyter_chatkit.assistant.server import StreamResult
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, json_call, make_assistant, parse_sse, req, stream, user_input


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
    model = ScriptedModel(
        [
            ModelStep(output=[assistant_message("Sure.", item_id="m1")]),
            ModelStep(output=[assistant_message("Regional sales plot.", item_id="t1")]),
        ]
    )
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
