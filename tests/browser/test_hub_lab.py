"""JupyterLab under a JupyterHub-like base URL (``/user/ada/``), sidebar.

* Red team: hostile text from every place the sidebar shows it (the model's answer and
  code card, the notebook's name, a cell's source, the person's own message) must stay
  inert, and nothing the model writes may make the browser send a request nobody asked
  for, least of all to another hub user's server (same origin, ``/user/<other>/``) or
  the hub.
* An answer survives a reload of JupyterLab in the middle of it (the fake model
  streaming slowly): the page comes back to the conversation, follows the rest of the
  answer live and shows it whole; only Stop stops an answer.

Real JupyterLab and Chromium, the fake OpenAI-compatible server as the model.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import (
    ASSISTANT,
    INPUT,
    PANEL,
    USER,
    LabPage,
    open_panel,
    send,
    wait_idle,
)
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page with the sidebar's modules (test_sidebar.py,
# tests/fixtures/shared_labs.py), under their base URL: a lab start and a page load fewer.
SHARED_LAB = "sidebar"
# Notebook 7's pages come from the group's JupyterLab too (its notebook server extension).
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]
# JupyterLab's whole plugin set, as users have it (jupyter_servers.UNUSED_PLUGINS).
JUPYTER_ALL_PLUGINS = True
JUPYTER_BASE_URL = "/user/ada/"  # read by the jupyter_lab fixture

XSS = "<img src=x onerror=\"window.__pwned='{}'\">"
HOSTILE = (
    "Here you go " + XSS.format("img") + " <script>window.__pwned='script'</script>\n\n"
    "[click me](javascript:window.__pwned='link') "
    "<svg onload=\"window.__pwned='svg'\"></svg>\n\n"
    # Same origin, but another hub user's server, the hub, and a relative way there:
    # a request to any of them hands what the URL carries to someone else's log.
    "![beacon](/user/mallory/files/beacon.png?leak=answer) "
    "![hub](/hub/logout) "
    "![rel](../../../../../mallory/files/rel.png?leak=relative) "
    "![ok](files/plot.png)"
)
LIVE = """(els) => {
  const all = els.flatMap(el => [...el.querySelectorAll('*')]);
  const attr = (test) => all.filter(e => [...e.attributes].some(test)).length;
  return {
    tags: all.filter(e => /^(SCRIPT|IFRAME|OBJECT|EMBED|FORM)$/.test(e.tagName)).length,
    handlers: attr(a => a.name.startsWith('on')),
    js: all.filter(e => /^\\s*javascript:/i.test(e.getAttribute('href') || '')).length,
  };
}"""


def test_hostile_text_everywhere_in_the_sidebar_stays_inert_and_sends_nothing(
    lab_page: LabPage, scripted_llm: FakeLLM, screenshot: Callable[..., Path]
) -> None:
    page: Any = lab_page.page
    name = "<img src=x onerror=window.__pwned=1>.ipynb"
    lab_page.server.write_notebook(name, ["# " + XSS.format("cell"), "x = 1"])
    lab_page.open(name)
    lab_page.run_all()
    requests: list[str] = []

    def request(r: Any) -> None:
        requests.append(r.url)

    dialogs: list[str] = []

    def dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("request", request)
    page.on("dialog", dialog)
    scripted_llm.default_reply = Reply(HOSTILE)
    scripted_llm.script(
        Reply(
            tool_calls=[
                ToolCall(
                    "propose_code",
                    {"code": "print('" + XSS.format("code") + "')", "title": XSS.format("title")},
                )
            ]
        ),
        Reply(HOSTILE),
    )
    open_panel(page)
    answer = send(page, XSS.format("user") + " explain this")
    assert "Here you go" in answer
    page.wait_for_timeout(500)
    panel = page.locator(PANEL)
    for link_text in ("click me", "beacon", "hub"):
        link = panel.get_by_text(link_text)
        if link.count():
            link.first.click(modifiers=["Control"])  # opens a tab at most, never runs code
    page.wait_for_timeout(500)
    screenshot(page, "hostile-sidebar")

    assert page.evaluate("() => window.__pwned ?? null") is None
    assert dialogs == []
    # What the model and the person wrote, wherever it is shown (messages, the card):
    # no live element or attribute came out of it.
    shown = page.locator(f"{PANEL} .jck-msg:not(.jck-pending-msg)")
    assert shown.count() >= 2
    assert shown.evaluate_all(LIVE) == {"tags": 0, "handlers": 0, "js": 0}
    assert panel.evaluate("(el) => el.querySelectorAll('[onerror], [onload], script').length") == 0
    # No cell came from the code card: nobody clicked Insert.
    assert lab_page.cell_sources() == ["# " + XSS.format("cell"), "x = 1"]
    # Every image the answer named as under the server is one request under the server;
    # none went to another user's server or to the hub.
    base = f"{lab_page.server.origin}{lab_page.server.base_url}"
    stray = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
    assert stray == []
    # The blocked images are offered as links the person may open.
    assert page.locator(f"{ASSISTANT} .jck-blocked-img").count() >= 3
    # The page may be the module's kept one: the next test's events are its own.
    page.remove_listener("request", request)
    page.remove_listener("dialog", dialog)


# -- a reload in the middle of an answer --------------------------------------------------

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


def new_answer_started(page: Any, before: int) -> None:
    """A new answer (after ``before`` answers) shows its first words."""
    page.wait_for_function(
        "([sel, n]) => { const a = document.querySelectorAll(sel);"
        " return a.length > n && /word3/.test(a[a.length - 1].textContent || ''); }",
        arg=[ASSISTANT, before],
    )


def test_reloads_mid_answer_a_stop_and_a_reload_before_a_notebook_read(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """One conversation, three turns: a reload mid-answer follows the rest of it; Stop
    still stops an answer; a reload before the model's notebook read still brings the
    answer, and shows the earlier turns as the server stored them (the whole answer,
    the stopped one). One notebook and two reloads (they were three tests: three
    notebooks and kernels, four reloads)."""
    open_sidebar_on(lab_page, page, "reload.ipynb")

    # 1. A reload in the middle of an answer: back on the conversation, followed live.
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
    page.locator(USER, has_text="tell me a long story").wait_for()
    page.locator(f"{PANEL} .jck-send.jck-stop").wait_for(state="visible", timeout=30_000)
    page.wait_for_function(
        "(sel) => /word\\d+/.test([...document.querySelectorAll(sel)].pop()?.textContent || '')",
        arg=ASSISTANT,
    )
    screenshot(page, "2-after-reload-following")
    assert not scripted_llm.calls[0].finished, "step 1: the answer was still being written"
    scripted_llm.token_delay = 0.01
    wait_idle(page)
    shows_at_the_end(page, "word119.")
    screenshot(page, "3-whole-answer")
    assert last_answer(page) == reply, "step 1: the answer after the reload"
    assert STOPPED not in page.locator(PANEL).inner_text()
    assert len(scripted_llm.requests) == 1, "step 1: the answer was asked for again"

    # 2. Stop still stops the answer (the model's request closed).
    scripted_llm.token_delay = 0.05
    scripted_llm.script(Reply(long_reply(400)))
    calls = len(scripted_llm.calls)
    start_asking(page, "talk until I stop you")
    new_answer_started(page, 1)
    page.locator(f"{PANEL} .jck-send.jck-stop").click()
    wait_idle(page)
    stopped_call = next(c for c in scripted_llm.calls[calls:] if c.method == "POST")

    # 3. The model asks to read the notebook after the page went away: the server's turn
    # ends waiting for that client tool's result, and the page that comes back runs it.
    scripted_llm.token_delay = 0.3
    scripted_llm.script(
        Reply(long_reply(20), tool_calls=[ToolCall("get_notebook_cells", {})]),
        Reply("FINAL: the notebook sets x."),
    )
    asked = len(scripted_llm.requests)
    start_asking(page, "what does my notebook do")
    new_answer_started(page, 2)
    lab_page.reload()
    lab_page.command("jupyter-chatkit:open")
    page.locator(USER, has_text="what does my notebook do").wait_for()
    scripted_llm.token_delay = 0.01
    shows_at_the_end(page, "FINAL: the notebook sets x.")
    wait_idle(page)
    screenshot(page, "answer-after-the-read")
    assert len(scripted_llm.requests) == asked + 2, "step 3: model requests"
    # The second model request carries the notebook the reloaded page read.
    outputs = [m for m in scripted_llm.requests[asked + 1]["messages"] if m.get("role") == "tool"]
    assert outputs and "x = 1" in str(outputs[-1]["content"]), outputs

    # What the server stored, shown after that reload: the first answer whole, the
    # second marked stopped.
    answers = page.locator(ASSISTANT)
    assert str(answers.nth(0).locator(".jck-parts").inner_text()) == reply, "stored answer"
    stopped = answers.nth(1)
    assert STOPPED in stopped.inner_text(), "step 2: the stored answer is not marked stopped"
    assert "word399" not in stopped.locator(".jck-parts").inner_text()
    screenshot(page, "stopped-after-reload")
    assert stopped_call.disconnected, "step 2: the model's request was not closed"
