"""Running a notebook in a real kernel for the tests (nbclient, python3)."""

from __future__ import annotations

from pathlib import Path

from nbclient import NotebookClient
from nbformat import NotebookNode


def execute(nb: NotebookNode, workdir: Path, *, allow_errors: bool = False) -> NotebookNode:
    """Execute ``nb`` in place in a python3 kernel whose working directory is ``workdir``;
    nbclient raises on a cell's error unless ``allow_errors``. Returns ``nb``."""
    NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(workdir)}},
    ).execute()
    return nb
