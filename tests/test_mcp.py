"""MCP tools in Agent mode, with a scripted model and a real local MCP server.

The server is tests/fixtures/mcp_server.py, run as its own process over stdio or over
streamable HTTP. Only the LLM is scripted; the store, the MCP client and server, the
approval round trip (a client tool output) and the context policy are real.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import (
    AssistantMessageItem,
    ClientToolCallItem,
    NoticeEvent,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadStreamEvent,
)
from traitlets import TraitError

from jupyter_chatkit.assistant.mcp import RETRY_AFTER, McpToolRef, McpTools, tool_name
from jupyter_chatkit.assistant.mcp_config import parse_servers
from jupyter_chatkit.assistant.server import NotebookAssistant, StreamResult
from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, collect, make_assistant, req, user_input

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parent.parent
KEY = "mcp-fixture-key-5f2b9c81d7"
HEADER_KEY = "mcp-header-key-8e1d44a0c3"
LOOKUP = tool_name("fixture", "lookup")
CRASH = tool_name("fixture", "crash")


def stdio_server(log: Path | None = None, **extra: Any) -> dict[str, Any]:
    """The fixture server over stdio, with a secret in its environment."""
    env = {"MCP_FIXTURE_KEY": KEY}
    if log is not None:
        env["MCP_FIXTURE_LOG"] = str(log)
    return {
        "command": sys.executable,
        "args": ["-m", "tests.fixtures.mcp_server"],
        "cwd": str(ROOT),
        "env": env,
        **extra,
    }


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[str]:
    """The fixture server over streamable HTTP; yields its URL (the header key required)."""
    log = tmp_path / "http-calls.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fixtures.mcp_server", "--http"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "MCP_FIXTURE_KEY": HEADER_KEY,
            "MCP_FIXTURE_LOG": str(log),
        },
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("PORT "), line
        yield f"http://127.0.0.1:{int(line.split()[1])}/mcp"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def agent_request(type_: str, **params: Any) -> bytes:
    """A streaming request that switches the thread to Agent mode."""
    return json.dumps(
        {"type": type_, "params": params, "metadata": {"agent": {"mode": "agent"}}}
    ).encode()


async def raw_stream(assistant: NotebookAssistant, body: bytes) -> tuple[bytes, list[Any]]:
    """A streaming request's bytes (to look for secrets) and its events."""
    result = await assistant.handle(body, ALICE)
    chunks: list[bytes] = []

    async def gather() -> AsyncIterator[bytes]:
        assert isinstance(result, StreamResult)
        async for chunk in result.chunks:
            chunks.append(chunk)
            yield chunk

    events = await collect(gather())
    return b"".join(chunks), events


def done_items(events: list[ThreadStreamEvent], kind: type) -> list[Any]:
    return [
        e.item for e in events if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, kind)
    ]


def answer(events: list[ThreadStreamEvent]) -> str:
    return "".join(
        p.text for item in done_items(events, AssistantMessageItem) for p in item.content
    )


def notices(events: list[ThreadStreamEvent]) -> list[str]:
    return [e.message for e in events if isinstance(e, NoticeEvent)]


def tool_outputs(call_input: Any) -> list[dict[str, Any]]:
    """The function call outputs a model request carried, parsed."""
    return [
        json.loads(item["output"])
        for item in call_input
        if isinstance(item, dict) and item.get("type") == "function_call_output"
    ]


def tool_names(call: Any) -> list[str]:
    return [tool.name for tool in call.tools]


async def close_mcp(assistant: NotebookAssistant) -> None:
    """Stop the assistant's MCP servers (the store is the fixture's to close)."""
    if assistant.mcp is not None:
        await assistant.mcp.aclose()


@dataclass
class McpChat:
    """One test's assistant with MCP servers, its scripted model and its thread."""

    assistant: NotebookAssistant
    model: ScriptedModel
    thread_id: str = ""

    async def start(self, text: str, *, agent: bool = True) -> tuple[bytes, list[Any]]:
        """A new thread's first message, in Agent mode unless ``agent`` is false."""
        request = agent_request if agent else req
        body, events = await raw_stream(
            self.assistant, request("threads.create", input=user_input(text))
        )
        self.thread_id = next((e.thread.id for e in events if e.type == "thread.created"), "")
        return body, events

    async def say(self, text: str) -> tuple[bytes, list[Any]]:
        """The thread's next message, in Agent mode."""
        body = agent_request(
            "threads.add_user_message", thread_id=self.thread_id, input=user_input(text)
        )
        return await raw_stream(self.assistant, body)

    async def reply(self, result: dict[str, Any]) -> tuple[bytes, list[Any]]:
        """The front end's output for the pending call (a card's decision, a tool result)."""
        body = req("threads.add_client_tool_output", thread_id=self.thread_id, result=result)
        return await raw_stream(self.assistant, body)


MakeChat = Callable[..., McpChat]


@pytest_asyncio.fixture
async def mcp_chat(sqlite_store: SQLStore) -> AsyncIterator[MakeChat]:
    """``mcp_chat(steps, servers, **settings)``: an :class:`McpChat` on the test's store,
    its model scripted with ``steps``; every MCP server it started stops after the test."""
    made: list[McpChat] = []

    def make(steps: list[ModelStep], servers: dict[str, Any], **settings: Any) -> McpChat:
        model = ScriptedModel(steps)
        assistant = make_assistant(sqlite_store, model, mcp_servers=servers, **settings)
        made.append(McpChat(assistant, model))
        return made[-1]

    yield make
    for chat in made:
        await close_mcp(chat.assistant)


def calls_logged(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def no_secret(*texts: str | bytes) -> None:
    for text in texts:
        data = text.decode() if isinstance(text, bytes) else text
        assert KEY not in data and HEADER_KEY not in data


@pytest.mark.asyncio
async def test_a_call_is_listed_approved_run_and_its_result_reaches_the_model(
    mcp_chat: MakeChat,
    sqlite_store: SQLStore,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "gauss"}, call_id="c1")]),
            ModelStep(output=[assistant_message("Gauss is in the glossary.", item_id="m2")]),
        ],
        {"fixture": stdio_server(log)},
    )
    model = chat.model
    body, events = await chat.start("look up gauss")
    # Listed: the model was offered the server's tools.
    assert {LOOKUP, CRASH} <= set(tool_names(model.calls[0]))
    # Not run yet: the front end was asked for approval, with the model's arguments.
    calls = done_items(events, ClientToolCallItem)
    assert [(c.name, c.arguments, c.status) for c in calls] == [
        (LOOKUP, {"term": "gauss"}, "pending")
    ]
    assert calls_logged(log) == []

    # Approved: the server runs it and the result reaches the model's next request.
    body2, events2 = await chat.reply({"status": "approved"})
    assert calls_logged(log) == ["gauss"]
    assert answer(events2) == "Gauss is in the glossary."
    outputs = tool_outputs(model.calls[1].input)
    assert len(outputs) == 1
    seen = outputs[0]
    assert seen["status"] == "done" and seen["tool"] == "lookup"
    assert "gauss: a word from the fixture glossary" in seen["result"]
    # The policy framed it as data and hid the server's configured secret.
    assert seen["untrusted_data"] and seen["redacted"] >= 1
    replaced = [e.item for e in events2 if isinstance(e, ThreadItemReplacedEvent)]
    assert replaced and isinstance(replaced[0], ClientToolCallItem)
    assert isinstance(replaced[0].output, dict) and replaced[0].output["status"] == "done"
    stored = await sqlite_store.load_item(chat.thread_id, calls[0].id, ALICE)
    assert isinstance(stored, ClientToolCallItem)
    assert isinstance(stored.output, dict) and stored.output["status"] == "done"
    no_secret(body, body2, json.dumps(model.calls[1].input), caplog.text)
    no_secret(json.dumps(stored.output))


@pytest.mark.asyncio
async def test_a_skipped_call_does_not_run_and_the_model_is_told(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "euler"}, call_id="c1")]),
            ModelStep(output=[assistant_message("Fine, I did not look it up.", item_id="m2")]),
        ],
        {"fixture": stdio_server(log)},
    )
    await chat.start("look up euler")
    _, events2 = await chat.reply({"status": "skipped"})
    assert calls_logged(log) == []
    assert answer(events2) == "Fine, I did not look it up."
    assert tool_outputs(chat.model.calls[1].input)[0]["status"] == "skipped"


@pytest.mark.asyncio
async def test_a_front_end_without_the_card_approves_nothing(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "euler"}, call_id="c1")]),
            ModelStep(output=[assistant_message("It could not be approved here.", item_id="m2")]),
        ],
        {"fixture": stdio_server(log)},
    )
    await chat.start("look up euler")
    await chat.reply({"error": f"This front end has no client tool named {LOOKUP}."})
    assert calls_logged(log) == []
    assert tool_outputs(chat.model.calls[1].input)[0]["status"] == "declined"


@pytest.mark.asyncio
async def test_an_allow_listed_tool_runs_without_asking(mcp_chat: MakeChat, tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "noether"}, call_id="c1")]),
            ModelStep(output=[assistant_message("Found it.", item_id="m2")]),
        ],
        {"fixture": stdio_server(log, allowed_tools=["lookup"], tools=["lookup"])},
    )
    model = chat.model
    body, events = await chat.start("look up noether")
    # Not asked: the call is in the thread as done, with its (redacted) result.
    (record,) = done_items(events, ClientToolCallItem)
    assert record.status == "completed" and record.arguments == {"term": "noether"}
    assert isinstance(record.output, dict) and record.output["status"] == "done"
    assert calls_logged(log) == ["noether"]
    assert answer(events) == "Found it."
    # Only the listed tool is offered ('tools'), and its result passed the policy.
    offered = [name for name in tool_names(model.calls[0]) if name.startswith("mcp__")]
    assert offered == [LOOKUP]
    seen = tool_outputs(model.calls[1].input)[0]
    assert "noether: a word from the fixture glossary" in seen["result"]
    assert seen["untrusted_data"] and seen["redacted"] >= 1
    no_secret(body, json.dumps(model.calls[1].input))


@pytest.mark.asyncio
async def test_streamable_http_server_with_a_secret_header(
    mcp_chat: MakeChat, http_server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "hilbert"}, call_id="c1")]),
            ModelStep(output=[assistant_message("Hilbert found.", item_id="m2")]),
        ],
        {"fixture": {"url": http_server, "headers": {"X-Fixture-Key": HEADER_KEY}}},
    )
    body, events = await chat.start("look up hilbert")
    assert not notices(events)
    body2, _ = await chat.reply({"status": "approved"})
    assert (tmp_path / "http-calls.log").read_text().splitlines() == ["hilbert"]
    seen = tool_outputs(chat.model.calls[1].input)[0]
    assert seen["status"] == "done" and "hilbert: a word" in seen["result"]
    # The server echoes its key (the header's value): hidden from the model.
    assert seen["redacted"] >= 1
    no_secret(body, body2, json.dumps(chat.model.calls[1].input), caplog.text)


@pytest.mark.asyncio
async def test_a_refused_http_server_is_named_and_the_answer_still_comes(
    mcp_chat: MakeChat, http_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-header-value-12345"
    chat = mcp_chat(
        [ModelStep(output=[assistant_message("Without tools, then.", item_id="m")])],
        {"fixture": {"url": http_server, "headers": {"X-Fixture-Key": wrong}, "timeout": 5}},
    )
    body, events = await chat.start("hello")
    said = notices(events)
    assert len(said) == 1 and "'fixture'" in said[0] and "could not start" in said[0]
    assert answer(events) == "Without tools, then."
    assert not [n for n in tool_names(chat.model.calls[0]) if n.startswith("mcp__")]
    assert wrong not in body.decode() and wrong not in caplog.text


@pytest.mark.asyncio
async def test_a_server_that_cannot_start_leaves_the_thread_usable(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    missing = {"command": str(tmp_path / "no-such-mcp-server"), "env": {"TOKEN": KEY}}
    chat = mcp_chat(
        [
            ModelStep(output=[assistant_message("Answer one.", item_id="m1")]),
            ModelStep(output=[assistant_message("Answer two.", item_id="m2")]),
        ],
        {"broken": missing},
    )
    body, events = await chat.start("hi")
    said = notices(events)
    assert len(said) == 1 and "MCP server 'broken'" in said[0]
    assert "could not start" in said[0] and "FileNotFoundError" in said[0]
    assert answer(events) == "Answer one."
    # The next message is answered too (and the server is tried again).
    _, events2 = await chat.say("again")
    assert answer(events2) == "Answer two." and len(notices(events2)) == 1
    no_secret(body)


@pytest.mark.asyncio
async def test_a_server_dying_mid_turn_is_said_and_restarted_next_turn(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(CRASH, {}, call_id="c1")]),
            ModelStep(output=[assistant_message("The tool server stopped.", item_id="m1")]),
            ModelStep(output=[function_call(LOOKUP, {"term": "riemann"}, call_id="c2")]),
            ModelStep(output=[assistant_message("Riemann found.", item_id="m2")]),
        ],
        {"fixture": stdio_server(log, allowed_tools=["*"])},
    )
    model = chat.model
    _, events = await chat.start("crash it")
    said = notices(events)
    assert len(said) == 1 and "'fixture' failed while running crash" in said[0]
    assert answer(events) == "The tool server stopped."
    failed = tool_outputs(model.calls[1].input)[0]
    assert failed["status"] == "failed" and "failed while running crash" in failed["error"]

    _, events2 = await chat.say("look up riemann")
    assert not notices(events2)
    # The next turn's model request reads the earlier call from the thread.
    assert tool_outputs(model.calls[2].input)[0]["status"] == "failed"
    assert answer(events2) == "Riemann found."
    assert calls_logged(log) == ["riemann"]


@pytest.mark.asyncio
async def test_ask_mode_offers_no_mcp_tools_and_starts_no_server(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    # A server that would be named in a notice if anything tried to start it.
    missing = {"command": str(tmp_path / "no-such-mcp-server")}
    chat = mcp_chat(
        [ModelStep(output=[assistant_message("Just reading.", item_id="m1")])],
        {"broken": missing},
    )
    _, events = await chat.start("what is in df?", agent=False)
    assert answer(events) == "Just reading."
    assert not notices(events)
    assert not [n for n in tool_names(chat.model.calls[0]) if n.startswith("mcp__")]


@pytest.mark.asyncio
async def test_aclose_stops_the_server_process(mcp_chat: MakeChat, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    # A wrapper that records the MCP server's pid, then becomes it (exec keeps the pid).
    script = f"import os, sys; open({str(pid_file)!r}, 'w').write(str(os.getpid())); " + (
        "os.execv(sys.executable, [sys.executable, '-m', 'tests.fixtures.mcp_server'])"
    )
    server = {"command": sys.executable, "args": ["-c", script], "cwd": str(ROOT)}
    chat = mcp_chat(
        [ModelStep(output=[assistant_message("ok", item_id="m1")])], {"fixture": server}
    )
    await chat.start("hi")
    pid = int(pid_file.read_text())
    assert running(pid)
    await close_mcp(chat.assistant)
    # The MCP client waits for its child: after aclose it is gone.
    assert not running(pid)


def running(pid: int) -> bool:
    """True while process ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            return "zombie" not in status.read()
    except FileNotFoundError:
        return False


def test_settings_refuse_a_bad_server_without_echoing_its_values() -> None:
    with pytest.raises(TraitError, match="exactly one of 'command'"):
        Settings(mcp_servers={"x": {"command": "a", "url": "http://h/mcp"}})
    with pytest.raises(TraitError, match="unknown setting 'allowed_tool'"):
        Settings(mcp_servers={"x": {"command": "a", "allowed_tool": ["t"]}})
    with pytest.raises(TraitError, match="server name"):
        Settings(mcp_servers={"bad name!": {"command": "a"}})
    with pytest.raises(TraitError) as info:
        Settings(mcp_servers={"x": {"command": "a", "env": {"TOKEN": 12345678901}}})
    assert "12345678901" not in str(info.value)
    settings = Settings(
        mcp_servers={
            "x": {"command": "a", "env": {"TOKEN": KEY}},
            "y": {
                "url": "https://u:pw-1234567890@h/mcp?key=q-1234567890",
                "headers": {"A": HEADER_KEY},
            },
        }
    )
    assert set(settings.mcp_secrets) == {KEY, HEADER_KEY, "pw-1234567890", "q-1234567890"}
    assert KEY not in repr(settings) and KEY not in json.dumps(settings.public())
    # Hashable for the kernel's cache of assistants.
    hash(settings.cache_key())
    y = parse_servers(settings.mcp_servers)[1]
    assert y.describe() == "streamable HTTP https://h/mcp"


def test_secrets_are_the_credentials_not_every_setting() -> None:
    """Header values and their bare credential after the auth scheme, env values whose
    name looks secret or is listed in secret_env; a path in env is a setting."""
    settings = Settings(
        mcp_servers={
            "x": {
                "command": "a",
                "env": {"DATA_DIR": "/srv/data", "MCP_FIXTURE_KEY": KEY, "PIN": "8273"},
                "secret_env": ["PIN"],
            },
            "y": {"url": "https://h/mcp", "headers": {"Authorization": f"Bearer {HEADER_KEY}"}},
        }
    )
    secrets = set(settings.mcp_secrets)
    assert secrets == {KEY, "8273", f"Bearer {HEADER_KEY}", HEADER_KEY}
    # The bare token a server echoes is hidden from the model, the path is not.
    policy = ContextPolicy.from_settings(settings)
    text, _ = policy.text(f"401: token {HEADER_KEY} rejected; data in /srv/data; pin 8273")
    assert HEADER_KEY not in text and "8273" not in text and "/srv/data" in text
    with pytest.raises(TraitError, match="secret_env"):
        Settings(mcp_servers={"z": {"url": "https://h/mcp", "secret_env": ["A"]}})


def test_tool_names_fit_the_model_rules() -> None:
    assert tool_name("docs", "search") == "mcp__docs__search"
    assert tool_name("docs", "get page.v2") == "mcp__docs__get_page_v2"
    long = tool_name("a-server-name", "x" * 80)
    assert len(long) == 64 and long != tool_name("a-server-name", "x" * 81)


@pytest.mark.asyncio
async def test_no_servers_configured_means_no_mcp(sqlite_store: SQLStore) -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("ok", item_id="m1")])])
    assistant = make_assistant(sqlite_store, model)
    assert assistant.mcp is None
    _, events = await raw_stream(assistant, agent_request("threads.create", input=user_input("hi")))
    assert answer(events) == "ok"
    assert not [n for n in tool_names(model.calls[0]) if n.startswith("mcp__")]


def test_doctor_starts_each_configured_server_and_keeps_its_secrets(tmp_path: Path) -> None:
    from .test_doctor import run_doctor

    config = tmp_path / "config"
    config.mkdir()
    servers = {
        "fixture": {**stdio_server(), "allowed_tools": ["lookup"]},
        "broken": {"command": str(tmp_path / "no-such-mcp-server"), "env": {"TOKEN": HEADER_KEY}},
    }
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"JupyterChatKit": {"mcp_servers": servers}})
    )
    code, out, err = run_doctor(tmp_path, "--json", "--no-kernel", "--timeout=5")
    checks = {c["name"]: c for c in json.loads(out)["checks"]}

    fixture = checks["MCP server fixture"]
    assert fixture["ok"] and fixture["data"]["tools"] == ["lookup", "crash"]
    assert fixture["data"]["ask"] == ["crash"]
    broken = checks["MCP server broken"]
    assert not broken["ok"] and "could not start" in broken["detail"]
    assert code == 1
    no_secret(out, err)


@pytest.mark.asyncio
async def test_a_failed_server_is_not_retried_within_the_turn(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    missing = {"command": str(tmp_path / "no-such-mcp-server")}
    chat = mcp_chat(
        [
            ModelStep(output=[function_call("list_kernel_variables", {}, call_id="c1")]),
            ModelStep(output=[assistant_message("You have df.", item_id="m1")]),
            ModelStep(output=[assistant_message("Still here.", item_id="m2")]),
        ],
        {"broken": missing},
    )
    _, events = await chat.start("what vars?")
    assert len(notices(events)) == 1
    # The turn goes on after a client tool: the server is not started (nor named) again.
    _, events2 = await chat.reply({"variables": []})
    assert answer(events2) == "You have df." and not notices(events2)
    # A new message is a new turn: the server is tried again.
    _, events3 = await chat.say("and now?")
    assert answer(events3) == "Still here." and len(notices(events3)) == 1


@pytest.mark.asyncio
async def test_mcp_calls_count_against_the_turn_step_limit(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "abel"}, call_id="c1")]),
            ModelStep(output=[assistant_message("One lookup was all I could do.", item_id="m")]),
        ],
        {"fixture": stdio_server(log)},
        agent_max_steps=1,
    )
    await chat.start("look up abel twice")
    _, events2 = await chat.reply({"status": "approved"})
    # The approved call ran; after it the model has no MCP tool left in this turn.
    assert calls_logged(log) == ["abel"]
    assert tool_outputs(chat.model.calls[1].input)[0]["status"] == "done"
    assert not [n for n in tool_names(chat.model.calls[1]) if n.startswith("mcp__")]
    assert answer(events2) == "One lookup was all I could do."


@pytest.mark.asyncio
async def test_stop_on_the_card_ends_the_answer_without_running_the_call(
    mcp_chat: MakeChat, sqlite_store: SQLStore, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    # One model step only: another model call would fail the run.
    chat = mcp_chat(
        [ModelStep(output=[function_call(LOOKUP, {"term": "cantor"}, call_id="c1")])],
        {"fixture": stdio_server(log)},
    )
    _, events = await chat.start("look up cantor")
    call = done_items(events, ClientToolCallItem)[0]
    _, events2 = await chat.reply({"status": "stopped"})
    assert not [e for e in events2 if e.type == "error"]
    assert len(chat.model.calls) == 1 and calls_logged(log) == []
    stored = await sqlite_store.load_item(chat.thread_id, call.id, ALICE)
    assert isinstance(stored, ClientToolCallItem) and isinstance(stored.output, dict)
    assert stored.output["status"] == "stopped"


@pytest.mark.asyncio
async def test_an_approved_call_whose_server_dies_is_said_and_the_answer_goes_on(
    mcp_chat: MakeChat,
) -> None:
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(CRASH, {}, call_id="c1")]),
            ModelStep(output=[assistant_message("That tool's server stopped.", item_id="m1")]),
        ],
        {"fixture": stdio_server()},
    )
    await chat.start("crash it")
    _, events2 = await chat.reply({"status": "approved"})
    said = notices(events2)
    assert len(said) == 1 and "'fixture' failed while running crash" in said[0]
    assert tool_outputs(chat.model.calls[1].input)[0]["status"] == "failed"
    assert answer(events2) == "That tool's server stopped."
    assert not [e for e in events2 if e.type == "error"]


@pytest.mark.asyncio
async def test_a_server_that_died_while_idle_is_started_afresh(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    pid_file = tmp_path / "pid"
    script = f"import os, sys; open({str(pid_file)!r}, 'w').write(str(os.getpid())); " + (
        "os.execv(sys.executable, [sys.executable, '-m', 'tests.fixtures.mcp_server'])"
    )
    server = {
        "command": sys.executable,
        "args": ["-c", script],
        "cwd": str(ROOT),
        "env": {"MCP_FIXTURE_LOG": str(log)},
        "allowed_tools": ["lookup"],
    }
    chat = mcp_chat(
        [
            ModelStep(output=[assistant_message("Hello.", item_id="m1")]),
            ModelStep(output=[function_call(LOOKUP, {"term": "galois"}, call_id="c1")]),
            ModelStep(output=[assistant_message("Galois found.", item_id="m2")]),
        ],
        {"fixture": server},
    )
    await chat.start("hi")
    first = int(pid_file.read_text())
    os.kill(first, signal.SIGKILL)
    _, events2 = await chat.say("galois?")
    # No failure: the dead server was noticed before the turn and started again.
    assert not notices(events2)
    assert answer(events2) == "Galois found." and calls_logged(log) == ["galois"]
    assert int(pid_file.read_text()) != first


def mcp_tools(servers: dict[str, Any], **settings: Any) -> McpTools:
    """The McpTools of ``servers``, outside an assistant (started and closed by the test)."""
    mcp = McpTools.from_settings(Settings(mcp_servers=servers, **settings))
    assert mcp is not None
    return mcp


def test_tool_input_schemas_pass_the_context_policy() -> None:
    """Descriptions, defaults, enums and examples of a server's schema are words of the
    server's: a configured secret in them never reaches the model."""
    mcp = mcp_tools({"fixture": stdio_server()})
    schema = {
        "type": "object",
        "properties": {
            "token": {"type": "string", "default": KEY, "description": f"Use {KEY}."},
            "mode": {"type": "string", "enum": ["fast", KEY], "examples": [[KEY]]},
        },
        "required": ["token"],
    }
    ref = McpToolRef(LOOKUP, "fixture", "lookup", "Look up.", schema, ask=True)
    offered = mcp.function_tool(ref).params_json_schema
    assert KEY not in json.dumps(offered)
    # The schema's structure and harmless words are kept.
    assert offered["required"] == ["token"] and offered["properties"]["mode"]["enum"][0] == "fast"
    assert offered["properties"]["token"]["type"] == "string"


@pytest.mark.asyncio
async def test_two_approval_calls_in_one_response_keep_the_first(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    """A backend ignoring parallel_tool_calls=False: the second call is told it did not run,
    and the first keeps its card (neither vanishes silently)."""
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(
                output=[
                    function_call(LOOKUP, {"term": "euler"}, call_id="c1"),
                    function_call(LOOKUP, {"term": "gauss"}, call_id="c2"),
                ]
            ),
            ModelStep(output=[assistant_message("Euler found.", item_id="m1")]),
        ],
        {"fixture": stdio_server(log)},
    )
    _, events = await chat.start("look both up")
    calls = done_items(events, ClientToolCallItem)
    assert [(c.arguments, c.status) for c in calls] == [({"term": "euler"}, "pending")]
    _, events2 = await chat.reply({"status": "approved"})
    assert calls_logged(log) == ["euler"]
    assert answer(events2) == "Euler found."


@pytest.mark.asyncio
async def test_a_server_that_cannot_start_is_left_alone_for_a_while(tmp_path: Path) -> None:
    """Each message would wait for a broken server again: it is started again only after
    RETRY_AFTER seconds, and named once per turn meanwhile."""
    starts = tmp_path / "starts"
    script = f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(1)"
    now = [1000.0]
    mcp = mcp_tools({"broken": {"command": sys.executable, "args": ["-c", script]}})
    mcp._clock = lambda: now[0]
    try:
        refs, problems = await mcp.tools("turn-1")
        assert refs == [] and len(problems) == 1 and "could not start" in problems[0]
        assert starts.read_text() == "x"
        # A resumed step of the same turn: no start, no second notice.
        assert await mcp.tools("turn-1") == ([], [])
        # The next message: named again, not started again.
        refs, problems = await mcp.tools("turn-2")
        assert len(problems) == 1 and "'broken'" in problems[0]
        assert starts.read_text() == "x"
        now[0] += RETRY_AFTER + 1
        refs, problems = await mcp.tools("turn-3")
        assert len(problems) == 1 and starts.read_text() == "xx"
    finally:
        await mcp.aclose()


@pytest.mark.asyncio
async def test_a_server_that_never_answers_does_not_hold_up_the_others(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Servers start concurrently, each under its own lock: a blackholed one (a process
    that reads its input and never answers, until it is closed) is still starting when
    the other one is up and listed."""
    caplog.set_level(logging.INFO)
    silent = {
        "command": sys.executable,
        "args": ["-c", "import sys; sys.stdin.buffer.read()"],
        "timeout": 20,
    }
    mcp = mcp_tools({"silent": silent, "fixture": stdio_server()})
    turn = asyncio.create_task(mcp.tools("turn-1"))
    # The turn's first step runs: the servers' starts are under way (the silent one first).
    await asyncio.sleep(0)
    try:
        connection = await mcp._connect("fixture")
        assert LOOKUP in {ref.name for ref in connection.tools}
        # The silent server's start has not failed yet: nothing waited for it.
        assert not turn.done()
        assert "could not start" not in caplog.text
    finally:
        turn.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await turn
        await mcp.aclose()
