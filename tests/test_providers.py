"""Model providers against the local fake OpenAI server: both APIs, tools, faults, cancel."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import openai
import pytest
from agents import Agent, FunctionTool, RunConfig, Runner
from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
from agents.models.openai_responses import OpenAIResponsesModel
from agents.tool_context import ToolContext

from jupyter_chatkit.assistant.model_errors import EmptyStreamError, IncompleteStreamError
from jupyter_chatkit.assistant.models import (
    PLACEHOLDER_API_KEY,
    describe_model_error,
    set_tracing,
)
from jupyter_chatkit.assistant.offline import OfflineModel
from jupyter_chatkit.assistant.partial import KeepPartialOutput
from jupyter_chatkit.settings import Api, Settings

from .fixtures.fake_llm import (
    FAKE_API_KEY,
    MODEL,
    FakeLLM,
    Fault,
    Reply,
    ToolCall,
    context_too_long,
    cut_stream,
    hang,
    http_error,
    malformed_chunk,
    model_not_found,
    rate_limited,
    server_error,
    stopped_stream,
    unauthorized,
)
from .fixtures.models import built

pytestmark = pytest.mark.usefixtures("close_built_models")

APIS: list[Api] = ["responses", "chat_completions"]


def settings_for(llm: FakeLLM, api: Api, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "model": MODEL,
        "api": api,
        "base_url": llm.base_url,
        "api_key": FAKE_API_KEY,
        "request_timeout": 5.0,
        # Faults must surface at once, not after the client's backoff.
        "max_retries": 0,
    }
    values.update(overrides)
    return Settings(**values)


def run_config(settings: Settings) -> RunConfig:
    return RunConfig(model=built(settings), tracing_disabled=True)


class VariablesTool:
    """``list_kernel_variables`` answered with a fixed listing, calls recorded."""

    OUTPUT = {"variables": [{"name": "sales", "type": "pandas.DataFrame", "shape": [4, 3]}]}

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

        async def invoke(ctx: ToolContext[Any], raw: str) -> str:
            self.calls.append(json.loads(raw or "{}"))
            return json.dumps(self.OUTPUT)

        self.tool = FunctionTool(
            name="list_kernel_variables",
            description="List the kernel's variables.",
            params_json_schema={
                "type": "object",
                "properties": {"name_filter": {"type": "string"}},
                "required": [],
                "additionalProperties": False,
            },
            on_invoke_tool=invoke,
            strict_json_schema=False,
        )


async def stream_run(agent: Agent[Any], settings: Settings, **kwargs: Any) -> list[Any]:
    """Run streamed; return the raw model events."""
    result = Runner.run_streamed(agent, "hi", run_config=run_config(settings), **kwargs)
    events = []
    async for event in result.stream_events():
        if event.type == "raw_response_event":
            events.append(event.data)
    return events


def text_of(events: list[Any]) -> str:
    return "".join(e.delta for e in events if e.type == "response.output_text.delta")


# -- choosing the model ----------------------------------------------------------------


def test_nothing_configured_is_the_offline_model() -> None:
    assert isinstance(built(Settings()), OfflineModel)
    assert isinstance(built(Settings(model="offline", api_key="sk-x")), OfflineModel)


def test_openai_key_alone_uses_the_responses_api(fake_llm: FakeLLM) -> None:
    model = built(Settings(api_key="sk-x"))
    assert isinstance(model, OpenAIResponsesModel)
    assert model.model == "gpt-4.1-mini"


def test_base_url_alone_uses_chat_completions(fake_llm: FakeLLM) -> None:
    model = built(Settings(base_url=fake_llm.base_url, model="llama3.2"))
    assert isinstance(model, OpenAIChatCompletionsModel)
    assert model.model == "llama3.2"


def test_importing_models_does_not_import_the_sdks() -> None:
    code = (
        "import sys, jupyter_chatkit.assistant.models as m;"
        "m.describe_model_error(RuntimeError('x'));"
        "print(sorted(k for k in ('openai', 'agents') if k in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- talking to a server ---------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
async def test_streams_text_and_sends_the_key(fake_llm_with_key: FakeLLM, api: Api) -> None:
    llm = fake_llm_with_key
    llm.script(Reply("Hello from the fake model, streamed word by word."))
    events = await stream_run(Agent(name="a", instructions="Be brief."), settings_for(llm, api))
    assert text_of(events) == "Hello from the fake model, streamed word by word."
    deltas = [e.type for e in events].count("response.output_text.delta")
    # Both APIs merge the text deltas that reach the server together (coalesce.py):
    # how many there are then depends on timing; the text does not.
    assert 1 <= deltas <= 10
    call = llm.last
    assert call.path == ("/v1/responses" if api == "responses" else "/v1/chat/completions")
    assert call.authorization == f"Bearer {FAKE_API_KEY}"
    assert call.body["model"] == MODEL and call.body["stream"] is True
    assert call.finished and not call.disconnected


@pytest.mark.asyncio
async def test_a_key_and_url_written_with_spaces_or_a_line_end_still_work(
    fake_llm_with_key: FakeLLM,
) -> None:
    """``c.JupyterChatKit.api_key = open("key.txt").read()`` keeps the file's line end,
    which no HTTP header may carry: every request failed as "Could not reach the model
    server" (the environment's values were stripped, the config file's were not)."""
    llm = fake_llm_with_key
    llm.script(Reply("Hello."))
    settings = settings_for(
        llm, "chat_completions", api_key=f" {FAKE_API_KEY}\n", base_url=f"{llm.base_url}\n"
    )
    events = await stream_run(Agent(name="a"), settings)
    assert text_of(events) == "Hello."
    assert llm.last.authorization == f"Bearer {FAKE_API_KEY}"


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
async def test_non_streamed_runs_work(fake_llm: FakeLLM, api: Api) -> None:
    fake_llm.script(Reply("A whole answer at once."))
    settings = settings_for(fake_llm, api)
    result = await Runner.run(Agent(name="a"), "hi", run_config=run_config(settings))
    assert result.final_output == "A whole answer at once."
    assert fake_llm.last.stream is False


@pytest.mark.asyncio
async def test_local_server_without_key_gets_a_placeholder(fake_llm: FakeLLM) -> None:
    settings = Settings(base_url=fake_llm.base_url, model="llama3.2", max_retries=0)
    assert settings.effective_api == "chat_completions"
    result = await Runner.run(Agent(name="a"), "hi", run_config=run_config(settings))
    assert result.final_output == "OK from the fake model."
    assert fake_llm.last.authorization == f"Bearer {PLACEHOLDER_API_KEY}"
    assert fake_llm.requests[-1]["model"] == "llama3.2"


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
async def test_tool_call_round_trip(fake_llm: FakeLLM, api: Api) -> None:
    fake_llm.script(
        Reply(tool_calls=[ToolCall("list_kernel_variables", {"name_filter": "sa"})]),
        Reply("You have one DataFrame, `sales`."),
    )
    tool = VariablesTool()
    agent = Agent(name="a", tools=[tool.tool])
    events = await stream_run(agent, settings_for(fake_llm, api))
    assert tool.calls == [{"name_filter": "sa"}]
    assert text_of(events) == "You have one DataFrame, `sales`."
    streamed_args = "".join(
        e.delta for e in events if e.type == "response.function_call_arguments.delta"
    )
    assert json.loads(streamed_args) == {"name_filter": "sa"}

    first, second = fake_llm.requests
    assert [t.get("name") or t["function"]["name"] for t in first["tools"]] == [
        "list_kernel_variables"
    ]
    if api == "responses":
        outputs = [i for i in second["input"] if i.get("type") == "function_call_output"]
    else:
        outputs = [m for m in second["messages"] if m["role"] == "tool"]
    assert len(outputs) == 1
    assert "sales" in (outputs[0].get("output") or outputs[0].get("content"))


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
async def test_a_second_turn_replays_chatkits_history(fake_llm: FakeLLM, api: Api) -> None:
    # ChatKit replays earlier answers as assistant messages with output_text parts; the
    # agents SDK's chat-completions converter rejects those unless they are adapted.
    from datetime import datetime

    from chatkit.agents import ThreadItemConverter
    from chatkit.types import AssistantMessageContent, AssistantMessageItem

    earlier = AssistantMessageItem(
        id="msg_1",
        thread_id="thr_1",
        created_at=datetime.now(),
        content=[AssistantMessageContent(text="First answer.")],
    )
    replayed = await ThreadItemConverter().assistant_message_to_input(earlier)
    assert isinstance(replayed, dict)
    history: list[Any] = [
        {"role": "user", "content": "first question"},
        replayed,
        {"role": "user", "content": "second question"},
    ]
    fake_llm.script(Reply("Second answer."))
    result = await Runner.run(
        Agent(name="a"), history, run_config=run_config(settings_for(fake_llm, api))
    )
    assert result.final_output == "Second answer."
    sent = fake_llm.requests[-1]
    if api == "chat_completions":
        assert {"role": "assistant", "content": "First answer."} in sent["messages"]
    else:
        assert "First answer." in json.dumps(sent["input"])


@pytest.mark.asyncio
async def test_an_earlier_answer_is_replayed_once_while_it_stays(fake_llm: FakeLLM) -> None:
    # The turn's converter hands out the same item dicts turn after turn: each earlier
    # answer is made replayable once, and again only when its content is another list.
    from jupyter_chatkit.assistant.chat_completions import _replayable

    def answer(text: str) -> list[dict[str, Any]]:
        return [{"type": "output_text", "text": text, "annotations": []}]

    earlier: dict[str, Any] = {"role": "assistant", "type": "message", "content": answer("One.")}
    history: list[Any] = [{"role": "user", "content": "first"}, earlier]
    replayed = _replayable([*history, {"role": "user", "content": "second"}])[1]
    assert replayed == {"role": "assistant", "type": "message", "content": "One."}
    assert _replayable(history)[1] is replayed
    earlier["content"] = answer("One, edited.")
    settings = settings_for(fake_llm, "chat_completions")
    for question in ("second", "third"):
        fake_llm.script(Reply("Fine."))
        asked = [*history, {"role": "user", "content": question}]
        await Runner.run(Agent(name="a"), asked, run_config=run_config(settings))
        sent = fake_llm.requests[-1]["messages"]
        assert {"role": "assistant", "content": "One, edited."} in sent
        assert "One." not in json.dumps(sent).replace("One, edited.", "")


@pytest.mark.asyncio
async def test_chat_completions_items_get_unique_ids(fake_llm: FakeLLM) -> None:
    # The agents SDK gives every chat-completions item the id "__fake_id__"; ChatKit
    # would then show each new answer in place of the previous one.
    settings = settings_for(fake_llm, "chat_completions")
    seen: list[str] = []
    for n in range(2):
        fake_llm.script(Reply(f"Answer {n}."))
        result = Runner.run_streamed(Agent(name="a"), "hi", run_config=run_config(settings))
        ids = set()
        async for event in result.stream_events():
            if event.type == "raw_response_event":
                data = event.data
                item = getattr(data, "item", None)
                ids.add(item.id if item is not None else getattr(data, "item_id", None))
        ids.discard(None)
        final_id = result.new_items[0].raw_item.id  # type: ignore[union-attr]
        assert isinstance(final_id, str) and ids == {final_id}
        seen.append(final_id)
    assert len(set(seen)) == 2
    assert all(i.startswith("msg_") for i in seen)

    fake_llm.script(Reply(tool_calls=[ToolCall("list_kernel_variables", {})]), Reply("Done."))
    done = await Runner.run(
        Agent(name="a", tools=[VariablesTool().tool]), "hi", run_config=run_config(settings)
    )
    call = next(i for i in done.new_items if i.type == "tool_call_item")
    assert call.raw_item.id.startswith("fc_")  # type: ignore[union-attr]


def test_item_ids_are_fixed_in_declared_and_extra_fields() -> None:
    """The placeholder id is found in a model's fields, its undeclared extras and plain
    objects alike, and replaced by one id per item across the stream's events."""
    from types import SimpleNamespace

    from openai.types.responses import ResponseOutputMessage, ResponseTextDeltaEvent

    from jupyter_chatkit.assistant.chat_completions import _FAKE_RESPONSES_ID, _ItemIds

    ids = _ItemIds()
    message = ResponseOutputMessage(
        id=_FAKE_RESPONSES_ID, type="message", role="assistant", status="completed", content=[]
    )
    added = SimpleNamespace(type="response.output_item.added", item=message, output_index=0)
    delta = ResponseTextDeltaEvent.model_construct(
        type="response.output_text.delta", delta="hi", item_id=_FAKE_RESPONSES_ID
    )
    # item_id is not a field of this event: openai keeps it as an extra.
    extra = ResponseOutputMessage.model_validate(
        {**message.model_dump(), "id": "msg_2", "item_id": _FAKE_RESPONSES_ID}
    )
    for event in (added, delta, extra):
        ids.fix_event(event)
    assert message.id.startswith("msg_") and delta.item_id == message.id
    assert extra.item_id == message.id  # type: ignore[attr-defined]


# -- faults ----------------------------------------------------------------------------


FAULTS: list[tuple[str, Fault, str, bool]] = [
    ("500", server_error(), "server error (500)", True),
    ("503", server_error(503), "server error (503)", True),
    ("429", rate_limited(2), "rate-limiting requests (429). Try again in 2 s", True),
    ("quota", http_error(429, code="insufficient_quota"), "out of quota", False),
    ("401", unauthorized(), "rejected the API key (401)", False),
    ("403", http_error(403), "(403)", False),
    ("404", model_not_found(), f"model '{MODEL}' was not found", False),
    ("400-context", context_too_long(), "too long for this model's context window", False),
    ("400", http_error(400, code="invalid_value"), "rejected the request (invalid_value)", False),
    ("hang", hang(10), "timed out", True),
    ("cut", cut_stream(after=2), "cut off in the middle of the answer", True),
    ("malformed", malformed_chunk(after=1), "malformed streaming response", True),
]


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize(
    ("fault", "expected", "retry"),
    [pytest.param(f, e, r, id=name) for name, f, e, r in FAULTS],
)
async def test_faults_read_well_and_never_leak_the_key(
    fake_llm: FakeLLM, api: Api, fault: Fault, expected: str, retry: bool
) -> None:
    fake_llm.script(fault)
    settings = settings_for(fake_llm, api, request_timeout=0.5)
    with pytest.raises(Exception) as caught:
        await stream_run(Agent(name="a"), settings)
    message, allow_retry = describe_model_error(caught.value)
    assert expected in message, (type(caught.value), message)
    assert allow_retry is retry
    assert FAKE_API_KEY not in message
    assert "Bearer" not in message and "Incorrect API key" not in message
    assert len(message) < 220


@pytest.mark.asyncio
async def test_chat_stream_that_just_stops_is_cut_off(fake_llm: FakeLLM) -> None:
    # A clean end of body with neither finish_reason nor [DONE], from a server that is
    # not api.openai.com (where the agents SDK would not check).
    fake_llm.script(stopped_stream("Half of an answer that stops", after=2))
    settings = settings_for(fake_llm, "chat_completions")
    with pytest.raises(IncompleteStreamError) as caught:
        await stream_run(Agent(name="a"), settings)
    message, allow_retry = describe_model_error(caught.value)
    assert "cut off in the middle of the answer" in message and allow_retry


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
async def test_a_reply_with_no_stream_in_it_is_not_called_cut_off(
    fake_llm: FakeLLM, api: Api
) -> None:
    # A 200 whose body is no event stream (here a whole JSON answer, as from a server
    # that ignores "stream": true; a proxy's web page reads the same): openai reads no
    # event from it. Nothing was cut off "in the middle of the answer": none began.
    fake_llm.script(Fault(status=200, body={"object": "chat.completion", "choices": []}))
    config = RunConfig(model=KeepPartialOutput(built(settings_for(fake_llm, api))))
    result = Runner.run_streamed(Agent(name="a"), "hi", run_config=config)
    with pytest.raises(EmptyStreamError) as caught:
        async for _ in result.stream_events():
            pass
    message, allow_retry = describe_model_error(caught.value)
    assert "cut off" not in message and "no answer" in message, message
    assert "OPENAI_BASE_URL" in message and allow_retry


@pytest.mark.asyncio
async def test_chat_stream_with_done_but_no_finish_reason_is_complete(fake_llm: FakeLLM) -> None:
    # Some servers send finish_reason "" (or none) but do end with [DONE].
    fake_llm.script(Reply("All of it."))
    fake_llm.omit_finish_reason = True
    settings = settings_for(fake_llm, "chat_completions")
    events = await stream_run(Agent(name="a"), settings)
    assert text_of(events) == "All of it."


@pytest.mark.asyncio
async def test_unreachable_server_names_the_host(unused_tcp_port: int) -> None:
    settings = Settings(
        base_url=f"http://127.0.0.1:{unused_tcp_port}/v1", api_key=FAKE_API_KEY, max_retries=0
    )
    with pytest.raises(openai.APIConnectionError) as caught:
        await Runner.run(Agent(name="a"), "hi", run_config=run_config(settings))
    message, retry = describe_model_error(caught.value)
    assert message.startswith(f"Could not reach the model server at 127.0.0.1:{unused_tcp_port}.")
    assert "OPENAI_BASE_URL" in message and retry is True


@pytest.mark.asyncio
@pytest.mark.parametrize("url", ["localhost:{port}/v1", "127.0.0.1:{port}/v1"])
async def test_a_base_url_without_a_scheme_is_named_as_the_problem(
    unused_tcp_port: int, url: str
) -> None:
    # LM Studio and vLLM show their address as "localhost:1234/v1"; pasted as is, every
    # request failed as "could not reach the model server", naming no host to check.
    settings = Settings(
        base_url=url.format(port=unused_tcp_port), api_key=FAKE_API_KEY, max_retries=0
    )
    with pytest.raises(openai.APIConnectionError) as caught:
        await Runner.run(Agent(name="a"), "hi", run_config=run_config(settings))
    message, retry = describe_model_error(caught.value)
    assert "http://" in message and "OPENAI_BASE_URL" in message
    assert retry is False  # trying again cannot help


@pytest.mark.asyncio
async def test_too_many_turns_and_unknown_tools_read_well(fake_llm: FakeLLM) -> None:
    settings = settings_for(fake_llm, "responses")
    tool = VariablesTool()
    fake_llm.script(*[Reply(tool_calls=[ToolCall("list_kernel_variables", {})])] * 3)
    with pytest.raises(Exception) as caught:
        await Runner.run(
            Agent(name="a", tools=[tool.tool]), "hi", run_config=run_config(settings), max_turns=2
        )
    assert describe_model_error(caught.value) == (
        "The assistant took too many steps without finishing. Try a more specific question.",
        False,
    )

    fake_llm.reset()
    fake_llm.script(Reply(tool_calls=[ToolCall("no_such_tool", {})]))
    with pytest.raises(Exception) as caught:
        await Runner.run(Agent(name="a", tools=[tool.tool]), "hi", run_config=run_config(settings))
    message, retry = describe_model_error(caught.value)
    assert "could not use" in message and retry is True


def test_unknown_errors_are_generic_and_carry_no_details() -> None:
    message, retry = describe_model_error(RuntimeError(f"boom {FAKE_API_KEY}"))
    assert message == (
        "Something went wrong while talking to the model (RuntimeError). "
        "The Jupyter server log has details."
    )
    assert retry is True


# -- cancelling ------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
async def test_cancelling_a_run_closes_the_upstream_request(fake_llm: FakeLLM, api: Api) -> None:
    fake_llm.token_delay = 0.05
    words = " ".join(f"word{n}" for n in range(200))
    fake_llm.script(Reply(words))
    result = Runner.run_streamed(
        Agent(name="a"), "hi", run_config=run_config(settings_for(fake_llm, api))
    )
    async for event in result.stream_events():
        if event.type == "raw_response_event" and event.data.type == "response.output_text.delta":
            result.cancel()
    call = await fake_llm.wait_for_disconnect(within=5)
    assert call.disconnected and not call.finished
    assert call.deltas_sent < 50


@pytest.mark.asyncio
async def test_cancelling_the_consumer_task_closes_the_upstream_request(
    fake_llm: FakeLLM,
) -> None:
    # What happens when the browser goes away: the server's response task is cancelled.
    fake_llm.token_delay = 0.05
    fake_llm.script(Reply(" ".join(["token"] * 200)))
    result = Runner.run_streamed(
        Agent(name="a"), "hi", run_config=run_config(settings_for(fake_llm, "responses"))
    )
    first_delta = asyncio.Event()

    async def consume() -> None:
        try:
            async for event in result.stream_events():
                if event.type == "raw_response_event":
                    first_delta.set()
        except asyncio.CancelledError:
            result.cancel()
            raise

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first_delta.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    call = await fake_llm.wait_for_disconnect(within=5)
    assert not call.finished


# -- tracing ---------------------------------------------------------------------------


def tracing_on() -> bool:
    from agents.tracing import get_trace_provider
    from agents.tracing.traces import NoOpTrace

    return not isinstance(get_trace_provider().create_trace("probe"), NoOpTrace)


def test_tracing_is_off_unless_asked_for() -> None:
    assert set_tracing(Settings(api_key="sk-x")) is False
    assert not tracing_on()


SKIPPED_EXPORTER_SCRIPT = """
import json, sys
from jupyter_chatkit.assistant.models import set_tracing
from jupyter_chatkit.settings import Settings
from agents.tracing import get_trace_provider, processors
from agents.tracing.traces import NoOpTrace

def on():
    return not isinstance(get_trace_provider().create_trace("probe"), NoOpTrace)

off = set_tracing(Settings(api_key="sk-x"))
state = {"off": [off, on(), processors._global_exporter is None]}
# Turned on later: traces reach the default processor, with the OpenAI key.
enabled = set_tracing(Settings(api_key="sk-openai", tracing=True))
seen = get_trace_provider()._multi_processor._processors
state["on"] = [enabled, on(), processors.default_processor() in seen,
               processors.default_exporter().api_key == "sk-openai"]
print(json.dumps(state))
"""


@pytest.mark.timeout(120)
def test_tracing_off_makes_no_trace_exporter_and_on_later_gets_one() -> None:
    # The SDK's default processor opens its exporter's HTTP client (an SSL context,
    # ~1 MB) when made: tracing off makes none. A fresh Python: no provider yet.
    from .fixtures.fresh_server import run_fresh

    result = run_fresh(SKIPPED_EXPORTER_SCRIPT)
    assert result == {"off": [False, False, True], "on": [True, True, True, True]}


def test_tracing_goes_to_openai_only_with_the_openai_key() -> None:
    from agents.tracing import default_exporter

    try:
        assert set_tracing(Settings(api_key="sk-openai", tracing=True)) is True
        assert tracing_on()
        assert default_exporter().api_key == "sk-openai"
        # A third-party provider's key must never be sent to OpenAI's trace endpoint.
        assert (
            set_tracing(
                Settings(api_key="sk-other", base_url="http://127.0.0.1:1/v1", tracing=True)
            )
            is False
        )
        assert not tracing_on()
    finally:
        default_exporter().set_api_key("")
