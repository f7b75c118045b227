"""Agent mode's Undo when things go wrong, and the sidebar header, in a real JupyterLab.

An undo the server cannot record puts the changes back and is offered again; a step
Undo left alone stays refused after a reload; a step whose change a reload without
saving lost says so on its card, with no Undo offered for it. The header's long names
are cut with an ellipsis and shown whole on hover; a first turn stopped early shows its
title at once. Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.fixtures.agent_steps import (
    STEP,
    ask,
    insert_and_edit,
    reopen,
    statuses_are,
    waiting,
)
from tests.fixtures.browser import ASSISTANT, PANEL, LabPage, open_panel, wait_answer, wait_idle
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One kept JupyterLab page for the module's lab_page tests (tests/fixtures/lab_reuse.py).
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the modules of this SHARED_LAB
# (tests/fixtures/shared_labs.py): a lab start and a page load fewer each.
SHARED_LAB = "agent"
# Notebook 7's pages come from the group's JupyterLab too (its notebook server extension):
# test_widget_notebook_browser.py's Notebook 7 test.
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]

UNDO = f"{PANEL} .jck-agent-undo"
NOTEBOOK_CELLS = (
    "() => [...window.jupyterapp.shell.widgets('main')].find(w => w.sessionContext)"
    ".content.widgets.map(c => c.model.sharedModel.getSource())"
)


def check_undone(lab_page: LabPage, page: Any, undo: Any) -> None:
    """After Undo of insert_and_edit's turn: both steps undone, the notebook as before,
    the chat at rest with no Undo left and no error."""
    statuses_are(page, "insert_cell", "undone")
    statuses_are(page, "edit_cell", "undone")
    assert lab_page.cell_sources() == ["x = 41", "print(x)"]
    wait_idle(page)
    assert undo.is_hidden()
    assert page.locator(f"{PANEL} .jck-error:not([hidden])").count() == 0


def test_undo_after_a_rename_and_a_reload_and_one_the_server_cannot_record(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The notebook renamed after the turn (its conversation follows it), then the page
    reloaded: Undo reverts the steps in the renamed notebook, rather than "Nothing
    reverted; 2 changes are in a notebook not open here (before_rename.ipynb)". An Undo
    the server cannot record first puts the changes back; once the server is back, Undo
    works.

    (One notebook, kernel and turn for what were two tests, each with its own.)
    """
    changed = insert_and_edit(lab_page, page, scripted_llm, "before_rename.ipynb")
    lab_page.notebook_js("await nb.context.save(); await nb.context.rename('after_rename.ipynb');")
    page.locator(f"{PANEL} .jck-chip", has_text="after_rename.ipynb").wait_for()
    wait_idle(page)

    undo = reopen(lab_page, page, changed)
    assert lab_page.notebook_js("return nb.context.path;") == "after_rename.ipynb"
    inserted_id = lab_page.notebook_js("return nb.content.widgets[2].model.id;")

    # The server is unreachable for the undo's record (the network drops it).
    def drop_undo(route: Any) -> None:
        if '"agent.undo"' in (route.request.post_data or ""):
            route.abort("connectionrefused")
        else:
            route.continue_()

    page.route("**/jupyter-chatkit/chatkit", drop_undo)
    undo.wait_for(state="visible", timeout=30_000)
    undo.click()
    error = page.locator(f"{PANEL} .jck-error:not([hidden])")
    error.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    # The notebook is as before the click: the inserted cell back (same id), the edit kept.
    assert page.evaluate(NOTEBOOK_CELLS) == changed
    assert lab_page.notebook_js("return nb.content.widgets[2].model.id;") == inserted_id
    # A readable message, no Retry (it would record an undo of changes that are back),
    # and Undo offered again; the cards do not say Undone.
    text = error.inner_text()
    assert "Undo could not be saved" in text and "Traceback" not in text, text
    assert error.locator("button").count() == 0
    undo.wait_for(state="visible", timeout=10_000)
    statuses_are(page, "insert_cell", "applied")
    statuses_are(page, "edit_cell", "applied")
    screenshot(page, "undo-not-saved-changes-back")

    # The server is back: Undo works (in the renamed notebook) and is recorded.
    page.unroute("**/jupyter-chatkit/chatkit")
    undo.click()
    check_undone(lab_page, page, undo)
    screenshot(page, "undone-after-rename-and-reload")


def test_a_changed_cell_stays_kept_after_a_reload_and_an_unsaved_change_is_gone(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    insert_and_edit(lab_page, page, scripted_llm, "undo_kept.ipynb")
    # The person changes the agent's inserted cell, then clicks Undo: the edit is
    # reverted, the changed cell kept.
    lab_page.notebook_js("nb.content.widgets[2].model.sharedModel.setSource('z = 2  # mine');")
    undo = page.locator(UNDO)
    undo.wait_for(state="visible")
    undo.click()
    statuses_are(page, "insert_cell", "kept")
    statuses_are(page, "edit_cell", "undone")
    wait_idle(page)
    assert lab_page.cell_sources() == ["x = 41", "print(x)", "z = 2  # mine"]
    lab_page.notebook_js("await nb.context.save();")

    # After a reload the step is still refused: its card says kept (and why), no Undo.
    lab_page.reload()
    open_panel(page)
    page.locator(STEP).nth(1).wait_for(state="visible", timeout=30_000)
    statuses_are(page, "insert_cell", "kept")
    statuses_are(page, "edit_cell", "undone")
    assert page.locator(f'{STEP}[data-step="insert_cell"] .jck-step-no-undo').count() == 1
    assert undo.is_hidden()
    screenshot(page, "kept-after-reload")

    # A change lost by a reload without saving: its card says so (not "Done"), and no
    # Undo claims to revert it.
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("insert_cell", {"source": "w = 3", "after": 2})]),
        Reply("Added w."),
    )
    ask(page, "add w")
    waiting(page, "insert_cell", 1).locator(".jck-step-approve").click()
    wait_answer(page, "Added w.")
    assert lab_page.cell_sources()[-1] == "w = 3"
    lab_page.notebook_js("nb.context.model.dirty = false;")  # leave without saving
    lab_page.reload()
    assert lab_page.cell_sources() == ["x = 41", "print(x)", "z = 2  # mine"]
    open_panel(page)
    card = page.locator(f'{STEP}[data-step="insert_cell"]').nth(1)
    card.wait_for(state="visible", timeout=30_000)
    page.wait_for_function(
        "(el) => el.getAttribute('data-status') === 'gone'", arg=card.element_handle()
    )
    assert card.locator(".jck-step-gone-note").count() == 1
    wait_idle(page)
    assert undo.is_hidden()
    screenshot(page, "unsaved-change-gone")


def test_a_change_another_tab_holds_unsaved_is_not_gone_there(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Two tabs of one browser on a notebook (no collaboration: each loads its file): the
    steps tab 1 applied and has not saved are not in tab 2's copy, but not gone either:
    tab 2's cards say Done, not "No longer in the notebook", and that the change is in
    another tab's copy, with no Undo here. Once tab 1 closes the notebook without saving,
    they are gone, and tab 2 says so."""
    insert_and_edit(lab_page, page, scripted_llm, "two_tabs.ipynb")
    other = page.context.new_page()
    try:
        other.set_default_timeout(30_000)
        second = LabPage(other, lab_page.server)
        second.open("two_tabs.ipynb")
        assert second.cell_sources() == ["x = 41", "print(x)"], "the file, as saved"
        open_panel(other)
        other.locator(STEP).nth(1).wait_for(state="visible")
        wait_idle(other)
        for name in ("insert_cell", "edit_cell"):
            card = other.locator(f'{STEP}[data-step="{name}"]')
            assert card.get_attribute("data-status") == "applied", name
            assert card.locator(".jck-step-gone-note").count() == 0, name
            # It says where the change is; no Undo here, which has nothing to revert.
            assert card.locator(".jck-step-held-note").count() == 1, name
        assert other.locator(UNDO).is_hidden()
        screenshot(other, "held-in-another-tab")
        # Tab 1 closes the notebook, its changes discarded: gone for tab 2 now.
        lab_page.notebook_js("nb.context.model.dirty = false; nb.dispose();")
        statuses_are(other, "insert_cell", "gone")
        statuses_are(other, "edit_cell", "gone")
        screenshot(other, "gone-once-closed-in-the-other-tab")
    finally:
        other.close()


def test_the_header_cuts_long_names_and_shows_them_whole_on_hover(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    name = "a_notebook_with_a_rather_long_name_for_the_quarterly_sales_review.ipynb"
    lab_page.server.write_notebook(name, ["x = 1"])
    lab_page.open(name)
    open_panel(page)
    scripted_llm.script(Reply("Sure."))
    title = "summarize the quarterly sales by region and product line"
    ask(page, f"{title} for the board meeting next week please")
    wait_answer(page, "Sure.")
    for width in (400, 320):  # 320: about the narrowest JupyterLab lets a sidebar be
        # A narrow sidebar: drag the handle between the notebook and the sidebar.
        box = page.locator(PANEL).bounding_box()
        handle_x = box["x"] - 2
        page.mouse.move(handle_x, box["y"] + 200)
        page.mouse.down()
        page.mouse.move(handle_x + (box["width"] - width), box["y"] + 200, steps=5)
        page.mouse.up()
        page.wait_for_function(
            "([sel, w]) => Math.abs(document.querySelector(sel).offsetWidth - w) < 30",
            arg=[PANEL, width],
        )
        cut = page.evaluate(
            """(panel) => [
                 panel + ' .jck-subtitle', panel + ' .jp-chatkit-context',
               ].map((sel) => {
                 const el = document.querySelector(sel);
                 const style = getComputedStyle(el);
                 return { sel, title: el.title, cut: el.scrollWidth > el.clientWidth,
                          ellipsis: style.textOverflow, text: el.textContent };
               })""",
            PANEL,
        )
        subtitle, context = cut
        # Whole on hover, cut or not; in the narrowest sidebar both are cut, with an ellipsis.
        assert subtitle["title"] == subtitle["text"] and subtitle["title"].startswith(
            "summarize the quarterly"
        ), subtitle
        assert context["title"].endswith(name), context
        assert context["cut"] and context["ellipsis"] == "ellipsis", context
        if width < 360:
            assert subtitle["cut"] and subtitle["ellipsis"] == "ellipsis", subtitle
        # Nothing of the header spills out of the sidebar: its bars, and the buttons at
        # their end stay in view (the cut names are clipped inside their boxes); the
        # answer's read line wraps the long name.
        overflow = page.evaluate(
            """(panel) => { const p = document.querySelector(panel).getBoundingClientRect();
                 return [...document.querySelectorAll(panel + ' .jck-header, '
                   + panel + ' .jck-header-tools button, ' + panel + ' .jp-chatkit-contextbar, '
                   + panel + ' .jp-chatkit-context, ' + panel + ' .jck-subtitle, '
                   + panel + ' .jck-readline > *')]
                   .filter((e) => e.getBoundingClientRect().right > p.right + 0.5)
                   .map((e) => e.className); }""",
            PANEL,
        )
        assert overflow == [], overflow
        screenshot(page, f"header-{width}px")


def test_a_stopped_first_turn_shows_its_title_at_once(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    # The sidebar's chat with no notebook open: the title comes from the message alone
    # (a notebook's kernel would be started for nothing).
    lab_page.open()
    open_panel(page)
    # An answer that streams for a long while, stopped as it starts.
    scripted_llm.token_delay = 0.1
    scripted_llm.script(Reply(" ".join(f"word{i}" for i in range(400)), chunk_chars=10))
    ask(page, "talk about the sales for a while please")
    page.wait_for_function(
        "(sel) => [...document.querySelectorAll(sel)].some((a) => a.innerText.includes('word1'))",
        arg=ASSISTANT,
    )
    page.get_by_role("button", name="Stop answering").click()
    wait_idle(page)
    scripted_llm.token_delay = 0.0
    # The title is in the header now, not only after a reload.
    subtitle = page.locator(f"{PANEL} .jck-subtitle")
    assert subtitle.is_visible()
    assert subtitle.inner_text() == "talk about the sales for a"
    screenshot(page, "stopped-with-title")
