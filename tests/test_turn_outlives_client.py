"""A turn outlives its client: a reload, a closed tab or a lost network mid-answer does
not stop it; only an explicit Stop (``Turn.STOP``) does. A client that comes back while
the answer is still being written follows it live (``Turn.WATCH``).

A real Jupyter server, real HTTP, the local fake LLM streaming slowly.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from chatkit.types import (
    AssistantMessageItem,
    ClientToolCallItem,
    ErrorEvent,
    ThreadItemAddedEvent,
    ThreadItemUpdatedEvent,
)
from traitlets.config import Config

from jupyter_chatkit.assistant.partial import STOPPED_NOTE
from jupyter_chatkit.assistant.turn_streams import ASSISTANT_STOPPING, THREAD_DELETED
from jupyter_chatkit.protocol import LOCAL_USER, RequestContext, Turn

from .chatkit_helpers import parse_sse, user_input
from .fixtures.endpoint import Endpoint, body
from .fixtures.fake_llm import FakeLLM, Reply, ToolCall
from .test_handlers import post, server_config

WORDS = 40
ANSWER = " ".join(f"word{i}" for i in range(WORDS))
LONG = " ".join(f"word{i}" for i in range(400))
AGENT = {"agent": {"mode": "agent", "auto_run": False}}


@pytest.fixture
def jp_server_config(tmp_path: Path, fake_llm: FakeLLM) -> Config:
    return server_config(
        tmp_path,
        base_url=fake_llm.base_url,
        api_key="sk-test-provider-key",
        api="chat_completions",
        model="fake-model",
        max_retries=0,
        request_timeout=10.0,
    )


async def test_answer_finishes_after_the_client_leaves(
    endpoint: Endpoint, fake_llm: FakeLLM
) -> None:
    thread_id = await endpoint.leave_new_thread(fake_llm, ANSWER)
    stored = await endpoint.stored_answer(thread_id)
    assert stored == ANSWER
    assert STOPPED_NOTE.strip() not in stored
    assert not fake_llm.calls[0].disconnected, "the model request was cut with the client"


async def test_a_follow_up_finishes_after_the_client_leaves(
    jp_fetch: Callable[..., Any], endpoint: Endpoint, fake_llm: FakeLLM
) -> None:
    fake_llm.script(Reply("First answer."), Reply(ANSWER))
    first = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("hi")))).body)
    thread_id = first[0].thread.id  # type: ignore[union-attr]
    fake_llm.token_delay = 0.05
    await endpoint.start_then_leave(
        body("threads.add_user_message", thread_id=thread_id, input=user_input("more"))
    )
    assert await endpoint.stored_answer(thread_id) == ANSWER


async def test_a_new_conversation_left_before_its_first_byte_keeps_its_message(
    endpoint: Endpoint, fake_llm: FakeLLM
) -> None:
    """A page that leaves a ``threads.create`` before any byte of its answer came (a
    reload, or a new conversation started, right after Enter): the thread and message
    are still stored and answered, and listed (LOST12: a sidebar message seen nowhere)."""
    fake_llm.script(Reply(ANSWER))
    payload = body("threads.create", input=user_input("hello there")).encode()
    url = urlsplit(endpoint.url)
    head = "".join(
        [
            f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n",
            *(f"{k}: {v}\r\n" for k, v in endpoint.headers.items()),
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n",
        ]
    )
    _, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(head.encode() + payload)
    await writer.drain()
    writer.transport.abort()  # gone before the answer's first byte
    assistant = await endpoint.holder.get()
    context = RequestContext(user_id=LOCAL_USER)
    listed: list[str] = []
    for _ in range(100):
        page = await assistant.store.load_threads(20, None, "desc", context)
        listed = [t.id for t in page.data]
        if listed:
            break
        await asyncio.sleep(0.05)
    assert len(listed) == 1, "the message sent was lost with its connection"
    assert await endpoint.stored_answer(listed[0]) == ANSWER


async def test_coming_back_mid_answer_follows_it_live(
    endpoint: Endpoint, fake_llm: FakeLLM
) -> None:
    thread_id = await endpoint.leave_new_thread(fake_llm, ANSWER)
    # The page loads the thread again: it says its answer is being written...
    status, thread = await endpoint.json(body("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and thread["metadata"].get("answering") is True
    # ...and watching it gives what was said so far, then the rest, until the turn ends.
    watched = parse_sse(await endpoint.stream(body(Turn.WATCH, thread_id=thread_id)))
    added = [e for e in watched if isinstance(e, ThreadItemAddedEvent)]
    message = next(e.item for e in added if isinstance(e.item, AssistantMessageItem))
    text = "".join(part.text for part in message.content) + "".join(
        e.update.delta  # type: ignore[union-attr]
        for e in watched
        if isinstance(e, ThreadItemUpdatedEvent)
        and e.item_id == message.id
        and e.update.type == "assistant_message.content_part.text_delta"
    )
    assert text == ANSWER
    # Nothing of another client's side (no thread.created, no client effects) is replayed.
    assert {e.type for e in watched} <= {
        "thread.item.added",
        "thread.item.done",
        "thread.item.updated",
        "thread.item.replaced",
        "thread.item.removed",
        "thread.updated",
        "progress_update",
        "stream_options",
    }
    assert await endpoint.stored_answer(thread_id) == ANSWER
    status, thread = await endpoint.json(body("threads.get_by_id", thread_id=thread_id))
    assert "answering" not in thread["metadata"]
    # Watching a thread with no turn running ends at once, with nothing.
    assert parse_sse(await endpoint.stream(body(Turn.WATCH, thread_id=thread_id))) == []


async def test_explicit_stop_still_stops(endpoint: Endpoint, fake_llm: FakeLLM) -> None:
    thread_id = await endpoint.leave_new_thread(fake_llm, LONG)
    status, answer = await endpoint.json(body(Turn.STOP, thread_id=thread_id))
    assert status == 200 and answer == {"stopped": True}
    call = await fake_llm.wait_for_disconnect(within=10)
    assert call.disconnected
    stored = await endpoint.stored_answer(thread_id)
    assert stored.startswith("word0") and stored.rstrip().endswith(STOPPED_NOTE.strip())
    # Stopping again (nothing runs) is no error.
    assert await endpoint.json(body(Turn.STOP, thread_id=thread_id)) == (200, {"stopped": False})


async def test_stop_and_watch_answer_bad_requests(endpoint: Endpoint) -> None:
    status, error = await endpoint.json(body(Turn.STOP, thread_id="thr_nope"))
    assert status == 404 and error["code"] == "not_found"
    status, error = await endpoint.json(json.dumps({"type": Turn.STOP, "params": {}}))
    assert status == 400 and error["message"]
    async with httpx.AsyncClient(timeout=20) as client:
        response = await client.post(
            endpoint.url, content=body(Turn.WATCH, thread_id="thr_nope"), headers=endpoint.headers
        )
    events = parse_sse(response.content)
    assert [e.type for e in events] == ["error"]


async def test_interrupting_the_kernels_ask_stops_the_servers_turn(
    endpoint: Endpoint, fake_llm: FakeLLM
) -> None:
    # %chat ask in a kernel started by this server asks it over HTTP (RemoteAssistant);
    # the kernel's interrupt cancels the ask, which must stop the server's turn too.
    from jupyter_chatkit.kernel.client import ChatClient
    from jupyter_chatkit.kernel.remote import RemoteAssistant, ServerEndpoint

    token = endpoint.headers["Authorization"].removeprefix("token ")
    remote = RemoteAssistant(ServerEndpoint(endpoint.url, token))
    client = ChatClient(remote, RequestContext(user_id=LOCAL_USER))  # type: ignore[arg-type]
    fake_llm.token_delay = 0.05
    fake_llm.script(Reply(LONG))
    asking = asyncio.ensure_future(client.ask("talk for a long time"))
    try:
        await fake_llm.wait_for(lambda: fake_llm.calls and fake_llm.calls[0].deltas_sent > 2, 20)
        asking.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asking
        call = await fake_llm.wait_for_disconnect(within=10)
        assert call.disconnected
        assert client.thread_id
        assert (
            (await endpoint.stored_answer(client.thread_id)).rstrip().endswith(STOPPED_NOTE.strip())
        )
    finally:
        await remote.aclose()


async def test_an_agent_step_awaiting_approval_is_not_run_after_the_client_left(
    endpoint: Endpoint, fake_llm: FakeLLM
) -> None:
    # Agent mode: the model asks to insert a cell; the person must approve it on a card
    # (a client tool call). The client leaves before that: the turn ends at the step,
    # pending, and nothing carries it out or asks the model again.
    fake_llm.token_delay = 0.05
    fake_llm.script(
        Reply("Let me add a cell. " * 5, tool_calls=[ToolCall("insert_cell", {"source": "a = 1"})])
    )
    payload = json.dumps(
        {"type": "threads.create", "params": {"input": user_input("add a cell")}, "metadata": AGENT}
    )
    thread_id, _ = await endpoint.start_then_leave(payload)
    assistant = await endpoint.holder.get()
    for _ in range(200):
        if not assistant.running.answering(thread_id):
            break
        await asyncio.sleep(0.1)
    items = await assistant.store.load_thread_items(
        thread_id, None, 50, "asc", RequestContext(user_id=LOCAL_USER)
    )
    calls = [i for i in items.data if isinstance(i, ClientToolCallItem)]
    assert [(c.name, c.status) for c in calls] == [("insert_cell", "pending")]
    await asyncio.sleep(0.5)
    assert len(fake_llm.calls) == 1, "the model was asked again without the step's result"


# A thread deleted (another tab's threads.delete) while its answer streams over a real
# connection: the stream ends with one ErrorEvent saying so, without Retry
# (test_turn_thread_deleted has the in-process cases).


async def test_deleting_a_thread_mid_answer_ends_its_stream_as_deleted(
    endpoint: Endpoint, fake_llm: FakeLLM
) -> None:
    fake_llm.token_delay = 0.05
    fake_llm.script(Reply(ANSWER))
    payload = body("threads.create", input=user_input("talk for a while"))
    async with (
        httpx.AsyncClient(timeout=30) as client,
        client.stream("POST", endpoint.url, content=payload, headers=endpoint.headers) as response,
    ):
        seen = b""
        deleted = False
        async for chunk in response.aiter_bytes():
            seen += chunk
            if not deleted and b"text_delta" in seen:
                # The same user, another tab: the thread is deleted mid-answer.
                thread_id = parse_sse(seen.split(b"\n\n")[0] + b"\n\n")[0].thread.id  # type: ignore[union-attr]
                assert await endpoint.json(body("threads.delete", thread_id=thread_id)) == (
                    200,
                    {},
                )
                deleted = True
    assert deleted
    events = parse_sse(seen)
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and events[-1] is errors[0], [e.type for e in events]
    assert errors[0].message == THREAD_DELETED and errors[0].allow_retry is False
    status, error = await endpoint.json(body("threads.get_by_id", thread_id=thread_id))
    assert status == 404 and error["code"] == "not_found"


async def _streaming_until_words(
    endpoint: Endpoint, payload: bytes, seen: bytearray
) -> asyncio.Future[None]:
    """Post ``payload`` as a stream read into ``seen`` (in a task, returned) and return
    once the answer's first words have arrived; the caller awaits or cancels the task."""
    first_words = asyncio.Event()

    async def read() -> None:
        async with (
            httpx.AsyncClient(timeout=60) as client,
            client.stream(
                "POST", endpoint.url, content=payload, headers=endpoint.headers
            ) as response,
        ):
            async for chunk in response.aiter_bytes():
                seen.extend(chunk)
                if b"text_delta" in seen:
                    first_words.set()

    reader = asyncio.ensure_future(read())
    try:
        await asyncio.wait_for(first_words.wait(), 20)
    except BaseException:
        reader.cancel()
        raise
    return reader


async def test_deleting_a_thread_mid_answer_closes_the_model_request(
    endpoint: Endpoint, fake_llm: FakeLLM
) -> None:
    # The delete stops the turn's model run at once: the upstream request is closed by
    # the client (no more tokens spent), not read to the answer's end.
    fake_llm.token_delay = 3.0  # 40 words: two minutes, under the 10 s read timeout
    fake_llm.script(Reply(ANSWER))
    payload = body("threads.create", input=user_input("talk for a long while"))
    seen = bytearray()
    reader = await _streaming_until_words(endpoint, payload, seen)
    try:
        thread_id = parse_sse(bytes(seen).split(b"\n\n")[0] + b"\n\n")[0].thread.id  # type: ignore[union-attr]
        assert await endpoint.json(body("threads.delete", thread_id=thread_id)) == (200, {})
        # Guards against a hang, not timings: the model would take two minutes more.
        call = await fake_llm.wait_for_disconnect(within=20)
        assert call.disconnected and not call.finished
        assert call.deltas_sent < WORDS
        await asyncio.wait_for(reader, 20)
    finally:
        reader.cancel()
    events = parse_sse(bytes(seen))
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and events[-1] is errors[0], [e.type for e in events]
    assert errors[0].message == THREAD_DELETED and errors[0].allow_retry is False
    assistant = await endpoint.holder.get()
    assert not assistant.running.answering(thread_id)
    status, error = await endpoint.json(body("threads.get_by_id", thread_id=thread_id))
    assert status == 404 and error["code"] == "not_found"
    assert len(fake_llm.calls) == 1, "the model was asked again after the delete"


async def test_a_server_stopping_mid_answer_says_so_and_keeps_the_answer(
    endpoint: Endpoint, fake_llm: FakeLLM, jp_serverapp: Any, tmp_path: Path
) -> None:
    # The server stops (its extension is stopped, as at shutdown) while an answer streams:
    # the model request is closed, the answer so far kept marked as stopped, and the
    # client's stream ends with one error saying why (before: it just ended mid-answer).
    fake_llm.token_delay = 3.0
    fake_llm.script(Reply(ANSWER))
    payload = body("threads.create", input=user_input("talk for a long while"))
    seen = bytearray()
    reader = await _streaming_until_words(endpoint, payload, seen)
    try:
        app = next(iter(jp_serverapp.extension_manager.extension_apps["jupyter_chatkit"]))
        await app.stop_extension()
        await asyncio.wait_for(reader, 20)
    finally:
        reader.cancel()
    # (The fake server notices the hang-up on its own thread.)
    call = await fake_llm.wait_for_disconnect(within=10)
    assert call.disconnected and not call.finished
    events = parse_sse(bytes(seen))
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and events[-1] is errors[0], [e.type for e in events]
    assert errors[0].message == ASSISTANT_STOPPING and errors[0].allow_retry is False
    thread_id = parse_sse(bytes(seen).split(b"\n\n")[0] + b"\n\n")[0].thread.id  # type: ignore[union-attr]

    from jupyter_chatkit.store import open_store

    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    try:
        context = RequestContext(user_id=LOCAL_USER)
        items = await store.load_thread_items(thread_id, None, 50, "asc", context)
    finally:
        await store.close()
    answers = [i for i in items.data if isinstance(i, AssistantMessageItem)]
    assert len(answers) == 1
    text = "".join(part.text for part in answers[0].content)
    assert text.startswith("word0") and text.rstrip().endswith(STOPPED_NOTE.strip())
