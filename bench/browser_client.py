"""A client that talks to the ChatKit endpoint as the sidebar's page does: one kept-alive
connection, Jupyter's login cookie (set once, from the token), and the ``_xsrf`` cookie
echoed in ``X-XSRFToken`` on every POST. The bench's default client sends the token with
each request on a new connection (``Connection: close``), so Jupyter sets a login cookie
every time and tornado accepts a connection per request; a browser does neither."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from bench.servers import TOKEN


class BrowserSession:
    """One kept-alive HTTP/1.1 connection to a Jupyter server with its cookies; requests
    are sent one after another (as a page's fetches on one connection are)."""

    def __init__(self, endpoint: str) -> None:
        parts = urlsplit(endpoint)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.netloc, self.path = parts.netloc, parts.path
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.health = self.path.removesuffix("chatkit") + "health"
        self.cookies: dict[str, str] = {}
        self._conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def start(self) -> None:
        """Log in as the page does after ``?token=``: the token once, the cookies kept
        (the health endpoint sets ``_xsrf`` too, as a rendered page would)."""
        status, _ = await self._request("GET", f"{self.health}?token={TOKEN}", b"")
        if status != 200 or "_xsrf" not in self.cookies or len(self.cookies) < 2:
            raise RuntimeError(f"no login/XSRF cookies from {self.health}: {status}")

    async def post(self, body: bytes) -> bytes:
        """POST ``body`` to the endpoint with the cookies and the XSRF header; the whole
        (de-chunked) answer, which must be a 200 stream with a text delta."""
        status, data = await self._request("POST", self.path, body)
        if status != 200 or b"text_delta" not in data or b'"type":"error"' in data:
            raise RuntimeError(f"no text delta in the stream ({status}): {data[-300:]!r}")
        return data

    async def post_json(self, body: bytes) -> tuple[int, bytes]:
        """POST ``body`` (a request answered with JSON) as :meth:`post` does: its status
        and answer, whatever they are."""
        return await self._request("POST", self.path, body)

    async def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn[1].close()
            self._conn = None

    async def _request(self, method: str, target: str, body: bytes) -> tuple[int, bytes]:
        if self._conn is None:
            self._conn = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._conn
        headers = [
            f"{method} {target} HTTP/1.1",
            f"Host: {self.netloc}",
            "Connection: keep-alive",
            f"Origin: {self.origin}",
        ]
        if self.cookies:
            headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            headers += [
                f"X-XSRFToken: {self.cookies.get('_xsrf', '')}",
                "Content-Type: application/json",
                f"Content-Length: {len(body)}",
            ]
        writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length: int | None = None
        chunked = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
            elif name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
        if chunked:
            data = b""
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                data += (await reader.readexactly(size + 2))[:-2]
            await reader.readuntil(b"\r\n")  # the end of the (empty) trailer
        else:
            data = await reader.readexactly(length or 0)
        return status, data
