"""What the assistant reads in a real JupyterLab, and how the person sees and steers it.

* The context policy (test_asking_about_an_error_...): a notebook with credentials in
  its cells and two failing cells (one through pandas' frames, one with ANSI colours and
  a database password in its message). "Ask about this error" sends the question; the
  fake model then reads the notebook (the JupyterLab tool) and the kernel's variables
  (the silent kernel call). The fake model's request log must hold the failing cell's
  execution count, its exception and a reduced traceback, no ANSI code, no secret, and
  every tool result within 16k characters.
* The context chips follow what the person does, in the sidebar and the ``%chat``
  widget. While the person types in the chat: a variable picked with ``@df`` is read
  with the message, and the chips row names it (``@df``) until the mention is deleted;
  cells added before the named cell renumber its chip. Within a frame, the chat keeping
  the focus. After Shift+Enter on a notebook's last cell JupyterLab makes a new empty
  cell active: the chips, and the ``get_active_cell`` tool with them, name the cell just
  run, until the person types in the new one.
* A kernel restart in the middle of a conversation: a person chats in a ``%chat``
  widget, restarts the kernel (Kernel menu, the dialog), runs a cell again and asks about
  their variables in the same widget: the widget's own kernel connection died with the
  old kernel, but the notebook's session reaches the new one, so the model reads the
  variables that exist now.

One JupyterLab for the module (tests/fixtures/jupyter_servers.py, default settings). Screenshots
land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.browser.widget_notebook import open_widget_notebook
from tests.fixtures.browser import (
    ASSISTANT,
    INPUT,
    PANEL,
    USER,
    WIDGET,
    LabPage,
    open_panel,
    send,
    tool_output,
    type_and_pick,
    wait_answer,
)
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall
from tests.test_context_policy import TABLE, leaks

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the modules of this SHARED_LAB
# (tests/fixtures/shared_labs.py): a lab start and a page load fewer each.
SHARED_LAB = "context"

GITHUB = next(c for c in TABLE if c["id"] == "github-classic")["value"]
PASSWORD = next(c for c in TABLE if c["id"] == "password-var")["value"]
URL = next(c for c in TABLE if c["id"] == "url-password")["value"]

CELLS = [
    f"token = {GITHUB!r}\ndb_password = {PASSWORD!r}",
    "import pandas as pd\n\ndef revenue(frame):\n    return frame['revenue']\n\n"
    "revenue(pd.DataFrame({'sales': [1, 2]}))",
    f"def connect():\n    raise ConnectionError('\\x1b[31mrefused\\x1b[0m by {URL}')\n\nconnect()",
]


def tool_results(llm: FakeLLM) -> list[str]:
    """Each tool result as the model received it (JSON text)."""
    out = []
    for request in llm.requests:
        tools = [m for m in request["messages"] if m["role"] == "tool"]
        if tools:
            out.append(tools[-1]["content"])
    return out


def test_asking_about_an_error_sends_it_whole_and_without_secrets(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("context.ipynb", CELLS)
    lab_page.open("context.ipynb")
    lab_page.run_all()  # stops at the first error, as JupyterLab does
    lab_page.set_active_cell(2)
    lab_page.notebook_js("nb.content.activate();")
    lab_page.command("notebook:run-cell")
    page.wait_for_timeout(300)
    lab_page.wait_for_kernel_idle()
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("get_notebook_cells", {"max_cells": 10_000})]),
        Reply(tool_calls=[ToolCall("list_kernel_variables", {"max_items": 10_000})]),
        Reply("The connection was refused."),
    )
    buttons = page.locator(".jp-chatkit-ask-error")
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 2", arg=".jp-chatkit-ask-error"
    )
    buttons.last.click()
    page.locator(ASSISTANT, has_text="The connection was refused.").wait_for(
        state="visible", timeout=60_000
    )
    assert len(scripted_llm.requests) >= 3

    # The question and the failing cell it names (a tag's context, just before it).
    question = json.dumps(scripted_llm.requests[0]["messages"][-2:], ensure_ascii=False)
    assert '\\"execution_count\\": 3' in question
    assert "ConnectionError" in question and "connect()" in question
    assert "Cell In[3]" in question

    cells_text, variables_text = tool_results(scripted_llm)[:2]
    for text in (cells_text, variables_text):
        assert len(text) <= 16_000
    cells = json.loads(cells_text)
    errors = [
        o for c in cells["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert [e["ename"] for e in errors] == ["KeyError", "ConnectionError"]
    pandas_tb, own_tb = errors[0]["text"], errors[1]["text"]
    assert pandas_tb.startswith("Cell In[2]") and "library frame" in pandas_tb
    assert pandas_tb.endswith("KeyError: 'revenue'") and len(pandas_tb) <= 2_000
    assert errors[1]["evalue"].startswith("refused by postgresql://")
    assert own_tb.startswith("Cell In[3]")
    assert cells["redacted"] >= 3

    variables = json.loads(variables_text)
    listed = {v["name"]: v for v in variables["variables"]}
    assert listed["db_password"]["value"].startswith("«redacted: str")
    assert variables["redacted"] >= 2

    log = json.dumps(scripted_llm.requests, ensure_ascii=False)
    assert not leaks(log), leaks(log)
    # No escape character anywhere (the cell's source spells "\\x1b" out, which stays).
    assert "\\u001b" not in log and "\x1b" not in log


# What IPython 9 printed (stderr, no error output) for a TaskGroup whose four tasks failed.
_CELL_FILE = '"/tmp/ipykernel_7270/1560516565.py"'
TASK_GROUP = "\n".join(
    [
        "  + Exception Group Traceback (most recent call last):",
        '  |   File "/usr/lib/python3.11/site-packages/IPython/core/interactiveshell.py",'
        " line 3821, in run_code",
        "  |     await eval(code_obj, self.user_global_ns, self.user_ns)",
        f"  |   File {_CELL_FILE}, line 7, in <module>",
        "  |     await main()",
        "  | ExceptionGroup: unhandled errors in a TaskGroup (4 sub-exceptions)",
        *[
            line
            for i in range(4)
            for line in (
                f"  {'+-+' if i == 0 else '  +'}---------------- {i + 1} ----------------",
                "    | Traceback (most recent call last):",
                f"    |   File {_CELL_FILE}, line 3, in job",
                "    |     raise KeyError(f'job {i}')",
                f"    | KeyError: 'job {i}'",
            )
        ],
        "    +------------------------------------",
        "",
    ]
)


def test_an_uncaught_exception_group_has_its_fix_button_and_reaches_the_model(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """IPython shows an uncaught ExceptionGroup as a stderr stream: the person still gets
    "Fix this error" under it, and the model reads it as the cell's error, whole."""
    cell = {
        "cell_type": "code",
        "execution_count": 3,
        "id": "group1",
        "metadata": {},
        "source": "await main()",
        "outputs": [{"output_type": "stream", "name": "stderr", "text": TASK_GROUP}],
    }
    spec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb = {"cells": [cell], "metadata": {"kernelspec": spec}, "nbformat": 4, "nbformat_minor": 5}
    (lab_page.server.root_dir / "group.ipynb").write_text(json.dumps(nb))
    lab_page.open("group.ipynb")
    scripted_llm.script(Reply(tool_calls=[ToolCall("get_active_cell", {})]), Reply("Seen."))
    button = page.locator(".jp-chatkit-ask-error")
    button.wait_for(state="visible", timeout=30_000)
    screenshot(page, "group-fix-button")
    button.click()
    page.locator(ASSISTANT, has_text="Seen.").wait_for(state="visible", timeout=60_000)
    sent = json.dumps(scripted_llm.requests[0]["messages"], ensure_ascii=False)
    assert "ExceptionGroup: unhandled errors in a TaskGroup" in sent
    (result,) = tool_results(scripted_llm)[:1]
    outputs = json.loads(result)["cell"]["outputs"]
    assert [o["output_type"] for o in outputs] == ["error"], outputs
    assert outputs[0]["ename"] == "ExceptionGroup"
    for i in range(4):
        assert f"KeyError: 'job {i}'" in outputs[0]["text"]
    assert "interactiveshell" not in result and "ipykernel_" not in result


# -- the chips follow the person ----------------------------------------------------------

CHIPS = """(sel) => [...document.querySelectorAll(sel)].map((c) => c.innerText.trim())"""


def chip_texts(page: Any, scope: str = PANEL) -> list[str]:
    """The chips row's labels, in order."""
    return list(page.evaluate(CHIPS, f"{scope} .jck-chip"))


def wait_chips(page: Any, expected: list[str], scope: str = PANEL) -> None:
    """Wait until the chips row of ``scope`` shows exactly ``expected``."""
    page.wait_for_function(
        f"([sel, want]) => JSON.stringify(({CHIPS})(sel)) === JSON.stringify(want)",
        arg=[f"{scope} .jck-chip", expected],
        timeout=10_000,
    )


def chat_has_focus(page: Any, scope: str = PANEL) -> bool:
    return bool(
        page.evaluate(
            "(sel) => document.activeElement === document.querySelector(sel)",
            f"{scope} .jck-input",
        )
    )


def open_follow_notebook(lab_page: LabPage, page: Any) -> Any:
    """Two cells run, cell 2 active, the sidebar open: its box, focused."""
    lab_page.server.write_notebook("follow.ipynb", ["df = {'region': ['north']}", "total = 1"])
    lab_page.open("follow.ipynb")
    lab_page.run_all()
    lab_page.set_active_cell(1)
    open_panel(page)
    wait_chips(page, ["follow.ipynb", "cell 2"])
    box = page.locator(INPUT)
    box.click()
    return box


def test_the_chips_name_a_variable_mentioned_while_the_person_types(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    box = open_follow_notebook(lab_page, page)
    # A variable picked from the list: the row names it while the box holds it.
    type_and_pick(page, "plot @d", "@df")
    wait_chips(page, ["follow.ipynb", "cell 2", "@df"])
    screenshot(page, "mention-named")
    mention = page.locator(f"{PANEL} .jck-chip-mentioned")
    assert mention.get_attribute("role") == "listitem"
    assert mention.locator("button").count() == 0  # the box holds it: delete @df there
    box.press_sequentially("by region")
    assert chip_texts(page) == ["follow.ipynb", "cell 2", "@df"]
    # Deleted from the box: no longer read, no longer named.
    box.fill("plot by region")
    wait_chips(page, ["follow.ipynb", "cell 2"])
    assert chat_has_focus(page)


def test_the_chips_follow_cells_added_while_the_chat_has_the_focus(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    """The chip names a cell by its number: cells added before it renumber it, even when
    the active cell stays where it was (a ``%chat`` cell active, the chip naming the cell
    worked in below it)."""
    lab_page.server.write_notebook(
        "renumber.ipynb", ["sales = [10, 20]", "%load_ext jupyter_chatkit\n%chat", "total = 1"]
    )
    lab_page.open("renumber.ipynb")
    open_panel(page)
    lab_page.set_active_cell(2)
    wait_chips(page, ["renumber.ipynb", "cell 3"])
    lab_page.set_active_cell(1)
    page.locator(INPUT).click()
    wait_chips(page, ["renumber.ipynb", "cell 3"])
    # A cell added between the chat cell and the named one (as an agent step or a
    # collaborator would), the chat keeping the focus: the chip follows its cell.
    lab_page.notebook_js(
        "nb.content.model.sharedModel.insertCell(2, {cell_type: 'code', source: '# notes'});"
    )
    wait_chips(page, ["renumber.ipynb", "cell 4"])
    assert lab_page.notebook_js("return nb.content.activeCellIndex;") == 1
    # The active cell moved meanwhile, the chat keeping the focus.
    lab_page.notebook_js("nb.content.activeCellIndex = 0;")
    wait_chips(page, ["renumber.ipynb", "cell 1"])
    assert chat_has_focus(page)
    screenshot(page, "renumbered")


def shift_enter_in_cell(page: Any, lab_page: LabPage, index: int) -> None:
    """Click into cell ``index``'s editor and press Shift+Enter (run it, move on)."""
    editor = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell .cm-content").nth(index)
    editor.click()
    page.keyboard.press("Shift+Enter")
    lab_page.wait_for_kernel_idle()


def test_after_shift_enter_the_sidebar_names_the_cell_just_run(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("shift_enter.ipynb", ["a = 1", "b = a + 1"])
    lab_page.open("shift_enter.ipynb")
    open_panel(page)
    shift_enter_in_cell(page, lab_page, 1)
    # JupyterLab added an empty cell 3 and made it active.
    page.wait_for_function(
        "() => { const nb = window.jupyterapp.shell.currentWidget.content;"
        " return nb.widgets.length === 3 && nb.activeCellIndex === 2; }"
    )
    wait_chips(page, ["shift_enter.ipynb", "cell 2"])
    screenshot(page, "after-shift-enter")
    # The model reads the cell the chip names.
    scripted_llm.script(Reply(tool_calls=[ToolCall("get_active_cell", {})]), Reply("Seen."))
    send(page, "what does this cell do?")
    read = tool_output(scripted_llm)["cell"]
    assert (read["index"], read["source"]) == (1, "b = a + 1")
    # /explain explains that cell too, not the empty one.
    scripted_llm.script(Reply("Explained."))
    page.locator(INPUT).press_sequentially("/explain")
    page.locator(f"{PANEL} .jck-complete-item", has_text="/explain").first.wait_for()
    page.locator(INPUT).press("Enter")
    wait_answer(page, "Explained.")
    tags = page.locator(USER).last.locator(".jck-tag").all_inner_texts()
    assert tags == ["cell 2", "shift_enter.ipynb"]  # "Explain cell 2", then the chips
    # Typing in the new cell: from then on it is the one named, within a frame.
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell .cm-content").nth(2).click()
    page.keyboard.type("c = b")
    wait_chips(page, ["shift_enter.ipynb", "cell 3"])
    screenshot(page, "typed-in-new-cell")


def test_after_shift_enter_the_widget_names_the_cell_just_run(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    lab_page.server.write_notebook(
        "widget_shift_enter.ipynb",
        ["sales = [10, 20, 30]", "%load_ext jupyter_chatkit", "%chat", "total = sum(sales)"],
    )
    lab_page.open("widget_shift_enter.ipynb")
    lab_page.run_all()
    page.locator(f"{WIDGET} .jck-input").wait_for(state="visible", timeout=60_000)
    shift_enter_in_cell(page, lab_page, 3)
    page.wait_for_function(
        "() => { const nb = window.jupyterapp.shell.currentWidget.content;"
        " return nb.widgets.length === 5 && nb.activeCellIndex === 4; }"
    )
    page.locator(f"{WIDGET} .jck-chip", has_text="cell 4").wait_for()
    assert [t for t in chip_texts(page, WIDGET) if t.startswith("cell")] == ["cell 4"]
    screenshot(page, "widget-after-shift-enter")
    read = page.evaluate(
        """async () => {
          const el = document.querySelector('.jp-Notebook .jck-widget-host');
          const r = await window.jupyterChatkitBridge.runTool(el, 'get_active_cell', {});
          return {index: r.cell.index, source: r.cell.source};
        }"""
    )
    assert (read["index"], read["source"]) == (3, "total = sum(sales)")


# -- a kernel restart mid-conversation ---------------------------------------------------


def _last_tool_output(llm: FakeLLM) -> str:
    """The newest tool result in the model's last request (earlier ones are history)."""
    return str([m for m in llm.requests[-1]["messages"] if m["role"] == "tool"][-1]["content"])


def test_the_widget_reads_the_restarted_kernels_variables(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """After Kernel > Restart, the %chat widget still reads the (new) kernel's variables."""
    open_widget_notebook(lab_page, "restart.ipynb", "before_restart = 41")
    scripted_llm.script(Reply("Hello from before the restart."))
    send(page, "hello", scope=WIDGET)

    # Restart as a person does: the Kernel menu's command, then the dialog's Restart.
    lab_page.notebook_js(
        "window.__restarted = false; nb.sessionContext.session.kernel.statusChanged.connect("
        "(_, s) => { if (s === 'restarting') window.__restarted = true; });"
    )
    page.evaluate("() => { window.jupyterapp.commands.execute('kernelmenu:restart'); }")
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    page.wait_for_function("() => window.__restarted")
    lab_page.wait_for_kernel_idle()
    lab_page.notebook_js(
        "nb.content.activeCellIndex = 1;"
        " nb.content.activeCell.model.sharedModel.setSource('after_restart = 7; ratio = 3.0');"
        " await window.jupyterapp.commands.execute('notebook:run-cell');"
    )
    lab_page.wait_for_kernel_idle()
    page.wait_for_function(
        "() => [...window.jupyterapp.shell.widgets('main')].find(w => w.sessionContext)"
        ".content.widgets[1].model.executionCount === 1"
    )

    scripted_llm.script(
        Reply(tool_calls=[ToolCall("list_kernel_variables", {})]), Reply("You have after_restart.")
    )
    send(page, "what variables do I have now?", scope=WIDGET)
    screenshot(page, "widget-after-restart")
    output = _last_tool_output(scripted_llm)
    assert "after_restart" in output, output
    assert "before_restart" not in output
    assert "error" not in output
    # Through the bridge (JupyterLab's kernel tools) a float reads as the kernel wrote it.
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "ratio"})]),
        Reply("A float."),
    )
    send(page, "what is ratio?", scope=WIDGET)
    value = json.loads(_last_tool_output(scripted_llm))["value"]
    assert type(value) is float and value == 3.0, value
    # Nothing in the page failed on the way (the widget's answer notice to a dead comm).
    errors = [m for m in page.console_messages if m.startswith(("error", "pageerror"))]
    assert not [m for m in errors if "jupyter-chatkit" in m], errors


def test_a_markdown_cell_kept_out_on_the_page_is_not_read_by_chat_in_the_kernel(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """A markdown cell tagged chatkit-private on the page, not saved: ``%chat``'s own
    readers in the kernel (which read the saved file) do not read its text. Before, the
    page told the kernel only of code cells (and nothing at all when no code cell was
    kept out), so the saved, untagged text went to the model."""
    spec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    cells = [
        {"cell_type": "markdown", "id": "notes", "metadata": {}, "source": "KOMD-9 vendor notes"},
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": "KOPUB-9 intro"},
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "ask",
            "metadata": {},
            "outputs": [],
            "source": "%load_ext jupyter_chatkit\n%chat what do my notes say",
        },
    ]
    nb = {"cells": cells, "metadata": {"kernelspec": spec}, "nbformat": 4, "nbformat_minor": 5}
    (lab_page.server.root_dir / "md_kept.ipynb").write_text(json.dumps(nb))
    lab_page.open("md_kept.ipynb")
    lab_page.notebook_js("nb.content.widgets[0].model.setMetadata('tags', ['chatkit-private']);")
    # The kernel has heard of it (livepush.ts), before the question runs.
    lab_page.notebook_js(
        "const k = nb.sessionContext.session.kernel;"
        " const expr = \"__import__('jupyter_chatkit.kernel.kept_names', fromlist=['x'])"
        '.pushed_live() is not None";'
        " for (let i = 0; i < 200; i++) {"
        "  const f = k.requestExecute({code: '', silent: true, user_expressions: {p: expr}});"
        "  const r = await f.done;"
        "  if (r.content.user_expressions.p.data?.['text/plain'] === 'True') return;"
        "  await new Promise((ok) => setTimeout(ok, 50)); }"
        " throw new Error('the kernel never heard of the kept-out cell');"
    )
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("get_notebook_cells", {})]), Reply("Notes kept out.")
    )
    lab_page.set_active_cell(2)
    lab_page.notebook_js("await window.jupyterapp.commands.execute('notebook:run-cell');")
    page.locator(".jck-answer", has_text="Notes kept out.").wait_for(timeout=60_000)
    (result,) = tool_results(scripted_llm)[:1]
    assert "KOMD-9" not in result, result
    assert "KOPUB-9" in result, result
    screenshot(page, "markdown-kept-out-chat")


def test_a_kept_out_cell_merged_into_a_readable_one_stays_kept_out(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """A readable cell merged with the kept-out cell below it (Merge Cell Below, from the
    readable one): JupyterLab gives the merged cell the active cell's metadata only, so
    the tag went and the kept-out source reached the model. The merged cell is kept out
    now (marked, and the model reads no source of it)."""
    lab_page.server.write_notebook("merge_kept.ipynb", ["print('KOPUB-M')", "secret = 'KOVAL-M1'"])
    lab_page.open("merge_kept.ipynb")
    lab_page.notebook_js("nb.content.widgets[1].model.setMetadata('tags', ['chatkit-private']);")
    lab_page.set_active_cell(0)
    lab_page.notebook_js("await window.jupyterapp.commands.execute('notebook:merge-cell-below');")
    tags = "return nb.content.widgets.map(w => JSON.stringify(w.model.getMetadata('tags') ?? []));"
    assert lab_page.notebook_js(tags) == ['["chatkit-private"]']
    page.locator(".jp-Notebook .jp-Cell.jck-private-cell").first.wait_for()
    open_panel(page)
    scripted_llm.script(Reply(tool_calls=[ToolCall("get_notebook_cells", {})]), Reply("Read."))
    send(page, "what is in my notebook?")
    wait_answer(page, "Read.")
    (result,) = tool_results(scripted_llm)[-1:]
    assert "KOVAL-M1" not in result and "KOPUB-M" not in result, result
    screenshot(page, "merged-cell-kept-out")
