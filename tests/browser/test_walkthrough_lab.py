"""A new user's paths through JupyterLab that the other browser tests do not walk.

Each test follows one path as a person would (a second browser on the same notebook,
...) against a real JupyterLab on the module's fake model, and checks what the page shows.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.fixtures.browser import ASSISTANT, USER, LabPage, open_panel, send, tool_output
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def test_another_browser_reopens_the_notebooks_conversation_in_the_sidebar(
    lab_page: LabPage, page: Any, browser: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """A second browser (no local memory) opening the notebook shows its conversation."""
    lab_page.server.write_notebook("shared.ipynb", ["x = 1"])
    lab_page.open("shared.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("The answer from the first browser."))
    send(page, "a question from the first browser")
    screenshot(page, "first-browser")

    other = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        other_page = other.new_page()
        other_page.set_default_timeout(30_000)
        second = LabPage(other_page, lab_page.server)
        second.open("shared.ipynb")
        open_panel(other_page)
        other_page.locator(ASSISTANT, has_text="The answer from the first browser.").wait_for(
            state="visible"
        )
        assert "a question from the first browser" in other_page.locator(USER).first.inner_text()
        screenshot(other_page, "second-browser")
    finally:
        other.close()


def test_the_widget_says_its_kernel_is_gone_when_the_kernel_was_shut_down(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """A %chat widget whose kernel stopped tells the model (and so the person) so, readably."""
    lab_page.server.write_notebook("gone.ipynb", ["%load_ext jupyter_chatkit", "x = 1", "%chat"])
    lab_page.open("gone.ipynb")
    lab_page.run_all()
    widget = ".jp-OutputArea-output .jck-widget-host"
    page.locator(f"{widget} .jck-input").wait_for(state="visible", timeout=60_000)
    lab_page.notebook_js("await nb.sessionContext.session.kernel.shutdown();")
    page.wait_for_function(
        "() => { const w = [...window.jupyterapp.shell.widgets('main')]"
        ".find(w => w.sessionContext); const k = w.sessionContext.session?.kernel;"
        " return !k || k.status === 'dead' || k.isDisposed; }"
    )
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("list_kernel_variables", {})]), Reply("Your kernel is gone.")
    )
    send(page, "what variables do I have?", scope=widget)
    page.locator(f"{widget} .jck-msg.jck-assistant", has_text="Your kernel is gone.").wait_for()
    screenshot(page, "widget-kernel-gone")
    error = str(tool_output(scripted_llm)["error"])
    assert "Cannot send" not in error
    assert "kernel" in error and "%chat" in error
