"""A chunk of a chunked answer reaches the reader as it arrives, through either transport.

The lean transport read each chunk whole (``readexactly`` of its announced size) before
giving any of it out: a server that sends a large chunk over time (a proxy re-chunking a
stream) held the answer back until the chunk's end, and the announced size (up to 20 hex
digits) was what the reader would buffer. h11 gives a chunk's data as it comes."""

from __future__ import annotations

import asyncio

import httpx2
import pytest

from jupyter_chatkit.assistant.lean_transport import lean_transport

FIRST = b"data: first\n\n"
REST = b"x" * 200_000


@pytest.mark.asyncio
@pytest.mark.parametrize("lean", [False, True], ids=["httpx2", "lean"])
async def test_a_chunks_data_comes_as_it_arrives(lean: bool) -> None:
    seen_first = asyncio.Event()

    async def reply(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        size = len(FIRST) + len(REST)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        writer.write(b"%x\r\n%s" % (size, FIRST))
        await writer.drain()
        # The rest of the chunk only once the client has read the start of it (before:
        # the lean reader waited for the whole chunk: a read timeout).
        await seen_first.wait()
        writer.write(REST + b"\r\n0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(reply, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = httpx2.AsyncClient(timeout=5)
    if lean:
        assert lean_transport(client)
    try:
        received = b""
        async with client.stream("GET", f"http://127.0.0.1:{port}/") as response:
            async for piece in response.aiter_raw():
                received += piece
                if received.startswith(FIRST):
                    seen_first.set()
        assert received == FIRST + REST
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()
