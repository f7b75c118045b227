"""Small helpers for tests that speak ChatKit: request bodies and SSE parsing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from chatkit.types import ThreadStreamEvent
from pydantic import TypeAdapter

EVENT_ADAPTER: TypeAdapter[ThreadStreamEvent] = TypeAdapter(ThreadStreamEvent)


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


async def collect(chunks: AsyncIterator[bytes]) -> list[ThreadStreamEvent]:
    """Drain a stream of SSE chunks into typed events."""
    body = b""
    async for chunk in chunks:
        body += chunk
    return parse_sse(body)


def types_of(events: list[ThreadStreamEvent]) -> list[str]:
    """Event type names, for readable assertions."""
    return [e.type for e in events]
