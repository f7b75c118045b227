"""Turns reach the model one after the other in a burst (assistant/start_gate.py), not
all together once every turn of the burst is ready."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel

from jupyter_chatkit.assistant.server import StreamResult
from jupyter_chatkit.assistant.start_gate import WIDTH, StartGate
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, make_assistant, req, user_input
from .test_assistant import _as_network_stream, _recorded_stream

TURNS = WIDTH + 3


@pytest.mark.asyncio
async def test_a_burst_of_turns_reaches_the_model_while_later_turns_wait(
    sqlite_store: SQLStore,
) -> None:
    """Without the gate every turn of a burst saved its message (and streamed its first
    events) before the first one called its model: the event loop ran each turn's next
    step after every other turn's, so the model requests all left at the end."""
    events = _as_network_stream(await _recorded_stream("Hello."))
    order: list[str] = []

    async def answer(_call: Any) -> AsyncIterator[Any]:
        order.append("model")
        for event in events:
            yield event

    model = ScriptedModel([ModelStep(stream_events=answer) for _ in range(TURNS)])
    assistant = make_assistant(sqlite_store, model)
    # Passed on when a turn calls its model, never for having taken long (a loaded
    # machine's slow turn would pass it on early).
    assistant.start_gate = StartGate(hold_seconds=3600)

    async def turn(n: int) -> bool:
        result = await assistant.handle(req("threads.create", input=user_input(f"q{n}")), ALICE)
        assert isinstance(result, StreamResult)
        answered = False
        async for chunk in result.chunks:
            if b'"thread.created"' in chunk:
                order.append("created")
            answered = answered or (b'"assistant_message"' in chunk and b"Hello." in chunk)
        return answered

    answered = await asyncio.gather(*(turn(n) for n in range(TURNS)))
    assert all(answered)
    assert order.count("model") == order.count("created") == TURNS
    last_created = max(i for i, kind in enumerate(order) if kind == "created")
    # The first turns called the model before the last ones started.
    assert order.index("model") < last_created
    assert order[:WIDTH] == ["created"] * WIDTH


@pytest.mark.asyncio
async def test_a_turn_cancelled_while_waiting_at_the_gate_takes_no_place() -> None:
    gate = StartGate(width=1)
    first = await gate.enter()
    waiting = asyncio.ensure_future(gate.enter())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    first.release()
    first.release()  # once only
    again = await asyncio.wait_for(gate.enter(), 1)
    # Handed a place, then cancelled before it ran: the place goes to the next turn.
    handed = asyncio.ensure_future(gate.enter())
    after = asyncio.ensure_future(gate.enter())
    await asyncio.sleep(0)
    again.release()
    handed.cancel()
    with pytest.raises(asyncio.CancelledError):
        await handed
    (await asyncio.wait_for(after, 1)).release()
    (await asyncio.wait_for(gate.enter(), 1)).release()
