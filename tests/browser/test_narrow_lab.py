"""The assistant in a narrow JupyterLab window (a phone, a split screen): usable as is.

At 400 px (and 320) with the file browser and the assistant both open, JupyterLab's own
layout is wider than the window (two 250 px sidebars, the main area and two tab bars:
~700 px), so the page scrolls sideways whatever the panel does. The panel must add nothing
to that (a 320 px minimum of its own did: ~770 px), and once the person clicks into the
message box, the box and its Send button are both on screen, and Enter sends.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import INPUT, PANEL, LabPage, open_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

SEND = f"{PANEL} .jck-send"


def overflow(page: Any) -> dict[str, Any]:
    """How the window's content and the Send button sit in the viewport."""
    return dict(
        page.evaluate(
            """() => {
              const panel = document.querySelector('#jupyter-chatkit-panel');
              const rect = (s) => panel.querySelector(s).getBoundingClientRect();
              const send = rect('.jck-send');
              const input = rect('.jck-input');
              const root = document.scrollingElement;
              return {
                viewport: window.innerWidth,
                scrollWidth: Math.max(root.scrollWidth, document.body.scrollWidth),
                send: [send.left, send.right, send.width],
                input: [input.left, input.right, input.width],
              };
            }"""
        )
    )


@pytest.mark.parametrize("width", [400, 320])
def test_narrow_window_keeps_the_composer_on_screen(
    lab_page: LabPage, screenshot: Callable[..., Path], width: int
) -> None:
    page = lab_page.page
    page.set_viewport_size({"width": width, "height": 800})
    lab_page.open()
    # The main area's launcher comes a moment after the shell (JupyterLab then widens its
    # layout to the launcher's minimum): a person starts once it is there.
    page.locator(".jp-Launcher").first.wait_for(state="visible")
    page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
    page.locator(".jp-FileBrowser").first.wait_for(state="visible")
    open_panel(page)
    # The panel asks no more width than JupyterLab gives any sidebar widget: the shell's
    # own minimum (sidebars, main area, tab bars) is what the window scrolls by, if at all.
    own, floor = page.evaluate(
        """(sel) => [getComputedStyle(document.querySelector(sel)).minWidth,
                     getComputedStyle(document.body).getPropertyValue('--jp-sidebar-min-width').trim()]""",
        PANEL,
    )
    assert own in ("0px", "auto", floor), (own, floor)
    page.wait_for_function(
        """() => [...document.querySelectorAll('#jp-main-split-panel > .lm-Widget')].every(
                 (w) => w.offsetWidth + 1 >= (parseFloat(getComputedStyle(w).minWidth) || 0))"""
    )
    # The person clicks into the message box and types: box and Send are both on screen.
    page.locator(INPUT).click()
    page.keyboard.type("a question typed in a narrow window")
    shot = screenshot(page, f"narrow-{width}")
    assert shot.exists()
    seen = overflow(page)
    viewport = seen["viewport"]
    left, right, w = seen["send"]
    assert w > 0 and left >= 0 and right <= viewport, seen
    left, right, w = seen["input"]
    assert w >= 100 and left >= 0 and right <= viewport, seen
    assert page.locator(SEND).is_visible()
    # Enter sends from there: the composer works, not only shows.
    page.keyboard.press("Enter")
    page.locator(f"{PANEL} .jck-msg.jck-user").first.wait_for(state="visible")


def clipped(page: Any, selector: str) -> dict[str, Any]:
    """The text shown by ``selector`` in the panel and whether it is cut (scrolls)."""
    return dict(
        page.evaluate(
            """(sel) => { const el = document.querySelector(sel);
              return {text: el.innerText, cut: el.scrollWidth > el.clientWidth,
                      width: el.clientWidth}; }""",
            selector,
        )
    )


@pytest.mark.parametrize("width", [1400, 700])
def test_the_header_fits_the_default_sidebar(
    lab_page: LabPage, screenshot: Callable[..., Path], width: int
) -> None:
    """JupyterLab's sidebar is 250 px wide by default: the header says its whole title
    and the model's name, not "Notebook Assist…" and "fake-model ·…"."""
    page = lab_page.page
    page.set_viewport_size({"width": width, "height": 800})
    lab_page.open()
    open_panel(page)
    page.wait_for_function(
        "(sel) => /fake-model/.test(document.querySelector(sel)?.textContent || '')",
        arg=f"{PANEL} .jp-chatkit-model",
    )
    screenshot(page, f"header-{width}")
    assert page.evaluate(f"() => document.querySelector('{PANEL}').offsetWidth") <= 260
    # Before: "Notebook Assistant" cut to "Notebook Assist…" (and the model's name).
    title = clipped(page, f"{PANEL} .jck-title")
    assert title["text"] == "Notebook Assistant" and not title["cut"], title
    model = clipped(page, f"{PANEL} .jp-chatkit-model")
    assert model["text"] == "fake-model" and not model["cut"], model
    # The icon buttons say what they do (to a screen reader and on hover).
    for button in page.locator(f"{PANEL} .jck-header-tools button").all():
        assert button.get_attribute("aria-label") and button.get_attribute("title")
    # Narrower still (the person dragged the sidebar): the short title, never cut; the
    # full one on hover.
    page.evaluate(f"() => {{ document.querySelector('{PANEL} .jck-chat').style.width = '200px'; }}")
    page.wait_for_function(
        f"() => document.querySelector('{PANEL} .jck-title').innerText === 'Assistant'"
    )
    title = clipped(page, f"{PANEL} .jck-title")
    assert not title["cut"], title
    assert page.get_attribute(f"{PANEL} .jck-title", "title") == "Notebook Assistant"

