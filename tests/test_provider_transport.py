"""What a person reads when the connection to the model fails, per kind of failure.

Each failure is real: a closed port, a host name the resolver refuses, a provider
behind TLS whose certificate nobody vouches for, a provider that never answers, a
listener that never accepts, a server that hangs up before answering or mid-answer
(the fake provider, tests/fixtures/fake_llm.py). The product's own model client (as
``build_model`` makes it) meets each, and the sentence it gives must be the one its
kind of failure has (unreachable, timed out, cut off), whatever HTTP layer the client
uses: a refused connection never reads as "took too long".
"""

from __future__ import annotations

import asyncio
import base64
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
import trustme
from agents import Agent, RunConfig, Runner

from jupyter_chatkit.assistant.model_errors import IncompleteStreamError
from jupyter_chatkit.assistant.models import describe_model_error
from jupyter_chatkit.settings import Settings

from .fixtures.fake_llm import FAKE_API_KEY, MODEL, FakeLLM, Fault, Reply, cut_stream, hang
from .fixtures.models import built

pytestmark = pytest.mark.usefixtures("close_built_models")

# Seconds the client waits, to connect and to read: faults that wait end this soon.
TIMEOUT = 0.5
# Longer than the DNS limit of 253 characters, in labels of the longest allowed length:
# the C resolver refuses it before it sends any query (no traffic leaves the machine).
# Under .localhost, which the loopback-only guard (fixtures/llm_guard.py) lets through
# to the real resolver.
UNRESOLVABLE_HOST = ".".join(["a" * 63] * 4) + ".localhost"


def run_config(settings: Settings) -> RunConfig:
    """A run on the product's model client for ``settings``."""
    return RunConfig(model=built(settings), tracing_disabled=True)


def unreachable(url: str) -> tuple[str, bool]:
    """What a connection error on a request to ``url`` reads as."""
    return describe_model_error(openai.APIConnectionError(request=httpx2.Request("POST", url)))


def timed_out(url: str) -> tuple[str, bool]:
    """What a timeout of a request to ``url`` reads as."""
    return describe_model_error(openai.APITimeoutError(request=httpx2.Request("POST", url)))


def cut_off(url: str) -> tuple[str, bool]:
    """What an answer that broke off reads as."""
    return describe_model_error(IncompleteStreamError())


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (a connection to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def never_accepting() -> Iterator[int]:
    """A port whose listener never accepts and whose queue is full: a connect waits."""
    with ExitStack() as stack:
        listener = stack.enter_context(socket.socket())
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        for _ in range(4):  # fill the accept queue; further connects get no answer
            filler = stack.enter_context(socket.socket())
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
        yield int(listener.getsockname()[1])


@contextmanager
def hanging_up() -> Iterator[int]:
    """A port whose server reads each request and closes without answering."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # closed: the test is over
                return
            with conn:
                conn.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        # shutdown() wakes the accept() blocked in the thread; close() alone does not.
        with suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(5)


@contextmanager
def untrusted_tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The fake provider behind TLS, with a CA bundle (SSL_CERT_FILE) that does not
    vouch for its certificate."""
    provider_ca, other_ca = trustme.CA(), trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    provider_ca.issue_cert("127.0.0.1").configure_cert(server_context)
    bundle = tmp_path / "other-ca.pem"
    other_ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    with FakeLLM(ssl_context=server_context) as llm:
        yield llm.base_url


@contextmanager
def provider(fault: Fault) -> Iterator[str]:
    """The fake provider, answering the first request with ``fault``."""
    with FakeLLM() as llm:
        llm.script(fault)
        yield llm.base_url


@contextmanager
def at(url: str) -> Iterator[str]:
    """A base URL with nothing to start or stop."""
    yield url


@contextmanager
def on_port(ports: Any) -> Iterator[str]:
    """The base URL on the 127.0.0.1 port that the context ``ports`` gives."""
    with ports as port:
        yield f"http://127.0.0.1:{port}/v1"


# Each: where the provider is (a context giving its base URL), and how failing there reads.
Where = Callable[[Path, pytest.MonkeyPatch], Any]
FAILURES: dict[str, tuple[Where, Callable[[str], tuple[str, bool]]]] = {
    "refused": (lambda *_: at(f"http://127.0.0.1:{closed_port()}/v1"), unreachable),
    "dns": (lambda *_: at(f"http://{UNRESOLVABLE_HOST}/v1"), unreachable),
    "tls-certificate": (untrusted_tls, unreachable),
    "read-timeout": (lambda *_: provider(hang(TIMEOUT * 10)), timed_out),
    "connect-timeout": (lambda *_: on_port(never_accepting()), timed_out),
    "closed-before-answer": (lambda *_: on_port(hanging_up()), cut_off),
    "closed-mid-stream": (lambda *_: provider(cut_stream(after=2)), cut_off),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("failure", list(FAILURES))
async def test_each_connection_failure_reads_as_its_kind(
    failure: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where, expected = FAILURES[failure]
    with where(tmp_path, monkeypatch) as base_url:
        settings = Settings(
            model=MODEL,
            api="chat_completions",
            base_url=base_url,
            api_key=FAKE_API_KEY,
            request_timeout=TIMEOUT,
            max_retries=0,
        )
        run = Runner.run_streamed(Agent(name="a"), "hi", run_config=run_config(settings))
        with pytest.raises(Exception) as caught:
            async for _ in run.stream_events():
                pass
    assert describe_model_error(caught.value) == expected(base_url + "/chat/completions")


# -- the environment's proxy and CA bundle ------------------------------------------------


class TunnelProxy:
    """An HTTP proxy on 127.0.0.1 that opens ``CONNECT`` tunnels (to 127.0.0.1 only)
    and records each tunnel's target and ``Proxy-Authorization`` header."""

    def __init__(self) -> None:
        self.tunnels: list[tuple[str, str | None]] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._tunnels: set[asyncio.Task[None]] = set()
        self.port = 0

    def __enter__(self) -> TunnelProxy:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop
        )
        self._server = started.result(5)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            # Tunnels still open (the model client keeps its connection alive): ended.
            for task in self._tunnels:
                task.cancel()
            await asyncio.gather(*self._tunnels, return_exceptions=True)
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        method, target, _ = head[0].split(" ", 2)
        fields = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
        auth = next((v for k, v in fields.items() if k.lower() == "proxy-authorization"), None)
        self.tunnels.append((target, auth))
        host, _, port = target.rpartition(":")
        if method != "CONNECT" or host != "127.0.0.1":
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        task = asyncio.current_task()
        assert task is not None
        self._tunnels.add(task)

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except OSError:
                pass
            finally:
                sink.close()

        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            writer.close()
            up_writer.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("through_proxy", [True, False], ids=["proxied", "no-proxy"])
async def test_the_environments_proxy_and_ca_bundle_carry_the_model_requests(
    through_proxy: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A provider behind https, reached through HTTPS_PROXY (with its credentials) unless
    NO_PROXY names it, its certificate checked against SSL_CERT_FILE (a company's CA)."""
    provider_ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    provider_ca.issue_cert("127.0.0.1").configure_cert(server_context)
    bundle = tmp_path / "company-ca.pem"
    provider_ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        for spelled in (name, name.lower()):
            monkeypatch.delenv(spelled, raising=False)
    with TunnelProxy() as proxy, FakeLLM(ssl_context=server_context) as llm:
        monkeypatch.setenv("HTTPS_PROXY", f"http://ada:s3cret@127.0.0.1:{proxy.port}")
        if not through_proxy:
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        llm.script(Reply("through the tunnel"))
        settings = Settings(
            model=MODEL, api="chat_completions", base_url=llm.base_url, api_key=FAKE_API_KEY
        )
        result = await Runner.run(Agent(name="a"), "hi", run_config=run_config(settings))
    assert result.final_output == "through the tunnel"
    credentials = "Basic " + base64.b64encode(b"ada:s3cret").decode()
    expected = [(f"127.0.0.1:{llm.port}", credentials)] if through_proxy else []
    assert proxy.tunnels == expected
