"""Red team in Notebook 7 under a JupyterHub-like base URL: the in-notebook chat (the
``%chat`` widget) and a ``%chat QUESTION`` answer shown in the cell's output.

The same hostile answer as tests/browser/test_hub_lab.py: nothing in it runs, and
no image in it makes the browser call another user's server or the hub.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.browser.test_answer_output_lab import write_sent_notebook
from tests.browser.test_hub_lab import HOSTILE, LIVE
from tests.fixtures.browser import WIDGET, JupyterServer, LabPage, send
from tests.fixtures.fake_llm import FakeLLM, Reply

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

# One JupyterLab and fake model with the sidebar's modules (test_sidebar.py,
# tests/fixtures/shared_labs.py), under their base URL: a server start fewer.
SHARED_LAB = "sidebar"
JUPYTER_BASE_URL = "/user/ada/"  # read by the jupyter_lab fixture
# Notebook 7's pages come from the group's JupyterLab too (its notebook server extension).
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]
# JupyterLab's whole plugin set, as users have it (jupyter_servers.UNUSED_PLUGINS).
JUPYTER_ALL_PLUGINS = True


@pytest.fixture
def notebook7(jupyter_lab: JupyterServer) -> JupyterServer:
    """The group's JupyterLab as Notebook 7's server (``/notebooks/...`` pages)."""
    return dataclasses.replace(jupyter_lab, app="notebook")


def test_hostile_answers_in_the_widget_and_a_chat_output_stay_inert_in_notebook7(
    notebook7: JupyterServer, page: Any, scripted_llm: FakeLLM, screenshot: Callable[..., Path]
) -> None:
    scripted_llm.default_reply = Reply(HOSTILE)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    dialogs: list[str] = []

    def dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    nb = LabPage(page, notebook7)
    notebook7.write_notebook(
        "hostile7.ipynb", ["%load_ext jupyter_chatkit", "%chat say hello", "%chat"]
    )
    nb.open("hostile7.ipynb")
    nb.run_all()
    # The %chat QUESTION answer, rendered in the output of cell 2.
    page.locator(".jck-answer", has_text="Here you go").first.wait_for(timeout=90_000)
    page.locator(f"{WIDGET} .jck-input").first.wait_for(state="visible", timeout=60_000)
    answer = send(page, "say something", WIDGET, timeout=90_000)
    assert "Here you go" in answer
    page.wait_for_timeout(500)
    screenshot(page, "hostile-notebook7")

    assert page.evaluate("() => window.__pwned ?? null") is None
    assert dialogs == []
    shown = page.locator(f"{WIDGET} .jck-msg:not(.jck-pending-msg), .jck-answer")
    assert shown.count() >= 3
    assert shown.evaluate_all(LIVE) == {"tags": 0, "handlers": 0, "js": 0}
    base = f"{notebook7.origin}{notebook7.base_url}"
    # (blob: URLs are the widget's own code, made by the page.)
    own = (base, "data:", f"blob:{notebook7.origin}/")
    stray = [u for u in requests if not u.startswith(own)]
    assert stray == []
    # Blocked images are links, in the widget's answer and in the output's.
    assert page.locator(".jck-answer .jck-blocked-img").count() >= 3
    assert page.locator(f"{WIDGET} .jck-blocked-img").count() >= 3

    # A notebook someone sent, its output in the answer's MIME type (untrusted): its
    # code can be copied, not inserted or run (the same renderer as JupyterLab's).
    # (A page of its own: leaving the edited notebook asks first.)
    sent = page.context.new_page()
    write_sent_notebook(notebook7.root_dir, "sent7.ipynb")
    LabPage(sent, notebook7).open("sent7.ipynb")
    bar = sent.locator(".jck-answer .jck-code-bar")
    bar.first.wait_for(timeout=30_000)
    labels = bar.locator("button").evaluate_all("(els) => els.map((e) => e.ariaLabel)")
    screenshot(sent, "untrusted-notebook7")
    assert labels == ["Copy code"]
    assert sent.locator(".jck-answer .jck-answer-untrusted").count() == 1
    sent.close()
