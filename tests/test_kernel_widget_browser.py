"""The ``Chat`` widget in a real notebook in JupyterLab, driven through real Chromium.

Two set-ups: with the server extension (the widget talks HTTP to the Jupyter server
and asks the kernel only for its variables), and without it (the widget falls back to
the kernel comm, and the kernel runs the assistant itself). The model is the fake
OpenAI-compatible server with scripted replies, except in the code-card tests, which
show the built-in offline model's demo card. The first set-up's steps (a tool, a file, a
hostile answer) run in one notebook on the kept page of the module's JupyterLab; the comm
test starts a server of its own; the Notebook 7 code-card test shares one server with
nothing configured with test_offline_hint_lab.py (``offline_jupyter``, ``SHARED_LAB``),
which checks the card in JupyterLab (tests/browser/offline_cards.py).
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from .browser.offline_cards import CARDS_CELLS, insert_card_below_the_widgets_cell, run_cell_output
from .fixtures.browser import (
    WIDGET,
    JupyterServer,
    LabPage,
    fake_llm_env,
    send,
    tool_output,
)
from .fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]
# The offline server (``offline_jupyter``) is shared with test_offline_hint_lab.py, the
# JupyterLab with test_context_lab.py's group (tests/fixtures/shared_labs.py): two server
# starts fewer.
SHARED_LAB = "context"
# The server-endpoint test (``lab_page``) runs on the group's kept JupyterLab page
# (tests/fixtures/lab_reuse.py): a JupyterLab page load fewer.
REUSE_LAB_PAGE = True

INPUT = f"{WIDGET} .jck-input"
ANSWER = f"{WIDGET} .jck-msg.jck-assistant"
SETUP = (
    "import pandas as pd\n"
    "sales = pd.DataFrame({'region': ['north', 'south'], 'revenue': [120.5, 98.0]})"
)


def ask_in_widget(page: Any, text: str) -> str:
    """Type into the widget's composer; return the new answer's text."""
    return send(page, text, WIDGET, timeout=90_000)


def open_chat_notebook(lab: LabPage, name: str, cells: list[str]) -> None:
    lab.server.write_notebook(name, cells)
    lab.open(name)
    lab.run_all()
    lab.page.locator(INPUT).first.wait_for(state="visible", timeout=60_000)


HOSTILE = (
    "Here you go <img src=x onerror=\"window.__pwned='img'\"> "
    "<script>window.__pwned='script'</script>\n\n"
    "[click me](javascript:window.__pwned='link') and "
    '<a href="#" data-commandlinker-command="terminal:create-new" '
    "onclick=\"window.__pwned='a'\">open a terminal</a>\n\n"
    '<iframe src="javascript:parent.__pwned=1"></iframe>'
)
LIVE_JS = """(el) => {
  const all = [...el.querySelectorAll('*')];
  const attr = (test) => all.filter(e => [...e.attributes].some(test)).length;
  return {
    tags: all.filter(e => /^(SCRIPT|IFRAME|IMG|OBJECT|EMBED)$/.test(e.tagName)).length,
    handlers: attr(a => a.name.startsWith('on')),
    commands: attr(a => a.name.includes('commandlinker')),
    js: all.filter(e => /^\\s*javascript:/i.test(e.getAttribute('href') || '')).length,
  };
}"""


def test_widget_via_the_server_endpoint(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """One widget, three steps in its conversation: a client tool the kernel answers, a
    file attached through the server, and a model answering with markup attacks.

    One notebook and kernel for the three (each step used to open its own, ~8 s of CPU).
    """
    lab, fake_llm, server = lab_page, scripted_llm, lab_page.server
    dialogs: list[str] = []
    requests: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request: Any) -> None:
        requests.append(request.url)

    page.on("dialog", on_dialog)
    open_chat_notebook(lab, "widget.ipynb", [SETUP, "%load_ext jupyter_chatkit\n%chat"])
    page.on("request", on_request)
    # The page is the group's kept one: the listeners go with the test (a failed test's
    # page is closed).
    try:
        # Step 1, the server endpoint: the model's tool call is answered by the kernel.
        fake_llm.script(
            Reply(tool_calls=[ToolCall("list_kernel_variables", {})]), Reply("You have sales.")
        )
        answer = ask_in_widget(page, "what variables do I have?")
        assert answer == "You have sales.", f"step 1 (tool over the endpoint): {answer!r}"
        # The kernel answered the tool: the model saw the notebook's DataFrame.
        (sales,) = [v for v in tool_output(fake_llm)["variables"] if v["name"] == "sales"]
        assert [c["name"] for c in sales["columns"]] == ["region", "revenue"], f"step 1: {sales}"
        assert any("/jupyter-chatkit/chatkit" in url for url in requests), "step 1: no endpoint"
        screenshot(page, "answered")

        # Step 2, files attached through the server: a text file reaches the model with its
        # secret hidden; a program is refused.
        token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
        csv = f"region,revenue,token\nnorth,120.5,{token}\n"
        page.locator(f"{WIDGET} .jck-file-input").set_input_files(
            [
                {"name": "sales.csv", "mimeType": "text/csv", "buffer": csv.encode()},
                {"name": "tool.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ"},
            ]
        )
        page.locator(f"{WIDGET} .jck-toast", has_text="tool.exe cannot be attached").wait_for()
        page.locator(
            f"{WIDGET} .jck-chip-attachment:not(.jck-uploading)", has_text="sales.csv"
        ).wait_for()
        screenshot(page, "attached")
        fake_llm.script(Reply("One region."))
        asked = len(fake_llm.requests)
        answer = ask_in_widget(page, "what is in this file?")
        assert answer == "One region.", f"step 2 (attachment): {answer!r}"
        # (The first step's thread title may be asked for in between: found by its file.)
        sent = [
            r for r in fake_llm.requests[asked:] if "sales.csv" in json.dumps(r["messages"][-1])
        ]
        assert sent, "step 2: no model request carried the file"
        parts = sent[0]["messages"][-1]["content"]
        text = next(p["text"] for p in parts if p["type"] == "text" and "sales.csv" in p["text"])
        # The file reached the model as text, with its secret hidden.
        assert "north,120.5," in text, f"step 2: the file's text: {text!r}"
        assert token not in json.dumps(fake_llm.requests), (
            "step 2: the file's secret reached the model"
        )

        # Step 3, a model that answers with markup attacks: nothing runs, no command fires.
        fake_llm.default_reply = Reply(HOSTILE)
        terminals_before = server.api("api/terminals")
        answer = ask_in_widget(page, "say something")
        assert "Here you go" in answer and "open a terminal" in answer, f"step 3: {answer!r}"
        message = page.locator(ANSWER).last
        for link_text in ("click me", "open a terminal"):
            link = message.get_by_text(link_text)
            if link.count():
                link.first.click(modifiers=["Control"])  # would open a tab, never run code
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__pwned ?? null") is None, "step 3: markup ran code"
        assert dialogs == [], f"step 3: dialogs opened: {dialogs}"
        # The markup is shown as text: no live element or attribute came out of it.
        live = message.evaluate(LIVE_JS)
        assert live == {"tags": 0, "handlers": 0, "commands": 0, "js": 0}, f"step 3: {live}"
        assert server.api("api/terminals") == terminals_before, "step 3: a terminal was opened"
        screenshot(page, "hostile")
    finally:
        page.remove_listener("dialog", on_dialog)
        page.remove_listener("request", on_request)


def test_widget_via_the_kernel_comm_and_back_to_python(
    jupyter_server_factory: Callable[..., JupyterServer],
    page: Any,
    screenshot: Any,
    fake_llm: FakeLLM,
) -> None:
    # The kernel inherits the server's environment: its in-kernel assistant uses the fake.
    server = jupyter_server_factory(
        extra_args=[
            '--ServerApp.jpserver_extensions={"jupyter_chatkit": False, "jupyter_lsp": False}'
        ],
        extra_env=fake_llm_env(fake_llm),
    )
    lab = LabPage(page, server)
    cells = [
        SETUP,
        "from jupyter_chatkit import Chat\nchat = Chat()\nchat",
        "chat.last_answer",
        OFFLINE_CHAT,
    ]
    server.write_notebook("comm.ipynb", cells)
    lab.open("comm.ipynb")
    lab.notebook_js(
        "nb.content.activeCellIndex = 0; await window.jupyterapp.commands.execute("
        "'notebook:run-cell-and-select-next');"
        " await window.jupyterapp.commands.execute('notebook:run-cell-and-select-next');"
    )
    lab.wait_for_kernel_idle()
    page.locator(INPUT).first.wait_for(state="visible", timeout=60_000)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    fake_llm.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "sales"})]),
        Reply("sales has region and revenue."),
    )
    try:
        answer = ask_in_widget(page, "describe sales")
    except Exception as exc:
        raise AssertionError(f"no answer over the comm:\n{server.log_tail(80)}") from exc
    assert answer == "sales has region and revenue."
    assert [c["name"] for c in tool_output(fake_llm)["columns"]] == ["region", "revenue"]
    # Nothing went to the (absent) endpoint: the kernel answered over the comm.
    assert not any("/jupyter-chatkit/chatkit" in url for url in requests)
    screenshot(page, "answered")

    # The Python side saw the conversation the widget started, and its answer.
    lab.set_active_cell(2)
    lab.notebook_js("await window.jupyterapp.commands.execute('notebook:run-cell');")
    lab.wait_for_kernel_idle()
    page.wait_for_function(
        "() => { const nb = window.jupyterapp.shell.currentWidget.content;"
        " return (nb.widgets[2].node.querySelector('.jp-OutputArea')?.innerText ?? '')"
        ".includes('revenue'); }",
        timeout=30_000,
    )
    assert "region" in run_cell_output(lab, 2)
    thread = lab.notebook_js(
        "const k = nb.sessionContext.session.kernel;"
        " const f = k.requestExecute({code: '', silent: true,"
        " user_expressions: {t: 'chat.thread_id'}});"
        " const r = await f.done; return r.content.user_expressions.t.data['text/plain'];"
    )
    assert str(thread).startswith("'thr_")

    # Nothing configured any more: a new chat's kernel answers with the offline model,
    # and its empty chat says so and how to connect one, as the sidebar's does. (Shown,
    # it reopens the notebook's conversation; New empties it.)
    lab.set_active_cell(3)
    lab.notebook_js("await window.jupyterapp.commands.execute('notebook:run-cell');")
    lab.wait_for_kernel_idle()
    offline, configured = page.locator(WIDGET).nth(1), page.locator(WIDGET).first
    offline.get_by_role("button", name="New conversation").click()
    hint = offline.locator(".jck-offline-howto")
    hint.wait_for(state="visible", timeout=30_000)
    assert "OPENAI_API_KEY" in str(hint.inner_text())
    # The first chat's kernel had a model configured (the fake): no hint there.
    assert configured.locator(".jck-offline").is_hidden()
    # Each header names the model answering, as the kernel says it over the comm (before:
    # none; the server's /models was the only source).
    assert configured.locator(".jck-model").inner_text() == "fake-model"
    assert offline.locator(".jck-model").inner_text() == "offline demo model"
    screenshot(page, "offline-hint-over-the-comm")
    asked = len(fake_llm.requests)
    box = offline.locator(".jck-input")
    box.fill("what can you do?")
    box.press("Enter")
    offline.locator(".jck-msg.jck-assistant").first.wait_for(timeout=60_000)
    # The offline model answered, in the kernel: the fake model was not asked again.
    assert len(fake_llm.requests) == asked


# The widget shown once the kernel has no provider configured (the server's environment
# set the fake's URL): its own assistant answers with the built-in offline model.
OFFLINE_CHAT = (
    "import os\n"
    "for name in ('OPENAI_BASE_URL', 'OPENAI_API_KEY', 'JUPYTER_CHATKIT_MODEL'):\n"
    "    os.environ.pop(name, None)\n"
    "Chat()"
)


def test_widget_code_card_inserts_below_its_own_cell(
    offline_jupyter: JupyterServer, page: Any, screenshot: Any
) -> None:
    """Insert on a card puts exactly its code right below the widget's cell, not run, in
    Notebook 7 (JupyterLab's: test_offline_hint_lab.py, on its page).

    The offline model makes the card: nothing is configured, and the empty chat says so.
    """
    lab = LabPage(page, dataclasses.replace(offline_jupyter, app="notebook"))
    open_chat_notebook(lab, "cards-notebook.ipynb", CARDS_CELLS)
    insert_card_below_the_widgets_cell(lab, screenshot, "notebook")
