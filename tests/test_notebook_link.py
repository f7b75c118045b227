"""The kernel names its notebook from its server's sessions API (kernel/notebook_link.py):
the session whose kernel is this one, a notebook, its path under the server's root."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jupyter_chatkit.kernel.executions import ExecutionLog
from jupyter_chatkit.kernel.notebook_link import find_notebook, session_path
from jupyter_chatkit.kernel.remote import ServerEndpoint

SESSIONS: list[Any] = [
    {"path": "console-1", "type": "console", "kernel": {"id": "k1"}},
    {"path": "work/a.ipynb", "type": "notebook", "kernel": {"id": "k2"}},
    {"path": "b.ipynb", "type": "notebook", "kernel": None},
    "junk",
]


@pytest.mark.parametrize(
    ("sessions", "kernel_id", "expected"),
    [
        (SESSIONS, "k2", "work/a.ipynb"),
        (SESSIONS, "k1", None),  # a console's kernel has no notebook
        (SESSIONS, "k9", None),
        ({"path": "x.ipynb"}, "k2", None),  # not a list: nothing guessed
        ([{"path": "/lead.ipynb", "kernel": {"id": "k3"}}], "k3", "lead.ipynb"),
    ],
)
def test_the_sessions_answer_names_the_kernels_notebook(
    sessions: Any, kernel_id: str, expected: str | None
) -> None:
    assert session_path(sessions, kernel_id) == expected


@pytest.mark.asyncio
async def test_outside_a_kernel_the_notebook_is_unknown() -> None:
    # This test process is not an ipykernel kernel: no id, no request, no guess.
    endpoint = ServerEndpoint("http://127.0.0.1:9/jupyter-chatkit/chatkit", "t")
    assert await find_notebook(endpoint) is None


def test_of_notebooks_sharing_the_kernel_the_one_holding_the_cell_run_last() -> None:
    shared = [
        {"path": "a.ipynb", "type": "notebook", "kernel": {"id": "k"}},
        {"path": "b.ipynb", "type": "notebook", "kernel": {"id": "k"}},
    ]
    assert session_path(shared, "k", lambda path: path == "b.ipynb") == "b.ipynb"
    # The cell is in no saved notebook, or unknown: the first, as before.
    assert session_path(shared, "k", lambda path: False) == "a.ipynb"
    assert session_path(shared, "k") == "a.ipynb"
    # One notebook on the kernel: its files are not read.
    assert session_path(shared[:1], "k", lambda path: pytest.fail("read")) == "a.ipynb"


def test_the_cell_that_starts_recording_is_known_by_its_id() -> None:
    """``%load_ext jupyter_chatkit`` and ``%chat`` in one cell of the second notebook on
    a kernel: recording starts inside that cell (no ``pre_run_cell`` for it), and the
    widget's questions must still find that notebook by the cell's id, which ipykernel
    keeps on the shell as the request's metadata (as a real kernel has it)."""
    running = SimpleNamespace(
        parent_header={"header": {"msg_id": "m1"}, "metadata": {"cellId": "load-and-chat"}}
    )
    assert ExecutionLog(running).cell_id == "load-and-chat"
    # A console's request (no cellId) or no request: unknown.
    assert ExecutionLog(SimpleNamespace(parent_header={"metadata": {}})).cell_id is None
    assert ExecutionLog(SimpleNamespace()).cell_id is None
