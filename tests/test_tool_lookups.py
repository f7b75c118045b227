"""The tool lookups of openai-agents kept for a shared agent's tools (run_speedups.py):
the SDK's answers, computed once, and the SDK's path for any other list of tools."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, cast

import pytest
from agents import FunctionTool, RunConfig, Runner, UserError, run_state
from agents import _tool_identity as tool_identity
from agents.run_internal import run_loop, tool_execution, turn_resolution

from jupyter_chatkit.assistant import run_speedups
from jupyter_chatkit.assistant.agent import build_agent
from jupyter_chatkit.assistant.models import build_model
from jupyter_chatkit.settings import Api, Settings

from .fixtures.fake_llm import FAKE_API_KEY, MODEL, FakeLLM, Reply, ToolCall
from .fixtures.models import BUILT

pytestmark = pytest.mark.usefixtures("close_built_models")

_SETTINGS = Settings(model=MODEL, base_url="http://127.0.0.1:9/v1", api_key=FAKE_API_KEY)


def sdk(module: Any, name: str) -> Any:
    """The SDK's own function ``module.name``, whether or not it was replaced."""
    current = getattr(module, name)
    return getattr(current, "original", current)


def _tool(name: str) -> FunctionTool:
    async def invoke(ctx: Any, raw: str) -> str:
        return "done"

    return FunctionTool(
        name=name,
        description="d",
        params_json_schema={"type": "object", "properties": {}},
        on_invoke_tool=invoke,
        strict_json_schema=False,
    )


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the SDK's validations of a tool list (both lookups start with one)."""
    seen: list[int] = []
    validate = tool_identity.validate_function_tool_lookup_configuration

    def counting(tools: Any) -> None:
        seen.append(len(tools))
        validate(tools)

    monkeypatch.setattr(tool_identity, "validate_function_tool_lookup_configuration", counting)
    return seen


@pytest.mark.parametrize("mode", ["ask", "agent"])
def test_a_shared_agents_lookups_are_the_sdks_and_computed_once(
    mode: str, validations: list[int]
) -> None:
    agent = build_agent(_SETTINGS, mode=mode)
    assert getattr(run_loop.resolve_tool_name_collisions, "shared_tools_kept", False)
    assert getattr(turn_resolution.build_function_tool_lookup_map, "shared_tools_kept", False)
    tools = list(agent.tools)
    resolve = run_loop.resolve_tool_name_collisions
    expected = sdk(run_loop, "resolve_tool_name_collisions")(tools, [], collision_policy="error")
    expected_map = sdk(turn_resolution, "build_function_tool_lookup_map")(tools)
    assert expected[0] == tools and expected_map
    validations.clear()
    for _ in range(3):
        got = resolve(tools, [], collision_policy="error")
        assert got == expected and got[0] is not tools
        got[0].clear()  # each call's lists are its own
        for module in (turn_resolution, tool_execution, run_state):
            lookup_map = module.build_function_tool_lookup_map(list(tools))
            assert lookup_map == expected_map
            lookup_map.clear()  # and so is each map
    # Once per answer (the SDK validates on every call: 3 + 9 times).
    assert validations == [len(tools)] * 2


def test_a_nearly_full_table_still_computes_each_answer_once(validations: list[int]) -> None:
    """Kept answers of other lists fill the table to one short of its bound: keeping the
    next answers drops the oldest, never the answer just kept (the table was cleared
    whole, so an agent's collision check was computed again right after its map)."""
    keepers = []
    while len(run_speedups._KEPT_LOOKUPS) < run_speedups.MAX_KEPT_LOOKUPS - 1:
        tools = [_tool(f"filler_{len(keepers)}")]
        run_speedups.share_tools(tools)
        keepers.append(tools)
        turn_resolution.build_function_tool_lookup_map(tools)
    tools = list(build_agent(_SETTINGS, mode="agent").tools)
    run_speedups.share_tools(tools)
    validations.clear()
    for _ in range(2):
        run_loop.resolve_tool_name_collisions(tools, [], collision_policy="error")
        turn_resolution.build_function_tool_lookup_map(list(tools))
    assert validations == [len(tools)] * 2


def test_any_other_tool_takes_the_sdks_path(
    validations: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    agent = build_agent(_SETTINGS, mode="agent")
    # A tool of another agent (an MCP tool, a clone's), here named like a shared one.
    clash = _tool(agent.tools[0].name)
    tools = [*agent.tools, clash]
    with pytest.raises(UserError):
        run_loop.resolve_tool_name_collisions(tools, [], collision_policy="error")
    with caplog.at_level(logging.WARNING, logger="openai.agents"):
        for _ in range(2):
            kept, _ = run_loop.resolve_tool_name_collisions(tools, [], collision_policy="warn")
            assert kept == [*agent.tools[1:], clash]  # the SDK's last-wins
    assert sum("collision" in r.getMessage() for r in caplog.records) == 2
    lookup_map = turn_resolution.build_function_tool_lookup_map(tools)
    assert lookup_map[("bare", clash.name)] is clash
    assert len(validations) == 4  # every call validated


def test_a_collision_among_shared_tools_is_never_kept(caplog: pytest.LogCaptureFixture) -> None:
    first, second = _tool("same"), _tool("same")
    run_speedups.share_tools([first, second])
    with caplog.at_level(logging.WARNING, logger="openai.agents"):
        for _ in range(2):
            kept, _ = run_loop.resolve_tool_name_collisions(
                [first, second], [], collision_policy="warn"
            )
            assert kept == [second]
    assert sum("collision" in r.getMessage() for r in caplog.records) == 2
    with pytest.raises(UserError):
        run_loop.resolve_tool_name_collisions([first, second], [], collision_policy="error")


def test_a_gone_tools_id_is_not_taken_for_it() -> None:
    tool = _tool("gone")
    run_speedups.share_tools([tool])
    tool_id = id(tool)
    del tool
    assert tool_id not in run_speedups._SHARED_TOOLS
    other = _tool("other")
    assert run_speedups._shared_ids([other]) is None


@pytest.mark.asyncio
@pytest.mark.parametrize("api", ["responses", "chat_completions"])
async def test_a_run_with_a_tool_call_sends_what_the_sdk_sends(
    fake_llm: FakeLLM, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        model=MODEL, api=api, base_url=fake_llm.base_url, api_key=FAKE_API_KEY, max_retries=0
    )
    agent = build_agent(settings, mode="ask")
    model = build_model(settings)
    BUILT.append(model)
    bodies = []
    for sdk_lookups in (False, True):
        if sdk_lookups:
            for module in (run_loop, turn_resolution):
                monkeypatch.setattr(
                    module,
                    "resolve_tool_name_collisions",
                    sdk(module, "resolve_tool_name_collisions"),
                )
            for module in (turn_resolution, tool_execution, run_state):
                monkeypatch.setattr(
                    module,
                    "build_function_tool_lookup_map",
                    sdk(module, "build_function_tool_lookup_map"),
                )
        # propose_code runs on the server (found through the lookup map), then an answer.
        fake_llm.script(
            Reply(tool_calls=[ToolCall("propose_code", {"code": "print(1)"})]), Reply("Done.")
        )
        calls: list[str] = []
        result = Runner.run_streamed(
            agent,
            [{"role": "user", "content": "Print one"}],
            context=cast(Any, _Context(calls)),
            run_config=RunConfig(model=model, tracing_disabled=True),
        )
        async for _ in result.stream_events():
            pass
        assert result.final_output == "Done." and calls == ["print(1)"]
        bodies.append(fake_llm.requests[-2:])
    # The same bytes but for the fake model's ids, which count on across runs.
    first, second = (re.sub(r'"(call|fc)_\d+"', "id", json.dumps(body)) for body in bodies)
    assert first == second


class _Context:
    """What ``propose_code`` needs of ChatKit's agent context: its widget stream."""

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    async def stream_widget(self, card: Any, copy_text: str) -> None:
        self.calls.append(copy_text)


# run_speedups item 4: whether the client talks to api.openai.com, kept per base URL.


@pytest.mark.parametrize(
    ("base_url", "official"),
    [
        ("https://api.openai.com/v1", True),
        ("https://API.OpenAI.com:443/v1/", True),
        ("http://api.openai.com/v1", False),
        ("https://api.openai.com.evil.example/v1", False),
        ("http://127.0.0.1:9/v1", False),
    ],
)
def test_the_official_client_check_is_the_sdks_and_kept_per_base_url(
    base_url: str, official: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agents.models import chatcmpl_helpers, openai_client_utils, openai_responses
    from openai import AsyncOpenAI

    build_agent(_SETTINGS)  # installs the shortcuts
    checks = [
        chatcmpl_helpers.is_official_openai_client,
        openai_responses.is_official_openai_client,
    ]
    assert all(getattr(check, "kept_per_base_url", False) for check in checks)
    sdk_check = sdk(chatcmpl_helpers, "is_official_openai_client")
    client = AsyncOpenAI(api_key=FAKE_API_KEY, base_url=base_url)
    assert sdk_check(client) is official
    parsed: list[str] = []
    real_urlsplit = openai_client_utils.urlsplit

    def counting_urlsplit(url: str, *args: Any) -> Any:
        parsed.append(url)
        return real_urlsplit(url, *args)

    monkeypatch.setattr(openai_client_utils, "urlsplit", counting_urlsplit)
    for _ in range(3):
        assert [check(client) for check in checks] == [official, official]
    assert len(parsed) <= 1  # the SDK's parses the URL on every call (6 here)
    # A new base URL is checked anew.
    client.base_url = "https://api.openai.com/v1" if not official else "http://127.0.0.1:9/v1"
    assert [check(client) for check in checks] == [not official, not official]


def test_no_shortcuts_for_another_openai_agents(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcuts read the SDK's code of one release; any other runs as the SDK runs."""
    import agents
    from agents.models import chatcmpl_helpers

    lookups = (turn_resolution, "build_function_tool_lookup_map")
    collisions = (run_loop, "resolve_tool_name_collisions")
    official = (chatcmpl_helpers, "is_official_openai_client")
    for module, name in (lookups, collisions, official):
        monkeypatch.setattr(module, name, sdk(module, name))
    monkeypatch.setattr(agents, "__version__", "0.25.0")
    run_speedups.skip_known_model_call_work()
    for module, name in (lookups, collisions, official):
        assert getattr(module, name) is sdk(module, name)
