"""The offline model's code card in a ``%chat`` widget: Insert puts its code below the
widget's own cell, not run.

Checked on the offline server (``offline_jupyter``) in JupyterLab by
test_offline_hint_lab.py (on that test's page, after its own steps) and in Notebook 7 by
test_kernel_widget_browser.py.
"""

from __future__ import annotations

from typing import Any

from tests.fixtures.browser import WIDGET, LabPage, send

# The first cell: the offline model's card is the same whatever the kernel holds, so no
# DataFrame (``import pandas`` is ~0.65 s of CPU in each test's kernel).
CARDS_SETUP = "sales = {'region': ['north', 'south'], 'revenue': [120.5, 98.0]}"
CARDS_CELLS = [CARDS_SETUP, "%load_ext jupyter_chatkit\n%chat", "# the last cell"]


def run_cell_output(lab: LabPage, index: int) -> str:
    """The text of a cell's outputs."""
    return str(
        lab.notebook_js(
            "const cell = nb.content.widgets[arg];"
            " return cell.node.querySelector('.jp-OutputArea')?.innerText ?? '';",
            index,
        )
    )


def insert_card_below_the_widgets_cell(lab: LabPage, screenshot: Any, app: str) -> None:
    """In the open, run notebook of ``CARDS_CELLS`` (its widget the page's only one), ask
    for code; the card's Insert puts exactly its code right below the widget's cell, not
    run, though the active cell is another. Nothing configured: the chat says so."""
    page = lab.page
    page.locator(f"{WIDGET} .jck-offline").wait_for(state="visible")
    # The active cell has moved on after running; insertion must still follow the widget.
    lab.set_active_cell(2)
    send(page, "write code to plot sales", WIDGET, timeout=90_000)
    card = page.locator(f"{WIDGET} .jck-widget").last
    code = str(card.locator("pre code").first.inner_text()).strip()
    assert code
    card.get_by_role("button", name="Insert", exact=True).click()
    page.wait_for_function(
        "(n) => window.jupyterapp.shell.currentWidget.content.widgets.length > n", arg=3
    )
    sources = lab.cell_sources()
    assert sources[0] == CARDS_SETUP and sources[1].startswith("%load_ext")
    assert sources[2].strip() == code
    assert sources[3] == "# the last cell"
    # Inserted, not run: a person asked for Insert, not Insert & run.
    assert run_cell_output(lab, 2) == ""
    page.locator(WIDGET).get_by_text("Inserted in the notebook").wait_for(timeout=10_000)
    screenshot(page, f"inserted-{app}")
