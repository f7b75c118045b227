"""The chat as people expect it (issue 11) in Notebook 7, through real Chromium, with the
fake OpenAI-compatible server as the model: the ``%%chat`` magic's answer and the
sidebar (card buttons, Replace with a diff, the model picker, its keys). The same in
JupyterLab: test_chat_ux.py, whose JupyterLab (serving Notebook 7's pages too) and fake
model this module shares (``SHARED_LAB``).

Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from tests.fixtures.browser import INPUT, PANEL, JupyterServer, LabPage, send

# The server set-up these modules share (JUPYTER_*: the shared lab is kept by it).
from tests.fixtures.chat_ux_lab import JUPYTER_EXTRA_ARGS, JUPYTER_EXTRA_ENV  # noqa: F401
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall
from tests.fixtures.magic_chat import SETUP, check_magic_answer, script_card

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# The chat's modules are one unit on one worker, with one fake model (shared_labs.py).
SHARED_LAB = "chat_ux"


@pytest.fixture
def notebook7(jupyter_lab: JupyterServer) -> JupyterServer:
    """The group's JupyterLab as Notebook 7's server (``/notebooks/...`` pages)."""
    return dataclasses.replace(jupyter_lab, app="notebook")


def test_magic_answer_and_sidebar_in_notebook7(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The magic's answer, then the sidebar, in one notebook: one page load and kernel
    for both (they were two tests, each loading Notebook 7 and starting a kernel)."""
    nb = LabPage(page, notebook7)
    notebook7.write_notebook("magic7.ipynb", [SETUP, "%%chat\nwhat is in sales?", "# end"])
    nb.open("magic7.ipynb")

    # The magic's answer: code buttons, Insert below its own cell.
    script_card(scripted_llm)
    check_magic_answer(nb, page, screenshot, "magic-answer-nb7")
    # The cells now: [SETUP, the magic, its inserted card, "# end"].
    last = 3

    # The sidebar, opened by its shortcut from the notebook (command mode on the last cell).
    page.locator(".jp-Notebook .jp-Cell").nth(last).locator(".jp-InputPrompt").click()
    nb.set_active_cell(last)
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="visible")
    picker = page.locator(f"{PANEL} select.jck-model")
    picker.wait_for()
    picker.select_option("other-model")
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": "x = 42", "title": "Set x"})]),
        Reply("Done."),
    )
    asked = len(scripted_llm.requests)
    send(page, "set x")
    assert scripted_llm.requests[asked]["model"] == "other-model"
    card = page.locator(f"{PANEL} .jck-widget").last
    assert card.locator(".jck-code-bar").count() == 0
    labels = [b.inner_text().strip() for b in card.locator("button").all()]
    assert labels == ["Insert", "Insert & run", "Copy", "Replace cell"], labels
    nb.set_active_cell(last)
    card.get_by_role("button", name="Replace the cell with this code").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for()
    assert dialog.locator(".jp-chatkit-diff-add").inner_text() == "+ x = 42"
    screenshot(page, "nb7-replace-diff")
    dialog.get_by_role("button", name="Replace the cell").click()
    page.wait_for_function(
        "(n) => window.jupyterapp.shell.currentWidget.content.widgets[n]"
        ".model.sharedModel.getSource() === 'x = 42'",
        arg=last,
    )
    # Esc returns to the notebook; Accel+Shift+A closes the panel and opens it again.
    box = page.locator(INPUT)
    box.click()
    box.press("ArrowUp")
    assert box.input_value() == "set x"
    box.fill("")
    box.press("Escape")
    assert page.evaluate("() => !!document.activeElement.closest('.jp-Notebook')")
    # From the notebook the open panel takes the keyboard first; from its chat it closes.
    page.keyboard.press("Control+Shift+A")
    page.wait_for_function(f"() => document.activeElement?.matches({INPUT!r})")
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="hidden")
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="visible")
    screenshot(page, "nb7-sidebar")

    # Open, a reload opens it again, as JupyterLab's layout restorer does (before:
    # Notebook 7 came back with the panel closed); closed, it stays closed.
    nb.notebook_js("await window.jupyterapp.commands.execute('docmanager:save');")
    nb.open("magic7.ipynb")
    page.locator(INPUT).wait_for(state="visible")
    screenshot(page, "nb7-reopened-after-reload")
    page.locator(INPUT).click()
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="hidden")
    nb.open("magic7.ipynb")
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert not page.locator(INPUT).is_visible()
