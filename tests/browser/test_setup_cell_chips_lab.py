"""A new user's notebook: data, ``%load_ext jupyter_chatkit``, then the chat; Run All.

Found walking the product (walk W3): after Run All the ``%chat`` widget's and the
sidebar's cell chip named ``cell 2``, the ``%load_ext jupyter_chatkit`` cell Run All
passed on its way to the chat, so that line went to the model as "the active cell".
The chips name the data cell instead. Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.fixtures.agent_steps import STEP, agent_mode
from tests.fixtures.browser import CHIP, PANEL, WIDGET, LabPage, open_panel, send, tool_output
from tests.fixtures.chat_ui import type_and_pick, wait_answer
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One kept JupyterLab page for the module's lab_page tests (tests/fixtures/lab_reuse.py).
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the modules of this SHARED_LAB
# (tests/fixtures/shared_labs.py): a lab start and a page load fewer each.
SHARED_LAB = "context"


def _go_to(page: Any, *paths: str) -> None:
    """Open and activate each notebook in turn, each time until the sidebar follows it."""
    for path in paths:
        page.evaluate(
            "async (path) => { const w = await window.jupyterapp.commands.execute("
            "'docmanager:open', {path}); await w.context.ready;"
            " window.jupyterapp.shell.activateById(w.id); }",
            path,
        )
        page.wait_for_function(
            "(p) => document.querySelector('.jp-chatkit-notebook-name')?.title === p",
            arg=path,
        )


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

    # An empty active cell (what Shift+Enter on the last cell leaves) holds nothing to
    # read: both chats name the cell above it, also the sidebar coming back to the
    # notebook from another one (before: it named the empty cell, the widget cell 1).
    lab_page.notebook_js(
        "const m = nb.content.model; m.sharedModel.insertCell(m.cells.length,"
        " {cell_type: 'code', source: ''}); nb.content.activeCellIndex = m.cells.length - 1;"
    )
    lab_page.server.write_notebook("elsewhere.ipynb", ["elsewhere = 1"])
    _go_to(page, "elsewhere.ipynb", "setup_chips.ipynb")
    page.locator(f"{PANEL} .jck-chip", has_text="setup_chips").wait_for()
    screenshot(page, "empty-active-cell")
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


def test_the_sidebars_active_cell_and_replace_cell_are_the_cell_its_chips_name(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Walk W5, the sidebar's side of 3da4b3a: with a ``%chat`` cell active the sidebar's
    chip named the cell worked in before while its ``get_active_cell`` read the ``%chat``
    cell itself. The model now reads the cell the chip names.

    Walk W6: a code block's "Replace cell" in the sidebar replaced the active cell,
    the ``%chat`` cell the person had clicked, while the chip (and get_active_cell)
    named the cell worked in before: the code meant for cell 2 overwrote ``%chat``.

    (One notebook and kernel for what were two tests, each with its own.)
    """
    lab_page.server.write_notebook(
        "sidebar_active.ipynb",
        ["sales = [10, 20, 30]", "total = sum(sales", "%load_ext jupyter_chatkit", "%chat"],
    )
    lab_page.open("sidebar_active.ipynb")
    open_panel(page)
    chip = page.locator(CHIP, has_text="cell")
    # The person worked in cell 2, then clicked the %chat cell: the chip keeps cell 2.
    lab_page.set_active_cell(1)
    page.locator(CHIP, has_text="cell 2").wait_for()
    lab_page.set_active_cell(3)
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex === 3"
    )
    page.locator(CHIP, has_text="cell 2").wait_for()
    assert chip.all_inner_texts() == ["cell 2"]
    scripted_llm.script(Reply(tool_calls=[ToolCall("get_active_cell", {})]), Reply("Seen."))
    send(page, "what does the active cell do?")
    screenshot(page, "chat-cell-active")
    read = tool_output(scripted_llm)["cell"]
    assert (read["index"], read["source"]) == (1, "total = sum(sales")

    # Replace cell replaces the cell the chip names, not the active %chat cell.
    scripted_llm.script(Reply("Close the parenthesis:\n\n```python\ntotal = sum(sales)\n```"))
    send(page, "fix it")
    page.locator(f"{CHIP}", has_text="cell 2").wait_for()
    page.locator(f"{PANEL} .jck-code-bar .jck-replace").last.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(state="visible")
    screenshot(page, "replace-dialog")
    assert "Replace cell 2?" in dialog.inner_text()
    dialog.get_by_role("button", name="Replace the cell").click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[1]"
        ".model.sharedModel.getSource() === 'total = sum(sales)'"
    )
    assert lab_page.cell_sources() == [
        "sales = [10, 20, 30]",
        "total = sum(sales)",
        "%load_ext jupyter_chatkit",
        "%chat",
    ]


def test_replace_cell_never_replaces_the_chat_cell(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """A ``%chat`` cell active with no cell worked in before it (the chips name none):
    "Replace cell" fell back to the active cell and offered to overwrite the ``%chat``
    line with the model's code. It says there is no cell to replace instead."""
    lab_page.server.write_notebook(
        "sidebar_replace_chat.ipynb", ["%load_ext jupyter_chatkit", "%chat"]
    )
    lab_page.open("sidebar_replace_chat.ipynb")
    open_panel(page)
    lab_page.set_active_cell(1)
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex === 1"
    )
    scripted_llm.script(Reply("Try this:\n\n```python\ntotal = 1\n```"))
    send(page, "write some code")
    page.locator(f"{PANEL} .jck-code-bar .jck-replace").last.click()
    notice = page.locator(f"{PANEL} .jp-chatkit-notice")
    # Either the replace dialog opens (the %chat cell offered) or the notice says no cell.
    page.wait_for_function(
        "() => document.querySelector('.jp-Dialog') !== null"
        f" || !document.querySelector('{PANEL} .jp-chatkit-notice').hidden"
    )
    screenshot(page, "replace-chat-cell")
    assert page.locator(".jp-Dialog").count() == 0
    assert "No active cell to replace" in notice.inner_text()
    assert lab_page.cell_sources() == ["%load_ext jupyter_chatkit", "%chat"]


def test_the_sidebar_coming_back_names_the_cell_worked_in_as_the_widget_does(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    """Found walking the chat (UI3): with ``%chat`` at the top of a notebook and its cell
    active, the widget named "cell 2" (worked in before) and the sidebar, back from
    another notebook, nothing (it forgot what it named there and looked above the chat).
    Both follow chatcell.ts: the cell worked in before; the sidebar remembers it per
    notebook."""
    lab_page.server.write_notebook(
        "top_chat.ipynb", ["%load_ext jupyter_chatkit\n%chat", "x = 1", "y = 2"]
    )
    lab_page.open("top_chat.ipynb")
    lab_page.run_all()
    page.locator(f"{WIDGET} .jck-input").wait_for(state="visible", timeout=60_000)
    open_panel(page)
    lab_page.set_active_cell(1)
    page.locator(CHIP, has_text="cell 2").wait_for()
    lab_page.set_active_cell(0)
    lab_page.server.write_notebook("elsewhere_top.ipynb", ["e = 1"])
    _go_to(page, "elsewhere_top.ipynb", "top_chat.ipynb")
    page.locator(f"{PANEL} .jck-chip", has_text="top_chat").wait_for()
    screenshot(page, "back-to-top-chat")
    widget_cells = page.locator(f"{WIDGET} .jck-chip", has_text="cell").all_inner_texts()
    assert widget_cells == ["cell 2"]
    assert page.locator(CHIP, has_text="cell").all_inner_texts() == widget_cells


def test_a_cell_kept_out_by_its_menu_is_not_read_by_get_notebook_cells(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """See and steer: the cell menu's "Keep Out of the Assistant" tags the cell
    ``chatkit-private`` (not saved), the cell shows it, and the sidebar's
    ``get_notebook_cells`` sends neither its source nor its output, only that cell 2 was
    kept out; the other cells are read. The active cell's chip skips it."""
    lab_page.server.write_notebook(
        "private_cells.ipynb",
        ["x = 1\nprint('OPENOUT-4Qz')", "plan = 'PRIVSRC-7Hq'\nprint('PRIVOUT-3Lw')", "y = x + 1"],
    )
    lab_page.open("private_cells.ipynb")
    lab_page.run_all()
    cell = page.locator(".jp-Notebook .jp-Cell").nth(1)
    cell.locator(".jp-InputPrompt").click(button="right")
    item = page.locator(".lm-Menu-item", has_text="Keep Out of the Assistant")
    item.wait_for()
    screenshot(page, "cell-menu")
    item.click()
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-Notebook .jp-Cell')[1]"
        ".classList.contains('jck-private-cell')"
    )
    lab_page.set_active_cell(1)
    open_panel(page)
    page.locator(CHIP, has_text="private_cells.ipynb").wait_for()
    screenshot(page, "marker")
    labels = page.locator(f"{CHIP} .jck-chip-label").all_inner_texts()
    assert not [label for label in labels if label.startswith("cell ")], labels
    scripted_llm.script(Reply(tool_calls=[ToolCall("get_notebook_cells", {})]), Reply("Seen."))
    send(page, "what does my notebook do?")
    log = json.dumps(scripted_llm.requests, ensure_ascii=False)
    assert "PRIVSRC-7Hq" not in log and "PRIVOUT-3Lw" not in log
    read = tool_output(scripted_llm)["cells"]
    assert [c["index"] for c in read] == [0, 1, 2], read
    assert "OPENOUT-4Qz" in json.dumps(read[0]) and read[2]["source"] == "y = x + 1"
    assert read[1].get("kept_out") and "source" not in read[1], read[1]
    # The read line names the cells read: not the one kept out.
    line = page.locator(f"{PANEL} .jck-readline").last.inner_text()
    assert "cells 1, 3" in line, line
    # The menu now offers the way back.
    cell.locator(".jp-InputPrompt").click(button="right")
    page.locator(".lm-Menu-item", has_text="Let the Assistant Read").wait_for()
    page.keyboard.press("Escape")
    # A tag typed elsewhere (the property inspector writes the cell's metadata) is shown.
    lab_page.notebook_js(
        "nb.content.widgets[2].model.setMetadata('tags', ['remove-cell', 'chatkit-private']);"
    )
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-Notebook .jp-Cell')[2]"
        ".classList.contains('jck-private-cell')"
    )


def test_a_kept_out_cells_variables_mention_and_agent_steps_hold_before_a_save(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """A cell tagged ``chatkit-private`` and not saved: the variable only it defines is
    not listed (counted), an @ mention of the open notebook reads it as open (its number
    only), and Agent mode's edit of it is refused before any card; the model reads why."""
    lab_page.server.write_notebook(
        "kept_vars.ipynb", ["x = 1", "plan_kv9 = 'PRIVSRC-5Kv'", "y = x + 1"]
    )
    lab_page.open("kept_vars.ipynb")
    lab_page.run_all()
    lab_page.notebook_js("nb.content.widgets[1].model.setMetadata('tags', ['chatkit-private']);")
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-Notebook .jp-Cell')[1]"
        ".classList.contains('jck-private-cell')"
    )
    open_panel(page)
    agent_mode(page)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("list_kernel_variables", {})]),
        Reply(tool_calls=[ToolCall("edit_cell", {"index": 1, "new_source": "z = 0"})]),
        Reply("Done."),
    )
    page.locator(f"{PANEL} .jck-input").fill("what is in ")
    type_and_pick(page, "@kept_v", "kept_vars.ipynb")
    page.locator(f"{PANEL} .jck-input").press("Enter")
    wait_answer(page, "Done.")
    screenshot(page, "refused")
    log = json.dumps(scripted_llm.requests, ensure_ascii=False)
    assert "PRIVSRC-5Kv" not in log and "plan_kv9" not in log
    # The mention read the open notebook: cell 2 by its number, the others whole.
    assert "--- cell 1 (code) ---" in log and "y = x + 1" in log
    tools = [m["content"] for m in scripted_llm.requests[-1]["messages"] if m["role"] == "tool"]
    listing = json.loads(tools[0])
    assert {v["name"] for v in listing["variables"]} == {"x", "y"}, listing
    assert listing["kept_out"] == 1, listing
    assert "kept out" in tools[1] and "index 1" in tools[1], tools[1]
    # No card was shown, and the cell is as it was.
    assert page.locator(STEP).count() == 0
    source = lab_page.notebook_js("return nb.content.widgets[1].model.sharedModel.getSource();")
    assert source == "plan_kv9 = 'PRIVSRC-5Kv'"
