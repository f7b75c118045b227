"""The same extension in Notebook 7: the assistant in the right area, and the bridge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.fixtures.browser import JupyterServer, LabPage, start_jupyter

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

PANEL = "#jupyter-chatkit-panel"


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """A Notebook 7 server with the offline model."""
    server = start_jupyter(tmp_path_factory.mktemp("nb7"), app="notebook")
    yield server
    server.stop()


def test_notebook7_sidebar_and_bridge(notebook7: JupyterServer, page: Any, screenshot: Any) -> None:
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
    box = page.locator(f"{PANEL} .jck-input")
    box.fill("what variables do I have?")
    box.press("Enter")
    page.wait_for_function(
        """(sel) => { const a = document.querySelectorAll(sel + ' .jck-msg.jck-assistant');
             return a.length > 0 && !document.querySelector(sel + ' .jck-streaming')
               && /3 x 1/.test(a[a.length - 1].textContent); }""",
        arg=PANEL,
        timeout=60_000,
    )
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
