"""Thread titles, attachment names and MIME types are bounded (a clear 400 past it).

Before, only the 2 MB request limit bounded them: a 1.9 MB title was stored, listed in
every ``threads.list`` page of its owner and sent to every open sidebar; a 1.9 MB
attachment name or type likewise, in every read of its thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from jupyter_chatkit.store import (
    MAX_ATTACHMENT_NAME_CHARS,
    MAX_MIME_TYPE_CHARS,
    MAX_THREAD_TITLE_CHARS,
)

from .chatkit_helpers import parse_sse, user_input
from .test_handlers import body, expect_error, jp_server_config, post

__all__ = ["jp_server_config"]


async def _thread(jp_fetch: Callable[..., Any]) -> str:
    streamed = await post(jp_fetch, body("threads.create", input=user_input("hello")))
    return str(parse_sse(streamed.body)[0].thread.id)  # type: ignore[union-attr]


async def test_a_title_past_the_limit_is_400_and_the_old_one_stays(
    jp_fetch: Callable[..., Any],
) -> None:
    thread_id = await _thread(jp_fetch)
    longest = "t" * MAX_THREAD_TITLE_CHARS
    await post(jp_fetch, body("threads.update", thread_id=thread_id, title=longest))
    err = await expect_error(
        post(jp_fetch, body("threads.update", thread_id=thread_id, title=longest + "x"))
    )
    assert err.code == 400 and err.response is not None
    message = json.loads(err.response.body)["message"]
    assert f"{MAX_THREAD_TITLE_CHARS} characters" in message
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    assert thread["title"] == longest


@pytest.mark.parametrize(
    ("field", "limit", "needle"),
    [
        ("name", MAX_ATTACHMENT_NAME_CHARS, "name"),
        ("mime_type", MAX_MIME_TYPE_CHARS, "type"),
    ],
)
async def test_attachment_names_and_types_past_the_limit_are_400(
    jp_fetch: Callable[..., Any], field: str, limit: int, needle: str
) -> None:
    params = {"name": "a.txt", "size": 1, "mime_type": "text/plain"}
    at_limit = {**params, field: ("a" * limit)}
    created = json.loads((await post(jp_fetch, body("attachments.create", **at_limit))).body)
    assert created[field] == "a" * limit
    past = {**params, field: ("a" * (limit + 1))}
    err = await expect_error(post(jp_fetch, body("attachments.create", **past)))
    assert err.code == 400 and err.response is not None
    message = json.loads(err.response.body)["message"]
    assert needle in message and f"{limit} characters" in message
