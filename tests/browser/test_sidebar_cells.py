"""The sidebar's actions on a notebook's cells in a real JupyterLab, driven through real
Chromium: a code card's Insert and Insert & run, Replace and its undo, Fix this error and
Explain this cell.

The model is the fake OpenAI-compatible server (``scripted_llm``). The JupyterLab (under a
non-root base URL, as on JupyterHub) and its kept page are shared with test_sidebar.py
(``SHARED_LAB``). Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.sidebar_chat import last_user_message, tool_then_answer
from tests.fixtures.browser import (
    ASSISTANT,
    INPUT,
    PANEL,
    USER,
    LabPage,
    poll_page,
    send,
    tool_output,
    wait_idle,
)
from tests.fixtures.chat_ui import open_notebook, open_panel_from_palette
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

JUPYTER_BASE_URL = "/user/ada/"  # read by the jupyter_lab fixture
# One kept JupyterLab page for the module's lab_page tests (tests/fixtures/lab_reuse.py).
REUSE_LAB_PAGE = True
# One JupyterLab and kept page for the sidebar's modules (tests/fixtures/shared_labs.py).
SHARED_LAB = "sidebar"
# Notebook 7's pages come from the group's JupyterLab too (its notebook server extension).
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]
# JupyterLab's whole plugin set, as users have it (jupyter_servers.UNUSED_PLUGINS).
JUPYTER_ALL_PLUGINS = True


# -- tests ------------------------------------------------------------------------------


CSV_CODE = 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\ndf.head()'
# The keyboard is on the notebook's active cell, in command mode.
KEYS_ON_ACTIVE_CELL = (
    "return nb.content.mode === 'command'"
    " && nb.content.activeCell.node.contains(document.activeElement);"
)


def test_insert_code_card_below_active_cell(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(
        lab_page,
        "insert.ipynb",
        ["import pandas\ndf = pandas.DataFrame({'a': [1, 2, 3], 'b': [4.0, 5.0, 6.0]})", "# last"],
    )
    lab_page.set_active_cell(0)
    open_panel_from_palette(page)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": CSV_CODE, "title": "Load"})]),
        Reply("Insert it below."),
    )
    send(page, "write code to load a csv file")
    card = page.locator(f"{PANEL} .jck-widget").last
    card.wait_for(state="visible")
    code = str(card.locator("pre code").first.inner_text()).rstrip("\n")
    assert code == CSV_CODE
    screenshot(page, "card")
    card.get_by_role("button", name=re.compile(r"^Insert$")).first.click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets.length === 3"
    )
    sources = lab_page.cell_sources()
    assert sources[1] == code, sources
    assert sources[2] == "# last"
    assert lab_page.notebook_js("return nb.content.activeCellIndex;") == 1
    # The keyboard is on the new cell in command mode (Shift+Enter runs it), not on the
    # card's button (where Shift+Enter inserted again).
    assert lab_page.notebook_js(KEYS_ON_ACTIVE_CELL)
    screenshot(page, "inserted")
    # "Insert & run" (a server action answered by a client effect) inserts below the new
    # active cell and runs it: data.csv does not exist, so the new cell shows an error.
    card.get_by_role("button", name="Insert & run").first.click()
    page.wait_for_function(
        "() => { const c = window.jupyterapp.shell.currentWidget.content.widgets[2];"
        " return !!c && c.model.executionCount !== null && c.model.outputs.length > 0; }"
    )
    assert lab_page.cell_sources()[2] == code
    assert lab_page.cell_sources()[3] == "# last"
    # The chat was told the insertion worked (a cell that raises still got the code).
    status = page.locator(f"{PANEL} .jck-sr").inner_text()
    assert "Inserted below and running" in status, status
    assert lab_page.notebook_js(KEYS_ON_ACTIVE_CELL)
    page.locator(".jp-chatkit-ask-error").first.wait_for(state="visible")
    screenshot(page, "inserted-and-ran")

    # The keyboard goes to the new cell only from where the click left it: a person who
    # moved on while the insert was on its way (the server answers the card's action)
    # keeps typing where they are, in the chat's message box or in a cell's editor.
    box = page.locator(INPUT)
    cells = "window.jupyterapp.shell.currentWidget.content.widgets.length"
    insert, insert_and_run = re.compile(r"^Insert$"), re.compile(r"^Insert & run$")
    for where, name in (
        ("message box", insert),
        ("cell editor", insert),
        ("cell editor", insert_and_run),
    ):
        count = page.evaluate(f"() => {cells}")
        ran = lab_page.notebook_js(RAN_CELLS)
        with held_action(page):
            card.get_by_role("button", name=name).first.click()
            if where == "message box":
                box.click()
                page.keyboard.type("still typing")
            else:
                page.locator(".jp-Notebook .jp-Cell").first.locator(".cm-content").click()
                page.keyboard.press("Control+End")
                page.keyboard.type("  # mine")
        page.wait_for_function(f"() => {cells} === {count + 1}")
        if name is insert_and_run:
            # A focus move once the kernel ran the new cell would come after that.
            def new_cell_ran(before: int = ran) -> bool:
                return bool(lab_page.notebook_js(RAN_CELLS) > before)

            poll_page(page, new_cell_ran, "the inserted cell never ran")
        # (Two frames: what the insert deferred, a scroll's end, has run.)
        page.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        if where == "message box":
            assert page.evaluate(
                "(sel) => document.activeElement === document.querySelector(sel)", INPUT
            )
            page.keyboard.type(" on")
            assert box.input_value() == "still typing on"
            box.fill("")
        else:
            assert lab_page.notebook_js(
                "return nb.content.mode === 'edit' && nb.content.activeCellIndex === 0"
                " && nb.content.widgets[0].node.contains(document.activeElement);"
            )
            page.keyboard.type("!")
            assert lab_page.cell_sources()[0].endswith("  # mine!")
    screenshot(page, "kept-typing")


# Code cells of the current notebook that have run (an execution count).
RAN_CELLS = (
    "return nb.content.widgets.filter("
    "c => c.model.type === 'code' && c.model.executionCount !== null).length;"
)


@contextlib.contextmanager
def held_action(page: Any) -> Iterator[None]:
    """Hold the chat's next widget action (``threads.custom_action``) at the page until the
    block ends; the other requests go on."""
    held: list[Any] = []

    def hold(route: Any) -> None:
        if not held and "threads.custom_action" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.fallback()

    page.route("**/jupyter-chatkit/chatkit", hold)
    try:
        yield
        # The click's request reached the page's routing (it is made at the click).
        page.wait_for_function("() => true")
        poll_page(page, lambda: bool(held), "the widget action never reached the page's routing")
    finally:
        for route in held:
            route.fallback()
        page.unroute("**/jupyter-chatkit/chatkit", hold)


def test_replace_active_cell_and_undo(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(lab_page, "replace.ipynb", ["original = 1", "second = 2", "# end"], run=False)
    lab_page.set_active_cell(1)
    open_panel_from_palette(page)
    scripted_llm.script(Reply(f"Like this:\n\n```python\n{CSV_CODE}\n```"))
    send(page, "write code to load a csv file")
    bar = page.locator(f"{PANEL} .jck-code-bar").last
    bar.wait_for(state="visible")
    code = str(page.locator(f"{PANEL} .jck-code").last.locator("pre code").inner_text()).rstrip(
        "\n"
    )
    bar.locator(".jck-replace").click()
    # The change is shown as a diff first; Replace applies it.
    page.locator(".jp-Dialog").get_by_role("button", name="Replace the cell").click()
    notice = page.locator(f"{PANEL} .jp-chatkit-notice")
    notice.wait_for(state="visible")
    assert "Replaced cell 2" in notice.inner_text()
    assert code == CSV_CODE
    assert lab_page.cell_sources() == ["original = 1", code, "# end"]
    screenshot(page, "replaced")
    # The keyboard went to the replaced cell: Shift+Enter runs it (it used to reopen the
    # dialog from the card's button, now showing no change).
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[1].model.executionCount"
        " !== null"
    )
    assert page.locator(".jp-Dialog").count() == 0
    notice.get_by_role("button", name="Undo").click()
    assert lab_page.cell_sources() == ["original = 1", "second = 2", "# end"]
    assert "Restored cell 2" in notice.inner_text()


def test_replace_never_overwrites_an_edit_made_while_the_diff_was_shown(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    """The diff is what the person approves: a cell changed while it was open (a
    collaborator, a kernel) is left as it is now, and the chat says so. Ctrl+Z in a
    cell's editor reverts exactly a replacement (no merged typing).

    (One notebook and kernel for what were two tests, each with its own.)
    """
    open_notebook(lab_page, "race.ipynb", ["keep = 1", "shown = 2"], run=False)
    lab_page.set_active_cell(1)
    open_panel_from_palette(page)
    scripted_llm.script(Reply("Like this:\n\n```python\nproposed = 3\n```"))
    send(page, "change the second cell")
    bar = page.locator(f"{PANEL} .jck-code-bar").last
    bar.wait_for(state="visible")
    bar.locator(".jck-replace").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for()
    lab_page.notebook_js("nb.content.widgets[1].model.sharedModel.setSource('edited = 9');")
    dialog.get_by_role("button", name="Replace the cell").click()
    dialog.wait_for(state="detached")
    page.get_by_text("nothing was replaced").first.wait_for()
    assert lab_page.cell_sources() == ["keep = 1", "edited = 9"]

    # A replacement is one step of the cell's own undo (cell 1: never edited here).
    lab_page.set_active_cell(0)
    lab_page.command("jupyter-chatkit:replace-active-cell", {"code": "after = 2"})
    assert lab_page.cell_sources() == ["after = 2", "edited = 9"]
    assert lab_page.notebook_js("return nb.content.widgets[0].model.sharedModel.canUndo();")
    lab_page.notebook_js("nb.content.widgets[0].model.sharedModel.undo();")
    assert lab_page.cell_sources() == ["keep = 1", "edited = 9"]


def test_ask_about_this_error(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(lab_page, "error.ipynb", ["rates = {'a': 1}", "total = rates['a'] / 0"])
    tool_then_answer(scripted_llm, "get_notebook_cells", "Cell 2 divides by zero.")
    button = page.locator(".jp-chatkit-ask-error")
    button.wait_for(state="visible")
    assert button.count() == 1  # only the error output, not the good cell
    # The button says what it sends ("Fix the error in cell 2: ..."), as /fix does.
    assert button.inner_text().strip() == "Fix this error"
    screenshot(page, "error-button")
    # The same action is in the context menu of the error output.
    page.locator(".jp-chatkit-error-output").first.click(button="right")
    menu_item = page.locator(".lm-Menu-item", has_text="Fix This Error")
    menu_item.wait_for(state="visible")
    screenshot(page, "error-context-menu")
    page.keyboard.press("Escape")
    # On a kept-out cell (tag chatkit-private) the button and the menu item say they
    # send it anyway; let in again, they are as before.
    tags = "nb.content.widgets[1].model.setMetadata('tags', %s);"
    lab_page.notebook_js(tags % "['chatkit-private']")
    page.wait_for_function(
        "(sel) => document.querySelector(sel).textContent.includes('kept-out')",
        arg=".jp-chatkit-ask-error",
    )
    assert "kept-out" in (button.get_attribute("title") or "")
    screenshot(page, "error-button-kept-out")
    page.locator(".jp-chatkit-error-output").first.click(button="right")
    for command in ("ask-error", "explain-cell"):
        item = f".lm-Menu-item[data-command='jupyter-chatkit:{command}']"
        page.locator(item, has_text="kept-out").wait_for(state="visible")
    screenshot(page, "error-context-menu-kept-out")
    page.keyboard.press("Escape")
    lab_page.notebook_js(tags % "[]")
    page.wait_for_function(
        "(sel) => !document.querySelector(sel).textContent.includes('kept-out')",
        arg=".jp-chatkit-ask-error",
    )
    button.click()
    page.locator(INPUT).wait_for(state="visible")
    page.wait_for_function(
        "([sel]) => document.querySelectorAll(sel).length > 0", arg=[ASSISTANT], timeout=60_000
    )
    wait_idle(page)
    asked = last_user_message(page)
    # A compact reference; the cell and its error go as context (the tag), not as text.
    assert asked.startswith("Fix the error in cell 2: ZeroDivisionError")
    assert "rates['a'] / 0" not in asked
    assert "\x1b[" not in asked
    page.locator(ASSISTANT, has_text="Cell 2 divides by zero.").wait_for(state="visible")
    wait_idle(page)
    # What the model was asked, and what the notebook tool showed it.
    assert "ZeroDivisionError" in json.dumps(scripted_llm.requests[0]["messages"][-2:])
    errors = [o for c in tool_output(scripted_llm)["cells"] for o in c.get("outputs", [])]
    assert [o["ename"] for o in errors if o.get("output_type") == "error"] == ["ZeroDivisionError"]
    screenshot(page, "asked")
    # A tag saved, then removed and not saved yet: the cell's names are read again (the
    # page's live cells win over the saved file's tags: privatecells.ts liveCells).
    first = "nb.content.widgets[0].model.setMetadata('tags', %s);"
    lab_page.notebook_js((first % "['chatkit-private']") + " await nb.context.save();")
    lab_page.notebook_js(first % "[]")
    page.locator(INPUT).press_sequentially("@rat")
    page.locator(f"{PANEL} .jck-complete-item", has_text="@rates").wait_for(state="visible")
    page.locator(INPUT).fill("")


def test_a_syntax_errors_message_names_the_cells_line(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    """IPython's SyntaxError says "(537175822.py, line 1)", its temp file for the cell:
    the person's message says the cell's line instead. The cell edited since its error:
    the notebook tool says its error is of the code before the edit."""
    open_notebook(lab_page, "syntax.ipynb", ["total = 1 +* 2"])
    tool_then_answer(scripted_llm, "get_notebook_cells", "An operator too many.")
    page.locator(".jp-chatkit-ask-error").wait_for(state="visible")
    lab_page.notebook_js("nb.content.widgets[0].model.sharedModel.setSource('total = 1 + 2');")
    page.locator(".jp-chatkit-ask-error").click()
    page.locator(ASSISTANT, has_text="An operator too many.").wait_for(state="visible")
    asked = last_user_message(page)
    assert asked.startswith("Fix the error in cell 1: SyntaxError"), asked
    assert "line 1" in asked and ".py" not in asked, asked
    (cell,) = tool_output(scripted_llm)["cells"]
    assert cell["source"] == "total = 1 + 2" and cell.get("edited_since_run"), cell
    (error,) = cell["outputs"]
    # IPython 9 shows the caret and the final line as one block: the message once.
    assert error["text"].count("invalid syntax") == 1 and "^" in error["text"], error
    wait_idle(page)


def test_explain_cell_from_context_menu(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(lab_page, "explain.ipynb", ["squares = [n * n for n in range(10)]"], run=False)
    tool_then_answer(scripted_llm, "get_active_cell", "It squares 0 to 9.")
    page.locator(".jp-Notebook .jp-Cell").first.click(button="right")
    page.locator(".lm-Menu-item", has_text="Explain This Cell").click()
    page.locator(INPUT).wait_for(state="visible")
    page.locator(USER).first.wait_for(state="visible")
    assert last_user_message(page).startswith("Explain cell 1")
    page.locator(ASSISTANT, has_text="It squares 0 to 9.").wait_for(state="visible")
    wait_idle(page)
    # The cell went as the reference's context.
    assert "squares = [n * n for n in range(10)]" in json.dumps(scripted_llm.requests[0])
    # get_active_cell gave the model the cell that was right-clicked.
    assert tool_output(scripted_llm)["cell"]["source"] == "squares = [n * n for n in range(10)]"


FIX_CODE = "y = x / 1"
BLOCK_CODE = "print(y)"
NOTEBOOK = "window.jupyterapp.shell.currentWidget"
CELLS = f"{NOTEBOOK}.content.widgets.length"


def test_insert_after_a_reload_goes_below_the_cell_asked_about(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The answer to "Fix the error in cell 2", its page reloaded: Replace cell shows
    cell 2 (the question's), and Insert puts the code below cell 2, not below the first
    cell (active in a notebook just opened, though nobody chose it), by its card, its
    answer's code block and Insert & run (the server's effect) alike, each below the one
    inserted before (the answer's order); once the person picks a cell after asking,
    below the cell they picked."""
    open_notebook(lab_page, "anchor.ipynb", ["x = 1", "y = x / 0", "# notes", "# end"])
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": FIX_CODE, "title": "Fix"})]),
        Reply(f"Divide by one:\n\n```python\n{BLOCK_CODE}\n```"),
    )
    page.locator(".jp-chatkit-ask-error").click()
    page.locator(f"{PANEL} .jck-widget").last.wait_for(state="visible")
    wait_idle(page)
    assert last_user_message(page).startswith("Fix the error in cell 2")
    # Saved (as autosave does) so the cells keep their ids, then the page reloaded.
    lab_page.notebook_js("await nb.context.save();")
    lab_page.reload()
    # The layout restores the sidebar if it saved it open before the reload (debounced).
    open_panel_from_palette(page)
    card = page.locator(f"{PANEL} .jck-widget").last
    card.wait_for(state="visible")
    assert lab_page.notebook_js("return nb.content.activeCellIndex;") == 0
    screenshot(page, "reloaded")
    # Replace cell, too, is about cell 2 (the question's), not the first cell: its diff
    # says so. Cancelled: nothing changes, and nothing counts as a pick.
    card.locator(".jck-replace").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for()
    assert "Replace cell 2?" in dialog.inner_text()
    assert "question was about" in dialog.locator(".jp-chatkit-replace-note").inner_text()
    assert dialog.locator(".jp-chatkit-diff-del").inner_text() == "- y = x / 0"
    screenshot(page, "replace-after-reload")
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="detached")
    notes = ["x = 1", "y = x / 0"]
    card.get_by_role("button", name=re.compile(r"^Insert$")).first.click()
    page.wait_for_function(f"() => {CELLS} === 5")
    assert lab_page.cell_sources() == [*notes, FIX_CODE, "# notes", "# end"]
    screenshot(page, "inserted-below-cell-2")
    # The answer's code block goes below the fix (the answer's order).
    answer = page.locator(ASSISTANT).last
    answer.get_by_role("button", name="Insert code into a new cell", exact=True).click()
    page.wait_for_function(f"() => {CELLS} === 6")
    assert lab_page.cell_sources()[2:5] == [FIX_CODE, BLOCK_CODE, "# notes"]
    # The person picks the last cell: Insert & run (the server's action, its effect
    # inserting) goes below the cell they picked, as JupyterLab's own insert does.
    page.locator(".jp-Notebook .jp-Cell").last.click()
    card.get_by_role("button", name="Insert & run").first.click()
    page.wait_for_function(f"() => {CELLS} === 7")
    assert lab_page.cell_sources()[2:] == [FIX_CODE, BLOCK_CODE, "# notes", "# end", FIX_CODE]
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[6].model.executionCount"
    )
    screenshot(page, "inserted-and-ran")


def test_insert_for_a_question_naming_no_cell_goes_by_the_cell_the_person_picked(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    """A question that named no cell: Insert goes below the active cell once the person
    picked it (a key that moved it), before that below the cell the chips named, not
    below the first cell a notebook just opened has active; a shortcut (Ctrl+S) picks
    nothing."""
    open_notebook(lab_page, "picks.ipynb", ["a = 1", "b = 2", "c = 3", "# end"], run=False)
    # Set by the page, not by the person (as JupyterLab does when it opens a notebook).
    lab_page.set_active_cell(2)
    open_panel_from_palette(page)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": "d = 4", "title": "D"})]),
        Reply("Here."),
    )
    send(page, "write more code")
    card = page.locator(f"{PANEL} .jck-widget").last
    wait_idle(page)
    lab_page.set_active_cell(0)
    lab_page.notebook_js("nb.content.activate();")
    page.keyboard.press("Control+s")
    card.get_by_role("button", name=re.compile(r"^Insert$")).first.click()
    page.wait_for_function(f"() => {CELLS} === 5")
    assert lab_page.cell_sources() == ["a = 1", "b = 2", "c = 3", "d = 4", "# end"]
    # Opened again (its tab closed): the person moves the active cell with the keyboard,
    # and the next insert goes below it.
    lab_page.notebook_js("await nb.context.save(); nb.dispose();")
    lab_page.command("docmanager:open", {"path": "picks.ipynb"})
    lab_page.wait_for_kernel_idle()
    lab_page.notebook_js("await nb.context.ready; nb.content.activate();")
    # (The notebook takes the keyboard once Lumino delivers the activation.)
    page.wait_for_function(f"() => {NOTEBOOK}.content.node.contains(document.activeElement)")
    page.keyboard.press("j")
    page.wait_for_function(f"() => {NOTEBOOK}.content.activeCellIndex === 1")
    card.get_by_role("button", name=re.compile(r"^Insert$")).first.click()
    page.wait_for_function(f"() => {CELLS} === 6")
    assert lab_page.cell_sources()[:3] == ["a = 1", "b = 2", "d = 4"]
