"""The server extension through a real Jupyter server (pytest-jupyter), auth on."""

from __future__ import annotations

import json
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import AssistantMessageItem, ClientToolCallItem, ThreadItemDoneEvent
from tornado.httpclient import HTTPClientError, HTTPResponse
from traitlets.config import Config

from jupyter_chatkit.protocol import ErrorCode

from .chatkit_helpers import parse_sse, types_of, user_input
from .fixtures.endpoint import body

ENDPOINT = ("jupyter-chatkit", "chatkit")


def server_config(tmp_path: Path, **chatkit: Any) -> Config:
    return Config(
        {
            "ServerApp": {
                "jpserver_extensions": {"jupyter_chatkit": True},
                "allow_unauthenticated_access": False,
            },
            "JupyterChatKit": {
                "store_url": f"sqlite:///{tmp_path / 'chat.sqlite3'}",
                "api_key": "",
                "base_url": "",
                **chatkit,
            },
        }
    )


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return server_config(tmp_path)


async def post(jp_fetch: Callable[..., Any], payload: str, **kwargs: Any) -> HTTPResponse:
    return await jp_fetch(*ENDPOINT, method="POST", body=payload, **kwargs)


async def expect_error(call: Any) -> HTTPClientError:
    with pytest.raises(HTTPClientError) as info:
        await call
    return info.value


def answer_of(events: list[Any]) -> str:
    return "".join(
        part.text
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, AssistantMessageItem)
        for part in e.item.content
    )


async def test_health_and_config_need_auth_and_hide_secrets(
    jp_fetch: Callable[..., Any],
) -> None:
    for path in ("health", "config"):
        err = await expect_error(jp_fetch("jupyter-chatkit", path, headers={"Authorization": ""}))
        assert err.code == 403
    health = json.loads((await jp_fetch("jupyter-chatkit", "health")).body)
    assert health["status"] == "ok"
    config = json.loads((await jp_fetch("jupyter-chatkit", "config")).body)
    assert config["model"] == "offline" and config["provider"] == "offline"
    assert "list_kernel_variables" in config["client_tools"]


async def test_config_never_contains_the_key(
    jp_serverapp: Any, jp_fetch: Callable[..., Any]
) -> None:
    # Reconfigure this server's holder with a key and a base URL, as a site would.
    from jupyter_chatkit.settings import Settings

    holder = jp_serverapp.web_app.settings["jupyter_chatkit"]["holder"]
    holder.settings = Settings(
        api_key="sk-test-very-secret", base_url="http://user:pw@127.0.0.1:9/v1", model="m1"
    )
    raw = (await jp_fetch("jupyter-chatkit", "config")).body.decode()
    assert "sk-test-very-secret" not in raw and "pw@" not in raw
    assert json.loads(raw)["provider"] == "openai-compatible"


async def test_post_requires_auth(jp_fetch: Callable[..., Any]) -> None:
    err = await expect_error(post(jp_fetch, body("threads.list"), headers={"Authorization": ""}))
    assert err.code == 403


async def test_threads_create_streams_offline_answer_incrementally(
    jp_fetch: Callable[..., Any],
) -> None:
    arrivals: list[bytes] = []
    response = await post(
        jp_fetch,
        body("threads.create", input=user_input("hello, who are you?")),
        streaming_callback=arrivals.append,
    )
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    raw = b"".join(arrivals)
    events = parse_sse(raw)
    assert types_of(events)[0] == "thread.created"
    answer = answer_of(events)
    assert "OPENAI_API_KEY" in answer  # the offline model says how to configure one
    # Flushed per event: the body arrived in many pieces, not one buffer.
    assert len(arrivals) >= 5

    thread_id = events[0].thread.id  # type: ignore[union-attr]
    listed = json.loads((await post(jp_fetch, body("threads.list", limit=10))).body)
    assert [t["id"] for t in listed["data"]] == [thread_id]
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    assert [i["type"] for i in thread["items"]["data"]][:2] == ["user_message", "assistant_message"]


async def test_client_tool_round_trip_over_http(jp_fetch: Callable[..., Any]) -> None:
    response = await post(
        jp_fetch, body("threads.create", input=user_input("What variables do I have?"))
    )
    events = parse_sse(response.body)
    calls = [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, ClientToolCallItem)
    ]
    assert calls and calls[0].name == "list_kernel_variables"
    thread_id = events[0].thread.id  # type: ignore[union-attr]
    result = {
        "variables": [
            {
                "name": "sales",
                "type": "pandas.DataFrame",
                "shape": [1200, 4],
                "columns": {"region": "object", "amount": "float64"},
            }
        ]
    }
    response = await post(
        jp_fetch, body("threads.add_client_tool_output", thread_id=thread_id, result=result)
    )
    answer = answer_of(parse_sse(response.body))
    assert "sales" in answer


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ("{nope", "not valid JSON"),
        ('{"type": "threads.create", "params": ' + "[" * 5_000 + "]" * 5_000 + "}", "too deep"),
        ('{"type": "threads.nope", "params": {}}', "Unknown request type"),
        ('{"type": "threads.create", "params": {"input": 5}}', "input"),
    ],
)
async def test_bad_requests_are_400_json(
    jp_fetch: Callable[..., Any], payload: str, needle: str
) -> None:
    err = await expect_error(post(jp_fetch, payload))
    assert err.code == 400
    assert err.response is not None
    message = json.loads(err.response.body)["message"]
    assert needle in message and "Traceback" not in message


async def test_unknown_thread_404_and_stream_error(jp_fetch: Callable[..., Any]) -> None:
    err = await expect_error(post(jp_fetch, body("threads.get_by_id", thread_id="thr_x")))
    assert err.code == 404 and err.response is not None
    assert json.loads(err.response.body)["message"]
    response = await post(
        jp_fetch, body("threads.add_user_message", thread_id="thr_x", input=user_input("hi"))
    )
    events = parse_sse(response.body)
    assert types_of(events) == ["error"]


async def test_hostile_limits_and_nul_are_answered_not_500(
    jp_fetch: Callable[..., Any],
) -> None:
    # Issue 14: limit 2**63 was a 500 (OverflowError); NUL was a 500 on PostgreSQL.
    for limit in (2**63, 10**30):
        page = json.loads((await post(jp_fetch, body("threads.list", limit=limit))).body)
        assert page["has_more"] is False and page.get("after") is None
    err = await expect_error(post(jp_fetch, body("threads.list", limit=-1)))
    assert err.code == 400
    for payload in (
        body("threads.get_by_id", thread_id="thr_\x00"),
        body("threads.list", after="thr_\x00"),
        body("attachments.create", name="a\x00b.txt", size=1, mime_type="text/plain"),
    ):
        err = await expect_error(post(jp_fetch, payload))
        assert err.code == 400 and err.response is not None
        assert "NUL" in json.loads(err.response.body)["message"]


async def test_oversized_request_is_413(jp_fetch: Callable[..., Any]) -> None:
    huge = body("threads.create", input=user_input("x" * 3_000_000))
    err = await expect_error(post(jp_fetch, huge))
    assert err.code == 413 and err.response is not None
    error = json.loads(err.response.body)
    assert error["code"] == ErrorCode.INVALID_REQUEST
    # The limit (max_request_bytes, 2 MB by default) and the way around it: a file.
    assert "2 MB" in error["message"] and "file" in error["message"]


def _cookies(response: HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("Set-Cookie"):
        jar.load(header)
    return {k: v.value for k, v in jar.items()}


async def browser_login(jp_fetch: Callable[..., Any], jp_serverapp: Any) -> dict[str, str]:
    """Log in like a browser: the token in the URL once, then only cookies (these)."""
    login = await jp_fetch(
        "jupyter-chatkit",
        "health",
        params={"token": jp_serverapp.identity_provider.token},
        headers={"Authorization": ""},
    )
    cookies = _cookies(login)
    cookies.update(_cookies(await jp_fetch("login", headers={"Authorization": ""})))
    return cookies


async def test_browser_post_needs_xsrf(jp_fetch: Callable[..., Any], jp_serverapp: Any) -> None:
    cookies = await browser_login(jp_fetch, jp_serverapp)
    assert "_xsrf" in cookies
    cookie_header = "; ".join(f"{k}={v}" for k, v in cookies.items())

    err = await expect_error(
        post(jp_fetch, body("threads.list"), headers={"Authorization": "", "Cookie": cookie_header})
    )
    assert err.code == 403
    ok = await post(
        jp_fetch,
        body("threads.list"),
        headers={
            "Authorization": "",
            "Cookie": cookie_header,
            "X-XSRFToken": cookies["_xsrf"],
        },
    )
    assert ok.code == 200 and "data" in json.loads(ok.body)
