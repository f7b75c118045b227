"""Log lines stay out of the cell: a failure in the kernel's chat is said once, in the
answer, and its log records go to the kernel's own log (its process's stderr, which the
Jupyter server that started it writes to its log), never as red stderr under the cell.

ipykernel forwards what the kernel process writes to file descriptor 2 into the running
cell's output (``capture_fd_output``), so a handler on ``sys.__stderr__`` showed every
log line in the cell too. ipykernel leaves that capture off under pytest
(``PYTEST_CURRENT_TEST`` in the environment), so these kernels start without it, as
they do under Jupyter.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from .fixtures.fake_llm import FAKE_API_KEY, FakeLLM, server_error, unauthorized
from .nbrun import python_kernel
from .test_store_locked_start import HeldLock, _migrated_store_with_a_thread

pytestmark = pytest.mark.slow

SETUP = """
from jupyter_chatkit import Chat
from jupyter_chatkit.settings import Settings
"""
# The store another process holds locked: ChatKit logs "Error while generating streamed
# response (StoreBusyError)" and we log "The conversation store is unavailable".
LOCKED_STORE = """
answer = Chat(settings=Settings(store_lock_timeout=0.5, title_threads=False)).ask("hello")
print("ok" if answer.ok else "failed")
"""
# A model answering 500, then 401 (the provider's body repeats the key).
MODEL_FAILS = """
answer = Chat(settings=Settings(title_threads=False, max_retries=0)).ask("hello")
print("ok" if answer.ok else "failed")
"""
# Nothing listens at the provider's address.
NETWORK_ERROR = """
answer = Chat(settings=Settings(
    title_threads=False, max_retries=0, base_url="http://127.0.0.1:9/v1"
)).ask("hello")
print("ok" if answer.ok else "failed")
"""

# What an MCP failure logs, on the MCP client's and openai-agents' loggers, from the
# assistant's thread; and an MCP stdio server's own stderr (the MCP client starts it with
# stderr=sys.stderr, the cell's stream object, whose fileno() is the kernel's log).
MCP_FAILS = """
import logging, subprocess, sys
from jupyter_chatkit.kernel.runtime import get_runtime

def fail():
    logging.getLogger("mcp.client.stdio").error("MCP client: server exited (ProcessError)")
    logging.getLogger("openai.agents").error("Error invoking MCP tool (McpError)")
    logging.getLogger("jupyter_chatkit").warning("MCP server 'docs' could not start: OSError")

get_runtime().loop.call_soon_threadsafe(fail)
subprocess.run(
    [sys.executable, "-c", "import sys; print('mcp server: no such tool', file=sys.stderr)"],
    stderr=sys.stderr, check=True,
)
get_runtime().run(__import__("asyncio").sleep(0))
print("failed")
"""

# A task on the assistant's loop that failed with nobody awaiting it, and a callback that
# raised: asyncio logs "Task exception was never retrieved" / "Exception in callback"
# with a traceback on its "asyncio" logger.
LOOP_FAILS = """
import asyncio, gc
from jupyter_chatkit.kernel.runtime import get_runtime

async def orphan():
    async def fails():
        raise ValueError("turn state")
    task = asyncio.get_running_loop().create_task(fails())
    await asyncio.sleep(0.01)
    del task

def raises():
    raise KeyError("callback")

runtime = get_runtime()
runtime.loop.call_soon_threadsafe(raises)
runtime.run(orphan())
runtime.run(asyncio.to_thread(gc.collect))
print("failed")
"""


def _kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTEST_CURRENT_TEST", None)  # ipykernel then captures fd 2, as under Jupyter
    return env


def _run(kc: Any, code: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    reply = kc.execute_interactive(code, timeout=180, output_hook=messages.append)
    assert reply["content"]["status"] == "ok", reply["content"]
    return messages


def _stderr(messages: list[dict[str, Any]]) -> str:
    return "".join(
        m["content"]["text"]
        for m in messages
        if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"
    )


def _stdout(messages: list[dict[str, Any]]) -> str:
    return "".join(
        m["content"]["text"]
        for m in messages
        if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
    )


def test_failures_in_the_kernels_chat_log_to_the_kernel_log_not_the_cell(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    store = tmp_path / "chat.sqlite3"  # kernel_provider's JUPYTER_CHATKIT_STORE_URL
    asyncio.run(_migrated_store_with_a_thread(f"sqlite:///{store}"))
    kernel_log = tmp_path / "kernel.log"
    with (
        kernel_log.open("wb") as log_file,
        python_kernel(env=_kernel_env(), stderr=log_file) as (_km, kc),
    ):
        _run(kc, SETUP)
        lock = HeldLock(store)
        try:
            locked = _run(kc, LOCKED_STORE)
        finally:
            lock.release()
        kernel_provider.script(server_error())
        five_hundred = _run(kc, MODEL_FAILS)
        kernel_provider.script(unauthorized())
        refused = _run(kc, MODEL_FAILS)
        offline = _run(kc, NETWORK_ERROR)
        mcp = _run(kc, MCP_FAILS)
        loop = _run(kc, LOOP_FAILS)
    cells = {
        "locked store": locked,
        "model 500": five_hundred,
        "model 401": refused,
        "network error": offline,
        "MCP": mcp,
        "assistant's loop": loop,
    }
    # Each failed in words, in the answer (what it says is other tests' business) ...
    assert {name: _stdout(m).strip() for name, m in cells.items()} == dict.fromkeys(cells, "failed")
    # ... and nothing under the cell in red: no log line, no traceback.
    assert {name: _stderr(m) for name, m in cells.items()} == dict.fromkeys(cells, "")
    # The log lines are in the kernel's own log, where whoever debugs looks.
    written = kernel_log.read_text(errors="replace")
    assert "[jupyter-chatkit ERROR] The conversation store is unavailable" in written
    assert "[jupyter-chatkit ERROR chatkit] Error while generating streamed response" in written
    assert "StoreBusyError" in written
    assert "[jupyter-chatkit ERROR mcp.client.stdio] MCP client" in written
    assert "mcp server: no such tool" in written
    assert "[jupyter-chatkit ERROR] A callback on the assistant's loop raised: KeyError" in written
    assert "nobody awaited it: ValueError" in written
    assert "turn state" not in written  # an exception's text is not logged
    assert FAKE_API_KEY not in written
