"""A kernel started by a Jupyter server asks that server (issue 15, items 1 and 4).

A real ``jupyter server`` process is configured on its command line only
(``--JupyterChatKit.store_url``, ``--JupyterChatKit.model``); nothing about the assistant
is in the environment. A kernel it starts runs ``Chat().ask()``: the conversation lands in
the server's store, as the server's user, and the kernel opens no store of its own.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jupyter_chatkit.store.engine import default_sqlite_path

from .fixtures.ports import start_on_free_port, wait_until_serving

pytestmark = pytest.mark.slow

TOKEN = "kernel-via-server-token"
# Server extensions installed with the test dependencies, off in this module's servers.
OTHER_EXTENSIONS = (
    "jupyterlab",
    "notebook",
    "notebook_shim",
    "jupyter_server_terminals",
    "jupyter_lsp",
)


@pytest.fixture(params=["with the extension", "without the extension"])
def server(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, Path, Path, bool]]:
    """A ``jupyter server`` subprocess: its URL, its store file, its data dir, and
    whether jupyter-chatkit's extension runs in it."""
    enabled = request.param == "with the extension"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "JUPYTER_"))}
    data_dir = tmp_path / "data"
    env |= {
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_DATA_DIR": str(data_dir),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "OPENAI_AGENTS_DISABLE_TRACING": "1",
    }
    store = tmp_path / "server-store.sqlite3"
    if not enabled:
        # The kernel inherits this and, finding no assistant on its server, uses it.
        env["JUPYTER_CHATKIT_STORE_URL"] = f"sqlite:///{store}"
        env["JUPYTER_CHATKIT_MODEL"] = "offline"
    log_path = tmp_path / "server.log"
    # The other server extensions installed beside it (JupyterLab's, Notebook 7's and the
    # shim, terminals, language servers) serve pages and APIs a kernel's chat never asks:
    # off, a start costs ~2 s of CPU less (their imports, JupyterLab's `node yarn.js
    # config --json` at import, jupyter-lsp's look for language servers). What the test
    # reads is the server's kernels API and jupyter-chatkit's endpoint.
    extensions = dict.fromkeys(OTHER_EXTENSIONS, False) | {"jupyter_chatkit": enabled}

    def start(port: int) -> tuple[str, subprocess.Popen[bytes]]:
        url = f"http://127.0.0.1:{port}"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "jupyter_server",
                    "--allow-root",
                    "--no-browser",
                    f"--port={port}",
                    "--port-retries=0",
                    "--ip=127.0.0.1",
                    f"--IdentityProvider.token={TOKEN}",
                    f"--ServerApp.jpserver_extensions={extensions!r}",
                    f"--JupyterChatKit.store_url=sqlite:///{store}",
                    "--JupyterChatKit.model=offline",
                ],
                cwd=tmp_path,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_serving(
                process,
                lambda: _answers(url),
                lambda: log_path.read_text(errors="replace")[-3000:],
                "jupyter server",
                timeout=60,
            )
        except BaseException:
            _stop(process)
            raise
        return url, process

    url, process = start_on_free_port(start, "jupyter server")
    try:
        yield url, store, data_dir, enabled
    finally:
        _stop(process)


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/status", headers=_auth()).status_code == 200
    except httpx.HTTPError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(30)


def _auth() -> dict[str, str]:
    return {"Authorization": f"token {TOKEN}"}


async def _run_in_kernel(url: str, code: str) -> str:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    async with httpx.AsyncClient(timeout=60, trust_env=False) as client:
        kernel = (
            await client.post(f"{url}/api/kernels", headers=_auth(), json={"name": "python3"})
        ).json()
        try:
            ws_url = url.replace("http://", "ws://") + f"/api/kernels/{kernel['id']}/channels"
            ws = await websocket_connect(HTTPRequest(ws_url, headers=_auth()))
            msg_id = uuid.uuid4().hex
            header = {
                "msg_id": msg_id,
                "msg_type": "execute_request",
                "username": "test",
                "session": uuid.uuid4().hex,
                "version": "5.3",
            }
            ws.write_message(
                json.dumps(
                    {
                        "header": header,
                        "parent_header": {},
                        "metadata": {},
                        "channel": "shell",
                        "content": {"code": code, "silent": False},
                    }
                )
            )
            out: list[str] = []
            while True:
                raw = await ws.read_message()
                assert raw is not None, "the kernel's websocket closed"
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    out.append(msg["content"]["text"])
                elif msg["msg_type"] == "error":
                    raise AssertionError(msg["content"]["evalue"])
                elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            ws.close()
            return "".join(out)
        finally:
            await client.delete(f"{url}/api/kernels/{kernel['id']}", headers=_auth())


@pytest.mark.asyncio
async def test_kernel_chat_uses_its_servers_settings_and_store(
    server: tuple[str, Path, Path, bool],
) -> None:
    """With the extension the kernel asks the server; without, it answers itself."""
    url, store, data_dir, enabled = server
    code = (
        "import json\n"
        "from jupyter_chatkit import Chat\n"
        "a = Chat().ask('what variables do I have?', display=False)\n"
        # A key the kernel alone has: the model that answers is still the server's.
        "import os\n"
        "os.environ['OPENAI_API_KEY'] = 'sk-only-in-this-kernel'\n"
        "from jupyter_chatkit.kernel.runtime import get_runtime\n"
        "offline, _ = get_runtime().run(get_runtime().answering(), timeout=60)\n"
        "import sys\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'chatkit', 'pydantic'})\n"
        "print(json.dumps({'thread': a.thread_id, 'error': a.error, 'offline': offline,"
        " 'loaded': loaded}))\n"
    )
    result = json.loads((await _run_in_kernel(url, code)).strip().splitlines()[-1])
    assert result["error"] is None and result["thread"], result
    # What the %chat widget's hint is told over the comm (Comm.CONFIG): the offline
    # model answers, the server's (its command line) or the kernel's own (its env).
    assert result["offline"] is True
    if enabled:
        async with httpx.AsyncClient(timeout=30, trust_env=False) as client:
            listed = await client.post(
                f"{url}/jupyter-chatkit/chatkit",
                headers=_auth(),
                content=json.dumps({"type": "threads.list", "params": {}}),
            )
        assert result["thread"] in [t["id"] for t in listed.json()["data"]]
        # The kernel read the server's stream without ChatKit's models (nor pydantic).
        assert result["loaded"] == []
    else:
        # The kernel's own assistant kept it, in the store its environment names.
        from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
        from jupyter_chatkit.store import open_store

        own = await open_store(f"sqlite:///{store}")
        try:
            thread = await own.load_thread(result["thread"], RequestContext(user_id=LOCAL_USER))
        finally:
            await own.close()
        assert thread.id == result["thread"]
    assert await asyncio.to_thread(store.is_file)
    # Neither path opened the default SQLite file in the data dir (the server keeps its
    # installation id beside it, so the folder itself may exist).
    default = data_dir / "jupyter_chatkit" / default_sqlite_path().name
    assert not await asyncio.to_thread(default.exists)


def test_each_extension_turned_off_is_one_the_server_would_load() -> None:
    """A renamed extension would stay on without a word: each name in
    :data:`OTHER_EXTENSIONS` is enabled in this environment's Jupyter config (where the
    server reads them), as jupyter-chatkit's own is."""
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    enabled = ExtensionConfigManager(
        read_config_path=jupyter_config_path()
    ).get_jpserver_extensions()
    for name in (*OTHER_EXTENSIONS, "jupyter_chatkit"):
        assert enabled.get(name) is True, name
