"""The Responses model's stream: events parsed by type as openai parses them, and text
deltas of one network read merged."""

from __future__ import annotations

import json
from typing import Any

import pydantic
import pytest
from agents import Agent, RunConfig, Runner
from openai import AsyncOpenAI
from openai._models import construct_type
from openai._streaming import ServerSentEvent
from openai.types.responses import ResponseStreamEvent

from jupyter_chatkit.assistant import responses_model
from jupyter_chatkit.assistant.canned_provider import responses_stream
from jupyter_chatkit.assistant.coalesce import CoalescingDecoder, merge_output_text_deltas
from jupyter_chatkit.assistant.models import build_model, close_model
from jupyter_chatkit.assistant.responses_model import (
    StreamEventByType,
    lighten_stream,
    responses_model_class,
    stream_event_types,
)
from jupyter_chatkit.settings import Settings

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall

WHERE = {"item_id": "msg_1", "output_index": 0, "content_index": 0}


def delta(
    text: str, number: int, name: str | None = "response.output_text.delta", **extra: Any
) -> ServerSentEvent:
    data = {
        "type": "response.output_text.delta",
        "sequence_number": number,
        **WHERE,
        "delta": text,
        "logprobs": [],
        "obfuscation": f"pad{number}",
        **extra,
    }
    return ServerSentEvent(event=name, data=json.dumps(data))


def other(kind: str, number: int) -> ServerSentEvent:
    data = {"type": kind, "sequence_number": number, **WHERE, "text": "x", "logprobs": []}
    return ServerSentEvent(event=kind, data=json.dumps(data))


def test_a_run_of_text_deltas_becomes_one_event() -> None:
    events = [delta(w, n) for n, w in enumerate(("Hello", " there", ",", " world"), start=4)]
    merged = list(merge_output_text_deltas(events))
    assert len(merged) == 1
    data = merged[0].json()
    # The first event with the run's text; the last sequence number, so numbers grow.
    assert data == {
        **json.loads(events[0].data),
        "delta": "Hello there, world",
        "sequence_number": 7,
    }
    assert merged[0].event == "response.output_text.delta"
    assert json.loads(merged[0].data) == data


def test_only_deltas_of_the_same_part_and_shape_merge() -> None:
    events = [
        delta("a", 1),
        delta("b", 2),
        delta("c", 3, content_index=1),  # another content part
        delta("d", 4, content_index=1),
        delta("e", 5, item_id="msg_2"),  # another item
        delta("f", 6, logprobs=[{"token": "f", "logprob": -0.1, "bytes": [102]}]),
        delta("g", 7, logprobs=[{"token": "g", "logprob": -0.2, "bytes": [103]}]),
        other("response.output_text.done", 8),
        delta("h", 9),
        delta("i", 10, annotations=[]),  # a field a plain delta does not have
        delta("j", 11, name=None),  # no event line: another shape on the wire
        delta("k", 12),
    ]
    merged = list(merge_output_text_deltas(events))
    texts = [json.loads(e.data).get("delta", "<done>") for e in merged]
    assert texts == ["ab", "cd", "e", "f", "g", "<done>", "h", "i", "j", "k"]
    assert "".join(t for t in texts if t != "<done>") == "abcdefghijk"


def test_a_single_event_and_other_events_pass_as_they_are() -> None:
    lone = [delta("a", 1)]
    assert list(merge_output_text_deltas(lone)) == lone
    events = [other("response.output_text.done", 1), other("response.content_part.done", 2)]
    assert list(merge_output_text_deltas(events)) == events


def canned_events() -> list[dict[str, Any]]:
    out = []
    for tool_call in (False, True):
        body = responses_stream("m", tool_call).decode()
        out += [json.loads(part[6:]) for part in body.split("\n\n") if part.startswith("data: ")]
    return out


def test_canned_events_validate_as_openais_own_types() -> None:
    """The warm-up's events are the API's shape: each validates to openai's union, so
    the warm-up builds them as real answers are built (not by the loose fallback)."""
    adapter = pydantic.TypeAdapter(ResponseStreamEvent)
    for event in canned_events():
        adapter.validate_python(event)


@pytest.mark.parametrize("complete_usage", [True, False])
def test_events_are_built_as_openai_builds_them(complete_usage: bool) -> None:
    """By type when the event validates, else through openai's loose construction."""
    assert stream_event_types() is not None
    events = canned_events()
    for event in events:
        usage = (event.get("response") or {}).get("usage")
        if usage and not complete_usage:  # as some compatible servers send it
            del usage["input_tokens_details"]["cache_write_tokens"]
    events.append({"type": "response.unknown_kind", "sequence_number": 99})
    events.append({"type": "response.output_text.delta", "delta": 3})  # invalid
    for event in events:
        ours = StreamEventByType.build(response=None, data=json.loads(json.dumps(event)))
        theirs = construct_type(type_=ResponseStreamEvent, value=json.loads(json.dumps(event)))
        assert type(ours) is type(theirs), event["type"]
        assert ours == theirs, event["type"]


@pytest.mark.asyncio
@pytest.mark.parametrize("with_tool_call", [False, True])
async def test_a_long_answer_arrives_whole(fake_llm: FakeLLM, with_tool_call: bool) -> None:
    words = " ".join(f"w{i}" for i in range(400))
    tool_calls = [ToolCall("get_active_cell", {"i": 1})] if with_tool_call else []
    fake_llm.script(Reply(words, tool_calls=tool_calls))
    client = AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-x", max_retries=0)
    try:
        stream = await client.responses.create(model="m", input="hi", stream=True)
        assert lighten_stream(stream)
        assert isinstance(stream._decoder, CoalescingDecoder)
        assert stream._cast_to is StreamEventByType
        events = [event async for event in stream]
    finally:
        await client.close()
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == words
    numbers = [e.sequence_number for e in events]
    assert numbers == sorted(set(numbers))
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text == words
    calls = [e.item for e in events if e.type == "response.output_item.done"]
    assert [c.type for c in calls] == ["message", "function_call"][: 1 + with_tool_call]
    assert all(call.finished and not call.disconnected for call in fake_llm.calls)


def test_lighten_stream_leaves_other_streams_alone() -> None:
    assert not lighten_stream(None)
    assert not lighten_stream(object())


@pytest.mark.asyncio
async def test_another_openai_reads_its_stream_its_own_way(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.script(Reply("Hello there."))
    client = AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-x", max_retries=0)
    try:
        stream = await client.responses.create(model="m", input="hi", stream=True)
        decoder = stream._decoder
        monkeypatch.setattr("openai.__version__", "99.0.0")
        assert not lighten_stream(stream)
        assert stream._decoder is decoder and stream._cast_to is not StreamEventByType
        events = [event async for event in stream]
    finally:
        await client.close()
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == (
        "Hello there."
    )


@pytest.mark.asyncio
async def test_the_configured_responses_model_reads_streams_by_type(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(model="m", api="responses", base_url=fake_llm.base_url, api_key="sk-x")
    model = build_model(settings)
    # The SDKs' stream, as the model gets it, is one lighten_stream takes (fails when
    # agents or openai wrap or type their streams otherwise: only slower, but silently).
    lightened: list[bool] = []
    lighten = responses_model.lighten_stream
    monkeypatch.setattr(
        responses_model, "lighten_stream", lambda s: lightened.append(lighten(s)) or lightened[-1]
    )
    try:
        assert isinstance(model, responses_model_class())
        fake_llm.script(Reply("Hello from the fake model."))
        result = Runner.run_streamed(
            Agent(name="a"), "hi", run_config=RunConfig(model=model, tracing_disabled=True)
        )
        events = [e.data async for e in result.stream_events() if e.type == "raw_response_event"]
        assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == (
            "Hello from the fake model."
        )
        assert result.final_output == "Hello from the fake model."
        assert lightened == [True]
    finally:
        await close_model(model)
