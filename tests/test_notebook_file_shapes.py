"""Notebooks unlike ours, read by the kernel's ``get_notebook_cells``: whole and bounded.

Each notebook is written as another tool would save it (nbformat 4.0 without cell ids,
sources as lists of lines, raw and markdown-only notebooks, errors from non-Python
kernels with missing or odd fields, deeply nested JSON outputs) and read through the
real tool with a real IPython shell, as ``Chat().ask`` in a kernel does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.context_policy.budget import MAX_RESULT_CHARS
from jupyter_chatkit.kernel.introspect import dumps, run_tool
from jupyter_chatkit.kernel.view import KernelView

MARK = "MARKER_CELL_SEEN"


def notebook(cells: list[dict[str, Any]], minor: int = 4) -> dict[str, Any]:
    """A notebook as saved on disk (no nbformat validation: other tools write these)."""
    return {"nbformat": 4, "nbformat_minor": minor, "metadata": {}, "cells": cells}


def code(source: Any, outputs: list[Any], count: int | None = 1) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "metadata": {},
        "execution_count": count,
        "source": source,
        "outputs": outputs,
    }


def read(
    shell: InteractiveShell, path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """What the model receives for ``get_notebook_cells`` on the notebook ``text``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    result = run_tool(
        "get_notebook_cells",
        {"max_cells": 50},
        KernelView(shell.user_ns, shell.user_ns_hidden, shell),
    )
    assert len(dumps(result)) <= MAX_RESULT_CHARS
    assert "error" not in result, result
    return result


def test_old_and_odd_shapes_reach_the_model(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", f"{MARK} one"]},
        code(
            ["x = 1\n", "print(x)"],
            [{"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]}],
        ),
        {"cell_type": "raw", "metadata": {}, "source": "raw text"},
        code(f"'{MARK} two'\r\n\tprint('שלום 😀')", [], None),
    ]
    result = read(
        shell,
        tmp_path / "dir with space/ünï #%?&.ipynb",
        json.dumps(notebook(cells, 0)),
        monkeypatch,
    )
    assert result["from"] == "notebook_file"
    assert [c["cell_type"] for c in result["cells"]] == ["markdown", "code", "raw", "code"]
    assert result["cells"][1]["source"] == "x = 1\nprint(x)"
    assert result["cells"][1]["outputs"][0]["text"] == "a\nb\n"
    assert "שלום 😀" in result["cells"][3]["source"]
    for empty in ([], [{"cell_type": "markdown", "metadata": {}, "source": MARK}]):
        result = read(
            shell, tmp_path / "Untitled.ipynb", json.dumps(notebook(empty, 5)), monkeypatch
        )
        assert result["from"] == "notebook_file"
        assert len(result["cells"]) == len(empty)


def test_a_huge_error_name_does_not_crowd_out_the_other_cells(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = {"output_type": "error", "ename": "E" * 100_000, "evalue": "v", "traceback": []}
    cells = [code(f"{MARK}_{i} = {i}", [], i) for i in range(1, 6)] + [code("x", [odd], 6)]
    result = read(shell, tmp_path / "odd.ipynb", json.dumps(notebook(cells)), monkeypatch)
    assert len(result["cells"]) == 6
    error = result["cells"][-1]["outputs"][0]
    assert len(error["ename"]) < 1_000
    assert len(dumps(error)) < 4_000


def test_a_non_python_kernels_error_keeps_its_traceback(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kernels of other languages save a traceback as one string, or with non-string
    # entries, or no fields at all; what they hold reaches the model.
    outputs = [
        {
            "output_type": "error",
            "ename": "Error",
            "evalue": "boom",
            "traceback": f"at {MARK}_1 (line 3)",
        },
        {"output_type": "error", "ename": None, "evalue": None, "traceback": None},
        {"output_type": "error"},
        {
            "output_type": "error",
            "ename": "E",
            "evalue": "x",
            "traceback": [f"at {MARK}_2", 5, None],
        },
        {
            "output_type": "error",
            "ename": "UndefVarError",
            "evalue": "UndefVarError(:x)",
            "traceback": [
                f"UndefVarError: x not defined\nStacktrace:\n [1] {MARK}_3()\n   @ In[1]:1\n"
                * 2_000
            ],
        },
    ]
    cells = [code("x", [o], i + 1) for i, o in enumerate(outputs)]
    result = read(shell, tmp_path / "r.ipynb", json.dumps(notebook(cells)), monkeypatch)
    errors = [c["outputs"][0] for c in result["cells"]]
    assert f"{MARK}_1" in errors[0]["text"]
    assert f"{MARK}_2" in errors[3]["text"]
    assert f"{MARK}_3" in errors[4]["text"]
    assert len(errors[4]["text"]) <= 4_000
    # A missing name is no name, not the text "None".
    assert "None" not in errors[1]["ename"] + errors[1]["text"]


def test_a_deeply_nested_json_output_leaves_the_notebook_readable(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # JavaScript front ends and other tools write JSON of any depth; Python's parser
    # stops at its recursion limit.
    depth = 5_000
    nested = '{"a":' * depth + "1" + "}" * depth
    output = (
        '{"output_type": "display_data", "metadata": {}, '
        f'"data": {{"text/plain": "<JSON>", "application/json": {nested}}}}}'
    )
    cells = [code(f"{MARK} = 1", [], 1), code("show()", [], 2)]
    text = json.dumps(notebook(cells)).replace('"outputs": []}]', f'"outputs": [{output}]}}]')
    assert text.count("application/json") == 1
    result = read(shell, tmp_path / "deep.ipynb", text, monkeypatch)
    assert MARK in dumps(result)
    assert result["cells"][1]["outputs"][0]["text"].startswith("<JSON>")


def test_cells_run_since_the_file_was_saved_reach_the_model(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new notebook is saved once with one empty cell; the cells run since are not in it.
    shell.run_cell(f"{MARK}_saved = 1", store_history=True)
    shell.run_cell(f"{MARK}_unsaved = 41 + 1\n{MARK}_unsaved", store_history=True)
    cells = [code(f"{MARK}_saved = 1", [], 1), code("", [], None)]
    result = read(shell, tmp_path / "Untitled.ipynb", json.dumps(notebook(cells, 5)), monkeypatch)
    assert result["from"] == "notebook_file"
    text = dumps(result)
    assert f"{MARK}_unsaved = 41 + 1" in text
    assert "42" in text
    # A cell the file holds is not repeated.
    assert text.count(f"{MARK}_saved = 1") == 1


def test_odd_execution_counts_leave_the_notebook_readable(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts: list[Any] = ["abc", [1], {"n": 1}, 2.5, True, "7", 3]
    cells = [code(f"{MARK}_{i} = 1", [], count) for i, count in enumerate(counts)]
    result = read(shell, tmp_path / "counts.ipynb", json.dumps(notebook(cells)), monkeypatch)
    assert result["from"] == "notebook_file"
    assert len(result["cells"]) == len(counts)
    assert all(c["execution_count"] in (None, 3) for c in result["cells"])


def test_an_nbformat_3_notebook_is_read(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Older notebooks (2011-2015, still common in repositories) keep their cells in
    # worksheets, code in `input`, results as pyout/pyerr.
    cell = {
        "cell_type": "code",
        "input": ["x = 1\n", f"{MARK}_code"],
        "language": "python",
        "metadata": {},
        "prompt_number": 2,
        "outputs": [
            {"output_type": "stream", "stream": "stdout", "text": [f"{MARK}_out\n"]},
            {"output_type": "pyout", "prompt_number": 2, "text": ["42"], "metadata": {}},
            {
                "output_type": "pyerr",
                "ename": "NameError",
                "evalue": f"name '{MARK}_err' is not defined",
                "traceback": [f"\x1b[0;31mNameError\x1b[0m: name '{MARK}_err' is not defined"],
            },
        ],
    }
    markdown = {"cell_type": "markdown", "metadata": {}, "source": ["# Old\n", f"{MARK}_md"]}
    nb = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": ""},
        "worksheets": [{"cells": [markdown, cell], "metadata": {}}],
    }
    result = read(shell, tmp_path / "old.ipynb", json.dumps(nb), monkeypatch)
    assert result["from"] == "notebook_file"
    text = dumps(result)
    for part in ("md", "code", "out", "err"):
        assert f"{MARK}_{part}" in text
    assert "42" in text
    assert "\\u001b" not in text
