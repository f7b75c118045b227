"""An answer survives a reload of JupyterLab in the middle of it (real JupyterLab, real
Chromium, the fake model streaming slowly): the page comes back to the conversation,
follows the rest of the answer live and shows it whole; only Stop stops an answer.

Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.fixtures.browser import ASSISTANT, INPUT, PANEL, LabPage, wait_idle
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

JUPYTER_BASE_URL = "/user/ada/"  # read by the jupyter_lab fixture

STOPPED = "[Stopped.]"


def long_reply(words: int) -> str:
    return " ".join(f"word{i}" for i in range(words)) + "."


def start_asking(page: Any, text: str) -> None:
    """Send ``text`` from the sidebar without waiting for the answer."""
    page.locator(INPUT).fill(text)
    page.locator(INPUT).press("Enter")


def open_sidebar_on(lab_page: LabPage, page: Any, notebook: str) -> None:
    """A new notebook open, with the sidebar ready for a message."""
    lab_page.server.write_notebook(notebook, ["x = 1"])
    lab_page.open(notebook)
    lab_page.command("jupyter-chatkit:open")
    page.locator(INPUT).wait_for(state="visible")


def first_words_shown(page: Any) -> None:
    """The answer's first words are on screen."""
    page.wait_for_function(
        "(sel) => /word3/.test([...document.querySelectorAll(sel)].pop()?.textContent || '')",
        arg=ASSISTANT,
    )


def shows_at_the_end(page: Any, end: str) -> None:
    """Wait until the last answer holds ``end``."""
    page.wait_for_function(
        "([sel, end]) => ([...document.querySelectorAll(sel)].pop()?.textContent || '')"
        ".includes(end)",
        arg=[ASSISTANT, end],
    )


def last_answer(page: Any) -> str:
    return str(page.locator(f"{ASSISTANT} .jck-parts").last.inner_text())


def test_reload_mid_answer_shows_the_whole_answer(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_sidebar_on(lab_page, page, "reload.ipynb")
    reply = long_reply(120)
    # Slow until the page has come back (a reload takes seconds on a loaded machine).
    scripted_llm.token_delay = 0.5
    scripted_llm.script(Reply(reply))
    start_asking(page, "tell me a long story")
    # The first words are on screen: the answer is being written.
    first_words_shown(page)
    screenshot(page, "1-mid-answer")
    lab_page.reload()
    lab_page.command("jupyter-chatkit:open")
    # Back on the same conversation, the answer still being written: followed live.
    page.locator(f"{PANEL} .jck-msg.jck-user", has_text="tell me a long story").wait_for()
    page.locator(f"{PANEL} .jck-send.jck-stop").wait_for(state="visible", timeout=30_000)
    page.wait_for_function(
        "(sel) => /word\\d+/.test([...document.querySelectorAll(sel)].pop()?.textContent || '')",
        arg=ASSISTANT,
    )
    screenshot(page, "2-after-reload-following")
    assert not scripted_llm.calls[0].finished, "the answer was still being written"
    scripted_llm.token_delay = 0.01
    wait_idle(page)
    shows_at_the_end(page, "word119.")
    screenshot(page, "3-whole-answer")
    assert last_answer(page) == reply
    assert STOPPED not in page.locator(PANEL).inner_text()
    assert len(scripted_llm.requests) == 1, "the answer was not asked for again"
    # And it is what the server stored: a second reload shows it the same.
    lab_page.reload()
    lab_page.command("jupyter-chatkit:open")
    page.locator(f"{ASSISTANT} .jck-parts").last.wait_for()
    shows_at_the_end(page, "word119.")
    assert last_answer(page) == reply


def test_stop_still_stops_the_answer(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_sidebar_on(lab_page, page, "stop.ipynb")
    scripted_llm.token_delay = 0.05
    scripted_llm.script(Reply(long_reply(400)))
    start_asking(page, "talk until I stop you")
    first_words_shown(page)
    page.locator(f"{PANEL} .jck-send.jck-stop").click()
    wait_idle(page)
    # The server stopped: the stored answer is marked so (and the model's request closed).
    lab_page.reload()
    lab_page.command("jupyter-chatkit:open")
    page.locator(f"{PANEL} .jck-msg.jck-user", has_text="talk until I stop you").wait_for()
    shows_at_the_end(page, STOPPED)
    screenshot(page, "stopped-after-reload")
    assert "word399" not in last_answer(page)
    assert scripted_llm.calls[0].disconnected


def test_a_reload_before_a_notebook_read_still_brings_the_answer(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The model asks to read the notebook after the page went away: the server's turn
    ends waiting for that client tool's result, and the page that comes back runs it."""
    open_sidebar_on(lab_page, page, "reload-tool.ipynb")
    scripted_llm.token_delay = 0.3
    scripted_llm.script(
        Reply(long_reply(20), tool_calls=[ToolCall("get_notebook_cells", {})]),
        Reply("FINAL: the notebook sets x."),
    )
    start_asking(page, "what does my notebook do")
    first_words_shown(page)
    lab_page.reload()
    lab_page.command("jupyter-chatkit:open")
    page.locator(f"{PANEL} .jck-msg.jck-user", has_text="what does my notebook do").wait_for()
    scripted_llm.token_delay = 0.01
    shows_at_the_end(page, "FINAL: the notebook sets x.")
    wait_idle(page)
    screenshot(page, "answer-after-the-read")
    assert len(scripted_llm.requests) == 2
    # The second model request carries the notebook the reloaded page read.
    outputs = [m for m in scripted_llm.requests[1]["messages"] if m.get("role") == "tool"]
    assert outputs and "x = 1" in str(outputs[-1]["content"]), outputs
