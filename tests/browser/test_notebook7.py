"""The same extension in Notebook 7, served by the JupyterLab of the walkthrough's modules
(``SHARED_LAB``; Notebook 7's pages come from its notebook server extension).

* The assistant in the right area, and the bridge; a relative link in an answer opens
  the file as Notebook 7 does.
* See and steer what the assistant reads: the chips name the open notebook, "Ask about
  this error" stays a short reference, a mentioned variable's summary reaches the model
  with its secret redacted, and each notebook reopens its own conversation. The
  ``%chat`` widget: its chips (the notebook, the cell above it), ``@`` completes kernel
  variables through its client tools, its conversation is recorded for the notebook, the
  read line's cell link selects that cell, and Ctrl+S in its box saves the notebook.
* Agent mode: the same flows as in JupyterLab (test_agent_lab.py).

The model is the fake OpenAI-compatible server.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from tests.fixtures.agent_steps import (
    PLANTED_CELL,
    SLOW_CELL,
    STEP,
    insert_and_edit,
    multi_step_fix,
    outputs_text,
    planted_instruction,
    statuses_are,
    stop_running_cell,
    undo_after_reload,
)
from tests.fixtures.browser import (
    ASSISTANT,
    CHIP,
    INPUT,
    PANEL,
    USER,
    JupyterServer,
    LabPage,
    context_of,
    send,
    type_and_pick,
    wait_answer,
    wait_idle,
)
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall
from tests.test_context_policy import TABLE, leaks
from tests.test_widget_notebook_browser import notebook_threads

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]
# One server with test_walkthrough_lab.py and its group (tests/fixtures/shared_labs.py):
# their JupyterLab serves Notebook 7's pages too, a server start fewer.
SHARED_LAB = "walkthrough"
# The group's JupyterLab serves Notebook 7's pages too (the notebook server extension),
# its app exposed there as in JupyterLab: this module's.
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]


@pytest.fixture
def notebook7(jupyter_lab: JupyterServer) -> JupyterServer:
    """The group's JupyterLab as Notebook 7's server (``/notebooks/...`` pages)."""
    return dataclasses.replace(jupyter_lab, app="notebook")


# Notebook 7.6's own page error on load, with or without this extension and with no user
# settings at all: its shortcuts plugin reads the settings registry's entry of itself
# before loading it when another plugin's settings load first (jupyter/notebook#7862).
NOTEBOOK7_OWN_ERROR = "Cannot read properties of undefined (reading 'schema')"


def page_errors(page: Any) -> list[tuple[str, str]]:
    """Collect the page's uncaught errors (message, stack) from now on."""
    errors: list[tuple[str, str]] = []
    page.on("pageerror", lambda e: errors.append((e.message, e.stack or "")))
    return errors


def not_notebook7s_own(errors: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The errors but Notebook 7's known one (raised in its own core bundle)."""
    return [
        (message, stack)
        for message, stack in errors
        if not (message == NOTEBOOK7_OWN_ERROR and "/static/notebook/notebook_core." in stack)
    ]


# -- steering what the assistant reads ----------------------------------------------------

GITHUB = next(c for c in TABLE if c["id"] == "github-classic")["value"]
CELLS = [
    "import pandas as pd\nsales = pd.DataFrame({'region': ['north', 'south'], 'revenue': [1, 2]})",
    f"api_token = {GITHUB!r}",
    "sales['regoin']",
]


def test_notebook7_sidebar_bridge_chips_error_reference_mentions_threads_and_widget(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """One notebook, one kernel and page load for the sidebar's steps in Notebook 7 (the
    sidebar and the bridge were a test of their own, on a DataFrame of their own: a page
    load, a kernel and its pandas import more). The other notebook the conversations are
    checked on is the ``%chat`` widget's (its steps: :func:`widget_chips_mentions_and_save`):
    that was a test of its own, a page load and a kernel more."""
    nb = LabPage(page, notebook7)
    notebook7.write_notebook("sales7.ipynb", CELLS)
    nb.open("sales7.ipynb")
    nb.run_all()
    # The shortcut opens the panel in Notebook 7's right area, on this notebook.
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="visible")
    assert page.locator(f"#jp-right-stack {PANEL}").count() == 1, "sidebar: not on the right"
    assert "sales7.ipynb" in page.locator(f"{PANEL} .jp-chatkit-context").inner_text()
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length >= 2", arg=CHIP)
    labels = page.locator(f"{CHIP} .jck-chip-label").all_inner_texts()
    assert labels[0] == "sales7.ipynb" and labels[1].startswith("cell ")

    # The error reference: short, for the failing cell, its code as context.
    scripted_llm.script(Reply("Use 'region'."))
    page.locator(".jp-chatkit-ask-error").first.click()
    wait_answer(page, "Use 'region'.")
    shown = str(page.locator(USER).last.locator(".jck-bubble").inner_text())
    assert shown.startswith("Fix the error in cell 3: KeyError: 'regoin'"), shown
    assert len(shown) < 120
    assert "sales['regoin']" in context_of(scripted_llm.requests[0])
    screenshot(page, "nb7-error-bubble")

    # A mentioned variable's summary and a mentioned secret, redacted.
    page.locator(INPUT).click()
    type_and_pick(
        page, "what is @sal", "@sales", shot=lambda: screenshot(page, "nb7-mention-popup")
    )
    type_and_pick(page, "and @api", "@api_token")
    screenshot(page, "nb7-mentions")
    scripted_llm.script(Reply("Two rows."))
    page.locator(INPUT).press("Enter")
    wait_answer(page, "Two rows.")
    context = context_of(scripted_llm.requests[1])
    assert "pandas.DataFrame" in context and "north" in context
    assert "api_token" in context and "«redacted" in context
    assert not leaks(json.dumps(scripted_llm.requests, ensure_ascii=False))
    # The answer's read line comes with its end, after its text: the second one's.
    readlines = f"{ASSISTANT} .jck-readline"
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length >= 2", arg=readlines)
    line = str(page.locator(readlines).last.inner_text())
    assert "sales" in line and "api_token" in line and "hidden" in line
    screenshot(page, "nb7-read-line")

    # Notebook 7's panel answers a client tool from the notebook's kernel.
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("list_kernel_variables", {})]), Reply("sales has two rows.")
    )
    asked = len(scripted_llm.requests)
    box = page.locator(INPUT)
    box.fill("what variables do I have?")
    box.press("Enter")
    wait_answer(page, "sales has two rows.")
    (tool,) = [
        m for r in scripted_llm.requests[asked:] for m in r["messages"] if m["role"] == "tool"
    ]
    (sales,) = [v for v in json.loads(tool["content"])["variables"] if v["name"] == "sales"]
    assert sales["shape"] == [2, 2], f"tool step: {sales}"
    assert not leaks(json.dumps(scripted_llm.requests, ensure_ascii=False)), "tool step leaked"
    screenshot(page, "notebook7")
    first_thread = page.locator(USER).count()
    assert first_thread == 3

    # Another notebook has its own conversation; coming back reopens this one. The other
    # is the widget's notebook, checked before its widget has a conversation.
    notebook7.write_notebook("widget7.ipynb", WIDGET_CELLS)
    nb.open("widget7.ipynb")
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="visible")
    assert "widget7.ipynb" in page.locator(f"{PANEL} .jp-chatkit-context").inner_text()
    assert page.locator(USER).count() == 0
    # The widget's steps on this page, the sidebar closed as on a page of its own, the
    # model's script and record cleared.
    page.evaluate("() => window.jupyterapp.shell.collapseRight()")
    page.locator(INPUT).wait_for(state="hidden")
    scripted_llm.reset()
    widget_chips_mentions_and_save(nb, page, screenshot, scripted_llm)

    nb.open("sales7.ipynb")
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+Shift+A")
    page.locator(USER, has_text="Fix the error in cell 3").wait_for(timeout=30_000)
    assert page.locator(USER).count() == 3

    # The bridge inserts a cell below the one given.
    ok = page.evaluate(
        """async () => window.jupyterChatkitBridge.insertCell(
             document.querySelectorAll('.jp-Notebook .jp-Cell')[0], 'z = 3', {run: false})"""
    )
    assert ok is True
    assert nb.cell_sources() == [CELLS[0], "z = 3", *CELLS[1:]]


# The widget's notebook: a DataFrame, a secret, the cell above the chat, the chat.
WIDGET_CELLS = [CELLS[0], CELLS[1], "y = 2", "%load_ext jupyter_chatkit\n%chat"]


def widget_chips_mentions_and_save(
    nb: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The ``%chat`` widget in Notebook 7, on the open ``widget7.ipynb`` (WIDGET_CELLS, not
    run yet): its chips (the notebook, the cell above it), ``@`` completion of kernel
    variables, the conversation recorded for the notebook, the read line's cell link,
    and Ctrl+S. (The chips, the thread and the cell link were
    test_widget_notebook_browser's Notebook 7 test: a page load and a kernel more.)"""
    notebook7 = nb.server
    nb.run_all()
    host = ".jck-widget-host .jck-chat"
    page.locator(host).wait_for(timeout=60_000)
    # The chips: the notebook, and the cell above the chat (the chat's own cell is not one).
    page.locator(f"{host} .jck-chip-notebook").wait_for()
    chips = f"{host} .jck-chips .jck-chip"
    assert page.locator(f"{host} .jck-chip-notebook .jck-chip-label").all_inner_texts() == [
        "widget7.ipynb"
    ], "chips: the notebook"
    assert page.locator(f"{host} .jck-chip-cell .jck-chip-label").all_inner_texts() == ["cell 3"], (
        f"chips: the cell above: {page.locator(chips).all_inner_texts()}"
    )
    screenshot(page, "nb7-chips")
    page.locator(f"{host} .jck-input").click()
    type_and_pick(
        page, "describe @sa", "@sales", host, lambda: screenshot(page, "widget-mention-popup")
    )
    scripted_llm.script(Reply("A frame."))
    page.locator(f"{host} .jck-input").press("Enter")
    wait_answer(page, "A frame.", host)
    tags = page.locator(f"{host} .jck-msg.jck-user[data-item-id] .jck-tag").all_inner_texts()
    # The mention, beside the context chips the widget sends (its notebook, a cell).
    assert tags.count("sales") == 1 and "widget7.ipynb" in tags
    context = context_of(scripted_llm.requests[0])
    assert "pandas.DataFrame" in context and "north" in context
    # The cell chip's source went with the message; the conversation records its notebook.
    assert "y = 2" in json.dumps(scripted_llm.requests[0]["messages"])
    assert len(notebook_threads(notebook7, "widget7.ipynb")) == 1
    screenshot(page, "widget-mention-sent")
    # The read line's cell link takes the notebook to that cell.
    nb.set_active_cell(3)
    page.locator(f"{host} .jck-readline-cell", has_text="cell 3").click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex === 2"
    )
    # Ctrl+S in the widget's box saves the notebook, as in JupyterLab (its host keeps
    # Notebook 7's cell shortcuts away, not the application's).
    dirty = "() => window.jupyterapp.shell.currentWidget.context.model.dirty"
    page.wait_for_function(dirty)  # the run's outputs
    page.locator(f"{host} .jck-input").press("Control+s")
    page.wait_for_function(f"() => !({dirty})()")


# -- Agent mode ---------------------------------------------------------------------------


def test_notebook7_multi_step_fix_with_approvals_and_undo(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    nb = LabPage(page, notebook7)
    multi_step_fix(nb, page, scripted_llm, screenshot)
    # The panel lives in Notebook 7's right area.
    assert page.locator(f"#jp-right-stack {PANEL}").count() == 1


def test_notebook7_planted_instruction_skipped_then_stop_interrupts_a_running_cell(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Two Agent-mode flows on one notebook, kernel and Notebook 7 page (a test each
    before: a page load and a kernel more). The planted instruction's cell is run alone;
    its turn ends (skipped, answered) before the second flow starts from a known state:
    a new conversation of the notebook, the model's script and record cleared, the slow
    cell not run yet."""
    nb = LabPage(page, notebook7)
    cells = [PLANTED_CELL, SLOW_CELL]
    notebook7.write_notebook("agent7.ipynb", cells)
    nb.open("agent7.ipynb")
    nb.run_cell(0)
    assert "SYSTEM NOTICE" in outputs_text(nb, 0) and outputs_text(nb, 1) == "[]"
    planted_instruction(nb, page, scripted_llm, screenshot, cells)

    scripted_llm.reset()
    page.locator(f"{PANEL} button[title='New conversation']").click()
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length === 0", arg=STEP)
    stop_running_cell(nb, page, scripted_llm, screenshot, index=1)


def test_notebook7_undo_survives_a_reload(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    undo_after_reload(LabPage(page, notebook7), page, scripted_llm, screenshot)


def test_notebook7_undo_after_the_notebook_was_renamed_and_a_relative_link(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Renamed after the turn (the conversation follows it): Undo still reverts its
    changes, rather than "Nothing reverted; 2 changes are in a notebook not open here".

    Then a relative link in an answer. Notebook 7 opens a file in a browser tab of its
    own (its file browser and a Markdown cell's link do): the link does the same, read
    from the notebook's folder (where the renamed notebook is); the notebook's page
    stays, and no page error is ours. (The link was a test of its own, on a notebook of
    its own: a page load and a kernel more.)"""
    errors = page_errors(page)
    (notebook7.root_dir / "work" / "data").mkdir(parents=True, exist_ok=True)
    (notebook7.root_dir / "work" / "data" / "sales.csv").write_text("region,revenue\nnorth,7\n")
    nb = LabPage(page, notebook7)
    insert_and_edit(nb, page, scripted_llm, "work/before-rename.ipynb")
    nb.notebook_js("await nb.context.save(); await nb.context.rename('after-rename.ipynb');")
    page.locator(f"{PANEL} .jck-chip", has_text="after-rename.ipynb").wait_for()
    page.locator(f"{PANEL} .jck-agent-undo").click()
    statuses_are(page, "insert_cell", "undone")
    statuses_are(page, "edit_cell", "undone")
    assert nb.cell_sources() == ["x = 41", "print(x)"]
    wait_idle(page)
    assert page.locator(f"{PANEL} .jck-error:not([hidden])").count() == 0
    screenshot(page, "undone-after-rename")

    # The relative link, from the renamed notebook's folder.
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget?.context?.path") == (
        "work/after-rename.ipynb"
    )
    url = page.url
    scripted_llm.script(Reply("Read [the data](data/sales.csv)."))
    send(page, "where is the data?")
    answer = page.locator(f"{PANEL} .jck-msg.jck-assistant .jck-parts").last
    with page.context.expect_page() as opened:
        answer.locator("a", has_text="the data").click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url.split("?")[0] == f"{notebook7.origin}/edit/work/data/sales.csv"
    tab.locator(".jp-CSVViewer").wait_for(state="visible", timeout=60_000)
    tab.wait_for_function("() => document.title.includes('sales.csv')")
    screenshot(tab, "relative-link-tab")
    # The notebook's own page is where it was.
    assert page.url == url
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget?.context?.path") == (
        "work/after-rename.ipynb"
    )
    assert not_notebook7s_own(errors) == []
