"""An HTTP/1.1 transport for the model client: asyncio streams instead of httpcore2 + h11.

openai's default HTTP client sends every request through httpx2's transport, which
hands it to httpcore2's connection pool: a pool and connection state machine, h11's
event parser for the response's head and every chunk of the body, anyio's socket
wrapper and its per-read cancel scopes. Measured in one process against the fake model
(a chat-completions request and its streamed body, alternating, medians of 10 x 200):
openai's client 1.67 ms of CPU per request with httpx2's transport, 1.01 ms with this
one; the same bytes over bare asyncio streams cost 0.13-0.2 ms.

:class:`LeanTransport` takes the place of that transport on openai's own client, and
sends what it can itself: a request to an ``http``/``https`` URL whose body is in
memory (the JSON of every model request), whose head has no character HTTP forbids.
It writes the head and body httpx2 built (so the bytes on the wire are the request
httpx2 made: request building, headers, body are openai's and httpx2's as before),
reads the response head, and streams the body (``Content-Length``, chunked, or until
close), keeping connections alive as httpcore2 does (HTTP/1.1, no ``Connection:
close``, the whole body read, at most ``max_keepalive`` idle ones, each for
``keepalive_expiry`` seconds). Its errors are httpx2's own classes, as httpx2 maps
httpcore2's (connect/read/write timeouts and errors, a remote protocol error for a
response cut short or malformed), so openai retries, times out and reports them as
before. Anything else (a streamed upload, another scheme, a proxy or HTTP/2 setup, an
httpx2 release not read here) goes through the original transport.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx2

from .. import pins

__all__ = ["LEAN_TRANSPORT_HTTPX2_VERSIONS", "LeanTransport", "lean_transport"]

# The httpx2 (and its httpcore2) releases whose AsyncHTTPTransport, connection pool and
# exception mapping were read for this transport.
LEAN_TRANSPORT_HTTPX2_VERSIONS = frozenset({pins.HTTPX2})

# What h11 (0.16, h11/_abnf.py) accepts as a method or header name, a header value and
# a request target; a request with anything else goes to the original transport, where
# h11 refuses it (LocalProtocolError) as before.
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_FIELD_VALUE = re.compile(rb"(?:[^\x00\s]+(?:[ \t]+[^\x00\s]+)*)?")
_TARGET = re.compile(rb"[^\x00\s]+")
# What h11 reads as a response's version, status code (1xx informational, else a final
# response from 200) and chunk header (h11/_abnf.py's chunk_header, the same pattern).
_VERSION = re.compile(rb"HTTP/1\.[0-9]")
_STATUS = re.compile(rb"1[0-9][0-9]|[2-9][0-9][0-9]")
_CHUNK_HEADER = re.compile(rb"([0-9A-Fa-f]{1,20})(;.*)?[ \t]*\r\n")
_MAX_HEAD = 65_536  # h11's default max_incomplete_event_size
_NO_BODY_STATUS = frozenset({204, 304})


def _held(reader: asyncio.StreamReader) -> bytearray:
    """What ``reader`` has received and not yet given out (asyncio's StreamReader keeps
    it in ``_buffer``); an empty bytearray when it has none (then every read is timed)."""
    buffer = getattr(reader, "_buffer", None)
    return buffer if type(buffer) is bytearray else bytearray()


def _timeouts(request: httpx2.Request) -> dict[str, float | None]:
    found = request.extensions.get("timeout")
    return found if isinstance(found, dict) else {}


class _Connection:
    """One HTTP/1.1 connection and when it became idle."""

    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def close(self) -> None:
        self.writer.close()


class _Body(httpx2.AsyncByteStream):
    """A response body read from a connection; the connection goes back to the pool
    when the body was read to its end and may be reused, else it is closed."""

    def __init__(
        self,
        transport: LeanTransport,
        key: tuple[bytes, bytes, int],
        connection: _Connection,
        framing: str,
        length: int,
        reusable: bool,
        read_timeout: float | None,
    ) -> None:
        self._transport = transport
        self._key = key
        self._connection: _Connection | None = connection
        self._framing = framing  # "none", "length", "chunked", "close"
        self._length = length
        self._left = length  # of a Content-Length body
        # Of the chunk whose size line was read: its data bytes not read yet.
        self._chunk: int | None = None
        self._reusable = reusable
        self._timeout = read_timeout
        self._complete = framing == "none"

    async def _read(self, read: Any, arg: Any, ready: bool) -> Any:
        """``await read(arg)`` under the read timeout, unless it is ``ready`` (what it
        reads is buffered already: it returns without waiting, and a timer per read, a
        dozen per streamed answer, was most of this transport's own CPU)."""
        try:
            if self._timeout is None or ready:
                return await read(arg)
            async with asyncio.timeout(self._timeout):
                return await read(arg)
        except TimeoutError as error:
            raise httpx2.ReadTimeout(str(error) or "timed out") from error
        except asyncio.IncompleteReadError as error:
            raise httpx2.RemoteProtocolError(
                "peer closed connection without sending complete message body"
            ) from error
        except asyncio.LimitOverrunError as error:
            raise httpx2.RemoteProtocolError("chunk size line too long") from error
        except OSError as error:
            raise httpx2.ReadError(str(error)) from error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None or self._complete:
            return
        reader = connection.reader
        # What was read is kept on the body, not in this generator: openai reads the
        # rest of a body (its drain after [DONE]) by iterating the stream anew.
        if self._framing == "length":
            while self._left > 0:
                data = await self._read(reader.read, min(self._left, 65_536), bool(_held(reader)))
                if not data:
                    raise httpx2.RemoteProtocolError(
                        "peer closed connection without sending complete message body: "
                        f"received {self._length - self._left} bytes, expected {self._length}"
                    )
                self._left -= len(data)
                yield data
        elif self._framing == "chunked":
            while True:
                if self._chunk is None:  # the next chunk's size line
                    line = await self._read(reader.readuntil, b"\r\n", b"\r\n" in _held(reader))
                    found = _CHUNK_HEADER.fullmatch(line)
                    if found is None:  # as h11 refuses it (int() alone takes 0x2, +2, 0_2)
                        raise httpx2.RemoteProtocolError("illegal chunk header")
                    size = int(found.group(1), 16)
                    if size == 0:
                        # Trailers, then the empty line that ends the message.
                        while (
                            await self._read(reader.readuntil, b"\r\n", b"\r\n" in _held(reader))
                        ) != b"\r\n":
                            pass
                        break
                    self._chunk = size
                size = self._chunk + 2
                if len(_held(reader)) >= size:  # the whole chunk is here (the usual case)
                    data = await self._read(reader.readexactly, size, True)
                    self._chunk = None
                    if data[-2:] != b"\r\n":
                        raise httpx2.RemoteProtocolError("missing chunk terminator")
                    if size > 2:  # (2: its data was given out already, only its end was left)
                        yield data[:-2]
                    continue
                # Else its data as it comes, as h11 gives it: a chunk is not held whole
                # (its size is the server's word: up to 20 hex digits).
                while self._chunk:
                    data = await self._read(
                        reader.read, min(self._chunk, 65_536), bool(_held(reader))
                    )
                    if not data:
                        raise httpx2.RemoteProtocolError(
                            "peer closed connection without sending complete message body"
                        )
                    self._chunk -= len(data)
                    yield data
                ending = await self._read(reader.readexactly, 2, len(_held(reader)) >= 2)
                self._chunk = None
                if ending != b"\r\n":
                    raise httpx2.RemoteProtocolError("missing chunk terminator")
        else:  # until the server closes
            while data := await self._read(reader.read, 65_536, bool(_held(reader))):
                yield data
        self._complete = True

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._complete and self._reusable:
            self._transport._release(self._key, connection)
        else:
            connection.close()


class LeanTransport(httpx2.AsyncBaseTransport):
    """httpx2's transport for the requests it can send itself (module docstring), the
    original transport ``fallback`` for every other."""

    def __init__(
        self,
        fallback: httpx2.AsyncBaseTransport,
        ssl_context: ssl.SSLContext | None,
        keepalive_expiry: float | None,
        max_keepalive: int,
    ) -> None:
        self._fallback = fallback
        self._ssl = ssl_context
        self._expiry = keepalive_expiry
        self._max_keepalive = max_keepalive
        self._idle: dict[tuple[bytes, bytes, int], list[_Connection]] = {}
        self._closed = False

    def _take_idle(self, key: tuple[bytes, bytes, int]) -> _Connection | None:
        idle = self._idle.get(key)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            expired = self._expiry is not None and now - connection.idle_since > self._expiry
            # Readable while idle: the server closed it (or sent what nobody asked for).
            if expired or connection.writer.is_closing() or connection.reader.at_eof():
                connection.close()
                continue
            return connection
        return None

    def _release(self, key: tuple[bytes, bytes, int], connection: _Connection) -> None:
        if self._closed or sum(map(len, self._idle.values())) >= self._max_keepalive:
            connection.close()
            return
        connection.idle_since = time.monotonic()
        self._idle.setdefault(key, []).append(connection)

    async def _connect(
        self, scheme: bytes, host: bytes, port: int, within: float | None
    ) -> _Connection:
        tls = self._ssl if scheme == b"https" else None
        name = host.decode("ascii")
        try:
            async with asyncio.timeout(within):
                reader, writer = await asyncio.open_connection(
                    name,
                    port,
                    ssl=tls,
                    server_hostname=name if tls is not None else None,
                    limit=_MAX_HEAD,
                )
        except TimeoutError as error:
            raise httpx2.ConnectTimeout(str(error) or "timed out") from error
        except OSError as error:  # ssl.SSLError is an OSError too
            raise httpx2.ConnectError(str(error)) from error
        return _Connection(reader, writer)

    def _head(self, request: httpx2.Request) -> bytes | None:
        """The request's head as h11 writes it, or None when h11 would refuse it."""
        method = request.method.encode("ascii", "replace")
        target = request.url.raw_path
        if not _TOKEN.fullmatch(method) or not _TARGET.fullmatch(target):
            return None
        lines = [method, b" ", target, b" HTTP/1.1\r\n"]
        rest: list[bytes] = []
        for name, value in request.headers.raw:
            if not _TOKEN.fullmatch(name) or not _FIELD_VALUE.fullmatch(value):
                return None
            # h11 writes Host first, then the others in their order.
            (lines if name.lower() == b"host" else rest).append(b"%s: %s\r\n" % (name, value))
        lines += rest
        lines.append(b"\r\n")
        return b"".join(lines)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send ``request`` (see the module docstring)."""
        url = request.url
        scheme = url.raw_scheme
        port = url.port or (443 if scheme == b"https" else 80)
        if (
            self._closed
            or scheme not in (b"http", b"https")
            or (scheme == b"https" and self._ssl is None)
            or type(request.stream) is not httpx2.ByteStream
            or not url.raw_host
        ):
            return await self._fallback.handle_async_request(request)
        head = self._head(request)
        if head is None:
            return await self._fallback.handle_async_request(request)
        body = request.content
        if body and request.headers.get("content-length") != str(len(body)):
            return await self._fallback.handle_async_request(request)
        timeouts = _timeouts(request)
        key = (scheme, url.raw_host, port)
        connection = self._take_idle(key)
        if connection is None:
            connection = await self._connect(scheme, url.raw_host, port, timeouts.get("connect"))
        try:
            return await self._exchange(request, key, connection, head + body, timeouts)
        except BaseException:
            connection.close()
            raise

    async def _exchange(
        self,
        request: httpx2.Request,
        key: tuple[bytes, bytes, int],
        connection: _Connection,
        data: bytes,
        timeouts: dict[str, float | None],
    ) -> httpx2.Response:
        writer = connection.writer
        try:
            writer.write(data)
            if writer.transport.get_write_buffer_size():
                async with asyncio.timeout(timeouts.get("write")):
                    await writer.drain()
        except TimeoutError as error:
            raise httpx2.WriteTimeout(str(error) or "timed out") from error
        except OSError as error:
            raise httpx2.WriteError(str(error)) from error
        read_timeout = timeouts.get("read")
        reader = connection.reader
        while True:
            try:
                if read_timeout is None:
                    raw = await reader.readuntil(b"\r\n\r\n")
                else:
                    async with asyncio.timeout(read_timeout):
                        raw = await reader.readuntil(b"\r\n\r\n")
            except TimeoutError as error:
                raise httpx2.ReadTimeout(str(error) or "timed out") from error
            except asyncio.IncompleteReadError as error:
                raise httpx2.RemoteProtocolError(
                    "Server disconnected without sending a response."
                ) from error
            except asyncio.LimitOverrunError as error:
                raise httpx2.RemoteProtocolError("Response head too long") from error
            except OSError as error:
                raise httpx2.ReadError(str(error)) from error
            version, status, reason, headers = _parse_head(raw)
            if not 100 <= status < 200 or status == 101:
                break
        framing, length = _framing(request.method, status, headers)
        reusable = (
            version == b"HTTP/1.1"
            and framing != "close"
            and not _asks_close(headers)
            and not _asks_close(request.headers.raw)
        )
        stream = _Body(self, key, connection, framing, length, reusable, read_timeout)
        return httpx2.Response(
            status_code=status,
            headers=headers,
            stream=stream,
            extensions={"http_version": version, "reason_phrase": reason},
        )

    async def aclose(self) -> None:
        """Close the idle connections and the original transport."""
        self._closed = True
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()
        await self._fallback.aclose()


def _parse_head(raw: bytes) -> tuple[bytes, int, bytes, list[tuple[bytes, bytes]]]:
    """A response head's version, status, reason and headers (raw names)."""
    status_line, *lines = raw[:-4].split(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not _VERSION.fullmatch(parts[0]) or not _STATUS.fullmatch(parts[1]):
        raise httpx2.RemoteProtocolError("illegal status line")
    status = int(parts[1])
    headers: list[tuple[bytes, bytes]] = []
    for line in lines:
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise httpx2.RemoteProtocolError("illegal header line")
        headers.append((name, value.strip(b" \t")))
    return parts[0], status, parts[2] if len(parts) > 2 else b"", headers


def _framing(method: str, status: int, headers: list[tuple[bytes, bytes]]) -> tuple[str, int]:
    """How the response body ends (RFC 9112 section 6.3): none, length, chunked, close."""
    if method == "HEAD" or status in _NO_BODY_STATUS or 100 <= status < 200:
        return "none", 0
    lengths = set()
    chunked = False
    for name, value in headers:
        lower = name.lower()
        if lower == b"transfer-encoding":
            if value.lower() != b"chunked":
                raise httpx2.RemoteProtocolError("unsupported transfer encoding")
            chunked = True
        elif lower == b"content-length":
            lengths.add(value)
    if chunked:
        return "chunked", 0
    if lengths:
        if len(lengths) > 1 or not next(iter(lengths)).isdigit():
            raise httpx2.RemoteProtocolError("bad Content-Length")
        length = int(next(iter(lengths)))
        return ("length", length) if length else ("none", 0)
    return "close", 0


def _asks_close(headers: Any) -> bool:
    for name, value in headers:
        if name.lower() == b"connection" and b"close" in value.lower():
            return True
    return False


def lean_transport(client: object) -> bool:
    """Give httpx2 client ``client`` (openai's own) a :class:`LeanTransport` over its
    default transport, when that is httpx2's plain HTTP/1.1 transport of a release read
    here (no proxy, HTTP/2, unix socket, local address, socket options or retries);
    whether it has it."""
    if not isinstance(client, httpx2.AsyncClient):
        return False
    if httpx2.__version__ not in LEAN_TRANSPORT_HTTPX2_VERSIONS:
        return False
    transport = getattr(client, "_transport", None)
    if type(transport) is not httpx2.AsyncHTTPTransport:
        return False
    import httpcore2

    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore2.AsyncConnectionPool:
        return False
    settings = vars(pool)
    if (
        settings.get("_http2")
        or not settings.get("_http1")
        or settings.get("_uds") is not None
        or settings.get("_local_address") is not None
        or settings.get("_socket_options")
        or settings.get("_retries")
        or settings.get("_proxy") is not None
    ):
        return False
    ssl_context = settings.get("_ssl_context")
    client._transport = LeanTransport(
        transport,
        ssl_context if isinstance(ssl_context, ssl.SSLContext) else None,
        settings.get("_keepalive_expiry"),
        int(settings.get("_max_keepalive_connections", 0)),
    )
    return True
