"""Agent mode in Notebook 7: the same flows as in JupyterLab (test_agent_lab.py)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.test_agent_lab import (
    multi_step_fix,
    planted_instruction,
    stop_running_cell,
    undo_after_reload,
)
from tests.fixtures.browser import PANEL, JupyterServer, LabPage
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
