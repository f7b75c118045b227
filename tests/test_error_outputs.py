"""Errors and outputs are read for the model alike by the kernel (a saved notebook,
``kernel/notebook_file.py``) and the sidebar (``js/lab/src/cells.ts``): both read the
same cases (tests/fixtures/error_outputs.json, js/lab/test/erroroutputs.test.ts) and
their patterns come from one table (``context_policy/error_rules.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.context_policy import error_rules
from jupyter_chatkit.kernel.notebook_file import output_text, read_cells

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "error_outputs.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_an_output_reads_as_the_sidebar_reads_it(case: dict[str, Any]) -> None:
    assert output_text(case["output"]) == case["read"]


def test_no_escape_sequence_is_left_of_a_cut_colour() -> None:
    for case in CASES:
        assert "\x1b" not in json.dumps(output_text(case["output"]), ensure_ascii=False)


def test_the_typescript_table_is_generated_from_the_python_one() -> None:
    generated = Path(__file__).parents[1] / error_rules.TS_PATH
    assert generated.read_text(encoding="utf-8") == error_rules.render_typescript(), (
        "regenerate: python -m jupyter_chatkit.context_policy.error_rules --write"
    )


CELLS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "error_outputs.json").read_text(encoding="utf-8")
)["cells"]


@pytest.mark.parametrize("case", CELLS, ids=[c["name"] for c in CELLS])
def test_a_cells_outputs_share_its_bound_as_in_the_sidebar(
    case: dict[str, Any], tmp_path: Path
) -> None:
    cell = {"cell_type": "code", "execution_count": 1, "source": "report()", "metadata": {}}
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}
    cell["outputs"] = case["outputs"]
    path = tmp_path / "a.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    (entry,) = read_cells(path) or []
    read = {"outputs": entry["outputs"], "outputs_truncated": entry.get("outputs_truncated", False)}
    assert read == case["read"]


def test_a_frame_shown_only_as_html_keeps_its_secret_column_hidden() -> None:
    from jupyter_chatkit.context_policy import ContextPolicy

    (case,) = (c for c in CASES if c["name"].startswith("a frame shown only as HTML"))
    read = ContextPolicy().tool_result({"outputs": [output_text(case["output"])]})
    text = read["outputs"][0]["text"]
    # Its rows are read now (the default repr before): the password column's value is
    # hidden by the policy as in any table, its other cells kept.
    assert "hunter2-xyz" not in text and "ada" in text and "password" in text
    assert read["redacted"] == 1


def test_what_the_policy_passes_holds_no_control_character() -> None:
    from jupyter_chatkit.context_policy import ContextPolicy

    # A kernel variable's or a tool's text, not only an output: NUL, BEL, DEL, C1 and a
    # colour go, tab, newline and carriage return stay (as the sidebar's policy reads it).
    said = "status\x00 ok\x07\tdone\x7f\x9b \x1b[31mred\x1b[0m\r\nnext\n"
    read = ContextPolicy().tool_result({"value": said})
    assert read["value"] == "status ok\tdone red\r\nnext\n"
