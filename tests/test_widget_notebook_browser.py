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

The sidebar's kernel check done while the message is written (issue 12), with a real
kernel. Every message of the sidebar passes the notebook's kernel (``hide_known_json``:
the values it holds under secret names are hidden). The sidebar asks the kernel about the
draft before Enter and, at Enter, sends at once when nothing happened on the kernel since
(js/lab/src/checkcache.ts). What must hold:

- a draft checked while nothing ran goes with no check at Enter (the point of it);
- a draft checked, then a cell run that sets a secret the draft holds: the check is not
  reused (the draft is checked again when the kernel turns idle, or at Enter), the model
  does not get the secret;
- a secret pasted right after running the cell that set it is hidden.

The secrets are base64 in the sources: the model could only get them from what was typed.

The tests share the module's JupyterLab server, each with notebooks of its own, and keep
one page (``REUSE_LAB_PAGE``, tests/fixtures/lab_reuse.py). The widget's chips, thread and
read-line cell link in Notebook 7 are checked in test_notebook7.py's widget test, on the
notebook it loads anyway (a Notebook 7 page load and a kernel fewer).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from .fixtures.browser import INPUT, JupyterServer, LabPage, open_panel, wait_idle
from .fixtures.fake_llm import FakeLLM, Reply
from .fixtures.lab_reuse import OPEN_JS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

HOST = ".jp-OutputArea-output .jck-widget-host"
USER_MSG = f"{HOST} .jck-msg.jck-user:not(.jck-pending-msg)"
ANSWER = f"{HOST} .jck-msg.jck-assistant"
CHAT_CELL = "%load_ext jupyter_chatkit\n%chat"
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page with test_agent_lab.py's group
# (tests/fixtures/shared_labs.py): a lab start and a page load fewer.
SHARED_LAB = "agent"
# The group's set-up (tests/fixtures/shared_labs.py keeps one server per set-up): its
# JupyterLab serves Notebook 7's pages too, the app exposed there as in JupyterLab.
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]


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


def open_and_run(lab: LabPage, name: str, cells: list[str], same_page: bool = False) -> None:
    """Write notebook ``name``, open it (``same_page``: in the page as it is, as a person
    opens a notebook, without loading JupyterLab anew) and run it; its widget shown."""
    lab.server.write_notebook(name, cells)
    if same_page:
        lab.page.evaluate(OPEN_JS, [name])
        lab.wait_for_kernel_idle()
    else:
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
    # nothing for "This notebook" but names sales.ipynb's under "All notebooks". Opened
    # in the same page once sales.ipynb is closed, as a person does (a load of its own
    # cost a JupyterLab page load, and left nothing of sales.ipynb's chat in memory).
    lab.notebook_js("nb.dispose();")
    open_and_run(lab, "other.ipynb", [CHAT_CELL], same_page=True)
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
    # As outside JupyterLab: no extension bridge for the widget to ask (put back after
    # the test: the page is kept for the module's next test).
    page.evaluate(
        "() => { window.__jckBridge = window.jupyterChatkitBridge;"
        " delete window.jupyterChatkitBridge; }"
    )
    try:
        widget_without_the_bridge(lab, page, screenshot, fake_llm)
    finally:
        page.evaluate("() => { window.jupyterChatkitBridge = window.__jckBridge; }")


def widget_without_the_bridge(lab: LabPage, page: Any, screenshot: Any, fake_llm: FakeLLM) -> None:
    """The steps of the test above, once the bridge is gone."""
    server = lab.server
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


# Words and digits: no key shape a text rule knows.
LATER = "Quartz-Meadow-5517"
PASTED = "Velvet9Orchid22x"
MARK = "held under a secret name"


def unsealed(name: str, value: str) -> str:
    sealed = base64.b64encode(value.encode()).decode()
    return f"import base64\n{name} = base64.b64decode({sealed!r}).decode()"


CELLS = ["x = 1", unsealed("api_token", LATER), unsealed("db_password", PASTED)]

# The page's record of the secrets checks sent to the kernel and answered, and of Enter.
RECORD = """
const k = nb.sessionContext.session.kernel;
window.__checks = [];
window.__enter = 0;
k.anyMessage.connect((_, { msg, direction }) => {
  const ue = JSON.stringify(msg.content?.user_expressions ?? {});
  const type = msg.header.msg_type;
  if (direction === 'send' && type === 'execute_request' && ue.includes('hide_known_json'))
    window.__checks.push({ id: msg.header.msg_id, at: performance.now(), replied: false, ue });
  if (direction === 'recv' && msg.header.msg_type === 'execute_reply') {
    const c = window.__checks.find((c) => c.id === msg.parent_header.msg_id);
    if (c) c.replied = true;
  }
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && e.target.classList?.contains('jck-input'))
    window.__enter = performance.now();
}, true);
"""


def type_and_wait_for_check(page: Any, text: str) -> None:
    """Type ``text`` in the sidebar's box and wait until the kernel answered its check
    (and every other check sent: none is left on its way at Enter)."""
    box = page.locator(INPUT)
    box.click()
    box.fill(text)
    page.wait_for_function(
        "(t) => window.__checks.some((c) => c.ue.includes(t))"
        " && window.__checks.every((c) => c.replied)",
        arg=text,
    )


def enter(page: Any, llm: FakeLLM) -> tuple[str, int]:
    """Press Enter; the model's request (JSON) and the checks sent from Enter on."""
    count = len(llm.requests)
    page.locator(INPUT).press("Enter")
    page.wait_for_function("() => window.__enter > 0")
    wait_idle(page)
    assert len(llm.requests) == count + 1
    after = page.evaluate("window.__checks.filter((c) => c.at >= window.__enter).length")
    page.evaluate("window.__enter = 0")
    return json.dumps(llm.requests[-1], ensure_ascii=False), int(after)


# A page of its own, as when it was a module of its own: on the page the widget tests above
# kept, Enter checked the draft once more (at_enter == 1) in 3 of 6 quiet runs, and never
# with a fresh page (3 of 3); the cause is not found yet.
@pytest.mark.fresh_page
def test_draft_checked_before_enter_and_never_reused_after_a_cell(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    scripted_llm.default_reply = Reply("Noted.")
    lab_page.server.write_notebook("precheck.ipynb", CELLS)
    lab_page.open("precheck.ipynb")
    lab_page.run_cell(0)
    lab_page.notebook_js(RECORD)
    open_panel(page)

    # Nothing ran since the draft was checked: Enter sends it with no check of its own.
    type_and_wait_for_check(page, "What does x hold?")
    request, at_enter = enter(page, scripted_llm)
    assert "What does x hold?" in request
    assert at_enter == 0

    # Checked before the kernel held it (nothing to hide then); then the cell that sets
    # it runs: that check is void. The message is checked again (when the kernel turned
    # idle, or at Enter): the answer kept from before would have sent the secret.
    type_and_wait_for_check(page, f"Is {LATER} the right one?")
    cell_ran = page.evaluate("performance.now()")
    lab_page.run_cell(1)
    request, _ = enter(page, scripted_llm)
    assert LATER not in request
    assert MARK in request
    after_cell = "(t) => window.__checks.filter((c) => c.at > t && c.ue.includes('Quartz')).length"
    assert page.evaluate(after_cell, cell_ran) >= 1

    # Pasted right after running the cell that set it.
    lab_page.run_cell(2)
    box = page.locator(INPUT)
    box.click()
    box.fill(f"why does {PASTED} fail?")
    request, _ = enter(page, scripted_llm)
    assert PASTED not in request
    assert MARK in request
