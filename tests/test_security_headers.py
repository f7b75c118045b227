"""Red team, round 2, through a real Jupyter server: what every answer's headers say
about caching, and requests that race each other on the same thread or attachment.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from tornado.httpclient import HTTPClientError, HTTPResponse

from .chatkit_helpers import parse_sse, user_input
from .test_handlers import body, jp_server_config, post

__all__ = ["jp_server_config"]


async def _answer(call: Any) -> HTTPResponse:
    try:
        return await call
    except HTTPClientError as err:
        assert err.response is not None
        return err.response


async def test_no_answer_of_the_extension_may_be_stored_by_a_cache(
    jp_fetch: Callable[..., Any],
) -> None:
    """A shared machine's browser cache (or a proxy) kept attachments for an hour
    (``private, max-age=3600``) and health, config and models with no header at all."""
    streamed = await post(jp_fetch, body("threads.create", input=user_input("hello")))
    thread_id = parse_sse(streamed.body)[0].thread.id  # type: ignore[union-attr]
    created = json.loads(
        (
            await post(
                jp_fetch, body("attachments.create", name="a.png", size=3, mime_type="image/png")
            )
        ).body
    )
    await jp_fetch("jupyter-chatkit", "attachments", created["id"], method="PUT", body=b"png")
    answers = {
        "stream": streamed,
        "thread": await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id)),
        "attachment": await jp_fetch("jupyter-chatkit", "attachments", created["id"]),
        "missing attachment": await _answer(jp_fetch("jupyter-chatkit", "attachments", "atc_x")),
        "bad request": await _answer(post(jp_fetch, "{nope")),
        "health": await jp_fetch("jupyter-chatkit", "health"),
        "config": await jp_fetch("jupyter-chatkit", "config"),
        "models": await jp_fetch("jupyter-chatkit", "models"),
    }
    for name, answer in answers.items():
        cache = answer.headers.get("Cache-Control", "")
        assert "no-store" in cache and "max-age" not in cache, (name, cache)
        # Held before (Jupyter's APIHandler): nothing the extension answers, opened as
        # a page, may load or run anything.
        policy = answer.headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in policy, (name, policy)
        assert answer.headers.get("X-Content-Type-Options") == "nosniff" or name != "attachment"


async def test_concurrent_deletes_of_one_thread_and_one_attachment_never_fail(
    jp_fetch: Callable[..., Any],
) -> None:
    streamed = await post(jp_fetch, body("threads.create", input=user_input("hello")))
    thread_id = parse_sse(streamed.body)[0].thread.id  # type: ignore[union-attr]
    created = json.loads(
        (
            await post(
                jp_fetch, body("attachments.create", name="a.txt", size=1, mime_type="text/plain")
            )
        ).body
    )
    deletes = [post(jp_fetch, body("threads.delete", thread_id=thread_id)) for _ in range(4)]
    deletes += [
        post(jp_fetch, body("attachments.delete", attachment_id=created["id"])) for _ in range(4)
    ]
    answers = await asyncio.gather(*(_answer(d) for d in deletes))
    codes = [a.code for a in answers]
    assert set(codes) <= {200, 404}, codes
    assert 200 in codes[:4] and 200 in codes[4:], codes
    for answer in answers:
        assert "Traceback" not in answer.body.decode()
    gone = await _answer(post(jp_fetch, body("threads.get_by_id", thread_id=thread_id)))
    assert gone.code == 404
    listed = json.loads((await post(jp_fetch, body("threads.list"))).body)
    assert listed["data"] == []


FORGED = "\r\n[E 2026-01-01 00:00:00 ServerApp] forged line"


async def test_cr_lf_in_what_a_client_sends_never_starts_a_log_line(
    jp_fetch: Callable[..., Any], caplog: Any
) -> None:
    """Ids, titles, names, types and a model name with CR/LF, on every route that takes
    them: no record's text holds a line break followed by the forged line."""
    import logging

    caplog.set_level(logging.DEBUG)
    requests = [
        body("threads.get_by_id", thread_id="thr_x" + FORGED),
        body("threads.delete", thread_id="thr_x" + FORGED),
        body("threads.update", thread_id="thr_x" + FORGED, title="t" + FORGED),
        body("threads.nope" + FORGED),
        body("attachments.create", name="a" + FORGED, size=1, mime_type="text/plain" + FORGED),
        body("attachments.delete", attachment_id="atc_x" + FORGED),
        body(
            "threads.create",
            input={**user_input("hi"), "inference_options": {"model": "m" + FORGED}},
        ),
        body("threads.add_user_message", thread_id="thr_x" + FORGED, input=user_input("hi")),
    ]
    for payload in requests:
        await _answer(post(jp_fetch, payload))
    await _answer(jp_fetch("jupyter-chatkit", "attachments", "atc_x%0D%0Aforged"))
    logged = [r.getMessage() for r in caplog.records]
    assert any("jupyter-chatkit" in line for line in logged)  # the requests were logged
    for line in logged:
        assert "forged line" not in line, line
