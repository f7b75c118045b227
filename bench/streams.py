"""ChatKit requests and their streams, timed from the client's side: request bodies, the
first text delta over httpx, a plain socket (little client CPU) or in-process, deltas
counted, and percentiles."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from bench.servers import TOKEN


def create_body(text: str) -> bytes:
    """A ``threads.create`` request asking ``text``."""
    return json.dumps(
        {
            "type": "threads.create",
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": text}],
                    "attachments": [],
                    "inference_options": {},
                }
            },
        }
    ).encode()


def follow_up_body(thread_id: str, text: str) -> bytes:
    """A ``threads.add_user_message`` request into ``thread_id``."""
    return json.dumps(
        {
            "type": "threads.add_user_message",
            "params": {
                "thread_id": thread_id,
                "input": {
                    "content": [{"type": "input_text", "text": text}],
                    "attachments": [],
                    "inference_options": {},
                },
            },
        }
    ).encode()


def model_stream_body() -> bytes:
    """A streamed chat-completions request straight to the fake model."""
    return json.dumps(
        {"model": "fake-model", "stream": True, "messages": [{"role": "user", "content": "x"}]}
    ).encode()


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def first_delta_over_http(client: httpx.AsyncClient, url: str, body: bytes) -> float:
    """Seconds from sending the request to the first text delta; drains the rest."""
    start = time.perf_counter()
    first: float | None = None
    error = b""
    async with client.stream("POST", url, content=body) as response:
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            if first is None and b"text_delta" in chunk:
                first = time.perf_counter() - start
            if b'"type":"error"' in chunk:
                error = chunk[:300]
    if first is None or error:
        raise RuntimeError(f"no text delta in the stream {error!r}")
    return first


async def first_delta_direct(assistant: Any, body: bytes, context: Any) -> float:
    start = time.perf_counter()
    first: float | None = None
    result = await assistant.handle(body, context)
    async for chunk in result.chunks:
        if first is None and b"text_delta" in chunk:
            first = time.perf_counter() - start
    if first is None:
        raise RuntimeError("no text delta in the stream")
    return first


async def raw_post(url: str, body: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection to ``url`` with the JSON ``body`` POSTed on it (token auth, the
    connection closes after the answer); the answer is the caller's to read."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(
        (
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Authorization: token {TOKEN}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        + body
    )
    return reader, writer


async def first_delta_raw(url: str, body: bytes) -> float:
    """:func:`first_delta_over_http` on a plain socket, so the client costs little CPU.

    One connection per request (``Connection: close``: the stream ends with it); only
    the status line and the bytes ``text_delta`` / an error event are looked for.
    """
    return (await stream_phases_raw(url, body))[1]


async def stream_phases_raw(url: str, body: bytes) -> tuple[float, float]:
    """:func:`first_delta_raw`, with the seconds to the stream's first event too (the
    server's answer before the model's: ``thread.created`` or the user's message)."""
    start = time.perf_counter()
    reader, writer = await raw_post(url, body)
    first_event: float | None = None
    first: float | None = None
    status = tail = b""
    error = False
    try:
        while chunk := await reader.read(65536):
            status = status or chunk[:12]
            seen = tail + chunk  # a marker may span two reads
            if first_event is None and b"data: " in seen:
                first_event = time.perf_counter() - start
            if first is None and b"text_delta" in seen:
                first = time.perf_counter() - start
            error = error or b'"type":"error"' in seen
            tail = chunk[-32:]
    finally:
        writer.close()
    if not status.startswith(b"HTTP/1.1 200") or first is None or error:
        raise RuntimeError(f"no text delta in the stream ({status!r}, error event: {error})")
    return first_event if first_event is not None else first, first


async def raw_stream(url: str, body: bytes) -> bytes:
    """The whole SSE answer to ``body`` on a plain socket (see :func:`first_delta_raw`);
    raises if it is not a 200 stream with a text delta and no error event."""
    reader, writer = await raw_post(url, body)
    try:
        data = await reader.read()
    finally:
        writer.close()
    if not data.startswith(b"HTTP/1.1 200") or b"text_delta" not in data:
        raise RuntimeError(f"no text delta in the stream: {data[:40]!r} ... {data[-400:]!r}")
    if b'"type":"error"' in data:
        raise RuntimeError(f"an error event in the stream: {data[-300:]!r}")
    return data


def dechunked(response: bytes) -> bytes:
    """The body of an HTTP/1.1 response with chunked transfer encoding."""
    rest = response.split(b"\r\n\r\n", 1)[1]
    body = b""
    while rest:
        size, rest = rest.split(b"\r\n", 1)
        length = int(size.split(b";")[0], 16)
        if length == 0:
            break
        body, rest = body + rest[:length], rest[length + 2 :]
    return body


def created_thread_id(stream: bytes) -> str:
    """The id in a stream's ``thread.created`` event."""
    return created_thread_id_in(dechunked(stream))


def created_thread_id_in(events: bytes) -> str:
    """The id in the ``thread.created`` event of a stream's body (de-chunked)."""
    for line in events.split(b"\n\n"):
        if line.startswith(b"data: ") and b'"thread.created"' in line:
            return str(json.loads(line[6:])["thread"]["id"])
    raise RuntimeError("no thread.created event in the stream")


async def count_events(client: httpx.AsyncClient, url: str, body: bytes) -> tuple[int, float]:
    """Events received and seconds between the first and the last one."""
    first = last = 0.0
    count = 0
    buffer = b""
    async with client.stream("POST", url, content=body) as response:
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            now = time.perf_counter()
            buffer += chunk
            events = buffer.count(b"\n\n")
            if events:
                buffer = buffer[buffer.rfind(b"\n\n") + 2 :]
                if count == 0:
                    first = now
                count += events
                last = now
    return count, last - first


async def count_deltas(client: httpx.AsyncClient, url: str, body: bytes) -> tuple[int, int, float]:
    """SSE events, words of text deltas received, and seconds from the first text delta
    to the last event."""
    first = last = 0.0
    count = words = 0
    buffer = b""
    async with client.stream("POST", url, content=body) as response:
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            now = time.perf_counter()
            buffer += chunk
            *events, buffer = buffer.split(b"\n\n")
            for event in events:
                count += 1
                last = now
                if b"text_delta" in event:
                    if words == 0:
                        first = now
                    update = json.loads(event.removeprefix(b"data: "))["update"]
                    words += len(update["delta"].split())
    return count, words, last - first
