"""A message without an answer in the chat (issue 11), in a real JupyterLab through real
Chromium, with the fake OpenAI-compatible server as the model: a failed turn offers Retry,
a stopped answer says so, and a message stopped before its answer reads as stopped, not
failed; each the same live and reopened. The JupyterLab (its servers' set-up: a second
model, no title requests) and its kept page are shared with test_chat_ux.py
(``SHARED_LAB``).

Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from tests.fixtures.browser import (
    ASSISTANT,
    INPUT,
    PANEL,
    LabPage,
    open_panel,
    send,
    user_texts,
    wait_idle,
)

# The server set-up these modules share (JUPYTER_*: the shared lab is kept by it).
from tests.fixtures.chat_ux_lab import JUPYTER_EXTRA_ARGS, JUPYTER_EXTRA_ENV  # noqa: F401
from tests.fixtures.fake_llm import FakeLLM, Reply, server_error

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the chat's modules (shared_labs.py).
SHARED_LAB = "chat_ux"

USER_MESSAGE = f"{PANEL} .jck-msg.jck-user[data-item-id]"


def test_a_message_without_an_answer_offers_retry(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("retry.ipynb", ["a = 1"])
    lab_page.open("retry.ipynb")
    open_panel(page)
    scripted_llm.script(server_error(), server_error())
    box = page.locator(INPUT)
    box.click()
    box.fill("will fail")
    box.press("Enter")
    error = page.locator(f"{PANEL} .jck-error")
    error.wait_for(state="visible", timeout=60_000)
    wait_idle(page)
    said = error.inner_text()
    # Reopened later, the thread still says why (kept with it), with Retry.
    lab_page.reload()
    open_panel(page)
    error.wait_for(state="visible", timeout=30_000)
    assert error.inner_text() == said
    screenshot(page, "unanswered")
    scripted_llm.script(Reply("Now it works."))
    error.get_by_role("button", name="Retry").click()
    page.locator(ASSISTANT, has_text="Now it works.").wait_for(timeout=60_000)
    # Its text shows before its turn ends (the answer is saved, the stream closes), and
    # Enter while answering sends nothing: the next message waits for the turn's end.
    wait_idle(page)
    assert user_texts(scripted_llm)[-1] == "will fail"
    # A later failure, then an answer after it: reopened, the failed message (now in the
    # middle of the thread) still says why, without Retry; the retried one says nothing.
    scripted_llm.script(server_error(), server_error(), Reply("Answered after all."))
    box.fill("fails too")
    box.press("Enter")
    error.wait_for(state="visible", timeout=60_000)
    wait_idle(page)
    why = error.locator(".jck-error-text").inner_text()
    send(page, "and this one")
    page.locator(ASSISTANT, has_text="Answered after all.").wait_for(timeout=60_000)
    lab_page.reload()
    open_panel(page)
    page.locator(ASSISTANT, has_text="Answered after all.").wait_for(timeout=30_000)
    notes = page.locator(f"{USER_MESSAGE} .jck-turn-note")
    screenshot(page, "failed-mid-thread-reopened")
    assert notes.count() == 1 and why in notes.inner_text()
    failed = page.locator(USER_MESSAGE, has_text="fails too")
    assert failed.locator(".jck-turn-note").count() == 1
    assert failed.get_by_role("button", name="Retry").count() == 0


# How the box under a message looks: its text, a warning icon, its edge's colour and the
# chat's error colour (resolved on a probe beside it).
STOPPED_BOX = """(el) => {
  const probe = document.createElement('span');
  probe.style.color = 'var(--jck-error)';
  el.parentElement.append(probe);
  const failure = getComputedStyle(probe).color;
  probe.remove();
  return {text: el.innerText, icon: !!el.querySelector(':scope > .jck-icon'),
          edge: getComputedStyle(el).borderLeftColor, failure};
}"""


def test_stopped_answers_say_so_live_as_they_do_reopened(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Two stops in one conversation, reopened by one reload (they were two tests: a
    notebook, a kernel and a reload each).

    1. An answer stopped while it streams ends with "[Stopped.]", live and reopened.
    2. Stop before the first word (walk NU 22): the message showed a red warning "This
       message has no answer." as a failure would. The person's own Stop reads
       neutrally, with Retry, live and reopened; Retry answers it.
    """
    lab_page.server.write_notebook("stop.ipynb", ["a = 1"])
    lab_page.open("stop.ipynb")
    open_panel(page)

    # 1. An answer that streams for a long while (200 deltas, 0.1 s apart), stopped early.
    scripted_llm.token_delay = 0.1
    scripted_llm.script(Reply(" ".join(f"word{i}" for i in range(400)), chunk_chars=10))
    box = page.locator(INPUT)
    box.click()
    box.fill("talk for a while")
    box.press("Enter")
    answer = page.locator(ASSISTANT).last
    page.wait_for_function(
        "(sel) => { const a = document.querySelectorAll(sel);"
        " return a.length > 0 && a[a.length - 1].innerText.includes('word3'); }",
        arg=ASSISTANT,
    )
    page.get_by_role("button", name="Stop answering").click()
    wait_idle(page)
    # The chat is idle once it stops listening; the server's stop (Turn.STOP) comes after.
    # The model's request closed says it came (an answer sped up before would end whole).
    deadline = time.monotonic() + 30
    while not scripted_llm.last.disconnected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scripted_llm.last.disconnected, "step 1: Stop did not close the model's request"
    scripted_llm.token_delay = 0.0
    live = answer.locator(".jck-parts").inner_text().strip()
    screenshot(page, "stopped-live")
    assert live.endswith("[Stopped.]"), live[-200:]
    assert live.count("[Stopped.]") == 1
    live_note = answer.locator("em", has_text="[Stopped.]")
    assert live_note.count() == 1

    # 2. A message stopped before its answer's first word.
    scripted_llm.first_token_delay = 20
    scripted_llm.script(Reply("too late"))
    calls = len(scripted_llm.requests)
    box.click()
    box.fill("slow one")
    box.press("Enter")
    deadline = time.monotonic() + 30
    while len(scripted_llm.requests) == calls and time.monotonic() < deadline:
        time.sleep(0.05)
    page.get_by_role("button", name="Stop answering").click()
    wait_idle(page)
    scripted_llm.first_token_delay = 0.0
    note = page.locator(f"{PANEL} .jck-error")
    note.wait_for(state="visible")
    early = note.evaluate(STOPPED_BOX)
    screenshot(page, "stopped-early-live")
    # Not a failure's form: no warning icon, no error-coloured edge; Retry offered.
    assert not early["icon"] and early["edge"] != early["failure"], early
    assert note.get_by_role("button", name="Retry").count() == 1

    # Reopened, the stored thread says the same, in the same place and form.
    lab_page.reload()
    open_panel(page)
    note.wait_for(state="visible", timeout=30_000)
    page.wait_for_function(
        "(sel) => document.querySelector(sel).innerText.trim() !== ''", arg=f"{PANEL} .jck-error"
    )
    stored = page.locator(ASSISTANT).filter(has_text="word0")
    stored.locator("em", has_text="[Stopped.]").wait_for(timeout=30_000)
    text = stored.locator(".jck-parts").inner_text().strip()
    assert text.endswith("[Stopped.]"), text[-200:]
    assert text.count("[Stopped.]") == 1
    # The server may have kept a few deltas the browser had not shown yet when it stopped.
    assert text.startswith(live.removesuffix("[Stopped.]").strip()), (live[-200:], text[-200:])
    again = note.evaluate(STOPPED_BOX)
    screenshot(page, "stopped-early-reopened")
    assert again["text"] == early["text"] and again["icon"] == early["icon"], (early, again)
    assert again["edge"] == early["edge"], (early, again)
    scripted_llm.script(Reply("Now it works."))
    note.get_by_role("button", name="Retry").click()
    page.locator(ASSISTANT, has_text="Now it works.").wait_for(timeout=60_000)
    assert user_texts(scripted_llm)[-1] == "slow one"
    assert note.is_hidden()
