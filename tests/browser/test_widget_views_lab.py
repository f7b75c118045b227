"""One ``%chat`` widget shown twice is one conversation, in a real JupyterLab through real
Chromium (the fake OpenAI-compatible server is the model).

JupyterLab's "Create New View for Cell Output" shows the same widget model a second
time. People expect what they send in one view to show, answer included, in the other;
Stop in either to stop it; and the view left open to go on when the other closes.

A notebook opened twice (File > New View for Notebook) shows its widget twice too: the
notebook side of Agent mode was made from the first view the lab bridge knew the notebook
of, and acted on the notebook holding that view: once it closed, a step approved in the
other view failed with "No notebook is open" beside the open notebook.

The tests keep one JupyterLab page (``REUSE_LAB_PAGE``, tests/fixtures/lab_reuse.py).
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.widget_notebook import open_widget_notebook
from tests.fixtures.browser import (
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
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall, http_error

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

# The servers of the chat's modules (test_chat_ux.py), whose JupyterLab, fake model and
# kept page this module shares (tests/fixtures/shared_labs.py), set up by chat_ux_lab.py: a
# second model people may pick, and no title requests (no test here reads a title).
SHARED_LAB = "chat_ux"
IN_CELL = ".jp-Notebook .jck-widget-host"
IN_VIEW = ".jp-LinkedOutputView .jck-widget-host"
# A chat's error box as shown (hidden, it keeps the text of the error it showed last).
SHOWN_ERROR = ".jck-error:not([hidden]) .jck-error-text"
HOSTS = ".jp-NotebookPanel .jck-widget-host"
# One JupyterLab page for the module's tests, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True


def messages(page: Any, scope: str, kind: str) -> list[str]:
    """The texts of the ``kind`` ("user" or "assistant") messages the chat in ``scope`` shows."""
    if kind == "assistant":
        found = page.locator(f"{scope} .jck-msg.jck-assistant .jck-parts")
        return [str(t).strip() for t in found.all_inner_texts()]
    # A user message's words: its bubble's text, without the tags (context chips).
    return list(
        page.locator(f"{scope} .jck-msg.jck-user:not(.jck-pending-msg) .jck-bubble").evaluate_all(
            "els => els.map((e) => [...e.childNodes].filter((n) => n.nodeType === 3)"
            ".map((n) => n.textContent).join('').trim())"
        )
    )


def test_two_views_of_one_widget_show_one_conversation(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("views.ipynb", ["%load_ext jupyter_chatkit\n%chat"])
    lab_page.open("views.ipynb")
    lab_page.run_all()
    page.locator(f"{IN_CELL} .jck-input").wait_for(timeout=60_000)
    lab_page.set_active_cell(0)
    lab_page.command("notebook:create-output-view")
    page.locator(f"{IN_VIEW} .jck-input").wait_for(timeout=60_000)

    # Sent in the cell's view: the other view shows the question and the answer.
    scripted_llm.script(Reply("First answer, from the cell's view."))
    send(page, "asked in the cell", IN_CELL)
    page.locator(f"{IN_VIEW} .jck-msg.jck-assistant", has_text="First answer").wait_for()
    assert messages(page, IN_VIEW, "user") == ["asked in the cell"]

    # Sent in the output view: the same conversation goes on, in both views.
    scripted_llm.script(Reply("Second answer, from the output view."))
    send(page, "asked in the output view", IN_VIEW)
    page.locator(f"{IN_CELL} .jck-msg.jck-assistant", has_text="Second answer").wait_for()
    for scope in (IN_CELL, IN_VIEW):
        assert messages(page, scope, "user") == ["asked in the cell", "asked in the output view"]
        assert len(messages(page, scope, "assistant")) == 2
    # One thread: the model read the first question with the second.
    asked = [t for t in user_texts(scripted_llm) if "asked in the" in t]
    assert asked == ["asked in the cell", "asked in the output view"], asked
    screenshot(page, "two-views")

    # A code card's Insert in the output view: one cell, below the widget's own cell.
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": "y = 1", "title": "Set y"})]),
        Reply("Insert it."),
    )
    send(page, "set y", IN_VIEW)
    page.locator(IN_VIEW).get_by_role("button", name="Insert", exact=True).first.click()
    page.wait_for_function("() => document.querySelectorAll('.jp-Notebook .jp-Cell').length > 1")
    assert lab_page.cell_sources() == ["%load_ext jupyter_chatkit\n%chat", "y = 1"]
    # Only there: the cell's view did not insert it a second time.
    page.wait_for_function(
        "(sel) => /Inserted/.test(document.querySelector(sel)?.textContent ?? '')",
        arg=f"{IN_VIEW} .jck-sr",
    )
    assert len(lab_page.cell_sources()) == 2
    lab_page.notebook_js("nb.content.model.sharedModel.deleteCell(1);")

    # A model picked in one view is the conversation's: the other view shows it, and uses it.
    page.locator(f"{IN_VIEW} select.jck-model").select_option("other-model")
    assert page.locator(f"{IN_CELL} select.jck-model").input_value() == "other-model"

    # An answer streaming from one view is live in the other, and Stop there stops it.
    scripted_llm.token_delay = 0.1
    scripted_llm.script(Reply(" ".join(f"word{i}" for i in range(300)), chunk_chars=10))
    box = page.locator(f"{IN_CELL} .jck-input")
    box.click()
    box.fill("talk for a while")
    box.press("Enter")
    page.locator(f"{IN_VIEW} .jck-msg.jck-assistant", has_text="word3").wait_for()
    assert scripted_llm.requests[-1]["model"] == "other-model"
    page.locator(IN_VIEW).get_by_role("button", name="Stop answering").click()
    wait_idle(page, IN_CELL)
    wait_idle(page, IN_VIEW)
    scripted_llm.token_delay = 0.0
    for scope in (IN_CELL, IN_VIEW):
        assert messages(page, scope, "assistant")[-1].endswith("[Stopped.]")
    screenshot(page, "stopped-from-the-other-view")

    # Agent mode is the conversation's too: switched on in the output view, its step's card
    # shows in both views, and approved in the cell's view it is carried out once.
    page.locator(f"{IN_VIEW} .jck-mode-agent").click()
    assert page.locator(f"{IN_CELL} .jck-mode-agent").get_attribute("aria-pressed") == "true"
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("insert_cell", {"source": "x = 42", "after": 0})]),
        Reply("Inserted."),
    )
    box = page.locator(f"{IN_VIEW} .jck-input")
    box.click()
    box.fill("add a cell")
    box.press("Enter")
    for scope in (IN_VIEW, IN_CELL):
        approve = page.locator(f'{scope} .jck-step[data-step="insert_cell"] .jck-step-approve')
        approve.wait_for(state="visible", timeout=60_000)
    screenshot(page, "agent-card-in-both-views")
    page.locator(f'{IN_CELL} .jck-step[data-step="insert_cell"] .jck-step-approve').click()
    page.locator(f"{IN_VIEW} .jck-msg.jck-assistant", has_text="Inserted.").wait_for(timeout=60_000)
    wait_idle(page, IN_CELL)
    assert lab_page.cell_sources() == ["%load_ext jupyter_chatkit\n%chat", "x = 42"]
    for scope in (IN_VIEW, IN_CELL):
        card = page.locator(f'{scope} .jck-step[data-step="insert_cell"]')
        assert card.get_attribute("data-status") == "applied"

    # The output view closed: the cell's view goes on with the conversation.
    page.evaluate(
        "() => { for (const w of window.jupyterapp.shell.widgets('main'))"
        " if (w.node.classList.contains('jp-LinkedOutputView')"
        " || w.node.querySelector('.jp-LinkedOutputView')) w.close(); }"
    )
    page.locator(IN_VIEW).wait_for(state="detached")
    scripted_llm.script(Reply("Still here."))
    assert "Still here." in send(page, "and now?", IN_CELL)
    assert messages(page, IN_CELL, "user")[-1] == "and now?"

    # The widget's own New conversation is one on purpose, as %chat --new's: the chat shown
    # again (%chat re-run, a reload) shows it (before: it reopened the old conversation).
    page.locator(IN_CELL).get_by_role("button", name="New conversation").click()
    mark_old(page)
    run_new_cell(lab_page, "%chat")
    page.locator(f"{IN_CELL}:not([data-old]) .jck-chip-notebook").wait_for(timeout=60_000)
    lab_page.wait_for_kernel_idle()
    page.wait_for_load_state("networkidle")
    assert messages(page, IN_CELL, "user") == [], "the chat shown again reopened the old one"
    scripted_llm.script(Reply("Begun here."))
    assert "Begun here." in send(page, "begun with the button", IN_CELL)

    # %chat --new shows the chat again, on a new and empty conversation (before: a view
    # shown with no conversation reopened the notebook's last one, this one, and the
    # magics went on with it). The magics' next question starts it, in both views.
    mark_old(page)
    run_new_cell(lab_page, "%chat --new")
    fresh = f"{IN_CELL}:not([data-old])"
    page.locator(f"{fresh} .jck-chip-notebook").wait_for(timeout=60_000)
    lab_page.wait_for_kernel_idle()
    # (A reopened conversation would be on its way or shown by now.)
    page.wait_for_load_state("networkidle")
    screenshot(page, "chat-new")
    assert messages(page, IN_CELL, "user") == [], "%chat --new showed an old conversation"
    # The model and mode picked there before the first question are the conversation's,
    # though the kernel asks it (before: Ask and the default model came back).
    page.locator(f"{fresh} select.jck-model").select_option("other-model")
    page.locator(f"{fresh} .jck-mode-agent").click()
    scripted_llm.script(Reply("The new one's first answer."))
    run_new_cell(lab_page, "%%chat\nfirst of the new one")
    page.locator(f"{fresh} .jck-msg.jck-assistant", has_text="new one's first").wait_for()
    lab_page.wait_for_kernel_idle()
    assert messages(page, IN_CELL, "user") == ["first of the new one"] * 3
    assert scripted_llm.requests[-1]["model"] == "other-model"
    for n in range(3):
        view = page.locator(IN_CELL).nth(n)
        assert view.locator(".jck-mode-agent").get_attribute("aria-pressed") == "true", n
        assert view.locator("select.jck-model").input_value() == "other-model", n
    screenshot(page, "chat-new-keeps-its-picks")
    # The model read none of the earlier conversation with it.
    asked = [user_texts(scripted_llm, i) for i in range(len(scripted_llm.requests))]
    new_turns = [texts for texts in asked if any("first of the new one" in t for t in texts)]
    assert new_turns and not any(
        old in t for texts in new_turns for t in texts for old in ("and now?", "begun with")
    )


def test_two_chats_sharing_a_layout_are_two_conversations(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    # ipywidgets lets widgets share one Layout; each Chat is still its own conversation.
    lab_page.server.write_notebook(
        "layouts.ipynb",
        [
            "from ipywidgets import Layout\nfrom jupyter_chatkit import Chat\n"
            "lay = Layout(height='320px')\na, b = Chat(layout=lay), Chat(layout=lay)\n"
            "display(a)\ndisplay(b)"
        ],
    )
    lab_page.open("layouts.ipynb")
    lab_page.run_all()
    first, second = (
        f".jp-Notebook :nth-child({n} of .jp-OutputArea-child) .jck-widget-host" for n in (1, 2)
    )
    page.locator(f"{second} .jck-input").wait_for(timeout=60_000)
    scripted_llm.script(Reply("Only the first chat shows this."))
    send(page, "asked in the first chat", first)
    screenshot(page, "two-chats-one-layout")
    assert messages(page, first, "user") == ["asked in the first chat"]
    assert messages(page, second, "user") == []
    assert messages(page, second, "assistant") == []


OBSERVE_STREAMING = """([sel, flag]) => { window[flag] = false;
  const host = document.querySelector(sel);
  const streaming = '.jck-msg.jck-assistant.jck-streaming';
  new MutationObserver(() => {
    if (host.querySelector(streaming)) window[flag] = true;
  }).observe(host, { subtree: true, childList: true, attributes: true });
}"""


# Sets window[flag] once the chat in `sel` shows an answer starting with `start` before
# its last word: the answer is seen while it is being written.
OBSERVE_PARTIAL = """([sel, start, flag]) => { window[flag] = false;
  const host = document.querySelector(sel);
  new MutationObserver(() => {
    for (const m of host.querySelectorAll('.jck-msg.jck-assistant')) {
      const text = m.textContent ?? '';
      if (text.includes(start) && !text.includes('word29.')) window[flag] = true;
    }
  }).observe(host, { subtree: true, childList: true, characterData: true });
}"""


def test_a_turn_sent_in_the_widget_or_the_sidebar_shows_live_in_the_other(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The sidebar and a %chat widget show one conversation: a message sent in either
    streams in the other (before: the sidebar showed the widget's only when it next
    opened the thread, e.g. after a reload; the widget the sidebar's only when next
    updated). One notebook for both ways (each had its own, ~2 s of CPU)."""
    open_widget_notebook(lab_page, "shared.ipynb")
    scripted_llm.script(Reply("First answer, in the widget."))
    send(page, "first, in the widget", IN_CELL)
    open_panel(page)
    # The sidebar follows the notebook: its conversation is the widget's.
    first = page.locator(f"{PANEL} .jck-msg.jck-assistant", has_text="First answer, in the widget.")
    first.wait_for(timeout=60_000)

    # Sent in the widget: streams in the sidebar while the widget's answer is written.
    page.evaluate(OBSERVE_STREAMING, [PANEL, "__sidebarSawItStream"])
    words = " ".join(f"word{n}" for n in range(30))
    scripted_llm.token_delay = 0.2
    scripted_llm.script(Reply(f"Second answer, in the widget: {words}."))
    box = page.locator(f"{IN_CELL} .jck-input").first
    box.click()
    box.fill("second, in the widget")
    box.press("Enter")
    page.locator(f"{PANEL} .jck-msg.jck-assistant.jck-streaming", has_text="word").wait_for(
        timeout=60_000
    )
    screenshot(page, "widget-turn-streaming-in-sidebar")
    # Seen streaming (the observer saw it before the locator above did): the rest at once.
    scripted_llm.token_delay = 0.0
    page.locator(f"{PANEL} .jck-msg.jck-assistant", has_text="word29.").wait_for(timeout=60_000)
    wait_idle(page, PANEL)
    wait_idle(page, IN_CELL)
    assert page.evaluate("() => window.__sidebarSawItStream") is True, "widget -> sidebar"
    widget_turns = ["first, in the widget", "second, in the widget"]
    assert messages(page, PANEL, "user") == widget_turns, "widget -> sidebar"
    assert len(messages(page, PANEL, "assistant")) == 2, "widget -> sidebar"
    screenshot(page, "widget-turn-in-sidebar")

    # Sent in the sidebar: the widget shows it streaming while it is written.
    page.evaluate(OBSERVE_STREAMING, [IN_CELL, "__widgetSawItStream"])
    words = " ".join(f"word{n}" for n in range(40))
    scripted_llm.token_delay = 0.3
    scripted_llm.script(Reply(f"Answer to the sidebar: {words}."))
    box = page.locator(INPUT)
    box.click()
    box.fill("asked in the sidebar")
    box.press("Enter")
    # The answer streams slowly until the widget showed it streaming (or it ended
    # without that: the assertion below fails), then the rest comes at once.
    page.wait_for_function(
        "(sel) => window.__widgetSawItStream"
        " || /word39/.test(document.querySelector(sel)?.textContent ?? '')",
        arg=IN_CELL,
        timeout=60_000,
    )
    scripted_llm.token_delay = 0.0
    page.locator(f"{IN_CELL} .jck-msg.jck-assistant", has_text="word39.").wait_for(timeout=60_000)
    wait_idle(page)
    wait_idle(page, IN_CELL)
    assert page.evaluate("() => window.__widgetSawItStream") is True, "sidebar -> widget"
    assert messages(page, IN_CELL, "user") == [*widget_turns, "asked in the sidebar"], (
        "sidebar -> widget"
    )
    assert len(messages(page, IN_CELL, "assistant")) == 3, "sidebar -> widget"
    screenshot(page, "sidebar-turn-in-widget")

    # A sidebar turn that fails (the model server refuses it): the widget says why, as
    # the sidebar does (before: its reload at the turn's end left "This message has no
    # answer.", the stream's error dropped).
    scripted_llm.script(http_error(400, "The request was refused."))
    box.fill("fails in the sidebar")
    box.press("Enter")
    said = page.locator(f"{PANEL} {SHOWN_ERROR}")
    said.wait_for(timeout=60_000)
    wait_idle(page)
    wait_idle(page, IN_CELL)
    expected = said.inner_text().strip()
    shown = page.locator(f"{IN_CELL} {SHOWN_ERROR}")
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.textContent.trim() === text",
        arg=[f"{IN_CELL} {SHOWN_ERROR}", expected],
        timeout=60_000,
    )
    screenshot(page, "sidebar-failure-in-widget")
    assert shown.inner_text().strip() == expected, "sidebar failure -> widget"
    # And the other way: the widget's own turn fails; it and the sidebar say why.
    scripted_llm.script(http_error(400, "The request was refused."))
    in_widget = page.locator(f"{IN_CELL} .jck-input").first
    in_widget.fill("fails in the widget")
    in_widget.press("Enter")
    # Each chat shows the widget's message as its fifth (the message box's pending bubble,
    # always in the page, hidden between turns, is not one) and an error box shown for it
    # (a hidden one keeps the text of the failure before). Before, both were counted: the
    # wait passed at once on the previous step's page, or never once the turn showed.
    page.wait_for_function(
        """([scopes, error]) => scopes.map((scope) => {
          const chat = document.querySelector(`${scope} .jck-chat`);
          const users = [...(chat?.querySelectorAll('.jck-msg.jck-user[data-item-id]') ?? [])];
          const said = chat?.querySelector(error)?.textContent.trim();
          return users.length === 5 && /fails in the widget/.test(users[4].textContent)
            && !chat.querySelector('.jck-pending-msg:not([hidden])') ? said : null;
        }).every((said, _, all) => said && said === all[0])""",
        arg=[[IN_CELL, PANEL], SHOWN_ERROR],
        timeout=60_000,
    )
    wait_idle(page)
    wait_idle(page, IN_CELL)
    screenshot(page, "widget-failure-in-both")
    assert shown.inner_text().strip() == expected, "widget failure, in the widget"
    assert said.inner_text().strip() == expected, "widget failure -> sidebar"
    # The sidebar's failed message, now mid-thread, says why in both (before: the server
    # kept only the newest failure, and the sidebar said "No answer" without why).
    notes = [
        page.locator(f"{scope} .jck-turn-note").all_inner_texts() for scope in (IN_CELL, PANEL)
    ]
    assert len(notes[0]) == 1 and expected in notes[0][0], "the earlier failure, in the widget"
    assert notes[1] == notes[0], "the earlier failure, in the sidebar"

    # Asked with %%chat in a cell (the kernel runs the turn, in the same conversation):
    # streams in the sidebar too (before: shown there only after its next message).
    page.evaluate(OBSERVE_PARTIAL, [PANEL, "Answer to the cell", "__sidebarSawCellStream"])
    words = " ".join(f"word{n}" for n in range(30))
    scripted_llm.token_delay = 0.2
    scripted_llm.script(Reply(f"Answer to the cell: {words}."))
    run_new_cell(lab_page, "%%chat\nasked in a cell")
    # Slowly until the sidebar showed it streaming, or the cell's own output has it all.
    page.wait_for_function(
        "() => window.__sidebarSawCellStream || [...document.querySelectorAll('.jck-answer')]"
        ".some((e) => /word29\\./.test(e.textContent))",
        timeout=60_000,
    )
    scripted_llm.token_delay = 0.0
    page.locator(f"{PANEL} .jck-msg.jck-assistant", has_text="Answer to the cell").wait_for(
        timeout=60_000
    )
    lab_page.wait_for_kernel_idle()
    wait_idle(page, PANEL)
    screenshot(page, "cell-magic-turn-in-sidebar")
    assert page.evaluate("() => window.__sidebarSawCellStream") is True, "%%chat -> sidebar"
    cell_turns = [
        *widget_turns,
        "asked in the sidebar",
        "fails in the sidebar",
        "fails in the widget",
        "asked in a cell",
    ]
    assert messages(page, PANEL, "user") == cell_turns, "%%chat -> sidebar"
    assert len(messages(page, PANEL, "assistant")) == 4, "%%chat -> sidebar"

    # Asked from Python by a chat no widget shows (the kernel relays its events to no
    # view): streams in the sidebar all the same.
    page.evaluate(OBSERVE_PARTIAL, [PANEL, "Answer to Python", "__sidebarSawAskStream"])
    scripted_llm.token_delay = 0.2
    scripted_llm.script(Reply(f"Answer to Python: {words}."))
    run_new_cell(
        lab_page,
        "from jupyter_chatkit import Chat\n"
        "shared = get_ipython().find_magic('chat').__self__.session_chat.thread_id\n"
        "Chat(thread_id=shared).ask('asked from Python')",
    )
    page.wait_for_function(
        "() => window.__sidebarSawAskStream || [...document.querySelectorAll('.jck-answer')]"
        ".some((e) => /Python: [^]*word29\\./.test(e.textContent))",
        timeout=60_000,
    )
    scripted_llm.token_delay = 0.0
    page.locator(f"{PANEL} .jck-msg.jck-assistant", has_text="Answer to Python").wait_for(
        timeout=60_000
    )
    lab_page.wait_for_kernel_idle()
    wait_idle(page, PANEL)
    assert page.evaluate("() => window.__sidebarSawAskStream") is True, "ask() -> sidebar"
    assert messages(page, PANEL, "user") == [*cell_turns, "asked from Python"], "ask() -> sidebar"

    # %%chat --new in the notebook while the sidebar shows its conversation: the sidebar
    # stays on it (before: it switched to the kernel's new one mid-use); the new one is
    # the notebook's next time (kernelturns.ts; the switch to it when none is shown is
    # a node test there).
    scripted_llm.script(Reply("Answer anew."))
    run_new_cell(lab_page, "%%chat --new\nasked anew")
    page.locator(".jp-Cell .jck-answer", has_text="Answer anew").wait_for(timeout=60_000)
    lab_page.wait_for_kernel_idle()
    wait_idle(page, PANEL)
    screenshot(page, "chat-new-sidebar-stays")
    assert messages(page, PANEL, "user") == [*cell_turns, "asked from Python"], "--new -> sidebar"


def mark_old(page: Any) -> None:
    """Mark the widget views shown now (``:not([data-old])`` finds the next one)."""
    page.evaluate(
        "(sel) => document.querySelectorAll(sel).forEach((e) => { e.dataset.old = '1'; })", IN_CELL
    )


def run_new_cell(lab_page: LabPage, source: str) -> None:
    """Append a code cell holding ``source`` to the current notebook and run it (without
    waiting for it to finish)."""
    lab_page.notebook_js(
        "const m = nb.content.model; m.sharedModel.insertCell(m.cells.length,"
        " {cell_type: 'code', source: arg}); nb.content.activeCellIndex = m.cells.length - 1;"
        " void window.jupyterapp.commands.execute('notebook:run-cell');",
        source,
    )


def test_agent_steps_reach_the_notebook_after_its_first_view_closed(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("twice.ipynb", ["%load_ext jupyter_chatkit\n%chat"])
    lab_page.open("twice.ipynb")
    lab_page.run_all()
    page.locator(f"{HOSTS} .jck-input").first.wait_for(timeout=60_000)
    # The same notebook a second time (File > New View for Notebook): the widget twice.
    lab_page.command("docmanager:clone")
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 2",
        arg=f"{HOSTS} .jck-input",
        timeout=60_000,
    )
    first, second = page.evaluate(
        "() => [...document.querySelectorAll('.jp-NotebookPanel')].map((e) => e.id)"
    )
    in_first, in_second = f"#{first} .jck-widget-host", f"#{second} .jck-widget-host"

    # One conversation: asked in the first view, answered in both.
    scripted_llm.script(Reply("Both views show this."))
    send(page, "hello", in_first)
    page.locator(f"{in_second} .jck-msg.jck-assistant", has_text="Both views").wait_for()

    # Agent mode on in the first view, then that view closed.
    page.locator(f"{in_first} .jck-mode-agent").click()
    page.evaluate(
        "(id) => [...window.jupyterapp.shell.widgets('main')].find((w) => w.id === id).close()",
        first,
    )
    page.wait_for_function("(id) => !document.getElementById(id)", arg=first)
    assert page.locator(f"{in_second} .jck-mode-agent").get_attribute("aria-pressed") == "true"

    # A step approved in the view left open is carried out in the notebook.
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("insert_cell", {"source": "y = 7", "after": 0})]),
        Reply("Inserted."),
    )
    box = page.locator(f"{in_second} .jck-input")
    box.click()
    box.fill("add a cell")
    box.press("Enter")
    card = page.locator(f'{in_second} .jck-step[data-step="insert_cell"]')
    card.locator(".jck-step-approve").wait_for(state="visible", timeout=60_000)
    card.locator(".jck-step-approve").click()
    page.locator(f"{in_second} .jck-msg.jck-assistant", has_text="Inserted.").wait_for(
        timeout=60_000
    )
    wait_idle(page, in_second)
    screenshot(page, "step-applied-after-first-view-closed")
    assert card.get_attribute("data-status") == "applied"
    assert lab_page.cell_sources() == ["%load_ext jupyter_chatkit\n%chat", "y = 7"]
    # What the model was told of the step: it was carried out.
    assert "No notebook is open" not in str(scripted_llm.requests[-1]["messages"])


def test_a_failed_turn_says_why_after_a_reload_in_the_widget_and_the_sidebar(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Why a turn failed is kept with its conversation: after a reload, the widget and the
    sidebar both say it (before: the last message just had no answer), until an answer
    comes.

    Then the notebook, saved with its %chat output, is opened again on a new kernel (as
    after a server restart): the output says to run the cell again, not ipywidgets'
    "model not found" (the widget's model went with the old kernel). (That was a test of
    its own, on a widget notebook of its own: a kernel more.)"""
    open_widget_notebook(lab_page, "failed.ipynb")
    scripted_llm.script(http_error(400, "The request was refused."))
    box = page.locator(f"{IN_CELL} .jck-input").first
    box.click()
    box.fill("fails, then the page reloads")
    box.press("Enter")
    said = page.locator(f"{IN_CELL} .jck-error .jck-error-text")
    said.wait_for(timeout=60_000)
    wait_idle(page, IN_CELL)
    expected = said.inner_text().strip()
    lab_page.notebook_js("await nb.context.save();")

    lab_page.reload()
    open_panel(page)
    errors = [f"{scope} .jck-error .jck-error-text" for scope in (IN_CELL, PANEL)]
    page.wait_for_function(
        "([sels, text]) => sels.every((s) => "
        "document.querySelector(s)?.textContent.trim() === text)",
        arg=[errors, expected],
        timeout=60_000,
    )
    screenshot(page, "failure-after-reload")
    assert messages(page, PANEL, "user") == ["fails, then the page reloads"]

    # The next answer (asked in the sidebar) ends it, in both.
    scripted_llm.script(Reply("Answered this time."))
    send(page, "asked again", PANEL)
    for scope in (PANEL, IN_CELL):
        page.locator(f"{scope} .jck-msg.jck-assistant", has_text="Answered this time.").wait_for(
            timeout=60_000
        )
        wait_idle(page, scope)
    assert page.locator(".jck-error .jck-error-text:visible").count() == 0
    screenshot(page, "failure-answered")

    # A saved chat whose kernel is gone says how to get it back.
    lab_page.notebook_js("await nb.context.save(); nb.dispose();")
    for kernel in lab_page.server.api("api/kernels"):
        lab_page.server.api(f"api/kernels/{kernel['id']}", method="DELETE")
    page.evaluate(
        "async () => { const w = await window.jupyterapp.commands.execute("
        "'docmanager:open', {path: 'failed.ipynb'}); await w.context.ready; }"
    )
    lost = page.locator(".jp-Notebook .jp-OutputArea-output .jp-chatkit-lost-chat")
    lost.wait_for(timeout=60_000)
    screenshot(page, "lost-chat")
    # The message is all the output shows (ipywidgets' error text replaced).
    assert lost.evaluate("(el) => el.parentElement.textContent === el.textContent")
    # Run again: the chat is back.
    lab_page.run_all()
    page.locator(f"{IN_CELL} .jck-input").wait_for(timeout=60_000)
    assert page.locator(".jp-chatkit-lost-chat").count() == 0
