"""The kernel reads its notebook where its server says it is now, not where it started.

``JPY_SESSION_NAME`` is fixed when the kernel starts; JupyterLab's rename keeps the
kernel and changes the session's path on the server. A real ``jupyter lab`` server runs
a real kernel for ``first.ipynb``; the notebook is renamed through the contents and
sessions APIs (as JupyterLab does), and another notebook is saved at the old path.
``get_notebook_cells`` answered in that kernel must read the renamed file, never the
other notebook. Also: a file that cannot be parsed says so in the fallback. The two
tests with a kernel share the module's server (a start is ~4 s of CPU); each removes the
files it made, and the one that lists conversations is the only one that starts any.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from jupyter_client.blocking.client import BlockingKernelClient

from jupyter_chatkit.context_policy import dumps
from jupyter_chatkit.kernel.introspect import KernelView, run_tool

from .fixtures.jupyter_servers import JupyterServer, start_jupyter

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

ASK = (
    "import json\n"
    "from jupyter_chatkit.kernel.introspect import run_tool\n"
    "print(json.dumps(run_tool('get_notebook_cells', {})))\n"
)


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, _stopping_servers: Any
) -> Iterator[JupyterServer]:
    """A JupyterLab server (no browser) whose kernels run this checkout, for the module."""
    started = start_jupyter(tmp_path_factory.mktemp("jupyter"))
    yield started
    _stopping_servers.add(started)


@pytest.fixture
def kernel(server: JupyterServer) -> Iterator[tuple[str, BlockingKernelClient]]:
    """A session for ``first.ipynb`` started through the sessions API: its id and a
    client of its kernel (through the kernel's connection file)."""
    server.write_notebook("first.ipynb", ["value = 'cell of the renamed notebook'"])
    session = server.api(
        "api/sessions",
        method="POST",
        body={
            "path": "first.ipynb",
            "name": "first.ipynb",
            "type": "notebook",
            "kernel": {"name": "python3"},
        },
    )
    connection = Path(server.env["JUPYTER_RUNTIME_DIR"]) / f"kernel-{session['kernel']['id']}.json"
    client = BlockingKernelClient(connection_file=str(connection))
    client.load_connection_file()
    # No heartbeat channel: a client of a kernel it did not start counts the kernel
    # dead until the first beat arrives, which wait_for_ready does not wait for.
    client.start_channels(hb=False)
    try:
        client.wait_for_ready(timeout=60)
        yield session["id"], client
    finally:
        client.stop_channels()
        server.api(f"api/sessions/{session['id']}", method="DELETE")
        # The files a test made (the next test renames first.ipynb into moved/ again).
        shutil.rmtree(server.root_dir / "moved", ignore_errors=True)
        (server.root_dir / "first.ipynb").unlink(missing_ok=True)


def _cells_tool(client: BlockingKernelClient) -> dict[str, Any]:
    printed: list[str] = []

    def output(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])

    reply = client.execute_interactive(ASK, timeout=60, output_hook=output)
    assert reply["content"]["status"] == "ok", reply["content"]
    result: dict[str, Any] = json.loads("".join(printed))
    return result


def _rename(server: JupyterServer, session_id: str, old: str, new: str) -> None:
    """Rename as JupyterLab does: the file through the contents API, then the session."""
    server.api(f"api/contents/{old}", method="PATCH", body={"path": new})
    server.api(
        f"api/sessions/{session_id}",
        method="PATCH",
        body={"path": new, "name": new.rsplit("/", 1)[-1]},
    )


def test_a_renamed_notebook_is_read_and_another_at_its_old_path_never(
    server: JupyterServer, kernel: tuple[str, BlockingKernelClient]
) -> None:
    session_id, client = kernel
    (server.root_dir / "moved").mkdir()
    _rename(server, session_id, "first.ipynb", "moved/second.ipynb")
    server.write_notebook("first.ipynb", ["other = 'cell of ANOTHER notebook'"])

    result = _cells_tool(client)

    assert result["from"] == "notebook_file" and result["notebook"] == "second.ipynb"
    assert "cell of the renamed notebook" in dumps(result["cells"])
    assert "ANOTHER" not in dumps(result)


def test_unparseable_notebook_file_says_why_it_was_not_read(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [')
    monkeypatch.setenv("JPY_SESSION_NAME", str(broken))
    result = run_tool("get_notebook_cells", {}, KernelView.current())
    assert result["from"] == "kernel_execution_history"
    assert "broken.ipynb" in result.get("file_note", "")


def test_without_the_servers_root_only_the_unrenamed_start_path_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No runtime file says the server's root: the file the kernel started with is read
    only while the server's path for it is still that file's."""
    from jupyter_chatkit.kernel.notebook_link import _file_of

    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "work" / "old.ipynb"))
    assert _file_of("work/old.ipynb") == (tmp_path / "work" / "old.ipynb", None)
    file, note = _file_of("work/new.ipynb")
    assert file is None and note and "new.ipynb" in note


def test_a_session_path_outside_the_servers_root_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_chatkit.kernel.notebook_link import _file_of

    runtime = tmp_path / "runtime"
    runtime.mkdir()
    root = tmp_path / "root"
    (runtime / f"jpserver-{os.getppid()}.json").write_text(
        json.dumps({"pid": os.getppid(), "url": "http://127.0.0.1:1/", "root_dir": str(root)})
    )
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    assert _file_of("sub/a.ipynb") == ((root / "sub" / "a.ipynb").resolve(), None)
    assert _file_of("../outside.ipynb")[0] is None


FOLLOW = (
    "import json\n"
    "from jupyter_chatkit import Chat\n"
    "chat = Chat(notebook='first.ipynb')\n"  # as follow_notebook set it when shown
    "print('READY')\n"
)
ASK_NEW = (
    "answer = chat.ask('hello', display=False)\n"
    "print(json.dumps({'notebook': chat.notebook, 'thread': answer.thread_id,"
    " 'error': answer.error}))\n"
)


def _run(client: BlockingKernelClient, code: str) -> str:
    printed: list[str] = []

    def output(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])

    reply = client.execute_interactive(code, timeout=90, output_hook=output)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(printed)


def test_a_chat_shown_before_a_rename_starts_its_next_conversation_in_the_renamed_notebook(
    server: JupyterServer, kernel: tuple[str, BlockingKernelClient]
) -> None:
    """The chat's ``notebook`` was set once, when it was shown: after JupyterLab's rename
    a conversation it started was tied to the old path (listed under no open notebook, or
    under another notebook saved there), and its front ends were told the old path."""
    session_id, client = kernel
    assert "READY" in _run(client, FOLLOW)
    (server.root_dir / "moved").mkdir()
    _rename(server, session_id, "first.ipynb", "moved/second.ipynb")

    result = json.loads(_run(client, ASK_NEW).strip().splitlines()[-1])

    assert result["error"] is None, result
    assert result["notebook"] == "moved/second.ipynb"
    listed = server.api(
        "jupyter-chatkit/chatkit",
        method="POST",
        body={
            "type": "threads.list",
            "params": {"limit": 5},
            "metadata": {"notebook": "moved/second.ipynb"},
        },
    )
    assert [t["id"] for t in listed["data"]] == [result["thread"]]


def test_a_notebook_sharing_the_kernel_reads_itself_not_the_first_one(
    server: JupyterServer, kernel: tuple[str, BlockingKernelClient]
) -> None:
    """JupyterLab's kernel picker offers another notebook's running kernel: with two
    sessions on one kernel, a chat run in the second notebook read the first one's file
    (the first session listed) as "this notebook". The notebook read is the one whose
    saved file holds the cell run last (its ``cellId``, as JupyterLab sends it)."""
    session_id, client = kernel
    server.write_notebook("other.ipynb", ["shared = 'cell of the SECOND notebook'"])
    cell_id = json.loads((server.root_dir / "other.ipynb").read_text())["cells"][0]["id"]
    kernel_id = server.api(f"api/sessions/{session_id}")["kernel"]["id"]
    server.api(
        "api/sessions",
        method="POST",
        body={
            "path": "other.ipynb",
            "name": "other.ipynb",
            "type": "notebook",
            "kernel": {"id": kernel_id},
        },
    )
    try:
        # The tool once (recording starts), then a cell of other.ipynb asks.
        printed = _run(
            client,
            "from jupyter_chatkit.kernel.introspect import run_tool\n"
            "run_tool('list_kernel_variables', {})\n"
            f"get_ipython().run_cell({ASK!r}, store_history=True, cell_id={cell_id!r})\n",
        )
        result = json.loads(printed.strip().splitlines()[-1])
        assert result["from"] == "notebook_file" and result["notebook"] == "other.ipynb", result
        assert "SECOND notebook" in dumps(result["cells"])
        # A cell no saved notebook holds (a console's, a new unsaved one): the first.
        # (store_history: the log follows only runs that store history, as a notebook's do.)
        printed = _run(
            client, f"get_ipython().run_cell({ASK!r}, store_history=True, cell_id='nowhere')\n"
        )
        assert json.loads(printed.strip().splitlines()[-1])["notebook"] == "first.ipynb"
        # A chat shown in other.ipynb looks its notebook up in the background: a cell of
        # first.ipynb run right after does not make it first.ipynb's.
        first_id = json.loads((server.root_dir / "first.ipynb").read_text())["cells"][0]["id"]
        printed = _run(
            client,
            "import time\n"
            "from jupyter_chatkit import Chat\n"
            "run = get_ipython().run_cell\n"
            f"run('shown = Chat()\\nshown', store_history=True, cell_id={cell_id!r})\n"
            f"run('pass', store_history=True, cell_id={first_id!r})\n"
            "for _ in range(400):\n"
            "    if shown.notebook:\n"
            "        break\n"
            "    time.sleep(0.05)\n"
            "print(shown.notebook)\n",
        )
        assert printed.strip().splitlines()[-1] == "other.ipynb", printed
        # Its first question, after a cell of first.ipynb ran: still other.ipynb's.
        printed = _run(
            client,
            f"run('pass', store_history=True, cell_id={first_id!r})\n"
            "answer = shown.ask('hello', display=False)\n"
            "print(json.dumps({'notebook': shown.notebook, 'error': answer.error}))\n",
        )
        asked = json.loads(printed.strip().splitlines()[-1])
        assert asked == {"notebook": "other.ipynb", "error": None}, asked
        # And what its turn reads as "this notebook" (the model's cell tool, answered in
        # the kernel) is other.ipynb's too, though first.ipynb ran the cell last.
        printed = _run(
            client,
            "import tempfile\n"
            "from agents.testing import ModelStep, ScriptedModel, assistant_message\n"
            "from agents.testing import function_call\n"
            "from jupyter_chatkit.settings import Settings\n"
            "model = ScriptedModel([ModelStep(output=[function_call('get_notebook_cells', {},"
            " call_id='c1')]), ModelStep(output=[assistant_message('Read.', item_id='m1')])])\n"
            "store = f'sqlite:///{tempfile.mkdtemp()}/chat.sqlite3'\n"
            "settings = Settings(store_url=store, title_threads=False)\n"
            f"run('scripted = Chat(settings=settings, model=model)\\nscripted', store_history=True,"
            f" cell_id={cell_id!r})\n"
            f"run('pass', store_history=True, cell_id={first_id!r})\n"
            "answer = scripted.ask('what is in my notebook?', display=False)\n"
            "read = [i for i in model.calls[1].input if i.get('type') == 'function_call_output']\n"
            "read = json.loads(read[-1]['output'])\n"
            "print(json.dumps({'error': answer.error, 'read': read}))\n",
        )
        asked = json.loads(printed.strip().splitlines()[-1])
        assert asked["error"] is None, asked
        assert asked["read"].get("notebook") == "other.ipynb", asked["read"]
        assert "SECOND notebook" in dumps(asked["read"]["cells"])
        assert "renamed notebook" not in dumps(asked["read"])
    finally:
        # Its session goes with the kernel the fixture's session shuts down.
        (server.root_dir / "other.ipynb").unlink(missing_ok=True)
