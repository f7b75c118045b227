"""Errors arrive whole from a real kernel: a notebook run by nbclient asks about its error.

The kernel is a real ipykernel; the model is the fake OpenAI-compatible server, whose
request log shows what the model read: the failing cell (the one before the chat cell),
its execution count, the exception, a traceback reduced to the user's frames, no ANSI
codes and no secret.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from .fixtures.fake_llm import FAKE_API_KEY, FakeLLM, Reply, ToolCall
from .nbrun import execute

DB_PASSWORD = "Tr0ub4dor-and-3"


def tool_outputs(llm: FakeLLM) -> list[dict[str, Any]]:
    """The tool results the model received, in order."""
    out = []
    for request in llm.requests:
        messages = [m for m in request.get("messages", []) if m.get("role") == "tool"]
        if messages:
            out.append(json.loads(messages[-1]["content"]))
    return out


def test_chat_in_a_notebook_reads_the_error_of_the_cell_before_it(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext jupyter_chatkit"),
        nbformat.v4.new_code_cell("rows = [[1, 2], [3, 4], [5]]"),
        nbformat.v4.new_code_cell(
            "def width(table):\n"
            "    if len({len(r) for r in table}) > 1:\n"
            f"        raise ValueError('ragged rows from postgresql://ana:{DB_PASSWORD}@db/x')\n"
            "    return len(table[0])\n"
            "\n"
            "width(rows)"
        ),
        nbformat.v4.new_code_cell("answer = Chat().ask('Why did that fail?')\nanswer.ok"),
    ]
    nb.cells[3].source = "from jupyter_chatkit import Chat\n" + nb.cells[3].source
    kernel_provider.script(
        Reply(tool_calls=[ToolCall("get_active_cell", {})]),
        Reply(tool_calls=[ToolCall("get_notebook_cells", {"max_cells": 500})]),
        Reply("The last row is shorter."),
    )
    execute(nb, tmp_path, allow_errors=True)
    assert nb.cells[2].outputs[0]["output_type"] == "error"
    assert nb.cells[3].outputs[-1]["data"]["text/plain"] == "True"

    active, cells = tool_outputs(kernel_provider)
    cell = active["cell"]
    assert cell["execution_count"] == 3 and cell["source"].startswith("def width(table)")
    error = cell["error"]
    assert error["type"] == "ValueError"
    assert error["message"].startswith("ragged rows from postgresql://ana:«redacted")
    tb = error["traceback"]
    assert tb.startswith("Cell In[3], line 6, in <module>\n    width(rows)")
    assert "Cell In[3], line 3, in width" in tb
    assert tb.endswith(f"ValueError: {error['message']}")
    assert "before the chat cell" in active["note"]

    by_count = {c["execution_count"]: c for c in cells["cells"]}
    assert by_count[3]["error"]["type"] == "ValueError"
    assert by_count[4].get("running") is True
    assert len(json.dumps(cells)) <= 16_000

    log = json.dumps(kernel_provider.requests, ensure_ascii=False)
    assert DB_PASSWORD not in log and FAKE_API_KEY not in log
    assert "\x1b" not in log and "\\u001b" not in log
