"""The context chips follow what the person does, in the sidebar and the ``%chat`` widget.

- While the person types in the chat: a variable picked with ``@df`` is read with the
  message, and the chips row names it (``@df``) until the mention is deleted; cells
  added before the named cell renumber its chip. Within a frame, the chat keeping the focus.
- After Shift+Enter on a notebook's last cell JupyterLab makes a new empty cell active:
  the chips, and the ``get_active_cell`` tool with them, name the cell just run, until
  the person types in the new one.

Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.fixtures.browser import (
    INPUT,
    PANEL,
    USER,
    WIDGET,
    LabPage,
    open_panel,
    send,
    tool_output,
    type_and_pick,
    wait_answer,
)
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

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


def shift_enter_in_cell(page: Any, lab_page: LabPage, index: int) -> None:
    """Click into cell ``index``'s editor and press Shift+Enter (run it, move on)."""
    editor = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell .cm-content").nth(index)
    editor.click()
    page.keyboard.press("Shift+Enter")
    lab_page.wait_for_kernel_idle()


def test_after_shift_enter_the_sidebar_names_the_cell_just_run(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("shift_enter.ipynb", ["a = 1", "b = a + 1"])
    lab_page.open("shift_enter.ipynb")
    open_panel(page)
    shift_enter_in_cell(page, lab_page, 1)
    # JupyterLab added an empty cell 3 and made it active.
    page.wait_for_function(
        "() => { const nb = window.jupyterapp.shell.currentWidget.content;"
        " return nb.widgets.length === 3 && nb.activeCellIndex === 2; }"
    )
    wait_chips(page, ["shift_enter.ipynb", "cell 2"])
    screenshot(page, "after-shift-enter")
    # The model reads the cell the chip names.
    scripted_llm.script(Reply(tool_calls=[ToolCall("get_active_cell", {})]), Reply("Seen."))
    send(page, "what does this cell do?")
    read = tool_output(scripted_llm)["cell"]
    assert (read["index"], read["source"]) == (1, "b = a + 1")
    # /explain explains that cell too, not the empty one.
    scripted_llm.script(Reply("Explained."))
    page.locator(INPUT).press_sequentially("/explain")
    page.locator(f"{PANEL} .jck-complete-item", has_text="/explain").first.wait_for()
    page.locator(INPUT).press("Enter")
    wait_answer(page, "Explained.")
    tags = page.locator(USER).last.locator(".jck-tag").all_inner_texts()
    assert tags == ["cell 2", "shift_enter.ipynb"]  # "Explain cell 2", then the chips
    # Typing in the new cell: from then on it is the one named, within a frame.
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell .cm-content").nth(2).click()
    page.keyboard.type("c = b")
    wait_chips(page, ["shift_enter.ipynb", "cell 3"])
    screenshot(page, "typed-in-new-cell")


def test_after_shift_enter_the_widget_names_the_cell_just_run(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    lab_page.server.write_notebook(
        "widget_shift_enter.ipynb",
        ["sales = [10, 20, 30]", "%load_ext jupyter_chatkit", "%chat", "total = sum(sales)"],
    )
    lab_page.open("widget_shift_enter.ipynb")
    lab_page.run_all()
    page.locator(f"{WIDGET} .jck-input").wait_for(state="visible", timeout=60_000)
    shift_enter_in_cell(page, lab_page, 3)
    page.wait_for_function(
        "() => { const nb = window.jupyterapp.shell.currentWidget.content;"
        " return nb.widgets.length === 5 && nb.activeCellIndex === 4; }"
    )
    page.locator(f"{WIDGET} .jck-chip", has_text="cell 4").wait_for()
    assert [t for t in chip_texts(page, WIDGET) if t.startswith("cell")] == ["cell 4"]
    screenshot(page, "widget-after-shift-enter")
    read = page.evaluate(
        """async () => {
          const el = document.querySelector('.jp-Notebook .jck-widget-host');
          const r = await window.jupyterChatkitBridge.runTool(el, 'get_active_cell', {});
          return {index: r.cell.index, source: r.cell.source};
        }"""
    )
    assert (read["index"], read["source"]) == (3, "total = sum(sales)")
