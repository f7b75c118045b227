"""The ``%chat`` widget keeps to its own notebook's conversations and shows context chips
(issue 10), in real JupyterLab through real Chromium, with the server extension and the
fake OpenAI-compatible model. Screenshots land in ``test-output/<test name>/``.

- In JupyterLab the widget learns its notebook from our extension's bridge: chips name
  the notebook and the cell above the chat; a new conversation records the notebook;
  after a kernel restart (a new ``Chat`` with no conversation) the widget reopens that
  conversation, from this browser's memory or, with none, from the server; another
  notebook's widget starts empty; the history filters "This notebook" / "All".
- Without the bridge (as outside JupyterLab) the kernel names the notebook (its server's
  sessions API): the notebook chip and a note that the active cell cannot be seen; a
  conversation started from Python (``%chat QUESTION``) records the notebook too.

The tests share the module's JupyterLab (and Notebook 7), each with notebooks of its own.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .fixtures.browser import JupyterServer, LabPage, wait_idle
from .fixtures.fake_llm import FakeLLM, Reply

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

HOST = ".jp-OutputArea-output .jck-widget-host"
USER_MSG = f"{HOST} .jck-msg.jck-user:not(.jck-pending-msg)"
ANSWER = f"{HOST} .jck-msg.jck-assistant"
CHAT_CELL = "%load_ext jupyter_chatkit\n%chat"


def ask_in_widget(page: Any, text: str) -> str:
    """Type into the widget's composer; the new answer's own text, once it rests."""
    before = page.locator(ANSWER).count()
    box = page.locator(f"{HOST} .jck-input").first
    box.click()
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n",
        arg=[ANSWER, before],
        timeout=90_000,
    )
    wait_idle(page, HOST, timeout=90_000)
    return str(page.locator(f"{ANSWER} .jck-parts").last.inner_text())


def notebook_threads(server: JupyterServer, notebook: str) -> list[dict[str, Any]]:
    """The server's threads.list for one notebook (what 'This notebook' shows)."""
    body = {
        "type": "threads.list",
        "params": {"limit": 20, "order": "desc"},
        "metadata": {"notebook": notebook},
    }
    page = server.api("jupyter-chatkit/chatkit", method="POST", body=body)
    return list(page["data"])


def open_and_run(lab: LabPage, name: str, cells: list[str]) -> None:
    lab.server.write_notebook(name, cells)
    lab.open(name)
    lab.run_all()
    lab.page.locator(f"{HOST} .jck-input").first.wait_for(state="visible", timeout=60_000)


FRESH_USER_MSG = (
    ".jp-OutputArea-output .jck-widget-host:not([data-old]) .jck-msg.jck-user:not(.jck-pending-msg)"
)


def restart_and_run_all(lab: LabPage) -> None:
    """A new kernel: ``%chat`` makes a new Chat with no conversation of its own.

    The widgets on screen before are marked, so only the new one counts afterwards.
    """
    lab.page.evaluate(
        "() => document.querySelectorAll('.jck-widget-host').forEach(e => { e.dataset.old = '1'; })"
    )
    lab.notebook_js("await nb.sessionContext.restartKernel();")
    lab.wait_for_kernel_idle()
    lab.run_all()
    lab.page.locator(f"{HOST} .jck-input").first.wait_for(state="visible", timeout=60_000)


def chip_labels(page: Any, kind: str) -> list[str]:
    return list(page.locator(f"{HOST} .jck-chip-{kind} .jck-chip-label").all_inner_texts())


def test_widget_keeps_to_its_notebooks_conversations(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab, server, fake_llm = lab_page, lab_page.server, scripted_llm
    open_and_run(lab, "sales.ipynb", ["total = 41 + 1", CHAT_CELL])

    # Chips: the notebook, and the cell above the chat (the chat's own cell is not one).
    page.locator(f"{HOST} .jck-chip-notebook").wait_for()
    assert chip_labels(page, "notebook") == ["sales.ipynb"]
    assert chip_labels(page, "cell") == ["cell 1"]
    assert page.locator(f"{HOST} .jck-chips-note").count() == 0
    screenshot(page, "chips")

    fake_llm.script(Reply("Noted."))
    assert ask_in_widget(page, "remember the total") == "Noted."
    # The chips went with the message: the model read the notebook and cell 1's source.
    sent = json.dumps(fake_llm.requests[0]["messages"])
    assert "sales.ipynb" in sent and "total = 41 + 1" in sent
    # The new conversation records its notebook on the server.
    (thread,) = notebook_threads(server, "sales.ipynb")
    thread_id = thread["id"]

    # A new kernel, a new Chat without a conversation: the notebook's one comes back
    # (remembered in this browser).
    restart_and_run_all(lab)
    page.locator(FRESH_USER_MSG, has_text="remember the total").wait_for()
    screenshot(page, "reopened")

    # Nothing remembered in this browser: the server's newest one for the notebook.
    page.evaluate(
        "() => Object.keys(localStorage)"
        ".filter(k => k.startsWith('jupyter-chatkit:notebook-threads:'))"
        ".forEach(k => localStorage.removeItem(k))"
    )
    restart_and_run_all(lab)
    page.locator(FRESH_USER_MSG, has_text="remember the total").wait_for()
    remembered = page.evaluate(
        "() => Object.entries(localStorage)"
        ".filter(([k]) => k.startsWith('jupyter-chatkit:notebook-threads:'))"
        ".map(([, v]) => JSON.parse(v))"
    )
    assert {"sales.ipynb": thread_id} in remembered

    # Another notebook's widget starts with no conversation, and its history lists
    # nothing for "This notebook" but names sales.ipynb's under "All notebooks".
    open_and_run(lab, "other.ipynb", [CHAT_CELL])
    page.locator(f"{HOST} .jck-chip-notebook", has_text="other.ipynb").wait_for()
    screenshot(page, "other-notebook")
    assert page.locator(USER_MSG).count() == 0
    page.locator(f"{HOST} button[aria-label='Conversation history']").click()
    scope = page.locator(f"{HOST} .jck-history-scope")
    scope.wait_for()
    page.locator(f"{HOST} .jck-history-status", has_text="notebook").wait_for()
    assert page.locator(f"{HOST} .jck-history-row").count() == 0
    scope.select_option("all")
    row = page.locator(f"{HOST} .jck-history-row", has=page.locator(".jck-history-notebook"))
    row.first.wait_for()
    # (The module's other tests may have left conversations of their own notebooks.)
    assert "sales.ipynb" in row.locator(".jck-history-notebook").all_inner_texts()
    screenshot(page, "history-all")


def test_widget_without_the_bridge_names_its_notebook_from_the_kernel(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab, server, fake_llm = lab_page, lab_page.server, scripted_llm
    # The last cell asks from Python (%chat QUESTION), in the chat the widget shows.
    server.write_notebook("plain.ipynb", ["x = 1", CHAT_CELL, "%chat --new say hi from python"])
    lab.open("plain.ipynb")
    # As outside JupyterLab: no extension bridge for the widget to ask.
    page.evaluate("() => { delete window.jupyterChatkitBridge; }")
    fake_llm.script(Reply("From Python."))
    lab.run_all()
    # The conversation started from Python records the notebook the kernel named.
    (from_python,) = notebook_threads(server, "plain.ipynb")
    page.locator(f"{ANSWER}", has_text="From Python.").wait_for(timeout=60_000)
    page.locator(f"{HOST} .jck-chip-notebook").wait_for(timeout=60_000)
    assert chip_labels(page, "notebook") == ["plain.ipynb"]
    # It does not guess the active cell: no cell chip, a note says so.
    assert page.locator(f"{HOST} .jck-chip-cell").count() == 0
    page.locator(f"{HOST} .jck-chips-note").wait_for()
    screenshot(page, "kernel-chips")

    fake_llm.script(Reply("Seen."))
    assert ask_in_widget(page, "hello") == "Seen."
    # The widget went on in that conversation.
    assert [t["id"] for t in notebook_threads(server, "plain.ipynb")] == [from_python["id"]]
    # The note is not sent; the notebook chip is.
    sent = json.dumps(fake_llm.requests[-1]["messages"])
    assert "plain.ipynb" in sent and "Active cell" not in sent


def test_widget_chips_and_notebook_in_notebook_7(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab, server, fake_llm = LabPage(page, notebook7), notebook7, scripted_llm
    open_and_run(lab, "nb7.ipynb", ["y = 2", CHAT_CELL])
    page.locator(f"{HOST} .jck-chip-notebook").wait_for()
    assert chip_labels(page, "notebook") == ["nb7.ipynb"]
    assert chip_labels(page, "cell") == ["cell 1"]
    screenshot(page, "nb7-chips")
    fake_llm.script(Reply("Seen."))
    assert ask_in_widget(page, "hello") == "Seen."
    assert len(notebook_threads(server, "nb7.ipynb")) == 1
    assert "y = 2" in json.dumps(fake_llm.requests[0]["messages"])
    # The read line's cell link takes the notebook to that cell.
    lab.set_active_cell(1)
    page.locator(f"{HOST} .jck-readline-cell", has_text="cell 1").click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex === 0"
    )
