"""A response's first text delta reaches the client before the rest of the answer is
worked on (assistant/first_deltas.py, coalesce.ReadyBatches.prompt).

When the rest of an answer came in the same network read as its first token (a short
answer, a fast model), the body was read to its end, and the agents SDK's run loop
parsed all of it and finished the response, before the consumer saw the first token.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel
from openai._streaming import SSEDecoder

from jupyter_chatkit.assistant.coalesce import coalesced_events
from jupyter_chatkit.assistant.first_deltas import FirstDelta
from jupyter_chatkit.assistant.server import StreamResult
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, make_assistant, req, user_input
from .test_assistant import _recorded_stream


@pytest.mark.asyncio
async def test_first_delta_reaches_the_client_before_the_rest_is_read(
    sqlite_store: SQLStore,
) -> None:
    events = await _recorded_stream("Hello there")
    deltas = [i for i, e in enumerate(events) if e.type == "response.output_text.delta"]
    read_after_first_delta: list[str] = []

    async def one_read(_call: Any) -> AsyncIterator[Any]:
        # Every event at once, as from one network read: the stream never waits.
        for index, event in enumerate(events):
            if index > deltas[0]:
                read_after_first_delta.append(event.type)
            yield event

    model = ScriptedModel([ModelStep(stream_events=one_read)])
    assistant = make_assistant(sqlite_store, model)
    result = await assistant.handle(req("threads.create", input=user_input("hi")), ALICE)
    assert isinstance(result, StreamResult)
    seen_at_first_delta: list[str] | None = None
    body = b""
    # Another response waits for its first token meanwhile (alone, nothing waits).
    other = FirstDelta()
    try:
        async for chunk in result.chunks:
            body += chunk
            if seen_at_first_delta is None and b"text_delta" in chunk:
                seen_at_first_delta = list(read_after_first_delta)
                other.close()
    finally:
        other.close()
    assert b"Hello there" in body
    # The answer went on after the first token, but the client had that token first.
    assert read_after_first_delta
    assert seen_at_first_delta == []


def _sse(data: dict[str, Any] | str) -> bytes:
    text = data if isinstance(data, str) else json.dumps(data)
    return f"data: {text}\n\n".encode()


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
    return _sse({"id": "c1", "object": "chat.completion.chunk", "model": "m", "choices": [choice]})


@pytest.mark.asyncio
async def test_the_first_token_is_decoded_before_the_rest_of_the_body_is_read() -> None:
    # The whole answer is in the socket already: the body's chunks come without a wait.
    # (While another response waits for its first token: alone, the body is read on and
    # the text deltas that came together make one event.)
    body = [
        _chunk({"role": "assistant", "content": ""}),
        _chunk({"content": "Hello"}),
        _chunk({"content": " there"}),
        _chunk({}, finish="stop"),
        _sse("[DONE]"),
    ]
    read: list[bytes] = []

    async def network() -> AsyncIterator[bytes]:
        for part in body:
            read.append(part)
            yield part

    read_at_first_token: int | None = None
    # This response, and another one waiting for its first token.
    responses = [FirstDelta(), FirstDelta()]
    try:
        async for event in coalesced_events(SSEDecoder(), network()):
            if read_at_first_token is None and '"Hello' in event.data:
                read_at_first_token = len(read)
    finally:
        for response in responses:
            response.close()
    # Nothing past the first token's chunk had been read when it came out.
    assert read_at_first_token == 2
    assert len(read) == len(body)


@pytest.mark.asyncio
async def test_an_answer_waits_for_the_first_token_of_another(sqlite_store: SQLStore) -> None:
    events = await _recorded_stream("The whole answer at once")
    second_asked = asyncio.Event()
    other_may_answer = asyncio.Event()

    async def answer(call: Any) -> AsyncIterator[Any]:
        if "second" in json.dumps(call.input):
            second_asked.set()
            # The other conversation's model answers once the first has its first token,
            # a little later (event-loop turns, not time).
            await other_may_answer.wait()
            for _ in range(20):
                await asyncio.sleep(0)
        else:
            # Both models have been asked when the first answers.
            await second_asked.wait()
        for event in events:
            yield event

    model = ScriptedModel([ModelStep(stream_events=answer), ModelStep(stream_events=answer)])
    assistant = make_assistant(sqlite_store, model)
    seen: list[tuple[str, str]] = []

    async def read(name: str) -> None:
        result = await assistant.handle(req("threads.create", input=user_input(name)), ALICE)
        assert isinstance(result, StreamResult)
        async for chunk in result.chunks:
            for line in chunk.split(b"\n\n"):
                if b"text_delta" in line:
                    seen.append((name, "delta"))
                    if name == "first":
                        other_may_answer.set()
                elif b'"thread.item.done"' in line and b'"assistant_message"' in line:
                    seen.append((name, "done"))

    await asyncio.gather(read("first"), read("second"))
    # The first answer's rest (its end, its save) came after the second's first token.
    assert seen.index(("second", "delta")) < seen.index(("first", "done"))
