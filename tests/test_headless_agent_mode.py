"""A headless front end (the kernel's ``Chat().ask``, ``%chat QUESTION``) on a thread in
Agent mode: it cannot show approval cards, so its requests offer the model none of Agent
mode's notebook steps and no MCP tools, while the thread stays in Agent mode for the
browser. A ScriptedModel stands in for the LLM; store, server, kernel client, IPython
shell and the kernel's tool answers are real."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import NoticeEvent, ThreadStreamEvent
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.assistant.agent_tools import AGENT_TOOL_NAMES
from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.kernel.client import ChatClient
from jupyter_chatkit.kernel.live import StreamingClient
from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, json_call, make_assistant, req, stream, user_input

AGENT = {"agent": {"mode": "agent", "auto_run": True}}
HEADLESS = {"front_end": {"approval_cards": False}}

ClientFactory = Callable[[NotebookAssistant, RequestContext, str | None], ChatClient]


def chat_client(
    assistant: NotebookAssistant, ctx: RequestContext, thread: str | None
) -> ChatClient:
    return ChatClient(assistant, ctx, thread_id=thread)


def live_client(
    assistant: NotebookAssistant, ctx: RequestContext, thread: str | None
) -> ChatClient:
    # %chat QUESTION's client: events also go to the running cell's output.
    seen: list[ThreadStreamEvent] = []
    return StreamingClient(assistant, ctx, seen.append, thread_id=thread)


def request(type_: str, metadata: dict[str, Any], **params: Any) -> bytes:
    return json.dumps({"type": type_, "params": params, "metadata": metadata}).encode()


def tool_names(call: Any) -> set[str]:
    return {tool.name for tool in call.tools}


async def agent_settings(assistant: NotebookAssistant, thread_id: str) -> Any:
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200
    return thread["metadata"]["agent"]


@pytest.mark.asyncio
@pytest.mark.parametrize("factory", [chat_client, live_client], ids=["ask", "live"])
async def test_a_headless_question_on_an_agent_thread_offers_no_notebook_steps(
    sqlite_store: SQLStore, shell: InteractiveShell, factory: ClientFactory
) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[assistant_message("Agent mode is on.", item_id="m0")]),
            # The kernel answers a read tool; the resumed request is headless too.
            ModelStep(output=[function_call("list_kernel_variables", {}, call_id="c1")]),
            ModelStep(output=[assistant_message("Here is what I found.", item_id="m1")]),
            ModelStep(output=[assistant_message("Back in the browser.", item_id="m2")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    # The browser switched this conversation to Agent mode (with Auto-run).
    events = await stream(assistant, request("threads.create", AGENT, input=user_input("hi")))
    thread_id = events[0].thread.id
    assert tool_names(model.calls[0]) >= AGENT_TOOL_NAMES

    client = factory(assistant, ALICE, thread_id)
    answer = await client.ask("fix cell 1 and run it")
    assert answer.ok, answer.error
    assert answer.text == "Here is what I found."
    for call in model.calls[1:3]:
        offered = tool_names(call)
        assert not offered & AGENT_TOOL_NAMES
        # Still the reading tools, answered in this kernel, and code cards.
        assert {"list_kernel_variables", "propose_code"} <= offered
    # The kernel's answer reached the model (not an "unknown tool" error).
    outputs = [i for i in model.calls[2].input if i.get("type") == "function_call_output"]
    assert "error" not in json.loads(outputs[-1]["output"])

    # The thread keeps its mode: the browser's next message is in Agent mode again.
    assert await agent_settings(assistant, thread_id) == {"mode": "agent", "auto_run": True}
    await stream(
        assistant,
        req("threads.add_user_message", thread_id=thread_id, input=user_input("go on")),
    )
    assert tool_names(model.calls[3]) >= AGENT_TOOL_NAMES
    model.assert_complete()


@pytest.mark.asyncio
async def test_a_new_headless_conversation_can_still_choose_agent_mode(
    sqlite_store: SQLStore,
) -> None:
    """The message's own choice is recorded; only this request runs without the steps."""
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(f"a{i}", item_id=f"m{i}")]) for i in range(4)]
    )
    assistant = make_assistant(sqlite_store, model)
    both = {**AGENT, **HEADLESS}
    events = await stream(assistant, request("threads.create", both, input=user_input("one")))
    thread_id = events[0].thread.id
    assert not tool_names(model.calls[0]) & AGENT_TOOL_NAMES
    assert (await agent_settings(assistant, thread_id))["mode"] == "agent"
    # Only an explicit false counts: junk in the flag leaves Agent mode's steps on.
    for i, junk in enumerate([{"approval_cards": "no"}, {"approval_cards": 0}, "headless"]):
        body = request(
            "threads.add_user_message",
            {"front_end": junk},
            thread_id=thread_id,
            input=user_input("again"),
        )
        await stream(assistant, body)
        assert tool_names(model.calls[i + 1]) >= AGENT_TOOL_NAMES


@pytest.mark.asyncio
async def test_a_headless_request_starts_no_mcp_server(
    sqlite_store: SQLStore, tmp_path: Path
) -> None:
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(f"a{i}", item_id=f"m{i}")]) for i in range(3)]
    )
    # A server that is named in a notice whenever anything tries to start it.
    missing = {"command": str(tmp_path / "no-such-mcp-server")}
    assistant = make_assistant(sqlite_store, model, mcp_servers={"broken": missing})
    try:
        events = await stream(assistant, request("threads.create", HEADLESS, input=user_input("x")))
        thread_id = events[0].thread.id
        body = request(
            "threads.add_user_message",
            {**AGENT, **HEADLESS},
            thread_id=thread_id,
            input=user_input("y"),
        )
        events = await stream(assistant, body)
        assert not [e for e in events if isinstance(e, NoticeEvent)]
        assert not [n for call in model.calls for n in tool_names(call) if n.startswith("mcp__")]
        assert (await agent_settings(assistant, thread_id))["mode"] == "agent"
        # The browser's next message in this Agent-mode thread does try the server.
        events = await stream(
            assistant,
            req("threads.add_user_message", thread_id=thread_id, input=user_input("z")),
        )
        assert [e for e in events if isinstance(e, NoticeEvent)]
    finally:
        if assistant.mcp is not None:
            await assistant.mcp.aclose()
