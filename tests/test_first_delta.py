"""A response's first text delta reaches the client before the run reads on.

When the rest of an answer came in the same network read as its first token (a short
answer, a fast model), the agents SDK's run loop used to parse all of it and finish the
response before the consumer saw the first token (see assistant/partial.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from agents import ModelSettings
from agents.models.interface import ModelTracing
from agents.testing import ModelStep, ScriptedModel, assistant_message

from jupyter_chatkit.assistant.server import StreamResult
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, make_assistant, req, user_input


async def _answer_events(text: str) -> list[Any]:
    """The Responses-API events a scripted model streams for one text answer."""
    recorder = ScriptedModel([ModelStep(output=[assistant_message(text, item_id="m1")])])
    events = recorder.stream_response(
        None,
        "x",
        ModelSettings(),
        [],
        None,
        [],
        ModelTracing.DISABLED,
        previous_response_id=None,
        conversation_id=None,
        prompt=None,
    )
    return [event async for event in events]


@pytest.mark.asyncio
async def test_first_delta_reaches_the_client_before_the_rest_is_read(
    sqlite_store: SQLStore,
) -> None:
    events = await _answer_events("Hello there")
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
    async for chunk in result.chunks:
        body += chunk
        if seen_at_first_delta is None and b"text_delta" in chunk:
            seen_at_first_delta = list(read_after_first_delta)
    assert b"Hello there" in body
    # The answer went on after the first token, but the client had that token first.
    assert read_after_first_delta
    assert seen_at_first_delta == []
