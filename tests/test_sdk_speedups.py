"""openai-agents internals our shared agents make cheaper (agent.py): the same results,
and the same request bodies reaching the model."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import json
import warnings
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from agents import AgentHooks, RunConfig, RunHooks, Runner, run_state
from agents.run_internal import run_loop
from agents.util import _coro, _json
from pydantic import BaseModel

from jupyter_chatkit.assistant.agent import (
    _does_nothing,
    _pickled_clone,
    _plain_dump_compatible,
    build_agent,
)
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


async def _nothing() -> None:
    """A docstring and nothing else."""


async def _returns_one() -> int:
    return 1


async def _sleeps() -> None:
    await asyncio.sleep(0)


async def _appends(seen: list[int]) -> None:
    seen.append(1)


_VAR: contextvars.ContextVar[int] = contextvars.ContextVar("_VAR", default=0)


async def _sets_a_contextvar() -> None:
    _VAR.set(1)


def test_only_coroutines_that_do_nothing_are_skipped() -> None:
    hooks, agent_hooks = RunHooks[Any](), AgentHooks[Any]()
    empty = [
        hooks.on_agent_start(None, None),  # type: ignore[arg-type]
        hooks.on_llm_end(None, None, None),  # type: ignore[arg-type]
        agent_hooks.on_start(None, None),  # type: ignore[arg-type]
        _coro.noop_coroutine(),
        _nothing(),
    ]
    busy = [_returns_one(), _sleeps(), _appends([]), _sets_a_contextvar()]
    try:
        assert all(_does_nothing(c) for c in empty)
        assert not any(_does_nothing(c) for c in busy)
        started = _nothing().__await__()
        with pytest.raises(StopIteration):
            started.send(None)
        assert not _does_nothing(started)  # not a coroutine object any more
    finally:
        for c in empty + busy:
            c.close()


def _record_spawned(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The code objects of the coroutines ``asyncio.ensure_future`` is given from now on
    (what a gather spawns a task for)."""
    spawned: list[Any] = []
    real = asyncio.ensure_future

    def recording(awaitable: Any, **kwargs: Any) -> Any:
        spawned.append(getattr(awaitable, "cr_code", None))
        return real(awaitable, **kwargs)

    monkeypatch.setattr(asyncio, "ensure_future", recording)
    return spawned


@pytest.mark.asyncio
async def test_a_gather_of_empty_coroutines_spawns_no_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The skipped gather gives what the SDK's gives; one with any other coroutine is the
    SDK's, and nothing warns of a coroutine never awaited."""
    build_agent(Settings(model=MODEL, api="responses", base_url="http://127.0.0.1:9/v1"))
    gather = run_loop.gather_with_cancel
    assert getattr(gather, "empty_skipped", False)
    spawned = _record_spawned(monkeypatch)
    hooks = RunHooks[Any]()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert await gather(hooks.on_agent_start(None, None), _coro.noop_coroutine()) == (
            None,
            None,
        )
        assert await gather() == ()
        assert spawned == []
        seen: list[int] = []
        assert await gather(_appends(seen), _nothing()) == (None, None)
        assert seen == [1] and len(spawned) == 2
        gc.collect()


class RecordingHooks(RunHooks[Any]):
    def __init__(self) -> None:
        self.seen: list[str] = []

    async def on_agent_start(self, context: Any, agent: Any) -> None:
        self.seen.append("agent_start")

    async def on_llm_start(self, *args: Any) -> None:
        self.seen.append("llm_start")

    async def on_llm_end(self, *args: Any) -> None:
        self.seen.append("llm_end")

    async def on_agent_end(self, *args: Any) -> None:
        self.seen.append("agent_end")


@pytest.mark.asyncio
@pytest.mark.parametrize("api", ["responses", "chat_completions"])
async def test_a_run_gathers_no_empty_hooks_and_calls_ones_own(
    fake_llm: FakeLLM, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run with the SDK's default hooks spawns no task for them (fails before); a run
    with hooks of its own still has each of them called."""
    settings = Settings(
        model=MODEL, api=api, base_url=fake_llm.base_url, api_key=FAKE_API_KEY, max_retries=0
    )
    agent = build_agent(settings)
    model = build_model(settings)
    _BUILT.append(model)
    spawned = _record_spawned(monkeypatch)
    empty_hooks = {
        getattr(RunHooks, name).__code__
        for name in ("on_agent_start", "on_llm_start", "on_llm_end", "on_agent_end")
    } | {AgentHooks.on_start.__code__, AgentHooks.on_end.__code__, _coro.noop_coroutine.__code__}
    history: list[Any] = [{"role": "user", "content": "hi"}]
    for hooks in (None, RecordingHooks()):
        fake_llm.script(Reply("Sure."))
        result = Runner.run_streamed(
            agent,
            list(history),
            hooks=hooks,
            run_config=RunConfig(model=model, tracing_disabled=True),
        )
        async for _ in result.stream_events():
            pass
        assert result.final_output == "Sure."
        if hooks is None:
            assert spawned and not empty_hooks & set(spawned)
    assert hooks is not None
    assert hooks.seen == ["agent_start", "llm_start", "llm_end", "agent_end"]
