"""A saved notebook's stream outputs of one name are read as one (notebook_file.merged_streams),
in work linear in their number: a cell of many flushes (a loop printing a line a step under
nbclient or papermill) is read as quickly as its text allows."""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_chatkit.kernel.notebook_file import read_cells

from .test_redact_backtracking import cpu_budget

# CPU seconds: ~100 times what reading this notebook takes (~0.1 s), a fraction of what
# joining the outputs one at a time took (20,000 x 200 characters: ~19 s, quadratic).
BUDGET = 10.0


def test_many_stream_flushes_are_joined_in_linear_work(tmp_path: Path) -> None:
    flushes = [
        {"output_type": "stream", "name": "stdout", "text": f"step {i:05d} " + "x" * 190 + "\n"}
        for i in range(40_000)
    ]
    flushes.insert(1, {"output_type": "stream", "name": "stderr", "text": "warning\n"})
    cell = {"cell_type": "code", "source": "train()", "metadata": {}, "execution_count": 1}
    nb = {"cells": [{**cell, "outputs": flushes}], "metadata": {}, "nbformat": 4,
          "nbformat_minor": 5}  # fmt: skip
    path = tmp_path / "train.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    with cpu_budget(BUDGET):
        cells = read_cells(path)
    assert cells is not None
    outputs = cells[0]["outputs"]
    # stdout's first flush, stderr's, then every other stdout flush as one output.
    assert [o["text"][:10] for o in outputs[:3]] == ["step 00000", "warning\n", "step 00001"]
    assert len(outputs) == 3
