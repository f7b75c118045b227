"""``get_notebook_cells(around=N)`` from the kernel's execution history (no saved notebook
file): its cells carry execution counts, not indices, so ``around`` names a run by its
execution count, and the omitted_note names the runs left out and how to read them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.kernel.introspect import run_tool
from jupyter_chatkit.kernel.view import KernelView

RUNS = 60


def _runs(shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """The execution counts of RUNS cells run now, with no notebook file to read."""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    counts = []
    for i in range(RUNS):
        counts.append(shell.execution_count)
        shell.run_cell(f"far_run_{i} = {i}", store_history=True)
    return counts


def _read(shell: InteractiveShell, args: dict[str, Any]) -> dict[str, Any]:
    result = run_tool("get_notebook_cells", args, KernelView(shell.user_ns, {}, shell))
    assert result["from"] == "kernel_execution_history", result
    return result


def test_around_centres_on_a_runs_execution_count(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    counts = _runs(shell, monkeypatch, tmp_path)
    far = counts[10]
    result = _read(shell, {"max_cells": 7, "around": far, "include_outputs": False})
    shown = [c["execution_count"] for c in result["cells"]]
    assert shown == list(range(far - 3, far + 4)), shown
    assert any("far_run_10 = 10" in c["source"] for c in result["cells"])
    assert result["centred_on"] == far and str(far) in result["note"]
    # The note names the runs left on both sides, and how to read them: around, not
    # include_outputs alone (max_cells is what left them out).
    note = result["omitted_note"]
    assert f"{far + 4}-{counts[-1]}" in note and re.search(rf"\b{far - 4}\b", note), note
    assert "around=" in note
    assert result["omitted_cells"] == result["executed_cells"] - len(shown)


def test_without_around_the_newest_runs_are_read_and_the_note_says_how_to_read_more(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    counts = _runs(shell, monkeypatch, tmp_path)
    result = _read(shell, {"max_cells": 5})
    shown = [c["execution_count"] for c in result["cells"]]
    assert shown == counts[-5:] and "centred_on" not in result
    note = result["omitted_note"]
    assert f"-{counts[-6]}" in note and "around=" in note, note
    # A junk around is ignored, an out-of-range one is the nearest run.
    assert [
        c["execution_count"] for c in _read(shell, {"max_cells": 5, "around": "x"})["cells"]
    ] == shown
    past = _read(shell, {"max_cells": 5, "around": counts[-1] + 1000})
    assert [c["execution_count"] for c in past["cells"]] == shown
    assert past["centred_on"] == counts[-1]
