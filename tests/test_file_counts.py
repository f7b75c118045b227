"""A saved notebook whose execution counts are an older kernel's (saved before a restart
and the runs since): each saved cell this kernel ran under another count carries that
count, the answer says what the file's counts are, and it is centred on this kernel's
newest run, not on the older kernel's newest cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.kernel.introspect import run_tool
from jupyter_chatkit.kernel.view import KernelView

from .test_notebook_file_shapes import code, notebook


def _code(source: str, count: int | None, printed: str = "") -> dict[str, Any]:
    outputs = [{"output_type": "stream", "name": "stdout", "text": printed}] if printed else []
    return code(source, outputs, count)


def _read(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cells: list[Any]
) -> dict[str, Any]:
    path = tmp_path / "saved.ipynb"
    path.write_text(json.dumps(notebook(cells)), encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    view = KernelView(shell.user_ns, {}, shell)
    result = run_tool("get_notebook_cells", {"max_cells": 5}, view)
    assert "error" not in result, result
    return result


def test_an_older_kernel_s_counts_are_told_apart_from_this_kernel_s_runs(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = "fc_rows = [3, 1, 2]", "print('fc sorted', sorted(fc_rows))"
    cells = [
        _code(first, 7),
        _code("fc_total = sum(fc_rows)", 8),
        _code(second, 9, "fc sorted [1, 2, 3]\n"),
        *(_code(f"fc_filler_{i} = {i}", None) for i in range(40)),
        _code("fc_late = 'older kernel'", 50),  # the file's newest count: an older run
    ]
    shell.run_cell(first, store_history=True)
    ran_first = shell.execution_count - 1
    shell.run_cell(second, store_history=True)
    ran_second = shell.execution_count - 1
    result = _read(shell, tmp_path, monkeypatch, cells)
    by_source = {c["source"]: c for c in result["cells"]}
    assert second in by_source and first in by_source, result["cells"]
    assert "fc_late = 'older kernel'" not in by_source  # centred on this kernel's run
    assert by_source[first]["execution_count_in_this_kernel"] == ran_first
    assert by_source[second]["execution_count_in_this_kernel"] == ran_second
    assert "execution_count_in_this_kernel" not in by_source["fc_total = sum(fc_rows)"]
    assert "execution_count_in_this_kernel" in result["counts_note"]


def test_a_file_saved_after_this_kernel_s_runs_says_nothing_more(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = "fc_fresh = 'saved after its run'"
    shell.run_cell(source, store_history=True)
    result = _read(shell, tmp_path, monkeypatch, [_code(source, shell.execution_count - 1)])
    assert "counts_note" not in result
    assert "execution_count_in_this_kernel" not in result["cells"][0]
