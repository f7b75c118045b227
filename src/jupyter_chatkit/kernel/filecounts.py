"""A saved notebook's execution counts read against this kernel's runs.

JupyterLab saves on its own schedule: after a kernel restart and a few runs, the file
still holds the older kernel's counts and outputs (``[7]``, ``[8]``), or none for cells
run since the last save, while ``run_not_in_file`` and ``last_error`` count this kernel's
runs (``1``, ``2``): one number meant two runs, and the reader centred on the older
kernel's newest cell. Each saved cell whose source this kernel ran under another count
says which run it was, and the reader centres on this kernel's newest run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

COUNTS_NOTE = (
    "The file's execution counts and outputs are from when it was last saved, not from "
    "this kernel's runs: a cell that carries execution_count_in_this_kernel was run by "
    "this kernel under that count (the one run_not_in_file and last_error use), and its "
    "output in the file may be older than that run."
)


def kernel_runs(inputs: Sequence[Any]) -> dict[str, int]:
    """Each source this kernel ran (stripped), to the count of its newest run."""
    return {
        source.strip(): count
        for count, source in enumerate(inputs)
        if count and isinstance(source, str) and source.strip()
    }


def newest_run(cells: Sequence[dict[str, Any]], runs: dict[str, int]) -> int | None:
    """The position in ``cells`` of the code cell this kernel ran last, or None."""
    best, where = 0, None
    for i, cell in enumerate(cells):
        run = runs.get(_source(cell), 0)
        if run > best:
            best, where = run, i
    return where


def mark_run(cell: dict[str, Any], runs: dict[str, int]) -> bool:
    """Give a code cell this kernel ran under another count than the file's that count
    (``execution_count_in_this_kernel``); True when it was given."""
    run = runs.get(_source(cell))
    if run is None or run == cell.get("execution_count"):
        return False
    cell["execution_count_in_this_kernel"] = run
    return True


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source")
    return source.strip() if cell.get("cell_type") == "code" and isinstance(source, str) else ""
