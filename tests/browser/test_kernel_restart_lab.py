"""A kernel restart in the middle of a conversation, in JupyterLab.

A person chats in a ``%chat`` widget, restarts the kernel (Kernel menu, the dialog),
runs a cell again and asks about their variables in the same widget: the widget's own
kernel connection died with the old kernel, but the notebook's session reaches the new
one, so the model reads the variables that exist now.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.widget_notebook import open_widget_notebook
from tests.fixtures.browser import WIDGET, LabPage, send
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def _last_tool_output(llm: FakeLLM) -> str:
    """The newest tool result in the model's last request (earlier ones are history)."""
    return str([m for m in llm.requests[-1]["messages"] if m["role"] == "tool"][-1]["content"])


def test_the_widget_reads_the_restarted_kernels_variables(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """After Kernel > Restart, the %chat widget still reads the (new) kernel's variables."""
    open_widget_notebook(lab_page, "restart.ipynb", "before_restart = 41")
    scripted_llm.script(Reply("Hello from before the restart."))
    send(page, "hello", scope=WIDGET)

    # Restart as a person does: the Kernel menu's command, then the dialog's Restart.
    lab_page.notebook_js(
        "window.__restarted = false; nb.sessionContext.session.kernel.statusChanged.connect("
        "(_, s) => { if (s === 'restarting') window.__restarted = true; });"
    )
    page.evaluate("() => { window.jupyterapp.commands.execute('kernelmenu:restart'); }")
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    page.wait_for_function("() => window.__restarted")
    lab_page.wait_for_kernel_idle()
    lab_page.notebook_js(
        "nb.content.activeCellIndex = 1;"
        " nb.content.activeCell.model.sharedModel.setSource('after_restart = 7');"
        " await window.jupyterapp.commands.execute('notebook:run-cell');"
    )
    lab_page.wait_for_kernel_idle()
    page.wait_for_function(
        "() => [...window.jupyterapp.shell.widgets('main')].find(w => w.sessionContext)"
        ".content.widgets[1].model.executionCount === 1"
    )

    scripted_llm.script(
        Reply(tool_calls=[ToolCall("list_kernel_variables", {})]), Reply("You have after_restart.")
    )
    send(page, "what variables do I have now?", scope=WIDGET)
    screenshot(page, "widget-after-restart")
    output = _last_tool_output(scripted_llm)
    assert "after_restart" in output, output
    assert "before_restart" not in output
    assert "error" not in output
    # Nothing in the page failed on the way (the widget's answer notice to a dead comm).
    errors = [m for m in page.console_messages if m.startswith(("error", "pageerror"))]
    assert not [m for m in errors if "jupyter-chatkit" in m], errors
