"""The chat as people expect it (issue 11), in a real JupyterLab through real Chromium,
with the fake OpenAI-compatible server as the model. The same in Notebook 7:
test_chat_ux_notebook7.py; a message without an answer (failed, stopped, retried):
test_chat_ux_stops.py. These, test_answer_output_lab.py, test_mcp_lab.py and
test_widget_views_lab.py share one JupyterLab (serving Notebook 7's pages too), fake
model and kept page (``SHARED_LAB``; its set-up: tests/fixtures/chat_ux_lab.py).

Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.fixtures.browser import (
    ASSISTANT,
    INPUT,
    PANEL,
    LabPage,
    open_panel,
    scrolled_up_mid_answer,
    send,
    user_texts,
    wait_idle,
)

# The server set-up these modules share (JUPYTER_*: the shared lab is kept by it).
from tests.fixtures.chat_ux_lab import JUPYTER_EXTRA_ARGS, JUPYTER_EXTRA_ENV  # noqa: F401
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall
from tests.fixtures.lab_reuse import KeptLabPage
from tests.fixtures.magic_chat import SETUP, check_magic_answer, script_card

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the chat's modules (shared_labs.py).
SHARED_LAB = "chat_ux"

USER_MESSAGE = f"{PANEL} .jck-msg.jck-user[data-item-id]"
TABLE = (
    "| Region | Widget | Revenue | Quarter | Salesperson | Comment |\n"
    "|---|---|---|---|---|---|\n"
    "| Westphalia | Widgetmaker | 12 | Q3 | Wilhelmina | Extraordinary |\n"
)


def test_magic_answer_in_jupyterlab_and_the_widget_shows_it_live(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("magic.ipynb", [SETUP, "%chat what is in sales?", "# end"])
    lab_page.open("magic.ipynb")
    script_card(scripted_llm)
    check_magic_answer(lab_page, page, screenshot, "magic-answer-lab")
    # The kernel answered the model's tool call with the notebook's table.
    tool = next(m for m in scripted_llm.requests[1]["messages"] if m["role"] == "tool")
    assert "revenue" in tool["content"]

    # %chat shows the widget of the same conversation; a later %chat QUESTION streams
    # into it as well as into its own cell.
    lab_page.notebook_js(
        "const m = nb.content.model; m.sharedModel.insertCell(m.cells.length,"
        " {cell_type: 'code', source: '%chat'});"
        " nb.content.activeCellIndex = m.cells.length - 1;"
        " await window.jupyterapp.commands.execute('notebook:run-cell');"
    )
    widget = page.locator(".jck-widget-host .jck-chat")
    widget.wait_for(state="visible", timeout=60_000)
    widget.locator(".jck-msg.jck-assistant", has_text="Insert it below.").wait_for()
    scripted_llm.script(Reply("A second answer."))
    lab_page.notebook_js(
        "const m = nb.content.model; m.sharedModel.insertCell(m.cells.length,"
        " {cell_type: 'code', source: '%chat and then?'});"
        " nb.content.activeCellIndex = m.cells.length - 1;"
        " await window.jupyterapp.commands.execute('notebook:run-cell');"
    )
    shown = ".jck-msg.jck-user:not(.jck-pending-msg)"
    widget.locator(shown, has_text="and then?").wait_for(timeout=60_000)
    widget.locator(".jck-msg.jck-assistant", has_text="A second answer.").wait_for()
    screenshot(page, "widget-follows-the-magic")


# -- the sidebar: one set of card buttons, Replace with a diff, keys, edit, models ---------


def test_card_buttons_replace_with_a_diff_and_insert_counts(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("cards.ipynb", ["first = 1", "second = 2"])
    lab_page.open("cards.ipynb")
    lab_page.set_active_cell(1)
    open_panel(page)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": "x = 42", "title": "Set x"})]),
        Reply("Done."),
    )
    send(page, "set x")
    card = page.locator(f"{PANEL} .jck-widget").last
    card.wait_for()
    # One set of buttons: the card's own, plus Replace cell; no code-block bar.
    assert card.locator(".jck-code-bar").count() == 0
    labels = [b.inner_text().strip() for b in card.locator("button").all()]
    assert labels == ["Insert", "Insert & run", "Copy", "Replace cell"], labels
    screenshot(page, "card-one-set")

    # Replace cell shows the change first; Cancel leaves the cell alone.
    card.get_by_role("button", name="Replace the cell with this code").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for()
    assert "Replace cell 2?" in dialog.inner_text()
    assert dialog.locator(".jp-chatkit-diff-del").inner_text() == "- second = 2"
    assert dialog.locator(".jp-chatkit-diff-add").inner_text() == "+ x = 42"
    screenshot(page, "replace-diff")
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="detached")
    assert lab_page.cell_sources() == ["first = 1", "second = 2"]
    # Replace applies it as one undo step of the cell.
    card.get_by_role("button", name="Replace the cell with this code").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Replace the cell").click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[1]"
        ".model.sharedModel.getSource() === 'x = 42'"
    )
    lab_page.notebook_js("nb.content.widgets[1].model.sharedModel.undo();")
    assert lab_page.cell_sources() == ["first = 1", "second = 2"]

    # Insert, then Insert & run: the status counts each action on its own.
    lab_page.set_active_cell(1)
    card.get_by_role("button", name=re.compile(r"^Insert$")).click()
    card.get_by_text("✓ Inserted in the notebook").wait_for()
    card.get_by_role("button", name="Insert & run").click()
    card.get_by_text("✓ Inserted · Inserted and ran in the notebook").wait_for()
    assert "times" not in card.inner_text()


def test_keys_edit_regenerate_and_jump_to_latest(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("keys.ipynb", ["a = 1"])
    lab_page.open("keys.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("First answer."), Reply("Second answer."))
    send(page, "first question")
    send(page, "second question")
    box = page.locator(INPUT)

    # Accel+Shift+A closes the sidebar from its own composer too, where the focus is
    # after opening it: JupyterLab's Ctrl/Cmd chords pass the chat's key guard.
    box.click()
    page.keyboard.press("Control+Shift+A")
    box.wait_for(state="hidden")
    page.keyboard.press("Control+Shift+A")
    box.wait_for(state="visible")

    # Up in an empty composer recalls the last message.
    box.click()
    box.press("ArrowUp")
    assert box.input_value() == "second question"
    box.fill("")
    # Esc leaves the composer for the notebook.
    box.press("Escape")
    assert page.evaluate(
        "() => !!document.activeElement.closest('.jp-Notebook')"
        " && !document.activeElement.closest('#jupyter-chatkit-panel')"
    )
    # Accel+Shift+A from the notebook, the sidebar open: the keyboard goes to the chat
    # (VS Code's toggle); pressed again in the chat, it closes the sidebar, then opens it.
    page.keyboard.press("Control+Shift+A")
    page.wait_for_function(f"() => document.activeElement?.matches({INPUT!r})")
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="hidden")
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="visible")

    # Regenerate the last answer: the same question goes to the model again.
    scripted_llm.script(Reply("Regenerated answer."))
    last = page.locator(ASSISTANT).last
    last.hover()
    last.get_by_role("button", name="Regenerate this answer").click()
    page.locator(ASSISTANT, has_text="Regenerated answer.").wait_for()
    wait_idle(page)
    assert user_texts(scripted_llm)[-1] == "second question"
    assert page.locator(ASSISTANT, has_text="Second answer.").count() == 0

    # Edit the first message: it and everything after it are replaced.
    scripted_llm.script(Reply("Answer to the edit."))
    first = page.locator(USER_MESSAGE).first
    first.hover()
    first.get_by_role("button", name="Edit this message").click()
    editor = page.locator(f"{PANEL} .jck-edit-input")
    editor.fill("edited question")
    screenshot(page, "editing")
    editor.press("Enter")
    page.locator(ASSISTANT, has_text="Answer to the edit.").wait_for()
    wait_idle(page)
    assert user_texts(scripted_llm)[-1] == "edited question"
    assert "first question" not in str(scripted_llm.requests[-1]["messages"])
    users = page.locator(f"{PANEL} .jck-msg.jck-user:not(.jck-pending-msg)")
    # One message: the edited words, still with the context chips the original went with.
    assert users.count() == 1
    assert users.first.locator(".jck-bubble").evaluate("b => b.firstChild.textContent") == (
        "edited question"
    )
    assert users.first.locator(".jck-tag").count() > 0

    # While an answer streams and the person scrolled up: a "Jump to latest" button.
    jump = scrolled_up_mid_answer(page, scripted_llm, 400)
    screenshot(page, "jump-to-latest")
    jump.click()
    assert page.evaluate(
        "(sel) => { const s = document.querySelector(sel + ' .jck-scroll');"
        " return s.scrollHeight - s.scrollTop - s.clientHeight < 48; }",
        PANEL,
    )
    scripted_llm.token_delay = 0.0
    wait_idle(page)
    assert not jump.is_visible()


def test_rendering_in_the_sidebar_and_the_model_picker(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("render.ipynb", ["a = 1"])
    lab_page.open("render.ipynb")
    open_panel(page)
    box = page.locator(INPUT)
    line = page.evaluate(
        "(sel) => parseFloat(getComputedStyle(document.querySelector(sel)).lineHeight)", INPUT
    )
    # The empty box is as tall as the placeholder it shows (written in, as a value).
    shown = box.get_attribute("placeholder") or ""
    assert shown.startswith("Ask the assistant"), shown
    empty = box.evaluate("el => el.clientHeight")
    box.fill(shown)
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).value === text", arg=[INPUT, shown]
    )
    assert empty >= box.evaluate("el => el.clientHeight"), "placeholder cut"
    box.fill("")

    # The model picker lists the allowed models; the pick reaches the model.
    picker = page.locator(f"{PANEL} select.jck-model")
    picker.wait_for()
    assert [o.inner_text() for o in picker.locator("option").all()] == [
        "fake-model",
        "other-model",
    ]
    picker.select_option("other-model")
    scripted_llm.script(
        Reply(f"Here:\n\n{TABLE}\n[click me](javascript:alert(1)) and [ok](https://example.org)")
    )
    send(page, "table please")
    assert scripted_llm.requests[0]["model"] == "other-model"
    screenshot(page, "sidebar-table-and-picker")
    # In a narrow sidebar, tables scroll sideways instead of breaking words.
    page.evaluate(
        "(sel) => { const p = document.querySelector(sel); p.style.width = '320px';"
        " window.dispatchEvent(new Event('resize')); }",
        PANEL,
    )
    table = page.locator(f"{PANEL} .jck-md table")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth + 20"), "the table should scroll"
    cells = page.locator(f"{PANEL} .jck-md td").all()
    texts = [c.inner_text() for c in cells]
    assert "Westphalia" in texts and "Widgetmaker" in texts
    heights = [c.evaluate("el => el.getBoundingClientRect().height") for c in cells]
    assert max(heights) < 2 * line, heights
    screenshot(page, "narrow-table")
    # A refused link reads as text, not as a link.
    link = page.locator(f"{PANEL} .jck-md a", has_text="click me")
    assert link.get_attribute("href") is None
    colors = link.evaluate(
        "el => [getComputedStyle(el).color, getComputedStyle(el.parentElement).color,"
        " getComputedStyle(el).textDecorationLine]"
    )
    assert colors[0] == colors[1] and colors[2] == "none", colors
    # The panel back to the width JupyterLab gives it (forced wider than its sidebar,
    # its header ran under JupyterLab's right tab bar).
    page.evaluate(
        "(sel) => { document.querySelector(sel).style.width = '';"
        " window.dispatchEvent(new Event('resize')); }",
        PANEL,
    )
    # A title with Markdown in it (as models write them) shows as plain text.
    page.locator(f"{PANEL} button[aria-label='Conversation history']").click()
    row = page.locator(f"{PANEL} .jck-history-row").first
    row.get_by_role("button", name=re.compile("^Rename")).click()
    field = row.locator(".jck-history-input")
    field.fill("**Title** with `fences`")
    field.press("Enter")
    page.wait_for_function(
        "(sel) => document.querySelector(sel).textContent === 'Title with fences'",
        arg=f"{PANEL} .jck-subtitle",
    )
    assert row.locator(".jck-history-title").inner_text() == "Title with fences"
    page.locator(f"{PANEL} button[aria-label='Conversation history']").click()
    # The pick is kept per thread: a new thread starts on the default.
    page.locator(f"{PANEL} button[aria-label='New conversation']").click()
    assert picker.input_value() == "fake-model"
    page.locator(f"{PANEL} button[aria-label='Conversation history']").click()
    page.locator(f"{PANEL} .jck-history-title", has_text="Title with fences").click()
    page.wait_for_function(
        "(sel) => document.querySelector(sel).value === 'other-model'",
        arg=f"{PANEL} select.jck-model",
    )


def test_notebooks_of_one_name_in_two_folders_are_told_apart(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Two nb.ipynb in two folders: the chips said which folder, the "Attached to" bar
    and the history list only "nb.ipynb". All three now name as much of the path as
    tells them apart (one rule, ui/paths.ts)."""
    for folder in ("same_a", "same_b"):
        (lab_page.server.root_dir / folder).mkdir(exist_ok=True)
        lab_page.server.write_notebook(f"{folder}/nb.ipynb", ["x = 1"])
    lab_page.open("same_a/nb.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("From a."), Reply("From b."))
    send(page, "asked in a")
    lab_page.command("docmanager:open", {"path": "same_b/nb.ipynb"})
    attached = page.locator(f"{PANEL} .jp-chatkit-notebook-name")
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.title === 'same_b/nb.ipynb'",
        arg=f"{PANEL} .jp-chatkit-notebook-name",
    )
    page.wait_for_function("(sel) => !document.querySelector(sel)", arg=USER_MESSAGE)
    send(page, "asked in b")
    assert attached.inner_text() == "same_b/nb.ipynb"
    # The notebook's chip names it alike (it compared pinned and current notebooks only).
    chip = page.locator(f"{PANEL} .jck-chip-notebook .jck-chip-label")
    assert chip.inner_text() == "same_b/nb.ipynb"
    # Its tooltip names the notebook and says what it sends (not the cells).
    told = page.locator(f"{PANEL} .jck-chip-notebook").get_attribute("title") or ""
    assert "same_b/nb.ipynb" in told and "kernel" in told, told
    # Hovered, it shows the values it sends (the kernel's name, the cell count), not
    # only the fields' names.
    page.locator(f"{PANEL} .jck-chip-notebook").hover()
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.title.includes('Sends:')",
        arg=f"{PANEL} .jck-chip-notebook",
    )
    told = page.locator(f"{PANEL} .jck-chip-notebook").get_attribute("title") or ""
    assert "Python 3" in told and '"cell_count":1' in told, told
    page.locator(f"{PANEL} [aria-label='Conversation history']").first.click()
    page.locator(f"{PANEL} .jck-history-scope").select_option("all")
    page.locator(f"{PANEL} .jck-history-notebook", has_text="same_a").wait_for()
    screenshot(page, "same-name-history")
    names = page.locator(f"{PANEL} .jck-history-notebook").all_inner_texts()
    assert {"same_a/nb.ipynb", "same_b/nb.ipynb"} <= set(names), names
    assert "nb.ipynb" not in names
    # same_a closes in the background: bar and chip need no folder any more.
    page.evaluate(
        """() => [...window.jupyterapp.shell.widgets('main')]
            .find((w) => w.context?.path === 'same_a/nb.ipynb').dispose()"""
    )
    page.wait_for_function(
        "(sels) => sels.every((s) => document.querySelector(s)?.textContent === 'nb.ipynb')",
        arg=[f"{PANEL} .jp-chatkit-notebook-name", f"{PANEL} .jck-chip-notebook .jck-chip-label"],
    )


def test_the_widget_grows_with_its_content_and_names_its_model(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    lab_page.server.write_notebook("widget.ipynb", ["%load_ext jupyter_chatkit\n%chat"])
    lab_page.open("widget.ipynb")
    lab_page.run_all()
    chat = page.locator(".jck-widget-host .jck-chat")
    chat.wait_for(timeout=60_000)
    chat.locator(".jck-model").first.wait_for()
    height = chat.evaluate("el => el.getBoundingClientRect().height")
    assert height < 420, height
    assert chat.locator(".jck-title").inner_text() == "Notebook Assistant"
    model = chat.locator(".jck-model").first
    assert "fake-model" in (model.inner_text() or model.input_value())
    screenshot(page, "empty-widget")
    # Esc in the widget's composer hands the keyboard back to the notebook (command mode).
    box = chat.locator(".jck-input")
    box.click()
    box.press("Escape")
    assert page.evaluate(
        "() => !!document.activeElement.closest('.jp-Notebook')"
        " && !document.activeElement.closest('.jck-chat')"
    )
    assert lab_page.notebook_js("return nb.content.mode;") == "command"
    # `@` in the widget offers files under the server's root beside the kernel's
    # variables (the extension lists them and reads one through the context policy).
    box.press_sequentially("@widget.")
    chat.locator(".jck-complete-item", has_text="widget.ipynb").wait_for(state="visible")
    screenshot(page, "widget-file-mention")
    box.press("Escape")


def test_insert_and_run_brings_the_output_into_view(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    cells = [f"c{i} = {i}" for i in range(40)]
    lab_page.server.write_notebook("scroll.ipynb", cells)
    lab_page.open("scroll.ipynb")
    lab_page.set_active_cell(39)
    open_panel(page)
    code = "for i in range(25):\n    print('line', i)"
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": code, "title": "Print"})]),
        Reply("Run it."),
    )
    send(page, "print lines")
    lab_page.set_active_cell(39)
    card = page.locator(f"{PANEL} .jck-widget").last
    card.get_by_role("button", name="Insert & run").click()
    page.wait_for_function(
        "() => { const c = window.jupyterapp.shell.currentWidget.content.widgets[40];"
        " return !!c && c.model.outputs.length > 0; }"
    )
    # The new cell's output ends up on screen, below the notebook's other cells.
    page.wait_for_function(
        """() => {
          const nb = window.jupyterapp.shell.currentWidget.content;
          const out = nb.widgets[40].node.querySelector('.jp-OutputArea');
          const view = nb.node.getBoundingClientRect();
          const box = out && out.getBoundingClientRect();
          return !!box && box.height > 0 && box.top >= view.top && box.top < view.bottom;
        }"""
    )


def test_reference_links_written_last_link_when_the_answer_ends(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    # Models write reference definitions last. While they stream in, their uses may show
    # as text; once the answer ends every use is a link, without a reload. (The sidebar's
    # chat with no notebook open: what an answer renders does not depend on one, and a
    # notebook's kernel would be started for nothing.)
    lab_page.open()
    open_panel(page)
    scripted_llm.script(
        Reply(
            "See [the guide][g] and [the API][a].\n\nMore words.\n\n"
            "[g]: https://example.org/guide\n[a]: https://example.org/api",
            chunk_chars=3,
        )
    )
    send(page, "where are the docs?")
    answer = page.locator(f"{PANEL} .jck-msg.jck-assistant .jck-parts").last
    hrefs = answer.locator("a").evaluate_all("els => els.map((e) => e.getAttribute('href'))")
    assert hrefs == ["https://example.org/guide", "https://example.org/api"], hrefs
    assert "[the guide]" not in answer.inner_text()
    screenshot(page, "reference-links")


def test_relative_links_open_the_file_in_jupyterlab_and_footnotes_are_no_links(
    lab_page: LabPage,
    page: Any,
    screenshot: Any,
    scripted_llm: FakeLLM,
    request: pytest.FixtureRequest,
) -> None:
    # A link to a file next to the notebook opens it in JupyterLab, as in a Markdown cell
    # (before: a browser tab on a 404); a footnote is a raised label, not a link.
    # JupyterLab loads with no uncaught error, ours or another's (Notebook 7's page:
    # test_notebook7): the kept page's load, checked here (this test loaded a page of
    # its own for that: ~3 s of CPU more), and nothing uncaught while this test runs.
    kept = request.getfixturevalue("_kept_lab") if isinstance(lab_page, KeptLabPage) else None
    errors: list[str] = []

    def error(e: Any) -> None:
        errors.append(f"{e.message}\n{e.stack}")

    page.on("pageerror", error)
    (lab_page.server.root_dir / "work" / "data").mkdir(parents=True, exist_ok=True)
    (lab_page.server.root_dir / "work" / "data" / "sales.csv").write_text("region,revenue\nn,1\n")
    lab_page.server.write_notebook("work/links.ipynb", ["x = 1"])
    lab_page.open("work/links.ipynb")
    open_panel(page)
    scripted_llm.script(
        Reply(
            "Read [the data](data/sales.csv) or [the site](https://example.org).\n\n"
            "It grew[^1].\n\n[^1]: https://example.org/report"
        )
    )
    send(page, "where is the data?")
    answer = page.locator(f"{PANEL} .jck-msg.jck-assistant .jck-parts").last
    assert answer.locator("sup").all_inner_texts()[:2] == ["1", "1"]
    hrefs = answer.locator("a").evaluate_all("els => els.map((e) => e.getAttribute('href'))")
    assert hrefs == ["data/sales.csv", "https://example.org", "https://example.org/report"], hrefs
    pages = len(page.context.pages)
    answer.locator("a", has_text="the data").click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.context?.path === 'work/data/sales.csv'"
    )
    assert len(page.context.pages) == pages
    screenshot(page, "relative-link-opened")
    page.remove_listener("pageerror", error)  # the kept page: later tests' are their own
    assert errors == []
    if kept is not None:
        assert kept.load_errors == [], "JupyterLab's load raised"
