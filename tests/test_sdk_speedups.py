"""openai-agents internals our shared agents make cheaper (agent.py): the same results,
and the same request bodies reaching the model."""

from __future__ import annotations

import asyncio
import contextvars
import enum
import gc
import json
import warnings
from collections import OrderedDict
from typing import Any

import agents
import pytest
from agents import (
    Agent,
    AgentHooks,
    FunctionTool,
    RunConfig,
    RunHooks,
    Runner,
)
from agents.agent import AgentBase
from agents.run_internal import run_loop, tool_execution, tool_planning
from agents.util import _coro, _json

from jupyter_chatkit.assistant import agent as agent_module
from jupyter_chatkit.assistant.agent import (
    _EXECUTE_RUNS as EXECUTE_RUNS,
)
from jupyter_chatkit.assistant.agent import (
    _UNKNOWN,
    _does_nothing,
    _known_result,
    _plain_dump_compatible,
    build_agent,
)
from jupyter_chatkit.assistant.models import build_model
from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.protocol import AGENT_TOOLS, CLIENT_TOOLS
from jupyter_chatkit.settings import Api, Settings
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import req, stream, user_input
from .fixtures.fake_llm import FAKE_API_KEY, MODEL, FakeLLM, Reply
from .fixtures.models import BUILT

pytestmark = pytest.mark.usefixtures("close_built_models")


def sdk_original() -> Any:
    """The SDK's own recursive copy, whether or not it was made faster already."""
    current = _json._to_dump_compatible_internal
    return getattr(current, "original", current)


VALUES: list[Any] = [
    {"a": [1, 2.5, True, None, "x"], "b": ("t", {"c": ()})},
    OrderedDict(z=1, a=[{"k": (1, 2)}]),
    [iter([1, 2]), (x for x in "ab"), {"s"}, b"bytes", bytearray(b"ba")],
    {"schema": spec.parameters} if (spec := next(iter(CLIENT_TOOLS))) else {},
    [{"function": {"name": s.name, "parameters": s.parameters}} for s in AGENT_TOOLS],
    "plain",
    3,
    None,
    # The shapes of a history: dicts in dicts, lists in lists and dicts, other types as
    # children of each (an Enum member, a Mapping, a tuple).
    [
        {"role": "user", "content": [{"type": "input_text", "text": "hi", "n": 1.5}]},
        {"a": {"b": {"c": [[1, [2, ()]], ("x", True)]}, "d": OrderedDict(e=[None])}},
        [[{"k": (1, {"m": [3]})}], enum.Enum("E", "A").A, OrderedDict(z=(1,))],
    ],
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
    model = build_model(settings)
    BUILT.append(model)
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
    assert getattr(gather, "known_results_first", False)
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
        assert seen == [1] and spawned == [_appends.__code__]
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
    BUILT.append(model)
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


def _tool(name: str, enabled: Any) -> FunctionTool:
    async def invoke(ctx: Any, raw_args: str) -> str:
        return "done"

    return FunctionTool(
        name=name,
        description=f"The tool {name}.",
        params_json_schema={"type": "object", "properties": {}},
        on_invoke_tool=invoke,
        is_enabled=enabled,
    )


def _sdk_gather(module: Any) -> Any:
    """The SDK's own gather of ``module``, whether or not it was wrapped already."""
    current = module.gather_with_cancel
    return getattr(current, "original", current)


def _check_enabled_coroutines(agent: Agent[Any]) -> tuple[list[Any], list[Any]]:
    """The not yet started ``_check_tool_enabled`` coroutines of both SDK gathers, for
    ``agent``'s tools, caught as the SDK hands them to its gather."""
    caught: list[list[Any]] = []

    async def catch(*awaitables: Any, **kwargs: Any) -> tuple[Any, ...]:
        caught.append(list(awaitables))
        raise LookupError  # stop the caller here: its coroutines stay unstarted

    no_context: Any = None
    for module, call in (
        (agents.agent, lambda: agent.get_all_tools(no_context)),
        (tool_execution, lambda: tool_execution.resolve_enabled_function_tools(agent, no_context)),
    ):
        real = getattr(module, "gather_with_cancel")  # noqa: B009 - not in the module's __all__
        setattr(module, "gather_with_cancel", catch)  # noqa: B010
        try:
            with pytest.raises(LookupError):
                asyncio.run(call())
        finally:
            setattr(module, "gather_with_cancel", real)  # noqa: B010
    return caught[0], caught[1]


def test_known_results_are_what_the_coroutines_return() -> None:
    """Each rule gives what running the coroutine gives; what is not known runs."""
    assert agent_module._result_rules(), "no rules for this openai-agents"

    async def dynamic(ctx: Any, agent: Any) -> bool:
        return False

    tools = [_tool("on", True), _tool("off", False), _tool("asks", dynamic)]
    agent = Agent[Any](name="a", instructions="Be brief.", tools=list(tools))
    for coroutines in _check_enabled_coroutines(agent):
        known = [_known_result(c) for c in coroutines]
        assert known == [True, False, _UNKNOWN]
        # Run, each gives what was known (the unknown one asks its callable).
        ran = [asyncio.run(c) for c in coroutines]
        assert ran == [True, False, False]

    def written(ctx: Any, agent: Any) -> str:
        return "Made up."

    for instructions, prompt, expected in (
        ("Be brief.", None, ("Be brief.", None)),
        (written, None, (_UNKNOWN, None)),
        (None, None, (_UNKNOWN, None)),  # None is no string: the SDK's own way
        ("Be brief.", {"id": "pmpt_1"}, ("Be brief.", _UNKNOWN)),
    ):
        agent = Agent[Any](name="a", instructions=instructions, prompt=prompt)  # type: ignore[arg-type]
        coroutines = [agent.get_system_prompt(None), agent.get_prompt(None)]  # type: ignore[arg-type]
        try:
            assert tuple(_known_result(c) for c in coroutines) == expected
            for coroutine, known in zip(coroutines, expected, strict=True):
                if known is not _UNKNOWN:
                    assert asyncio.run(coroutine) == known
        finally:
            for coroutine in coroutines:
                coroutine.close()
    started = Agent[Any](name="a", instructions="x").get_system_prompt(None)  # type: ignore[arg-type]
    with pytest.raises(StopIteration):
        started.send(None)
    assert _known_result(started) is _UNKNOWN


def test_no_rules_for_another_openai_agents(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules read the SDK's code of one version; any other runs as the SDK runs."""
    rules = agent_module._result_rules.__wrapped__
    assert rules()
    monkeypatch.setattr(agents, "__version__", "0.25.0")
    assert rules() == {}


@pytest.mark.asyncio
@pytest.mark.parametrize("api", ["responses", "chat_completions"])
async def test_a_run_spawns_no_task_for_known_results_and_sends_the_same_tools(
    fake_llm: FakeLLM, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No task for the system prompt, the prompt and the tools' boolean is_enabled (fails
    before); the request is the one the SDK's own gathers make, a tool switched off (by a
    bool or by its callable) is left out of it as before."""
    settings = Settings(
        model=MODEL, api=api, base_url=fake_llm.base_url, api_key=FAKE_API_KEY, max_retries=0
    )
    model = build_model(settings)
    BUILT.append(model)
    build_agent(settings)  # installs the shortcuts

    def off(ctx: Any, agent: Any) -> bool:
        return False

    by_bool = Agent[Any](
        name="a", instructions="Be brief.", tools=[_tool("on", True), _tool("off", False)]
    )
    asking = by_bool.clone(name="b", tools=[*by_bool.tools, _tool("asks_off", off)])
    known_codes = {
        Agent.get_system_prompt.__code__,
        Agent.get_prompt.__code__,
        *(
            c
            for f in (AgentBase.get_all_tools, tool_execution.resolve_enabled_function_tools)
            for c in f.__code__.co_consts
            if getattr(c, "co_name", "") == "_check_tool_enabled"
        ),
    }
    assert len(known_codes) == 4
    plan_codes = {getattr(tool_execution, name).__code__ for name in EXECUTE_RUNS}
    bodies: dict[tuple[str, bool], Any] = {}
    for sdk_gathers in (False, True):
        if sdk_gathers:
            for module in (run_loop, agents.agent, tool_execution, tool_planning):
                monkeypatch.setattr(module, "gather_with_cancel", _sdk_gather(module))
        for agent in (by_bool, asking):
            spawned = _record_spawned(monkeypatch)
            fake_llm.script(Reply("Sure."))
            result = Runner.run_streamed(
                agent, "hi", run_config=RunConfig(model=model, tracing_disabled=True)
            )
            async for _ in result.stream_events():
                pass
            assert result.final_output == "Sure."
            bodies[agent.name, sdk_gathers] = fake_llm.requests[-1]
            # The SDK: a task per prompt and per tool check, twice. Here none but for the
            # callable is_enabled, asked in a task as before.
            tasks = [code for code in spawned if code in known_codes]
            tools = len(agent.tools)
            assert len(tasks) == (2 + 2 * tools if sdk_gathers else 0 if agent is by_bool else 2)
            # The tool plan of a text answer: the SDK spawns each of its empty categories.
            assert len([c for c in spawned if c in plan_codes]) == (5 if sdk_gathers else 0)
    for agent in (by_bool, asking):
        ours, sdks = bodies[agent.name, False], bodies[agent.name, True]
        assert json.dumps(ours) == json.dumps(sdks)
        # Chat completions nest a tool's name in "function".
        assert [(t.get("function") or t)["name"] for t in ours["tools"]] == ["on"]


def test_an_empty_tool_plan_category_is_known_to_give_an_empty_list() -> None:
    """The tool plan's execute functions given nothing to run give a new empty list
    (known); given runs, they run."""
    for name, runs in EXECUTE_RUNS.items():
        function = getattr(tool_execution, name)
        args = {
            runs: [],
            "public_agent": None,
            "hooks": None,
            "context_wrapper": None,
            "config": None,
        }
        first, second = function(**args), function(**args)
        busy = function(**{**args, runs: [object()]})
        try:
            known = _known_result(first)
            assert known == [] and known is not _known_result(second)
            assert asyncio.run(first) == []
            assert _known_result(busy) is _UNKNOWN
        finally:
            for coroutine in (first, second, busy):
                coroutine.close()


@pytest.mark.asyncio
async def test_a_gather_with_some_known_results_spawns_only_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Known coroutines are skipped, the rest gathered by the SDK; results keep their
    order, and a failure of the rest is the gather's, as before."""
    build_agent(Settings(model=MODEL, api="responses", base_url="http://127.0.0.1:9/v1"))
    gather = run_loop.gather_with_cancel
    spawned = _record_spawned(monkeypatch)
    seen: list[int] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert await gather(_nothing(), _returns_one(), _coro.noop_coroutine()) == (None, 1, None)
        assert spawned == [_returns_one.__code__]

        async def fails() -> None:
            raise KeyError("x")

        failures: list[BaseException] = []
        with pytest.raises(KeyError):
            await gather(_appends(seen), fails(), _nothing(), on_child_failure=failures.append)
        assert [type(f) for f in failures] == [KeyError]
        assert seen == [1]
        gc.collect()


@pytest.mark.asyncio
async def test_a_turn_resolves_its_model_settings_without_the_sdks_default_model(
    sqlite_store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK looks up the implicit settings of the agent's own model at every model
    call; with none named, its default model's (a deep copy each time). The assistant's
    agents name its model, so none is looked up, and the model gets the same settings."""
    from agents.models import default_models
    from agents.run_internal import turn_preparation
    from agents.testing import ModelStep, ScriptedModel, assistant_message

    looked_up: list[object] = []
    lookup = default_models.get_default_model_settings

    def counted(*args: Any, **kwargs: Any) -> Any:
        looked_up.append(args)
        return lookup(*args, **kwargs)

    monkeypatch.setattr(turn_preparation, "get_default_model_settings", counted)
    model = ScriptedModel([ModelStep(output=[assistant_message("hello", item_id="m1")])])
    settings = Settings(model="some-model", api_key="sk-test-key", title_threads=False)
    assistant = NotebookAssistant(sqlite_store, settings, model=model)
    try:
        events = await stream(assistant, req("threads.create", input=user_input("hi")))
    finally:
        await assistant.aclose()
    assert any(e.type == "thread.item.done" and e.item.type == "assistant_message" for e in events)
    assert looked_up == []
    (call,) = model.calls
    assert call.model_settings.parallel_tool_calls is False
