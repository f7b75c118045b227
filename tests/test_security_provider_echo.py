"""Red team, engineer A: what the provider sends back never carries a configured secret
to the browser or the store, the provider URL's password as much as the API key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .chatkit_helpers import parse_sse, user_input
from .fixtures.fake_llm import FakeLLM, Reply
from .test_handlers import body, post
from .test_security_logs import KEY, PASSWORD, api, jp_server_config

__all__ = ["api", "jp_server_config"]


async def test_an_answer_repeating_the_url_password_or_the_key_shows_neither(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    # A proxy (or a model told it) that repeats the credentials it was sent. Before,
    # the key was scrubbed from the answer but the provider URL's password was streamed
    # to the browser and stored in the conversation.
    fake_llm.script(Reply(f"proxy login alice / {PASSWORD}, key {KEY}"))
    streamed = (await post(jp_fetch, body("threads.create", input=user_input("hi")))).body
    thread_id = parse_sse(streamed)[0].thread.id  # type: ignore[union-attr]
    stored = (await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body
    for raw in (streamed.decode(), stored.decode()):
        assert "proxy login alice / [redacted], key [redacted]" in raw
        assert PASSWORD not in raw and KEY not in raw
    # The request still reached the provider with the URL's credentials (Basic auth).
    assert (fake_llm.calls[0].authorization or "").startswith("Basic ")
