"""An error output a thread or a callback showed while a cell ran is not read as the
cell's error by the readers of a saved notebook (the kernel's, a mentioned notebook's),
as the sidebar's readers read it: the same real kernels' outputs
(tests/fixtures/background_errors.json, read by js/lab/test/backgrounderror.test.ts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.assistant.history import notebook_text
from jupyter_chatkit.context_policy import error_rules
from jupyter_chatkit.context_policy.errors import shown_by_other_code
from jupyter_chatkit.kernel.notebook_file import output_text

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "background_errors.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_readers_mark_an_error_only_when_another_code_showed_it(case: dict[str, Any]) -> None:
    error, expected = case["error"], case["shown_by_other_code"]
    assert shown_by_other_code(error["traceback"]) is expected

    read = output_text(error)
    assert read.get("note") == (error_rules.SHOWN_BY_OTHER_CODE if expected else None)
    assert read["ename"] == error["ename"]

    notebook = {"cells": [{"cell_type": "code", "source": "run()", "outputs": [error]}]}
    text = notebook_text(json.dumps(notebook)) or ""
    assert (error_rules.SHOWN_BY_OTHER_CODE in text) is expected, text
