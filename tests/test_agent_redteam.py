"""Agent mode attacked from the model's side and from the front end's: what each hostile
tool call or tool result turns into, on a real server and store (the LLM is a
ScriptedModel)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import ClientToolCallItem, ThreadItemDoneEvent

from jupyter_chatkit.assistant.request_checks import MAX_TOOL_OUTPUT_CHARS
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, BOB, make_assistant, req, stream
from .test_agent_mode import AGENT, answer, create, pending_call

KEY = "sk-proj-" + "Q7x9Lm2Pv4Rt8Kw1Zy6Hb3Nc5Df0Gs"
AWS = "AKIA" + "IOSFODNN7EXAMPLE"


def seen(model: ScriptedModel) -> str:
    return json.dumps([c.input for c in model.calls], default=str)


def calls(events: list[Any]) -> list[ClientToolCallItem]:
    return [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, ClientToolCallItem)
    ]


@pytest.mark.asyncio
async def test_a_run_cells_secret_outputs_never_reach_the_model(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c1")]),
            ModelStep(output=[assistant_message("done", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run cell 1", AGENT))
    result = {
        "status": "error",
        "cell": {
            "index": 0,
            "source": "print(token)\nraise ValueError(token)",
            "outputs": [
                {"output_type": "stream", "name": "stdout", "text": f"{KEY}\n"},
                {"output_type": "stream", "name": "stderr", "text": f"aws {AWS}\n"},
                {
                    "output_type": "display_data",
                    "data": {"text/markdown": f"**key**: `{KEY}`", "text/html": f"<b>{AWS}</b>"},
                },
                {"output_type": "execute_result", "data": {"text/plain": f"'{KEY}'"}},
                {
                    "output_type": "error",
                    "ename": "ValueError",
                    "evalue": KEY,
                    "traceback": [f"\x1b[31mValueError\x1b[0m: {KEY}", f"token = '{AWS}'"],
                },
            ],
        },
    }
    await answer(assistant, events[0].thread.id, result)
    text = seen(model)
    assert KEY not in text and AWS not in text and "\x1b[" not in text
    # The error arrives, not dropped: its name is still there.
    assert "ValueError" in text


@pytest.mark.asyncio
async def test_an_edits_diff_keeps_no_secret_of_the_old_source(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(
                output=[
                    function_call("edit_cell", {"index": 0, "new_source": "x = 1"}, call_id="c")
                ]
            ),
            ModelStep(output=[assistant_message("done", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("tidy cell 1", AGENT))
    diff = f"--- before\n+++ after\n-api_key = '{KEY}'\n-AWS={AWS}\n+x = 1\n"
    await answer(assistant, events[0].thread.id, {"status": "applied", "index": 0, "diff": diff})
    text = seen(model)
    assert KEY not in text and AWS not in text


@pytest.mark.asyncio
async def test_a_huge_result_reaches_the_model_bounded(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c1")]),
            ModelStep(output=[assistant_message("done", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run", AGENT))
    # The largest result the server stores (MAX_TOOL_OUTPUT_CHARS of JSON), ten times what
    # the model reads of it; past that it is refused (test_text_limits).
    filler = MAX_TOOL_OUTPUT_CHARS - 1_000
    big = {"status": "ok", "cell": {"index": 0, "outputs": [{"text": "y" * filler + KEY}]}}
    await answer(assistant, events[0].thread.id, big)
    outputs = [
        i["output"]
        for i in model.calls[1].input
        if isinstance(i, dict) and i.get("type") == "function_call_output"
    ]
    assert outputs and all(len(o) <= 17_000 for o in outputs)
    assert KEY not in seen(model)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "name,arguments",
    [
        ("run_cell", "{not json"),
        ("run_cell", "[0]"),
        ("run_cell", "{}"),
        ("run_cell", '{"index": -5}'),
        ("run_cell", '{"index": "0; rm -rf /"}'),
        ("run_cell", '{"index": true}'),
        ("run_cell", json.dumps({"index": 0, "auto_run": True})),
        ("edit_cell", json.dumps({"index": 0, "new_source": 7})),
        ("insert_cell", json.dumps({"source": "z" * 3_000_000})),
        ("insert_cell", json.dumps({"source": "x", "cell_type": "raw"})),
        ("insert_cell", json.dumps({"source": "x", "after": -2})),
    ],
)
async def test_a_malformed_step_becomes_no_card_and_the_model_is_told(
    sqlite_store: SQLStore, name: str, arguments: str
) -> None:
    """Before: each went to the front end as a pending step (bad JSON as {}, the 3 MB
    source whole), a card the person could only approve into a failure."""
    model = ScriptedModel(
        [
            ModelStep(output=[function_call(name, arguments, call_id="c1")]),
            ModelStep(output=[assistant_message("sorry", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("do it", AGENT))
    assert not calls(events)
    told = [
        i["output"]
        for i in model.calls[1].input
        if isinstance(i, dict) and i.get("type") == "function_call_output"
    ]
    assert len(told) == 1 and told[0].startswith("Error: ") and name in told[0]
    assert len(told[0]) < 300  # names the rule, never echoes the arguments


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "name,arguments",
    [
        ("run_cell", '{"index": 0}'),
        ("insert_cell", json.dumps({"source": "a" * 50_000, "cell_type": "markdown", "after": -1})),
        ("edit_cell", json.dumps({"index": 3, "new_source": ""})),
    ],
)
async def test_a_well_formed_step_still_waits_for_the_person(
    sqlite_store: SQLStore, name: str, arguments: str
) -> None:
    model = ScriptedModel([ModelStep(output=[function_call(name, arguments, call_id="c1")])])
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("do it", AGENT))
    call = pending_call(events)
    assert call is not None and call.arguments == json.loads(arguments)
    assert len(model.calls) == 1


@pytest.mark.asyncio
async def test_an_unknown_tool_is_told_to_the_model_which_goes_on(sqlite_store: SQLStore) -> None:
    """Before: the SDK's ModelBehaviorError ended the turn with a generic error ('The model
    produced an answer this app could not use')."""
    invented = "delete_notebook_" + "x" * 40
    model = ScriptedModel(
        [
            ModelStep(output=[function_call(invented, "{}", call_id="c1")]),
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c2")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("do it", AGENT))
    assert not [e for e in events if e.type == "error"]
    told = [
        i["output"]
        for i in model.calls[1].input
        if isinstance(i, dict) and i.get("type") == "function_call_output"
    ]
    assert len(told) == 1 and told[0].startswith("Error: there is no tool of that name")
    # It names the tools there are, never the invented one.
    for name in ("run_cell", "insert_cell", "get_notebook_cells", "propose_code"):
        assert name in told[0]
    assert invented not in told[0]
    # The model went on: its next, real step waits for the person.
    call = pending_call(events)
    assert call is not None and call.name == "run_cell"


@pytest.mark.asyncio
async def test_a_model_repeating_an_unknown_tool_is_stopped(sqlite_store: SQLStore) -> None:
    from jupyter_chatkit.assistant.turn import MAX_TURNS

    model = ScriptedModel(
        [
            ModelStep(output=[function_call("shell", '{"cmd": "ls"}', call_id=f"c{n}")])
            for n in range(MAX_TURNS + 4)
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run", AGENT))
    assert not calls(events)
    assert len(model.calls) == MAX_TURNS
    errors = [e for e in events if e.type == "error"]
    assert len(errors) == 1 and "too many steps" in errors[0].message


@pytest.mark.asyncio
async def test_an_agent_tool_called_in_ask_mode_is_not_sent(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c1")]),
            ModelStep(output=[assistant_message("sorry", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run it"))
    assert not calls(events)


@pytest.mark.asyncio
async def test_a_second_output_for_the_same_step_runs_nothing_twice(
    sqlite_store: SQLStore,
) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c1")]),
            ModelStep(output=[assistant_message("ran", item_id="m1")]),
            ModelStep(output=[assistant_message("ran again?", item_id="m2")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run", AGENT))
    thread_id = events[0].thread.id
    await answer(assistant, thread_id, {"status": "ok"})
    await answer(assistant, thread_id, {"status": "ok"})
    assert len(model.calls) == 2
    stored = await sqlite_store.load_thread_items(thread_id, None, 50, "asc", ALICE)
    assert len([i for i in stored.data if isinstance(i, ClientToolCallItem)]) == 1


@pytest.mark.asyncio
async def test_another_user_cannot_answer_a_step(sqlite_store: SQLStore) -> None:
    """A second user's Approve (a tool output posted to the thread) reaches nothing."""
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c1")]),
            ModelStep(output=[assistant_message("ran", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run", AGENT))
    thread_id = events[0].thread.id
    body = req("threads.add_client_tool_output", thread_id=thread_id, result={"status": "ok"})
    answered = await stream(assistant, body, BOB)
    assert [e.type for e in answered] == ["error"]
    assert len(model.calls) == 1
    stored = await sqlite_store.load_thread_items(thread_id, None, 50, "asc", ALICE)
    steps = [i for i in stored.data if isinstance(i, ClientToolCallItem)]
    assert [s.status for s in steps] == ["pending"]


@pytest.mark.asyncio
async def test_agent_mode_tells_the_model_to_claim_only_what_results_show(
    sqlite_store: SQLStore,
) -> None:
    """Before, the instructions asked for a summary of the changes but never said that a
    skipped, stopped or refused step changed nothing (so a model could report it done)."""
    model = ScriptedModel([ModelStep(output=[assistant_message("ok", item_id="m1")])])
    assistant = make_assistant(sqlite_store, model)
    await stream(assistant, create("fix it", AGENT))
    instructions = str(model.calls[0].system_instructions)
    assert "Report only what the step results show" in instructions
    for status in ("skipped", "stopped", "not_run", "failed", "declined"):
        assert f'"{status}"' in instructions


@pytest.mark.asyncio
async def test_a_model_repeating_malformed_steps_is_stopped(sqlite_store: SQLStore) -> None:
    """Refused steps show no card, so they do not count as steps; the run's own bound on
    model calls still ends such a loop with one readable error."""
    from jupyter_chatkit.assistant.turn import MAX_TURNS

    bad = [
        ModelStep(output=[function_call("run_cell", '{"index": -1}', call_id=f"c{n}")])
        for n in range(MAX_TURNS + 4)
    ]
    model = ScriptedModel(bad)
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run", AGENT))
    assert not calls(events)
    assert len(model.calls) == MAX_TURNS
    assert [e.type for e in events].count("error") == 1
