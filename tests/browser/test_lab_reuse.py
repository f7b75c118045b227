"""The kept JupyterLab page (tests/fixtures/lab_reuse.py): after a test that left a
notebook and its kernel, a dialog, a conversation with a pinned chip and a draft, stored
keys and a route, the reset gives the next test what a fresh load gives it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import ASSISTANT, CHIP, INPUT, USER, LabPage, open_panel, send
from tests.fixtures.fake_llm import FakeLLM, Reply
from tests.fixtures.lab_reuse import KeptLabPage

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
REUSE_LAB_PAGE = True
# The walkthrough's JupyterLab and kept page (tests/fixtures/shared_labs.py): a lab start
# and a page load fewer. This module is collected first in that group (xdist runs a
# group's modules in collection order), so its test still finds the page as loaded.
SHARED_LAB = "walkthrough"
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]

# What a test could find of an earlier one on the page.
STATE_JS = """() => {
  const s = window.jupyterapp.shell;
  const shown = (area) => { const w = [...s.widgets(area)].find((w) => w.isVisible);
    return w ? w.id : null; };
  return {
    documents: [...s.widgets('main')].filter((w) => w.context).map((w) => w.context.path),
    dialogs: document.querySelectorAll('.jp-Dialog').length,
    chat: !!document.querySelector('#jupyter-chatkit-panel .jck-chat'),
    notice: !document.querySelector('#jupyter-chatkit-panel .jp-chatkit-notice').hidden,
    keys: Object.keys(localStorage).filter((k) => k.startsWith('jupyter-chatkit:')),
    left: shown('left'), right: shown('right'), mode: s.mode,
    // JupyterLab's first route still to end (its commands close an open command palette).
    restoring: !!document.querySelector('.jp-FileBrowser.jp-mod-restoring'),
  };
}"""


def chips(page: Any) -> list[str]:
    return [str(t) for t in page.locator(f"{CHIP} .jck-chip-label").all_inner_texts()]


def test_a_reset_page_is_as_loaded(
    lab_page: LabPage, page: Any, _kept_lab: Any, scripted_llm: FakeLLM
) -> None:
    assert isinstance(lab_page, KeptLabPage)
    server = lab_page.server
    if _kept_lab.loads != 1 or server.api("api/sessions"):
        pytest.skip("needs the module's page as loaded (run this test first in its module)")
    loaded = page.evaluate(STATE_JS)
    assert loaded["documents"] == [] and not loaded["chat"] and loaded["keys"] == []
    assert not loaded["restoring"]

    # What a test leaves: a notebook with its kernel, a conversation, a pinned chip, a
    # draft, the sidebar open, a route, a dialog.
    server.write_notebook("left.ipynb", ["x = 1"])
    lab_page.open("left.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("Kept?"))
    send(page, "remember me")
    page.locator(CHIP, has_text="cell 1").locator(".jck-chip-pin").click()
    page.locator(INPUT).fill("a draft")
    page.route("**/never-asked", lambda route: route.abort())
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-kernel'); }")
    page.locator(".jp-Dialog").wait_for()
    assert page.evaluate(STATE_JS) != loaded
    assert server.api("api/sessions")

    assert _kept_lab.reset()
    assert page.evaluate(STATE_JS) == loaded
    assert server.api("api/sessions") == [] and server.api("api/kernels") == []

    # The next test's notebook: the chat shows a new conversation, only its own chips.
    server.write_notebook("next.ipynb", ["y = 2"])
    KeptLabPage(page, server).open("next.ipynb")
    open_panel(page)
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 2", arg=CHIP, timeout=30_000
    )
    assert chips(page) == ["next.ipynb", "cell 1"]
    assert page.locator(USER).count() == 0
    assert page.locator(ASSISTANT).count() == 0
    assert page.locator(INPUT).input_value() == ""
    assert _kept_lab.loads == 1


def test_a_kernel_listens_on_sockets_no_other_process_can_take(jupyter_lab: Any) -> None:
    """The browser tests' kernels talk over Unix sockets of their own, not TCP ports
    guessed free a moment before the kernel binds them (another process took one under
    load: the kernel died at start, and the page never saw its restart idle)."""
    kernel = jupyter_lab.api("api/kernels", method="POST", body={"name": "python3"})
    try:
        runtime = Path(jupyter_lab.env["JUPYTER_RUNTIME_DIR"])
        info = json.loads((runtime / f"kernel-{kernel['id']}.json").read_text())
        assert info["transport"] == "ipc", info
        # A socket's path (``<ip>-<port>``) fits a Unix socket address (108 bytes).
        assert len(f"{info['ip']}-{info['hb_port']}".encode()) < 100, info["ip"]
    finally:
        jupyter_lab.api(f"api/kernels/{kernel['id']}", method="DELETE")
