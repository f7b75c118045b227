"""A user starting conversations as fast as the server answers (a script with their
token) is bounded by ``max_new_threads_per_minute``: before, nothing bounded how many
threads one user could store (in a PostgreSQL store other users share, under a hub)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import ErrorEvent, ThreadCreatedEvent
from traitlets.config import Config

from jupyter_chatkit.assistant.new_threads import NewThreadLimit

from .chatkit_helpers import parse_sse, user_input
from .test_handlers import body, post, server_config


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return server_config(tmp_path, max_new_threads_per_minute=2)


async def test_new_threads_past_the_limit_are_refused_and_not_stored(
    jp_fetch: Callable[..., Any],
) -> None:
    created = []
    for _ in range(3):
        streamed = await post(jp_fetch, body("threads.create", input=user_input("hello")))
        created.append(parse_sse(streamed.body))
    for events in created[:2]:
        assert isinstance(events[0], ThreadCreatedEvent)
    refused = created[2]
    assert len(refused) == 1 and isinstance(refused[0], ErrorEvent)
    assert "max_new_threads_per_minute" in (refused[0].message or "")
    listed = json.loads((await post(jp_fetch, body("threads.list"))).body)
    assert len(listed["data"]) == 2
    # Conversations already started go on.
    thread_id = created[0][0].thread.id  # type: ignore[union-attr]
    more = await post(
        jp_fetch, body("threads.add_user_message", thread_id=thread_id, input=user_input("more"))
    )
    assert not [e for e in parse_sse(more.body) if isinstance(e, ErrorEvent)]


def test_the_limit_is_per_user_and_zero_is_none() -> None:
    limit = NewThreadLimit(2)
    assert [limit.take("ada") for _ in range(2)] == [0, 0]
    assert 1 <= limit.take("ada") <= 60
    assert limit.take("bob") == 0
    unlimited = NewThreadLimit(0)
    assert all(unlimited.take("ada") == 0 for _ in range(100))
