"""The model client's HTTP/1.1 transport (assistant/http1_transport.py), against real
sockets: a local server that answers each request with scripted raw bytes, and the fake
OpenAI-compatible server through the client build_model makes."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2
import pytest

from jupyter_chatkit.assistant.http1_transport import Http1Transport, use_http1_transport
from jupyter_chatkit.assistant.models import build_model
from jupyter_chatkit.settings import Settings

from .fixtures.fake_llm import FAKE_API_KEY, MODEL, FakeLLM, Reply

pytestmark = pytest.mark.asyncio

Answer = Callable[[bytes], bytes | None]


class RawServer:
    """Answers each request (head and Content-Length body) with ``answer(request)``'s
    bytes; None closes the connection without answering. Counts connections."""

    def __init__(self, answer: Answer, close_after: bool = False) -> None:
        self.answer = answer
        self.close_after = close_after
        self.connections = 0
        self.requests: list[bytes] = []
        self._server: asyncio.Server | None = None
        self._open: dict[asyncio.Task[Any], asyncio.StreamWriter] = {}

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._open.values():
            writer.close()
        await asyncio.gather(*self._open, return_exceptions=True)
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._open[task] = writer
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                answer = self.answer(request)
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            self._open.pop(task, None)


def client_for(**limits: Any) -> httpx2.AsyncClient:
    client = httpx2.AsyncClient(timeout=httpx2.Timeout(5.0), limits=httpx2.Limits(**limits))
    assert use_http1_transport(client)
    return client


def ok(body: bytes, *headers: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\n"
        + b"".join(h + b"\r\n" for h in headers)
        + (b"Content-Length: %d\r\n\r\n" % len(body) + body)
    )


def chunked(*parts: bytes, trailer: bytes = b"") -> bytes:
    body = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p) for p in parts)
    return (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + body
        + b"0\r\n"
        + trailer
        + b"\r\n"
    )


async def test_keeps_the_connection_for_the_next_request() -> None:
    async with (
        RawServer(lambda _: ok(b'{"a": 1}', b"Content-Type: application/json")) as server,
        client_for() as client,
    ):
        for _ in range(3):
            response = await client.post(server.url + "/v1/x?q=1", json={"k": "v"})
            assert response.status_code == 200
            assert response.json() == {"a": 1}
            assert response.http_version == "HTTP/1.1"
    assert server.connections == 1
    first = server.requests[0]
    assert first.startswith(b"POST /v1/x?q=1 HTTP/1.1\r\n")
    assert first.endswith(b'\r\n\r\n{"k":"v"}')
    assert b"\r\nContent-Length: 9\r\n" in first


async def test_chunked_body_with_extensions_and_trailers() -> None:
    answer = chunked(b"data: one\n\n", b"data: two\n\n", trailer=b"X-T: 1\r\n")
    async with RawServer(lambda _: answer) as server, client_for() as client:
        for _ in range(2):
            async with client.stream("POST", server.url, content=b"x") as response:
                body = b"".join([part async for part in response.aiter_bytes()])
            assert body == b"data: one\n\ndata: two\n\n"
    assert server.connections == 1


async def test_gzip_answer_is_decoded_by_httpx() -> None:
    packed = gzip.compress(b"hello " * 100)
    async with (
        RawServer(lambda _: ok(packed, b"Content-Encoding: gzip")) as server,
        client_for() as client,
    ):
        response = await client.get(server.url)
    assert response.text == "hello " * 100


async def test_body_to_the_end_of_the_connection_and_connection_close() -> None:
    answers = iter(
        [
            b"HTTP/1.1 200 OK\r\n\r\nuntil the end",
            ok(b"closing", b"Connection: close"),
            b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi",
            ok(b"last"),
        ]
    )
    async with (
        RawServer(lambda _: next(answers), close_after=True) as server,
        client_for() as client,
    ):
        assert (await client.get(server.url)).text == "until the end"
        assert (await client.get(server.url)).text == "closing"
        assert (await client.get(server.url)).text == "hi"
        assert (await client.get(server.url)).text == "last"
    # None of those connections was reused (each answer said it ends, or ended it).
    assert server.connections == 4


async def test_no_content_and_informational_answers() -> None:
    answers = iter(
        [
            b"HTTP/1.1 204 No Content\r\n\r\n",
            b"HTTP/1.1 100 Continue\r\n\r\n" + ok(b"after 100"),
        ]
    )
    async with RawServer(lambda _: next(answers)) as server, client_for() as client:
        response = await client.delete(server.url)
        assert response.status_code == 204
        assert response.content == b""
        assert (await client.get(server.url)).text == "after 100"
    assert server.connections == 1


async def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async with (
        RawServer(lambda _: ok(b"x"), close_after=True) as server,
        client_for() as client,
    ):
        assert (await client.get(server.url)).text == "x"
        await asyncio.sleep(0.05)  # the server's close reaches the idle connection
        assert (await client.get(server.url)).text == "x"
    assert server.connections == 2


async def test_idle_connections_are_bounded() -> None:
    async with (
        RawServer(lambda _: ok(b"x")) as server,
        client_for(max_keepalive_connections=1) as client,
    ):
        await asyncio.gather(*(client.get(server.url) for _ in range(3)))
        await client.get(server.url)
        transport = client._transport
        assert isinstance(transport, Http1Transport)
        assert transport._idle_count == 1
    assert server.connections == 3


async def test_failures_are_httpx_exceptions() -> None:
    async with RawServer(lambda _: None) as server, client_for() as client:
        with pytest.raises(httpx2.RemoteProtocolError, match="without sending a response"):
            await client.get(server.url)
    cut = chunked(b"data: one\n\n")[:-10]
    async with RawServer(lambda _: cut, close_after=True) as server, client_for() as client:
        with pytest.raises(httpx2.RemoteProtocolError, match="complete message body"):
            async with client.stream("GET", server.url) as response:
                async for _ in response.aiter_bytes():
                    pass
    async with RawServer(lambda _: b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n") as server:
        client = httpx2.AsyncClient(timeout=httpx2.Timeout(5.0, read=0.1))
        assert use_http1_transport(client)
        async with client:
            with pytest.raises(httpx2.ReadTimeout):
                await client.get(server.url)
    async with RawServer(lambda _: b"garbage\r\n\r\n") as server, client_for() as client:
        with pytest.raises(httpx2.RemoteProtocolError, match="status line"):
            await client.get(server.url)
    async with RawServer(lambda _: ok(b"x")) as server:
        url = server.url
    async with client_for() as client:
        with pytest.raises(httpx2.ConnectError):
            await client.get(url)


async def test_a_header_value_cannot_add_a_header() -> None:
    async with RawServer(lambda _: ok(b"x")) as server, client_for() as client:
        request = client.build_request("GET", server.url)
        request.headers._list.append((b"X-A", b"x-a", b"1\r\nX-Injected: 1"))
        with pytest.raises(httpx2.LocalProtocolError):
            await client.send(request)
    assert server.requests == []


async def test_a_stream_left_midway_closes_its_connection() -> None:
    # The first answer's end has not come when its reader leaves.
    answers = iter([chunked(b"a" * 10).removesuffix(b"0\r\n\r\n"), ok(b"x")])
    async with RawServer(lambda _: next(answers)) as server, client_for() as client:
        async with client.stream("GET", server.url) as response:
            async for part in response.aiter_raw():
                assert part == b"a" * 10
                break
        assert (await client.get(server.url)).text == "x"
    assert server.connections == 2


async def test_a_trace_hears_when_the_request_is_written() -> None:
    heard: list[str] = []

    async def trace(name: str, info: dict[str, Any]) -> None:
        heard.append(name)

    async with RawServer(lambda _: ok(b"x")) as server, client_for() as client:
        request = client.build_request("POST", server.url, content=b"body")
        request.extensions["trace"] = trace
        await client.send(request)
    assert heard == ["http11.send_request_body.complete"]


async def test_what_it_does_not_handle_goes_to_httpx() -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"streamed"

    async with RawServer(lambda _: ok(b"x")) as server, client_for() as client:
        # A body of unknown length (chunked upload): httpx2's own transport sends it.
        assert (await client.post(server.url, content=body())).text == "x"
        assert (await client.get(server.url)).text == "x"
    assert server.connections == 2
    assert b"Transfer-Encoding: chunked" in server.requests[0]
    assert not use_http1_transport(
        httpx2.AsyncClient(transport=httpx2.AsyncHTTPTransport(uds="/tmp/none.sock"))
    )
    assert not use_http1_transport(
        httpx2.AsyncClient(transport=httpx2.MockTransport(lambda _: httpx2.Response(200)))
    )


async def test_the_model_client_streams_through_it() -> None:
    with FakeLLM() as llm:
        llm.script(Reply(text="one answer"), Reply(text="another"))
        settings = Settings(
            model=MODEL,
            api="chat_completions",
            base_url=llm.base_url,
            api_key=FAKE_API_KEY,
            max_retries=0,
        )
        model = build_model(settings)
        client = model._client  # type: ignore[attr-defined]
        try:
            assert isinstance(client._client._transport, Http1Transport)
            texts = []
            for _ in range(2):
                stream = await client.chat.completions.create(
                    model=MODEL, messages=[{"role": "user", "content": "hi"}], stream=True
                )
                texts.append(
                    "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
                )
            assert texts == ["one answer", "another"]
            assert client._client._transport._idle_count == 1
        finally:
            await client.close()
