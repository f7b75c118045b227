"""openai-agents' sandbox, MCP types and griffe served by stand-ins until used (sdk_stand_ins.py).

Each check runs in a fresh Python (this process imported the sandbox long ago): the
server's deferrals, its build and warm-up turn, then the SDK's sandbox and MCP errors
used for real. Each script begins with tests/fixtures/fresh_server's BASE (forked from a
Python that ran it: tests/fresh_python.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from jupyter_chatkit.serverext.deferred_imports import (
    ANY_SUBMODULE,
    defer_module,
    defer_package,
    is_deferred,
)

from .fixtures.fresh_server import BASE, ROOT, run_fresh
from .fresh_python import fresh_python_servers as fresh_python_servers  # autouse

GROUP = "chatkit_served_fixture_pkg"
STAND_IN = object()

SCRIPT = (
    BASE
    + """
from jupyter_chatkit.serverext.holder import AssistantHolder
from jupyter_chatkit.settings import Settings

deferred = defer_unused_packages()

def sandbox_modules():
    return sorted(m for m in sys.modules if m.startswith("agents.sandbox") and not is_deferred(m))

async def idle(folder):
    # The offline model: real agents runs (the warm-up turn's), nothing of a provider's.
    holder = AssistantHolder(Settings(store_url=f"sqlite:///{folder}/chat.sqlite3"),
                             attachment_url=lambda a: a)
    await holder.get()
    await holder.warm_up_ended()
    warmed = holder.warmed
    await holder.close()
    mcp_types = sorted(m for m in ("mcp_types", "mcp.shared.exceptions") if m in sys.modules)
    return {"warmed": warmed, "loaded": sandbox_modules(), "mcp_types": mcp_types}

def mcp_errors():
    # MCP's errors as the SDK's MCP tools see them, once the mcp package is used.
    import mcp.shared.exceptions as real
    from agents.mcp import util

    error = real.MCPError(1, "the server said no")
    checks = {"is_error": isinstance(error, util.MCPError),
              "not_error": isinstance(ValueError("x"), util.MCPError),
              "message": util.mcp_error_message(error)}
    import agents.mcp.server as client
    compat = sys.modules["agents.mcp._compat"]
    checks["real"] = [client.MCPError is real.MCPError, compat.MCPError is real.MCPError,
                      checks["message"] == compat.mcp_error_message(error)]
    return checks

async def used():
    from agents import Agent, RunConfig, Runner
    from agents import _run_state_agent_identity as identity
    from agents.exceptions import UserError
    from agents.sandbox import SandboxAgent, SandboxRunConfig
    from agents.sandbox.capabilities import Shell
    from agents.testing import ModelStep, ScriptedModel, assistant_message, scripted_sandbox_session

    def says(text):
        return ScriptedModel([ModelStep(output=[assistant_message(text)])])

    async def answer(agent, **kwargs):
        result = Runner.run_streamed(agent, "hi", **kwargs)
        async for _ in result.stream_events():
            pass
        return result

    plain = await answer(Agent(name="a", model=says("plain")))
    sandboxed = SandboxAgent(name="s", model=says("in a box"))
    try:
        await answer(sandboxed)
        refused = None
    except UserError as exc:
        refused = str(exc)
    sandboxed = SandboxAgent(name="s", model=says("in a box"))
    session = scripted_sandbox_session()
    boxed = await answer(sandboxed, run_config=RunConfig(sandbox=SandboxRunConfig(session=session)))
    return {"plain": plain.final_output, "refused": refused, "boxed": boxed.final_output,
            "capability": isinstance(Shell(), identity.Capability),
            "not_capability": isinstance(object(), identity.Capability),
            "still_deferred": [m for m in ("agents.sandbox", "agents.sandbox.runtime")
                               if is_deferred(m)]}

with tempfile.TemporaryDirectory() as folder:
    state = asyncio.run(idle(folder))
state["deferred"] = deferred
state.update(mcp_errors())
state.update(asyncio.run(used()))
print(json.dumps(state))
"""
)


@pytest.mark.timeout(120)
def test_the_idle_server_loads_no_sandbox_nor_mcp_types_and_both_work_when_used() -> None:
    result = run_fresh(SCRIPT, str(ROOT))
    assert "agents.sandbox" in result["deferred"]
    assert "agents.mcp._compat" in result["deferred"]
    # The build and the warm-up turn ran agents runs with no sandbox module loaded,
    # and no MCP types.
    assert result["warmed"] is True
    assert result["loaded"] == []
    assert result["mcp_types"] == []
    # Once mcp is used, its errors are what the SDK's MCP tools check against.
    assert result["is_error"] is True and result["not_error"] is False
    assert "the server said no" in result["message"]
    assert result["real"] == [True, True, True]
    # Then the SDK's sandbox, used for real: every run works as without the deferral.
    assert result["plain"] == "plain"
    assert result["refused"] == "SandboxAgent execution requires `RunConfig(sandbox=...)`"
    assert result["boxed"] == "in a box"
    assert result["capability"] is True and result["not_capability"] is False
    assert result["still_deferred"] == []


GRIFFE_SCRIPT = (
    BASE
    + """
defer = sys.argv[1] == "defer"
if defer:
    deferred = defer_unused_packages()
from jupyter_chatkit.serverext.holder import AssistantHolder
from jupyter_chatkit.settings import Settings

async def idle(folder):
    holder = AssistantHolder(Settings(store_url=f"sqlite:///{folder}/chat.sqlite3"),
                             attachment_url=lambda a: a)
    await holder.get()
    await holder.warm_up_ended()
    warmed = holder.warmed
    await holder.close()
    return warmed

# The reference ("plain") builds no server: it is what function_tool makes without the
# deferral, which a build and warm-up before it do not change (~4 s of CPU saved).
state = {}
if defer:
    with tempfile.TemporaryDirectory() as folder:
        state["warmed"] = asyncio.run(idle(folder))
    state["deferred"] = deferred
    state["idle_griffe"] = sorted(m for m in sys.modules
                                  if m.startswith("griffe") and not is_deferred(m))

from agents import function_tool

def lookup(city: str, days: int = 1) -> str:
    \"\"\"Look up the weather.

    Args:
        city: The city to look up.
        days: How many days ahead.
    \"\"\"
    return city

tool = function_tool(lookup)
state["tool"] = {"description": tool.description, "schema": tool.params_json_schema}
if defer:
    import griffe
    state["loaded"] = [not is_deferred("griffe"),
                       griffe.Docstring is sys.modules["griffe._internal.models"].Docstring]
print(json.dumps(state))
"""
)


@pytest.mark.timeout(120)
def test_the_idle_server_loads_no_griffe_and_a_tool_made_from_a_function_parses_its_docstring() -> (
    None
):
    result = run_fresh(GRIFFE_SCRIPT, "defer")
    assert "griffe" in result["deferred"]
    assert result["warmed"] is True
    # The build and the warm-up turn made the assistant's tools without griffe.
    assert result["idle_griffe"] == ["griffe._internal", "griffe._internal.enumerations"]
    # A tool made from a function: its docstring parsed as without the deferral.
    plain = run_fresh(GRIFFE_SCRIPT, "plain")
    assert result["tool"] == plain["tool"]
    assert plain["tool"]["description"] == "Look up the weather."
    props = plain["tool"]["schema"]["properties"]
    assert props["city"]["description"] == "The city to look up."
    assert result["loaded"] == [True, True]


def test_a_module_serves_its_stand_ins_until_its_group_loads_for_real(tmp_path: Path) -> None:
    # A package whose __init__ imports a heavy module, and a module the rest of the
    # program takes one name from (as agents.run does SandboxRuntime).
    root = tmp_path / GROUP
    root.mkdir()
    (root / "__init__.py").write_text("from . import heavy as heavy\n")
    (root / "heavy.py").write_text("LOADED = True\n")
    (root / "runtime.py").write_text("from . import heavy\nclass Runtime:\n    real = True\n")
    (root / "user.py").write_text("from .runtime import Runtime\n")
    sys.path.insert(0, str(tmp_path))
    try:
        assert defer_package(GROUP, ANY_SUBMODULE, {"heavy": None, "runtime": None})
        assert defer_module(f"{GROUP}.runtime", {"Runtime": STAND_IN}, [GROUP])
        from chatkit_served_fixture_pkg.runtime import Runtime  # type: ignore[import-not-found]

        # Served as given: neither the module's code nor the package's __init__ ran.
        assert Runtime is STAND_IN
        assert is_deferred(f"{GROUP}.runtime") and is_deferred(GROUP)
        assert f"{GROUP}.heavy" not in sys.modules
        # Real code of the group: from then on every name is the real one, for it too.
        import chatkit_served_fixture_pkg.user as user  # type: ignore[import-not-found]

        assert user.Runtime is not STAND_IN and user.Runtime.real is True
        assert not is_deferred(f"{GROUP}.runtime")
        assert sys.modules[f"{GROUP}.heavy"].LOADED is True
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.split(".")[0] == GROUP]:
            del sys.modules[name]


OTHER_GRIFFE_SCRIPT = (
    BASE
    + """
from jupyter_chatkit.serverext import sdk_stand_ins
# A griffe whose internals live elsewhere (another 2.x layout).
sdk_stand_ins._GRIFFE_ENUMS = "griffe._internal.no_such_module"
deferred = sdk_stand_ins.defer_griffe()
from agents import function_tool
print(json.dumps({"deferred": deferred, "tool": function_tool(lambda: 1).name}))
"""
)


@pytest.mark.timeout(120)
def test_griffe_with_another_layout_is_not_deferred() -> None:
    result = run_fresh(OTHER_GRIFFE_SCRIPT)
    assert result == {"deferred": False, "tool": "<lambda>"}


STREAMS_SCRIPT = (
    BASE
    + """
mode = sys.argv[1]
from jupyter_chatkit.serverext import sdk_stand_ins
if mode == "other":
    sdk_stand_ins.OPENAI_VERSION = "0.0.0"  # another openai release: left as it is
deferred = defer_unused_packages() if mode != "plain" else []
from jupyter_chatkit.serverext.holder import AssistantHolder
from jupyter_chatkit.settings import Settings

async def idle(folder):
    settings = Settings(model="fake-model", api="responses", base_url="http://127.0.0.1:9/v1",
                        api_key="sk-test", store_url=f"sqlite:///{folder}/chat.sqlite3")
    holder = AssistantHolder(settings, attachment_url=lambda a: a)
    await holder.get()
    await holder.warm_up_ended()
    warmed = holder.warmed, holder.warm_requests
    await holder.close()
    return warmed

with tempfile.TemporaryDirectory() as folder:
    warmed = asyncio.run(idle(folder))
from openai.types.responses.parsed_response import ParsedResponse
from jupyter_chatkit.assistant.warmup import _is_deferred
state = {"deferred": "openai.lib.streaming.responses" in deferred, "warmed": list(warmed),
         "idle_events": "openai.lib.streaming.responses._events" in sys.modules,
         "idle_parsed": not _is_deferred(ParsedResponse)}
# client.responses.stream(): openai's own stream manager (no request until entered).
from openai import AsyncOpenAI
import openai.resources.responses.responses as resource
client = AsyncOpenAI(base_url="http://127.0.0.1:9/v1", api_key="sk-test")
manager = client.responses.stream(model="fake-model", input="hi")
from openai.lib.streaming.responses import AsyncResponseStreamManager
import openai.lib._response_resources as helpers
state["used"] = [type(manager) is AsyncResponseStreamManager,
                 isinstance(manager, resource.AsyncResponseStreamManager),
                 helpers.async_parse.__module__ == "openai.lib._response_resources"]
print(json.dumps(state))
"""
)


@pytest.mark.timeout(200)
def test_the_idle_responses_server_builds_no_parsed_response_and_stream_helpers_work() -> None:
    result = run_fresh(STREAMS_SCRIPT, "defer")
    assert result["warmed"][0] is True and result["warmed"][1] > 0
    # The client's Responses resource was imported (the warm-up turn's requests), its
    # parse/stream helpers and their generic events not: ParsedResponse not built.
    assert result["deferred"] is True
    assert result["idle_events"] is False
    assert result["idle_parsed"] is False
    # Used: the real helpers and classes, as without the deferral.
    assert result["used"] == [True, True, True]
    plain = run_fresh(STREAMS_SCRIPT, "plain")
    assert plain["idle_events"] is True and plain["idle_parsed"] is True
    assert plain["used"] == result["used"]
    # Another openai release: nothing deferred, its import as usual.
    other = run_fresh(STREAMS_SCRIPT, "other")
    assert other["deferred"] is False
    assert other["idle_events"] is True and other["used"] == [True, True, True]


def test_another_openai_agents_gets_no_stand_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-ins were read against one openai-agents release; another loads as usual."""
    from jupyter_chatkit.serverext import sdk_stand_ins

    monkeypatch.delitem(sys.modules, "agents", raising=False)  # as before its first import
    assert sdk_stand_ins._known_agents()
    monkeypatch.setattr(sdk_stand_ins, "AGENTS_VERSION", "0.0.1")
    assert not sdk_stand_ins._known_agents()
    assert not sdk_stand_ins.defer_sandbox()
    assert not sdk_stand_ins.defer_mcp_compat()
