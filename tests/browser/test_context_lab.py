"""The context policy in a real JupyterLab: errors arrive whole, secrets never leave.

A notebook with credentials in its cells and two failing cells (one through pandas'
frames, one with ANSI colours and a database password in its message). "Ask about this
error" sends the question; the fake model then reads the notebook (the JupyterLab tool)
and the kernel's variables (the silent kernel call). The fake model's request log must
hold the failing cell's execution count, its exception and a reduced traceback, no ANSI
code, no secret, and every tool result within 16k characters.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.fixtures.browser import ASSISTANT, LabPage
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall
from tests.test_context_policy import TABLE, leaks

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

GITHUB = next(c for c in TABLE if c["id"] == "github-classic")["value"]
PASSWORD = next(c for c in TABLE if c["id"] == "password-var")["value"]
URL = next(c for c in TABLE if c["id"] == "url-password")["value"]

CELLS = [
    f"token = {GITHUB!r}\ndb_password = {PASSWORD!r}",
    "import pandas as pd\n\ndef revenue(frame):\n    return frame['revenue']\n\n"
    "revenue(pd.DataFrame({'sales': [1, 2]}))",
    f"def connect():\n    raise ConnectionError('\\x1b[31mrefused\\x1b[0m by {URL}')\n\nconnect()",
]


def tool_results(llm: FakeLLM) -> list[str]:
    """Each tool result as the model received it (JSON text)."""
    out = []
    for request in llm.requests:
        tools = [m for m in request["messages"] if m["role"] == "tool"]
        if tools:
            out.append(tools[-1]["content"])
    return out


def test_asking_about_an_error_sends_it_whole_and_without_secrets(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("context.ipynb", CELLS)
    lab_page.open("context.ipynb")
    lab_page.run_all()  # stops at the first error, as JupyterLab does
    lab_page.set_active_cell(2)
    lab_page.notebook_js("nb.content.activate();")
    lab_page.command("notebook:run-cell")
    page.wait_for_timeout(300)
    lab_page.wait_for_kernel_idle()
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("get_notebook_cells", {"max_cells": 10_000})]),
        Reply(tool_calls=[ToolCall("list_kernel_variables", {"max_items": 10_000})]),
        Reply("The connection was refused."),
    )
    buttons = page.locator(".jp-chatkit-ask-error")
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 2", arg=".jp-chatkit-ask-error"
    )
    buttons.last.click()
    page.locator(ASSISTANT, has_text="The connection was refused.").wait_for(
        state="visible", timeout=60_000
    )
    assert len(scripted_llm.requests) >= 3

    # The question and the failing cell it names (a tag's context, just before it).
    question = json.dumps(scripted_llm.requests[0]["messages"][-2:], ensure_ascii=False)
    assert '\\"execution_count\\": 3' in question
    assert "ConnectionError" in question and "connect()" in question
    assert "Cell In[3]" in question

    cells_text, variables_text = tool_results(scripted_llm)[:2]
    for text in (cells_text, variables_text):
        assert len(text) <= 16_000
    cells = json.loads(cells_text)
    errors = [
        o for c in cells["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert [e["ename"] for e in errors] == ["KeyError", "ConnectionError"]
    pandas_tb, own_tb = errors[0]["text"], errors[1]["text"]
    assert pandas_tb.startswith("Cell In[2]") and "library frame" in pandas_tb
    assert pandas_tb.endswith("KeyError: 'revenue'") and len(pandas_tb) <= 2_000
    assert errors[1]["evalue"].startswith("refused by postgresql://")
    assert own_tb.startswith("Cell In[3]")
    assert cells["redacted"] >= 3

    variables = json.loads(variables_text)
    listed = {v["name"]: v for v in variables["variables"]}
    assert listed["db_password"]["value"].startswith("«redacted: str")
    assert variables["redacted"] >= 2

    log = json.dumps(scripted_llm.requests, ensure_ascii=False)
    assert not leaks(log), leaks(log)
    # No escape character anywhere (the cell's source spells "\\x1b" out, which stays).
    assert "\\u001b" not in log and "\x1b" not in log
