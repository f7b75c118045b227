"""A turn's opening events reach the browser once its model request has been sent
(assistant/opening.py): the socket write and the browser's rendering they cause come
after the model's request, not on its way.

A real Jupyter server and real HTTP; the model is a socket the test holds, so it can
look, at the moment the client gets the answer's first bytes, at what the server has
written to the model so far.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chatkit.types import ThreadCreatedEvent
from traitlets.config import Config

from jupyter_chatkit.assistant import opening

from .chatkit_helpers import parse_sse, user_input
from .test_handlers import body, server_config

REPLY_TEXT = "Hello from the held model."


def _chunk(delta: dict[str, Any], finish: str | None) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    data = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "fake-model",
        "choices": [choice],
    }
    return b"data: " + json.dumps(data).encode() + b"\n\n"


# A streamed chat completion, then the connection closed.
MODEL_REPLY = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
    + _chunk({"role": "assistant", "content": REPLY_TEXT}, None)
    + _chunk({}, "stop")
    + b"data: [DONE]\n\n"
)


@pytest.fixture
def model_socket() -> Iterator[socket.socket]:
    """The model's listening socket; connections wait in its backlog until accepted."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    try:
        yield listener
    finally:
        listener.close()


@pytest.fixture
def jp_server_config(tmp_path: Path, model_socket: socket.socket) -> Config:
    port = model_socket.getsockname()[1]
    return server_config(
        tmp_path,
        base_url=f"http://127.0.0.1:{port}/v1",
        api_key="sk-test-opening",
        api="chat_completions",
        model="fake-model",
        max_retries=0,
        request_timeout=10.0,
    )


def written_request(conn: socket.socket | None) -> bytes:
    """What the server has written on the model connection so far (not consumed)."""
    if conn is None:
        return b""
    try:
        return conn.recv(1 << 20, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return b""


def is_whole_request(data: bytes) -> bool:
    """Whether ``data`` holds an HTTP request's headers and its whole body."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(rest) >= int(value)
    return False


def accept_now(listener: socket.socket) -> socket.socket | None:
    """The first connection made to the model, if one was made."""
    try:
        conn, _ = listener.accept()
    except BlockingIOError:
        return None
    return conn


def answer_model(listener: socket.socket, conn: socket.socket | None) -> None:
    """Read the whole model request (it is there, or comes at once) and answer it."""
    listener.setblocking(True)
    listener.settimeout(10)
    if conn is None:
        conn, _ = listener.accept()
    conn.settimeout(10)
    with conn:
        seen = b""
        while not is_whole_request(seen):
            got = conn.recv(1 << 16)
            assert got, "the model connection closed before its request was whole"
            seen += got
        conn.sendall(MODEL_REPLY)


async def test_opening_events_leave_after_the_model_request(
    jp_serverapp: Any,
    jp_base_url: str,
    jp_http_port: int,
    http_server_client: Any,  # starts serving jp_http_port
    model_socket: socket.socket,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A first turn on a loaded machine can take longer than the hold's limit (the next
    # test): here the hold waits for the model request however long it takes.
    monkeypatch.setattr(opening, "HOLD_LIMIT", 600.0)
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}jupyter-chatkit/chatkit"
    headers = {"Authorization": f"token {jp_serverapp.identity_provider.token}"}
    payload = body("threads.create", input=user_input("hi"))
    async with (
        httpx.AsyncClient(timeout=30) as client,
        client.stream("POST", url, content=payload, headers=headers) as response,
    ):
        # The answer's first bytes (its headers go out with its first events): the
        # model's request was written before them, so it is whole on the model's side.
        conn = accept_now(model_socket)
        sent_before = written_request(conn)
        await asyncio.to_thread(answer_model, model_socket, conn)
        data = b"".join([chunk async for chunk in response.aiter_bytes()])
    assert response.status_code == 200
    assert is_whole_request(sent_before), "the answer began before the model was asked"
    assert sent_before.startswith(b"POST /v1/chat/completions ")
    events = parse_sse(data)
    assert isinstance(events[0], ThreadCreatedEvent)
    assert REPLY_TEXT in data.decode()


@pytest.fixture
def unreachable_model(jp_serverapp: Any, model_socket: socket.socket) -> Iterator[None]:
    """Fill the model's accept queue: the server's connect to it waits (no answer)."""
    with contextlib.ExitStack() as stack:
        for _ in range(16):
            filler = stack.enter_context(socket.socket())
            filler.setblocking(False)
            filler.connect_ex(model_socket.getsockname())
        yield


async def test_a_model_slow_to_reach_does_not_hold_the_thread_id(
    jp_serverapp: Any,
    jp_base_url: str,
    jp_http_port: int,
    http_server_client: Any,  # starts serving jp_http_port
    unreachable_model: None,
) -> None:
    """The hold has a limit: while the model's connect still waits, the page gets the
    new thread (its Stop needs the id) and the user's message."""
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}jupyter-chatkit/chatkit"
    headers = {"Authorization": f"token {jp_serverapp.identity_provider.token}"}
    payload = body("threads.create", input=user_input("hi"))
    async with (
        httpx.AsyncClient(timeout=30) as client,
        client.stream("POST", url, content=payload, headers=headers) as response,
    ):
        seen = b""
        async for chunk in response.aiter_bytes():
            seen += chunk
            if b"thread.item.done" in seen:
                break
    events = parse_sse(seen)
    assert isinstance(events[0], ThreadCreatedEvent)
    assert not any(event.type == "error" for event in events), "the opening waited for the model"
