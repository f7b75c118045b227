"""The offline model, driven by a real ``agents.Runner`` with real function tools.

The client tools answer with the real kernel introspection over a namespace holding a
pandas DataFrame, as a kernel would; ``propose_code`` records its arguments. The tests
check which tool the model called, that a code card was proposed and that the tool's
data reached the answer, not how the answer is worded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest
from agents import Agent, FunctionTool, RunConfig, Runner, Tool
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from agents.tool_context import ToolContext

from jupyter_chatkit.assistant.agent import build_title_agent
from jupyter_chatkit.assistant.cards import code_card
from jupyter_chatkit.assistant.offline import (
    AGENT_NEEDS_MODEL,
    CODE_TEMPLATE,
    HELP,
    SETUP_HINT,
    OfflineModel,
    render_json,
)
from jupyter_chatkit.context_policy import UNTRUSTED_NOTE
from jupyter_chatkit.kernel.introspect import KernelView, run_tool
from jupyter_chatkit.protocol import AGENT_TOOLS, CLIENT_TOOLS, ClientToolSpec

NAMESPACE: dict[str, Any] = {
    "sales": pd.DataFrame(
        {"region": ["north", "south", None], "price": [9.5, 12.0, 7.25], "units": [3, 5, 2]}
    ),
    "threshold": 10,
}


@dataclass
class Run:
    """What one run did: tool calls in order, the final text and raw stream events."""

    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    text: str = ""
    events: list[Any] = field(default_factory=list)
    history: list[Any] = field(default_factory=list)

    @property
    def tool_names(self) -> list[str]:
        return [name for name, _ in self.tool_calls]


class Tools:
    """Client tools answered by the real introspection, and a recording propose_code."""

    def __init__(self) -> None:
        self.view = KernelView(NAMESPACE)
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

        return FunctionTool(
            name="propose_code",
            description="Show code the user can insert.",
            params_json_schema={"type": "object", "properties": {"code": {"type": "string"}}},
            on_invoke_tool=invoke,
            strict_json_schema=False,
        )

    def agent(
        self, *, client: bool = True, propose: bool = True, steps: bool = False
    ) -> Agent[Any]:
        tools: list[Tool] = [self.client_tool(s) for s in CLIENT_TOOLS] if client else []
        if steps:  # Agent mode: its step tools too
            tools += [self.client_tool(s) for s in AGENT_TOOLS]
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


# -- keyword -> one tool call ---------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("question", "call"),
    [
        ("What variables do I have?", ("list_kernel_variables", {})),
        ("which dataframes are loaded?", ("list_kernel_variables", {})),
        ("describe sales", ("inspect_kernel_variable", {"name": "sales"})),
        ("what is in `threshold`?", ("inspect_kernel_variable", {"name": "threshold"})),
        ("what is in df?", ("inspect_kernel_variable", {"name": "df"})),
        ("What's inside sales", ("inspect_kernel_variable", {"name": "sales"})),
        ("show me sales", ("inspect_kernel_variable", {"name": "sales"})),
        ("show me the cells", ("get_notebook_cells", {})),
        ("what is in cell 3?", ("get_notebook_cells", {})),
        ("Why does my notebook fail with an error?", ("get_notebook_cells", {})),
        ("I got this error in cell 2. How do I fix it?", ("get_notebook_cells", {})),
        ("what is in my notebook?", ("get_notebook_cells", {})),
        ("what's wrong with this cell?", ("get_active_cell", {})),
        ("explain the selected code", ("get_active_cell", {})),
    ],
)
async def test_a_question_calls_one_tool_then_answers_from_its_output(
    question: str, call: tuple[str, dict[str, Any]]
) -> None:
    tools = Tools()
    out = await run(tools.agent(), question, tools)
    assert out.tool_calls == [call]
    assert out.text  # answered after the tool, without calling another one


@pytest.mark.asyncio
async def test_the_answer_shows_what_the_tool_returned() -> None:
    tools = Tools()
    out = await run(tools.agent(), "describe sales", tools)
    inspected = run_tool("inspect_kernel_variable", {"name": "sales"}, KernelView(NAMESPACE))
    for column in inspected["columns"]:
        assert column["name"] in out.text and column["dtype"] in out.text
    assert str(inspected["shape"][0]) in out.text


@pytest.mark.asyncio
async def test_an_unknown_variable_shows_the_kernels_error() -> None:
    tools = Tools()
    out = await run(tools.agent(), "describe sale", tools)
    error = run_tool("inspect_kernel_variable", {"name": "sale"}, KernelView(NAMESPACE))["error"]
    assert out.tool_calls == [("inspect_kernel_variable", {"name": "sale"})]
    assert error in out.text


@pytest.mark.asyncio
@pytest.mark.parametrize("question", ["write code to read a csv file", "plot sales", "how do I"])
async def test_code_requests_propose_one_compilable_card(question: str) -> None:
    tools = Tools()
    out = await run(tools.agent(), question, tools)
    assert out.tool_names == ["propose_code"]
    compile(out.tool_calls[0][1]["code"], "<template>", "exec")
    assert out.text  # a closing line after the card


@pytest.mark.asyncio
async def test_the_note_after_a_card_names_each_of_its_buttons() -> None:
    # It said "Insert and Copy" while the card also had Insert & run.
    tools = Tools()
    out = await run(tools.agent(), "write code to read a csv file", tools)

    def buttons(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["label"]] if node.get("type") == "Button" else []
            return own + [x for v in node.values() for x in buttons(v)]
        return [x for v in node for x in buttons(v)] if isinstance(node, list) else []

    labels = buttons(code_card("x = 1").model_dump())
    assert "Insert & run" in labels
    for label in labels:
        assert label in out.text, label


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "question",
    [
        "Add a cell that prints hello",
        "run cell 2",
        "edit the cell to load data.csv",
        "Please, could you insert a cell below that plots sales?",
    ],
)
async def test_agent_mode_offline_offers_no_step_and_says_a_model_is_needed(
    question: str,
) -> None:
    tools = Tools()
    out = await run(tools.agent(steps=True), question, tools)
    assert out.tool_calls == []  # no step, and no dump of the cells in its place
    assert AGENT_NEEDS_MODEL in out.text and SETUP_HINT in out.text
    # Ask mode (no step tools) still reads the notebook for the same words.
    asked = await run(tools.agent(), "Add a cell that prints hello", tools)
    assert asked.tool_names == ["get_notebook_cells"]
    assert AGENT_NEEDS_MODEL not in asked.text


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "question", ["what is in df after I run cell 2?", "how do I make a histogram of sales?"]
)
async def test_agent_mode_offline_still_reads_for_questions_naming_a_step_verb(
    question: str,
) -> None:
    tools = Tools()
    out = await run(tools.agent(steps=True), question, tools)
    assert AGENT_NEEDS_MODEL not in out.text
    asked = await run(tools.agent(), question, tools)
    assert out.tool_names == asked.tool_names  # as Ask mode answers it


@pytest.mark.asyncio
async def test_code_without_the_propose_tool_is_a_code_block() -> None:
    tools = Tools()
    out = await run(tools.agent(propose=False), "write code to read a csv file", tools)
    assert out.tool_calls == []
    assert f"```python\n{CODE_TEMPLATE}\n```" in out.text


def test_the_starter_template_binds_no_name_a_notebook_is_likely_to_hold() -> None:
    """Insert & run of the starter card never replaces the person's ``df`` (or ``data``)."""
    import ast

    bound = {
        node.id
        for node in ast.walk(ast.parse(CODE_TEMPLATE))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    assert bound and all(name.startswith("example") for name in bound), bound


@pytest.mark.asyncio
@pytest.mark.parametrize("question", ["what variables do I have?", "plot sales", "hello"])
async def test_tools_not_offered_are_never_called(question: str) -> None:
    tools = Tools()
    out = await run(tools.agent(client=False, propose=False), question, tools)
    assert out.tool_calls == []
    assert out.text


@pytest.mark.asyncio
async def test_after_a_tool_output_it_answers_and_never_calls_again() -> None:
    # The shape ChatKit replays after a client tool ran: the output JSON-encoded twice.
    output = run_tool("list_kernel_variables", {}, KernelView(NAMESPACE))
    history = [
        {"role": "user", "content": "what variables do I have?"},
        {
            "type": "function_call",
            "call_id": "c1",
            "name": "list_kernel_variables",
            "arguments": "",
        },
        {"type": "function_call_output", "call_id": "c1", "output": json.dumps(json.dumps(output))},
    ]
    tools = Tools()
    out = await run(tools.agent(), history, tools)
    assert out.tool_calls == []
    assert "sales" in out.text and "threshold" in out.text


@pytest.mark.asyncio
@pytest.mark.parametrize(("hidden", "shown"), [(0, False), (2, True)])
async def test_the_policys_frame_is_not_shown_and_its_count_only_when_it_hid_some(
    hidden: int, shown: bool
) -> None:
    # What the context policy adds for the model: a note, and how many values it hid.
    output = {"untrusted_data": UNTRUSTED_NOTE, "variables": [{"name": "sales"}]}
    history = [
        {"role": "user", "content": "what variables do I have?"},
        {"type": "function_call", "call_id": "c1", "name": "list_kernel_variables"},
        {
            "type": "function_call_output",
            "call_id": "c1",
            "output": json.dumps({**output, "redacted": hidden}),
        },
    ]
    tools = Tools()
    out = await run(tools.agent(), history, tools)
    assert "sales" in out.text and UNTRUSTED_NOTE not in out.text
    assert ("redacted" in out.text) is shown
    assert ("**redacted**: 2" in out.text) is shown


@pytest.mark.asyncio
async def test_context_before_the_question_is_not_taken_as_the_question() -> None:
    # The PolicyConverter puts a message's context (chips, quotes, mentions) before it.
    history = [
        {"role": "user", "content": [{"type": "input_text", "text": "Quoted: write code"}]},
        {"role": "user", "content": [{"type": "input_text", "text": "what variables do I have?"}]},
    ]
    tools = Tools()
    out = await run(tools.agent(), history, tools)
    assert out.tool_names == ["list_kernel_variables"]


# -- the setup hint: once per thread --------------------------------------------------


@pytest.mark.asyncio
async def test_the_setup_hint_is_in_the_first_answer_only() -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "JUPYTER_CHATKIT_MODEL"):
        assert name in SETUP_HINT
    tools = Tools()
    first = await run(tools.agent(), "hello", tools)
    assert first.text.count(SETUP_HINT) == 1
    second = await run(tools.agent(), [*first.history, {"role": "user", "content": "hi"}], tools)
    assert second.text and SETUP_HINT not in second.text


# -- the generic rendering ------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        [],
        {},
        "Error: something failed",
        {"a": {"b": {"c": {"d": {"e": "deep"}}}}},
        {"rows": list(range(1000))},
        [{"name": f"v{i}", "nested": {"x": [1, 2]}} for i in range(50)],
        {"code": "line 1\nline `2`\n" * 200},
    ],
    ids=["none", "empty-str", "empty-list", "empty-dict", "str", "deep", "long", "objs", "text"],
)
def test_any_json_renders_as_a_bounded_bullet_list(value: Any) -> None:
    lines = render_json(value)
    assert lines and all(line.lstrip().startswith("-") for line in lines)
    assert len(lines) <= 60 and all(len(line) <= 400 for line in lines)


def test_rendering_keeps_names_and_values() -> None:
    text = "\n".join(render_json({"variables": [{"name": "df", "shape": [5, 2]}], "total": 1}))
    assert "df" in text and "5, 2" in text and "total" in text


# -- titles and what real models are sent ----------------------------------------------


@pytest.mark.asyncio
async def test_the_title_agent_gets_a_local_title_from_the_first_message() -> None:
    message = "why is df.groupby slow on my laptop today?"
    result = await Runner.run(
        build_title_agent(),
        message,
        run_config=RunConfig(model=OfflineModel(), tracing_disabled=True),
    )
    assert result.final_output == " ".join(message.split()[:6])


@pytest.mark.asyncio
async def test_no_offline_text_reaches_a_real_model(sqlite_store: Any) -> None:
    """House rule 11: prompts to real models carry nothing that exists for the offline one."""
    from jupyter_chatkit.assistant.server import NotebookAssistant, StreamResult
    from jupyter_chatkit.protocol import RequestContext
    from jupyter_chatkit.settings import Settings

    from .chatkit_helpers import collect, req, user_input

    model = ScriptedModel(
        [
            ModelStep(output=[function_call("propose_code", {"code": "x = 1"}, call_id="c1")]),
            ModelStep(output=[assistant_message("Done.", item_id="m1")]),
            ModelStep(output=[assistant_message("A title", item_id="m2")]),
        ]
    )
    settings = Settings(api_key="sk-test", title_threads="model")  # the title agent too
    assistant = NotebookAssistant(sqlite_store, settings, model=model)
    result = await assistant.handle(
        req("threads.create", input=user_input("write code")), RequestContext(user_id="u")
    )
    assert isinstance(result, StreamResult)
    events = await collect(result.chunks)
    assert any(e.type == "thread.updated" for e in events)  # the title agent ran too
    model.assert_complete()
    for call in model.calls:
        sent = json.dumps([call.system_instructions, call.input], default=str)
        for offline_only in ("[[", SETUP_HINT, HELP, CODE_TEMPLATE):
            assert offline_only not in sent


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
    assert deltas > 3
    text = "".join(e.delta for e in out.events if e.type == "response.output_text.delta")
    done = next(e for e in out.events if e.type == "response.output_text.done")
    assert text == done.text == out.text
    assert [e.sequence_number for e in out.events] == list(range(len(out.events)))


@pytest.mark.asyncio
async def test_tool_calls_stream_their_arguments_in_deltas() -> None:
    tools = Tools()
    out = await run(tools.agent(), "write code to read a csv file", tools)
    first_turn = out.events[: [e.type for e in out.events].index("response.completed") + 1]
    added = first_turn[2]
    assert added.type == "response.output_item.added" and added.item.type == "function_call"
    args = "".join(
        e.delta for e in first_turn if e.type == "response.function_call_arguments.delta"
    )
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
    """ChatKit's stream conversion, the client-tool round trip, a code card and a title."""
    from chatkit.types import (
        AssistantMessageItem,
        ClientToolCallItem,
        ThreadItemDoneEvent,
        ThreadUpdatedEvent,
        WidgetItem,
    )

    from jupyter_chatkit.assistant.server import NotebookAssistant, StreamResult
    from jupyter_chatkit.protocol import RequestContext
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
    created = next(e for e in events if e.type == "thread.created")
    thread_id = created.thread.id
    assert created.thread.title == "What variables do I have?"  # a local title, at once
    (call,) = done(events, ClientToolCallItem)
    assert call.name == "list_kernel_variables" and call.status == "pending"

    output = run_tool("list_kernel_variables", {}, KernelView(NAMESPACE))
    events = await stream(req("threads.add_client_tool_output", thread_id=thread_id, result=output))
    assert not [e for e in events if isinstance(e, ThreadUpdatedEvent)]  # titled already
    (answer,) = done(events, AssistantMessageItem)
    assert "sales" in answer.content[0].text
    assert SETUP_HINT in answer.content[0].text  # the thread's first answer
    assert UNTRUSTED_NOTE not in answer.content[0].text  # the policy's frame is for models

    events = await stream(
        req("threads.add_user_message", thread_id=thread_id, input=user_input("plot sales"))
    )
    (card,) = done(events, WidgetItem)
    assert card.copy_text == CODE_TEMPLATE
    (closing,) = done(events, AssistantMessageItem)
    assert SETUP_HINT not in closing.content[0].text
    # Each answer is its own thread item: ids must not collide.
    assert closing.id != answer.id


@pytest.mark.asyncio
async def test_the_note_after_a_card_names_the_buttons_its_front_end_adds(
    sqlite_store: Any,
) -> None:
    """The sidebar adds Replace cell to a code card: its request says so, and the note
    after the card names it (it named only the server card's buttons); the %chat widget,
    which adds none, is not told of it. A label the server does not know is not named."""
    from chatkit.types import AssistantMessageItem, ThreadItemDoneEvent

    from jupyter_chatkit.protocol import REPLACE_CELL_LABEL

    from .chatkit_helpers import make_assistant, stream, user_input

    assistant = make_assistant(sqlite_store, OfflineModel())

    async def note(front_end: dict[str, Any] | None) -> str:
        body: dict[str, Any] = {
            "type": "threads.create",
            "params": {"input": user_input("write code to read a csv file")},
        }
        if front_end is not None:
            body["metadata"] = {"front_end": front_end}
        events = await stream(assistant, json.dumps(body).encode())
        return " ".join(
            part.text
            for e in events
            if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, AssistantMessageItem)
            for part in e.item.content
        )

    sidebar = await note({"card_buttons": [REPLACE_CELL_LABEL, "Launch rockets"]})
    for label in ("Insert", "Insert & run", "Copy", REPLACE_CELL_LABEL):
        assert label in sidebar, label
    assert "Launch rockets" not in sidebar
    widget = await note(None)
    assert "Insert & run" in widget and REPLACE_CELL_LABEL not in widget
