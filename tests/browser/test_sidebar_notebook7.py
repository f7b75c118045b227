"""The same extension in Notebook 7: the assistant in the right area, and the bridge."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.fixtures.browser import PANEL, JupyterServer, LabPage
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def test_notebook7_sidebar_and_bridge(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    nb = LabPage(page, notebook7)
    notebook7.write_notebook(
        "seven.ipynb",
        ["import pandas\ndf = pandas.DataFrame({'a': [1, 2, 3]})", "# end"],
    )
    nb.open("seven.ipynb")
    nb.run_all()
    # The shortcut opens the panel in Notebook 7's right area.
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+Shift+A")
    page.locator(f"{PANEL} .jck-input").wait_for(state="visible")
    assert page.locator(f"#jp-right-stack {PANEL}").count() == 1
    assert "seven.ipynb" in page.locator(f"{PANEL} .jp-chatkit-context").inner_text()
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("list_kernel_variables", {})]), Reply("df has three rows.")
    )
    box = page.locator(f"{PANEL} .jck-input")
    box.fill("what variables do I have?")
    box.press("Enter")
    answer = page.locator(f"{PANEL} .jck-msg.jck-assistant", has_text="df has three rows.")
    answer.wait_for(state="visible", timeout=60_000)
    # Notebook 7's panel answered the tool from the notebook's kernel.
    tool = next(m for m in scripted_llm.requests[1]["messages"] if m["role"] == "tool")
    (df,) = [v for v in json.loads(tool["content"])["variables"] if v["name"] == "df"]
    assert df["shape"] == [3, 1]
    screenshot(page, "notebook7")
    ok = page.evaluate(
        """async () => window.jupyterChatkitBridge.insertCell(
             document.querySelectorAll('.jp-Notebook .jp-Cell')[0], 'z = 3', {run: false})"""
    )
    assert ok is True
    assert nb.cell_sources() == [
        "import pandas\ndf = pandas.DataFrame({'a': [1, 2, 3]})",
        "z = 3",
        "# end",
    ]
