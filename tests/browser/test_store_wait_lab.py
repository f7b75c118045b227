"""The JupyterLab sidebar says so while the conversation store waits for another
process's lock (another kernel or server on the same SQLite file, a backup, a sqlite3
shell), in place of "Thinking…", then shows the answer once the lock is let go.

Real Jupyter server and Chromium; the lock is held by another process until the line
shows. Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import (
    ASSISTANT,
    INPUT,
    PANEL,
    JupyterServer,
    LabPage,
    fake_llm_env,
    open_panel,
    wait_idle,
)
from tests.fixtures.fake_llm import FakeLLM, Reply
from tests.test_store_locked_start import HeldLock

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

WAITING = "Waiting for the conversation store"


def test_the_sidebar_says_the_store_waits_then_answers(
    jupyter_server_factory: Callable[..., JupyterServer],
    page: Any,
    screenshot: Any,
    tmp_path: Path,
) -> None:
    path = tmp_path / "chat.sqlite3"
    with FakeLLM() as llm:
        llm.default_reply = Reply("Answered once the store was free.")
        env = {**fake_llm_env(llm), "JUPYTER_CHATKIT_STORE_URL": f"sqlite:///{path}"}
        lab = LabPage(page, jupyter_server_factory(extra_env=env))
        lab.open()
        open_panel(page)
        # The server's assistant has opened the store; now another process locks it.
        lab.server.api("jupyter-chatkit/chatkit", "POST", {"type": "threads.list", "params": {}})
        lock = HeldLock(path)
        try:
            box = page.locator(INPUT)
            box.fill("hello")
            box.press("Enter")
            line = page.locator(f"{PANEL} .jck-progress", has_text=WAITING)
            line.wait_for(state="visible", timeout=30_000)
            text = str(line.inner_text())
            assert "another process holds it locked" in text and "JUPYTER_CHATKIT_STORE_URL" in text
            screenshot(page, "waiting-for-the-store")
        finally:
            lock.release()
        page.locator(ASSISTANT, has_text="Answered once the store was free.").wait_for(
            state="visible", timeout=60_000
        )
        wait_idle(page)
        assert page.locator(f"{PANEL} .jck-progress", has_text=WAITING).count() == 0
        assert page.locator(f"{PANEL} .jck-error:visible").count() == 0
        screenshot(page, "answered")
