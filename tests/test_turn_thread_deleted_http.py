"""The Jupyter HTTP path of test_turn_thread_deleted: a thread deleted (another tab's
``threads.delete``) while its answer streams over a real connection ends that stream with
one ``ErrorEvent`` saying so, without Retry; the thread stays deleted.

A real Jupyter server, real HTTP, the local fake LLM streaming slowly.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from chatkit.types import ErrorEvent

from jupyter_chatkit.assistant.server import THREAD_DELETED

from .chatkit_helpers import parse_sse, user_input
from .fixtures.fake_llm import FakeLLM, Reply
from .test_handlers import body
from .test_turn_outlives_client import (
    ANSWER,
    Endpoint,
    jp_server_config,  # noqa: F401 (the fixture)
)


@pytest.fixture
def endpoint(
    jp_serverapp: Any,
    jp_base_url: str,
    jp_http_port: int,
    http_server_client: Any,  # starts serving jp_http_port
) -> Endpoint:
    return Endpoint(jp_serverapp, jp_base_url, jp_http_port)


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
