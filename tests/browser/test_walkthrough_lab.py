"""A new user's paths through JupyterLab that the other browser tests do not walk.

Each test follows one path as a person would (a %chat widget whose kernel is gone,
...) against a real JupyterLab on the module's fake model, and checks what the page shows.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.widget_notebook import open_widget_notebook
from tests.fixtures.browser import (
    CHIP,
    PANEL,
    USER,
    WIDGET,
    LabPage,
    context_of,
    open_panel,
    send,
    tool_output,
    user_texts,
)
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One kept JupyterLab page for the module's lab_page tests (tests/fixtures/lab_reuse.py).
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the modules of this SHARED_LAB
# (tests/fixtures/shared_labs.py): a lab start and a page load fewer each.
SHARED_LAB = "walkthrough"
# The group's JupyterLab serves Notebook 7's pages too (the notebook server extension),
# its app exposed there as in JupyterLab: test_notebook7.py's server.
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]


def test_the_widget_says_its_kernel_is_gone_when_the_kernel_was_shut_down(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """A %chat widget whose kernel stopped tells the model (and so the person) so, readably."""
    open_widget_notebook(lab_page, "gone.ipynb", "x = 1")
    lab_page.notebook_js("await nb.sessionContext.session.kernel.shutdown();")
    page.wait_for_function(
        "() => { const w = [...window.jupyterapp.shell.widgets('main')]"
        ".find(w => w.sessionContext); const k = w.sessionContext.session?.kernel;"
        " return !k || k.status === 'dead' || k.isDisposed; }"
    )
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("list_kernel_variables", {})]), Reply("Your kernel is gone.")
    )
    send(page, "what variables do I have?", scope=WIDGET)
    page.locator(f"{WIDGET} .jck-msg.jck-assistant", has_text="Your kernel is gone.").wait_for()
    screenshot(page, "widget-kernel-gone")
    error = str(tool_output(scripted_llm)["error"])
    assert "Cannot send" not in error
    assert "kernel" in error and "%chat" in error


def test_a_widget_whose_conversation_was_deleted_in_the_sidebar_keeps_the_message(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """Deleted in the sidebar while a %chat widget shows it: the next message is not lost."""
    open_widget_notebook(lab_page, "del.ipynb", "x = 1")
    scripted_llm.script(Reply("First answer."))
    send(page, "first question", scope=WIDGET)

    # The sidebar reopens the notebook's conversation, the widget's; delete it there.
    open_panel(page)
    page.locator(USER, has_text="first question").wait_for()
    page.locator(f"{PANEL} button[title='History']").click()
    page.locator(f"{PANEL} button[title='Delete']").first.click()
    page.locator(f"{PANEL} .jck-btn", has_text="Delete").last.click()
    page.locator(f"{PANEL} .jck-history", has_text="No conversations yet").wait_for()

    box = page.locator(f"{WIDGET} .jck-input")
    box.click()
    box.fill("second question")
    box.press("Enter")
    # The widget says what happened and gives the message back, in a new conversation.
    page.locator(f"{WIDGET} .jck-error", has_text="deleted").wait_for()
    screenshot(page, "widget-after-delete")
    assert box.input_value() == "second question"
    assert page.locator(f"{WIDGET} .jck-msg", has_text="First answer.").count() == 0
    scripted_llm.script(Reply("Answer in a new conversation."))
    box.press("Enter")
    page.locator(
        f"{WIDGET} .jck-msg.jck-assistant", has_text="Answer in a new conversation."
    ).wait_for()
    assert "second question" in user_texts(scripted_llm)[-1]
    assert page.locator(f"{WIDGET} .jck-error:not([hidden])").count() == 0


def test_insert_with_no_notebook_open_copies_and_counts_nothing(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """A code card's Insert with every notebook closed says so; the card claims no insert."""
    lab_page.open()
    open_panel(page)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": "print('hi')", "title": "Hi"})]),
        Reply("Insert it where you like."),
    )
    send(page, "write code that says hi")
    calls = len(scripted_llm.calls)
    page.locator(f"{PANEL} .jck-w-card button", has_text="Insert").first.click()
    page.locator(f"{PANEL} .jck-toast", has_text="no notebook is open").wait_for()
    screenshot(page, "insert-without-notebook")
    page.wait_for_timeout(500)  # what a server action would have changed, given time
    card = page.locator(f"{PANEL} .jck-w-card").first.inner_text()
    assert "Inserted" not in card, card
    assert len(scripted_llm.calls) == calls


def test_chips_left_out_can_be_sent_again(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """A chip removed by mistake comes back with one click, and goes with the message."""
    lab_page.server.write_notebook("chips.ipynb", ["alpha = 1", "beta = 2"])
    lab_page.open("chips.ipynb")
    open_panel(page)
    chips = page.locator(CHIP)
    chips.nth(1).wait_for()
    assert chips.count() == 2
    while chips.count():
        chips.first.locator(".jck-chip-remove").click()
    restore = page.locator(f"{PANEL} .jck-chips-restore")
    restore.wait_for()
    assert "chips.ipynb" in restore.inner_text()
    screenshot(page, "left-out")
    restore.click()
    chips.nth(1).wait_for()
    assert restore.count() == 0
    scripted_llm.script(Reply("With the notebook."))
    send(page, "what is this notebook about?")
    assert "chips.ipynb (notebook" in context_of(scripted_llm.requests[-1])


def test_ctrl_s_in_the_widgets_box_saves_the_notebook_and_letters_stay_text(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    """Ctrl+S typed in a %chat widget's message box saves the notebook (it used to reach
    nobody, and a desktop browser opened "Save page as"); Ctrl+B toggles the left
    sidebar and Ctrl+Shift+A opens the assistant's; the notebook's one-letter shortcuts
    (A, B, D D, M) stay text in the box."""
    open_widget_notebook(lab_page, "savekey.ipynb", "x = 1")
    dirty = "() => window.jupyterapp.shell.currentWidget.context.model.dirty"
    cells = "() => window.jupyterapp.shell.currentWidget.content.model.cells.length"
    page.wait_for_function(dirty)  # the run's outputs are not saved yet
    before = page.evaluate(cells)
    box = page.locator(f"{WIDGET} .jck-input")
    box.click()
    page.keyboard.type("abddm")
    page.keyboard.press("Control+s")
    page.wait_for_function(f"() => !({dirty})()")
    screenshot(page, "saved-from-the-widget")
    assert box.input_value() == "abddm"
    assert page.evaluate(cells) == before
    assert box.evaluate("(el) => document.activeElement === el")

    left = "() => window.jupyterapp.shell.leftCollapsed"
    was = page.evaluate(left)
    page.keyboard.press("Control+b")
    page.wait_for_function(f"() => ({left})() !== {str(was).lower()}")
    page.keyboard.press("Control+b")
    page.wait_for_function(f"() => ({left})() === {str(was).lower()}")
    # Ctrl+Shift+A (the assistant's own shortcut) opens the sidebar from the widget too.
    page.keyboard.press("Control+Shift+A")
    page.locator(PANEL).wait_for(state="visible")
