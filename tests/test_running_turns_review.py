"""Review of turns that outlive their client (assistant/running.py), as an attacker:
bad bodies next to ``Turn`` requests, and another user's ids on one server and store."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import AssistantMessageItem, ErrorEvent

from jupyter_chatkit.assistant.partial import STOPPED_NOTE
from jupyter_chatkit.assistant.server import JsonResult, NotebookAssistant, StreamResult
from jupyter_chatkit.protocol import Turn
from jupyter_chatkit.store import SQLStore, open_store

from .chatkit_helpers import ALICE, BOB, collect, json_call, make_assistant, req, user_input
from .test_assistant import _as_network_stream, _recorded_stream


async def _pausing_model(text: str, resume: asyncio.Event) -> tuple[ScriptedModel, asyncio.Event]:
    """A model that streams the first words of ``text``, then waits for ``resume`` before
    the rest; and the event set once it waits."""
    full = _as_network_stream(await _recorded_stream(text))
    cut = next(i for i, e in enumerate(full) if e.type == "response.output_text.delta") + 1
    waiting = asyncio.Event()

    async def paused(_call: Any) -> AsyncIterator[Any]:
        for event in full[:cut]:
            yield event
        waiting.set()
        await resume.wait()
        for event in full[cut:]:
            yield event

    return ScriptedModel([ModelStep(stream_events=paused)]), waiting


async def _alice_waiting(
    store: SQLStore, text: str, resume: asyncio.Event
) -> tuple[ScriptedModel, NotebookAssistant, asyncio.Future[Any], str]:
    """Alice's new thread answered by a :func:`_pausing_model` until ``resume``: the
    model, the assistant, the task reading her stream and her thread's id, once the
    model waits."""
    model, waiting = await _pausing_model(text, resume)
    assistant = make_assistant(store, model)
    result = await assistant.handle(req("threads.create", input=user_input("hi")), ALICE)
    assert isinstance(result, StreamResult)
    reader = asyncio.ensure_future(collect(result.chunks))
    await asyncio.wait_for(waiting.wait(), 10)
    return model, assistant, reader, next(iter(assistant.running._turns))


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"type": "turn.stop", "params": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=["deep-json", "deep-stop-params"],
)
async def test_deeply_nested_json_is_a_clear_400(sqlite_store: SQLStore, body: bytes) -> None:
    assistant = make_assistant(sqlite_store, ScriptedModel([]))
    result = await assistant.handle(body, ALICE)
    assert isinstance(result, JsonResult)
    assert result.status == 400
    assert json.loads(result.body)["message"]


@pytest.mark.asyncio
async def test_another_user_can_neither_stop_nor_watch_a_running_turn(
    sqlite_store: SQLStore,
) -> None:
    release = asyncio.Event()
    _, assistant, alice, thread_id = await _alice_waiting(
        sqlite_store, "Alice's private answer", release
    )

    # Bob, with Alice's thread id: not found, nothing stopped, nothing streamed.
    assert (await json_call(assistant, req(Turn.STOP, thread_id=thread_id), BOB))[0] == 404
    watched = await assistant.handle(req(Turn.WATCH, thread_id=thread_id), BOB)
    assert isinstance(watched, StreamResult)
    events = await collect(watched.chunks)
    assert [type(e) for e in events] == [ErrorEvent]
    assert "private" not in json.dumps([e.model_dump(mode="json") for e in events])

    release.set()
    await asyncio.wait_for(alice, 10)
    items = await sqlite_store.load_thread_items(thread_id, None, 20, "asc", ALICE)
    answer = next(i for i in items.data if isinstance(i, AssistantMessageItem))
    assert answer.content[-1].text == "Alice's private answer"
    assert STOPPED_NOTE.strip() not in answer.content[-1].text


@pytest.mark.asyncio
async def test_a_turn_without_client_keeps_its_answer_when_the_server_stops(
    tmp_path: Path,
) -> None:
    # A turn goes on after its client left; the server then stops (an idle culler, a
    # restart): the answer so far is kept, marked stopped, before the store closes.
    store = await open_store(f"sqlite:///{tmp_path / 'stops.sqlite3'}")
    # (Never resumed; its client is gone.)
    never = asyncio.Event()
    _, assistant, producer, thread_id = await _alice_waiting(store, "Half an answer", never)

    await asyncio.wait_for(assistant.aclose(), 20)
    assert producer.done()
    reopened = await open_store(f"sqlite:///{tmp_path / 'stops.sqlite3'}")
    try:
        items = await reopened.load_thread_items(thread_id, None, 20, "asc", ALICE)
    finally:
        await reopened.close()
    answers = [i for i in items.data if isinstance(i, AssistantMessageItem)]
    assert answers, [i.type for i in items.data]
    text = answers[-1].content[-1].text
    assert text.startswith("Half") and text.rstrip().endswith(STOPPED_NOTE.strip())


@pytest.mark.asyncio
async def test_a_stop_leaves_a_message_sent_after_it(sqlite_store: SQLStore) -> None:
    # Stop is on its way (its ownership check reads the store) when the person sends the
    # next message: Stop ends the turn that ran when it was asked, not the new one.
    model, assistant, producer, thread_id = await _alice_waiting(
        sqlite_store, "A long first answer", asyncio.Event()
    )
    model.enqueue(ModelStep(output=[assistant_message("Second answer", item_id="m2")]))

    stop = asyncio.ensure_future(assistant.handle(req(Turn.STOP, thread_id=thread_id), ALICE))
    again = req("threads.add_user_message", thread_id=thread_id, input=user_input("more"))
    second = await assistant.handle(again, ALICE)
    assert isinstance(second, StreamResult)
    consumer = asyncio.ensure_future(collect(second.chunks))
    stopped = await asyncio.wait_for(stop, 10)
    assert isinstance(stopped, JsonResult) and json.loads(stopped.body) == {"stopped": True}
    await asyncio.wait({producer}, timeout=10)
    assert producer.cancelled()
    await asyncio.wait({consumer}, timeout=10)
    assert consumer.done() and not consumer.cancelled(), "the message sent after Stop was stopped"
    items = await sqlite_store.load_thread_items(thread_id, None, 20, "asc", ALICE)
    answers = [i.content[-1].text for i in items.data if isinstance(i, AssistantMessageItem)]
    assert answers[0].rstrip().endswith(STOPPED_NOTE.strip())
    assert answers[-1] == "Second answer"
