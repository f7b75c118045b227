"""What the sidebar's client tools read of a notebook in a real JupyterLab, driven through
real Chromium: the kernel's variables (also while it is busy), the cells (bounded, and
through the notebook widget's bridge), the active cell and the editor's selection.

The model is the fake OpenAI-compatible server (``scripted_llm``). The JupyterLab (under a
non-root base URL, as on JupyterHub) and its kept page are shared with test_sidebar.py
(``SHARED_LAB``). Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.browser.sidebar_chat import tool_then_answer
from tests.fixtures.browser import PANEL, LabPage, send, tool_output
from tests.fixtures.chat_ui import open_notebook, open_panel_from_palette
from tests.fixtures.fake_llm import FakeLLM

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

JUPYTER_BASE_URL = "/user/ada/"  # read by the jupyter_lab fixture
# One kept JupyterLab page for the module's lab_page tests (tests/fixtures/lab_reuse.py).
REUSE_LAB_PAGE = True
# One JupyterLab and kept page for the sidebar's modules (tests/fixtures/shared_labs.py).
SHARED_LAB = "sidebar"
# Notebook 7's pages come from the group's JupyterLab too (its notebook server extension).
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]
# JupyterLab's whole plugin set, as users have it (jupyter_servers.UNUSED_PLUGINS).
JUPYTER_ALL_PLUGINS = True


# -- tests ------------------------------------------------------------------------------


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
    # JupyterLab renders long notebooks windowed: bring cell 41 into the DOM first, as
    # it is whenever a person clicks something in it. Its node is attached in a later
    # frame, which a loaded machine may not have drawn after one (the bridge reads a
    # node the notebook holds: a detached one is no cell of it).
    page.evaluate("() => window.jupyterapp.shell.currentWidget.content.scrollToItem(41)")
    page.wait_for_function(
        """() => { const nb = window.jupyterapp.shell.currentWidget.content;
                   return nb.node.contains(nb.widgets[41].node); }"""
    )
    no_outputs = page.evaluate(
        """async () => {
             const nb = window.jupyterapp.shell.currentWidget.content;
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


def select_second_line(page: Any) -> None:
    """Select the second line in the first cell's editor, as a person would."""
    page.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")


def test_active_cell_includes_the_editor_selection_and_its_chip_follows_it(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """The active cell the model reads carries the editor's selection; the sidebar's
    selection chip names what is selected now, while the person selects in the cell's
    editor (before: only once the chat got the focus).

    (One notebook and kernel for what were two tests, each with its own.)
    """
    source = "total = 0\nfor price in [3, 4]:\n    total += price"
    open_notebook(lab_page, "selection.ipynb", [source])
    select_second_line(page)
    # Straight to the assistant (Escape would end edit mode and drop the selection).
    open_panel_from_palette(page)
    tool_then_answer(scripted_llm, "get_active_cell", "It adds up the prices.")
    assert send(page, "explain the selected code") == "It adds up the prices."
    cell = tool_output(scripted_llm)["cell"]
    assert cell["source"] == source
    assert cell["selected_text"] == "for price in [3, 4]:"

    # Back in the cell's editor, the panel open: the chip follows the selection as the
    # person makes it, the focus staying in the editor.
    chip = page.locator(f"{PANEL} .jck-chip-selection")
    page.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
    chip.wait_for(state="detached", timeout=10_000)
    select_second_line(page)
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
