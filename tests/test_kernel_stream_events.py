"""The kernel reads ChatKit's stream without ChatKit's models, and reads it as they do.

kernel/stream_events.py takes the fields a kernel uses from the JSON of each event;
``chatkit.types`` stays the source of truth. Here every event is one of its models,
encoded as the server encodes it (assistant/results.py ``sse``), and what the kernel
reads must be what the model holds: type names, texts, cards, tool calls, errors,
notices, progress. An event ChatKit would refuse, or does not define, is skipped.
"""

from __future__ import annotations

import asyncio
import json
import typing
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from chatkit import types as ck
from chatkit.widgets import Card, Text
from pydantic import TypeAdapter, ValidationError

from jupyter_chatkit.assistant.cards import card_code, code_card
from jupyter_chatkit.assistant.results import sse
from jupyter_chatkit.kernel import stream_events as se
from jupyter_chatkit.kernel.client import iter_events

NOW = datetime(2026, 1, 1)
CHATKIT_EVENTS: TypeAdapter[ck.ThreadStreamEvent] = TypeAdapter(ck.ThreadStreamEvent)


def read(*events: Any, split: int = 7) -> list[se.StreamEvent]:
    """What the kernel reads of ``events`` sent as SSE, the bytes split every ``split``."""
    data = b"".join(e if isinstance(e, bytes) else sse(e) for e in events)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(data), split):
            yield data[start : start + split]

    async def collect() -> list[se.StreamEvent]:
        return [event async for event in iter_events(chunks())]

    return asyncio.run(collect())


def one(event: Any) -> se.StreamEvent:
    (got,) = read(event)
    assert got.type == event.type
    assert json.loads(got.data) == json.loads(sse(event)[6:])
    return got


def literal(model: type[Any]) -> str:
    return str(model.model_fields["type"].default)


def test_the_event_names_are_chatkits_own() -> None:
    # Every event ChatKit streams is read or passed on, and none other.
    union = typing.get_args(typing.get_args(ck.ThreadStreamEvent)[0])
    assert {literal(model) for model in union} == set(se.KNOWN_EVENTS)
    assert literal(ck.ThreadCreatedEvent) == se.THREAD_CREATED
    assert literal(ck.ThreadItemAddedEvent) == se.ITEM_ADDED
    assert literal(ck.ThreadItemDoneEvent) == se.ITEM_DONE
    assert literal(ck.ThreadItemReplacedEvent) == se.ITEM_REPLACED
    assert literal(ck.ThreadItemUpdatedEvent) == se.ITEM_UPDATED
    assert literal(ck.ErrorEvent) == se.ERROR
    assert literal(ck.NoticeEvent) == se.NOTICE
    assert literal(ck.ProgressUpdateEvent) == se.PROGRESS_UPDATE
    assert literal(ck.AssistantMessageItem) == se.ASSISTANT_MESSAGE
    assert literal(ck.WidgetItem) == se.WIDGET
    assert literal(ck.ClientToolCallItem) == se.CLIENT_TOOL_CALL
    assert literal(ck.AssistantMessageContentPartTextDelta) == se.TEXT_DELTA


def thread() -> ck.Thread:
    return ck.Thread(id="thr_1", created_at=NOW, items=ck.Page(data=[], has_more=False))


def message(*texts: str) -> ck.AssistantMessageItem:
    content = [ck.AssistantMessageContent(text=t) for t in texts]
    return ck.AssistantMessageItem(id="msg_1", thread_id="thr_1", created_at=NOW, content=content)


def tool_call(status: typing.Literal["pending", "completed"]) -> ck.ClientToolCallItem:
    return ck.ClientToolCallItem(
        id="tc_1",
        thread_id="thr_1",
        created_at=NOW,
        status=status,
        call_id="call_1",
        name="inspect_kernel_variable",
        arguments={"name": "df", "depth": 2},
    )


def test_the_thread_texts_and_tool_calls_read_as_the_models_hold_them() -> None:
    created = one(ck.ThreadCreatedEvent(thread=thread()))
    assert isinstance(created, se.ThreadCreated) and created.thread_id == "thr_1"
    for event_type in (ck.ThreadItemAddedEvent, ck.ThreadItemDoneEvent, ck.ThreadItemReplacedEvent):
        got = one(event_type(item=message("Hello, ", "world.")))
        assert isinstance(got, se.ItemEvent)
        assert got.item == se.AssistantText(id="msg_1", text="Hello, world.")
    for status in ("pending", "completed"):
        got = one(ck.ThreadItemDoneEvent(item=tool_call(status)))
        assert isinstance(got, se.ItemEvent)
        assert got.item == se.ToolCall(
            id="tc_1",
            name="inspect_kernel_variable",
            arguments={"name": "df", "depth": 2},
            status=status,
        )
    delta = ck.AssistantMessageContentPartTextDelta(content_index=0, delta="more ")
    got = one(ck.ThreadItemUpdatedEvent(item_id="msg_1", update=delta))
    assert isinstance(got, se.TextDelta) and (got.item_id, got.delta) == ("msg_1", "more ")
    # Any other update (a part done, a widget's streaming text) is passed on, not read.
    done = ck.AssistantMessageContentPartDone(
        content_index=0, content=ck.AssistantMessageContent(text="x")
    )
    got = one(ck.ThreadItemUpdatedEvent(item_id="msg_1", update=done))
    assert type(got) is se.StreamEvent
    # Items the kernel does not read: the event still comes, with no item.
    user = ck.UserMessageItem(
        id="u1",
        thread_id="thr_1",
        created_at=NOW,
        content=[ck.UserMessageTextContent(text="hi")],
        inference_options=ck.InferenceOptions(),
    )
    got = one(ck.ThreadItemDoneEvent(item=user))
    assert isinstance(got, se.ItemEvent) and got.item is None


def test_a_code_card_reads_as_the_widget_model_does() -> None:
    card = code_card("df.head()\n```inner```", title="Look", language="python")
    item = ck.WidgetItem(id="w1", thread_id="thr_1", created_at=NOW, widget=card)
    got = one(ck.ThreadItemDoneEvent(item=item))
    assert isinstance(got, se.ItemEvent) and isinstance(got.item, se.WidgetCard)
    assert got.item.id == "w1"
    assert got.item.code() == card_code(card) == "df.head()\n```inner```"
    # A widget with no Insert button is no code card, for the model as for the JSON.
    other = ck.WidgetItem(
        id="w2",
        thread_id="thr_1",
        created_at=NOW,
        widget=Card(children=[Text(value="hello")]),
    )
    got = one(ck.ThreadItemDoneEvent(item=other))
    assert isinstance(got, se.ItemEvent) and isinstance(got.item, se.WidgetCard)
    assert got.item.code() is None and card_code(other.widget) is None


def test_errors_notices_and_progress_read_as_the_models_hold_them() -> None:
    got = one(ck.ErrorEvent(message="The model is unavailable.", allow_retry=True))
    assert isinstance(got, se.ErrorEvent)
    assert (got.code, got.message) == ("custom", "The model is unavailable.")
    got = one(ck.ErrorEvent(code=ck.ErrorCode.STREAM_ERROR))
    assert isinstance(got, se.ErrorEvent)
    assert (got.code, got.message) == (ck.ErrorCode.STREAM_ERROR.value, None)
    got = one(ck.NoticeEvent(level="warning", message="Careful."))
    assert isinstance(got, se.NoticeEvent) and got.message == "Careful."
    got = one(ck.ProgressUpdateEvent(text="Using search"))
    assert isinstance(got, se.ProgressEvent) and (got.text, got.icon) == ("Using search", None)
    got = one(ck.ProgressUpdateEvent(icon="lightbulb", text="Thinking"))
    assert isinstance(got, se.ProgressEvent) and got.icon == "lightbulb"


def test_events_read_only_to_be_passed_on_keep_their_json() -> None:
    for event in (
        ck.ThreadUpdatedEvent(thread=thread()),
        ck.ThreadItemRemovedEvent(item_id="msg_1"),
        ck.StreamOptionsEvent(stream_options=ck.StreamOptions(allow_cancel=True)),
        ck.ClientEffectEvent(name="notebook.insert_cell", data={"code": "1"}),
    ):
        assert type(one(event)) is se.StreamEvent


@pytest.mark.parametrize(
    "data",
    [
        # Not JSON, not an object, a type ChatKit does not define.
        b"data: {not json\n\n",
        b"data: [1, 2]\n\n",
        b'data: {"type": "thread.teleported", "thread": {"id": "t"}}\n\n',
        # Known types without a field the kernel reads, or of the wrong type.
        b'data: {"type": "thread.created", "thread": {}}\n\n',
        b'data: {"type": "thread.item.done"}\n\n',
        b'data: {"type": "thread.item.done", "item": {"id": "m", "type": "assistant_message",'
        b' "content": [{"type": "output_text", "text": 3}]}}\n\n',
        b'data: {"type": "thread.item.done", "item": {"id": "c", "type": "client_tool_call",'
        b' "name": "x", "arguments": [], "status": "pending"}}\n\n',
        b'data: {"type": "thread.item.updated", "item_id": "m", "update":'
        b' {"type": "assistant_message.content_part.text_delta", "delta": null}}\n\n',
        b'data: {"type": "error", "message": 42}\n\n',
        b'data: {"type": "notice", "level": "info"}\n\n',
        b'data: {"type": "progress_update", "text": "x", "icon": 1}\n\n',
    ],
)
def test_what_chatkit_would_refuse_is_skipped(data: bytes) -> None:
    # Skipped, and the stream goes on: the next event still reads.
    notice = ck.NoticeEvent(level="info", message="after")
    got = read(data, notice)
    assert [e.type for e in got] == [se.NOTICE]
    # ChatKit's models refuse it too.
    with pytest.raises(ValidationError):
        CHATKIT_EVENTS.validate_json(data[6:].strip())
