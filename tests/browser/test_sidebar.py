"""The Notebook Assistant sidebar in a real JupyterLab, driven through real Chromium: the
panel itself (opening it, a streamed answer, its settings, theme and layout, the notebook
it follows).

The server's model is the fake OpenAI-compatible server (``scripted_llm``): each test
scripts the replies it needs and checks what reached the model and what the panel shows
(the built-in offline model: test_offline_hint_lab.py). Each test works in its own
notebook. JupyterLab runs under a non-root base URL, as on JupyterHub; it is shared with
test_sidebar_cells.py and test_sidebar_context.py (``SHARED_LAB``). Screenshots land in
``test-output/<test name>/``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from tests.browser.sidebar_chat import answers, last_user_message
from tests.fixtures.browser import ASSISTANT, INPUT, PANEL, USER, LabPage, send, wait_idle
from tests.fixtures.chat_ui import open_notebook, open_panel_from_palette
from tests.fixtures.fake_llm import FakeLLM, Reply

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
    # Collapsed, the sidebar waits for no other browser's turns (turn.changes); shown
    # again, it asks at once what changed meanwhile (now). Before, it kept waiting.
    page.evaluate(
        """() => {
          const waits = (window.__jckWaits = {open: 0, now: 0});
          const orig = window.fetch;
          window.fetch = async (...args) => {
            const body = String(args[1]?.body ?? '');
            const wait = body.includes('"turn.changes"');
            if (wait) { waits.open++; if (body.includes('"now":true')) waits.now++; }
            try { return await orig(...args); } finally { if (wait) waits.open--; }
          };
        }"""
    )
    shell = "window.jupyterapp.shell"
    page.evaluate(f"() => {{ {shell}.collapseRight(); {shell}.expandRight(); }}")
    page.wait_for_function("() => window.__jckWaits.now === 1 && window.__jckWaits.open === 1")
    page.evaluate(f"() => {shell}.collapseRight()")
    page.wait_for_function("() => window.__jckWaits.open === 0", timeout=10_000)
    page.evaluate(f"() => {shell}.expandRight()")
    page.wait_for_function("() => window.__jckWaits.now === 2")
    # The notebook closed while its question is answered: the answer the person waits for
    # (and screen readers are told came) stays shown, the bar naming its notebook; it went
    # to an empty conversation of no notebook as it ended.
    later = " ".join(f"word{i}" for i in range(40))
    scripted_llm.script(Reply(later, chunk_chars=8))
    box = page.locator(INPUT)
    box.fill("and then?")
    box.press("Enter")
    page.locator(f"{PANEL} .jck-streaming").first.wait_for()
    page.evaluate("() => [...window.jupyterapp.shell.widgets('main')].forEach(w => w.dispose())")
    page.wait_for_function(
        "(sel) => /No notebook open/.test(document.querySelector(sel).textContent)",
        arg=f"{PANEL} .jp-chatkit-context",
    )
    wait_idle(page)
    page.wait_for_function(
        "(sel) => /The assistant answered/"
        ".test(document.querySelector(sel + ' .jck-sr').textContent)",
        arg=PANEL,
    )
    assert page.locator(f"{ASSISTANT} .jck-parts").last.inner_text() == later
    assert "hello.ipynb" in panel.locator(".jp-chatkit-context").inner_text()
    assert re.search("fake-model", panel.locator(".jp-chatkit-model").inner_text())
    screenshot(page, "closed-mid-answer")


def test_shortcut_opens_panel(lab_page: LabPage, page: Any) -> None:
    open_notebook(lab_page, "shortcut.ipynb", ["x = 1"], run=False)
    assert not page.locator(INPUT).is_visible()
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+Shift+A")
    page.locator(INPUT).wait_for(state="visible")
    # The composer takes the focus in the frame after the chat renders (panel.ts), so
    # the box shows before it is focused: wait for the focus, ready to type.
    page.wait_for_function("document.activeElement?.classList.contains('jck-input')")


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
    # A variable and an error (the model, answering with its default reply, reads neither):
    # no pandas, whose import in the kernel costs more than the rest of the notebook.
    open_notebook(lab_page, "dark.ipynb", ["table = {'a': [1]}", "1/0"])
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


OPEN = "[...window.jupyterapp.shell.widgets('main')]"
SHOWN = "() => window.jupyterapp.shell.currentWidget?.title.label ?? null"
FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def write_too_deep(lab: LabPage, name: str) -> None:
    """Write notebook ``name`` with an output nested deeper than the server's JSON
    parser reads: JupyterLab cannot open it ("File Load Error")."""
    depth = 5_000
    output = {"output_type": "display_data", "metadata": {}, "data": {"application/json": "@"}}
    cell = {"cell_type": "code", "id": "c1", "metadata": {}, "outputs": [output], "source": ""}
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    nested = '{"a":' * depth + "1" + "}" * depth
    (lab.server.root_dir / name).write_text(json.dumps(nb).replace('"@"', nested))


def bar_names_notebook_on_screen(page: Any) -> None:
    """Wait until the bar says "Attached to" the notebook on screen (the shell's current)."""
    page.wait_for_function(
        "(sel) => { const w = window.jupyterapp.shell.currentWidget;"
        " const bar = document.querySelector(sel).textContent;"
        " return bar === `Attached to ${w?.title.label}`; }",
        arg=f"{PANEL} .jp-chatkit-context",
    )


def test_panel_follows_the_active_notebook(lab_page: LabPage, page: Any, screenshot: Any) -> None:
    lab_page.server.write_notebook("second.ipynb", ["y = 2"])
    lab_page.server.write_notebook("third.ipynb", ["z = 3"])
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
    # A notebook opened in the background while the chat has the keyboard (no notebook
    # has it): the tracker makes it its current one, and the bar named it ("Attached to
    # third.ipynb") while first.ipynb was on screen.
    page.locator(INPUT).click()
    lab_page.command("docmanager:open", {"path": "third.ipynb", "options": {"activate": False}})
    page.wait_for_function(
        f"() => {OPEN}.some(w => w.title.label === 'third.ipynb' && w.context.isReady)"
    )
    page.evaluate(FRAMES)
    assert page.evaluate(SHOWN) == "first.ipynb"
    assert "Attached to first.ipynb" in context.inner_text()
    # A notebook that fails to load (nested deeper than the server reads), closed: the
    # bar names the notebook on screen once it is gone; so after a tab closed.
    write_too_deep(lab_page, "deep.ipynb")
    lab_page.command("docmanager:open", {"path": "deep.ipynb"})
    page.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Discard").click()
    page.wait_for_function(f"() => !{OPEN}.some(w => w.title.label === 'deep.ipynb')")
    bar_names_notebook_on_screen(page)
    screenshot(page, "deep-closed")
    page.evaluate(f"() => {OPEN}.find(w => w.title.label === 'first.ipynb').dispose()")
    bar_names_notebook_on_screen(page)
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
