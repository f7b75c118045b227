"""What a reload before saving loses, in a real JupyterLab, for a notebook that stores no
cell ids (nbformat 4.4: JupyterLab gives its cells new ids at each load, as it does a
notebook never saved): the agent's applied insert and edit say their change is gone (no
Undo claims to revert them); the note of a cell whose kernel died, and of one whose run
the person stopped by shutting the kernel down, is still under it, and the notebook is
not written to. Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.fixtures.agent_steps import STEP, insert_and_edit, statuses_are
from tests.fixtures.browser import PANEL, LabPage, open_panel, wait_idle
from tests.fixtures.fake_llm import FakeLLM
from tests.fixtures.lab_reuse import OPEN_JS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One kept JupyterLab page for the module's lab_page tests (tests/fixtures/lab_reuse.py).
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the modules of this SHARED_LAB
# (tests/fixtures/shared_labs.py): a lab start and a page load fewer each.
SHARED_LAB = "agent"
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]

FIX_BUTTON = ".jp-chatkit-ask-error"
# A run the shutdown's interrupt does not stop (C code, a blocked call): no reply comes.
DEAF_SLEEP = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(60)"


def write_v44(lab: LabPage, name: str, cells: list[str]) -> str:
    """Write notebook ``name`` as nbformat 4.4 (no cell ids); its file's text."""
    lab.server.write_notebook(name, cells, cell_ids=False)
    return (lab.server.root_dir / name).read_text()


def cell_ids(lab: LabPage) -> list[str]:
    """The ids JupyterLab gave the current notebook's cells."""
    return list(lab.notebook_js("return nb.content.widgets.map(w => w.model.id);"))


def reload_unsaved(lab: LabPage) -> None:
    """Leave the notebook unsaved (as a person answering "Leave" does) and reload."""
    lab.notebook_js("nb.context.model.dirty = false;")
    lab.reload()


def run_cell(lab: LabPage, index: int, wait: bool = True) -> None:
    """Run cell ``index`` of the current notebook as the person does."""
    lab.notebook_js(
        "nb.content.activeCellIndex = arg; nb.content.activate();"
        " const run = window.jupyterapp.commands.execute('notebook:run-cell');"
        f" {'await run;' if wait else ''}",
        index,
    )


def test_agent_changes_lost_to_a_reload_say_so_and_no_undo_claims_them(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    insert_and_edit(lab_page, page, scripted_llm, "lost_noids.ipynb", write=write_v44)
    before = cell_ids(lab_page)

    reload_unsaved(lab_page)
    assert lab_page.cell_sources() == ["x = 41", "print(x)"]
    assert not set(cell_ids(lab_page)) & set(before), "new ids at each load"
    open_panel(page)
    page.locator(STEP).nth(1).wait_for(state="visible", timeout=30_000)
    # Both cards say the change is gone (not "Done"), and why; no Undo to claim them.
    statuses_are(page, "insert_cell", "gone")
    statuses_are(page, "edit_cell", "gone")
    assert page.locator(f"{STEP} .jck-step-gone-note").count() == 2
    wait_idle(page)
    assert page.locator(f"{PANEL} .jck-agent-undo").is_hidden()
    screenshot(page, "changes-gone-after-reload")

    # The person types the edit back by hand (its cell has a new id): it is the agent's
    # change again, found at its place, and Undo reverts it.
    editor = page.locator(".jp-Notebook .jp-CodeCell").nth(1).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("print(x + 1)")
    page.keyboard.press("Escape")
    undo = page.locator(f"{PANEL} .jck-agent-undo")
    undo.wait_for(state="visible", timeout=30_000)
    statuses_are(page, "edit_cell", "applied")
    statuses_are(page, "insert_cell", "gone")
    screenshot(page, "edit-typed-back-undo-offered")
    undo.click()
    page.wait_for_function(
        "() => [...window.jupyterapp.shell.widgets('main')].find(w => w.sessionContext)"
        ".content.widgets[1]?.model.sharedModel.getSource() === 'print(x)'"
    )
    assert lab_page.cell_sources() == ["x = 41", "print(x)"]


def test_kernel_notes_survive_a_reload_of_a_notebook_without_cell_ids(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    """A death's note, then a shutdown's: each is under its cell after a reload, though
    the notebook stores no cell ids and was never saved; the file is untouched. The
    shutdown's note follows the notebook renamed into a folder."""
    text = write_v44(lab_page, "noids_crash.ipynb", ["import os\nos._exit(1)", DEAF_SLEEP])
    lab_page.open("noids_crash.ipynb")
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    run_cell(lab_page, 0, wait=False)
    cells.nth(0).locator(FIX_BUTTON).wait_for(timeout=60_000)
    page.keyboard.press("Escape")  # JupyterLab's "Kernel Restarting" dialog
    lab_page.wait_for_kernel_idle()

    reload_unsaved(lab_page)
    cells.nth(0).locator(FIX_BUTTON).wait_for(timeout=30_000)
    assert cells.nth(1).locator(FIX_BUTTON).count() == 0
    # Nothing written into the notebook: the note is the page's (JupyterLab itself marks
    # a 4.4 notebook modified, for the ids it gave its cells).
    assert lab_page.notebook_js("return nb.content.widgets[0].model.outputs.length;") == 0
    screenshot(page, "death-note-after-reload")

    # The person stops the sleeping cell's run by shutting the kernel down (it ignores
    # the interrupt: the kernel is killed, the run never answered).
    run_cell(lab_page, 1, wait=False)
    page.wait_for_function(
        "() => [...window.jupyterapp.shell.widgets('main')].find(w => w.sessionContext)"
        ".sessionContext.session?.kernel?.status === 'busy'"
    )
    lab_page.notebook_js("await nb.sessionContext.shutdown();")
    cells.nth(1).locator(FIX_BUTTON).wait_for(timeout=30_000)
    reload_unsaved(lab_page)
    cells.nth(1).locator(FIX_BUTTON).wait_for(timeout=30_000)
    assert "shut down" in cells.nth(1).inner_text()
    assert lab_page.notebook_js("return nb.content.widgets[1].model.outputs.length;") == 0
    assert (lab_page.server.root_dir / "noids_crash.ipynb").read_text() == text
    screenshot(page, "stopped-note-after-reload")

    # Renamed into a folder, closed and opened again (new cell models: the note is read
    # from the browser's storage, kept by the path, its session having ended with the
    # shutdown): the note follows the notebook. In the same page, as a person does (a
    # load of its own cost a JupyterLab page load; the reloads above check the load).
    (lab_page.server.root_dir / "moved").mkdir(exist_ok=True)
    lab_page.notebook_js(
        "await nb.context.rename('moved/noids_renamed.ipynb'); nb.context.model.dirty = false;"
        " nb.dispose();"
    )
    page.evaluate(OPEN_JS, ["moved/noids_renamed.ipynb"])
    lab_page.wait_for_kernel_idle()
    cells.nth(1).locator(FIX_BUTTON).wait_for(timeout=30_000)
    assert "shut down" in cells.nth(1).inner_text()
    screenshot(page, "stopped-note-after-rename")
