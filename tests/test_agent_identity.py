"""The assistant's shared agents keep the identity signature openai-agents asks of them."""

from __future__ import annotations

from typing import Any

import pytest
from agents import Agent, FunctionTool, RunConfig, Runner
from agents import _run_state_agent_identity as identity
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call

from jupyter_chatkit.assistant.agent import build_agent, share_agent
from jupyter_chatkit.settings import Settings

KEPT = "_jupyter_chatkit_identity_signature"
SETTINGS = Settings(model="m", base_url="http://127.0.0.1:9/v1", api_key="sk-x")


@pytest.mark.parametrize("mode", ["ask", "agent", "agent_limit"])
def test_a_shared_agent_keeps_the_signature_the_sdk_computes(mode: str) -> None:
    agent = build_agent(SETTINGS, mode=mode)
    copy = agent.clone()  # not shared: computed by the SDK every time
    assert KEPT not in copy.__dict__
    first = identity._agent_identity_signature(agent)
    assert first == identity._agent_identity_signature(copy)
    assert agent.__dict__[KEPT] == first
    assert identity._agent_identity_signature(agent) == first
    assert KEPT not in copy.__dict__
    assert identity._build_agent_identity_keys_by_id(agent) == {id(agent): agent.name}


def test_other_agents_are_computed_as_before() -> None:
    agent = Agent(name="other", instructions="one")
    before = identity._agent_identity_signature(agent)
    agent.instructions = "two"
    after = identity._agent_identity_signature(agent)
    assert before != after and KEPT not in agent.__dict__


@pytest.mark.asyncio
async def test_a_run_of_a_shared_agent_uses_the_kept_signature() -> None:
    """A streamed run with a tool call (two model calls) asks for it several times."""

    async def tool(ctx: Any, raw: str) -> str:
        return "done"

    f = FunctionTool(
        name="f",
        description="f",
        params_json_schema={"type": "object", "properties": {}},
        on_invoke_tool=tool,
        strict_json_schema=False,
    )
    agent: Agent[Any] = share_agent(Agent(name="shared", instructions="Answer.", tools=[f]))
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("f", {}, call_id="c1")]),
            ModelStep(output=[assistant_message("All done.", item_id="m1")]),
        ]
    )
    result = Runner.run_streamed(
        agent, "hi", run_config=RunConfig(model=model, tracing_disabled=True)
    )
    async for _ in result.stream_events():
        pass
    assert result.final_output == "All done."
    kept = agent.__dict__[KEPT]
    assert isinstance(kept, str) and kept == identity._agent_identity_signature(agent.clone())
