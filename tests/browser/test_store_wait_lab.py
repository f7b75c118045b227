"""The JupyterLab sidebar says so while the conversation store waits for another
process's lock (another kernel or server on the same SQLite file, a backup, a sqlite3
shell), in place of "Thinking…", then shows the answer once the lock is let go.

Real Jupyter server and Chromium; the lock is held by another process until the line
shows. The server is the sidebar modules' JupyterLab (``SHARED_LAB``), its store the
default SQLite file in its data dir, and the page their kept one: a lab start and a page
load fewer. Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import (
    ASSISTANT,
    INPUT,
    PANEL,
    LabPage,
    open_panel,
    wait_idle,
)
from tests.fixtures.fake_llm import FakeLLM, Reply
from tests.test_store_locked_start import HeldLock

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# The sidebar modules' JupyterLab and kept page (tests/fixtures/shared_labs.py), with
# their server set-up: this test reads none of it (its base URL, Notebook 7 exposed).
SHARED_LAB = "sidebar"
REUSE_LAB_PAGE = True
JUPYTER_BASE_URL = "/user/ada/"
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]
# JupyterLab's whole plugin set, as users have it (jupyter_servers.UNUSED_PLUGINS).
JUPYTER_ALL_PLUGINS = True

WAITING = "Waiting for the conversation store"


def test_the_sidebar_says_the_store_waits_then_answers(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    scripted_llm.default_reply = Reply("Answered once the store was free.")
    # The server's own store: the default SQLite file under its data dir.
    path = Path(lab_page.server.env["JUPYTER_DATA_DIR"]) / "jupyter_chatkit" / "chat.sqlite3"
    lab_page.open()
    open_panel(page)
    # The server's assistant has opened the store; now another process locks it.
    lab_page.server.api("jupyter-chatkit/chatkit", "POST", {"type": "threads.list", "params": {}})
    assert path.is_file()
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
