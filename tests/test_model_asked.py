"""A streamed turn says when its model request has left (assistant/model_asked.py): the
Jupyter handler holds the turn's first events until then, so that their write to the
client does not come before the request to the model.

The fake OpenAI-compatible server stands in for the model; it says nothing back, so only
the request having been written can set ``asked``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from jupyter_chatkit.assistant.models import build_model, close_model
from jupyter_chatkit.assistant.server import StreamResult
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, make_assistant, parse_sse, req, types_of, user_input
from .fixtures.fake_llm import FakeLLM, hang
from .test_handlers import body, post, server_config


async def _drain(chunks: object) -> None:
    async for _ in chunks:  # type: ignore[attr-defined]
        pass


@pytest.mark.asyncio
@pytest.mark.parametrize("api", ["chat_completions", "responses"])
async def test_asked_when_the_request_is_written_not_when_the_model_answers(
    sqlite_store: SQLStore, fake_llm: FakeLLM, api: str
) -> None:
    fake_llm.script(hang(60))  # the model says nothing (not even headers) during the test
    model = build_model(
        Settings(
            model="fake-model", api=api, base_url=fake_llm.base_url, api_key="sk-x", max_retries=0
        )
    )
    assistant = make_assistant(sqlite_store, model)
    result = await assistant.handle(req("threads.create", input=user_input("hi")), ALICE)
    assert isinstance(result, StreamResult) and result.asked is not None
    chunks = aiter(result.chunks)
    first = await anext(chunks)
    assert b'"thread.created"' in first
    # Saved and ready to stream: the model is not asked yet.
    assert not result.asked.future.done()
    reading = asyncio.ensure_future(_drain(chunks))
    try:
        # Set once the request is written, while the model still holds its answer.
        await asyncio.wait_for(asyncio.shield(result.asked.future), 20)
        assert not reading.done()
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        await close_model(model)


@pytest.mark.asyncio
async def test_a_stream_that_asks_no_model_is_asked_at_its_end(sqlite_store: SQLStore) -> None:
    """A stream that fails before its turn (no such thread) releases what a transport
    holds when it ends."""
    from agents.testing import ScriptedModel

    assistant = make_assistant(sqlite_store, ScriptedModel([]))
    body = req("threads.add_user_message", thread_id="thr_missing", input=user_input("hi"))
    result = await assistant.handle(body, ALICE)
    assert isinstance(result, StreamResult) and result.asked is not None
    await _drain(result.chunks)
    assert result.asked.future.done()


@pytest.fixture
def jp_server_config(tmp_path: Path, fake_llm: FakeLLM) -> Config:
    return server_config(
        tmp_path,
        base_url=fake_llm.base_url,
        api_key="sk-test-provider-key",
        api="chat_completions",
        model="fake-model",
        max_retries=0,
        request_timeout=30.0,
    )


async def test_the_first_events_come_while_the_model_says_nothing(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    """Held for the model request, not for its answer: the user's message arrives while
    the model has not answered at all."""
    fake_llm.script(hang(60))
    arrivals: list[bytes] = []
    posting = asyncio.ensure_future(
        post(
            jp_fetch,
            body("threads.create", input=user_input("hi")),
            streaming_callback=arrivals.append,
            request_timeout=60,
        )
    )
    try:
        for _ in range(200):
            if b'"thread.item.done"' in b"".join(arrivals) and fake_llm.calls:
                break
            await asyncio.sleep(0.05)
        types = types_of(parse_sse(b"".join(arrivals)))
        assert types[:2] == ["thread.created", "thread.item.done"], types
        assert not posting.done() and len(fake_llm.calls) == 1
    finally:
        posting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await posting
