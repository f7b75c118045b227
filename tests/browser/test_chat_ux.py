"""The chat as people expect it (issue 11), in a real JupyterLab and Notebook 7 through
real Chromium, with the fake OpenAI-compatible server as the model.

Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.fixtures.browser import JupyterServer, LabPage, fake_llm_env, start_jupyter
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

CARD = 'sales.groupby("region")["revenue"].mean()'
SETUP = (
    "%load_ext jupyter_chatkit\n"
    "import pandas as pd\n"
    "sales = pd.DataFrame({'region': ['n', 's'], 'revenue': [1.0, 2.0]})"
)
ANSWER = ".jp-Cell .jck-answer"


@pytest.fixture(scope="module")
def notebook7(
    tmp_path_factory: pytest.TempPathFactory, browser_llm: FakeLLM
) -> Iterator[JupyterServer]:
    """A Notebook 7 server on the module's fake model."""
    server = start_jupyter(
        tmp_path_factory.mktemp("nb7"), app="notebook", extra_env=fake_llm_env(browser_llm)
    )
    yield server
    server.stop()


def script_card(llm: FakeLLM) -> None:
    llm.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "sales"})]),
        Reply(tool_calls=[ToolCall("propose_code", {"code": CARD, "title": "Mean"})]),
        Reply("Insert it below."),
    )


def check_magic_answer(nb: LabPage, page: Any, screenshot: Any, name: str) -> None:
    """Run the notebook: the magic's answer has code buttons; Insert goes below its cell."""
    nb.run_all()
    answer = page.locator(ANSWER).last
    answer.wait_for(state="visible", timeout=60_000)
    page.wait_for_function(
        "(sel) => { const a = document.querySelectorAll(sel); const l = a[a.length - 1];"
        " return !!l && !l.classList.contains('jck-streaming'); }",
        arg=ANSWER,
    )
    assert "Insert it below." in answer.inner_text()
    assert answer.locator("pre code").first.inner_text().rstrip("\n") == CARD
    screenshot(page, name)
    # The active cell has moved on past the magic's cell; Insert still lands below it.
    nb.set_active_cell(2)
    answer.get_by_role("button", name=re.compile(r"^Insert code into a new cell$")).click()
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget; const nb = w && w.content;"
        " return !!nb && nb.widgets && nb.widgets.length === 4; }"
    )
    sources = nb.cell_sources()
    assert sources[2] == CARD, sources
    assert sources[3] == "# end"
    assert "Inserted into a new cell below." in answer.locator(".jck-answer-status").inner_text()


def test_magic_answer_in_jupyterlab_and_the_widget_shows_it_live(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("magic.ipynb", [SETUP, "%chat what is in sales?", "# end"])
    lab_page.open("magic.ipynb")
    script_card(scripted_llm)
    check_magic_answer(lab_page, page, screenshot, "magic-answer-lab")
    # The kernel answered the model's tool call with the notebook's frame.
    tool = next(m for m in scripted_llm.requests[1]["messages"] if m["role"] == "tool")
    assert "revenue" in tool["content"]

    # %chat shows the widget of the same conversation; a later %chat QUESTION streams
    # into it as well as into its own cell.
    lab_page.notebook_js(
        "const m = nb.content.model; m.sharedModel.insertCell(m.cells.length,"
        " {cell_type: 'code', source: '%chat'});"
        " nb.content.activeCellIndex = m.cells.length - 1;"
        " await window.jupyterapp.commands.execute('notebook:run-cell');"
    )
    widget = page.locator(".jck-widget-host .jck-chat")
    widget.wait_for(state="visible", timeout=60_000)
    widget.locator(".jck-msg.jck-assistant", has_text="Insert it below.").wait_for()
    scripted_llm.script(Reply("A second answer."))
    lab_page.notebook_js(
        "const m = nb.content.model; m.sharedModel.insertCell(m.cells.length,"
        " {cell_type: 'code', source: '%chat and then?'});"
        " nb.content.activeCellIndex = m.cells.length - 1;"
        " await window.jupyterapp.commands.execute('notebook:run-cell');"
    )
    widget.locator(".jck-msg.jck-user", has_text="and then?").wait_for(timeout=60_000)
    widget.locator(".jck-msg.jck-assistant", has_text="A second answer.").wait_for()
    screenshot(page, "widget-follows-the-magic")


def test_magic_answer_in_notebook7(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    nb = LabPage(page, notebook7)
    notebook7.write_notebook("magic7.ipynb", [SETUP, "%%chat\nwhat is in sales?", "# end"])
    nb.open("magic7.ipynb")
    script_card(scripted_llm)
    check_magic_answer(nb, page, screenshot, "magic-answer-nb7")
