"""The same extension in Notebook 7: the assistant in the right area, and the bridge."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.fixtures.browser import PANEL, JupyterServer, LabPage, open_panel, send
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


# Notebook 7.6's own page error on load, with or without this extension and with no user
# settings at all: its shortcuts plugin reads the settings registry's entry of itself
# before loading it when another plugin's settings load first (jupyter/notebook#7862).
NOTEBOOK7_OWN_ERROR = "Cannot read properties of undefined (reading 'schema')"


def page_errors(page: Any) -> list[tuple[str, str]]:
    """Collect the page's uncaught errors (message, stack) from now on."""
    errors: list[tuple[str, str]] = []
    page.on("pageerror", lambda e: errors.append((e.message, e.stack or "")))
    return errors


def not_notebook7s_own(errors: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The errors but Notebook 7's known one (raised in its own core bundle)."""
    return [
        (message, stack)
        for message, stack in errors
        if not (message == NOTEBOOK7_OWN_ERROR and "/static/notebook/notebook_core." in stack)
    ]


def test_notebook7_relative_link_opens_the_file_as_notebook7_does(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    # Notebook 7 opens a file in a browser tab of its own (its file browser and a Markdown
    # cell's link do): a relative link in an answer does the same, read from the
    # notebook's folder; the notebook's page stays, and no page error is ours.
    errors = page_errors(page)
    (notebook7.root_dir / "work" / "data").mkdir(parents=True, exist_ok=True)
    (notebook7.root_dir / "work" / "data" / "sales.csv").write_text("region,revenue\nnorth,7\n")
    notebook7.write_notebook("work/links.ipynb", ["x = 1"])
    nb = LabPage(page, notebook7)
    nb.open("work/links.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("Read [the data](data/sales.csv)."))
    send(page, "where is the data?")
    answer = page.locator(f"{PANEL} .jck-msg.jck-assistant .jck-parts").last
    with page.context.expect_page() as opened:
        answer.locator("a", has_text="the data").click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url.split("?")[0] == f"{notebook7.origin}/edit/work/data/sales.csv"
    tab.locator(".jp-CSVViewer").wait_for(state="visible", timeout=60_000)
    tab.wait_for_function("() => document.title.includes('sales.csv')")
    screenshot(tab, "relative-link-tab")
    # The notebook's own page is where it was.
    assert page.url.split("?")[0] == f"{notebook7.origin}/notebooks/work/links.ipynb"
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget?.context?.path") == (
        "work/links.ipynb"
    )
    assert not_notebook7s_own(errors) == []
