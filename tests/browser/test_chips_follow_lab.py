"""The context chips follow what the person does, in the sidebar and the ``%chat`` widget.

- While the person types in the chat: a variable picked with ``@df`` is read with the
  message, and the chips row names it (``@df``) until the mention is deleted; cells
  added before the named cell renumber its chip. Within a frame, the chat keeping the focus.

Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.fixtures.browser import INPUT, PANEL, LabPage, open_panel, type_and_pick

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

CHIPS = """(sel) => [...document.querySelectorAll(sel)].map((c) => c.innerText.trim())"""


def chip_texts(page: Any, scope: str = PANEL) -> list[str]:
    """The chips row's labels, in order."""
    return list(page.evaluate(CHIPS, f"{scope} .jck-chip"))


def wait_chips(page: Any, expected: list[str], scope: str = PANEL) -> None:
    """Wait until the chips row of ``scope`` shows exactly ``expected``."""
    page.wait_for_function(
        f"([sel, want]) => JSON.stringify(({CHIPS})(sel)) === JSON.stringify(want)",
        arg=[f"{scope} .jck-chip", expected],
        timeout=10_000,
    )


def chat_has_focus(page: Any, scope: str = PANEL) -> bool:
    return bool(
        page.evaluate(
            "(sel) => document.activeElement === document.querySelector(sel)",
            f"{scope} .jck-input",
        )
    )


def open_follow_notebook(lab_page: LabPage, page: Any) -> Any:
    """Two cells run, cell 2 active, the sidebar open: its box, focused."""
    lab_page.server.write_notebook("follow.ipynb", ["df = {'region': ['north']}", "total = 1"])
    lab_page.open("follow.ipynb")
    lab_page.run_all()
    lab_page.set_active_cell(1)
    open_panel(page)
    wait_chips(page, ["follow.ipynb", "cell 2"])
    box = page.locator(INPUT)
    box.click()
    return box


def test_the_chips_name_a_variable_mentioned_while_the_person_types(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    box = open_follow_notebook(lab_page, page)
    # A variable picked from the list: the row names it while the box holds it.
    type_and_pick(page, "plot @d", "@df")
    wait_chips(page, ["follow.ipynb", "cell 2", "@df"])
    screenshot(page, "mention-named")
    mention = page.locator(f"{PANEL} .jck-chip-mentioned")
    assert mention.get_attribute("role") == "listitem"
    assert mention.locator("button").count() == 0  # the box holds it: delete @df there
    box.press_sequentially("by region")
    assert chip_texts(page) == ["follow.ipynb", "cell 2", "@df"]
    # Deleted from the box: no longer read, no longer named.
    box.fill("plot by region")
    wait_chips(page, ["follow.ipynb", "cell 2"])
    assert chat_has_focus(page)


def test_the_chips_follow_cells_added_while_the_chat_has_the_focus(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    """The chip names a cell by its number: cells added before it renumber it, even when
    the active cell stays where it was (a ``%chat`` cell active, the chip naming the cell
    worked in below it)."""
    lab_page.server.write_notebook(
        "renumber.ipynb", ["sales = [10, 20]", "%load_ext jupyter_chatkit\n%chat", "total = 1"]
    )
    lab_page.open("renumber.ipynb")
    open_panel(page)
    lab_page.set_active_cell(2)
    wait_chips(page, ["renumber.ipynb", "cell 3"])
    lab_page.set_active_cell(1)
    page.locator(INPUT).click()
    wait_chips(page, ["renumber.ipynb", "cell 3"])
    # A cell added between the chat cell and the named one (as an agent step or a
    # collaborator would), the chat keeping the focus: the chip follows its cell.
    lab_page.notebook_js(
        "nb.content.model.sharedModel.insertCell(2, {cell_type: 'code', source: '# notes'});"
    )
    wait_chips(page, ["renumber.ipynb", "cell 4"])
    assert lab_page.notebook_js("return nb.content.activeCellIndex;") == 1
    # The active cell moved meanwhile, the chat keeping the focus.
    lab_page.notebook_js("nb.content.activeCellIndex = 0;")
    wait_chips(page, ["renumber.ipynb", "cell 1"])
    assert chat_has_focus(page)
    screenshot(page, "renumbered")
