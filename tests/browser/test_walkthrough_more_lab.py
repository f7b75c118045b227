"""More of a new user's paths through JupyterLab (see test_walkthrough_lab.py).

Each test follows one path as a person would against a real JupyterLab on the module's
fake model, and checks what the page shows. Screenshots land in
``test-output/<test name>/``.

The last tests run the chat bundle (js/src) on a bare page, against the module's
jupyter-chatkit endpoint (they share its server). The page is ``js/test/page/e2e.ts``,
bundled here with esbuild and answered by the test under the server's origin (so
Jupyter's auth applies, as for any page of the server); every other request goes to the
real JupyterLab server. Both ways a browser page authenticates are covered: the token
header, and the login cookie with the XSRF token.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import (
    ASSISTANT,
    CHIP,
    PANEL,
    REPO,
    USER,
    JupyterServer,
    LabPage,
    open_panel,
    send,
    user_texts,
)
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True

# What a person sees of an element: its colours, border and outline as the page paints
# them (in forced-colours mode, the system's colours the browser put in place).
LOOK = """(el) => { const s = getComputedStyle(el);
  return [s.backgroundColor, s.color, s.borderTopColor, s.borderTopWidth,
          s.outlineStyle, s.outlineColor].join(' '); }"""


def test_states_stay_visible_in_forced_colors(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """With Windows high contrast (forced colours) the chosen mode and a pinned chip show.

    Forced colours replace backgrounds and brand colours with the system's, so a state
    shown only by them (Ask highlighted, a pinned chip's coloured border) looked like
    its opposite.
    """
    lab_page.server.write_notebook("contrast.ipynb", ["x = 1"])
    lab_page.open("contrast.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("An answer."))
    send(page, "hello")
    page.emulate_media(forced_colors="active")
    ask = page.locator(f"{PANEL} .jck-mode-btn.jck-mode-ask")
    agent = page.locator(f"{PANEL} .jck-mode-btn.jck-mode-agent")
    assert ask.get_attribute("aria-pressed") == "true"
    assert ask.evaluate(LOOK) != agent.evaluate(LOOK)

    chips = page.locator(CHIP)
    chips.nth(1).wait_for()
    chips.nth(0).locator(".jck-chip-pin").click()
    pinned = page.locator(f"{PANEL} .jck-chip.jck-chip-pinned")
    pinned.wait_for()
    plain = page.locator(f"{PANEL} .jck-chip:not(.jck-chip-pinned)").first
    assert pinned.evaluate(LOOK) != plain.evaluate(LOOK)

    good = page.locator(f"{PANEL} .jck-msg.jck-assistant button[aria-label='Good answer']")
    bad = page.locator(f"{PANEL} .jck-msg.jck-assistant button[aria-label='Bad answer']")
    good.click()
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'true'",
        arg=f"{PANEL} .jck-msg.jck-assistant button[aria-label='Good answer']",
    )
    good.blur()
    assert good.evaluate(LOOK) != bad.evaluate(LOOK)
    screenshot(page, "forced-colors")


# It loads JupyterLab on a workspace of its own (the kernel dialog at load): a page of
# its own.
@pytest.mark.fresh_page
def test_insert_and_run_in_a_notebook_without_a_kernel_asks_for_one_and_runs(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """Insert & run with "No Kernel" chosen does what JupyterLab's Run does: asks, runs.

    It inserted the cell, said "Inserted below and running." and nothing ran (and no
    kernel was asked for).
    """
    # No kernelspec in its metadata: JupyterLab asks which kernel; the person says none.
    nb = {"cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "outputs": [],
                     "execution_count": None, "source": "x = 1"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    (lab_page.server.root_dir / "nokernel.ipynb").write_text(json.dumps(nb))
    page.goto(lab_page.server.url("lab/workspaces/nokernel/tree/nokernel.ipynb"))
    page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
    page.locator(".jp-Dialog button", has_text="No Kernel").last.click()
    page.locator(".jp-Dialog").wait_for(state="detached")
    page.wait_for_function(
        "() => [...window.jupyterapp.shell.widgets('main')]"
        ".some(w => w.sessionContext && w.context.isReady && w.sessionContext.hasNoKernel)"
    )
    open_panel(page)
    scripted_llm.script(Reply("Run this:\n\n```python\nprint('ran' + 'here')\n```\n"))
    send(page, "code please")
    page.locator(ASSISTANT).last.locator("button", has_text="Insert & run").click()
    # JupyterLab's own question, as for Shift+Enter; the person picks Python.
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    dialog.wait_for()
    screenshot(page, "asked-for-a-kernel")
    dialog.locator("button.jp-mod-accept").click()
    page.locator(".jp-Cell .jp-OutputArea-output", has_text="ranhere").wait_for(timeout=60_000)
    assert lab_page.cell_sources() == ["x = 1", "print('ran' + 'here')"]
    # What the chat said was what happened: not "running" while nothing could run.
    status = page.locator(f"{PANEL} .jck-toast").last.inner_text()
    assert "kernel" in status, status
    screenshot(page, "ran")


def test_a_turn_sent_from_another_browser_shows_after_the_next_answer(
    lab_page: LabPage, page: Any, browser: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """Two browsers on one notebook's conversation: neither hides a turn the model read.

    Browser A's next answer streamed in after its stale view, so B's question and answer
    stayed off A's screen (until a reload) while the model had read them.
    """
    lab_page.server.write_notebook("two.ipynb", ["x = 1"])
    lab_page.open("two.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("The first answer."))
    send(page, "first question")

    other = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        other_page = other.new_page()
        other_page.set_default_timeout(30_000)
        LabPage(other_page, lab_page.server).open("two.ipynb")
        open_panel(other_page)
        other_page.locator(ASSISTANT, has_text="The first answer.").wait_for()
        scripted_llm.script(Reply("The answer B got."))
        send(other_page, "question from B")
    finally:
        other.close()

    scripted_llm.script(Reply("The answer A got."))
    send(page, "question from A")
    assert any("question from B" in t for t in user_texts(scripted_llm))  # the model read it
    page.locator(ASSISTANT, has_text="The answer B got.").wait_for()
    answers = [t.split("\n")[0] for t in page.locator(ASSISTANT).all_inner_texts()]
    assert answers == ["The first answer.", "The answer B got.", "The answer A got."], answers
    questions = page.locator(USER).all_inner_texts()
    assert [q.split("two.ipynb")[0].strip() for q in questions] == [
        "first question",
        "question from B",
        "question from A",
    ], questions
    screenshot(page, "browser-a")


def test_insert_into_a_read_only_notebook_says_so_and_copies(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM, screenshot: Any
) -> None:
    """A notebook JupyterLab holds read-only: Insert copies the code and says why.

    It said "cell insertion needs the JupyterLab extension", which is there.
    """
    lab_page.server.write_notebook("locked.ipynb", ["x = 1"])
    lab_page.open("locked.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("Try:\n\n```python\nprint('locked')\n```\n"))
    send(page, "code please")
    # What a read-only share (e.g. a collaborator without write access) makes of it.
    lab_page.notebook_js("nb.content.model.readOnly = true;")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator(ASSISTANT).last.locator("button", has_text="Insert").first.click()
    toast = page.locator(f"{PANEL} .jck-toast", has_text="read-only")
    toast.wait_for()
    screenshot(page, "read-only")
    assert "extension" not in toast.inner_text()
    assert lab_page.cell_sources() == ["x = 1"]
    assert page.evaluate("() => navigator.clipboard.readText()") == "print('locked')"


# -- the chat bundle on a bare page (js/test/page/e2e.ts) ----------------------------------

HTML = """<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="e2e.css">
</head><body><div id="host" style="height:700px;width:800px"></div>
<script type="module" src="e2e.js"></script></body></html>"""
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}


@pytest.fixture(scope="module")
def e2e_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page and its bundle, built from the sources as they are now."""
    out = tmp_path_factory.mktemp("e2e")
    esbuild = REPO / "js" / "node_modules" / ".bin" / "esbuild"
    assert esbuild.exists(), "the JS dependencies are not installed: npm --prefix js install"
    subprocess.run(
        [str(esbuild), "test/page/e2e.ts", "--bundle", "--format=esm", "--target=es2020",
         f"--outdir={out}", "--loader:.sse=text", "--log-level=warning"],
        cwd=REPO / "js",
        check=True,
        timeout=120,
    )  # fmt: skip
    (out / "e2e.html").write_text(HTML, encoding="utf-8")
    return out


@pytest.mark.parametrize("auth", ["token", "cookie"])
def test_the_chat_bundle_talks_to_the_real_endpoint(
    auth: str,
    jupyter_lab: JupyterServer,
    scripted_llm: FakeLLM,
    page: Any,
    e2e_page: Path,
    screenshot: Callable[..., Path],
) -> None:
    code = "import pandas as pd\ndf = pd.read_csv('sales.csv')"
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": code, "title": "Load the CSV"})]),
        Reply("Loaded with read_csv."),
    )
    base = f"{jupyter_lab.origin}{jupyter_lab.base_url}"

    def serve(route: Any) -> None:
        path = e2e_page / route.request.url.split("/e2e/", 1)[1].split("?", 1)[0]
        if path.is_file():
            route.fulfill(status=200, body=path.read_bytes(), content_type=TYPES[path.suffix])
        else:
            route.fulfill(status=404, body=b"")

    page.route(f"{base}e2e/**", serve)
    if auth == "cookie":
        # A token in the URL logs in (auth cookie); the login page sets _xsrf.
        page.goto(jupyter_lab.url("api/status"))
        page.goto(f"{base}login")
        assert {"_xsrf"} <= {c["name"] for c in page.context.cookies()}
    page.goto(f"{base}e2e/e2e.html?token={jupyter_lab.token}&auth={auth}")
    page.wait_for_function("() => window.__health !== undefined")
    assert page.evaluate("window.__health") is True

    box = page.get_by_role("textbox", name="Message")
    box.fill("How do I load a CSV with pandas?")
    box.press("Enter")
    page.wait_for_function(
        "() => window.__answers.length || document.querySelector('.jck-error:not([hidden])')"
    )
    assert page.evaluate("document.querySelector('.jck-error:not([hidden])')") is None
    assert page.evaluate("window.__answers[0]") == "Loaded with read_csv."
    assert user_texts(scripted_llm, 0)[-1] == "How do I load a CSV with pandas?"

    # The card's Insert & run goes to the server (threads.custom_action), which answers
    # with a client effect the page turns into an insertion.
    page.get_by_role("button", name="Insert & run", exact=True).click()
    page.wait_for_function("() => window.__inserted.length === 1")
    assert page.evaluate("window.__inserted[0]") == {
        "code": code,
        "run": True,
        "position": "below",
    }
    screenshot(page, f"e2e-{auth}")
