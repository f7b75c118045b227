"""openai-agents internals our shared agents make cheaper (agent.py): the same results,
and the same request bodies reaching the model."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from agents import RunConfig, Runner, run_state
from agents.util import _json
from pydantic import BaseModel

from jupyter_chatkit.assistant.agent import _pickled_clone, _plain_dump_compatible, build_agent
from jupyter_chatkit.assistant.models import build_model, close_model
from jupyter_chatkit.protocol import AGENT_TOOLS, CLIENT_TOOLS
from jupyter_chatkit.settings import Api, Settings

from .fixtures.fake_llm import FAKE_API_KEY, MODEL, FakeLLM, Reply


def sdk_original() -> Any:
    """The SDK's own recursive copy, whether or not it was made faster already."""
    current = _json._to_dump_compatible_internal
    return getattr(current, "original", current)


def sdk_clone() -> Any:
    """The SDK's own deep copy of a run's input, whether or not it was replaced."""
    current = run_state._clone_original_input
    return getattr(current, "original", current)


class Part(BaseModel):
    text: str


def test_a_plain_input_is_copied_as_deepcopy_copies_it() -> None:
    clone = _pickled_clone(sdk_clone())
    shared = {"type": "input_text", "text": "é 😀"}
    value: list[Any] = [
        {"role": "user", "content": [shared, shared]},
        {"type": "function_call_output", "call_id": "c", "output": "{}", "n": [1, 2.5, None]},
    ]
    copied = clone(value)
    assert copied == sdk_clone()(value)
    assert copied[0] is not value[0] and copied[0]["content"] is not value[0]["content"]
    # Shared parts stay shared, as with deepcopy; nothing is shared with the original.
    assert copied[0]["content"][0] is copied[0]["content"][1]
    assert copied[0]["content"][0] is not shared
    # Not plain JSON: the SDK's deepcopy (a model stays a model, a tuple a tuple).
    other: list[Any] = [{"content": [Part(text="x")]}, ("a", "b")]
    copied = clone(other)
    assert copied == sdk_clone()(other) and isinstance(copied[0]["content"][0], Part)
    assert clone("text") == "text"


def test_an_input_that_holds_itself_takes_the_sdks_deepcopy() -> None:
    """A cycle is not plain JSON (the check walked it for ever): deepcopy copies it."""
    clone = _pickled_clone(sdk_clone())
    looped: list[Any] = [{"role": "user", "content": "hi"}]
    looped.append(looped)
    copied = clone(looped)
    assert copied is not looped and copied[1] is copied
    assert copied[0] == {"role": "user", "content": "hi"}


VALUES: list[Any] = [
    {"a": [1, 2.5, True, None, "x"], "b": ("t", {"c": ()})},
    OrderedDict(z=1, a=[{"k": (1, 2)}]),
    [iter([1, 2]), (x for x in "ab"), {"s"}, b"bytes", bytearray(b"ba")],
    {"schema": spec.parameters} if (spec := next(iter(CLIENT_TOOLS))) else {},
    [{"function": {"name": s.name, "parameters": s.parameters}} for s in AGENT_TOOLS],
    "plain",
    3,
    None,
]


@pytest.mark.parametrize("index", range(len(VALUES)))
def test_plain_types_first_gives_what_the_sdk_gives(index: int) -> None:
    original = sdk_original()
    fast = _plain_dump_compatible(original)
    # Fresh values each time: the iterators above are used up once read.
    expected = original(_fresh(index))
    got = fast(_fresh(index))
    assert got == expected
    assert json.dumps(got, default=repr) == json.dumps(expected, default=repr)


def _fresh(index: int) -> Any:
    if index == 2:
        return [iter([1, 2]), (x for x in "ab"), ["s"], b"bytes", bytearray(b"ba")]
    return VALUES[index]


_BUILT: list[Any] = []


@pytest_asyncio.fixture(autouse=True)
async def close_built_models() -> AsyncIterator[None]:
    yield
    while _BUILT:
        await close_model(_BUILT.pop())


@pytest.mark.asyncio
@pytest.mark.parametrize("api", ["responses", "chat_completions"])
async def test_the_request_body_is_the_same_as_with_the_sdks_copies(
    fake_llm: FakeLLM, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        model=MODEL, api=api, base_url=fake_llm.base_url, api_key=FAKE_API_KEY, max_retries=0
    )
    agent = build_agent(settings, mode="agent")
    assert getattr(_json._to_dump_compatible_internal, "plain_types_first", False)
    assert getattr(run_state._clone_original_input, "plain_json_by_pickle", False)
    model = build_model(settings)
    _BUILT.append(model)
    history: list[Any] = [
        {"role": "user", "content": "What is in df?"},
        {"type": "function_call", "call_id": "c1", "name": "get_active_cell", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": '{"source": "df"}'},
        {"role": "user", "content": [{"type": "input_text", "text": "Plot it, «é» 😀"}]},
    ]
    bodies = []
    for sdk_copy in (False, True):
        if sdk_copy:
            monkeypatch.setattr(_json, "_to_dump_compatible_internal", sdk_original())
            monkeypatch.setattr(run_state, "_clone_original_input", sdk_clone())
        fake_llm.script(Reply("Sure."))
        result = Runner.run_streamed(
            agent, list(history), run_config=RunConfig(model=model, tracing_disabled=True)
        )
        async for _ in result.stream_events():
            pass
        bodies.append(fake_llm.requests[-1])
    assert json.dumps(bodies[0]) == json.dumps(bodies[1])
    assert len(bodies[0]["tools"]) == len(agent.tools)
