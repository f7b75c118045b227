"""Regenerate and an edited message carry the Ask/Agent switch as it is now, like a new
message (request metadata of threads.retry_after_item and of the message.edit action).
A ScriptedModel stands in for the LLM; store and server are real."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message

from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, make_assistant, stream, user_input

AGENT = {"agent": {"mode": "agent", "auto_run": False}}
ASK = {"agent": {"mode": "ask"}}


def body(type_: str, metadata: dict[str, Any] | None = None, **params: Any) -> bytes:
    request: dict[str, Any] = {"type": type_, "params": params}
    if metadata is not None:
        request["metadata"] = metadata
    return json.dumps(request).encode()


def tool_names(call: Any) -> set[str]:
    return {tool.name for tool in call.tools}


@pytest.mark.asyncio
async def test_regenerate_and_edit_take_the_switch_sent_with_them(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(f"a{i}", item_id=f"m{i}")]) for i in range(4)]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, body("threads.create", input=user_input("one")))
    thread_id = events[0].thread.id
    assert "run_cell" not in tool_names(model.calls[0])
    items = (await sqlite_store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data
    message_id = items[0].id

    # Regenerate after switching to Agent: answered in Agent mode.
    await stream(
        assistant, body("threads.retry_after_item", AGENT, thread_id=thread_id, item_id=message_id)
    )
    assert "run_cell" in tool_names(model.calls[1])

    # An edited message after switching back to Ask: answered in Ask mode.
    action = {"type": "message.edit", "payload": {"item_id": message_id, "text": "two"}}
    await stream(
        assistant,
        body("threads.custom_action", ASK, thread_id=thread_id, item_id=None, action=action),
    )
    assert "run_cell" not in tool_names(model.calls[2])

    # Regenerate without metadata keeps the thread's recorded mode (Ask here).
    items = (await sqlite_store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data
    await stream(
        assistant, body("threads.retry_after_item", thread_id=thread_id, item_id=items[0].id)
    )
    assert "run_cell" not in tool_names(model.calls[3])
