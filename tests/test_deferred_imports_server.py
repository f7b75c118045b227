"""What the server extension defers (serverext/deferred_imports.py), each in a fresh
Python (this process has imported ``mcp`` and the rest in full long ago): ``mcp`` with
and without an MCP server configured, its public entry points, trio, SQLAlchemy's
asyncio extension on SQLite and PostgreSQL, openai's types. Each stays unloaded at idle
and works in full when used. The deferral's semantics on a small package:
test_deferred_imports.py.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from .fixtures import mcp_fork
from .fixtures.fresh_server import AGENTS_BASE, BASE, DEFERRED_BASE, ROOT, run_fresh
from .fresh_python import fresh_python_servers as fresh_python_servers  # autouse
from .test_kernel_via_server import OTHER_EXTENSIONS

# A fresh Python: the server extension's choice for `mcp`, then openai-agents imported as
# the background build does, then an MCP server used through the assistant's own client.
# The fixture MCP server (the command in argv[2]) is forked from a process that imported
# mcp's server once (tests/fixtures/mcp_fork.py): what is read here is the client's side.
MCP_SCRIPT = (
    AGENTS_BASE
    + """
idle = {
    "deferred": deferred,
    "still_deferred": is_deferred("mcp"),
    "loaded": sorted(m for m in ("mcp.client.session", "mcp.server", "starlette", "uvicorn")
                     if m in sys.modules),
    "mcp_modules": sorted(m for m in sys.modules if m == "mcp" or m.startswith("mcp.")),
}
from jupyter_chatkit.assistant.mcp import McpTools
from jupyter_chatkit.settings import Settings

async def main():
    command, args = json.loads(sys.argv[2])
    server = {"command": command, "args": args, "cwd": sys.argv[1],
              "env": {"MCP_FIXTURE_KEY": "k" * 12}}
    tools = McpTools.from_settings(Settings(mcp_servers={"fixture": server}))
    try:
        refs, problems = await tools.tools("turn-1")
        lookup = next(ref for ref in refs if ref.tool == "lookup")
        output, notice = await tools.call(lookup, {"term": "deferred"}, "turn-1")
    finally:
        await tools.aclose()
    return {"tools": sorted(r.tool for r in refs), "problems": problems, "output": output,
            "notice": notice, "deferred_after": is_deferred("mcp")}

print(json.dumps({"idle": idle, "used": asyncio.run(main())}, default=str))
"""
)


# trio is deferred too when installed (httpcore imports it in case it runs under trio).
TRIO = ["trio"] if importlib.util.find_spec("trio") is not None else []
# What the server defers, trio aside (it goes after the first two).
DEFERRED = [
    "mcp",
    "sqlalchemy.ext.asyncio",
    "openai.types",
    "agents.sandbox",
    "agents.mcp._compat",
    "griffe",
    "openai.lib.streaming.responses",
]


@pytest.mark.timeout(120)
def test_openai_agents_without_mcp_servers_leaves_mcp_unloaded_and_mcp_still_works() -> None:
    result = run_fresh(MCP_SCRIPT, str(ROOT), json.dumps(mcp_fork.command()))
    # Not even the submodules allowed without mcp/__init__ (MCP_WITHOUT_INIT in
    # deferred_imports): the SDK's import of them waits for its MCP client (sdk_stand_ins).
    assert result["idle"] == {
        "deferred": [*DEFERRED[:2], *TRIO, *DEFERRED[2:]],
        "still_deferred": True,
        "loaded": [],
        "mcp_modules": ["mcp"],
    }
    used = result["used"]
    assert used["problems"] == [] and used["notice"] == ""
    assert "lookup" in used["tools"]
    assert used["output"]["status"] == "done" and "deferred" in used["output"]["result"]
    assert used["deferred_after"] is False


# A fresh Python: the server extension with an MCP server configured starts, builds its
# assistant and warms up (idle: mcp deferred), then its assistant's MCP tools are used.
# The other server extensions installed here are off (OTHER_EXTENSIONS, as in
# test_kernel_via_server, whose check keeps the names true): none of them imports mcp, and
# loading them cost ~1.2-1.7 s of CPU (their imports, JupyterLab's `node yarn.js config`).
MCP_CONFIGURED_SCRIPT = (
    BASE
    + f"OTHER_EXTENSIONS = {list(OTHER_EXTENSIONS)!r}\n"
    + """
from jupyter_server.serverapp import ServerApp
from traitlets.config import Config

config = Config()
command, args = json.loads(sys.argv[3])
config.JupyterChatKit.mcp_servers = {"fixture": {
    "command": command, "args": args, "cwd": sys.argv[1], "env": {"MCP_FIXTURE_KEY": "k" * 12}}}
config.JupyterChatKit.store_url = f"sqlite:///{sys.argv[2]}/chat.sqlite3"
config.ServerApp.jpserver_extensions = {
    **dict.fromkeys(OTHER_EXTENSIONS, False), "jupyter_chatkit": True}
config.ServerApp.root_dir = sys.argv[2]
config.ServerApp.open_browser = False
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
server = ServerApp(config=config)
server.initialize(argv=[], new_httpserver=False)
app = server.extension_manager.extension_apps["jupyter_chatkit"].pop()
import threading
importing_threads = set()

class Watch:  # which thread imports MCP's client (the event loop runs in this one)
    def find_spec(self, name, path, target=None):
        if name == "mcp.client.session":
            importing_threads.add(threading.current_thread() is threading.main_thread())

sys.meta_path.insert(0, Watch())

async def main():
    holder = app.settings["jupyter_chatkit"]["holder"]
    assistant = await holder.get()
    await holder.warm_up_ended()
    idle = {"deferred": is_deferred("mcp"),
            "loaded": sorted(m for m in ("mcp.client.session", "starlette", "uvicorn")
                             if m in sys.modules)}
    try:
        refs, problems = await assistant.mcp.tools("turn-1")
        lookup = next(ref for ref in refs if ref.tool == "lookup")
        output, notice = await assistant.mcp.call(lookup, {"term": "configured"}, "turn-1")
    finally:
        await app.stop_extension()
    return {"idle": idle, "problems": problems, "status": output["status"],
            "found": "configured" in output["result"], "deferred_after": is_deferred("mcp"),
            "on_the_loop": sorted(importing_threads)}

print(json.dumps(loop.run_until_complete(main()), default=str))
"""
)


@pytest.mark.timeout(120)
def test_an_mcp_server_configured_leaves_mcp_unloaded_until_it_starts(tmp_path: Path) -> None:
    result = run_fresh(
        MCP_CONFIGURED_SCRIPT, str(ROOT), str(tmp_path), json.dumps(mcp_fork.command())
    )
    assert result == {
        "idle": {"deferred": True, "loaded": []},
        "problems": [],
        "status": "done",
        "found": True,
        "deferred_after": False,
        "on_the_loop": [False],  # imported in a worker thread
    }


# mcp's public entry points with the deferral on, each in a fresh Python: the statement,
# then what it gave is what the package, loaded in full, names.
ENTRY_SCRIPT = (
    DEFERRED_BASE
    + """
assert deferred[0] == "mcp"
%s
import mcp
print(json.dumps({"same": got is %s, "deferred": is_deferred("mcp"),
                  "circular_ok": mcp.ClientSessionGroup.__module__}))
"""
)
ENTRY_POINTS = [
    ("from mcp.client.session_group import ClientSessionGroup as got", "mcp.ClientSessionGroup"),
    ("from mcp import ClientSession as got", "mcp.client.session.ClientSession"),
    ("import mcp.client.stdio\ngot = mcp.client.stdio.stdio_client", "mcp.stdio_client"),
    ("import mcp.types as got", "sys.modules['mcp.types']"),
    ("from mcp.shared.exceptions import MCPError as got", "mcp.MCPError"),
    ("from mcp.server.mcpserver import MCPServer as got", "mcp.server.mcpserver.MCPServer"),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("statement", "expected"), ENTRY_POINTS)
def test_mcp_public_entry_points_import_with_the_deferral_on(statement: str, expected: str) -> None:
    if "mcpserver" in statement and importlib.util.find_spec("mcp.server.mcpserver") is None:
        pytest.skip("this mcp has no mcp.server.mcpserver")
    result = run_fresh(ENTRY_SCRIPT % (statement, expected))
    assert result == {
        "same": True,
        "deferred": False,
        "circular_ok": "mcp.client.session_group",
    }


# A fresh Python: the deferral, the HTTP stack the build imports (httpcore imports trio
# when installed), then a request made under trio's event loop through httpcore itself.
TRIO_SCRIPT = (
    AGENTS_BASE
    + """
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
try:
    import httpcore2 as httpcore
except ImportError:
    import httpcore
idle = is_deferred("trio")

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
import trio

async def main():
    async with httpcore.AsyncConnectionPool() as pool:
        response = await pool.request("GET", f"http://127.0.0.1:{server.server_port}/")
        return response.status, response.content.decode()

status, body = trio.run(main)
print(json.dumps({"deferred": deferred, "idle": idle, "status": status, "body": body,
                  "after": is_deferred("trio")}))
"""
)


@pytest.mark.timeout(120)
def test_trio_is_deferred_at_idle_and_works_when_used() -> None:
    pytest.importorskip("trio")
    result = run_fresh(TRIO_SCRIPT)
    assert result == {
        "deferred": [*DEFERRED[:2], "trio", *DEFERRED[2:]],
        "idle": True,
        "status": 200,
        "body": "ok",
        "after": False,
    }


# A fresh Python: the deferral, the store opened as the server opens it (SQLite, or
# PostgreSQL at the URL given), then every name the deferred package serves compared
# with the real package's once a name it does not serve has run its __init__.
SQLALCHEMY_SCRIPT = (
    AGENTS_BASE
    + """
from jupyter_chatkit.serverext.deferred_imports import SQLALCHEMY_ASYNC, SQLALCHEMY_ASYNC_FORWARD
from jupyter_chatkit.store import open_store
from chatkit.types import ThreadMetadata
from jupyter_chatkit.protocol import RequestContext
from datetime import datetime, timezone

async def main(url):
    store = await open_store(url)
    try:
        context = RequestContext(user_id="deferred-sqlalchemy")
        thread = ThreadMetadata(id=store.generate_thread_id(context),
                                created_at=datetime.now(timezone.utc))
        await store.save_thread(thread, context)
        return (await store.load_thread(thread.id, context)).id == thread.id
    finally:
        await store.close()

url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/s.sqlite3"
stored = asyncio.run(main(url))
idle = {"deferred": deferred, "stored": stored, "still": is_deferred(SQLALCHEMY_ASYNC),
        "orm": sorted(m for m in sys.modules if m.startswith("sqlalchemy.orm"))}
import sqlalchemy.ext.asyncio as package
served = {name: getattr(package, name) for name in SQLALCHEMY_ASYNC_FORWARD}
served_deferred = is_deferred(SQLALCHEMY_ASYNC)
from sqlalchemy.ext.asyncio import AsyncSession
real = sys.modules[SQLALCHEMY_ASYNC]
print(json.dumps({
    "idle": idle,
    "served_deferred": served_deferred,
    "different": [n for n in served if served[n] is not getattr(real, n)],
    "after": is_deferred(SQLALCHEMY_ASYNC),
    "session": AsyncSession.__module__,
}))
"""
)


def _check_sqlalchemy_deferral(result: dict[str, Any]) -> None:
    assert result["idle"] == {
        "deferred": [*DEFERRED[:2], *TRIO, *DEFERRED[2:]],
        "stored": True,
        "still": True,  # the store used only the names served without the __init__
        "orm": [],
    }
    assert result["served_deferred"] is True
    # Each served name is the object the package's own __init__ binds (fails when
    # SQLAlchemy moves one): the store gets exactly what it would without the deferral.
    assert result["different"] == []
    # Any other name runs the real __init__, and works.
    assert result["after"] is False
    assert result["session"] == "sqlalchemy.ext.asyncio.session"


@pytest.mark.timeout(120)
def test_sqlalchemy_asyncio_without_its_orm_session_on_sqlite() -> None:
    _check_sqlalchemy_deferral(run_fresh(SQLALCHEMY_SCRIPT))


@pytest.mark.timeout(120)
def test_sqlalchemy_asyncio_without_its_orm_session_on_postgresql(postgres_url: str) -> None:
    _check_sqlalchemy_deferral(run_fresh(SQLALCHEMY_SCRIPT, postgres_url))


# A fresh Python: openai's types deferred as the server extension does, then a chat
# completions turn's imports, then every name the real openai.types/__init__ binds.
OPENAI_TYPES_SCRIPT = (
    AGENTS_BASE
    + """
from jupyter_chatkit.serverext.deferred_imports import OPENAI_TYPES, reexports
assert OPENAI_TYPES in deferred
from openai.types import ChatModel, CompletionUsage
from openai.types.chat import ChatCompletionChunk
chunk = ChatCompletionChunk.model_validate({"id": "c", "choices": [], "created": 1,
    "model": "m", "object": "chat.completion.chunk",
    "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}})
idle = {"deferred": [p for p in (OPENAI_TYPES, "openai.types.chat", "openai.types.responses")
                     if is_deferred(p)],
        "unused_loaded": [m for m in ("openai.types.eval_create_params",
                          "openai.types.graders.label_model_grader") if m in sys.modules],
        "usage": type(chunk.usage) is CompletionUsage}
# Both APIs' canned streams parsed by openai's own client, with the types deferred.
from agents import OpenAIChatCompletionsModel, OpenAIResponsesModel
from jupyter_chatkit.assistant.canned_provider import parse_answers
client = openai.AsyncOpenAI(base_url="http://127.0.0.1:9/v1", api_key="sk-test")
idle["parsed"] = [
    parse_answers(OpenAIChatCompletionsModel(model="m", openai_client=client), "chat_completions"),
    parse_answers(OpenAIResponsesModel(model="m", openai_client=client), "responses")]
idle["still"] = is_deferred(OPENAI_TYPES) and is_deferred("openai.types.responses")
served = {}
for package in (OPENAI_TYPES, "openai.types.chat"):
    module = sys.modules[package]
    served[package] = {n: getattr(module, n) for n in reexports(package, module.__file__)}
names = sorted(vars(openai.types))  # runs the real __init__
after = {"deferred": is_deferred(OPENAI_TYPES),
         "same": all(getattr(sys.modules[p], n) is v
                     for p, values in served.items() for n, v in values.items()),
         "count": sum(map(len, served.values())),
         "chat_model": ChatModel is openai.types.ChatModel,
         "loaded": "openai.types.eval_create_params" in sys.modules}
print(json.dumps({"idle": idle, "after": after}))
"""
)


@pytest.mark.timeout(120)
def test_openai_types_are_imported_by_name_at_idle_and_whole_when_used() -> None:
    result = run_fresh(OPENAI_TYPES_SCRIPT)
    # The turn's imports took the names they use from their modules: the packages'
    # __init__ (every type of every API) never ran, modules no turn uses stay unloaded.
    assert result["idle"] == {
        "deferred": ["openai.types", "openai.types.chat", "openai.types.responses"],
        "unused_loaded": [],
        "usage": True,
        "parsed": [2, 2],
        "still": True,
    }
    # Every name the packages bind was served as the very object their __init__ binds;
    # any other use runs the real __init__, which loads everything as before.
    after = result["after"]
    assert after["deferred"] is False and after["same"] is True and after["loaded"] is True
    assert after["count"] > 100 and after["chat_model"] is True
