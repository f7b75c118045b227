"""A kernel pays for the assistant's libraries only when, and as far as, it uses them.

In a fresh IPython (as a new kernel is), forked from one that imported IPython
(tests/fresh_python.py):

- ``%load_ext jupyter_chatkit`` registers the magics and loads no widget, no ChatKit and
  no context policy (the first error or question loads those);
- what an answer needs before the kernel knows who answers it (``kernel.client``,
  ``kernel.live``) loads no agent, model client or store, nor ChatKit's models or
  pydantic, nor the tools' value readers: a kernel whose Jupyter server answers never
  needs the first ones, and the tools' only once one is called;
- the first ``%%chat`` answered by the kernel's own assistant (no server: the offline
  model) leaves unloaded what the server extension leaves unloaded
  (serverext/deferred_imports.py), and the widget: no chat was shown; nor what that
  turn does not use: httpx (no server to ask), openai's chat-completions resource (the
  offline model sends no request), the assistant's MCP modules (none configured), psutil
  (no new conversation waited for its save: none was spooled).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .fresh_python import fresh_python_servers as fresh_python_servers  # autouse
from .fresh_python import run_script

PREFIX = "import json, sys\nfrom IPython.core.interactiveshell import InteractiveShell\n"
SCRIPT = """
def new(before):
    return sorted(set(sys.modules) - before)

shell = InteractiveShell.instance()
before = set(sys.modules)
shell.run_line_magic("load_ext", "jupyter_chatkit")
at_load = new(before)
import jupyter_chatkit.kernel.client, jupyter_chatkit.kernel.live
for_answers = new(before)
result = shell.run_cell("%%chat\\nwhat can you do?")
print(json.dumps({
    "magic": "chat" in shell.magics_manager.magics["cell"],
    "at_load": at_load,
    "for_answers": for_answers,
    "answered": result.success,
    "after_chat": sorted(sys.modules),
}))
"""

# Top-level packages (and ours) %load_ext must not import.
NOT_AT_LOAD = (
    "anywidget",
    "ipywidgets",
    "chatkit",
    "pydantic",
    "httpx",
    "jupyter_chatkit.context_policy",
    "jupyter_chatkit.kernel.widget",
    "jupyter_chatkit.settings",
)
# Nor what an answer loads before it knows whether the server answers; nor what a
# kernel whose server answers never needs: ChatKit's models (its stream is read from the
# JSON, kernel/stream_events.py), pydantic, and the tools' readers until a tool is called.
NOT_FOR_ANSWERS = (
    "agents",
    "openai",
    "sqlalchemy",
    "chatkit",
    "pydantic",
    "jupyter_chatkit.store",
    "jupyter_chatkit.assistant.server",
    "jupyter_chatkit.assistant.agent",
    "jupyter_chatkit.assistant.cards",
    "jupyter_chatkit.context_policy",
    "jupyter_chatkit.kernel.introspect",
)
# What the server extension leaves unloaded (its deferrals), the kernel's own assistant
# too: MCP's client, server and web stack, SQLAlchemy's ORM, openai's unused types. And
# the widget: a question shows no chat (no widget, no comm). And what this turn has no
# use for (~0.13 s of CPU of a kernel's first question): httpx, which only the requests
# to a Jupyter server use (kernel/remote.py, notebook_link.py), openai's chat-completions
# resource (assistant/openai_client.py: made with a provider's first chat request) and
# our MCP modules (assistant/server.py: only with MCP servers configured); psutil, which
# only the spool of unsaved new conversations uses (store/unsaved_spool.py).
NOT_AFTER_CHAT = (
    "anywidget",
    "ipywidgets",
    "jupyter_chatkit.kernel.widget",
    "mcp.client.session",
    "mcp.server",
    "starlette",
    "uvicorn",
    "sqlalchemy.orm",
    "openai.types.eval_create_params",
    "httpx",
    "openai.resources.chat",
    "jupyter_chatkit.assistant.mcp",
    "jupyter_chatkit.assistant.mcp_config",
    "jupyter_chatkit.assistant.mcp_connection",
    "psutil",
)


def under(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The ``modules`` that are one of ``names`` or inside one of them."""
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


@pytest.mark.timeout(120)
def test_load_ext_then_the_first_chat_import_only_what_they_use(tmp_path: Path) -> None:
    env: dict[str, str | None] = {
        name: None
        for name in (
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "JUPYTER_CHATKIT_MODEL",
            "JUPYTERHUB_API_TOKEN",
            "JUPYTERHUB_SERVICE_URL",
        )
    }
    env["JUPYTER_CHATKIT_STORE_URL"] = f"sqlite:///{tmp_path}/chat.sqlite3"
    code, stdout, stderr = run_script(PREFIX, SCRIPT, env=env)
    assert code == 0, stderr[-2000:]
    result = json.loads(stdout.strip().splitlines()[-1])
    assert result["magic"] is True
    assert under(result["at_load"], NOT_AT_LOAD) == []
    assert under(result["for_answers"], NOT_FOR_ANSWERS) == []
    assert result["answered"] is True
    # The kernel's own assistant did run (its libraries are loaded)...
    assert "jupyter_chatkit.assistant.server" in result["after_chat"]
    # ...without what it does not use.
    assert under(result["after_chat"], NOT_AFTER_CHAT) == []
