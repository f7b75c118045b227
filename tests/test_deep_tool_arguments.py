"""A model's tool call with arguments nested too deep is answered as unreadable, and the
turn goes on.

openai-agents reads each call's arguments itself before any tool of ours runs (to drop
duplicate calls): ``json.loads`` and then a recursive walk, which fails the whole run
with a RecursionError a few hundred levels down.
"""

from __future__ import annotations

import json

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import ErrorEvent

from jupyter_chatkit import parse_json
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import make_assistant, req, stream, user_input
from .test_assistant import answer_text

CODE = {"code": "x = 1", "title": "t", "explanation": "e"}


def nested(depth: int) -> str:
    """``propose_code``'s arguments with an extra key nested ``depth`` levels deep."""
    return json.dumps(CODE)[:-1] + ', "extra": ' + "[" * depth + "1" + "]" * depth + "}"


@pytest.mark.asyncio
@pytest.mark.parametrize("depth", [parse_json.SHALLOW + 1, 600, 5_000])
async def test_deep_tool_arguments_are_answered_as_unreadable(
    sqlite_store: SQLStore, depth: int
) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("propose_code", nested(depth), call_id="c1")]),
            ModelStep(output=[assistant_message("Sorry, once more.", item_id="m2")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, req("threads.create", input=user_input("plot df")))
    assert not [e for e in events if isinstance(e, ErrorEvent)]
    assert answer_text(events) == "Sorry, once more."
    # The model's next call was told its arguments could not be read.
    second = model.calls[1].input
    outputs = [i["output"] for i in second if i.get("type") == "function_call_output"]
    assert len(outputs) == 1 and "not valid JSON" in str(outputs[0])


@pytest.mark.asyncio
async def test_arguments_as_deep_as_allowed_reach_the_tool(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(
                output=[function_call("propose_code", nested(parse_json.SHALLOW - 1), call_id="c1")]
            ),
            ModelStep(output=[assistant_message("Here it is.", item_id="m2")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, req("threads.create", input=user_input("plot df")))
    assert answer_text(events) == "Here it is."
    second = model.calls[1].input
    outputs = [i["output"] for i in second if i.get("type") == "function_call_output"]
    assert len(outputs) == 1 and "not valid JSON" not in str(outputs[0])
