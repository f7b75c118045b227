"""Agent mode in Notebook 7: the same flows as in JupyterLab (test_agent_lab.py)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.test_agent_lab import (
    insert_and_edit,
    multi_step_fix,
    planted_instruction,
    statuses_are,
    stop_running_cell,
    undo_after_reload,
)
from tests.fixtures.browser import PANEL, JupyterServer, LabPage, wait_idle
from tests.fixtures.fake_llm import FakeLLM

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def test_notebook7_multi_step_fix_with_approvals_and_undo(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    nb = LabPage(page, notebook7)
    multi_step_fix(nb, page, scripted_llm, screenshot)
    # The panel lives in Notebook 7's right area.
    assert page.locator(f"#jp-right-stack {PANEL}").count() == 1


def test_notebook7_planted_instruction_and_skip(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    planted_instruction(LabPage(page, notebook7), page, scripted_llm, screenshot)


def test_notebook7_stop_interrupts_a_running_cell(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    stop_running_cell(LabPage(page, notebook7), page, scripted_llm, screenshot)


def test_notebook7_undo_survives_a_reload(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    undo_after_reload(LabPage(page, notebook7), page, scripted_llm, screenshot)


def test_notebook7_undo_after_the_notebook_was_renamed(
    notebook7: JupyterServer, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Renamed after the turn (the conversation follows it): Undo still reverts its
    changes, rather than "Nothing reverted; 2 changes are in a notebook not open here"."""
    nb = LabPage(page, notebook7)
    insert_and_edit(nb, page, scripted_llm, "before-rename.ipynb")
    nb.notebook_js("await nb.context.save(); await nb.context.rename('after-rename.ipynb');")
    page.locator(f"{PANEL} .jck-chip", has_text="after-rename.ipynb").wait_for()
    page.locator(f"{PANEL} .jck-agent-undo").click()
    statuses_are(page, "insert_cell", "undone")
    statuses_are(page, "edit_cell", "undone")
    assert nb.cell_sources() == ["x = 41", "print(x)"]
    wait_idle(page)
    assert page.locator(f"{PANEL} .jck-error:not([hidden])").count() == 0
    screenshot(page, "undone-after-rename")
