"""The model client's HTTP/1.1 transport: the same bytes, answers and errors as httpx2's."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx2
import pytest
from openai import AsyncOpenAI

from jupyter_chatkit.assistant.lean_transport import LeanTransport, lean_transport
from jupyter_chatkit.assistant.models import build_model
from jupyter_chatkit.assistant.openai_client import LeanAsyncOpenAI
from jupyter_chatkit.settings import Api

from .fixtures.fake_llm import (
    FAKE_API_KEY,
    MODEL,
    FakeLLM,
    Fault,
    Reply,
    ToolCall,
    cut_stream,
    hang,
    http_error,
    malformed_chunk,
    rate_limited,
    server_error,
    stopped_stream,
    unauthorized,
)
from .fixtures.models import BUILT
from .test_openai_client import run_turn, settings_for

pytestmark = pytest.mark.usefixtures("close_built_models")

APIS: list[Api] = ["responses", "chat_completions"]


def original_transport(client: Any) -> None:
    """Give a lean client's httpx2 client its original transport back."""
    transport = client._client._transport
    assert isinstance(transport, LeanTransport)
    client._client._transport = transport._fallback


def openai_client(llm: FakeLLM, lean: bool, **kwargs: Any) -> AsyncOpenAI:
    client = LeanAsyncOpenAI(api_key=FAKE_API_KEY, base_url=llm.base_url, **kwargs)
    if not lean:
        original_transport(client)
    return client


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
async def test_the_model_gets_the_same_request_bytes(fake_llm: FakeLLM, api: Api) -> None:
    """A turn's request reaches the fake model as the same bytes, headers in the same
    order, through the lean transport, httpx2's own transport, and openai's own client
    (no lean part at all); and the answer streams back the same."""
    settings = settings_for(fake_llm, api)
    lean = build_model(settings)
    own_transport = build_model(settings)
    plain_client = AsyncOpenAI(
        api_key=FAKE_API_KEY,
        base_url=fake_llm.base_url,
        timeout=settings.request_timeout,
        max_retries=settings.max_retries,
    )
    plain = type(lean)(model=MODEL, openai_client=plain_client)
    BUILT.extend([lean, own_transport, plain])
    assert isinstance(lean._client._client._transport, LeanTransport)  # type: ignore[attr-defined]
    original_transport(own_transport._client)  # type: ignore[attr-defined]
    assert type(plain_client._client._transport) is httpx2.AsyncHTTPTransport
    for model in (plain, own_transport, lean):
        fake_llm.script(Reply("Sure, one moment.", chunk_chars=3))
        await run_turn(model, settings)
    plain_call, own_call, lean_call = fake_llm.calls[-3:]
    assert lean_call.raw_body == own_call.raw_body == plain_call.raw_body
    assert json.loads(lean_call.raw_body)["stream"] is True

    def headers(call: Any) -> list[tuple[str, str]]:
        # openai's per-request values (its retry count, and the timeout it read).
        return [(k, v) for k, v in call.headers if not k.lower().startswith("x-stainless-r")]

    assert headers(lean_call) == headers(own_call) == headers(plain_call)


class WireServer:
    """A loopback server that keeps every byte it gets and answers each request with
    ``answer`` (bytes); ``close_after`` closes the connection after answering."""

    def __init__(self, answer: bytes, close_after: bool = False) -> None:
        self.answer = answer
        self.close_after = close_after
        self.received: list[bytes] = []
        self.connections = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> WireServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/v1"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                self.received.append(head + await reader.readexactly(length))
                writer.write(self.answer)
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def sse_answer(events: list[str], *, chunked: bool = True, extra: bytes = b"") -> bytes:
    body = [f"data: {event}\n\n".encode() for event in events]
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n" + extra
    if chunked:
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in body)
        return head + b"transfer-encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
    data = b"".join(body)
    return head + b"content-length: %d\r\n\r\n" % len(data) + data


CHUNK = {
    "id": "c1",
    "object": "chat.completion.chunk",
    "created": 0,
    "model": MODEL,
    "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}],
}


async def stream_text(client: AsyncOpenAI) -> str:
    stream = await client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "«é» 😀"}],
        stream=True,
        extra_headers={"X-Custom": "a  b"},
    )
    return "".join([c.choices[0].delta.content or "" async for c in stream])


@pytest.mark.asyncio
@pytest.mark.parametrize("chunked", [True, False])
async def test_the_wire_bytes_are_httpxs(chunked: bool) -> None:
    """Byte for byte the requests httpx2's transport writes (head and body), and the
    same answers, over as many connections."""
    answer = sse_answer([json.dumps(CHUNK), json.dumps(CHUNK), "[DONE]"], chunked=chunked)
    seen: dict[bool, tuple[list[bytes], int]] = {}
    async with WireServer(answer) as server:
        for lean in (False, True):
            server.received, server.connections = [], 0
            client = LeanAsyncOpenAI(api_key="k", base_url=server.url, max_retries=0)
            if not lean:
                original_transport(client)
            try:
                assert [await stream_text(client) for _ in range(3)] == ["hihi"] * 3
            finally:
                await client.close()
            seen[lean] = (server.received, server.connections)

    def same(request: bytes) -> bytes:  # openai's retry count and read timeout headers
        lines = request.split(b"\r\n")
        return b"\r\n".join(line for line in lines if not line.startswith(b"x-stainless-r"))

    assert [same(r) for r in seen[True][0]] == [same(r) for r in seen[False][0]]
    assert len(seen[True][0]) == 3 and seen[True][1] == seen[False][1]


@pytest.mark.asyncio
@pytest.mark.parametrize("chunked", [True, False])
async def test_a_connection_is_kept_once_its_answer_was_read(chunked: bool) -> None:
    answer = sse_answer([json.dumps(CHUNK), "[DONE]"], chunked=chunked)
    async with WireServer(answer) as server:
        client = LeanAsyncOpenAI(api_key="k", base_url=server.url, max_retries=0)
        try:
            for _ in range(3):
                response = await client._client.post(f"{server.url}/x", content=b"{}")
                assert response.content.endswith(b"data: [DONE]\n\n")
        finally:
            await client.close()
        assert server.connections == 1 and len(server.received) == 3


@pytest.mark.asyncio
async def test_a_connection_the_server_closed_is_not_reused() -> None:
    answer = sse_answer([json.dumps(CHUNK), "[DONE]"], extra=b"connection: close\r\n")
    async with WireServer(answer, close_after=True) as server:
        client = LeanAsyncOpenAI(api_key="k", base_url=server.url, max_retries=0)
        try:
            assert [await stream_text(client) for _ in range(3)] == ["hi"] * 3
        finally:
            await client.close()
        assert server.connections == 3


@pytest.mark.asyncio
async def test_a_connection_closed_while_idle_is_not_reused() -> None:
    """The server may close a kept connection between requests (its keep-alive ran out):
    the next request opens a new one instead of failing."""
    answer = sse_answer([json.dumps(CHUNK), "[DONE]"])
    async with WireServer(answer) as server:
        client = LeanAsyncOpenAI(api_key="k", base_url=server.url, max_retries=0)
        try:
            assert await stream_text(client) == "hi"
            server.close_after = True  # the one kept connection ends after its answer
            assert await stream_text(client) == "hi"
            await asyncio.sleep(0.05)  # its close reaches the client while idle
            assert await stream_text(client) == "hi"
        finally:
            await client.close()
        assert server.connections == 2


# Each fault, and the requests (retries) it should cost with max_retries=1.
FAULTS: list[tuple[str, Callable[[], list[Fault | Reply]]]] = [
    ("500", lambda: [server_error(500), server_error(500)]),
    ("429 then ok", lambda: [rate_limited(0.01), Reply("fine")]),
    ("400", lambda: [http_error(400, "bad request")]),
    ("401", lambda: [unauthorized()]),
    ("cut", lambda: [cut_stream(after=2)]),
    ("stopped", lambda: [stopped_stream(after=2)]),
    ("malformed", lambda: [malformed_chunk(after=1)]),
    ("hang", lambda: [hang(5), hang(5)]),
    ("tool call", lambda: [Reply(tool_calls=[ToolCall("get_active_cell", {})])]),
]


async def outcome(client: AsyncOpenAI) -> tuple[str, Any]:
    """What a streamed request came to: its chunks' content, or its error's type,
    status and message."""
    try:
        stream = await client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "hi"}], stream=True
        )
        chunks = [c.model_dump(exclude={"id", "created"}) async for c in stream]
        return "ok", re.sub(r"call_\d+", "call_N", json.dumps(chunks))
    except Exception as error:
        status = getattr(error, "status_code", None)
        return type(error).__name__, (status, str(error), type(error.__cause__).__name__)


@pytest.mark.asyncio
@pytest.mark.parametrize("name,steps", FAULTS, ids=[name for name, _ in FAULTS])
async def test_errors_retries_and_timeouts_are_as_before(
    fake_llm: FakeLLM, name: str, steps: Callable[[], list[Fault | Reply]]
) -> None:
    """The same outcome (error class, status, message, the httpx2 error under it) and
    the same number of requests (openai's retries) through either transport."""
    results = []
    for lean in (False, True):
        fake_llm.reset()
        fake_llm.script(*steps())
        client = openai_client(fake_llm, lean, max_retries=1, timeout=0.5)
        try:
            results.append((await outcome(client), len(fake_llm.calls)))
        finally:
            await client.close()
    assert results[1] == results[0]


@pytest.mark.asyncio
async def test_a_stall_mid_answer_times_out_as_before(fake_llm: FakeLLM) -> None:
    """A body that stops coming for longer than the read timeout is a timeout, through
    either transport (the lean one times only the reads that wait)."""
    fake_llm.token_delay = 0.6
    results = []
    for lean in (False, True):
        fake_llm.reset()
        fake_llm.token_delay = 0.6
        fake_llm.script(Reply("one two three four", chunk_chars=4))
        client = openai_client(fake_llm, lean, max_retries=0, timeout=0.3)
        try:
            results.append(await outcome(client))
        finally:
            await client.close()
    assert results[0][1][2] == "ReadTimeout"
    assert results[1] == results[0]


@pytest.mark.asyncio
async def test_no_server_is_a_connection_error_as_before() -> None:
    with contextlib.closing(__import__("socket").socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"  # bound, not listening
        results = []
        for lean in (False, True):
            client = LeanAsyncOpenAI(api_key="k", base_url=url, max_retries=0)
            if not lean:
                original_transport(client)
            try:
                results.append(await outcome(client))
            finally:
                await client.close()
    assert results[0][0] == "APIConnectionError"
    assert results[1] == results[0]


@pytest.mark.asyncio
async def test_a_streamed_upload_goes_through_httpxs_transport(fake_llm: FakeLLM) -> None:
    """A body that is not in memory (and any request the transport does not take) is
    sent by the original transport."""
    client = openai_client(fake_llm, True, max_retries=0)
    transport = client._client._transport
    assert isinstance(transport, LeanTransport)
    sent: list[httpx2.Request] = []
    original = transport._fallback.handle_async_request

    async def recording(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return await original(request)

    transport._fallback.handle_async_request = recording  # type: ignore[method-assign]

    async def parts() -> AsyncIterator[bytes]:
        yield b'{"model": "m", '
        yield b'"messages": [{"role": "user", "content": "hi"}]}'

    try:
        fake_llm.script(Reply("from the original"))
        response = await client._client.post(
            f"{fake_llm.base_url}/chat/completions",
            content=parts(),
            headers={"Authorization": "Bearer k"},
        )
        assert response.json()["choices"][0]["message"]["content"] == "from the original"
        assert len(sent) == 1
        fake_llm.script(Reply("from the lean one"))
        await client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "hi"}]
        )
        assert len(sent) == 1
    finally:
        await client.close()


def clients_left_alone() -> Iterator[tuple[str, httpx2.AsyncClient]]:
    yield "transport", httpx2.AsyncClient(transport=httpx2.MockTransport(lambda r: None))  # type: ignore[arg-type]
    yield "retries", httpx2.AsyncClient(transport=httpx2.AsyncHTTPTransport(retries=2))


@pytest.mark.asyncio
async def test_a_client_set_up_otherwise_keeps_its_transport() -> None:
    for name, client in clients_left_alone():
        before = client._transport
        assert not lean_transport(client), name
        assert client._transport is before
        await client.aclose()
    # A proxy (given or from the environment) is a mount, which keeps its transport.
    proxied = httpx2.AsyncClient(proxy="http://127.0.0.1:9")
    lean_transport(proxied)
    assert not isinstance(proxied._transport_for_url(httpx2.URL("https://x/")), LeanTransport)
    await proxied.aclose()
    plain = httpx2.AsyncClient()
    assert lean_transport(plain)
    await plain.aclose()


MALFORMED = {
    "chunk size 0x2": b"transfer-encoding: chunked\r\n\r\n0x2\r\nok\r\n0\r\n\r\n",
    "chunk size +2": b"transfer-encoding: chunked\r\n\r\n+2\r\nok\r\n0\r\n\r\n",
    "chunk size 0_2": b"transfer-encoding: chunked\r\n\r\n0_2\r\nok\r\n0\r\n\r\n",
    "chunk size with an extension": b"transfer-encoding: chunked\r\n\r\n2;a=b \r\nok\r\n0\r\n\r\n",
}


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [b"200 OK", b"099 OK", b"+20 OK", b"2000 OK"])
@pytest.mark.parametrize("rest", list(MALFORMED), ids=list(MALFORMED))
async def test_a_malformed_answer_is_read_as_h11_reads_it(status: bytes, rest: str) -> None:
    """Status codes and chunk headers h11 refuses (Python's int() alone takes 0x2, +2,
    0_2) are a RemoteProtocolError through either transport; what h11 reads, is read."""
    answer = b"HTTP/1.1 " + status + b"\r\n" + MALFORMED[rest]
    seen = []
    async with WireServer(answer, close_after=True) as server:
        for lean in (False, True):
            client = httpx2.AsyncClient(timeout=5)
            assert lean_transport(client)
            if not lean:
                client._transport = client._transport._fallback  # type: ignore[attr-defined]
            try:
                response = await client.post(f"{server.url}/x", content=b"{}")
                seen.append(f"{response.status_code} {response.content!r}")
            except httpx2.HTTPError as error:
                seen.append(type(error).__name__)
            finally:
                await client.aclose()
    assert seen[1] == seen[0]


@pytest.mark.asyncio
async def test_https_verifies_the_provider_as_httpx_does(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real providers are behind https: the transport speaks TLS with httpx2's own
    context (here the CA bundle named by SSL_CERT_FILE, as httpx2 reads it), keeps the
    connection, and refuses a provider whose certificate the bundle does not vouch for,
    with the error httpx2's transport gives."""
    trustme = pytest.importorskip("trustme")
    provider_ca, other_ca = trustme.CA(), trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    provider_ca.issue_cert("127.0.0.1").configure_cert(server_context)
    llm = FakeLLM(ssl_context=server_context).start()
    try:
        assert llm.base_url.startswith("https://")
        for ca, trusted in ((provider_ca, True), (other_ca, False)):
            bundle = tmp_path / f"ca-{trusted}.pem"
            ca.cert_pem.write_to_path(str(bundle))
            monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
            results = []
            for lean in (False, True):
                client = LeanAsyncOpenAI(api_key=FAKE_API_KEY, base_url=llm.base_url, max_retries=0)
                transport = client._client._transport
                if lean:
                    assert isinstance(transport, LeanTransport) and transport._ssl is not None
                else:
                    original_transport(client)
                try:
                    for _ in range(2 if trusted else 1):
                        llm.script(Reply("over tls", chunk_chars=3))
                        results.append(await outcome(client))
                    if lean and trusted:
                        assert sum(map(len, transport._idle.values())) == 1  # kept
                finally:
                    await client.close()
            if trusted:
                status, chunks = results[0]
                assert status == "ok"
                text = "".join(
                    c["choices"][0]["delta"].get("content") or ""
                    for c in json.loads(chunks)
                    if c["choices"]
                )
                assert text == "over tls"
            else:
                assert results[0][0] == "APIConnectionError"
                assert results[0][1][2] == "ConnectError"
            assert all(result == results[0] for result in results)
    finally:
        llm.stop()
