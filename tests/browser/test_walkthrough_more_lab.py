"""More of a new user's paths through JupyterLab (see test_walkthrough_lab.py).

Each test follows one path as a person would against a real JupyterLab on the module's
fake model, and checks what the page shows. Screenshots land in
``test-output/<test name>/``.

Keyboard focus races in JupyterLab: the sidebar never takes keys a person types
elsewhere. Network answers the race depends on are held with ``page.route`` and released
by the test, so the order (person types, then the late answer lands) is the same on any
machine.

The last tests run the chat bundle (js/src) on a bare page, against the module's
jupyter-chatkit endpoint (they share its server). The page is ``js/test/page/e2e.ts``,
bundled here with esbuild and answered by the test under the server's origin (so
Jupyter's auth applies, as for any page of the server); every other request goes to the
real JupyterLab server. Both ways a browser page authenticates are covered: the token
header, and the login cookie with the XSRF token.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import (
    ASSISTANT,
    CHIP,
    INPUT,
    PANEL,
    REPO,
    USER,
    JupyterServer,
    LabPage,
    open_panel,
    send,
    user_texts,
    wait_idle,
)
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the modules of this SHARED_LAB
# (tests/fixtures/shared_labs.py): a lab start and a page load fewer each.
SHARED_LAB = "walkthrough"
# The group's JupyterLab serves Notebook 7's pages too (the notebook server extension),
# its app exposed there as in JupyterLab: test_notebook7.py's server.
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]

# What a person sees of an element: its colours, border and outline as the page paints
# them (in forced-colours mode, the system's colours the browser put in place).
LOOK = """(el) => { const s = getComputedStyle(el);
  return [s.backgroundColor, s.color, s.borderTopColor, s.borderTopWidth,
          s.outlineStyle, s.outlineColor].join(' '); }"""


def test_states_stay_visible_in_forced_colors(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """With Windows high contrast (forced colours) the chosen mode and a pinned chip show.

    Forced colours replace backgrounds and brand colours with the system's, so a state
    shown only by them (Ask highlighted, a pinned chip's coloured border) looked like
    its opposite.
    """
    lab_page.server.write_notebook("contrast.ipynb", ["x = 1"])
    lab_page.open("contrast.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("An answer."))
    send(page, "hello")
    page.emulate_media(forced_colors="active")
    ask = page.locator(f"{PANEL} .jck-mode-btn.jck-mode-ask")
    agent = page.locator(f"{PANEL} .jck-mode-btn.jck-mode-agent")
    assert ask.get_attribute("aria-pressed") == "true"
    assert ask.evaluate(LOOK) != agent.evaluate(LOOK)

    chips = page.locator(CHIP)
    chips.nth(1).wait_for()
    # The Pin button shows a pin, not the "+" of New conversation (it read as "add").
    shape = "(el) => el.querySelector('svg path')?.getAttribute('d')"
    pin_shape = chips.nth(0).locator(".jck-chip-pin").evaluate(shape)
    new_shape = page.locator(f"{PANEL} button[aria-label='New conversation']").evaluate(shape)
    assert pin_shape and pin_shape != new_shape
    chips.nth(0).locator(".jck-chip-pin").click()
    pinned = page.locator(f"{PANEL} .jck-chip.jck-chip-pinned")
    pinned.wait_for()
    plain = page.locator(f"{PANEL} .jck-chip:not(.jck-chip-pinned)").first
    assert pinned.evaluate(LOOK) != plain.evaluate(LOOK)

    good = page.locator(f"{PANEL} .jck-msg.jck-assistant button[aria-label='Good answer']")
    bad = page.locator(f"{PANEL} .jck-msg.jck-assistant button[aria-label='Bad answer']")
    good.click()
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'true'",
        arg=f"{PANEL} .jck-msg.jck-assistant button[aria-label='Good answer']",
    )
    good.blur()
    assert good.evaluate(LOOK) != bad.evaluate(LOOK)
    screenshot(page, "forced-colors")
    page.emulate_media(forced_colors="none")

    # A cell pinned here, then another notebook current: the pin stays (kept on purpose)
    # and names its notebook, in the chip and in what the answer says it read (before:
    # "cell 1" beside the other notebook's "cell 1", "Read: cell 1 · other.ipynb"). The
    # other has the same file name in a folder: each is named by as much of its path as
    # tells them apart (before: both "contrast.ipynb", the second's tag dropped).
    page.locator(CHIP, has_text="cell 1").locator(".jck-chip-pin").click()
    (lab_page.server.root_dir / "sub").mkdir(exist_ok=True)
    lab_page.server.write_notebook("sub/contrast.ipynb", ["y = 2"])
    # Opened in the same page (a second lab_page.open loads JupyterLab anew).
    page.evaluate(
        "(path) => window.jupyterapp.commands.execute('docmanager:open', {path})",
        "sub/contrast.ipynb",
    )
    labels = page.locator(f"{CHIP} .jck-chip-label")
    page.wait_for_function(
        "(sel) => [...document.querySelectorAll(sel)]"
        ".some((e) => e.textContent === 'sub/contrast.ipynb')",
        arg=f"{CHIP} .jck-chip-label",
        timeout=30_000,
    )
    shown = labels.all_inner_texts()
    assert shown == ["/contrast.ipynb", "/contrast.ipynb: cell 1", "sub/contrast.ipynb", "cell 1"]
    scripted_llm.script(Reply("Both read."))
    send(page, "compare the two")
    read = page.locator(f"{ASSISTANT} .jck-readline").last
    read.wait_for(timeout=30_000)
    screenshot(page, "pin-from-another-notebook")
    assert all(label in read.inner_text() for label in shown), read.inner_text()


def test_insert_and_run_in_a_notebook_without_a_kernel_asks_for_one_and_runs(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """Insert & run with "No Kernel" chosen does what JupyterLab's Run does: asks, runs.

    It inserted the cell, said "Inserted below and running." and nothing ran (and no
    kernel was asked for).
    """
    # No kernelspec in its metadata: JupyterLab asks which kernel; the person says none.
    nb = {"cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "outputs": [],
                     "execution_count": None, "source": "x = 1"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    (lab_page.server.root_dir / "nokernel.ipynb").write_text(json.dumps(nb))
    # Opened in the page as loaded (the kept one: no load of its own); JupyterLab asks
    # at the open, as it does when a load opens it.
    lab_page.open()
    page.evaluate(
        "(path) => { void window.jupyterapp.commands.execute('docmanager:open', {path}); }",
        "nokernel.ipynb",
    )
    page.locator(".jp-Dialog button", has_text="No Kernel").last.click()
    page.locator(".jp-Dialog").wait_for(state="detached")
    page.wait_for_function(
        "() => [...window.jupyterapp.shell.widgets('main')]"
        ".some(w => w.sessionContext && w.context.isReady && w.sessionContext.hasNoKernel)"
    )
    open_panel(page)
    scripted_llm.script(Reply("Run this:\n\n```python\nprint('ran' + 'here')\n```\n"))
    send(page, "code please")
    page.locator(ASSISTANT).last.locator("button", has_text="Insert & run").click()
    # JupyterLab's own question, as for Shift+Enter; the person picks Python.
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    dialog.wait_for()
    screenshot(page, "asked-for-a-kernel")
    dialog.locator("button.jp-mod-accept").click()
    page.locator(".jp-Cell .jp-OutputArea-output", has_text="ranhere").wait_for(timeout=60_000)
    assert lab_page.cell_sources() == ["x = 1", "print('ran' + 'here')"]
    # What the chat said was what happened: not "running" while nothing could run.
    status = page.locator(f"{PANEL} .jck-toast").last.inner_text()
    assert "kernel" in status, status
    screenshot(page, "ran")


# The conversations this browser remembers (tests/fixtures/lab_reuse.py clears them too).
THREAD_KEYS = """() => Object.keys(localStorage).filter((k) =>
  k.startsWith('jupyter-chatkit:') && k.includes('thread'))"""


@pytest.fixture
def other_browser_page(_active_browser: Any) -> Iterator[Any]:
    """A page of another browser than the kept page's: the worker's ``page`` Chromium
    (tests/fixtures/browser.py), a process and profile of its own, no storage, cookies or
    tabs shared with the kept page's. Its storage, cookies and pages are cleared after the
    test, as after a ``page`` test. (A second Chromium launched for this test alone, an
    incognito context with cold caches, cost a launch and a colder load.)"""
    pg = _active_browser.context().new_page()
    try:
        yield pg
    finally:
        _active_browser.clear()


def test_a_turn_sent_from_another_browser_shows_unasked(
    lab_page: LabPage,
    page: Any,
    other_browser_page: Any,
    scripted_llm: FakeLLM,
    screenshot: Any,
) -> None:
    """Two browsers on one notebook's conversation: neither hides a turn the model read.

    B (a second browser: no local memory) opening the notebook shows its conversation,
    question and answer. Browser A's next answer streamed in after its stale view, so
    B's question and answer stayed off A's screen (until a reload) while the model had
    read them. Then A showed them only at its own next message; now as soon as B's turn
    ends, the server telling A's page (Turn.CHANGES: no tab of A's browser heard it).

    (It was two tests, each with its second browser's page load and kernel.)
    """
    lab_page.server.write_notebook("two.ipynb", ["x = 1"])
    lab_page.open("two.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("The first answer."))
    send(page, "first question")

    other_page = other_browser_page
    try:
        other_page.set_default_timeout(30_000)
        LabPage(other_page, lab_page.server).open("two.ipynb")
        # B remembers none of A's conversations: what it shows, the server gave it.
        assert other_page.evaluate(THREAD_KEYS) == []
        open_panel(other_page)
        other_page.locator(ASSISTANT, has_text="The first answer.").wait_for()
        assert "first question" in other_page.locator(USER).first.inner_text()
        screenshot(other_page, "second-browser")
        scripted_llm.script(Reply("The answer B got."))
        send(other_page, "question from B")
        # A shows it without sending anything.
        page.locator(USER, has_text="question from B").wait_for()
        page.locator(ASSISTANT, has_text="The answer B got.").wait_for()
        wait_idle(page)
        screenshot(page, "browser-a-unasked")
    finally:
        other_page.close()

    scripted_llm.script(Reply("The answer A got."))
    send(page, "question from A")
    assert any("question from B" in t for t in user_texts(scripted_llm))  # the model read it
    page.locator(ASSISTANT, has_text="The answer B got.").wait_for()
    answers = [t.split("\n")[0] for t in page.locator(ASSISTANT).all_inner_texts()]
    assert answers == ["The first answer.", "The answer B got.", "The answer A got."], answers
    questions = page.locator(USER).all_inner_texts()
    assert [q.split("two.ipynb")[0].strip() for q in questions] == [
        "first question",
        "question from B",
        "question from A",
    ], questions
    screenshot(page, "browser-a")


def test_a_turn_sent_in_another_tab_shows_live_in_this_one(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """Two tabs of one browser on a notebook's conversation: a turn sent in one shows in
    the other while it runs (before: only after the other tab's own next message)."""
    lab_page.server.write_notebook("tabs.ipynb", ["x = 1"])
    lab_page.open("tabs.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("The first answer."))
    send(page, "first question")
    other = page.context.new_page()
    try:
        other.set_default_timeout(30_000)
        LabPage(other, lab_page.server).open("tabs.ipynb")
        open_panel(other)
        other.locator(ASSISTANT, has_text="The first answer.").wait_for()
        scripted_llm.script(Reply("The answer the other tab got."))
        send(other, "question from the other tab")
        # This tab shows it without sending anything.
        page.locator(USER, has_text="question from the other tab").wait_for()
        page.locator(ASSISTANT, has_text="The answer the other tab got.").wait_for()
        screenshot(page, "first-tab")
    finally:
        other.close()
    answers = [t.split("\n")[0] for t in page.locator(ASSISTANT).all_inner_texts()]
    assert answers == ["The first answer.", "The answer the other tab got."], answers
    assert len(scripted_llm.requests) == 2  # followed, not asked again


def test_insert_into_a_read_only_notebook_says_so_and_copies(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """A notebook JupyterLab holds read-only: Insert copies the code and says why.

    It said "cell insertion needs the JupyterLab extension", which is there.
    """
    lab_page.server.write_notebook("locked.ipynb", ["x = 1"])
    lab_page.open("locked.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("Try:\n\n```python\nprint('locked')\n```\n"))
    send(page, "code please")
    # What a read-only share (e.g. a collaborator without write access) makes of it.
    lab_page.notebook_js("nb.content.model.readOnly = true;")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator(ASSISTANT).last.locator("button", has_text="Insert").first.click()
    toast = page.locator(f"{PANEL} .jck-toast", has_text="read-only")
    toast.wait_for()
    screenshot(page, "read-only")
    assert "extension" not in toast.inner_text()
    assert lab_page.cell_sources() == ["x = 1"]
    assert page.evaluate("() => navigator.clipboard.readText()") == "print('locked')"


# -- keyboard focus races ----------------------------------------------------------------

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
    the restored layout, applied after, no longer collapses it under their question.
    They asked on the launcher before: the sidebar opened while restoring shows that
    conversation of no notebook again, and the question goes there; the restored notebook
    takes it up, on screen (before: a new, empty conversation showed, as in run 73)."""
    # Asked on the launcher: remembered as the conversation of no notebook.
    lab_page.open()
    open_panel(page)
    scripted_llm.script(Reply("Asked on the launcher."))
    send(page, "hi from the launcher")
    page.wait_for_function(
        "() => Object.keys(localStorage).some((k) =>"
        " k.startsWith('jupyter-chatkit:no-notebook-thread:'))"
    )
    page.evaluate("() => window.jupyterapp.shell.collapseRight()")
    lab_page.server.write_notebook("restoring.ipynb", ["a = 1"])
    # Opened in this page (a second lab_page.open loads JupyterLab anew, a load the
    # reload below makes anyway): the workspace saved is this page's.
    page.evaluate(
        "async (path) => { const w = await window.jupyterapp.commands.execute("
        "'docmanager:open', {path}); await w.context.ready; }",
        "restoring.ipynb",
    )
    lab_page.wait_for_kernel_idle()
    workspace = page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).workspace"
    )
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
    # The launcher's conversation is back (the last one of no notebook).
    page.locator(USER, has_text="hi from the launcher").wait_for(timeout=30_000)
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
    assert page.locator(USER, has_text="hi from the launcher").is_visible()
    # The notebook's now: no longer the conversation of no notebook.
    assert not page.evaluate(
        "() => Object.keys(localStorage).some((k) =>"
        " k.startsWith('jupyter-chatkit:no-notebook-thread:'))"
    )
    page.unroute(workspaces)


def test_a_conversation_asked_with_no_notebook_open_stays_of_none(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """Asked in the sidebar with no notebook open, then a notebook opened: the notebook
    shows a conversation of its own, and the server lists none under it (before: the
    notebook took the question up as its conversation). Closed again, the bar says no
    notebook is open and the question is back: header, conversation and the next
    message agree (before: the closed notebook's conversation stayed under "No notebook
    open", where the next message went). The notebook's conversation picked from the
    history then: the bar, still saying no notebook is open, names it."""
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
    page.locator(f"{PANEL} .jck-empty").wait_for(state="visible", timeout=30_000)
    assert page.locator(USER, has_text="a question with no notebook").count() == 0
    screenshot(page, "notebook-opened")
    listed = page.evaluate(
        """async () => { const cfg = JSON.parse(document.getElementById(
             'jupyter-config-data').textContent);
           const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '';
           const r = await fetch(`${cfg.baseUrl}jupyter-chatkit/chatkit`, {method: 'POST',
             headers: {'Content-Type': 'application/json', 'X-XSRFToken': xsrf},
             body: JSON.stringify({type: 'threads.list', params: {limit: 5},
                                   metadata: {notebook: 'later.ipynb'}})});
           return (await r.json()).data.length; }"""
    )
    assert listed == 0
    scripted_llm.script(Reply("Asked in the notebook."))
    send(page, "a question in later")
    # Closed (disposed: closing asks whether to save): no notebook, the question back.
    page.evaluate("() => [...window.jupyterapp.shell.widgets('main')].forEach(w => w.dispose())")
    bar = page.locator(f"{PANEL} .jp-chatkit-context.jp-mod-detached")
    bar.wait_for(timeout=30_000)
    page.locator(USER, has_text="a question with no notebook").wait_for(timeout=30_000)
    assert bar.locator(".jp-chatkit-notebook-name").count() == 0
    screenshot(page, "notebook-closed")
    # later.ipynb's conversation picked from the history: still no notebook open (its
    # cells unseen), and the bar says whose conversation this is.
    page.locator(f"{PANEL} [aria-label='Conversation history']").first.click()
    row = page.locator(f"{PANEL} .jck-history-row", has_text="later.ipynb")
    row.locator(".jck-history-title").click()
    page.locator(USER, has_text="a question in later").wait_for(timeout=30_000)
    named = bar.locator(".jp-chatkit-notebook-name")
    named.wait_for(timeout=30_000)
    assert named.inner_text() == "later.ipynb"
    assert named.get_attribute("title") == "later.ipynb"
    assert "No notebook open" in bar.inner_text()
    screenshot(page, "notebook-conversation-picked")


# -- the chat bundle on a bare page (js/test/page/e2e.ts) ----------------------------------

HTML = """<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="e2e.css">
</head><body><div id="host" style="height:700px;width:800px"></div>
<script type="module" src="e2e.js"></script></body></html>"""
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}


@pytest.fixture(scope="module")
def e2e_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page and its bundle, built from the sources as they are now."""
    out = tmp_path_factory.mktemp("e2e")
    esbuild = REPO / "js" / "node_modules" / ".bin" / "esbuild"
    assert esbuild.exists(), "the JS dependencies are not installed: npm --prefix js install"
    subprocess.run(
        [str(esbuild), "test/page/e2e.ts", "--bundle", "--format=esm", "--target=es2020",
         f"--outdir={out}", "--loader:.sse=text", "--log-level=warning"],
        cwd=REPO / "js",
        check=True,
        timeout=120,
    )  # fmt: skip
    (out / "e2e.html").write_text(HTML, encoding="utf-8")
    return out


@pytest.mark.parametrize("auth", ["token", "cookie"])
def test_the_chat_bundle_talks_to_the_real_endpoint(
    auth: str,
    jupyter_lab: JupyterServer,
    scripted_llm: FakeLLM,
    page: Any,
    e2e_page: Path,
    screenshot: Callable[..., Path],
) -> None:
    code = "import pandas as pd\ndf = pd.read_csv('sales.csv')"
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": code, "title": "Load the CSV"})]),
        Reply("Loaded with read_csv."),
    )
    base = f"{jupyter_lab.origin}{jupyter_lab.base_url}"

    def serve(route: Any) -> None:
        path = e2e_page / route.request.url.split("/e2e/", 1)[1].split("?", 1)[0]
        if path.is_file():
            route.fulfill(status=200, body=path.read_bytes(), content_type=TYPES[path.suffix])
        else:
            route.fulfill(status=404, body=b"")

    page.route(f"{base}e2e/**", serve)
    if auth == "cookie":
        # A token in the URL logs in (auth cookie); the login page sets _xsrf.
        page.goto(jupyter_lab.url("api/status"))
        page.goto(f"{base}login")
        assert {"_xsrf"} <= {c["name"] for c in page.context.cookies()}
    page.goto(f"{base}e2e/e2e.html?token={jupyter_lab.token}&auth={auth}")
    page.wait_for_function("() => window.__health !== undefined")
    assert page.evaluate("window.__health") is True

    box = page.get_by_role("textbox", name="Message")
    box.fill("How do I load a CSV with pandas?")
    box.press("Enter")
    page.wait_for_function(
        "() => window.__answers.length || document.querySelector('.jck-error:not([hidden])')"
    )
    assert page.evaluate("document.querySelector('.jck-error:not([hidden])')") is None
    assert page.evaluate("window.__answers[0]") == "Loaded with read_csv."
    assert user_texts(scripted_llm, 0)[-1] == "How do I load a CSV with pandas?"

    # The card's Insert & run goes to the server (threads.custom_action), which answers
    # with a client effect the page turns into an insertion.
    page.get_by_role("button", name="Insert & run", exact=True).click()
    page.wait_for_function("() => window.__inserted.length === 1")
    assert page.evaluate("window.__inserted[0]") == {
        "code": code,
        "run": True,
        "position": "below",
    }
    screenshot(page, f"e2e-{auth}")
