"""A secret that is a mapping's key in a tool result (a dict keyed by API key, a frame's
column named by one in ``describe``, a run's JSON output) is hidden like one in a value:
the policy read only values, and the keys reached the model as they were."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call

from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.kernel import introspect
from jupyter_chatkit.kernel.view import KernelView
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import make_assistant, stream
from .test_agent_mode import AGENT, answer, create

KEY = "sk-proj-" + "Q7x9Lm2Pv4Rt8Kw1Zy6Hb3Nc5Df0Gs"
AWS = "AKIA" + "IOSFODNN7EXAMPLE"
GH = "ghp_" + "1234567890abcdefghijklmnopqrstuvwxyzAB"
PW = "Tr0ub4dor&3xyz"
SECRETS = (KEY, AWS, GH, PW)


def leaked(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


@pytest.mark.parametrize(
    "data",
    [
        {KEY: 1},
        {"usage": {KEY: {"calls": 3}, AWS: {"calls": 1}}},
        [{"by_token": {GH: 2}}],
        {f"password={PW}": "x"},
        {f"Authorization: Bearer {GH}": 1},
    ],
)
def test_a_secret_as_a_mapping_key_is_hidden(data: object) -> None:
    result = ContextPolicy().tool_result({"data": data})
    text = json.dumps(result)
    assert leaked(text) == [], text
    assert result["redacted"] >= 1


def test_two_secret_keys_stay_two_entries_and_plain_keys_stay() -> None:
    result = ContextPolicy().tool_result({"usage": {KEY: 1, GH: 2, "total": 3}})
    usage = result["usage"]
    assert leaked(json.dumps(usage)) == []
    # Nothing merged or lost: both values are still there, under keys of their own.
    assert sorted(usage.values()) == [1, 2, 3] and usage["total"] == 3


@pytest.mark.parametrize(
    "value",
    [
        {"a": {KEY: 1}},
        pd.DataFrame({KEY: [1, 2], "n": [3, 4]}),
    ],
)
def test_inspecting_a_variable_keyed_by_a_secret_shows_no_secret(value: object) -> None:
    view = KernelView({"v": value})
    result = introspect.run_tool("inspect_kernel_variable", {"name": "v"}, view, ContextPolicy())
    assert "error" not in result
    assert leaked(json.dumps(result)) == []


@pytest.mark.asyncio
async def test_a_run_cells_output_keyed_by_a_secret_never_reaches_the_model(
    sqlite_store: SQLStore,
) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c1")]),
            ModelStep(output=[assistant_message("done", item_id="m1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, create("run cell 1", AGENT))
    result = {
        "status": "ok",
        "cell": {
            "index": 0,
            "source": "usage",
            "outputs": [
                {
                    "output_type": "execute_result",
                    "data": {"application/json": {KEY: {"calls": 3}, AWS: {"calls": 1}}},
                    "metadata": {"application/json": {GH: True}},
                }
            ],
        },
    }
    await answer(assistant, events[0].thread.id, result)
    seen = json.dumps([c.input for c in model.calls], default=str)
    assert leaked(seen) == []
    assert "calls" in seen  # the output arrives, its secrets hidden
