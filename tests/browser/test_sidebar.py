"""The Notebook Assistant sidebar in a real JupyterLab, driven through real Chromium.

The server's model is the fake OpenAI-compatible server (``scripted_llm``): each test
scripts the replies it needs (a client tool call, then an answer; a code card) and checks
what reached the model and what the panel shows (the built-in offline model:
test_offline_hint_lab.py). Each test works in its own notebook. JupyterLab runs under a
non-root base URL, as on JupyterHub.

Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import (
    ASSISTANT,
    INPUT,
    PANEL,
    USER,
    LabPage,
    poll_page,
    send,
    tool_output,
    wait_idle,
)
from tests.fixtures.chat_ui import open_notebook, open_panel_from_palette
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

JUPYTER_BASE_URL = "/user/ada/"  # read by the jupyter_lab fixture
# One kept JupyterLab page for the module's lab_page tests (tests/fixtures/lab_reuse.py).
REUSE_LAB_PAGE = True


# -- helpers ----------------------------------------------------------------------------


def answers(page: Any) -> int:
    """How many assistant messages the panel shows."""
    return int(page.locator(ASSISTANT).count())


def tool_then_answer(llm: FakeLLM, tool: str, answer: str, **args: Any) -> None:
    """Script one client tool call, then an answer."""
    llm.script(Reply(tool_calls=[ToolCall(tool, args)]), Reply(answer))


def last_user_message(page: Any) -> str:
    """The text of the last user message in the panel."""
    return str(page.locator(USER).last.inner_text())


# -- tests ------------------------------------------------------------------------------


def test_palette_opens_panel_and_the_answer_streams(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(lab_page, "hello.ipynb", ["x = 1"], run=False)
    open_panel_from_palette(page)
    panel = page.locator(PANEL)
    assert "hello.ipynb" in panel.locator(".jp-chatkit-context").inner_text()
    page.wait_for_function(
        "(sel) => /fake-model/.test(document.querySelector(sel)?.textContent || '')",
        arg=f"{PANEL} .jp-chatkit-model",
    )
    assert not panel.locator(".jck-offline").is_visible()  # a provider is configured
    reply = "Hello! This answer arrives word by word, as a real model streams it."
    scripted_llm.script(Reply(reply))
    # A model that streams over time (the server merges only deltas that arrive together).
    scripted_llm.token_delay = 0.05
    # The answer arrives as Server-Sent Events with many text deltas: a streamed answer.
    # (DevTools keeps no body for event streams, so tee the fetch in the page.)
    page.evaluate(
        """() => {
          window.__jckStreams = [];
          const orig = window.fetch;
          window.fetch = async (...args) => {
            const res = await orig(...args);
            if (String(args[0]).includes('/jupyter-chatkit/chatkit')) {
              const rec = {type: res.headers.get('content-type'), text: '', chunks: 0};
              window.__jckStreams.push(rec);
              const reader = res.clone().body.getReader();
              const dec = new TextDecoder();
              (async () => { try { for (;;) { const {done, value} = await reader.read();
                if (done) break; rec.chunks++; rec.text += dec.decode(value, {stream: true}); }
              } finally { rec.done = true; } })();
            }
            return res;
          };
        }"""
    )
    assert send(page, "hello") == reply
    # The tee reads its copy on its own: it may end after the chat has shown the answer.
    page.wait_for_function("() => window.__jckStreams.every((s) => s.done)")
    streams = page.evaluate("window.__jckStreams")
    streamed = [s for s in streams if (s["type"] or "").startswith("text/event-stream")]
    assert streamed, streams
    assert streamed[0]["text"].count("text_delta") >= 3
    asked = scripted_llm.requests[0]["messages"][-1]
    assert asked == {"role": "user", "content": [{"type": "text", "text": "hello"}]}
    screenshot(page, "answered")
    # After a reload the panel reopens the same conversation from the server's store.
    lab_page.reload()
    lab_page.command("jupyter-chatkit:open")
    page.locator(USER, has_text="hello").wait_for(state="visible")
    assert page.locator(f"{ASSISTANT} .jck-parts").last.inner_text() == reply


def test_shortcut_opens_panel(lab_page: LabPage, page: Any) -> None:
    open_notebook(lab_page, "shortcut.ipynb", ["x = 1"], run=False)
    assert not page.locator(INPUT).is_visible()
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="visible")
    # The composer takes the focus in the frame after the chat renders (panel.ts), so
    # the box shows before it is focused: wait for the focus, ready to type.
    page.wait_for_function("document.activeElement?.classList.contains('jck-input')")


def test_variables_come_from_the_notebooks_kernel(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(
        lab_page,
        "variables.ipynb",
        [
            "import pandas\n"
            "df = pandas.DataFrame({'city': ['Oslo', 'Lima', 'Pune', 'Kobe', 'Graz'],"
            " 'temp': [3.5, 19.0, 27.2, 16.1, 9.9]})\nratio = 3.0"
        ],
    )
    open_panel_from_palette(page)
    tool_then_answer(scripted_llm, "list_kernel_variables", "You have one DataFrame, df.")
    assert send(page, "what variables do I have?") == "You have one DataFrame, df."
    screenshot(page, "variables")
    (df,) = [v for v in tool_output(scripted_llm)["variables"] if v["name"] == "df"]
    assert df["type"] == "pandas.DataFrame" and df["shape"] == [5, 2]
    # A float the kernel holds reads as one (3.0), as through the kernel's own route
    # (before: JSON's round trip through the browser made it 3).
    tool_then_answer(scripted_llm, "inspect_kernel_variable", "A float.", name="ratio")
    assert send(page, "what is ratio?") == "A float."
    tools = [m for m in scripted_llm.requests[-1]["messages"] if m["role"] == "tool"]
    value = json.loads(tools[-1]["content"])["value"]
    assert type(value) is float and value == 3.0, tools[-1]["content"]


CSV_CODE = 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\ndf.head()'
# The keyboard is on the notebook's active cell, in command mode.
KEYS_ON_ACTIVE_CELL = (
    "return nb.content.mode === 'command'"
    " && nb.content.activeCell.node.contains(document.activeElement);"
)


def test_insert_code_card_below_active_cell(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(
        lab_page,
        "insert.ipynb",
        ["import pandas\ndf = pandas.DataFrame({'a': [1, 2, 3], 'b': [4.0, 5.0, 6.0]})", "# last"],
    )
    lab_page.set_active_cell(0)
    open_panel_from_palette(page)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": CSV_CODE, "title": "Load"})]),
        Reply("Insert it below."),
    )
    send(page, "write code to load a csv file")
    card = page.locator(f"{PANEL} .jck-widget").last
    card.wait_for(state="visible")
    code = str(card.locator("pre code").first.inner_text()).rstrip("\n")
    assert code == CSV_CODE
    screenshot(page, "card")
    card.get_by_role("button", name=re.compile(r"^Insert$")).first.click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets.length === 3"
    )
    sources = lab_page.cell_sources()
    assert sources[1] == code, sources
    assert sources[2] == "# last"
    assert lab_page.notebook_js("return nb.content.activeCellIndex;") == 1
    # The keyboard is on the new cell in command mode (Shift+Enter runs it), not on the
    # card's button (where Shift+Enter inserted again).
    assert lab_page.notebook_js(KEYS_ON_ACTIVE_CELL)
    screenshot(page, "inserted")
    # "Insert & run" (a server action answered by a client effect) inserts below the new
    # active cell and runs it: data.csv does not exist, so the new cell shows an error.
    card.get_by_role("button", name="Insert & run").first.click()
    page.wait_for_function(
        "() => { const c = window.jupyterapp.shell.currentWidget.content.widgets[2];"
        " return !!c && c.model.executionCount !== null && c.model.outputs.length > 0; }"
    )
    assert lab_page.cell_sources()[2] == code
    assert lab_page.cell_sources()[3] == "# last"
    # The chat was told the insertion worked (a cell that raises still got the code).
    status = page.locator(f"{PANEL} .jck-sr").inner_text()
    assert "Inserted below and running" in status, status
    assert lab_page.notebook_js(KEYS_ON_ACTIVE_CELL)
    page.locator(".jp-chatkit-ask-error").first.wait_for(state="visible")
    screenshot(page, "inserted-and-ran")

    # The keyboard goes to the new cell only from where the click left it: a person who
    # moved on while the insert was on its way (the server answers the card's action)
    # keeps typing where they are, in the chat's message box or in a cell's editor.
    box = page.locator(INPUT)
    cells = "window.jupyterapp.shell.currentWidget.content.widgets.length"
    insert, insert_and_run = re.compile(r"^Insert$"), re.compile(r"^Insert & run$")
    for where, name in (
        ("message box", insert),
        ("cell editor", insert),
        ("cell editor", insert_and_run),
    ):
        count = page.evaluate(f"() => {cells}")
        ran = lab_page.notebook_js(RAN_CELLS)
        with held_action(page):
            card.get_by_role("button", name=name).first.click()
            if where == "message box":
                box.click()
                page.keyboard.type("still typing")
            else:
                page.locator(".jp-Notebook .jp-Cell").first.locator(".cm-content").click()
                page.keyboard.press("Control+End")
                page.keyboard.type("  # mine")
        page.wait_for_function(f"() => {cells} === {count + 1}")
        if name is insert_and_run:
            # A focus move once the kernel ran the new cell would come after that.
            def new_cell_ran(before: int = ran) -> bool:
                return bool(lab_page.notebook_js(RAN_CELLS) > before)

            poll_page(page, new_cell_ran, "the inserted cell never ran")
        # (Two frames: what the insert deferred, a scroll's end, has run.)
        page.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        if where == "message box":
            assert page.evaluate(
                "(sel) => document.activeElement === document.querySelector(sel)", INPUT
            )
            page.keyboard.type(" on")
            assert box.input_value() == "still typing on"
            box.fill("")
        else:
            assert lab_page.notebook_js(
                "return nb.content.mode === 'edit' && nb.content.activeCellIndex === 0"
                " && nb.content.widgets[0].node.contains(document.activeElement);"
            )
            page.keyboard.type("!")
            assert lab_page.cell_sources()[0].endswith("  # mine!")
    screenshot(page, "kept-typing")


# Code cells of the current notebook that have run (an execution count).
RAN_CELLS = (
    "return nb.content.widgets.filter("
    "c => c.model.type === 'code' && c.model.executionCount !== null).length;"
)


@contextlib.contextmanager
def held_action(page: Any) -> Iterator[None]:
    """Hold the chat's next widget action (``threads.custom_action``) at the page until the
    block ends; the other requests go on."""
    held: list[Any] = []

    def hold(route: Any) -> None:
        if not held and "threads.custom_action" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.fallback()

    page.route("**/jupyter-chatkit/chatkit", hold)
    try:
        yield
        # The click's request reached the page's routing (it is made at the click).
        page.wait_for_function("() => true")
        poll_page(page, lambda: bool(held), "the widget action never reached the page's routing")
    finally:
        for route in held:
            route.fallback()
        page.unroute("**/jupyter-chatkit/chatkit", hold)


def test_replace_active_cell_and_undo(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(lab_page, "replace.ipynb", ["original = 1", "second = 2", "# end"], run=False)
    lab_page.set_active_cell(1)
    open_panel_from_palette(page)
    scripted_llm.script(Reply(f"Like this:\n\n```python\n{CSV_CODE}\n```"))
    send(page, "write code to load a csv file")
    bar = page.locator(f"{PANEL} .jck-code-bar").last
    bar.wait_for(state="visible")
    code = str(page.locator(f"{PANEL} .jck-code").last.locator("pre code").inner_text()).rstrip(
        "\n"
    )
    bar.locator(".jck-replace").click()
    # The change is shown as a diff first; Replace applies it.
    page.locator(".jp-Dialog").get_by_role("button", name="Replace the cell").click()
    notice = page.locator(f"{PANEL} .jp-chatkit-notice")
    notice.wait_for(state="visible")
    assert "Replaced cell 2" in notice.inner_text()
    assert code == CSV_CODE
    assert lab_page.cell_sources() == ["original = 1", code, "# end"]
    screenshot(page, "replaced")
    # The keyboard went to the replaced cell: Shift+Enter runs it (it used to reopen the
    # dialog from the card's button, now showing no change).
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[1].model.executionCount"
        " !== null"
    )
    assert page.locator(".jp-Dialog").count() == 0
    notice.get_by_role("button", name="Undo").click()
    assert lab_page.cell_sources() == ["original = 1", "second = 2", "# end"]
    assert "Restored cell 2" in notice.inner_text()


def test_replace_is_one_step_of_the_cells_own_undo(lab_page: LabPage, page: Any) -> None:
    """Ctrl+Z in the cell's editor reverts exactly the replacement (no merged typing)."""
    open_notebook(lab_page, "undo.ipynb", ["before = 1"], run=False)
    lab_page.set_active_cell(0)
    lab_page.command("jupyter-chatkit:replace-active-cell", {"code": "after = 2"})
    assert lab_page.cell_sources() == ["after = 2"]
    assert lab_page.notebook_js("return nb.content.widgets[0].model.sharedModel.canUndo();")
    lab_page.notebook_js("nb.content.widgets[0].model.sharedModel.undo();")
    assert lab_page.cell_sources() == ["before = 1"]


def test_ask_about_this_error(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(lab_page, "error.ipynb", ["rates = {'a': 1}", "total = rates['a'] / 0"])
    tool_then_answer(scripted_llm, "get_notebook_cells", "Cell 2 divides by zero.")
    button = page.locator(".jp-chatkit-ask-error")
    button.wait_for(state="visible")
    assert button.count() == 1  # only the error output, not the good cell
    # The button says what it sends ("Fix the error in cell 2: ..."), as /fix does.
    assert button.inner_text().strip() == "Fix this error"
    screenshot(page, "error-button")
    # The same action is in the context menu of the error output.
    page.locator(".jp-chatkit-error-output").first.click(button="right")
    menu_item = page.locator(".lm-Menu-item", has_text="Fix This Error")
    menu_item.wait_for(state="visible")
    screenshot(page, "error-context-menu")
    page.keyboard.press("Escape")
    button.click()
    page.locator(INPUT).wait_for(state="visible")
    page.wait_for_function(
        "([sel]) => document.querySelectorAll(sel).length > 0", arg=[ASSISTANT], timeout=60_000
    )
    wait_idle(page)
    asked = last_user_message(page)
    # A compact reference; the cell and its error go as context (the tag), not as text.
    assert asked.startswith("Fix the error in cell 2: ZeroDivisionError")
    assert "rates['a'] / 0" not in asked
    assert "\x1b[" not in asked
    page.locator(ASSISTANT, has_text="Cell 2 divides by zero.").wait_for(state="visible")
    wait_idle(page)
    # What the model was asked, and what the notebook tool showed it.
    assert "ZeroDivisionError" in json.dumps(scripted_llm.requests[0]["messages"][-2:])
    errors = [o for c in tool_output(scripted_llm)["cells"] for o in c.get("outputs", [])]
    assert [o["ename"] for o in errors if o.get("output_type") == "error"] == ["ZeroDivisionError"]
    screenshot(page, "asked")


def test_a_syntax_errors_message_names_the_cells_line(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    """IPython's SyntaxError says "(537175822.py, line 1)", its temp file for the cell:
    the person's message says the cell's line instead."""
    open_notebook(lab_page, "syntax.ipynb", ["total = 1 +* 2"])
    scripted_llm.script(Reply("An operator too many."))
    page.locator(".jp-chatkit-ask-error").click()
    page.locator(ASSISTANT, has_text="An operator too many.").wait_for(state="visible")
    asked = last_user_message(page)
    assert asked.startswith("Fix the error in cell 1: SyntaxError"), asked
    assert "line 1" in asked and ".py" not in asked, asked
    wait_idle(page)


def test_explain_cell_from_context_menu(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(lab_page, "explain.ipynb", ["squares = [n * n for n in range(10)]"], run=False)
    tool_then_answer(scripted_llm, "get_active_cell", "It squares 0 to 9.")
    page.locator(".jp-Notebook .jp-Cell").first.click(button="right")
    page.locator(".lm-Menu-item", has_text="Explain This Cell").click()
    page.locator(INPUT).wait_for(state="visible")
    page.locator(USER).first.wait_for(state="visible")
    assert last_user_message(page).startswith("Explain cell 1")
    page.locator(ASSISTANT, has_text="It squares 0 to 9.").wait_for(state="visible")
    wait_idle(page)
    # The cell went as the reference's context.
    assert "squares = [n * n for n in range(10)]" in json.dumps(scripted_llm.requests[0])
    # get_active_cell gave the model the cell that was right-clicked.
    assert tool_output(scripted_llm)["cell"]["source"] == "squares = [n * n for n in range(10)]"


@pytest.mark.parametrize("subshells", [True, False], ids=["subshell", "no-subshell"])
def test_busy_kernel_gets_a_readable_answer(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, tmp_path: Path, subshells: bool
) -> None:
    name = f"busy_{subshells}.ipynb"
    open_notebook(lab_page, name, ["rows_loaded = 12"])
    if not subshells:
        # The kernel's connection says it has no subshells (another kernel, an older
        # ipykernel), as the page's own code reads it.
        lab_page.notebook_js(
            "Object.defineProperty(nb.sessionContext.session.kernel, 'supportsSubshells',"
            " { value: false, configurable: true });"
        )
    # Keep the kernel busy (as a long cell would) until this test says so; a fixed
    # sleep could end before the tool ran on a loaded machine.
    release = tmp_path / "release"
    code = f"import os, time\nwhile not os.path.exists({str(release)!r}): time.sleep(0.05)"
    # Wait for this cell to start, not for kernel.status == 'busy': ipykernel publishes
    # busy/idle for control requests too (JupyterLab's debugger sends debug_request), so
    # the status flips back to 'idle' while the cell runs and a poll for 'busy' could
    # miss it for 30 s.
    lab_page.notebook_js(
        "window.__cellStarted = false;"
        " const f = nb.sessionContext.session.kernel.requestExecute({code: arg});"
        " f.onIOPub = (m) => {"
        "   if (m.header.msg_type === 'execute_input') window.__cellStarted = true; };",
        code,
    )
    try:
        page.wait_for_function("() => window.__cellStarted === true")
        open_panel_from_palette(page)
        tool_then_answer(scripted_llm, "list_kernel_variables", "Listed.")
        assert send(page, "what variables do I have?") == "Listed."
        # The tool answered (it did not hang on the busy kernel): with subshells (JEP 91,
        # ipykernel 7) it read the variables beside the running cell, else it said why
        # it had nothing.
        output = json.dumps(tool_output(scripted_llm)).lower()
        assert not release.exists()
        if subshells:
            assert "rows_loaded" in output and "busy" not in output
        else:
            assert "busy" in output and "rows_loaded" not in output
    finally:
        release.touch()


def test_notebook_cells_are_bounded_and_plain(lab_page: LabPage, page: Any) -> None:
    """get_notebook_cells: huge outputs clipped, tracebacks without colour codes."""
    open_notebook(
        lab_page,
        "bounded.ipynb",
        ["print('x' * 100_000)", "{}['missing']", *[f"n{i} = {i}" for i in range(40)]],
    )
    result = page.evaluate(
        """async () => window.jupyterChatkitBridge.notebookCells(
             document.querySelectorAll('.jp-Notebook .jp-Cell')[0], {})"""
    )
    assert result["cell_count"] == 42
    assert len(result["cells"]) == 30  # the default max_cells, nearest cell 0
    assert [c["index"] for c in result["cells"]] == list(range(30))
    big = result["cells"][0]["outputs"][0]["text"]
    assert len(big) <= 2000 and "more characters" in big
    error = result["cells"][1]["outputs"][0]
    assert error["output_type"] == "error" and error["ename"] == "KeyError"
    assert "\x1b[" not in error["text"] and "KeyError" in error["text"]
    assert len(json.dumps(result)) < 64_000
    no_outputs = page.evaluate(
        # JupyterLab renders long notebooks windowed: bring cell 41 into the DOM first,
        # as it is whenever a person clicks something in it.
        """async () => {
             const nb = window.jupyterapp.shell.currentWidget.content;
             await nb.scrollToItem(41);
             await new Promise(r => requestAnimationFrame(() => r()));
             return window.jupyterChatkitBridge.notebookCells(
               nb.widgets[41].node, {max_cells: 3, include_outputs: false});
           }"""
    )
    assert [c["index"] for c in no_outputs["cells"]] == [39, 40, 41]
    assert all("outputs" not in c for c in no_outputs["cells"])


def test_bridge_inserts_below_the_widgets_own_cell(lab_page: LabPage, page: Any) -> None:
    """The notebook widget's bridge: below the cell holding the element, not the active one."""
    open_notebook(lab_page, "bridge.ipynb", ["print('widget here')", "x = 41", "# end"])
    lab_page.set_active_cell(2)
    assert page.evaluate("window.jupyterChatkitBridge.version") == 1
    ok = page.evaluate(
        """async () => {
          const out = document.querySelectorAll('.jp-Notebook .jp-Cell')[0]
            .querySelector('.jp-OutputArea-output');
          return window.jupyterChatkitBridge.insertCell(out, 'y = x + 1\\nprint(y)', {run: true});
        }"""
    )
    assert ok is True
    assert lab_page.cell_sources() == [
        "print('widget here')",
        "y = x + 1\nprint(y)",
        "x = 41",
        "# end",
    ]
    # Wait for the run's end (its execution count comes with the reply, after the
    # output): the reads below are compared with each other.
    page.wait_for_function(
        "() => { const m = window.jupyterapp.shell.currentWidget.content.widgets[1].model;"
        " return m.executionCount !== null && m.outputs.length > 0; }"
    )
    cells = page.evaluate(
        """async () => {
          const el = document.querySelectorAll('.jp-Notebook .jp-Cell')[0];
          return window.jupyterChatkitBridge.notebookCells(el, {max_cells: 2});
        }"""
    )
    assert cells["active_cell_index"] == 0
    assert [c["index"] for c in cells["cells"]] == [0, 1]
    assert cells["cells"][0]["outputs"][0]["text"] == "widget here\n"
    active = page.evaluate(
        """async () => window.jupyterChatkitBridge.activeCell(
             document.querySelectorAll('.jp-Notebook .jp-Cell')[0])"""
    )
    assert active["cell"]["source"] == "print('widget here')"
    assert active["cell"]["index"] == 0
    # One generic entry by tool name (what newer widgets call); the two above are it too.
    by_name = page.evaluate(
        """async () => {
          const el = document.querySelectorAll('.jp-Notebook .jp-Cell')[0];
          const b = window.jupyterChatkitBridge;
          return {
            cells: await b.runTool(el, 'get_notebook_cells', {max_cells: 2}),
            active: await b.runTool(el, 'get_active_cell', {}),
            step: await b.runTool(el, 'insert_cell', {source: 'nope = 1'}),
            unknown: await b.runTool(el, 'no_such_tool', {}),
          };
        }"""
    )
    assert by_name["cells"] == cells and by_name["active"] == active
    # Agent steps are not run by name: only after an approval card (agent()).
    assert by_name["step"] is None and by_name["unknown"] is None
    assert "nope = 1" not in lab_page.cell_sources()
    outside = page.evaluate(
        "async () => window.jupyterChatkitBridge.notebookCells(document.body, {})"
    )
    assert outside is None


# A load of its own: it reloads with other settings, which the kept page would keep.
@pytest.mark.fresh_page
def test_side_and_send_shortcut_settings(lab_page: LabPage, page: Any) -> None:
    open_notebook(lab_page, "settings.ipynb", ["x = 1"], run=False)
    open_panel_from_palette(page)
    assert page.locator(f"#jp-right-stack {PANEL}").count() == 1
    # Change the settings the way the Settings Editor stores them, then reload.
    lab_page.server.put_settings(
        "jupyter-chatkit:plugin", {"side": "left", "sendShortcut": "Accel Enter"}
    )
    try:
        lab_page.reload()
        lab_page.command("jupyter-chatkit:open")
        page.locator(INPUT).wait_for(state="visible")
        assert page.locator(f"#jp-left-stack {PANEL}").count() == 1
        # Type once the panel is bound to the notebook (its header re-renders then).
        page.wait_for_function(
            "(sel) => /settings\\.ipynb/.test(document.querySelector(sel)?.textContent ?? '')",
            arg=f"{PANEL} .jp-chatkit-context",
        )
        box = page.locator(INPUT)
        box.click()
        box.type("first line")
        box.press("Enter")
        box.type("second line")
        assert box.input_value() == "first line\nsecond line"
        # The send keys: in the placeholder when it fits, else in the box's tooltip.
        hint = (box.get_attribute("placeholder") or "") + (box.get_attribute("title") or "")
        assert "Ctrl+Enter" in hint, hint
        before = answers(page)
        box.press("Control+Enter")
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length > n", arg=[ASSISTANT, before]
        )
        assert "first line" in last_user_message(page)
        wait_idle(page)
    finally:
        lab_page.server.put_settings("jupyter-chatkit:plugin", {})


def test_dark_theme(lab_page: LabPage, page: Any, screenshot: Any) -> None:
    """The panel follows JupyterLab's theme (its colours are JupyterLab's variables)."""
    open_notebook(
        lab_page, "dark.ipynb", ["import pandas\ndf = pandas.DataFrame({'a': [1]})", "1/0"]
    )
    lab_page.command("apputils:change-theme", {"theme": "JupyterLab Dark"})
    try:
        page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
        check_dark_panel(page, screenshot)
    finally:
        lab_page.server.put_settings("@jupyterlab/apputils-extension:themes", {})


def check_dark_panel(page: Any, screenshot: Any) -> None:
    """Chat in the dark theme; the panel's background is dark and its text light."""
    open_panel_from_palette(page)
    send(page, "what variables do I have?")
    send(page, "write code to load a csv file")
    colours = page.evaluate(
        """(sel) => { const p = document.querySelector(sel);
             const bg = getComputedStyle(p).backgroundColor;
             const fg = getComputedStyle(p.querySelector('.jck-msg.jck-assistant')).color;
             return [bg, fg]; }""",
        PANEL,
    )

    def luminance(css: str) -> float:
        r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    background, text = colours
    assert luminance(background) < 80 < luminance(text), colours
    screenshot(page, "dark")


def test_active_cell_includes_the_editor_selection(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    open_notebook(
        lab_page, "selection.ipynb", ["total = 0\nfor price in [3, 4]:\n    total += price"]
    )
    # Select the second line in the cell's editor, as a person would.
    page.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    # Straight to the assistant (Escape would end edit mode and drop the selection).
    open_panel_from_palette(page)
    tool_then_answer(scripted_llm, "get_active_cell", "It adds up the prices.")
    assert send(page, "explain the selected code") == "It adds up the prices."
    cell = tool_output(scripted_llm)["cell"]
    assert cell["source"] == "total = 0\nfor price in [3, 4]:\n    total += price"
    assert cell["selected_text"] == "for price in [3, 4]:"


def test_selection_chip_follows_the_selection_as_it_changes(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    """The sidebar's selection chip names what is selected in the active cell now, while
    the person selects in the cell's editor (before: only once the chat got the focus)."""
    cells = ["total = 0\nfor price in [3, 4]:\n    total += price"]
    open_notebook(lab_page, "chipsel.ipynb", cells, run=False)
    open_panel_from_palette(page)
    chip = page.locator(f"{PANEL} .jck-chip-selection")
    page.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    chip.wait_for(timeout=10_000)
    assert chip.get_attribute("title") == "for price in [3, 4]:"
    screenshot(page, "selection-chip")
    # The selection grows: the chip follows.
    page.keyboard.press("Shift+ArrowDown")
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.title"
        " === 'for price in [3, 4]:\\n    total += price'",
        arg=f"{PANEL} .jck-chip-selection",
        timeout=10_000,
    )
    # Nothing selected any more: no chip.
    page.keyboard.press("ArrowRight")
    chip.wait_for(state="detached", timeout=10_000)


# The middle of `sel` is `sel` itself (or inside it): not covered by anything else.
UNCOVERED = """(sel) => { const el = document.querySelector(sel); if (!el) return false;
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return !!hit && el.contains(hit); }"""


def test_the_message_box_stays_clear_of_jupyterlabs_toasts(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    """JupyterLab's toasts show at the bottom right, over the sidebar's message box (its
    news question on a first start stays until answered): while one shows, the box sits
    above it, and goes back once it is gone. The toast itself is left alone."""
    open_notebook(lab_page, "toasts.ipynb", ["x = 1"], run=False)
    open_panel_from_palette(page)
    box = page.locator(INPUT)
    box.wait_for()
    at_rest = box.bounding_box()
    toast = lab_page.command(
        "apputils:notify",
        {
            "message": "Would you like to get notified about official Jupyter news?",
            "type": "default",
            "options": {"autoClose": False},
        },
    )
    # The toast in place (it slides in from the right; until then it covers nothing).
    page.wait_for_function(
        "() => { const c = document.querySelector('.jp-toastContainer');"
        " return !!c && c.children.length > 0"
        " && [...c.querySelectorAll('*')].every((e) => e.getAnimations().length === 0); }"
    )
    screenshot(page, "box-above-toast")
    assert page.evaluate(UNCOVERED, INPUT)
    lab_page.command("apputils:dismiss-notification", {"id": toast})
    page.locator(".jp-toastContainer").wait_for(state="detached")
    page.wait_for_function(
        "([sel, y]) => document.querySelector(sel).getBoundingClientRect().y === y",
        arg=[INPUT, at_rest["y"]],
    )


def test_panel_follows_the_active_notebook(lab_page: LabPage, page: Any) -> None:
    lab_page.server.write_notebook("second.ipynb", ["y = 2"])
    open_notebook(lab_page, "first.ipynb", ["x = 1"], run=False)
    open_panel_from_palette(page)
    context = page.locator(f"{PANEL} .jp-chatkit-context")
    assert "first.ipynb" in context.inner_text()
    lab_page.command("docmanager:open", {"path": "second.ipynb"})
    page.wait_for_function(
        "(sel) => /second\\.ipynb/.test(document.querySelector(sel).textContent)",
        arg=f"{PANEL} .jp-chatkit-context",
    )
    # Back to the first notebook's tab: the panel follows.
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="first.ipynb").click()
    page.wait_for_function(
        "(sel) => /first\\.ipynb/.test(document.querySelector(sel).textContent)",
        arg=f"{PANEL} .jp-chatkit-context",
    )
    # With every notebook closed, the panel says it sees none.
    # (Disposed directly: closing asks whether to save the changed notebooks.)
    page.evaluate("() => [...window.jupyterapp.shell.widgets('main')].forEach(w => w.dispose())")
    page.wait_for_function(
        "(sel) => /No notebook open/.test(document.querySelector(sel).textContent)",
        arg=f"{PANEL} .jp-chatkit-context",
    )


def test_composer_stays_in_a_short_sidebar(lab_page: LabPage, page: Any, screenshot: Any) -> None:
    """In a short window the chat shrinks (its history scrolls): the message box stays
    inside the sidebar, never clipped below it by the chat's own minimum height."""
    open_notebook(lab_page, "short.ipynb", ["x = 1"], run=False)
    open_panel_from_palette(page)
    page.set_viewport_size({"width": 1000, "height": 300})
    page.wait_for_function(
        "(sel) => document.querySelector(sel).getBoundingClientRect().height < 250", arg=PANEL
    )
    box = page.evaluate(
        """([panel, input]) => {
             const p = document.querySelector(panel).getBoundingClientRect();
             const i = document.querySelector(input).getBoundingClientRect();
             const chat = getComputedStyle(document.querySelector(panel + ' .jck-chat'));
             return { panelBottom: p.bottom, inputTop: i.top, inputBottom: i.bottom,
                      chatMinHeight: chat.minHeight }; }""",
        [PANEL, INPUT],
    )
    assert box["chatMinHeight"] == "0px", box
    assert box["inputTop"] >= 0 and box["inputBottom"] <= box["panelBottom"] + 0.5, box
    screenshot(page, "short-sidebar")
