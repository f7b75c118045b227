"""The build's warm-up (assistant/warmup.py): what it builds, and what it keeps.

pydantic's state is the process's, and other tests build schemas in it: the checks of
what is built and what is not run in a fresh Python.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from jupyter_chatkit.assistant.warmup import SHARED_MODELS, warm_up
from jupyter_chatkit.protocol import RequestContext

from .fixtures.fake_llm import FakeLLM, Reply
from .fixtures.fresh_server import run_fresh
from .fresh_python import fresh_python_servers as fresh_python_servers  # autouse

# The script's imports: a Python that ran them is forked for each API (fresh_python.py).
BUILT_PREFIX = """
import json, sys
from agents import OpenAIChatCompletionsModel, OpenAIResponsesModel
from openai import AsyncOpenAI
import chatkit.types
from jupyter_chatkit.assistant import warmup
"""
BUILT_SCRIPT = (
    BUILT_PREFIX
    + """
api = sys.argv[1]
# Loopback and a port nothing listens on: the warm-up parses canned answers in
# process and must never connect (it would fail at once if it tried).
client = AsyncOpenAI(base_url="http://127.0.0.1:9/v1", api_key="sk-warm-up-test")
cls = OpenAIResponsesModel if api == "responses" else OpenAIChatCompletionsModel
built = warmup.warm_up(cls(model="fake-model", openai_client=client), api)
shared = [not warmup._is_deferred(cls) for cls in warmup.shared_models(api)]
# Response and an event that nests the output items reuse the members' validators
# (pydantic-core's "prebuilt") instead of building copies of their own.
from openai.types.responses import Response, ResponseOutputItemAddedEvent
ResponseOutputItemAddedEvent.model_rebuild()
reused = [
    "Prebuilt" in repr(cls.__pydantic_validator__)
    for cls in (Response, ResponseOutputItemAddedEvent)
]
# ChatKit's event types: the warm-up turn builds those a turn uses, not the warm-up.
events = [
    name for name in ("ThreadItemDoneEvent", "ThreadItemAddedEvent", "ThreadCreatedEvent")
    if not warmup._is_deferred(getattr(chatkit.types, name))
]
# Responses stream events no turn meets (openai's own parse of a stream would build
# every one of the ~60, each with its own copy of the nested Response).
from openai.types.responses import (ResponseAudioDeltaEvent, ResponseFailedEvent,
    ResponseMcpCallFailedEvent, ResponseQueuedEvent, ResponseWebSearchCallSearchingEvent)
unused = [cls.__name__ for cls in (ResponseAudioDeltaEvent, ResponseFailedEvent,
    ResponseMcpCallFailedEvent, ResponseQueuedEvent, ResponseWebSearchCallSearchingEvent)
    if not warmup._is_deferred(cls)]
# The Responses resource's import builds ParsedResponse: after the shared members, so
# it holds no copy of its own of a member of the unions it nests (a model built inline
# shows its name in the validator; a reused one does not).
from openai.types.responses.parsed_response import ParsedResponse
from openai.types.responses.response_input_item import ResponseInputItem
from openai.types.responses.tool import Tool
parsed = None
if not warmup._is_deferred(ParsedResponse):
    held = repr(ParsedResponse.__pydantic_validator__)
    parsed = sorted({m.__name__ for union in (Tool, ResponseInputItem)
                     for m in warmup.union_members(union) if f'name: "{m.__name__}"' in held})
from jupyter_chatkit.assistant.responses_model import stream_event_types
union = stream_event_types.cache_info().currsize
print(json.dumps({"built": built, "shared": shared, "events": events, "unused": unused,
                  "union": union, "reused": reused, "parsed": parsed}))
"""
)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("api", ["chat_completions", "responses"])
def test_the_warm_up_builds_the_shared_schemas_first_and_no_event_types_by_name(api: str) -> None:
    result = run_fresh(BUILT_SCRIPT, api, prefix=BUILT_PREFIX)
    # Response and the members of the unions it nests (tools, output items), each once.
    assert len(result["shared"]) > len(SHARED_MODELS) + 20
    # Those not built yet (openai-agents builds a few of them at import).
    assert len(SHARED_MODELS) + 20 < result.pop("built") <= len(result["shared"])
    assert result == {
        "shared": [True] * len(result["shared"]),
        "reused": [True, True],
        "parsed": [] if api == "responses" else None,
        "events": [],
        "unused": [],
        # The Responses model's tagged union of stream events, built off the loop.
        "union": int(api == "responses"),
    }


IMPORT_SCRIPT = """
import json, sys
from jupyter_chatkit.assistant import warmup
# As the server's build imports the assistant (serverext/handlers.py).
warmup.import_assistant(sys.argv[1])
from agents.items import ModelResponse
from openai.types.responses.response_output_item import ResponseOutputItem
# openai-agents builds ModelResponse at import; a member built inline shows its name.
held = repr(ModelResponse.__pydantic_validator__)
members = warmup.union_members(ResponseOutputItem)
# The run state's input-item adapter: not built until used.
import agents.run_state
adapter = agents.run_state._HANDOFF_OUTPUT_ADAPTER
print(json.dumps({"members": len(members),
    "inline": sorted(m.__name__ for m in members if f'name: "{m.__name__}"' in held),
    "lazy": type(adapter).__name__, "built": adapter.built}))
"""


@pytest.mark.timeout(120)
@pytest.mark.parametrize("api", ["chat_completions", "responses"])
def test_the_assistants_import_reuses_the_shared_members(api: str) -> None:
    # openai-agents' ModelResponse (built when agents.items is imported) nests the
    # output-item union: imported after the shared members, it holds no copy of one.
    result = run_fresh(IMPORT_SCRIPT, api)
    assert result["members"] > 20
    assert result["inline"] == []
    # ... and the run state's adapter of input items waits for a use.
    assert result["lazy"] == "LazyTypeAdapter"
    assert result["built"] is False


def test_the_lazy_run_state_adapter_validates_as_the_sdks(monkeypatch: pytest.MonkeyPatch) -> None:
    from agents import run_state
    from agents.items import TResponseInputItem
    from pydantic import TypeAdapter

    from jupyter_chatkit.assistant import warmup

    real = run_state._HANDOFF_OUTPUT_ADAPTER
    monkeypatch.setattr(run_state, "_HANDOFF_OUTPUT_ADAPTER", real)  # restored after
    if isinstance(real, warmup.LazyTypeAdapter):  # made lazy by an earlier test's build
        monkeypatch.setattr(run_state, "_HANDOFF_OUTPUT_ADAPTER", TypeAdapter(TResponseInputItem))
    sdk = run_state._HANDOFF_OUTPUT_ADAPTER
    # Another openai-agents: its adapter is left as it is.
    monkeypatch.setattr(warmup, "RUN_STATE_AGENTS_VERSION", "0.0.0")
    assert warmup.lazy_run_state_adapter() is False
    assert run_state._HANDOFF_OUTPUT_ADAPTER is sdk
    monkeypatch.undo()
    monkeypatch.setattr(run_state, "_HANDOFF_OUTPUT_ADAPTER", sdk)
    assert warmup.lazy_run_state_adapter() is True
    lazy = run_state._HANDOFF_OUTPUT_ADAPTER
    assert isinstance(lazy, warmup.LazyTypeAdapter) and not lazy.built
    # Items a handoff output or compaction carries: the same values, errors alike.
    items: list[Any] = [
        {"role": "user", "content": "hi"},
        {"type": "function_call_output", "call_id": "c1", "output": "42"},
        {"type": "compaction", "encrypted_content": "abc"},
    ]
    for item in items:
        assert lazy.validate_python(item) == sdk.validate_python(item)
    assert lazy.built
    with pytest.raises(ValidationError):
        lazy.validate_python({"type": "no-such-item"})
    # Not a TResponseInputItem adapter (another release's layout): left alone.
    other = TypeAdapter(int)
    monkeypatch.setattr(run_state, "_HANDOFF_OUTPUT_ADAPTER", other)
    assert warmup.lazy_run_state_adapter() is False
    assert run_state._HANDOFF_OUTPUT_ADAPTER is other


def test_the_run_context_class_outlives_a_garbage_collection() -> None:
    # pydantic caches a parametrized generic class weakly: unless the warm-up keeps
    # it, a collection takes it and the next turn builds it again.
    from chatkit.agents import AgentContext

    warm_up(object(), "chat_completions")  # no client: nothing of a provider's
    kept = weakref.ref(AgentContext[RequestContext])
    gc.collect()
    assert kept() is not None
    assert AgentContext[RequestContext] is kept()


@pytest.mark.asyncio
async def test_the_warm_up_turn_ends_with_a_full_collection(tmp_path: Path) -> None:
    from jupyter_chatkit.assistant.server import create_assistant
    from jupyter_chatkit.assistant.warm_turn import warm_turn
    from jupyter_chatkit.settings import Settings

    # The offline model: the same turn, nothing of a provider's.
    assistant = await create_assistant(Settings(store_url=f"sqlite:///{tmp_path}/c.sqlite3"))
    full: list[dict[str, Any]] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(info)

    gc.collect()  # whatever was pending before the warm-up
    gc.callbacks.append(note)
    try:
        await warm_turn(assistant)
        ended = len(full)
    finally:
        gc.callbacks.remove(note)
        await assistant.aclose()
    assert ended >= 1


@pytest.mark.asyncio
async def test_the_warm_up_computes_the_clients_platform_before_the_first_request(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    # openai computes the platform of its X-Stainless headers on a client's first
    # request, in a worker thread the first turn would start and wait for.
    from agents import OpenAIChatCompletionsModel
    from openai import AsyncOpenAI, _base_client

    computed: list[str] = []
    real = _base_client.get_platform

    def counted() -> Any:
        platform = real()
        computed.append(str(platform))
        return platform

    monkeypatch.setattr(_base_client, "get_platform", counted)
    client = AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-warm-up-test")
    model = OpenAIChatCompletionsModel(model="fake-model", openai_client=client)
    warm_up(model, "chat_completions")
    assert computed  # (the warm-up's in-process copies compute their own too)
    warmed = len(computed)
    # The first request sends it as computed, and computes nothing more.
    fake_llm.script(Reply("Answered."))
    try:
        answer = await client.chat.completions.create(
            model="fake-model", messages=[{"role": "user", "content": "hi"}]
        )
    finally:
        await client.close()
    assert answer.choices[0].message.content == "Answered."
    assert len(computed) == warmed


@pytest.mark.asyncio
async def test_the_warm_up_turn_signs_the_shared_agents_of_the_real_assistant(
    tmp_path: Path,
) -> None:
    from agents import _run_state_agent_identity as identity

    from jupyter_chatkit.assistant.agent import _SIGNATURE
    from jupyter_chatkit.assistant.server import create_assistant
    from jupyter_chatkit.assistant.warm_turn import warm_turn
    from jupyter_chatkit.settings import Settings

    assistant = await create_assistant(Settings(store_url=f"sqlite:///{tmp_path}/c.sqlite3"))
    shared = [assistant.agent, assistant.agent_mode_agent, assistant.agent_limit_agent]
    try:
        assert [agent.__dict__[_SIGNATURE] for agent in shared] == [None] * 3
        await warm_turn(assistant)
        kept = [agent.__dict__[_SIGNATURE] for agent in shared]
    finally:
        await assistant.aclose()
    # Kept on each agent: what the SDK computes for a copy (which keeps none).
    assert kept == [identity._agent_identity_signature(agent.clone()) for agent in shared]
    assert all(isinstance(value, str) and value for value in kept)
