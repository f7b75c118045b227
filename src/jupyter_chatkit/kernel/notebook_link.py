"""Which notebook this kernel serves, as a path under its Jupyter server's root.

Threads belong to notebooks by that path (the one JupyterLab's sidebar and the server's
rename events use). ``JPY_SESSION_NAME`` (see :mod:`.notebook_file`) is a file system
path fixed when the kernel started; the server's sessions API knows the current one,
renames included. So the kernel asks its own server (:func:`.remote.find_server`, with
the token it already has) for the session whose kernel is this one. With no server, or
one that does not answer, the path stays unknown and the chat says so.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import parse_json
from .deferrals import before_http
from .remote import ENDPOINT_PATH, ServerEndpoint, find_server, runtime_info, tls_context

log = logging.getLogger("jupyter_chatkit")

# Seconds for each step of a request to the kernel's own server (httpx's timeout).
_TIMEOUT = 5.0
_KERNEL_FILE = re.compile(r"kernel-(?P<id>[0-9A-Za-z_.-]+)\.json")
# The cell a chat shown earlier asks for while its turn runs (Asking.shown_in_cell): its
# reads of "this notebook" go by that cell, not by the cell run last, which may be
# another notebook's on a kernel they share.
_ASKING_CELL: ContextVar[str | None] = ContextVar("jupyter_chatkit_asking_cell", default=None)


def own_kernel_id() -> str | None:
    """This kernel's id, from its connection file's name (``kernel-<id>.json``)."""
    try:
        from ipykernel.connect import get_connection_file

        name = Path(get_connection_file()).name
    except Exception:
        # Not in an ipykernel kernel (a script, a test process).
        return None
    match = _KERNEL_FILE.fullmatch(name)
    return match["id"] if match else None


def session_path(
    sessions: Any, kernel_id: str, holds: Callable[[str], bool] | None = None
) -> str | None:
    """The notebook path of the session running ``kernel_id`` in a sessions API answer.

    Several notebooks can share one kernel (JupyterLab's kernel picker offers the running
    ones): then the one ``holds`` says holds the cell run last, else the first listed.
    """
    if not isinstance(sessions, list):
        return None
    paths: list[str] = []
    for session in sessions:
        if not isinstance(session, dict):
            continue
        kernel = session.get("kernel")
        if not isinstance(kernel, dict) or kernel.get("id") != kernel_id:
            continue
        path = session.get("path")
        if isinstance(path, str) and path and session.get("type", "notebook") == "notebook":
            paths.append(path.strip("/"))
    if len(paths) > 1 and holds is not None:
        return next((path for path in paths if holds(path)), paths[0])
    return paths[0] if paths else None


@contextlib.contextmanager
def asking_for(cell_id: str | None) -> Iterator[None]:
    """Within it (and the tasks it starts), :func:`running_cell_id` is ``cell_id``: the
    cell that showed the chat asking now. ``None`` changes nothing."""
    token = _ASKING_CELL.set(cell_id)
    try:
        yield
    finally:
        _ASKING_CELL.reset(token)


def running_cell_id() -> str | None:
    """The id of the notebook cell this kernel ran last (the one running now, while a
    cell runs), or of the cell whose chat asks (:func:`asking_for`); None when unknown
    (a console, a client sending none, no recording)."""
    asking = _ASKING_CELL.get()
    if asking is not None:
        return asking
    from .executions import log_for

    try:
        from IPython import get_ipython

        log = log_for(get_ipython())
    except Exception:
        return None
    return log.cell_id if log is not None else None


def _cell_holder(cell_id: str | None) -> Callable[[str], bool] | None:
    """Whether a notebook (a server path) saved the cell ``cell_id``; None when that
    cell is unknown."""
    if cell_id is None:
        return None

    def holds(path: str) -> bool:
        from .notebook_file import MAX_FILE_BYTES

        file = _file_of(path)[0]
        try:
            if file is None or file.stat().st_size > MAX_FILE_BYTES:
                return False
            cells = parse_json.loads(file.read_bytes()).get("cells")
        except (OSError, ValueError, AttributeError):
            return False
        return isinstance(cells, list) and any(
            isinstance(cell, dict) and cell.get("id") == cell_id for cell in cells
        )

    return holds


def _sessions_url(endpoint: ServerEndpoint) -> str | None:
    base = endpoint.url[: -len(ENDPOINT_PATH)] if endpoint.url.endswith(ENDPOINT_PATH) else ""
    return base + "api/sessions" if base else None


async def find_notebook(
    endpoint: ServerEndpoint | None = None, cell_id: str | None = None
) -> str | None:
    """This kernel's notebook path as its server knows it, or ``None`` when unknown.

    ``cell_id``: the cell that asks (default: the one run last, read before the server
    is asked: another cell may start while it answers); of notebooks sharing this
    kernel, the one holding it.
    """
    holds = _cell_holder(cell_id or running_cell_id())
    endpoint = endpoint if endpoint is not None else find_server()
    kernel_id = own_kernel_id()
    if endpoint is None or kernel_id is None:
        return None
    url = _sessions_url(endpoint)
    if url is None:
        return None
    before_http()
    import httpx  # only with a server to ask (remote.py's note)

    try:
        async with httpx.AsyncClient(
            timeout=_TIMEOUT, trust_env=False, verify=tls_context()
        ) as client:
            response = await client.get(url, headers={"Authorization": f"token {endpoint.token}"})
    except httpx.HTTPError as exc:
        log.info("The kernel could not ask its server for its notebook: %s", type(exc).__name__)
        return None
    if response.status_code != 200:
        return None
    try:
        return session_path(response.json(), kernel_id, holds)
    except ValueError:
        return None


def follow_notebook(widget: Any) -> None:
    """Look up this kernel's notebook in the background and set ``widget.notebook``.

    Never blocks the cell showing the chat: the front end gets the path when it is known
    (a trait change), and without one it keeps the conversation it has.
    """
    # The cell showing the chat, read here: the lookup runs on the runtime's loop, and
    # by then (and at each new conversation) a cell of another notebook on this kernel
    # may be running.
    widget.shown_in_cell = cell_id = running_cell_id()
    if getattr(widget, "notebook", "") or own_kernel_id() is None:
        return
    from .runtime import get_runtime

    future = get_runtime().submit(find_notebook(cell_id=cell_id))

    def done(result: concurrent.futures.Future[str | None]) -> None:
        try:
            path = result.result()
        except Exception as exc:
            log.info("Looking up the kernel's notebook failed: %s", type(exc).__name__)
            return
        if path:
            widget.notebook = path

    future.add_done_callback(done)


@dataclass(frozen=True)
class SavedNotebook:
    """Where this kernel's notebook is saved now, as its server says.

    ``file`` is None when it cannot be read here; ``note`` then says why.
    """

    file: Path | None
    note: str | None = None


def saved_notebook() -> SavedNotebook | None:
    """This kernel's notebook file now, asked of its server; None when no server can be
    asked (not a kernel of a Jupyter server, or it does not answer).

    ``JPY_SESSION_NAME`` names the file the kernel started with: after a rename or move
    that file is gone, or is another notebook saved there since, whose cells are not
    this notebook's. The server's sessions API has the path as it is now; its runtime
    file (``jpserver-<pid>.json``) has the root directory that path is under. Asked on
    each read: a local request of a few milliseconds, and a rename takes effect at once.
    """
    endpoint = find_server()
    kernel_id = own_kernel_id()
    holds = _cell_holder(running_cell_id())
    url = _sessions_url(endpoint) if endpoint is not None else None
    if endpoint is None or kernel_id is None or url is None:
        return None
    before_http()
    import httpx  # only with a server to ask (remote.py's note)

    try:
        with httpx.Client(timeout=_TIMEOUT, trust_env=False, verify=tls_context()) as client:
            response = client.get(url, headers={"Authorization": f"token {endpoint.token}"})
        sessions = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as exc:
        log.info("The kernel could not ask its server for its notebook: %s", type(exc).__name__)
        return None
    if sessions is None:
        return None
    path = session_path(sessions, kernel_id, holds)
    if path is None:
        return SavedNotebook(None, "The Jupyter server runs this kernel for no notebook now.")
    return SavedNotebook(*_file_of(path))


def _file_of(path: str) -> tuple[Path | None, str | None]:
    """The file of the notebook at ``path`` under the server's root, or why it is unknown."""
    from .notebook_file import ENV_SESSION

    info = runtime_info(os.getppid())
    root = info.get("root_dir") if info is not None else None
    started = os.environ.get(ENV_SESSION, "").strip()
    if isinstance(root, str) and root:
        base = Path(root).resolve()
        file = (base / path).resolve()
        if file.is_relative_to(base):
            return file, None
    elif started and Path(started).as_posix().endswith("/" + path):
        # No runtime file (a server elsewhere), and not renamed: the file it started with.
        return Path(started), None
    return None, (
        f"The notebook is now {path.rsplit('/', 1)[-1]}, a file this kernel cannot "
        "locate (it was renamed or moved since the kernel started)."
    )
