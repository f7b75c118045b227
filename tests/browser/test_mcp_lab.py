"""An MCP tool call approved on Agent mode's card in a real JupyterLab (issue 13, part 5).

The server runs the fixture MCP server (tests/fixtures/mcp_server.py) over stdio, set up
by tests/fixtures/mcp_lab_config.py; the model is the fake OpenAI-compatible server. The
JupyterLab is the chat modules' (``SHARED_LAB``), whose set-up holds that configuration.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import PANEL, LabPage, open_panel, wait_answer
from tests.fixtures.chat_ux_lab import (  # noqa: F401 (JUPYTER_*: the shared lab's set-up)
    JUPYTER_EXTRA_ARGS,
    JUPYTER_EXTRA_ENV,
    MCP_KEY,
)
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True

# One JupyterLab, fake model and kept page with the chat's modules (test_chat_ux.py;
# tests/fixtures/shared_labs.py): their server set-up (chat_ux_lab.py) holds this
# module's MCP configuration and key, and asks for no titles.
SHARED_LAB = "chat_ux"
KEY = MCP_KEY

LOOKUP = "mcp__fixture__lookup"
CARD = f'{PANEL} .jck-step[data-step="{LOOKUP}"]'


def calls_logged(lab: LabPage) -> list[str]:
    log = Path(lab.server.env["JUPYTER_RUNTIME_DIR"]) / "mcp-calls.log"
    return log.read_text().splitlines() if log.exists() else []


def tool_results(llm: FakeLLM, request: int) -> list[dict[str, Any]]:
    return [
        json.loads(m["content"]) for m in llm.requests[request]["messages"] if m["role"] == "tool"
    ]


def ask_in_agent_mode(lab: LabPage, llm: FakeLLM, text: str, *replies: Reply) -> None:
    """Open JupyterLab and the panel, switch to Agent mode, script ``replies``, send ``text``."""
    lab.open()
    open_panel(lab.page)
    lab.page.locator(f"{PANEL} .jck-mode-agent").click()
    llm.script(*replies)
    box = lab.page.locator(f"{PANEL} .jck-input")
    box.fill(text)
    box.press("Enter")


def test_an_mcp_call_waits_for_the_card_and_its_result_reaches_the_model(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    ask_in_agent_mode(
        lab_page,
        scripted_llm,
        "look up gauss in the glossary",
        Reply(tool_calls=[ToolCall(LOOKUP, {"term": "gauss"})]),
        Reply("Gauss is in the fixture glossary."),
    )

    card = page.locator(CARD)
    card.locator(".jck-step-approve").wait_for(state="visible", timeout=60_000)
    # Offered to the model as a tool; nothing ran before the approval.
    offered = [t["function"]["name"] for t in scripted_llm.requests[0].get("tools", [])]
    assert LOOKUP in offered
    assert "gauss" not in calls_logged(lab_page)
    assert "gauss" in card.inner_text()
    screenshot(page, "mcp-card")
    card.locator(".jck-step-approve").click()

    wait_answer(page, "Gauss is in the fixture glossary.")
    assert calls_logged(lab_page).count("gauss") == 1
    (result,) = tool_results(scripted_llm, 1)
    assert result["status"] == "done" and "gauss: a word" in result["result"]
    # The server's configured key is hidden from the model, and the result framed as data.
    assert result["untrusted_data"] and result["redacted"] >= 1
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.getAttribute('data-status') === 'done'", arg=CARD
    )
    screenshot(page, "mcp-done")
    # The key reached neither the model, nor the page, nor the server's log.
    assert KEY not in json.dumps(scripted_llm.requests)
    assert KEY not in page.content()
    assert KEY not in lab_page.server.log_path.read_text()


def test_an_allow_listed_mcp_call_runs_unasked_and_shows_as_done(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    auto = "mcp__auto__lookup"
    ask_in_agent_mode(
        lab_page,
        scripted_llm,
        "look up euler",
        Reply(tool_calls=[ToolCall(auto, {"term": "euler"})]),
        Reply("Euler is in the glossary too."),
    )
    wait_answer(page, "Euler is in the glossary too.")
    assert "euler" in calls_logged(lab_page)
    # No card waited for a decision: the call is shown done, without buttons.
    card = page.locator(f'{PANEL} .jck-step[data-step="{auto}"]')
    assert card.get_attribute("data-status") == "done"
    assert card.locator(".jck-step-approve").count() == 0
    (result,) = tool_results(scripted_llm, 1)
    assert result["status"] == "done" and result["redacted"] >= 1
    screenshot(page, "auto-done")
    assert KEY not in json.dumps(scripted_llm.requests) and KEY not in page.content()
