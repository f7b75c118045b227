"""A new user with no key: the offline model's empty chat says how to connect a real one.

Nothing configured, the assistant runs the built-in offline model. The sidebar's and the
``%chat`` widget's empty chat say so until the first message (which the offline model
answers with a kernel tool), and name the settings the README documents (*Choosing a
model*): ``OPENAI_API_KEY`` for OpenAI, ``OPENAI_BASE_URL`` (Ollama's URL as the example)
with ``JUPYTER_CHATKIT_MODEL`` for an OpenAI-compatible server. Names only, plain text.
The offline model's code card in a ``%chat`` widget is inserted below the widget's cell
(tests/browser/offline_cards.py), on the same page.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from tests.browser.offline_cards import CARDS_CELLS, insert_card_below_the_widgets_cell
from tests.fixtures.browser import (
    PANEL,
    WIDGET,
    JupyterServer,
    LabPage,
    send,
    wait_idle,
)
from tests.fixtures.chat_ui import open_panel_from_palette
from tests.fixtures.lab_reuse import OPEN_JS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One server with nothing configured, shared with
# test_kernel_widget_browser.py's offline tests (tests/fixtures/shared_labs.py; their
# group is test_context_lab.py's).
SHARED_LAB = "context"

HOW_TO = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "http://localhost:11434/v1", "JUPYTER_CHATKIT_MODEL"]


def test_the_offline_empty_chat_says_how_to_connect_a_model(
    offline_jupyter: JupyterServer, page: Any, screenshot: Any
) -> None:
    """Nothing configured: the sidebar's and the widget's empty chat say it is the offline
    demo model and name the settings (README, "Choosing a model") that connect OpenAI or
    an OpenAI-compatible server; the offline model answers with a kernel tool and a card.

    Then, on the same page, the offline model's code card in another notebook's ``%chat``
    widget: Insert puts its code right below the widget's cell, not run (was a test of its
    own in test_kernel_widget_browser.py, loading JupyterLab again).

    (One JupyterLab load for what were three tests, each with its own.)
    """
    lab = LabPage(page, dataclasses.replace(offline_jupyter, app="lab"))
    lab.server.write_notebook(
        "offline_hint.ipynb", ["%load_ext jupyter_chatkit\n%chat", "total = 3\nprint(totl)"]
    )
    lab.open("offline_hint.ipynb")
    lab.run_all()
    # Opened the way a person would, from the command palette.
    open_panel_from_palette(page)
    note = page.locator(f"{PANEL} .jck-offline")
    note.wait_for(state="visible")
    assert "configure a provider" in note.inner_text()
    for scope in (WIDGET, PANEL):
        hint = page.locator(f"{scope} .jck-offline-howto")
        hint.wait_for(state="visible", timeout=60_000)
        text = str(hint.inner_text())
        assert all(name in text for name in HOW_TO), text
        assert "restart Jupyter" in text
        # Inert: words to read, nothing to click or fetch.
        assert hint.locator("a, button, input, img, [tabindex]").count() == 0
        # A screen reader reads it with the empty chat (no aria-hidden on the way up).
        assert page.evaluate("(el) => !el.closest('[aria-hidden=\"true\"]')", hint.element_handle())
    screenshot(page, "offline-how-to")
    # In the sidebar (about 250 px wide by default) the URL and the names wrap inside the chat.
    width = page.evaluate(
        "(sel) => { const h = document.querySelector(sel); const p = h.closest('.jck-empty');"
        " return [h.scrollWidth, p.clientWidth]; }",
        f"{PANEL} .jck-offline-howto",
    )
    assert width[0] <= width[1], width

    # Asked about the variables, the offline model calls a kernel tool: the panel answers
    # it from the notebook's kernel; the offline note is gone with the first message.
    posted: list[str] = []

    def post(request: Any) -> None:
        if request.method == "POST":
            posted.append(request.post_data or "")

    page.on("request", post)
    send(page, "what variables do I have?")
    page.remove_listener("request", post)
    outputs = [json.loads(p) for p in posted if "threads.add_client_tool_output" in p]
    assert [v["name"] for o in outputs for v in o["params"]["result"]["variables"]] == ["total"]
    assert not note.is_visible()

    # "Fix this error" under the traceback: the offline model reads the error and offers
    # the corrected cell as a card (a near-miss of a name the notebook defines).
    cards = page.locator(f"{PANEL} .jck-widget")
    before = cards.count()
    page.locator(".jp-chatkit-ask-error").click()
    card = cards.nth(before)
    card.wait_for(timeout=60_000)
    wait_idle(page)
    assert "print(total)" in str(card.inner_text())
    screenshot(page, "offline-fix-card")
    # The note after the card names each of its buttons, the sidebar's own Replace cell
    # too (it named the server card's only).
    shown = [str(t).strip() for t in card.locator("button").all_inner_texts() if str(t).strip()]
    note_text = str(page.locator(f"{PANEL} .jck-msg.jck-assistant").last.inner_text())
    assert "Replace cell" in shown, shown
    assert all(label in note_text for label in shown), (shown, note_text)

    # The code card, in a notebook of its own (its widget then the page's only one): the
    # first notebook closed as a kept page's reset closes it, the next opened as a load of
    # its path shows it (lab_reuse.OPEN_JS), without loading JupyterLab again.
    page.evaluate(
        "() => { for (const w of [...window.jupyterapp.shell.widgets('main')]) w.dispose(); }"
    )
    lab.server.write_notebook("cards-lab.ipynb", CARDS_CELLS)
    page.evaluate(OPEN_JS, ["cards-lab.ipynb"])
    lab.wait_for_kernel_idle()
    lab.run_all()
    page.locator(f"{WIDGET} .jck-input").wait_for(state="visible", timeout=60_000)
    insert_card_below_the_widgets_cell(lab, screenshot, "lab")
