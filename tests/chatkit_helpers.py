"""Small helpers for tests that speak ChatKit: request bodies and SSE parsing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from agents.models.interface import Model
from chatkit.types import ThreadCreatedEvent, ThreadStreamEvent
from pydantic import TypeAdapter

from jupyter_chatkit.assistant.server import JsonResult, NotebookAssistant, StreamResult
from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore

EVENT_ADAPTER: TypeAdapter[ThreadStreamEvent] = TypeAdapter(ThreadStreamEvent)
ALICE = RequestContext(user_id="alice")
BOB = RequestContext(user_id="bob")


class HoldingTransport:
    """A stream's transport that holds its opening, as the Jupyter server's HTTP handler
    does (``holding_opening``): it records what the turn asked of it."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def hold(self) -> None:
        """The turn holds what its stream writes."""
        self.calls.append("hold")

    def release(self) -> None:
        """The turn lets it go (its model was asked)."""
        self.calls.append("release")


def req(type_: str, **params: Any) -> bytes:
    """A ChatKit request body."""
    return json.dumps({"type": type_, "params": params}).encode()


def user_input(text: str) -> dict[str, Any]:
    """The ``input`` of threads.create / threads.add_user_message."""
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }


def parse_sse(data: bytes) -> list[ThreadStreamEvent]:
    """Parse a complete SSE body into typed events."""
    events = []
    for block in data.decode().split("\n\n"):
        lines = [line[5:].lstrip() for line in block.splitlines() if line.startswith("data:")]
        if lines:
            events.append(EVENT_ADAPTER.validate_json("\n".join(lines)))
    return events


def read_turn(
    chunks: AsyncIterator[bytes], seen: list[ThreadStreamEvent] | None = None
) -> tuple[asyncio.Future[None], asyncio.Future[str]]:
    """Read a turn's stream in the background, each event into ``seen``: the reading
    task, and a future of the id of the thread the turn created (its first
    ``ThreadCreatedEvent``)."""
    created: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def read() -> None:
        async for chunk in chunks:
            for event in parse_sse(chunk):
                if seen is not None:
                    seen.append(event)
                if isinstance(event, ThreadCreatedEvent) and not created.done():
                    created.set_result(event.thread.id)

    return asyncio.ensure_future(read()), created


async def collect(chunks: AsyncIterator[bytes]) -> list[ThreadStreamEvent]:
    """Drain a stream of SSE chunks into typed events."""
    body = b""
    async for chunk in chunks:
        body += chunk
    return parse_sse(body)


def types_of(events: list[ThreadStreamEvent]) -> list[str]:
    """Event type names, for readable assertions."""
    return [e.type for e in events]


def make_assistant(store: SQLStore, model: Model, **settings: Any) -> NotebookAssistant:
    """An assistant on ``store`` and ``model``; titles off unless asked (each is a model call)."""
    settings.setdefault("title_threads", False)
    return NotebookAssistant(store, Settings(**settings), model=model)


async def stream(
    assistant: NotebookAssistant, body: bytes, ctx: RequestContext = ALICE
) -> list[ThreadStreamEvent]:
    """A streaming request's events."""
    result = await assistant.handle(body, ctx)
    assert isinstance(result, StreamResult), result
    return await collect(result.chunks)


async def json_call(
    assistant: NotebookAssistant, body: bytes, ctx: RequestContext = ALICE
) -> tuple[int, Any]:
    """A non-streaming request's status and JSON body."""
    result = await assistant.handle(body, ctx)
    assert isinstance(result, JsonResult), result
    return result.status, json.loads(result.body)
