"""A shared agent's tool schemas are sent as they are: the agents SDK's per-request copy
(``_to_dump_compatible``) and the lean request's plain-JSON walk skip them
(openai_client.freeze_json, run_speedups.share_tools)."""

from __future__ import annotations

import copy
from typing import Any

from agents import FunctionTool
from agents.models.chatcmpl_converter import Converter
from agents.util._json import _to_dump_compatible

from jupyter_chatkit.assistant.agent import build_agent
from jupyter_chatkit.assistant.openai_client import frozen_json, is_plain_json
from jupyter_chatkit.settings import Settings


def test_a_shared_agents_tool_schemas_are_not_copied_per_request() -> None:
    agent = build_agent(Settings(), mode="agent")
    function_tools = [tool for tool in agent.tools if isinstance(tool, FunctionTool)]
    assert function_tools == agent.tools
    schemas = [tool.params_json_schema for tool in function_tools]
    before = copy.deepcopy(schemas)
    tools = _to_dump_compatible([Converter.tool_to_openai(tool) for tool in function_tools])
    sent: list[Any] = [tool["function"]["parameters"] for tool in tools]
    # The schemas themselves, unchanged; the lists and dicts around them are copies.
    assert all(s is schema for s, schema in zip(sent, schemas, strict=True))
    assert all(frozen_json(schema) for schema in schemas)
    assert schemas == before
    assert is_plain_json(tools)


def test_a_schema_that_is_not_plain_json_is_not_frozen() -> None:
    from jupyter_chatkit.assistant.openai_client import freeze_json

    odd: dict[str, Any] = {"type": "object", "properties": {"a": {"enum": (1, 2)}}}
    assert not freeze_json(odd)
    assert not frozen_json(odd)
    assert not is_plain_json(odd)
