"""Agent mode's steps on a cell the person kept out (tag chatkit-private): the front end
names those cells in every request's metadata (``front_end.kept_out_cells``), and an
``edit_cell`` or ``run_cell`` on one is refused before it becomes a card; the model reads
why. A ScriptedModel stands in for the LLM; store and server are real."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import ClientToolCallItem, ThreadItemDoneEvent

from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import make_assistant, stream, user_input


def _body(type_: str, params: dict[str, Any], kept_out: list[int]) -> bytes:
    metadata: dict[str, Any] = {"front_end": {"kept_out_cells": kept_out}}
    if type_ == "threads.create":
        metadata["agent"] = {"mode": "agent", "auto_run": False}
    return json.dumps({"type": type_, "params": params, "metadata": metadata}).encode()


def _cards(events: list[Any]) -> list[ClientToolCallItem]:
    return [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, ClientToolCallItem)
    ]


def _last_output(call: Any) -> str:
    outputs = [
        str(i["output"])
        for i in call.input
        if isinstance(i, dict) and i.get("type") == "function_call_output"
    ]
    return outputs[-1]


@pytest.mark.asyncio
async def test_steps_on_kept_out_cells_are_refused_before_a_card(sqlite_store: SQLStore) -> None:
    """edit_cell on kept-out cell 1: no card, the model reads why; run_cell on open cell 0
    is a card; once the front end says cell 0 is kept out (the tool output's request),
    run_cell on it is refused too."""
    model = ScriptedModel(
        [
            ModelStep(
                output=[function_call("edit_cell", {"index": 1, "new_source": "x"}, call_id="c1")]
            ),
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c2")]),
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c3")]),
            ModelStep(output=[assistant_message("Done.", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    params = {"input": user_input("change cell 2")}
    events = await stream(assistant, _body("threads.create", params, [1]))
    thread_id = events[0].thread.id
    cards = _cards(events)
    assert [(c.name, c.arguments) for c in cards] == [("run_cell", {"index": 0})], cards
    refused = _last_output(model.calls[1])
    assert "kept out" in refused and "index 1" in refused, refused

    result = {"status": "ok", "cell": {"index": 0}}
    output = {"thread_id": thread_id, "result": result}
    events = await stream(assistant, _body("threads.add_client_tool_output", output, [0, 1]))
    assert _cards(events) == [], _cards(events)
    assert "kept out" in _last_output(model.calls[3])
    assert any(
        isinstance(e, ThreadItemDoneEvent) and e.item.type == "assistant_message" for e in events
    )
