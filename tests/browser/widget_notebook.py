"""Set-up shared by the browser tests of the ``%chat`` widget in JupyterLab."""

from __future__ import annotations

from tests.fixtures.browser import WIDGET, LabPage


def open_widget_notebook(lab_page: LabPage, name: str, *cells: str) -> None:
    """Write ``name`` (``%load_ext``, ``cells``, then ``%chat``), open and run it, and
    wait until the widget's message box shows."""
    lab_page.server.write_notebook(name, ["%load_ext jupyter_chatkit", *cells, "%chat"])
    lab_page.open(name)
    lab_page.run_all()
    lab_page.page.locator(f"{WIDGET} .jck-input").wait_for(state="visible", timeout=60_000)
