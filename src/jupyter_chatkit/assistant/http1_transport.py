"""The model client's HTTP/1.1 transport: each request written and its answer read on a
plain asyncio connection, kept alive for the next request.

openai's client sends through httpx2's ``AsyncHTTPTransport``: httpcore2's connection
pool, h11's state machine (it validates every header and walks a state table for each
event) and anyio's streams (a cancel scope per read and write, a checkpoint per send).
For one streamed model request that is ~1.3 ms of CPU (measured against the local fake
model: ~1.6 ms per request through httpx2, ~0.3 ms for the same bytes on an asyncio
connection), ~10% of a warm turn's CPU, and it is the same work whatever the model.

:class:`Http1Transport` does what those layers do for the model's requests, as plainly:
the request's head and body in one write, the answer's head parsed with ``split``, its
body read by its framing (chunked, a length, or to the connection's end), idle
connections kept per origin for the pool's keep-alive expiry and at most its number of
keep-alive connections. Requests and answers stay httpx2's (its client still sets the
headers, follows no redirects, decodes gzip, enforces nothing more), and failures are
httpx2's exceptions as its own transport raises them (``ConnectTimeout``,
``ReadTimeout``, ``RemoteProtocolError``, ...), so openai's retries and our error
descriptions see the same thing. An httpcore ``trace`` extension is told when the
request has been written (``http11.send_request_body.complete``, model_asked.py).

Anything else goes to httpx2's own transport, which stays in place: a request that is not
plain ``http``/``https`` with an in-memory body, and any client whose pool uses HTTP/2, a
Unix socket, a local address, socket options or connect retries (:func:`use_http1_transport`
then leaves the client as it is). Proxies are httpx2's mounts, picked before the default
transport, so they keep their own transports. Unlike httpcore2's pool this one puts no
bound on connections in flight (openai's is 1000).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx2

from .. import pins

__all__ = ["HTTP1_TRANSPORT_HTTPX2_VERSIONS", "Http1Transport", "use_http1_transport"]

# The httpx2 versions (with their httpcore2) whose AsyncHTTPTransport and pool
# attributes were read for use_http1_transport.
HTTP1_TRANSPORT_HTTPX2_VERSIONS = frozenset({pins.HTTPX2})

# An answer's head larger than this is refused (h11's default bound on an event).
MAX_HEAD_BYTES = 16 * 1024
_NO_BODY_STATUS = frozenset({204, 304})
_BAD_HEADER_BYTES = (b"\r", b"\n", b"\0")


def use_http1_transport(client: object) -> bool:
    """Give httpx2 client ``client`` (openai's own) an :class:`Http1Transport` in front of
    its default transport, when that is httpx2's plain HTTP/1.1 pool of a version read
    here; whether it has it."""
    import httpcore2

    if not isinstance(client, httpx2.AsyncClient):
        return False
    if httpx2.__version__ not in HTTP1_TRANSPORT_HTTPX2_VERSIONS:
        return False
    transport = client._transport
    if type(transport) is not httpx2.AsyncHTTPTransport:
        return False
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore2.AsyncConnectionPool:
        return False
    if (
        pool._http2
        or not pool._http1
        or pool._uds
        or pool._local_address
        or pool._socket_options
        or pool._retries
    ):
        return False
    client._transport = Http1Transport(
        transport,
        ssl_context=pool._ssl_context,
        max_keepalive=pool._max_keepalive_connections,
        keepalive_expiry=pool._keepalive_expiry,
    )
    return True


class _Connection:
    """One open connection and when, idle, it stops being reused."""

    __slots__ = ("expires", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.expires: float | None = None

    def usable(self, now: float) -> bool:
        """Idle, not expired, and not closed by the server meanwhile (its end read)."""
        return (
            (self.expires is None or now <= self.expires)
            and not self.reader.at_eof()
            and self.reader.exception() is None
            and not self.writer.is_closing()
        )

    def close(self) -> None:
        """Close it (not waiting for the close to complete)."""
        self.writer.close()


_Origin = tuple[bytes, bytes, int]


class Http1Transport(httpx2.AsyncBaseTransport):
    """HTTP/1.1 requests on asyncio connections kept alive per origin (module docstring);
    anything else goes to ``fallback``."""

    def __init__(
        self,
        fallback: httpx2.AsyncBaseTransport,
        *,
        ssl_context: ssl.SSLContext | None,
        max_keepalive: int,
        keepalive_expiry: float | None,
    ) -> None:
        self._fallback = fallback
        self._ssl_context = ssl_context
        self._max_keepalive = max_keepalive
        self._keepalive_expiry = keepalive_expiry
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._idle_count = 0
        self._closed = False

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send ``request`` and return its answer with the body still to read."""
        url = request.url
        scheme = url.raw_scheme
        stream = request.stream
        if (
            scheme not in (b"http", b"https")
            or type(stream) is not httpx2.ByteStream
            or request.method in ("CONNECT", "HEAD")
            or "sni_hostname" in request.extensions
            or self._closed
        ):
            return await self._fallback.handle_async_request(request)
        body: bytes = stream._stream
        head = _request_head(request, len(body))
        if head is None:
            return await self._fallback.handle_async_request(request)
        port = url.port or (443 if scheme == b"https" else 80)
        origin = (scheme, url.raw_host, port)
        timeouts = request.extensions.get("timeout", {})
        conn = self._take_idle(origin) or await self._connect(origin, timeouts.get("connect"))
        try:
            try:
                conn.writer.write(head + body if len(body) < 65536 else head)
                if len(body) >= 65536:
                    conn.writer.write(body)
                async with asyncio.timeout(timeouts.get("write")):
                    await conn.writer.drain()
            except TimeoutError as exc:
                raise httpx2.WriteTimeout(str(exc) or "write timed out", request=request) from exc
            except OSError as exc:
                raise httpx2.WriteError(str(exc) or type(exc).__name__, request=request) from exc
            trace = request.extensions.get("trace")
            if trace is not None:
                await trace("http11.send_request_body.complete", {"request": request})
            read_timeout = timeouts.get("read")
            status, reason, headers, keep_alive = await _read_head(conn.reader, read_timeout)
            body_stream = _ResponseBody(
                self, origin, conn, headers, status, keep_alive, read_timeout
            )
        except BaseException:
            conn.close()
            raise
        return httpx2.Response(
            status,
            headers=headers,
            stream=body_stream,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason},
        )

    def _take_idle(self, origin: _Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        if not idle:
            return None
        now = time.monotonic()
        while idle:
            conn = idle.pop()
            self._idle_count -= 1
            if conn.usable(now):
                return conn
            conn.close()
        return None

    async def _connect(self, origin: _Origin, within: float | None) -> _Connection:
        scheme, host, port = origin
        name = host.decode("ascii")
        tls = self._ssl_context if scheme == b"https" else None
        if scheme == b"https" and tls is None:
            tls = ssl.create_default_context()
        try:
            async with asyncio.timeout(within):
                reader, writer = await asyncio.open_connection(
                    name,
                    port,
                    ssl=tls,
                    server_hostname=name if tls is not None else None,
                    limit=MAX_HEAD_BYTES * 4,
                )
        except TimeoutError as exc:
            raise httpx2.ConnectTimeout(str(exc) or "connect timed out") from exc
        except OSError as exc:  # ssl.SSLError is one
            raise httpx2.ConnectError(str(exc) or type(exc).__name__) from exc
        return _Connection(reader, writer)

    def _release(self, origin: _Origin, conn: _Connection) -> None:
        """An answer read to its end on ``conn``, which may serve the next request."""
        if self._closed or self._idle_count >= self._max_keepalive:
            conn.close()
            return
        expiry = self._keepalive_expiry
        conn.expires = None if expiry is None else time.monotonic() + expiry
        self._idle.setdefault(origin, []).append(conn)
        self._idle_count += 1

    async def aclose(self) -> None:
        """Close the idle connections and httpx2's transport."""
        self._closed = True
        idle, self._idle, self._idle_count = self._idle, {}, 0
        for conns in idle.values():
            for conn in conns:
                conn.close()
        await self._fallback.aclose()


def _request_head(request: httpx2.Request, length: int) -> bytes | None:
    """The request line and headers, or None when they must go another way (a body
    without a Content-Length, a Transfer-Encoding) or may not go at all."""
    parts = [request.method.encode("ascii"), b" ", request.url.raw_path, b" HTTP/1.1\r\n"]
    has_length = False
    for name, value in request.headers.raw:
        lower = name.lower()
        if lower == b"content-length":
            has_length = True
        elif lower == b"transfer-encoding":
            return None
        for bad in _BAD_HEADER_BYTES:
            if bad in name or bad in value:
                raise httpx2.LocalProtocolError("Illegal header name or value", request=request)
        if not name or b":" in name or b" " in name:
            raise httpx2.LocalProtocolError("Illegal header name", request=request)
        parts += (name, b": ", value, b"\r\n")
    if length and not has_length:
        return None
    parts.append(b"\r\n")
    return b"".join(parts)


async def _read_head(
    reader: asyncio.StreamReader, within: float | None
) -> tuple[int, bytes, list[tuple[bytes, bytes]], bool]:
    """The answer's status, reason, headers and whether the connection stays open after
    it; informational (1xx) answers are skipped."""
    while True:
        try:
            async with asyncio.timeout(within):
                head = await reader.readuntil(b"\r\n\r\n")
        except TimeoutError as exc:
            raise httpx2.ReadTimeout(str(exc) or "read timed out") from exc
        except asyncio.IncompleteReadError as exc:
            if not exc.partial:
                raise httpx2.RemoteProtocolError(
                    "Server disconnected without sending a response."
                ) from exc
            raise httpx2.RemoteProtocolError("peer closed connection mid-response") from exc
        except asyncio.LimitOverrunError as exc:
            raise httpx2.RemoteProtocolError("the response's head is too large") from exc
        except OSError as exc:
            raise httpx2.ReadError(str(exc) or type(exc).__name__) from exc
        if len(head) > MAX_HEAD_BYTES:
            raise httpx2.RemoteProtocolError("the response's head is too large")
        lines = head[:-4].split(b"\r\n")
        version, _, rest = lines[0].partition(b" ")
        code, _, reason = rest.partition(b" ")
        if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit():
            raise httpx2.RemoteProtocolError("malformed status line")
        status = int(code)
        headers: list[tuple[bytes, bytes]] = []
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon or not name or name != name.strip() or line[:1] in (b" ", b"\t"):
                raise httpx2.RemoteProtocolError("malformed response header")
            headers.append((name, value.strip(b" \t")))
        if 100 <= status < 200:
            if status == 101:
                raise httpx2.RemoteProtocolError("unexpected protocol switch")
            continue
        connection = b",".join(v for n, v in headers if n.lower() == b"connection").lower()
        if version == b"HTTP/1.0":
            keep_alive = b"keep-alive" in connection
        else:
            keep_alive = b"close" not in connection
        return status, reason, headers, keep_alive


def _chunk_size(line: bytes | bytearray) -> int:
    """The size in a chunk's size line (extensions after ``;`` ignored)."""
    digits = bytes(line).split(b";", 1)[0].strip()
    if not digits or any(c not in b"0123456789abcdefABCDEF" for c in digits):
        raise httpx2.RemoteProtocolError("malformed chunk size")
    return int(digits, 16)


def _buffer_of(reader: asyncio.StreamReader) -> bytearray:
    """What ``reader`` has received and not yet given out (asyncio's own buffer: read
    only, to know whether a read would wait; an empty one, so every read is timed, if
    this Python's reader keeps none)."""
    buffered = getattr(reader, "_buffer", None)
    return buffered if isinstance(buffered, bytearray) else bytearray()


class _ResponseBody(httpx2.AsyncByteStream):
    """An answer's body as it arrives, by its framing; its connection goes back to the
    pool once the body is read to its end and the connection may stay open."""

    def __init__(
        self,
        transport: Http1Transport,
        origin: _Origin,
        conn: _Connection,
        headers: list[tuple[bytes, bytes]],
        status: int,
        keep_alive: bool,
        timeout: float | None,
    ) -> None:
        self._transport = transport
        self._origin = origin
        self._conn: _Connection | None = conn
        self._timeout = timeout
        self._keep_alive = keep_alive
        self._done = False
        self._chunked = False
        self._length: int | None = None
        if status in _NO_BODY_STATUS:
            self._length = 0
            return
        codings = [v for n, v in headers if n.lower() == b"transfer-encoding"]
        lengths = {v for n, v in headers if n.lower() == b"content-length"}
        if codings:
            self._chunked = b",".join(codings).lower().rsplit(b",", 1)[-1].strip() == b"chunked"
            if not self._chunked:
                self._keep_alive = False  # read to the connection's end
        elif lengths:
            if len(lengths) != 1 or not next(iter(lengths)).isdigit():
                raise httpx2.RemoteProtocolError("bad Content-Length")
            self._length = int(next(iter(lengths)))
        else:
            self._keep_alive = False  # read to the connection's end

    async def __aiter__(self) -> AsyncIterator[bytes]:
        conn = self._conn
        if conn is None:
            return
        if self._done:
            await self.aclose()
            return
        reader = conn.reader
        try:
            if self._chunked:
                async for part in self._chunks(reader):
                    yield part
            elif self._length is not None:
                # What is left is kept here, not in this generator: a reader that gives
                # up on one iteration may start another (openai's drain after [DONE]).
                while self._length:
                    part = await self._wait(reader.read(min(self._length, 65536)))
                    if not part:
                        raise httpx2.RemoteProtocolError(
                            "peer closed connection without sending complete message body"
                        )
                    self._length -= len(part)
                    yield part
            else:
                while part := await self._wait(reader.read(65536)):
                    yield part
        except asyncio.IncompleteReadError as exc:
            raise httpx2.RemoteProtocolError(
                "peer closed connection without sending complete message body"
            ) from exc
        self._done = True
        await self.aclose()

    async def _chunks(self, reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
        """The data of a chunked body: the chunks already received are given together,
        and only a read that has to wait for the network is timed (a timer per read
        costs more than the parse). It gives data only between chunks, so a reader that
        gives up on one iteration may start another where it stopped (openai's drain
        after [DONE] does)."""
        buffered = _buffer_of(reader)
        parts: list[bytes] = []
        while True:
            # Whether the next chunk (its size line, data and CRLF) is all here.
            end = buffered.find(b"\r\n")
            here = end >= 0 and len(buffered) >= end + _chunk_size(buffered[:end]) + 4
            if not here and parts:
                yield b"".join(parts)
                parts.clear()
            if here:
                line = await reader.readuntil(b"\r\n")
            else:
                line = await self._wait(reader.readuntil(b"\r\n"))
            size = _chunk_size(line)
            if size == 0:
                # Trailers, up to the empty line: the body is read to its end before
                # the last data is given (a reader may stop at it).
                while await self._wait(reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                self._done = True
                if parts:
                    yield b"".join(parts)
                return
            if here:
                data = await reader.readexactly(size + 2)
            else:
                data = await self._wait(reader.readexactly(size + 2))
            if data[-2:] != b"\r\n":
                raise httpx2.RemoteProtocolError("malformed chunk")
            parts.append(data[:-2])

    async def _wait(self, read: Any) -> Any:
        """``await read`` within the read timeout, failures as httpx2's."""
        try:
            if self._timeout is None:
                return await read
            async with asyncio.timeout(self._timeout):
                return await read
        except TimeoutError as exc:
            raise httpx2.ReadTimeout(str(exc) or "read timed out") from exc
        except asyncio.LimitOverrunError as exc:
            raise httpx2.RemoteProtocolError("malformed chunked body") from exc
        except asyncio.IncompleteReadError:
            raise
        except OSError as exc:
            raise httpx2.ReadError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        """Back to the pool if read to its end on a connection that stays open, else
        closed (a stream left mid-way: its connection holds the rest of the body)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._done and self._keep_alive:
            self._transport._release(self._origin, conn)
        else:
            conn.close()
