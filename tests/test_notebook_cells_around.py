"""``get_notebook_cells(around=N)`` in the kernel: a 500-cell saved notebook read far from
its last executed cell, and an omitted_note that names the cells left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.kernel.cellpick import omitted_ranges
from jupyter_chatkit.kernel.introspect import run_tool
from jupyter_chatkit.kernel.view import KernelView

CELLS = 500


def _read(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: Any
) -> dict[str, Any]:
    """The answer for a saved notebook of CELLS cells whose first one ran last."""
    cells = [
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 1 if i == 0 else None,
            "source": f"value_{i} = {i}",
            "outputs": [],
        }
        for i in range(CELLS)
    ]
    path = tmp_path / "long.ipynb"
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    path.write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    result = run_tool("get_notebook_cells", args, KernelView(shell.user_ns, {}, shell))
    assert "error" not in result, result
    return result


def _indices(result: dict[str, Any]) -> list[int]:
    return [c["index"] for c in result["cells"]]


def test_around_centres_on_a_far_cell(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _read(shell, tmp_path, monkeypatch, {"max_cells": 20, "around": 400})
    shown = _indices(result)
    assert 400 in shown and 399 in shown and 401 in shown
    assert all(abs(i - 400) <= 10 for i in shown)
    assert result["centred_on"] == 400
    assert any("value_400 = 400" in c["source"] for c in result["cells"])
    # The note names both ranges left out and the way to read them.
    note = result["omitted_note"]
    assert f"cells 0-{shown[0] - 1} and {shown[-1] + 1}-{CELLS - 1}" in note, note
    assert "around=" in note


def test_junk_or_out_of_range_around_is_ignored_or_clamped(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _read(shell, tmp_path, monkeypatch, {"max_cells": 10})
    assert "centred_on" not in plain
    assert _indices(plain)[0] == 0  # the last executed cell: the first
    for junk in ("400", None, True, 1.5, [3], {"i": 1}):
        result = _read(shell, tmp_path, monkeypatch, {"max_cells": 10, "around": junk})
        assert _indices(result) == _indices(plain), junk
        assert "centred_on" not in result
    last = _read(shell, tmp_path, monkeypatch, {"max_cells": 10, "around": 10**12})
    assert last["centred_on"] == CELLS - 1 and _indices(last)[-1] == CELLS - 1
    first = _read(shell, tmp_path, monkeypatch, {"max_cells": 10, "around": -7})
    assert first["centred_on"] == 0 and _indices(first)[0] == 0


def test_omitted_ranges_wording() -> None:
    assert omitted_ranges(range(500), range(50, 250)) == "cells 0-49 and 250-499"
    assert omitted_ranges(range(5), [0, 1, 2, 4]) == "cell 3"
    assert omitted_ranges(range(10), [1, 3, 5, 7]) == "cells 0, 2, 4, 6 and 8-9"
    many = omitted_ranges(range(30), range(1, 30, 2))
    assert many == "cells 0, 2, 4, 6, 8 and 10 more ranges"
