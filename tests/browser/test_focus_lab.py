"""Keyboard focus races in JupyterLab: the sidebar never takes keys a person types elsewhere.

Network answers the race depends on are held with ``page.route`` and released by the
test, so the order (person types, then the late answer lands) is the same on any machine.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.fixtures.browser import INPUT, PANEL, LabPage, open_panel, send
from tests.fixtures.fake_llm import FakeLLM, Reply

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True

CHATKIT = "**/jupyter-chatkit/chatkit"
VISIBLE_NOTEBOOK = "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)"


def hold_requests(page: Any, kind: str) -> list[Any]:
    """Hold every ChatKit request of type ``kind`` (the list fills as they come)."""
    held: list[Any] = []

    def handle(route: Any) -> None:
        body = route.request.post_data or ""
        try:
            wanted = json.loads(body).get("type") == kind
        except ValueError:
            wanted = False
        if wanted:
            held.append(route)
        else:
            route.continue_()

    page.route(CHATKIT, handle)
    return held


def wait_held(page: Any, held: list[Any]) -> None:
    """Let Playwright deliver requests to the route handler until one is held."""
    for _ in range(600):
        if held:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the request to hold never came")


def test_attaching_a_notebook_without_conversations_leaves_the_keys_in_its_cell(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    """Clicking into another notebook, whose conversations the sidebar asks the server
    for: when "none" comes back and the sidebar starts a new conversation, what the
    person types in that notebook's cell stays there (it went to the chat box)."""
    lab_page.server.write_notebook("talked.ipynb", ["a = 1"])
    lab_page.server.write_notebook("quiet.ipynb", [""])
    lab_page.open("talked.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("Hello."))
    send(page, "hi")  # talked.ipynb now has a conversation, on screen
    held = hold_requests(page, "threads.list")
    lab_page.command("docmanager:open", {"path": "quiet.ipynb"})
    wait_held(page, held)  # the sidebar asks which conversations quiet.ipynb has
    editor = page.locator(f"{VISIBLE_NOTEBOOK} .jp-Cell .cm-content").first
    editor.click()
    page.keyboard.type("abc")
    held.pop(0).continue_()  # "none": the sidebar starts a new conversation
    page.locator(f"{PANEL} .jck-empty").wait_for(state="visible")
    page.keyboard.type("def")  # where the focus is now
    assert page.locator(INPUT).input_value() == ""
    source = lab_page.notebook_js(
        "return app.shell.currentWidget.content.widgets[0].model.sharedModel.getSource();"
    )
    assert source == "abcdef"
    page.unroute(CHATKIT)


# It holds the chat's code on its first load in the page: a page of its own, where that
# code was never loaded.
@pytest.mark.fresh_page
def test_a_person_back_in_a_cell_keeps_the_keys_while_the_chat_loads(
    lab_page: LabPage, page: Any
) -> None:
    """The sidebar's chat code loads on first open (a lazy chunk). A person who opened it
    and went back to a cell to type before it came keeps typing there: the composer
    takes the focus when it appears only if the person did nothing else meanwhile."""
    lab_page.server.write_notebook("typing.ipynb", [""])
    lab_page.open("typing.ipynb")
    held: list[Any] = []
    holding = True

    def hold_chunk(route: Any) -> None:
        if holding:
            held.append(route)
        else:
            route.continue_()

    page.route("**/lab/extensions/jupyter-chatkit/static/*.js*", hold_chunk)
    lab_page.command("jupyter-chatkit:open")
    wait_held(page, held)  # the chat's code is on its way
    page.locator(f"{VISIBLE_NOTEBOOK} .jp-Cell .cm-content").first.click()
    page.keyboard.type("abc")
    holding = False
    for route in held:
        route.continue_()
    page.locator(INPUT).wait_for(state="visible")
    # The composer's focus comes in the frame after the chat is made: let two pass.
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.keyboard.type("def")
    assert page.locator(INPUT).input_value() == ""
    source = lab_page.notebook_js(
        "return app.shell.currentWidget.content.widgets[0].model.sharedModel.getSource();"
    )
    assert source == "abcdef"
    # Opened with nothing done meanwhile, the composer has the keyboard (as before).
    page.unroute("**/lab/extensions/jupyter-chatkit/static/*.js*")
    lab_page.command("jupyter-chatkit:open")
    page.wait_for_function(
        "(sel) => document.activeElement === document.querySelector(sel)", arg=INPUT
    )


def test_a_sidebar_opened_while_the_workspace_restores_stays_open(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    """A person who opens the assistant and asks while JupyterLab is still restoring the
    workspace (its saved layout has the right sidebar collapsed) keeps the sidebar open:
    the restored layout, applied after, no longer collapses it under their question."""
    lab_page.server.write_notebook("restoring.ipynb", ["a = 1"])
    lab_page.open("restoring.ipynb")
    workspace = page.url.split("/lab/workspaces/")[1].split("/")[0]
    # The workspace is saved with the notebook open and the right sidebar collapsed.
    page.wait_for_function(
        """async (ws) => { const base = JSON.parse(document.getElementById(
             'jupyter-config-data').textContent).baseUrl;
           const r = await fetch(`${base}lab/api/workspaces/${ws}`);
           const data = (await r.json()).data || {};
           return JSON.stringify(data).includes('restoring.ipynb'); }""",
        arg=workspace,
        polling=200,
    )
    held: list[Any] = []
    holding = True

    def hold_workspace(route: Any) -> None:
        if holding and route.request.method == "GET":
            held.append(route)
        else:
            route.continue_()

    workspaces = "**/lab/api/workspaces/**"
    page.route(workspaces, hold_workspace)
    page.reload()
    wait_held(page, held)  # the saved layout is on its way: JupyterLab is restoring
    page.wait_for_function(
        "() => !!window.jupyterapp"
        " && window.jupyterapp.commands.hasCommand('jupyter-chatkit:open')",
        timeout=60_000,
    )
    assert (
        page.evaluate(
            "() => Promise.race([window.jupyterapp.restored.then(() => true),"
            " new Promise((r) => setTimeout(() => r(false), 0))])"
        )
        is False
    )
    scripted_llm.script(Reply("Asked while restoring."))
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="visible")
    page.locator(INPUT).fill("hi while restoring")
    page.locator(INPUT).press("Enter")
    # Answered while the layout is still held: its conversation has no notebook yet.
    answer = page.locator(f"{PANEL} .jck-msg.jck-assistant", has_text="Asked while restoring.")
    answer.wait_for(state="visible", timeout=60_000)
    holding = False
    for route in held:
        route.continue_()
    page.evaluate("() => window.jupyterapp.restored")
    # The restored notebook attaches to the sidebar (it has no conversation of its own).
    page.locator(f"{PANEL} .jp-chatkit-notebook-name", has_text="restoring.ipynb").wait_for(
        state="attached", timeout=60_000
    )
    # The sidebar then asks the server for the notebook's conversations (none) and either
    # keeps the one on screen for this notebook (remembered) or starts a new, empty one.
    page.wait_for_function(
        """(sel) => !!document.querySelector(sel)?.checkVisibility()
          || Object.entries(localStorage).some(([k, v]) => v.includes('restoring.ipynb')
               && k.startsWith('jupyter-chatkit:notebook-threads:'))""",
        arg=f"{PANEL} .jck-empty",
        timeout=60_000,
    )
    # Before: the restored layout collapsed the right sidebar again, the question hidden;
    # then the notebook attaching cleared the conversation for a new, empty one.
    assert page.locator(INPUT).is_visible()
    assert not page.locator(f"{PANEL} .jck-empty").is_visible()
    assert answer.is_visible()
    page.unroute(workspaces)


def test_a_conversation_taken_up_by_a_notebook_is_its_in_another_browser(
    lab_page: LabPage, page: Any, browser: Any, scripted_llm: FakeLLM
) -> None:
    """Asked in the sidebar with no notebook open, then a notebook opened: the notebook
    takes the conversation up, on the server too, so another browser (nothing in its
    localStorage) opening that notebook shows it (before: only this browser knew)."""
    lab_page.server.write_notebook("later.ipynb", ["x = 1"])
    lab_page.open()
    open_panel(page)
    scripted_llm.script(Reply("Asked before any notebook."))
    send(page, "a question with no notebook open")
    page.evaluate(
        "() => window.jupyterapp.commands.execute('docmanager:open', {path: 'later.ipynb'})"
    )
    page.locator(f"{PANEL} .jp-chatkit-notebook-name", has_text="later.ipynb").wait_for(
        state="attached", timeout=60_000
    )
    # Taken up here: the question is still on screen.
    page.locator(f"{PANEL} .jck-msg.jck-user", has_text="a question with no notebook").wait_for()
    # The server lists it under the notebook (the sidebar tells it after the attach).
    page.wait_for_function(
        """async () => { const cfg = JSON.parse(document.getElementById(
             'jupyter-config-data').textContent);
           const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '';
           const r = await fetch(`${cfg.baseUrl}jupyter-chatkit/chatkit`, {method: 'POST',
             headers: {'Content-Type': 'application/json', 'X-XSRFToken': xsrf},
             body: JSON.stringify({type: 'threads.list', params: {limit: 5},
                                   metadata: {notebook: 'later.ipynb'}})});
           return (await r.json()).data.length === 1; }""",
        polling=250,
        timeout=30_000,
    )
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        other = context.new_page()
        elsewhere = LabPage(other, lab_page.server)
        elsewhere.open("later.ipynb")
        open_panel(other)
        other.locator(
            f"{PANEL} .jck-msg.jck-assistant", has_text="Asked before any notebook."
        ).wait_for(timeout=30_000)
    finally:
        context.close()
