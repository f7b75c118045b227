"""One ``%chat`` widget in a notebook opened twice, the first view closed: the view left
open goes on in Agent mode, in a real JupyterLab through real Chromium (the fake
OpenAI-compatible server is the model).

The notebook side of Agent mode was made from the first view the lab bridge knew the
notebook of, and acted on the notebook holding that view: once it closed, a step
approved in the other view failed with "No notebook is open" beside the open notebook.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.fixtures.browser import LabPage, send, wait_idle
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

HOSTS = ".jp-NotebookPanel .jck-widget-host"


def test_agent_steps_reach_the_notebook_after_its_first_view_closed(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("twice.ipynb", ["%load_ext jupyter_chatkit\n%chat"])
    lab_page.open("twice.ipynb")
    lab_page.run_all()
    page.locator(f"{HOSTS} .jck-input").first.wait_for(timeout=60_000)
    # The same notebook a second time (File > New View for Notebook): the widget twice.
    lab_page.command("docmanager:clone")
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 2",
        arg=f"{HOSTS} .jck-input",
        timeout=60_000,
    )
    first, second = page.evaluate(
        "() => [...document.querySelectorAll('.jp-NotebookPanel')].map((e) => e.id)"
    )
    in_first, in_second = f"#{first} .jck-widget-host", f"#{second} .jck-widget-host"

    # One conversation: asked in the first view, answered in both.
    scripted_llm.script(Reply("Both views show this."))
    send(page, "hello", in_first)
    page.locator(f"{in_second} .jck-msg.jck-assistant", has_text="Both views").wait_for()

    # Agent mode on in the first view, then that view closed.
    page.locator(f"{in_first} .jck-mode-agent").click()
    page.evaluate(
        "(id) => [...window.jupyterapp.shell.widgets('main')].find((w) => w.id === id).close()",
        first,
    )
    page.wait_for_function("(id) => !document.getElementById(id)", arg=first)
    assert page.locator(f"{in_second} .jck-mode-agent").get_attribute("aria-pressed") == "true"

    # A step approved in the view left open is carried out in the notebook.
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("insert_cell", {"source": "y = 7", "after": 0})]),
        Reply("Inserted."),
    )
    box = page.locator(f"{in_second} .jck-input")
    box.click()
    box.fill("add a cell")
    box.press("Enter")
    card = page.locator(f'{in_second} .jck-step[data-step="insert_cell"]')
    card.locator(".jck-step-approve").wait_for(state="visible", timeout=60_000)
    card.locator(".jck-step-approve").click()
    page.locator(f"{in_second} .jck-msg.jck-assistant", has_text="Inserted.").wait_for(
        timeout=60_000
    )
    wait_idle(page, in_second)
    screenshot(page, "step-applied-after-first-view-closed")
    assert card.get_attribute("data-status") == "applied"
    assert lab_page.cell_sources() == ["%load_ext jupyter_chatkit\n%chat", "y = 7"]
    # What the model was told of the step: it was carried out.
    assert "No notebook is open" not in str(scripted_llm.requests[-1]["messages"])
