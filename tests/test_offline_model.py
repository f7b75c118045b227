"""The offline model, driven by a real ``agents.Runner`` with real function tools.

The client tools here answer with the real kernel introspection over a namespace
holding a pandas DataFrame, as a kernel would; ``propose_code`` records its arguments.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest
from agents import Agent, FunctionTool, RunConfig, Runner, Tool
from agents.tool_context import ToolContext

from jupyter_chatkit.assistant.offline import TITLE_MARKER, OfflineModel
from jupyter_chatkit.assistant.offline_replies import SETUP_HINT
from jupyter_chatkit.assistant.tools import CLIENT_TOOLS, ClientToolSpec
from jupyter_chatkit.kernel.introspect import KernelView, run_tool

NAMESPACE: dict[str, Any] = {
    "sales": pd.DataFrame(
        {
            "region": ["north", "south", "east", None],
            "price": [9.5, 12.0, 7.25, 11.0],
            "units": [3, 5, 2, 8],
        }
    ),
    "threshold": 10,
}


@dataclass
class Run:
    """What one run did: tool calls in order, the final text and raw event types."""

    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    text: str = ""
    events: list[Any] = field(default_factory=list)
    history: list[Any] = field(default_factory=list)

    @property
    def tool_names(self) -> list[str]:
        return [name for name, _ in self.tool_calls]


class Tools:
    """Client tools answered by the real introspection, and a recording propose_code."""

    def __init__(self, namespace: dict[str, Any] | None = None) -> None:
        self.view = KernelView(namespace if namespace is not None else NAMESPACE)
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def client_tool(self, spec: ClientToolSpec) -> FunctionTool:
        async def invoke(ctx: ToolContext[Any], raw: str) -> str:
            args = json.loads(raw or "{}")
            self.calls.append((spec.name, args))
            return json.dumps(run_tool(spec.name, args, self.view))

        return FunctionTool(
            name=spec.name,
            description=spec.description,
            params_json_schema=spec.parameters,
            on_invoke_tool=invoke,
            strict_json_schema=False,
        )

    def propose_code(self) -> FunctionTool:
        async def invoke(ctx: ToolContext[Any], raw: str) -> str:
            self.calls.append(("propose_code", json.loads(raw)))
            return "Shown to the user as a code card."

        schema = {
            "type": "object",
            "properties": {k: {"type": "string"} for k in ("code", "title", "explanation")},
            "required": ["code"],
            "additionalProperties": False,
        }
        return FunctionTool(
            name="propose_code",
            description="Show code the user can insert.",
            params_json_schema=schema,
            on_invoke_tool=invoke,
            strict_json_schema=False,
        )

    def agent(self, *, client: bool = True, propose: bool = True) -> Agent[Any]:
        tools: list[Tool] = [self.client_tool(s) for s in CLIENT_TOOLS] if client else []
        if propose:
            tools.append(self.propose_code())
        return Agent(name="assistant", instructions="You help with notebooks.", tools=tools)


async def run(agent: Agent[Any], input: str | list[Any], tools: Tools) -> Run:
    """Run the agent streamed on the offline model, as the assistant server does."""
    before = len(tools.calls)
    result = Runner.run_streamed(
        agent, input, run_config=RunConfig(model=OfflineModel(), tracing_disabled=True)
    )
    out = Run()
    async for event in result.stream_events():
        if event.type == "raw_response_event":
            out.events.append(event.data)
    out.tool_calls = tools.calls[before:]
    out.text = str(result.final_output or "")
    out.history = result.to_input_list()
    return out


def follow_up(previous: Run, text: str) -> list[Any]:
    return [*previous.history, {"role": "user", "content": text}]


def assert_explains_setup_once(text: str) -> None:
    assert text.count(SETUP_HINT) == 1
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "JUPYTER_CHATKIT_MODEL"):
        assert name in SETUP_HINT
    assert "JUPYTER_CHATKIT_API=chat_completions" in SETUP_HINT
    assert "restart Jupyter" in SETUP_HINT


# -- questions about the kernel ------------------------------------------------------


@pytest.mark.asyncio
async def test_variables_question_lists_them_and_summarises_as_a_table() -> None:
    tools = Tools()
    out = await run(tools.agent(), "What variables do I have?", tools)
    assert out.tool_names == ["list_kernel_variables"]
    assert "| `sales` | pandas.DataFrame | 4 x 3 | columns: region, price, units |" in out.text
    assert "| `threshold` | int |" in out.text
    assert "describe sales" in out.text
    assert_explains_setup_once(out.text)


@pytest.mark.asyncio
async def test_describe_a_variable_inspects_it_with_columns_and_dtypes() -> None:
    tools = Tools()
    out = await run(tools.agent(), "describe sales", tools)
    assert out.tool_calls == [("inspect_kernel_variable", {"name": "sales"})]
    assert "**`sales`** is a `pandas.DataFrame` with shape 4 x 3." in out.text
    assert "| `price` | float64 | 0 |" in out.text
    region_dtype = str(NAMESPACE["sales"]["region"].dtype)  # "str" on pandas 3, else object
    assert f"| `region` | {region_dtype} | 1 |" in out.text  # one null
    assert "Numeric columns: `price`, `units`." in out.text
    assert "First rows:" in out.text
    assert_explains_setup_once(out.text)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "question",
    ["what columns does sales have?", "What's the shape of `sales`?", "tell me about sales"],
)
async def test_phrasings_naming_a_variable_inspect_it(question: str) -> None:
    tools = Tools()
    out = await run(tools.agent(), question, tools)
    assert out.tool_calls == [("inspect_kernel_variable", {"name": "sales"})]


@pytest.mark.asyncio
async def test_a_variable_known_from_an_earlier_listing_is_recognised() -> None:
    tools = Tools()
    first = await run(tools.agent(), "what data do I have?", tools)
    out = await run(tools.agent(), follow_up(first, "how big is threshold"), tools)
    assert out.tool_calls == [("inspect_kernel_variable", {"name": "threshold"})]
    assert "`threshold`" in out.text


@pytest.mark.asyncio
async def test_unknown_variable_reports_the_kernels_error_and_suggestion() -> None:
    tools = Tools()
    out = await run(tools.agent(), "describe sale", tools)
    assert out.tool_calls == [("inspect_kernel_variable", {"name": "sale"})]
    assert "couldn't answer: No variable named 'sale'" in out.text
    assert "Did you mean `sales`?" in out.text


# -- questions about the notebook ----------------------------------------------------


FRONT_END_CELLS = {
    "cells": [
        {"index": 0, "cell_type": "markdown", "source": "# Sales"},
        {"index": 1, "cell_type": "code", "source": "import pandas as pd", "outputs": []},
        {
            "index": 2,
            "cell_type": "code",
            "source": "sales.groupby('regin').price.mean()",
            "outputs": [
                {
                    "output_type": "error",
                    "ename": "KeyError",
                    "evalue": "'regin'",
                    "traceback": ["\x1b[31mKeyError\x1b[0m: 'regin'"],
                }
            ],
        },
    ]
}


def front_end_tool(name: str, output: Any, calls: list[str]) -> FunctionTool:
    """A client tool answered the way the notebook front end does."""

    async def invoke(ctx: ToolContext[Any], raw: str) -> str:
        calls.append(name)
        return json.dumps(output)

    spec = next(s for s in CLIENT_TOOLS if s.name == name)
    return FunctionTool(
        name=name,
        description=spec.description,
        params_json_schema=spec.parameters,
        on_invoke_tool=invoke,
        strict_json_schema=False,
    )


@pytest.mark.asyncio
async def test_error_question_reads_the_notebook_and_explains_the_error() -> None:
    tools = Tools()
    calls: list[str] = []
    agent = Agent(
        name="a",
        tools=[front_end_tool("get_notebook_cells", FRONT_END_CELLS, calls)],
    )
    out = await run(agent, "Why does my notebook fail with an error?", tools)
    assert calls == ["get_notebook_cells"]
    assert "3 cells (2 code, 1 markdown)" in out.text
    assert "- Cell 3 raised `KeyError: 'regin'`: that key or column doesn't exist" in out.text
    assert_explains_setup_once(out.text)


@pytest.mark.asyncio
async def test_this_cell_reads_the_active_cell_from_kernel_history() -> None:
    calls: list[str] = []
    active = {
        "from": "kernel_execution_history",
        "cell": {"execution_count": 7, "cell_type": "code", "source": "x = 1 / 0\n"},
        "last_error": {"type": "ZeroDivisionError", "message": "division by zero"},
    }
    agent = Agent(name="a", tools=[front_end_tool("get_active_cell", active, calls)])
    out = await run(agent, "what's wrong with this cell?", Tools())
    assert calls == ["get_active_cell"]
    assert "Your active cell [7] is a code cell with 1 line:" in out.text
    assert "```python\nx = 1 / 0\n```" in out.text
    assert "`ZeroDivisionError: division by zero`: something is divided by zero" in out.text


# -- code ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_plot_uses_the_dataframe_found_earlier_and_closes_briefly() -> None:
    tools = Tools()
    first = await run(tools.agent(), "which dataframes are loaded?", tools)
    out = await run(tools.agent(), follow_up(first, "plot a histogram of sales"), tools)
    assert out.tool_names == ["propose_code"]
    args = out.tool_calls[0][1]
    assert 'sales["price"].plot.hist(bins=30)' in args["code"]
    assert args["title"] == "Histogram of price"
    assert "sales" in args["explanation"]
    assert out.text.startswith("The code is in the card above.")
    assert_explains_setup_once(out.text)


@pytest.mark.asyncio
async def test_plot_without_known_data_proposes_a_generic_template() -> None:
    tools = Tools()
    out = await run(tools.agent(), "Can you plot something for me?", tools)
    assert out.tool_names == ["propose_code"]
    code = out.tool_calls[0][1]["code"]
    assert "import matplotlib.pyplot as plt" in code
    compile(code, "<template>", "exec")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("question", "snippet"),
    [
        ("write code to read a csv file", "pd.read_csv("),
        ("how do I count missing values?", ".isna().sum()"),
        ("code to group by region and average the price", ".groupby("),
    ],
)
async def test_code_requests_propose_compilable_templates(question: str, snippet: str) -> None:
    tools = Tools()
    out = await run(tools.agent(), question, tools)
    assert out.tool_names == ["propose_code"]
    code = out.tool_calls[0][1]["code"]
    assert snippet in code
    compile(code, "<template>", "exec")


@pytest.mark.asyncio
async def test_code_without_propose_tool_is_answered_inline() -> None:
    tools = Tools()
    out = await run(tools.agent(propose=False), "write code to read a csv file", tools)
    assert out.tool_calls == []
    assert "```python\nimport pandas as pd" in out.text
    assert_explains_setup_once(out.text)


# -- the rules: offered tools only, no loops, what the person typed -------------------


@pytest.mark.asyncio
async def test_tools_not_offered_are_never_called() -> None:
    tools = Tools()
    out = await run(tools.agent(client=False, propose=False), "what variables do I have?", tools)
    assert out.tool_calls == []
    assert "that tool isn't available" in out.text
    assert_explains_setup_once(out.text)


@pytest.mark.asyncio
async def test_after_a_tool_output_it_answers_in_text_never_calling_again() -> None:
    # The shape ChatKit replays after a client tool ran: the output JSON-encoded twice.
    output = run_tool("list_kernel_variables", {}, KernelView(NAMESPACE))
    history = [
        {"role": "user", "content": "what variables do I have?"},
        {
            "type": "function_call",
            "call_id": "call_1",
            "name": "list_kernel_variables",
            "arguments": "{}",
        },
        {
            "type": "function_call_output",
            "call_id": "call_1",
            "output": json.dumps(json.dumps(output)),
        },
    ]
    tools = Tools()
    out = await run(tools.agent(), history, tools)
    assert out.tool_calls == []
    assert "| `sales` | pandas.DataFrame |" in out.text


@pytest.mark.asyncio
async def test_hidden_context_and_code_cards_are_not_taken_as_the_question() -> None:
    history = [
        {"role": "user", "content": [{"type": "input_text", "text": "what variables do I have?"}]},
        {
            "type": "message",
            "role": "user",
            "content": [
                {
                    "type": "input_text",
                    "text": "You showed the user a code card (id w1). Plot it.\n```python\n```",
                }
            ],
        },
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "Hidden context for the agent: plot"}],
        },
    ]
    tools = Tools()
    out = await run(tools.agent(), history, tools)
    assert out.tool_names == ["list_kernel_variables"]


@pytest.mark.asyncio
@pytest.mark.parametrize("question", ["hello", "What can you do?"])
async def test_other_questions_explain_what_works_offline(question: str) -> None:
    tools = Tools()
    out = await run(tools.agent(), question, tools)
    assert out.tool_calls == []
    assert "what variables do I have?" in out.text
    assert_explains_setup_once(out.text)
    assert out.text.startswith("Hello! ") == (question == "hello")


# -- titles --------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("message", "title"),
    [
        (
            "Hey, can you plot the monthly revenue of my sales dataframe please?",
            "Plot the monthly revenue of my",
        ),
        ("why is df.groupby slow?", "Why is df.groupby slow"),
        ("   ", "New chat"),
    ],
)
async def test_title_requests_get_a_short_title_from_the_first_message(
    message: str, title: str
) -> None:
    agent = Agent(name="titler", instructions=f"{TITLE_MARKER} Write a short title.")
    result = await Runner.run(
        agent, message, run_config=RunConfig(model=OfflineModel(), tracing_disabled=True)
    )
    assert result.final_output == title
    assert len(str(result.final_output).split()) <= 6


# -- the stream itself ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_text_streams_as_a_responses_api_event_sequence() -> None:
    tools = Tools()
    out = await run(tools.agent(), "hello", tools)
    kinds = [e.type for e in out.events]
    deltas = kinds.count("response.output_text.delta")
    assert kinds == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        *["response.output_text.delta"] * deltas,
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert deltas > 5
    text = "".join(e.delta for e in out.events if e.type == "response.output_text.delta")
    done = next(e for e in out.events if e.type == "response.output_text.done")
    assert text == done.text == out.text
    numbers = [e.sequence_number for e in out.events]
    assert numbers == list(range(len(numbers)))


@pytest.mark.asyncio
async def test_tool_calls_stream_their_arguments_in_deltas() -> None:
    tools = Tools()
    out = await run(tools.agent(), "write code to read a csv file", tools)
    first_turn = out.events[: [e.type for e in out.events].index("response.completed") + 1]
    kinds = [e.type for e in first_turn]
    assert kinds[2] == "response.output_item.added"
    assert first_turn[2].item.type == "function_call"
    assert first_turn[2].item.arguments == ""
    args = "".join(
        e.delta for e in first_turn if e.type == "response.function_call_arguments.delta"
    )
    assert kinds.count("response.function_call_arguments.delta") > 3
    done = next(e for e in first_turn if e.type == "response.function_call_arguments.done")
    assert json.loads(args) == json.loads(done.arguments) == out.tool_calls[0][1]


@pytest.mark.asyncio
async def test_message_ids_are_unique_across_answers() -> None:
    # ChatKit reuses a message's id as its thread item id.
    tools = Tools()
    ids = set()
    for _ in range(3):
        out = await run(tools.agent(), "hello", tools)
        ids.add(next(e.item.id for e in out.events if e.type == "response.output_item.added"))
    assert len(ids) == 3


@pytest.mark.asyncio
async def test_non_streamed_runs_give_the_same_answer() -> None:
    tools = Tools()
    streamed = await run(tools.agent(), "describe sales", tools)
    result = await Runner.run(
        tools.agent(),
        "describe sales",
        run_config=RunConfig(model=OfflineModel(), tracing_disabled=True),
    )
    assert result.final_output == streamed.text
    assert tools.calls[-1] == ("inspect_kernel_variable", {"name": "sales"})


# -- through the assistant server ----------------------------------------------------


@pytest.mark.asyncio
async def test_offline_conversation_through_the_assistant_server(sqlite_store: Any) -> None:
    """ChatKit's stream conversion, the client-tool round trip, code cards and titles."""
    from chatkit.types import (
        AssistantMessageItem,
        ClientToolCallItem,
        ThreadItemDoneEvent,
        ThreadUpdatedEvent,
        WidgetItem,
    )

    from jupyter_chatkit.assistant.context import RequestContext
    from jupyter_chatkit.assistant.server import NotebookAssistant, StreamResult
    from jupyter_chatkit.settings import Settings

    from .chatkit_helpers import collect, req, user_input

    assistant = NotebookAssistant(sqlite_store, Settings())  # nothing configured: offline
    ctx = RequestContext(user_id="alice")

    async def stream(body: bytes) -> list[Any]:
        result = await assistant.handle(body, ctx)
        assert isinstance(result, StreamResult)
        return await collect(result.chunks)

    def done(events: list[Any], kind: type) -> list[Any]:
        return [
            e.item
            for e in events
            if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, kind)
        ]

    events = await stream(req("threads.create", input=user_input("What variables do I have?")))
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    (call,) = done(events, ClientToolCallItem)
    assert call.name == "list_kernel_variables" and call.status == "pending"
    titles = [e.thread.title for e in events if isinstance(e, ThreadUpdatedEvent)]

    output = run_tool("list_kernel_variables", {}, KernelView(NAMESPACE))
    events = await stream(req("threads.add_client_tool_output", thread_id=thread_id, result=output))
    titles += [e.thread.title for e in events if isinstance(e, ThreadUpdatedEvent)]
    # The offline model names the thread from the first message (now or after the tool).
    assert titles[-1:] == ["What variables do I have"]
    (answer,) = done(events, AssistantMessageItem)
    text = answer.content[0].text
    assert "| `sales` | pandas.DataFrame | 4 x 3 |" in text
    assert_explains_setup_once(text)

    events = await stream(
        req("threads.add_user_message", thread_id=thread_id, input=user_input("plot sales"))
    )
    (card,) = done(events, WidgetItem)
    assert 'sales[["price", "units"]].plot(' in (card.copy_text or "")
    (closing,) = done(events, AssistantMessageItem)
    assert closing.content[0].text.startswith("The code is in the card above.")
    # Each answer is its own thread item: ids must not collide.
    assert closing.id != answer.id
