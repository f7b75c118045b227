"""See and steer what the assistant reads, in Notebook 7 and in the `%chat` widget.

Notebook 7: the chips name the open notebook, "Ask about this error" stays a short
reference, a mentioned variable's summary reaches the model with its secret redacted,
and each notebook reopens its own conversation. The widget: `@` completes kernel
variables through its client tools. The model is the fake OpenAI-compatible server.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.fixtures.browser import (
    ASSISTANT,
    CHIP,
    INPUT,
    PANEL,
    USER,
    JupyterServer,
    LabPage,
    context_of,
    type_and_pick,
    wait_answer,
)
from tests.fixtures.fake_llm import FakeLLM, Reply
from tests.test_context_policy import TABLE, leaks

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

GITHUB = next(c for c in TABLE if c["id"] == "github-classic")["value"]
CELLS = [
    "import pandas as pd\nsales = pd.DataFrame({'region': ['north', 'south'], 'revenue': [1, 2]})",
    f"api_token = {GITHUB!r}",
    "sales['regoin']",
]


def test_notebook7_chips_error_reference_mentions_and_threads(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    nb = LabPage(page, notebook7)
    notebook7.write_notebook("sales7.ipynb", CELLS)
    nb.open("sales7.ipynb")
    nb.run_all()
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="visible")
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
    line = str(page.locator(f"{ASSISTANT} .jck-readline").last.inner_text())
    assert "sales" in line and "api_token" in line and "hidden" in line
    screenshot(page, "nb7-read-line")
    first_thread = page.locator(USER).count()
    assert first_thread == 2

    # Another notebook has its own conversation; coming back reopens this one.
    notebook7.write_notebook("other7.ipynb", ["y = 2"])
    nb.open("other7.ipynb")
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="visible")
    assert "other7.ipynb" in page.locator(f"{PANEL} .jp-chatkit-context").inner_text()
    assert page.locator(USER).count() == 0
    nb.open("sales7.ipynb")
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+Shift+A")
    page.locator(USER, has_text="Fix the error in cell 3").wait_for(timeout=30_000)
    assert page.locator(USER).count() == 2


def test_widget_completes_kernel_variables(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    nb = LabPage(page, notebook7)
    notebook7.write_notebook(
        "widget7.ipynb", [CELLS[0], CELLS[1], "%load_ext jupyter_chatkit\n%chat"]
    )
    nb.open("widget7.ipynb")
    nb.run_all()
    host = ".jck-widget-host .jck-chat"
    page.locator(host).wait_for(timeout=60_000)
    page.locator(f"{host} .jck-input").click()
    type_and_pick(
        page, "describe @sa", "@sales", host, lambda: screenshot(page, "widget-mention-popup")
    )
    scripted_llm.script(Reply("A frame."))
    page.locator(f"{host} .jck-input").press("Enter")
    wait_answer(page, "A frame.", host)
    tags = page.locator(f"{host} .jck-msg.jck-user .jck-tag").all_inner_texts()
    # The mention, beside the context chips the widget sends (its notebook, a cell).
    assert tags.count("sales") == 1 and "widget7.ipynb" in tags
    context = context_of(scripted_llm.requests[0])
    assert "pandas.DataFrame" in context and "north" in context
    screenshot(page, "widget-mention-sent")
