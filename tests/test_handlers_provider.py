"""The provider path over HTTP: a real Jupyter server talking to a local fake LLM."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from chatkit.types import ClientToolCallItem, ErrorEvent, ThreadItemDoneEvent
from traitlets.config import Config

from jupyter_chatkit.assistant.partial import CUT_OFF_NOTE, STOPPED_NOTE
from jupyter_chatkit.protocol import EARLIER_FAILURES_KEY, TURN_FAILURE_KEY, Turn

from .chatkit_helpers import parse_sse, types_of, user_input
from .fixtures.fake_llm import (
    FakeLLM,
    Reply,
    ToolCall,
    cut_stream,
    http_error,
    server_error,
    stopped_stream,
)
from .test_handlers import answer_of, body, post, server_config


@pytest.fixture(params=["chat_completions", "responses"])
def api(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def jp_server_config(tmp_path: Path, fake_llm: FakeLLM, api: str) -> Config:
    return server_config(
        tmp_path,
        base_url=fake_llm.base_url,
        api_key="sk-test-provider-key",
        api=api,
        model="fake-model",
        max_retries=0,
        request_timeout=5.0,
    )


async def test_streamed_answer_from_compatible_server(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM, api: str
) -> None:
    fake_llm.script(Reply("Hello from a compatible server, streamed word by word."))
    response = await post(jp_fetch, body("threads.create", input=user_input("hi")))
    events = parse_sse(response.body)
    assert answer_of(events) == "Hello from a compatible server, streamed word by word."
    deltas = [e for e in events if e.type == "thread.item.updated"]
    # Text deltas that reach the server together are merged (coalesce.py), for both
    # APIs: how many there are then depends on timing.
    assert len(deltas) >= 1
    sent = fake_llm.requests[0]
    assert sent["model"] == "fake-model" and sent.get("stream") is True
    path = "/v1/chat/completions" if api == "chat_completions" else "/v1/responses"
    assert fake_llm.calls[0].path == path
    config = json.loads((await jp_fetch("jupyter-chatkit", "config")).body)
    assert config == {**config, "model": "fake-model", "provider": "openai-compatible", "api": api}
    assert "sk-test" not in json.dumps(config)


async def test_client_tool_call_round_trip(jp_fetch: Callable[..., Any], fake_llm: FakeLLM) -> None:
    fake_llm.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "df"})]),
        Reply("`df` has columns a and b."),
    )
    events = parse_sse(
        (await post(jp_fetch, body("threads.create", input=user_input("describe df")))).body
    )
    calls = [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, ClientToolCallItem)
    ]
    assert calls[0].name == "inspect_kernel_variable" and calls[0].arguments == {"name": "df"}
    thread_id = events[0].thread.id  # type: ignore[union-attr]
    output = {"name": "df", "columns": {"a": "int64", "b": "float64"}, "shape": [3, 2]}
    events = parse_sse(
        (
            await post(
                jp_fetch, body("threads.add_client_tool_output", thread_id=thread_id, result=output)
            )
        ).body
    )
    assert answer_of(events) == "`df` has columns a and b."
    # The second model request carried the tool output back (a third one titles the thread).
    assert "float64" in json.dumps(fake_llm.requests[1])


async def test_tool_arguments_nested_too_deep_are_answered_and_the_turn_goes_on(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    # openai-agents reads a call's arguments itself (json.loads, then a recursive walk)
    # before any tool runs: 5,000 levels failed the whole turn with a RecursionError.
    deep = '{"code": "x = 1", "extra": ' + "[" * 5_000 + "]" * 5_000 + "}"
    fake_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", deep)]),
        Reply("Let me try that again."),
    )
    events = parse_sse(
        (await post(jp_fetch, body("threads.create", input=user_input("plot it")))).body
    )
    assert not [e for e in events if isinstance(e, ErrorEvent)]
    assert answer_of(events) == "Let me try that again."
    # The model was told its arguments could not be read (a third request titles).
    assert "not valid JSON" in json.dumps(fake_llm.requests[1])


async def test_provider_error_is_one_retryable_error_event(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    fake_llm.script(server_error(500))
    events = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("hi")))).body)
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and errors[0].allow_retry
    assert "sk-test" not in (errors[0].message or "")
    thread_id = events[0].thread.id  # type: ignore[union-attr]
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    assert [i["type"] for i in thread["items"]["data"]] == ["user_message"]

    fake_llm.script(Reply("Recovered."))
    user_item = thread["items"]["data"][0]["id"]
    events = parse_sse(
        (
            await post(
                jp_fetch, body("threads.retry_after_item", thread_id=thread_id, item_id=user_item)
            )
        ).body
    )
    assert answer_of(events) == "Recovered."


async def test_stream_cut_midway_keeps_partial_answer(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    fake_llm.script(cut_stream("This answer will be cut off here", after=3))
    events = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("hi")))).body)
    assert types_of(events)[-1] == "error"
    partial = answer_of(events)
    assert partial.endswith(CUT_OFF_NOTE)
    said = partial.removesuffix(CUT_OFF_NOTE).strip()
    assert said and "This answer will be cut off here".startswith(said)
    thread_id = events[0].thread.id  # type: ignore[union-attr]
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    kinds = [i["type"] for i in thread["items"]["data"]]
    assert kinds == ["user_message", "assistant_message"]
    assert thread["items"]["data"][1]["content"][-1]["text"].endswith(CUT_OFF_NOTE)


async def test_stream_that_just_stops_is_cut_not_complete(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    # The body ends cleanly, but with no finish_reason / [DONE] (no response.completed).
    fake_llm.script(stopped_stream("This answer just stops here and never ends", after=3))
    events = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("hi")))).body)
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and errors[0].allow_retry
    assert types_of(events)[-1] == "error"
    partial = answer_of(events)
    assert partial.startswith("This answer just") and partial.endswith(CUT_OFF_NOTE)
    assert "never ends" not in partial
    thread_id = events[0].thread.id  # type: ignore[union-attr]
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    # Not titled as if it had been answered: the title is the one thread.created brought
    # (the message's first words, local titles), unchanged by the cut-off answer.
    assert thread.get("title") == events[0].thread.title == "hi"  # type: ignore[union-attr]
    stored = thread["items"]["data"]
    assert [i["type"] for i in stored] == ["user_message", "assistant_message"]
    assert stored[1]["content"][-1]["text"].endswith(CUT_OFF_NOTE)
    # Retry offered, and it works.
    fake_llm.script(Reply("Complete this time."))
    events = parse_sse(
        (
            await post(
                jp_fetch,
                body("threads.retry_after_item", thread_id=thread_id, item_id=stored[0]["id"]),
            )
        ).body
    )
    assert answer_of(events) == "Complete this time."


async def test_stop_after_the_client_left_cancels_the_upstream_request(
    jp_serverapp: Any,
    jp_base_url: str,
    jp_http_port: int,
    http_server_client: Any,  # starts serving jp_http_port
    fake_llm: FakeLLM,
) -> None:
    fake_llm.token_delay = 0.2
    fake_llm.script(Reply(" ".join(f"word{i}" for i in range(200))))
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}jupyter-chatkit/chatkit"
    headers = {"Authorization": f"token {jp_serverapp.identity_provider.token}"}
    payload = body("threads.create", input=user_input("talk for a long time"))
    async with (
        httpx.AsyncClient(timeout=10) as client,
        client.stream("POST", url, content=payload, headers=headers) as response,
    ):
        seen = b""
        async for chunk in response.aiter_bytes():
            seen += chunk
            if b"text_delta" in seen:
                break
    thread_id = parse_sse(seen.split(b"\n\n")[0] + b"\n\n")[0].thread.id  # type: ignore[union-attr]
    # The client left (a reload): the answer goes on; Stop stops it, and the server
    # cancels the run and closes its request to the model.
    async with httpx.AsyncClient(timeout=10) as client:
        stop = {"type": Turn.STOP, "params": {"thread_id": thread_id}}
        answer = await client.post(url, content=json.dumps(stop), headers=headers)
    assert answer.json() == {"stopped": True}
    call = await fake_llm.wait_for_disconnect(within=10)
    assert call.disconnected
    holder = jp_serverapp.web_app.settings["jupyter_chatkit"]["holder"]
    assistant = await holder.get()
    from jupyter_chatkit.protocol import LOCAL_USER, RequestContext

    for _ in range(50):
        items = await assistant.store.load_thread_items(
            thread_id, None, 20, "asc", RequestContext(user_id=LOCAL_USER)
        )
        if items.data and items.data[-1].type == "sdk_hidden_context":
            break
        await asyncio.sleep(0.1)
    kinds = [i.type for i in items.data]
    assert kinds[0] == "user_message" and kinds[-1] == "sdk_hidden_context"
    # The partial answer was kept, and the thread says it was stopped.
    kept = [i for i in items.data if i.type == "assistant_message"]
    assert kept and kept[0].content[-1].text.endswith(STOPPED_NOTE)  # type: ignore[union-attr]


@pytest.mark.parametrize("api", ["chat_completions"])
async def test_a_failed_turn_is_kept_with_its_thread_until_an_answer(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM, tmp_path: Path
) -> None:
    """Why a turn failed is saved with the thread (a reload, another window, shows it),
    as the streamed ErrorEvent, the configured key scrubbed; the retry's answer drops it."""
    fake_llm.script(http_error(400, "Refused: the key sk-test-provider-key is not allowed."))
    events = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("hi")))).body)
    streamed = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(streamed) == 1
    thread_id = events[0].thread.id  # type: ignore[union-attr]
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    user_item = thread["items"]["data"][-1]["id"]
    kept = thread["metadata"][TURN_FAILURE_KEY]
    assert kept == {"error": streamed[0].model_dump(mode="json"), "after": user_item}
    # The stored form itself holds no secret (not only the scrubbed answer).
    with sqlite3.connect(tmp_path / "chat.sqlite3") as db:
        (payload,) = db.execute("SELECT payload FROM threads WHERE id = ?", (thread_id,)).fetchone()
    assert "sk-test-provider-key" not in payload
    assert json.loads(payload)["metadata"][TURN_FAILURE_KEY]["after"] == user_item

    fake_llm.script(Reply("Recovered."))
    retry = body("threads.retry_after_item", thread_id=thread_id, item_id=user_item)
    assert answer_of(parse_sse((await post(jp_fetch, retry)).body)) == "Recovered."
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    assert TURN_FAILURE_KEY not in thread["metadata"]


@pytest.mark.parametrize("api", ["chat_completions"])
async def test_a_failed_turn_stays_in_the_history_once_a_later_turn_answers(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    """A later message answered: the failed one, now mid-thread, still has its reason
    (scrubbed) in the thread sent with its items; the thread list carries none of it."""
    fake_llm.script(http_error(400, "Refused: the key sk-test-provider-key is not allowed."))
    events = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("hi")))).body)
    (streamed,) = [e for e in events if isinstance(e, ErrorEvent)]
    thread_id = events[0].thread.id  # type: ignore[union-attr]
    fake_llm.script(Reply("Answered."))
    follow_up = body("threads.add_user_message", thread_id=thread_id, input=user_input("again"))
    assert answer_of(parse_sse((await post(jp_fetch, follow_up)).body)) == "Answered."
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    failed = thread["items"]["data"][0]["id"]
    assert TURN_FAILURE_KEY not in thread["metadata"]
    assert thread["metadata"][EARLIER_FAILURES_KEY] == [
        {"error": streamed.model_dump(mode="json"), "after": failed}
    ]
    assert "sk-test-provider-key" not in json.dumps(thread)
    listed = json.loads((await post(jp_fetch, body("threads.list", limit=10))).body)
    assert all(EARLIER_FAILURES_KEY not in t["metadata"] for t in listed["data"])


@pytest.mark.parametrize("api", ["chat_completions"])
async def test_a_failed_turn_keeps_its_reason_when_the_next_turn_fails_too(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    """A turn that fails after a failed one adds no item that moves the first failure to
    the earlier ones: its own failure moves it (before, it replaced it, and another window
    of the thread said only "No answer" under the first message)."""
    fake_llm.script(http_error(400, "Refused."))
    events = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("hi")))).body)
    (first,) = [e for e in events if isinstance(e, ErrorEvent)]
    thread_id = events[0].thread.id  # type: ignore[union-attr]
    fake_llm.script(http_error(400, "Refused again."))
    again = body("threads.add_user_message", thread_id=thread_id, input=user_input("again"))
    (second,) = [
        e for e in parse_sse((await post(jp_fetch, again)).body) if isinstance(e, ErrorEvent)
    ]
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    hi, last = (item["id"] for item in thread["items"]["data"])
    assert thread["metadata"][EARLIER_FAILURES_KEY] == [
        {"error": first.model_dump(mode="json"), "after": hi}
    ]
    assert thread["metadata"][TURN_FAILURE_KEY] == {
        "error": second.model_dump(mode="json"),
        "after": last,
    }
