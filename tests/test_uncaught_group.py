"""An uncaught ExceptionGroup, which IPython prints to stderr (no error output), is read
from a saved notebook as the cell's error: named, whole within the error's bound, and
still read after a long log (js/lab/test/grouperror.test.ts reads it in the sidebar). The
shared cases (tests/fixtures/uncaught_groups.json) split exactly as in the sidebar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.kernel import uncaught_rules
from jupyter_chatkit.kernel.notebook_file import output_text, read_cells
from jupyter_chatkit.kernel.uncaught_group import split_uncaught

# The cases grouperror.test.ts reads too: both languages split them alike.
CASES = json.loads(
    (Path(__file__).parent / "fixtures" / "uncaught_groups.json").read_text(encoding="utf-8")
)["cases"]
_BY_NAME = {c["name"]: c for c in CASES}
# A warning, then what IPython 9 printed for `await main()` whose TaskGroup's four tasks failed.
TASK_GROUP = "\n".join(_BY_NAME["a TaskGroup's group after a warning"]["lines"])


def _stream(text: str, name: str = "stderr") -> dict[str, object]:
    return {"output_type": "stream", "name": name, "text": text}


def test_an_uncaught_group_is_the_cells_error_after_a_long_log(tmp_path: Path) -> None:
    log = "\n".join(f"row {i} loaded" for i in range(400))
    table = {"output_type": "display_data", "data": {"text/plain": "x" * 2000}, "metadata": {}}
    outputs = [_stream(log, "stdout"), table, _stream(TASK_GROUP)]
    cell = {"cell_type": "code", "execution_count": 7, "source": "await main()", "outputs": outputs}
    path = tmp_path / "tasks.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [cell]}))
    (read,) = read_cells(path) or []
    errors = [o for o in read["outputs"] if o["output_type"] == "error"]
    assert len(errors) == 1, read["outputs"]
    error = errors[0]
    assert error["ename"] == "ExceptionGroup"
    assert error["evalue"] == "unhandled errors in a TaskGroup (4 sub-exceptions)"
    for i in range(4):
        assert f"KeyError: 'job {i}'" in error["text"], error["text"]
    assert "Cell, line 7, in <module>" in error["text"]
    assert "interactiveshell" not in error["text"] and "ipykernel_" not in error["text"]


def test_an_error_raised_while_handling_a_group_is_read_with_the_group() -> None:
    case = _BY_NAME["an error raised while handling a group"]
    (error,) = split_uncaught(_stream("\n".join(case["lines"])), str)
    read = output_text(error)
    assert (read["ename"], read["evalue"]) == ("RuntimeError", "cleanup failed")
    assert "ValueError: 1" in read["text"] and read["text"].endswith("cleanup failed")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_shared_cases_split_as_in_the_sidebar(case: dict[str, Any]) -> None:
    """Each case of tests/fixtures/uncaught_groups.json, as grouperror.test.ts reads it."""
    output = _stream(case["newline"].join(case["lines"]), case["stream"])
    expected: list[dict[str, Any]] = [output]
    if case["split"]:
        want = case["split"]
        error = {
            "output_type": "error",
            "ename": want["ename"],
            "evalue": want["evalue"],
            "traceback": ["\n".join(want["traceback"])],
        }
        expected = [_stream(want["before"], case["stream"]), error] if want["before"] else [error]
    assert split_uncaught(output, str) == expected


def test_the_typescript_copy_matches_the_table() -> None:
    generated = Path(__file__).parents[1] / uncaught_rules.TS_PATH
    assert generated.read_text(encoding="utf-8") == uncaught_rules.render_typescript(), (
        "regenerate: python -m jupyter_chatkit.kernel.uncaught_rules --write"
    )
