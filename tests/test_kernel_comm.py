"""The kernel side through a real IPython kernel (jupyter_client), no browser.

This test plays the front end: it reads the widget's comm from IOPub and sends the
comm messages ``widget.ts`` sends (``chatkit.request`` / ``chatkit.cancel``, and the
``run_tool`` command as anywidget's ``experimental.invoke`` sends it), then checks what
the kernel streams back. It also runs the magics,
``ask()`` and the JupyterLab extension's silent ``tool_json`` call in that kernel.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import queue
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

from jupyter_chatkit.protocol import Comm, Turn

from .chatkit_helpers import parse_sse, user_input
from .fixtures.fake_llm import FakeLLM, Reply, ToolCall, hang
from .nbrun import python_kernel

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
TIMEOUT = 60.0


class Kernel:
    """A started kernel and the bits of a front end the tests need."""

    def __init__(self, km: KernelManager, kc: BlockingKernelClient) -> None:
        self.km, self.kc = km, kc
        # Custom widget messages that arrived while waiting for something else.
        self.custom: list[dict[str, Any]] = []

    def execute(self, code: str, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        """Run ``code``; return its IOPub messages. Fails on an error."""
        msg_id = self.kc.execute(code)
        outputs: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                self._keep(msg)
                continue
            kind = msg["msg_type"]
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                break
            if kind == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            self._keep(msg)
            outputs.append(msg)
        # An aborted request also goes busy then idle with no output: say so, rather than
        # let a test read "no result" (ipykernel aborts what reaches it in the window
        # after an earlier request's error, unless that one ran with stop_on_error=False).
        reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        assert reply["content"]["status"] != "aborted", f"the kernel aborted {code!r}"
        return outputs

    def _keep(self, msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "comm_msg":
            data = msg["content"].get("data", {})
            if data.get("method") == "custom":
                self.custom.append(data["content"])

    def stdout(self, code: str) -> str:
        return "".join(
            m["content"]["text"]
            for m in self.execute(code)
            if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
        )

    def send_custom(self, comm_id: str, content: dict[str, Any]) -> None:
        """What anywidget's ``model.send(content)`` does."""
        msg = self.kc.session.msg(
            "comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": content}}
        )
        self.kc.shell_channel.send(msg)

    def invoke(self, comm_id: str, name: str, msg: Any, timeout: float = TIMEOUT) -> Any:
        """What anywidget's ``experimental.invoke(name, msg)`` does; returns the response."""
        rid = uuid.uuid4().hex
        self.send_custom(
            comm_id, {"id": rid, "kind": "anywidget-command", "name": name, "msg": msg}
        )
        deadline = time.monotonic() + timeout
        while True:
            for c in self.custom:
                if c.get("id") == rid and c.get("kind") == "anywidget-command-response":
                    self.custom.remove(c)
                    return c["response"]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no answer to the {name} command")
            with contextlib.suppress(queue.Empty):
                self._keep(self.kc.get_iopub_msg(timeout=min(remaining, 1.0)))

    def replies(
        self, rid: str, until: tuple[str, ...], timeout: float = TIMEOUT
    ) -> list[dict[str, Any]]:
        """Custom messages for request ``rid`` up to one whose type is in ``until``."""
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while True:
            mine = [c for c in self.custom if c.get("id") == rid]
            for c in mine:
                self.custom.remove(c)
            got.extend(mine)
            if any(c.get("type") in until for c in got):
                return got
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {until} for {rid}; got {got}")
            try:
                self._keep(self.kc.get_iopub_msg(timeout=min(remaining, 1.0)))
            except queue.Empty:
                continue

    def drain(self, seconds: float) -> None:
        """Read IOPub for a while (to see that nothing more arrives)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                self._keep(self.kc.get_iopub_msg(timeout=0.2))


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    home = tmp_path_factory.mktemp("kernel")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "JUPYTER_CHATKIT_")) or k == "OPENAI_AGENTS_DISABLE_TRACING"
    }
    env["JUPYTER_DATA_DIR"] = str(home / "data")
    env["JUPYTER_CHATKIT_STORE_URL"] = f"sqlite:///{home / 'chat.sqlite3'}"
    env["IPYTHONDIR"] = str(home / "ipython")
    with python_kernel(env=env, cwd=str(home)) as (km, kc):
        kernel = Kernel(km, kc)
        kernel.execute(
            "import pandas as pd\n"
            "sales = pd.DataFrame({'region': ['north', 'south'], 'revenue': [120.5, 98.0]})\n"
            "from jupyter_chatkit import Chat\n"
            "%load_ext jupyter_chatkit"
        )
        yield kernel


def widget_outputs(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        m
        for m in messages
        if m["msg_type"] in ("display_data", "execute_result")
        and WIDGET_MIME in m["content"]["data"]
    ]


def markdown_of(messages: list[dict[str, Any]]) -> list[str]:
    """The Markdown outputs as a front end ends up showing them: ``update_display_data``
    replaces the output with the same display id (``%chat`` streams that way)."""
    shown: list[dict[str, Any]] = []
    for m in messages:
        content = m["content"]
        display_id = (content.get("transient") or {}).get("display_id")
        if m["msg_type"] in ("display_data", "execute_result"):
            shown.append({"id": display_id, "data": content["data"]})
        elif m["msg_type"] == "update_display_data":
            for out in shown:
                if out["id"] == display_id:
                    out["data"] = content["data"]
    return [out["data"]["text/markdown"] for out in shown if "text/markdown" in out["data"]]


def provider_settings(llm: FakeLLM) -> str:
    """``settings=...`` source text pointing a Chat in the kernel at the fake server."""
    return (
        "settings=__import__('jupyter_chatkit.settings', fromlist=['x']).Settings("
        f"base_url={llm.base_url!r}, api_key='sk-test', model='fake-model', "
        "api='chat_completions', store_url=__import__('os').environ['JUPYTER_CHATKIT_STORE_URL'],"
        " title_threads=False, max_retries=0)"
    )


def new_chat(kernel: Kernel, name: str, args: str = "") -> str:
    """Create ``name = Chat(args)`` in the kernel; return its comm id."""
    kernel.execute(f"{name} = Chat({args})")
    return kernel.stdout(f"print({name}.model_id)").strip()


def request(kernel: Kernel, comm_id: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    rid = uuid.uuid4().hex
    kernel.send_custom(comm_id, {"type": "chatkit.request", "id": rid, "body": body})
    return kernel.replies(rid, ("chatkit.end", "chatkit.error"))


def start_turn(kernel: Kernel, comm_id: str, llm: FakeLLM, text: str) -> tuple[str, str]:
    """Ask ``text`` in a new conversation over the comm; wait until its thread is created
    and the model called. The request's id and the thread's."""
    rid = uuid.uuid4().hex
    body = {"type": "threads.create", "params": {"input": user_input(text)}}
    kernel.send_custom(comm_id, {"type": "chatkit.request", "id": rid, "body": body})
    deadline = time.monotonic() + TIMEOUT
    thread_id = None
    while (thread_id is None or not llm.calls) and time.monotonic() < deadline:
        kernel.drain(0.2)
        sent = "".join(
            c["data"] for c in kernel.custom if c.get("id") == rid and c["type"] == "chatkit.chunk"
        )
        events = parse_sse(sent[: sent.rfind("\n\n") + 2].encode()) if "\n\n" in sent else []
        thread_id = next((e.thread.id for e in events if e.type == "thread.created"), None)
    assert thread_id and llm.calls, "the kernel never called the model"
    return rid, thread_id


def body_of(replies: list[dict[str, Any]]) -> str:
    return "".join(r["data"] for r in replies if r["type"] == "chatkit.chunk")


# -- display -------------------------------------------------------------------------------------


def test_chat_as_last_expression_is_shown_once(kernel: Kernel) -> None:
    assert len(widget_outputs(kernel.execute("Chat()"))) == 1
    assert widget_outputs(kernel.execute("hidden_chat = Chat()")) == []
    assert len(widget_outputs(kernel.execute("hidden_chat"))) == 1


# -- the comm contract ---------------------------------------------------------------------------


def test_comm_request_tool_round_trip_and_thread_id(kernel: Kernel, fake_llm: FakeLLM) -> None:
    fake_llm.script(
        Reply(tool_calls=[ToolCall("list_kernel_variables", {})]), Reply("You have `sales`.")
    )
    comm_id = new_chat(kernel, "comm_chat", provider_settings(fake_llm))
    first = request(
        kernel,
        comm_id,
        {"type": "threads.create", "params": {"input": user_input("what variables do I have?")}},
    )
    end = first[-1]
    assert end == {
        "type": "chatkit.end",
        "id": end["id"],
        "status": 200,
        "contentType": "text/event-stream",
    }
    events = parse_sse(body_of(first).encode())
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    call = next(
        e.item for e in events if e.type == "thread.item.done" and e.item.type == "client_tool_call"
    )
    assert call.name == "list_kernel_variables"

    # The front end answers the tool through the kernel, as widget.ts does.
    result = kernel.invoke(comm_id, Comm.RUN_TOOL, {"name": call.name, "args": call.arguments})
    sales = next(v for v in result["variables"] if v["name"] == "sales")
    assert [c["name"] for c in sales["columns"]] == ["region", "revenue"]

    second = request(
        kernel,
        comm_id,
        {
            "type": "threads.add_client_tool_output",
            "params": {"thread_id": thread_id, "result": result},
        },
    )
    answer = "".join(
        part.text
        for e in parse_sse(body_of(second).encode())
        if e.type == "thread.item.done" and e.item.type == "assistant_message"
        for part in e.item.content
    )
    assert answer == "You have `sales`."
    # What the kernel answered is what the model was given.
    tool = next(m for m in fake_llm.requests[1]["messages"] if m["role"] == "tool")
    assert json.loads(tool["content"]) == result
    # thread_id is the front end's to set (it syncs the trait); the kernel leaves it be,
    # or the front end would reopen the thread in the middle of the answer.
    assert kernel.stdout("print(repr(comm_chat.thread_id))").strip() == "''"


def test_comm_non_streaming_and_bad_requests(kernel: Kernel) -> None:
    comm_id = new_chat(kernel, "plain_chat")
    listed = request(kernel, comm_id, {"type": "threads.list", "params": {"limit": 5}})
    assert listed[-1]["status"] == 200 and listed[-1]["contentType"] == "application/json"
    assert isinstance(json.loads(body_of(listed))["data"], list)

    bad = request(kernel, comm_id, {"type": "threads.explode", "params": {}})
    assert bad[-1]["type"] == "chatkit.end" and bad[-1]["status"] == 400
    assert "Unknown request type" in json.loads(body_of(bad))["message"]

    # The front end reports each answer it showed; Python keeps the last one.
    kernel.send_custom(comm_id, {"type": "chat.answer", "thread_id": "t1", "text": "Hi there."})
    kernel.execute("")  # the comm message is handled before this execute request
    assert kernel.stdout("print(plain_chat.last_answer)") == "Hi there.\n"

    response = kernel.invoke(comm_id, Comm.RUN_TOOL, {"name": "rm_rf", "args": {}})
    assert response["error"].startswith("Unknown tool 'rm_rf'")
    # Junk arguments are an error answer too, never a command left unanswered.
    junk = kernel.invoke(comm_id, Comm.RUN_TOOL, {"name": "inspect_kernel_variable", "args": 3})
    assert "error" in junk


def test_the_widgets_variables_tools_keep_out_what_kept_out_cells_define(kernel: Kernel) -> None:
    """The widget sends the notebook's live cells with its variables tools (the bridge's
    liveCells): a variable only a kept-out cell defines is not described (kept_names)."""
    comm_id = new_chat(kernel, "kept_chat")
    kernel.execute("kept_cmv = 'KOVAL-3Jm'\nopen_cmv = 2")
    cells = {"kept_out": ["kept_cmv = 'KOVAL-3Jm'"], "readable": ["open_cmv = 2"]}

    def tool(name: str, args: dict[str, Any]) -> Any:
        return kernel.invoke(comm_id, Comm.RUN_TOOL, {"name": name, "args": args, "cells": cells})

    listed = tool("list_kernel_variables", {"name_filter": "_cmv"})
    assert [v["name"] for v in listed["variables"]] == ["open_cmv"], listed
    assert listed["kept_out"] == 1 and "KOVAL" not in json.dumps(listed), listed
    inspected = tool("inspect_kernel_variable", {"name": "kept_cmv"})
    assert inspected.get("kept_out") and "KOVAL" not in json.dumps(inspected), inspected


def test_comm_config_says_only_whether_the_offline_model_answers(kernel: Kernel) -> None:
    """What the widget's offline hint and header ask over the comm (Comm.CONFIG): a bool
    and the model's name, no other setting."""

    def config(comm_id: str) -> dict[str, Any]:
        rid = uuid.uuid4().hex
        kernel.send_custom(comm_id, {"type": Comm.CONFIG, "id": rid})
        (reply,) = kernel.replies(rid, (Comm.CONFIG,))
        assert reply["id"] == rid
        return reply

    # Nothing configured in this kernel's environment: the offline model answers.
    offline = config(new_chat(kernel, "offline_chat"))
    assert offline == {
        "type": Comm.CONFIG,
        "id": offline["id"],
        "offline": True,
        "model": "offline",
    }
    # A provider configured for this chat (never called here): not offline, and its key
    # and URL stay in the kernel.
    configured = config(
        new_chat(
            kernel,
            "configured_chat",
            "settings=__import__('jupyter_chatkit.settings', fromlist=['x']).Settings("
            "base_url='http://127.0.0.1:9/v1', api_key='sk-kernel-only', model='fake-model')",
        )
    )
    # Its model's name, as the server's config says it (the widget's header shows it).
    assert configured == {
        "type": Comm.CONFIG,
        "id": configured["id"],
        "offline": False,
        "model": "fake-model",
    }


def test_comm_cancel_leaves_the_turn_running_and_stop_stops_it(
    kernel: Kernel, fake_llm: FakeLLM
) -> None:
    # The front end aborting its request (a reload, another conversation opened) leaves
    # the turn running: it is finished and saved, as over HTTP (test_turn_outlives_client).
    # Before, the kernel cancelled it and the answer was lost. Only Stop (Turn.STOP) stops.
    fake_llm.first_token_delay = 3.0
    fake_llm.script(Reply("The whole answer."), hang(60))
    comm_id = new_chat(kernel, "slow_chat", provider_settings(fake_llm))
    rid, thread_id = start_turn(kernel, comm_id, fake_llm, "take your time")
    deadline = time.monotonic() + TIMEOUT
    kernel.send_custom(comm_id, {"type": "chatkit.cancel", "id": rid})

    def answers() -> list[str]:
        listed = request(
            kernel, comm_id, {"type": "items.list", "params": {"thread_id": thread_id}}
        )
        return [
            part["text"]
            for item in json.loads(body_of(listed))["data"]
            if item["type"] == "assistant_message"
            for part in item["content"]
        ]

    while "The whole answer." not in answers() and time.monotonic() < deadline:
        kernel.drain(0.5)
    assert answers() == ["The whole answer."]
    assert not fake_llm.calls[0].disconnected
    # Nothing more was written to the request the front end left (the end included).
    assert not [c for c in kernel.custom if c.get("id") == rid and c["type"] == "chatkit.end"]

    # Stop stops the turn that runs, and its model request.
    again = uuid.uuid4().hex
    body = {
        "type": "threads.add_user_message",
        "params": {"thread_id": thread_id, "input": user_input("and then?")},
    }
    kernel.send_custom(comm_id, {"type": "chatkit.request", "id": again, "body": body})
    while len(fake_llm.requests) < 2 and time.monotonic() < deadline:
        kernel.drain(0.2)
    stop = request(kernel, comm_id, {"type": Turn.STOP, "params": {"thread_id": thread_id}})
    assert json.loads(body_of(stop)) == {"stopped": 1}
    second = [c for c in fake_llm.calls if c.method == "POST"][1]
    while not second.disconnected and time.monotonic() < deadline:
        kernel.drain(0.2)
    assert second.disconnected, "Stop did not close the model request"


# Kernel code: the number of watchers of the turn running in `thread_id`, once it is
# `want` or after a bound (a wait for a state, not a timing assert).
WATCHERS = """
import asyncio

async def _watchers(chat, thread_id, want):
    assistant = await chat._assistant()
    for _ in range(600):
        counts = [len(t._watchers) for t in assistant.running.of(thread_id, 'local')]
        if counts == [want]:
            break
        await asyncio.sleep(0.05)
    return counts

print(get_runtime().run(_watchers({chat}, {thread_id!r}, {want})))
"""


def test_comm_cancel_ends_a_watch_not_the_turn(kernel: Kernel, fake_llm: FakeLLM) -> None:
    # Following a turn (Turn.WATCH) over the comm ends when its front end cancels it, as
    # over HTTP; the turn runs on. Before, the watch went on until the turn ended.
    fake_llm.script(hang(60))
    comm_id = new_chat(kernel, "watched_chat", provider_settings(fake_llm))
    kernel.execute("from jupyter_chatkit.kernel.runtime import get_runtime")
    _rid, thread_id = start_turn(kernel, comm_id, fake_llm, "take your time")

    def watchers(want: int) -> str:
        code = WATCHERS.format(chat="watched_chat", thread_id=thread_id, want=want)
        return kernel.stdout(code).strip()

    watch = uuid.uuid4().hex
    body = {"type": Turn.WATCH, "params": {"thread_id": thread_id}}
    kernel.send_custom(comm_id, {"type": "chatkit.request", "id": watch, "body": body})
    assert watchers(1) == "[1]"
    kernel.send_custom(comm_id, {"type": "chatkit.cancel", "id": watch})
    # Before: [1] (the watch followed the turn until its end).
    assert watchers(0) == "[0]"
    # The turn itself still runs, and its model request is open.
    assert not fake_llm.calls[0].disconnected
    stop = request(kernel, comm_id, {"type": Turn.STOP, "params": {"thread_id": thread_id}})
    assert json.loads(body_of(stop)) == {"stopped": 1}
    assert not [c for c in kernel.custom if c.get("id") == watch and c["type"] == "chatkit.end"]


# -- ask() and the magics in a kernel (whose event loop is running) -----------------------------


def test_interrupting_ask_cancels_the_model_request(kernel: Kernel, fake_llm: FakeLLM) -> None:
    fake_llm.script(hang(30))
    code = f"Chat({provider_settings(fake_llm)}).ask('take your time')"
    # With stop_on_error, ipykernel aborts requests that arrive before it leaves its abort
    # mode after the error, which can include the "40 + 2" below (CI saw it answer
    # "aborted"); this test is about the model request, not that window.
    msg_id = kernel.kc.execute(code, stop_on_error=False)
    deadline = time.monotonic() + TIMEOUT
    while not fake_llm.calls and time.monotonic() < deadline:
        time.sleep(0.1)
    assert fake_llm.calls, "ask() never called the model"
    kernel.km.interrupt_kernel()
    reply = kernel.kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kernel.kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    while not fake_llm.calls[0].disconnected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert fake_llm.calls[0].disconnected, "the model request outlived the interrupt"
    # The kernel is fine afterwards.
    messages = kernel.execute("40 + 2")
    results = [m for m in messages if m["msg_type"] == "execute_result"]
    assert results and results[0]["content"]["data"]["text/plain"] == "42", messages


def test_ask_blocks_the_cell_not_the_loop(kernel: Kernel, fake_llm: FakeLLM) -> None:
    fake_llm.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "sales"})]),
        Reply("Two columns."),
    )
    out = kernel.stdout(
        f"answer = Chat({provider_settings(fake_llm)}).ask('describe sales', display=False)\n"
        "print(answer.ok, answer.text)"
    )
    assert out == "True Two columns.\n"
    # The in-kernel tool call ran while ask() waited: the model got the kernel's answer.
    tool = next(m for m in fake_llm.requests[1]["messages"] if m["role"] == "tool")
    assert [c["name"] for c in json.loads(tool["content"])["columns"]] == ["region", "revenue"]


def test_ask_async_with_top_level_await(kernel: Kernel, fake_llm: FakeLLM) -> None:
    fake_llm.script(Reply("Awaited."))
    messages = kernel.execute(f"await Chat({provider_settings(fake_llm)}).ask_async('hi')")
    assert markdown_of(messages) == ["Awaited."]


@pytest.fixture
def kernel_on_fake_llm(kernel: Kernel, fake_llm: FakeLLM) -> Iterator[FakeLLM]:
    """The kernel's environment points at the fake server (the magics read it per question)."""
    env = {
        "OPENAI_BASE_URL": fake_llm.base_url,
        "OPENAI_API_KEY": "sk-test",
        "JUPYTER_CHATKIT_MODEL": "fake-model",
        "JUPYTER_CHATKIT_API": "chat_completions",
    }
    kernel.execute(f"import os; os.environ.update({env!r})")
    try:
        yield fake_llm
    finally:
        kernel.execute(f"for _k in {list(env)!r}: os.environ.pop(_k, None)")


def test_line_and_cell_magics_show_answers(kernel: Kernel, kernel_on_fake_llm: FakeLLM) -> None:
    llm = kernel_on_fake_llm
    llm.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "sales"})]),
        Reply("Columns: region, revenue."),
    )
    # The answer, then what it read (c14c154): counts only, never the variable's name.
    assert markdown_of(kernel.execute("%chat what columns does sales have?")) == [
        "Columns: region, revenue.\n\n*Read: 1 variable*"
    ]
    code = 'sales.groupby("region")["revenue"].mean()'
    llm.script(Reply(tool_calls=[ToolCall("propose_code", {"code": code})]), Reply("Done."))
    (cell,) = markdown_of(kernel.execute("%%chat\nwrite code for the mean revenue per region"))
    assert code in cell and "Done." in cell
    assert len(widget_outputs(kernel.execute("%chat"))) == 1


def test_lab_extension_silent_tool_call(kernel: Kernel) -> None:
    expression = (
        "__import__('jupyter_chatkit.kernel.introspect', fromlist=['x'])"
        ".tool_json('inspect_kernel_variable', '{\"name\": \"sales\"}')"
    )
    before = kernel.stdout("print(len(In))")
    msg_id = kernel.kc.execute("", silent=True, user_expressions={"r": expression})
    reply = kernel.kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kernel.kc.get_shell_msg(timeout=TIMEOUT)
    value = reply["content"]["user_expressions"]["r"]
    assert value["status"] == "ok"
    text = ast.literal_eval(value["data"]["text/plain"])  # the repr of a str
    detail = json.loads(text)
    assert [c["name"] for c in detail["columns"]] == ["region", "revenue"]
    assert kernel.stdout("print(len(In))") == str(int(before) + 1) + "\n"


def test_kernel_python_is_this_python(kernel: Kernel) -> None:
    # The kernel must run the code under test, not some other installation.
    out = kernel.stdout(
        "import jupyter_chatkit, sys; print(sys.executable, jupyter_chatkit.__file__)"
    )
    executable, module = out.split()
    assert Path(module).resolve() == (Path(__file__).parents[1] / "src/jupyter_chatkit/__init__.py")
    assert Path(executable).resolve() == Path(sys.executable).resolve()


def test_a_watch_cancelled_as_it_ends_is_no_error() -> None:
    """Comm.CANCEL of a Turn.WATCH whose request ended meanwhile: the request is forgotten
    on the runtime's thread (``_forget``: its future, then the watch) while the message is
    handled on the kernel's. Here the moment between the two: the watch is still known,
    its future no longer; before, the handler raised KeyError."""
    from jupyter_chatkit import Chat

    chat = Chat()
    try:
        chat._watches.add("ended")
        chat._on_custom_msg(chat, {"type": Comm.CANCEL, "id": "ended"}, [])
    finally:
        chat.close()
