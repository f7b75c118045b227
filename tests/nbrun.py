"""Running a notebook in a real kernel for the tests (nbclient, python3).

The kernel talks to us over Unix sockets (ZeroMQ's ``ipc`` transport), not TCP. Over TCP
jupyter_client guesses five free ports, closes them and lets the kernel bind them a
moment later; on a loaded machine running tests in parallel another process (a second
pytest worker's server, any outgoing connection, which takes its local port from the
same range) can take one first, and the kernel dies at start: nbclient's "Kernel died
before replying to kernel_info" (ZMQError: Address already in use). Socket files in a
directory of our own cannot be taken by anyone else.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbformat import NotebookNode
from traitlets.config import Config


@contextlib.contextmanager
def ipc_kernel_config() -> Iterator[Config]:
    """Kernel-manager config for kernels on Unix sockets in a fresh private directory.

    The directory is short (a socket path has a ~107-byte limit, which a pytest
    ``tmp_path`` can pass) and removed afterwards.
    """
    directory = tempfile.mkdtemp(prefix="jck-kernel-")
    try:
        yield Config({"KernelManager": {"transport": "ipc", "ip": f"{directory}/k"}})
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def python_kernel(**start: Any) -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
    """A started python3 kernel on Unix sockets and a client ready to talk to it, shut
    down afterwards; ``start`` goes to ``KernelManager.start_kernel`` (``env``, ``cwd``).
    What ``jupyter_client.start_new_kernel`` does, without its TCP ports."""
    with ipc_kernel_config() as config:
        km = KernelManager(kernel_name="python3", config=config)
        km.start_kernel(**start)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            yield km, kc
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


def execute(nb: NotebookNode, workdir: Path, *, allow_errors: bool = False) -> NotebookNode:
    """Execute ``nb`` in place in a python3 kernel whose working directory is ``workdir``;
    nbclient raises on a cell's error unless ``allow_errors``. Returns ``nb``.

    The kernel is stopped at once when the last cell is done, as :func:`python_kernel`
    stops its own: nbclient's default graceful shutdown waits for the kernel to finalize
    its interpreter, which after an answer (chatkit, agents, openai, SQLAlchemy loaded)
    is 0.5-0.9 s of CPU quiet, and 1-3 s of wall at load ~12, that no test reads: a
    kernel that did not exit would be killed all the same, without an error.
    """
    with ipc_kernel_config() as config:
        NotebookClient(
            nb,
            timeout=180,
            kernel_name="python3",
            allow_errors=allow_errors,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(workdir)}},
            config=config,
        ).execute()
    return nb
