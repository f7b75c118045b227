"""See and steer what the assistant reads, in Notebook 7 and in the `%chat` widget.

Notebook 7: the chips name the open notebook, "Ask about this error" stays a short
reference, a mentioned variable's summary reaches the model with its secret redacted,
and each notebook reopens its own conversation. The widget: `@` completes kernel
variables through its client tools. The model is the fake OpenAI-compatible server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.fixtures.browser import JupyterServer, LabPage, fake_llm_env, start_jupyter
from tests.fixtures.fake_llm import FakeLLM, Reply
from tests.test_context_policy import TABLE, leaks

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

PANEL = "#jupyter-chatkit-panel"
INPUT = f"{PANEL} .jck-input"
ASSISTANT = f"{PANEL} .jck-msg.jck-assistant"
USER = f"{PANEL} .jck-msg.jck-user:not(.jck-pending-msg)"
CHIP = f"{PANEL} .jck-chip"
GITHUB = next(c for c in TABLE if c["id"] == "github-classic")["value"]
CELLS = [
    "import pandas as pd\nsales = pd.DataFrame({'region': ['north', 'south'], 'revenue': [1, 2]})",
    f"api_token = {GITHUB!r}",
    "sales['regoin']",
]


@pytest.fixture(scope="module")
def notebook7(
    tmp_path_factory: pytest.TempPathFactory, browser_llm: FakeLLM
) -> Iterator[JupyterServer]:
    """A Notebook 7 server on the module's fake model."""
    server = start_jupyter(
        tmp_path_factory.mktemp("nb7steer"), app="notebook", extra_env=fake_llm_env(browser_llm)
    )
    yield server
    server.stop()


def context_of(request: dict[str, Any]) -> str:
    """The context sent with the request's message: the user messages just before it."""
    messages = request["messages"]
    start = max(n + 1 for n, m in enumerate(messages) if m["role"] != "user")
    return json.dumps(messages[start:-1], ensure_ascii=False)


def wait_answer(page: Any, scope: str, text: str) -> None:
    page.locator(f"{scope} .jck-msg.jck-assistant", has_text=text).wait_for(
        state="visible", timeout=60_000
    )
    page.wait_for_function(
        "(sel) => { const p = document.querySelector(sel); return !!p"
        " && !p.querySelector('.jck-send.jck-stop') && !p.querySelector('.jck-streaming'); }",
        arg=scope,
    )


def pick(page: Any, scope: str, typed: str, option: str, shot: Any = None) -> None:
    """Type ``typed`` and pick ``option`` from the popup (``shot()`` while it shows)."""
    page.locator(f"{scope} .jck-input").press_sequentially(typed)
    item = page.locator(f"{scope} .jck-complete-item", has_text=option).first
    item.wait_for(state="visible", timeout=30_000)
    if shot:
        shot()
    item.dispatch_event("mousedown")


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
    wait_answer(page, PANEL, "Use 'region'.")
    shown = str(page.locator(USER).last.locator(".jck-bubble").inner_text())
    assert shown.startswith("Fix the error in cell 3: KeyError: 'regoin'"), shown
    assert len(shown) < 120
    assert "sales['regoin']" in context_of(scripted_llm.requests[0])
    screenshot(page, "nb7-error-bubble")

    # A mentioned variable's summary and a mentioned secret, redacted.
    page.locator(INPUT).click()
    pick(page, PANEL, "what is @sal", "@sales", lambda: screenshot(page, "nb7-mention-popup"))
    pick(page, PANEL, "and @api", "@api_token")
    screenshot(page, "nb7-mentions")
    scripted_llm.script(Reply("Two rows."))
    page.locator(INPUT).press("Enter")
    wait_answer(page, PANEL, "Two rows.")
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
    pick(page, host, "describe @sa", "@sales", lambda: screenshot(page, "widget-mention-popup"))
    scripted_llm.script(Reply("A frame."))
    page.locator(f"{host} .jck-input").press("Enter")
    wait_answer(page, host, "A frame.")
    tags = page.locator(f"{host} .jck-msg.jck-user .jck-tag").all_inner_texts()
    assert tags == ["sales"]
    context = context_of(scripted_llm.requests[0])
    assert "pandas.DataFrame" in context and "north" in context
    screenshot(page, "widget-mention-sent")
