"""A page says when it begins an Agent step (Turn.STEP_STARTED): the thread keeps it, so
a page reloaded before it sent the step's result knows the step ran, and a second page
(another tab) does not run it again without a click. ScriptedModel stands in for the
LLM; store and server are real."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call

from jupyter_chatkit.assistant.server import JsonResult
from jupyter_chatkit.protocol import STEP_STARTED_KEY, Turn
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, BOB, json_call, make_assistant, req, stream
from .test_agent_mode import AGENT, answer, create, outputs_seen, pending_call


def started(thread_id: str, item_id: str, page: str, **more: Any) -> bytes:
    return req(Turn.STEP_STARTED, thread_id=thread_id, item_id=item_id, page=page, **more)


async def opened(assistant: Any, thread_id: str) -> dict[str, Any]:
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200
    return thread["metadata"]


@pytest.mark.asyncio
async def test_a_begun_step_is_kept_once_per_thread_and_not_begun_twice(
    sqlite_store: SQLStore,
) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c1")]),
            ModelStep(output=[function_call("run_cell", {"index": 1}, call_id="c2")]),
            ModelStep(output=[assistant_message("Done.", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run both", AGENT))
    thread_id = events[0].thread.id
    step = pending_call(events)
    assert step is not None
    # Opened before any page began it: nothing says it ran.
    assert STEP_STARTED_KEY not in await opened(assistant, thread_id)

    assert await json_call(assistant, started(thread_id, step.id, "pageA")) == (
        200,
        {"started": True},
    )
    # The same page again (a retried request): the same answer, nothing changes.
    assert (await json_call(assistant, started(thread_id, step.id, "pageA")))[1]["started"]
    # A page reloaded (or another tab) opening the thread finds the step begun.
    assert (await opened(assistant, thread_id))[STEP_STARTED_KEY] == step.id
    # Another tab approving the same step is refused; only a click to run it again is not.
    status, body = await json_call(assistant, started(thread_id, step.id, "pageB"))
    assert (status, body["started"], body["reason"]) == (200, False, "elsewhere")
    status, body = await json_call(assistant, started(thread_id, step.id, "pageB", again=True))
    assert (status, body["started"]) == (200, True)
    # Someone else's conversation is none of theirs.
    status, _ = await json_call(assistant, started(thread_id, step.id, "pageA"), BOB)
    assert status == 404

    # The result came: the step waits no more.
    events = await answer(assistant, thread_id, {"status": "unknown", "note": "lost"})
    assert outputs_seen(model.calls[1])[-1]["status"] == "unknown"
    status, body = await json_call(assistant, started(thread_id, step.id, "pageA"))
    assert (status, body["started"], body["reason"]) == (200, False, "answered")
    # The next step is not the one begun: the thread keeps one entry, the newest step's.
    following = pending_call(events)
    assert following is not None and following.id != step.id
    assert (await opened(assistant, thread_id))[STEP_STARTED_KEY] == step.id
    assert (await json_call(assistant, started(thread_id, following.id, "pageA")))[1]["started"]
    assert (await opened(assistant, thread_id))[STEP_STARTED_KEY] == following.id


@pytest.mark.asyncio
async def test_a_page_waiting_on_turn_changes_hears_a_step_begun_elsewhere(
    sqlite_store: SQLStore,
) -> None:
    """Another page showing the thread (``Turn.CHANGES``) is woken when a page begins its
    pending step, and told which step was begun: its card says so without a click."""
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c1")]),
            ModelStep(output=[assistant_message("Done.", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run it", AGENT))
    thread_id = events[0].thread.id
    step = pending_call(events)
    assert step is not None
    _, now = await json_call(assistant, req(Turn.CHANGES, thread_ids=[thread_id], now=True))
    assert now["changed"][0]["step_started"] is None
    waiting = asyncio.ensure_future(
        assistant.handle(req(Turn.CHANGES, thread_ids=[thread_id], since=now["since"]), ALICE)
    )
    await asyncio.sleep(0)
    assert not waiting.done()
    assert (await json_call(assistant, started(thread_id, step.id, "pageA")))[1]["started"]
    heard = await asyncio.wait_for(waiting, 10)
    assert isinstance(heard, JsonResult) and heard.status == 200
    assert json.loads(heard.body)["changed"] == [
        {
            "thread_id": thread_id,
            "answering": False,
            "last_item_id": step.id,
            "step_started": step.id,
        }
    ]


@pytest.mark.asyncio
async def test_bad_step_started_requests_get_a_clear_error(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [ModelStep(output=[function_call("get_notebook_cells", {}, call_id="c1")])]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("look", AGENT))
    thread_id = events[0].thread.id
    read = pending_call(events)
    assert read is not None
    for body in (
        req(Turn.STEP_STARTED, thread_id=thread_id, page="p"),
        req(Turn.STEP_STARTED, thread_id=thread_id, item_id=read.id),
        started(thread_id, read.id, "not a page id!"),
        started(thread_id, read.id, "p" * 65),
        started(thread_id, read.id, "p", again="yes"),
        started(thread_id, "x" * 201, "p"),
        req(Turn.STEP_STARTED),
        # A read tool is no step: nothing to keep.
        started(thread_id, read.id, "p"),
    ):
        status, error = await json_call(assistant, body)
        assert status == 400 and error["code"] == "invalid_request", body
    status, error = await json_call(assistant, started("thr_none", read.id, "p"))
    assert status == 404
    assert STEP_STARTED_KEY not in await opened(assistant, thread_id)


@pytest.mark.asyncio
async def test_a_step_stopped_as_it_arrived_still_waits_and_can_be_begun(
    sqlite_store: SQLStore,
) -> None:
    """Stop pressed as the step arrives: ChatKit notes the Stop with a hidden item after
    the step, which the page does not show. The step still waits for its result."""
    step_call = function_call("run_cell", {"index": 0}, call_id="c1")
    done = assistant_message("Ran it.", item_id="m1")
    model = ScriptedModel([ModelStep(output=[step_call]), ModelStep(output=[done])])
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run it", AGENT))
    thread_id = events[0].thread.id
    step = pending_call(events)
    assert step is not None
    # What Stop does once the stream is cancelled (ChatKit's hook, as the server runs it).
    thread = await sqlite_store.load_thread(thread_id, ALICE)
    await assistant.handle_stream_cancelled(thread, [], ALICE)
    newest = await sqlite_store.load_thread_items(thread_id, None, 1, "desc", ALICE)
    assert newest.data[0].type == "sdk_hidden_context"

    assert await json_call(assistant, started(thread_id, step.id, "pageA")) == (
        200,
        {"started": True},
    )
    assert (await opened(assistant, thread_id))[STEP_STARTED_KEY] == step.id
    # Its result is stored (ChatKit refused it: the Stop note was the newest item) and
    # the answer goes on.
    events = await answer(assistant, thread_id, {"status": "ok"})
    assert [e.type for e in events if e.type == "error"] == []
    assert outputs_seen(model.calls[1])[-1]["status"] == "ok"
    stored = await sqlite_store.load_item(thread_id, step.id, ALICE)
    assert stored.type == "client_tool_call" and stored.status == "completed"
