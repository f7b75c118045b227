"""Request and upload size limits hold before the body is read, not after.

``max_request_bytes`` (ChatKit requests) and ``max_upload_bytes`` (attachments) were
checked once tornado had read the whole body, up to Jupyter's ``max_body_size``
(512 MB): a client announcing or streaming more than the limit made the server take it
all in first. Here a raw socket speaks HTTP/1.1 to a real Jupyter server: an announced
``Content-Length`` past the limit is answered 413 before any byte of the body is sent,
and a chunked body is answered 413 once it passes the limit (the client never sends its
end).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from traitlets.config import Config

from jupyter_chatkit.serverext.handlers import DRAIN_FACTOR

from .test_handlers import body, post, server_config

REQUEST_LIMIT = 200_000
UPLOAD_LIMIT = 1_000_000
# A guard for the test itself: before the fix the server waited for the rest forever.
ANSWER_WAIT = 30.0


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return server_config(tmp_path, max_request_bytes=REQUEST_LIMIT, max_upload_bytes=UPLOAD_LIMIT)


class Raw:
    """One HTTP/1.1 request over a socket to the test server, written by hand."""

    def __init__(self, port: int, base_url: str, token: str) -> None:
        self.port, self.base_url, self.token = port, base_url, token

    async def send(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        parts: list[bytes] = [],  # noqa: B006 - never mutated
        chunked: bool = False,
        auth: bool = True,
    ) -> tuple[int, dict[str, str], bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            head = [f"{method} {self.base_url}{path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
            if auth:
                head.append(f"Authorization: token {self.token}")
            if chunked:
                head.append("Transfer-Encoding: chunked")
            head += [f"{k}: {v}" for k, v in headers.items()]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
            for part in parts:
                writer.write(f"{len(part):x}\r\n".encode() + part + b"\r\n" if chunked else part)
                await writer.drain()
            raw = await asyncio.wait_for(reader.read(), ANSWER_WAIT)
        finally:
            writer.close()
        head_bytes, _, payload = raw.partition(b"\r\n\r\n")
        lines = head_bytes.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        answer_headers = {
            k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])
        }
        return status, answer_headers, payload


@pytest.fixture
def raw(jp_serverapp: Any, jp_http_port: int, jp_base_url: str, http_server_client: Any) -> Raw:
    return Raw(jp_http_port, jp_base_url, jp_serverapp.identity_provider.token)


def _json_413(status: int, headers: dict[str, str], payload: bytes, needle: str) -> None:
    assert status == 413, (status, payload[:300])
    assert headers["content-type"].startswith("application/json")
    answer = json.loads(payload)
    assert needle in answer["message"], answer


async def _attachment(jp_fetch: Callable[..., Any], size: int) -> str:
    created = await post(
        jp_fetch, body("attachments.create", name="a.bin", size=size, mime_type="text/plain")
    )
    return str(json.loads(created.body)["id"])


async def test_a_request_announcing_far_more_than_the_limit_is_413_before_its_body(
    raw: Raw,
) -> None:
    announced = DRAIN_FACTOR * REQUEST_LIMIT + 1
    status, headers, payload = await raw.send(
        "POST",
        "jupyter-chatkit/chatkit",
        {"Content-Type": "application/json", "Content-Length": str(announced)},
    )
    _json_413(status, headers, payload, "max_request_bytes")


@pytest.mark.parametrize("upload", [False, True])
async def test_a_client_that_writes_its_whole_body_first_reads_the_413(
    jp_fetch: Callable[..., Any],
    jp_serverapp: Any,
    jp_http_port: int,
    jp_base_url: str,
    upload: bool,
) -> None:
    # httpx (the kernel's client for %%chat and Chat().ask) writes the whole body before
    # it reads: an answer sent early, then the connection closed, reached it as a reset
    # ("the kernel could not reach its Jupyter server") instead of the 413 saying why.
    base = f"http://127.0.0.1:{jp_http_port}{jp_base_url}jupyter-chatkit/"
    headers = {"Authorization": f"token {jp_serverapp.identity_provider.token}"}
    async with httpx.AsyncClient(timeout=ANSWER_WAIT, headers=headers) as client:
        if upload:
            attachment_id = await _attachment(jp_fetch, 10)
            data = b"x" * (2 * UPLOAD_LIMIT)
            answer = await client.put(
                f"{base}attachments/{attachment_id}", files={"file": ("a.bin", data)}
            )
            needle = "max_upload_bytes"
        else:
            message = "x" * (2 * REQUEST_LIMIT)
            answer = await client.post(f"{base}chatkit", content=body("threads.list", m=message))
            needle = "max_request_bytes"
        _json_413(answer.status_code, dict(answer.headers), answer.content, needle)
        # The connection stays usable: the next request on it is answered.
        listed = await client.post(f"{base}chatkit", content=body("threads.list"))
        assert listed.status_code == 200


async def test_an_upload_announcing_more_than_the_limit_is_413_before_its_body(
    raw: Raw, jp_fetch: Callable[..., Any]
) -> None:
    attachment_id = await _attachment(jp_fetch, 10)
    status, headers, payload = await raw.send(
        "PUT",
        f"jupyter-chatkit/attachments/{attachment_id}",
        {"Content-Type": "application/octet-stream", "Content-Length": str(30 * 2**20)},
    )
    _json_413(status, headers, payload, "max_upload_bytes")


async def test_a_chunked_request_past_the_limit_is_413_without_its_end(raw: Raw) -> None:
    chunk = b" " * 65_536
    parts = [chunk] * (REQUEST_LIMIT // len(chunk) + 1)
    status, headers, payload = await raw.send(
        "POST",
        "jupyter-chatkit/chatkit",
        {"Content-Type": "application/json"},
        parts,
        chunked=True,
    )
    _json_413(status, headers, payload, "max_request_bytes")


async def test_a_chunked_upload_past_the_limit_is_413_without_its_end(
    raw: Raw, jp_fetch: Callable[..., Any]
) -> None:
    attachment_id = await _attachment(jp_fetch, 10)
    chunk = b"x" * 65_536
    # Past the limit and the room a multipart form's framing is given around it.
    parts = [chunk] * ((UPLOAD_LIMIT + 65_536) // len(chunk) + 1)
    status, headers, payload = await raw.send(
        "PUT",
        f"jupyter-chatkit/attachments/{attachment_id}",
        {"Content-Type": "application/octet-stream"},
        parts,
        chunked=True,
    )
    _json_413(status, headers, payload, "max_upload_bytes")


async def test_a_big_body_without_credentials_is_refused_unread(raw: Raw) -> None:
    status, _, payload = await raw.send(
        "POST",
        "jupyter-chatkit/chatkit",
        {"Content-Type": "application/json", "Content-Length": str(REQUEST_LIMIT - 1)},
        auth=False,
    )
    assert status == 403, payload[:300]


async def test_bodies_within_the_limits_still_work_chunked_and_multipart(
    raw: Raw, jp_fetch: Callable[..., Any]
) -> None:
    payload = body("threads.list").encode()
    status, _, answer = await raw.send(
        "POST",
        "jupyter-chatkit/chatkit",
        {"Content-Type": "application/json", "Connection": "close"},
        [payload[:5], payload[5:], b""],
        chunked=True,
    )
    assert status == 200 and json.loads(answer)["data"] == []

    data = b"a,b\n1,2\n"
    attachment_id = await _attachment(jp_fetch, len(data))
    boundary = "xYzZy"
    form = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    done = await jp_fetch(
        "jupyter-chatkit",
        "attachments",
        attachment_id,
        method="POST",
        body=form,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert json.loads(done.body) == {"id": attachment_id, "size": len(data)}
    got = await jp_fetch("jupyter-chatkit", "attachments", attachment_id)
    assert got.body == data
