"""MCP servers of an assistant, with a scripted model and a real local MCP server: both
transports, a server that cannot start, dies in a call or while idle, never answers, is
closed; the doctor's check.

The server is tests/fixtures/mcp_server.py, run as its own process over stdio or over
streamable HTTP (helpers: tests/fixtures/mcp_chat.py). Only the LLM is scripted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import pytest
from agents.testing import ModelStep, assistant_message, function_call

from jupyter_chatkit.assistant.mcp import RETRY_AFTER

from .fixtures.mcp_chat import (
    CRASH,
    HEADER_KEY,
    KEY,
    LOOKUP,
    ROOT,
    MakeChat,
    answer,
    calls_logged,
    close_mcp,
    mcp_tools,
    no_secret,
    notices,
    running,
    stdio_server,
    tool_names,
    tool_outputs,
)

pytestmark = pytest.mark.timeout(120)


@pytest.mark.asyncio
async def test_streamable_http_server_with_a_secret_header(
    mcp_chat: MakeChat, mcp_http_server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "hilbert"}, call_id="c1")]),
            ModelStep(output=[assistant_message("Hilbert found.", item_id="m2")]),
        ],
        {"fixture": {"url": mcp_http_server, "headers": {"X-Fixture-Key": HEADER_KEY}}},
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
    mcp_chat: MakeChat, mcp_http_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-header-value-12345"
    chat = mcp_chat(
        [ModelStep(output=[assistant_message("Without tools, then.", item_id="m")])],
        {"fixture": {"url": mcp_http_server, "headers": {"X-Fixture-Key": wrong}, "timeout": 5}},
    )
    body, events = await chat.start("hello")
    said = notices(events)
    assert len(said) == 1 and "'fixture'" in said[0] and "could not start" in said[0]
    assert answer(events) == "Without tools, then."
    assert not [n for n in tool_names(chat.model.calls[0]) if n.startswith("mcp__")]
    assert wrong not in body.decode() and wrong not in caplog.text


@pytest.mark.asyncio
async def test_a_url_path_secret_is_never_shown(
    mcp_chat: MakeChat, mcp_http_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A Zapier-style URL (https://mcp.example.com/s/<secret>/mcp): describe() kept the
    path, so the 'could not start' notice showed the secret to the person, and the HTTP
    client's log line ("HTTP Request: POST <url>") and an error naming the URL kept it
    too. The notice names the server's scheme and host only; the segment is a secret."""
    caplog.set_level(logging.DEBUG)
    secret = "Zk3m9QpR7tLx2VwN8bYc4HdJ"
    origin = mcp_http_server.rsplit("/", 1)[0]
    # The fixture serves /mcp only: this path is refused, and the server cannot start.
    url = f"{origin}/s/{secret}/mcp"
    chat = mcp_chat(
        [ModelStep(output=[assistant_message("Without tools.", item_id="m")])],
        {"zap": {"url": url, "headers": {"X-Fixture-Key": HEADER_KEY}, "timeout": 5}},
    )
    body, events = await chat.start("hello")
    (said,) = notices(events)
    assert "'zap'" in said and "could not start" in said and f"(streamable HTTP {origin})" in said
    assert secret not in said and secret not in body.decode()
    assert secret not in caplog.text
    assert secret not in json.dumps(chat.model.calls[0].input, default=str)
    assert answer(events) == "Without tools."


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
async def test_a_failure_notice_shows_no_credential_of_the_exceptions_text(
    mcp_chat: MakeChat, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The exception's own text reaches the person's notice; here it holds the command's
    # path (FileNotFoundError), which holds a token. The model's copy was redacted already.
    caplog.set_level(logging.DEBUG)
    token = "ghp_" + "k7Qm2Xw9Rt4Lp8Zc3Vb6Nn1Hj5Gf0Dd2Ss4A"
    missing = {"command": str(tmp_path / token / "mcp-server")}
    chat = mcp_chat(
        [ModelStep(output=[assistant_message("Answer.", item_id="m1")])], {"broken": missing}
    )
    body, events = await chat.start("hi")
    (said,) = notices(events)
    assert "could not start" in said and "FileNotFoundError" in said
    assert token not in said and token not in body.decode() and token not in caplog.text
    assert token not in json.dumps(chat.model.calls[0].input)


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


@pytest.mark.asyncio
async def test_a_stdio_servers_stderr_reaches_the_log_without_its_secrets(
    mcp_chat: MakeChat, caplog: pytest.LogCaptureFixture
) -> None:
    """A stdio server printed on the Jupyter process's own stderr (and in a kernel, under
    the cell): its configured key, or a token it found itself, went out as it was. Its
    lines now reach the log (every one: the pipe is the only stderr it has), with both
    hidden."""
    caplog.set_level(logging.DEBUG)
    found = "ghp_" + "Q7m2Xk9Lp4Rt8Wz1Nc6Vb3Hd5Jf0Gs2Ya7Ue"
    server = stdio_server()
    server["env"]["MCP_FIXTURE_STDERR"] = (
        f"fixture ready\nstarting with key {KEY}\nGITHUB_TOKEN={found} from the env"
    )
    chat = mcp_chat(
        [ModelStep(output=[assistant_message("Ready.", item_id="m")])], {"fixture": server}
    )
    body, events = await chat.start("hello")
    assert answer(events) == "Ready." and not notices(events)
    await close_mcp(chat.assistant)
    # The reader ends once the exited server's end of the pipe is closed.
    for thread in [t for t in threading.enumerate() if t.name.startswith("mcp-stderr-")]:
        thread.join(timeout=30)
    for text in (caplog.text, body.decode()):
        assert KEY not in text and found not in text
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("MCP server")]
    assert len(lines) == 3 and lines[0] == "MCP server 'fixture': fixture ready", lines
    assert "starting with key" in lines[1] and "from the env" in lines[2], lines
