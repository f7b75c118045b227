"""Agent mode on the server: the per-thread switch, steps as thread items, Skip, Stop and
the step limit. A ScriptedModel stands in for the LLM; store and server are real."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import ClientToolCallItem, ThreadItemDoneEvent

from jupyter_chatkit.protocol import AGENT_TOOL_NAMES
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, BOB, json_call, make_assistant, req, stream, user_input

AGENT = {"agent": {"mode": "agent", "auto_run": False}}


def create(text: str, metadata: dict[str, Any] | None = None) -> bytes:
    body: dict[str, Any] = {"type": "threads.create", "params": {"input": user_input(text)}}
    if metadata is not None:
        body["metadata"] = metadata
    return json.dumps(body).encode()


def add_message(thread_id: str, text: str, metadata: dict[str, Any] | None = None) -> bytes:
    body: dict[str, Any] = {
        "type": "threads.add_user_message",
        "params": {"thread_id": thread_id, "input": user_input(text)},
    }
    if metadata is not None:
        body["metadata"] = metadata
    return json.dumps(body).encode()


def tool_names(call: Any) -> set[str]:
    return {tool.name for tool in call.tools}


def pending_call(events: list[Any]) -> ClientToolCallItem | None:
    calls = [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, ClientToolCallItem)
    ]
    return calls[-1] if calls and calls[-1].status == "pending" else None


def outputs_seen(call: Any) -> list[dict[str, Any]]:
    """The tool outputs a model call received, parsed."""
    return [
        json.loads(i["output"])
        for i in call.input
        if isinstance(i, dict) and i.get("type") == "function_call_output"
    ]


async def answer(assistant: Any, thread_id: str, result: dict[str, Any]) -> list[Any]:
    return await stream(
        assistant, req("threads.add_client_tool_output", thread_id=thread_id, result=result)
    )


@pytest.mark.asyncio
async def test_ask_mode_has_no_notebook_changing_tools(sqlite_store: SQLStore) -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("hi", item_id="m1")])])
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("fix my notebook"))
    assert not tool_names(model.calls[0]) & AGENT_TOOL_NAMES
    thread_id = events[0].thread.id
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and thread["metadata"] == {"agent": {"mode": "ask", "auto_run": False}}


@pytest.mark.asyncio
async def test_multi_step_fix_with_skip_keeps_every_step(sqlite_store: SQLStore) -> None:
    """run -> error -> (skipped edit) -> edit -> run -> done; every step is a stored item."""
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c1")]),
            ModelStep(
                output=[function_call("edit_cell", {"index": 0, "new_source": "x=1"}, call_id="c2")]
            ),
            ModelStep(
                output=[
                    function_call("edit_cell", {"index": 0, "new_source": "x = 1"}, call_id="c3")
                ]
            ),
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c4")]),
            ModelStep(output=[assistant_message("Fixed cell 1.", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("fix cell 1", AGENT))
    thread_id = events[0].thread.id
    assert {"insert_cell", "edit_cell", "run_cell"} <= tool_names(model.calls[0])
    call = pending_call(events)
    assert call is not None and call.name == "run_cell" and call.arguments == {"index": 0}

    error = {"status": "error", "cell": {"index": 0, "outputs": [{"text": "NameError: y"}]}}
    events = await answer(assistant, thread_id, error)
    assert pending_call(events).name == "edit_cell"  # type: ignore[union-attr]
    assert outputs_seen(model.calls[1])[-1]["status"] == "error"

    events = await answer(assistant, thread_id, {"status": "skipped"})
    # The model is told the step was skipped, and goes on from there.
    assert outputs_seen(model.calls[2])[-1]["status"] == "skipped"
    events = await answer(assistant, thread_id, {"status": "applied", "index": 0})
    events = await answer(assistant, thread_id, {"status": "ok", "cell": {"index": 0}})
    assert any(
        isinstance(e, ThreadItemDoneEvent) and e.item.type == "assistant_message" for e in events
    )

    stored = await sqlite_store.load_thread_items(thread_id, None, 50, "asc", ALICE)
    steps = [i for i in stored.data if isinstance(i, ClientToolCallItem)]
    assert [(s.name, s.status, s.output["status"]) for s in steps] == [
        ("run_cell", "completed", "error"),
        ("edit_cell", "completed", "skipped"),
        ("edit_cell", "completed", "applied"),
        ("run_cell", "completed", "ok"),
    ]
    assert steps[2].arguments == {"index": 0, "new_source": "x = 1"}
    # The thread remembers Agent mode; another user cannot read it.
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert thread["metadata"]["agent"]["mode"] == "agent"
    status, _ = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id), BOB)
    assert status == 404


@pytest.mark.asyncio
async def test_mode_is_kept_per_thread_and_switched_by_a_message(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(f"a{i}", item_id=f"m{i}")]) for i in range(3)]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("one", AGENT))
    thread_id = events[0].thread.id
    await stream(assistant, add_message(thread_id, "two"))
    assert "run_cell" in tool_names(model.calls[1])
    ask = {"agent": {"mode": "ask"}}
    await stream(assistant, add_message(thread_id, "three", ask))
    assert "run_cell" not in tool_names(model.calls[2])
    # Junk in the request metadata changes nothing.
    bad = {"agent": {"mode": "root", "auto_run": "yes"}}
    model.enqueue(ModelStep(output=[assistant_message("a3", item_id="m3")]))
    await stream(assistant, add_message(thread_id, "four", bad))
    assert "run_cell" not in tool_names(model.calls[3])


@pytest.mark.asyncio
async def test_step_limit_ends_the_turn_without_notebook_tools(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("insert_cell", {"source": "a=1"}, call_id="c1")]),
            ModelStep(output=[function_call("run_cell", {"index": 1}, call_id="c2")]),
            ModelStep(output=[assistant_message("Two steps done; more is left.", item_id="m")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model, agent_max_steps=2)
    events = await stream(assistant, create("do many things", AGENT))
    thread_id = events[0].thread.id
    await answer(assistant, thread_id, {"status": "applied", "index": 1})
    events = await answer(assistant, thread_id, {"status": "ok"})
    assert pending_call(events) is None
    last = model.calls[2]
    assert not tool_names(last) & AGENT_TOOL_NAMES
    # The run stopped there: no step was asked of the front end after the limit.
    assert len(model.calls) == 3
    # A new message starts a new turn with its own steps.
    model.enqueue(ModelStep(output=[function_call("run_cell", {"index": 1}, call_id="c3")]))
    await stream(assistant, add_message(thread_id, "go on"))
    assert "run_cell" in tool_names(model.calls[3])


def user_texts(call: Any) -> list[str]:
    """The user messages' texts a model call received."""
    return [
        part.get("text", "")
        for i in call.input
        if isinstance(i, dict) and i.get("role") == "user" and isinstance(i.get("content"), list)
        for part in i["content"]
        if isinstance(part, dict)
    ]


@pytest.mark.asyncio
async def test_step_limit_holds_when_big_outputs_trim_the_history(sqlite_store: SQLStore) -> None:
    """Ten runs with 15k-character outputs are far over the history budget: the model
    still gets the request, and the step limit is still reached after ten steps."""
    limit = 10
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id=f"c{i}")])
            for i in range(limit)
        ]
        + [ModelStep(output=[assistant_message("Ten runs done; more is left.", item_id="m")])]
    )
    assistant = make_assistant(sqlite_store, model, agent_max_steps=limit)
    events = await stream(assistant, create("run cell 1 until it passes", AGENT))
    thread_id = events[0].thread.id
    big = {"status": "ok", "cell": {"index": 0, "outputs": [{"text": "x" * 15_000}]}}
    for _ in range(limit):
        events = await answer(assistant, thread_id, big)
    assert pending_call(events) is None
    assert len(model.calls) == limit + 1
    last = model.calls[limit]
    assert not tool_names(last) & AGENT_TOOL_NAMES
    for call in model.calls:
        assert any("run cell 1 until it passes" in text for text in user_texts(call))
    # Every step is still known to the model (the older outputs shortened, not dropped).
    calls = [i for i in last.input if isinstance(i, dict) and i.get("type") == "function_call"]
    assert len(calls) == limit
    assert outputs_seen(last)[-1]["cell"]["outputs"][0]["text"].startswith("x")


@pytest.mark.asyncio
async def test_two_steps_in_one_response_run_one_at_a_time(sqlite_store: SQLStore) -> None:
    """A backend that ignores parallel_tool_calls=False sends two steps at once: the first
    goes to the front end, the second is told it did not run (none vanishes silently)."""
    model = ScriptedModel(
        [
            ModelStep(
                output=[
                    function_call("run_cell", {"index": 0}, call_id="c1"),
                    function_call("insert_cell", {"source": "b=2"}, call_id="c2"),
                ]
            ),
            ModelStep(output=[assistant_message("Ran cell 1.", item_id="m")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run cell 1, then add b", AGENT))
    call = pending_call(events)
    assert call is not None and (call.name, call.arguments) == ("run_cell", {"index": 0})
    events = await answer(assistant, events[0].thread.id, {"status": "ok"})
    assert outputs_seen(model.calls[1])[-1]["status"] == "ok"


@pytest.mark.asyncio
async def test_stop_during_a_step_ends_the_turn_without_a_model_call(
    sqlite_store: SQLStore,
) -> None:
    model = ScriptedModel(
        [ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c1")])]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run it", AGENT))
    thread_id = events[0].thread.id
    events = await answer(assistant, thread_id, {"status": "stopped", "interrupted": True})
    assert len(model.calls) == 1
    assert not [e for e in events if e.type == "error"]
    stored = await sqlite_store.load_thread_items(thread_id, None, 50, "asc", ALICE)
    steps = [i for i in stored.data if isinstance(i, ClientToolCallItem)]
    assert steps[-1].status == "completed" and steps[-1].output["status"] == "stopped"


def test_agent_settings_reach_the_browser_without_secrets() -> None:
    settings = Settings(agent_max_steps=4, agent_auto_approve=True, api_key="sk-test-secret")
    public = settings.public()
    assert public["agent"] == {"max_steps": 4, "auto_approve": True}
    assert "sk-test-secret" not in json.dumps(public)
    assert Settings().public()["agent"] == {"max_steps": 10, "auto_approve": False}
