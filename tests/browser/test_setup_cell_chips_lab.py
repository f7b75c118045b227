"""A new user's notebook: data, ``%load_ext jupyter_chatkit``, then the chat; Run All.

Found walking the product (walk W3): after Run All the ``%chat`` widget's and the
sidebar's cell chip named ``cell 2``, the ``%load_ext jupyter_chatkit`` cell Run All
passed on its way to the chat, so that line went to the model as "the active cell".
The chips name the data cell instead. Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.fixtures.browser import CHIP, WIDGET, LabPage, open_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def test_chips_after_run_all_skip_the_cell_that_only_loads_the_assistant(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    lab_page.server.write_notebook(
        "setup_chips.ipynb", ["sales = [10, 20, 30]", "%load_ext jupyter_chatkit", "%chat"]
    )
    lab_page.open("setup_chips.ipynb")
    lab_page.run_all()
    page.locator(f"{WIDGET} .jck-input").wait_for(state="visible", timeout=60_000)
    widget_cells = page.locator(f"{WIDGET} .jck-chip", has_text="cell")
    widget_cells.first.wait_for()
    open_panel(page)
    sidebar_cells = page.locator(CHIP, has_text="cell")
    sidebar_cells.first.wait_for()
    screenshot(page, "after-run-all")
    assert widget_cells.all_inner_texts() == ["cell 1"]
    assert sidebar_cells.all_inner_texts() == ["cell 1"]


ACTIVE_CELL = """async () => {
  const el = document.querySelector('.jp-Notebook .jck-widget-host');
  const r = await window.jupyterChatkitBridge.runTool(el, 'get_active_cell', {});
  return {index: r.cell.index, source: r.cell.source};
}"""


def test_the_widgets_active_cell_is_the_cell_its_chips_name(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    """Walk W5: the widget in a ``%chat`` cell showed the chip "cell 1" while its
    ``get_active_cell`` (the bridge) read the ``%chat`` cell itself: the person and the
    model meant different cells. The tool now reads the cell the chips name."""
    lab_page.server.write_notebook(
        "widget_active.ipynb",
        ["sales = [10, 20, 30]", "total = sum(sales)", "%load_ext jupyter_chatkit", "%chat"],
    )
    lab_page.open("widget_active.ipynb")
    lab_page.run_all()
    page.locator(f"{WIDGET} .jck-input").wait_for(state="visible", timeout=60_000)
    chip = page.locator(f"{WIDGET} .jck-chip", has_text="cell")

    def agree(label: str, source: str) -> None:
        page.locator(f"{WIDGET} .jck-chip", has_text=label).wait_for()
        assert chip.all_inner_texts() == [label]
        read = page.evaluate(ACTIVE_CELL)
        assert (f"cell {read['index'] + 1}", read["source"]) == (label, source)

    # Run All ends on the widget's own cell: the cell above (past %load_ext), not %chat.
    lab_page.set_active_cell(3)
    agree("cell 2", "total = sum(sales)")
    screenshot(page, "chips-cell-above")
    # The person worked in cell 1, then came back to the chat: both keep cell 1.
    lab_page.set_active_cell(0)
    agree("cell 1", "sales = [10, 20, 30]")
    lab_page.set_active_cell(3)
    agree("cell 1", "sales = [10, 20, 30]")
