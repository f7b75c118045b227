"""The assistant in a narrow JupyterLab window (a phone, a split screen): usable as is.

At 400 px (and 320) with the file browser and the assistant both open, JupyterLab's own
layout is wider than the window (two 250 px sidebars, the main area and two tab bars:
~700 px), so the page scrolls sideways whatever the panel does. The panel must add nothing
to that (a 320 px minimum of its own did: ~770 px), and once the person clicks into the
message box, the box and its Send button are both on screen, and Enter sends.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import (
    INPUT,
    PANEL,
    LabPage,
    open_panel,
    output_dir,
    poll_page,
    scrolled_up_mid_answer,
    send,
)
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One kept JupyterLab page for the module's lab_page tests (tests/fixtures/lab_reuse.py).
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the modules of this SHARED_LAB
# (tests/fixtures/shared_labs.py): a lab start and a page load fewer each.
SHARED_LAB = "walkthrough"
# The group's JupyterLab serves Notebook 7's pages too (the notebook server extension),
# its app exposed there as in JupyterLab: test_notebook7.py's server.
JUPYTER_EXTRA_ARGS = ["--JupyterNotebookApp.expose_app_in_browser=True"]

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
    page.locator(f"{PANEL} .jck-msg.jck-user:not(.jck-pending-msg)").first.wait_for(state="visible")


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


def png_pixels(png: bytes) -> list[list[tuple[int, ...]]]:
    """The RGB(A) rows of a PNG (8-bit, non-interlaced, as Chromium's screenshots are)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    raw, stride, rows = zlib.decompress(data), width * channels, []
    prev = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = prev[i], prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (
                    line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)
                ) & 255
        rows.append([tuple(line[x : x + 3]) for x in range(0, stride, channels)])
        prev = line
    return rows


def edge_shades(pre: Any, keep: Path | None = None) -> tuple[int, int]:
    """How far a code block's left and right edges (6 CSS px in, inside its rounded
    corners) differ from its middle (sum of RGB differences), in its bottom padding where
    no text is: a shade says the code goes on past that edge. The block's picture is kept
    at ``keep`` (if given), so a failure can be looked at."""
    rows = png_pixels(pre.screenshot(path=keep))
    scale = len(rows[0]) / pre.bounding_box()["width"]
    row = rows[len(rows) - 1 - round(4 * scale)]
    inset, middle = round(6 * scale), row[len(row) // 2]

    def off(pixel: tuple[int, ...]) -> int:
        return sum(abs(a - b) for a, b in zip(pixel, middle, strict=True))

    return off(row[inset]), off(row[len(row) - 1 - inset])


LONG_LINE = (
    "summary = sales.groupby(['region', 'product', 'quarter'])['revenue']"
    ".agg(['sum', 'mean', 'count']).sort_values('sum', ascending=False)  # top"
)


def test_a_code_line_cut_at_an_edge_is_shaded_there(
    lab_page: LabPage, screenshot: Callable[..., Path], scripted_llm: FakeLLM
) -> None:
    """A card's line wider than the sidebar scrolls sideways: a shade at the edge it is
    cut at says so (before: nothing did), and Insert still takes the exact code."""
    page = lab_page.page
    code = f"import pandas as pd\n{LONG_LINE}"
    lab_page.server.write_notebook("edges.ipynb", ["x = 1"])
    lab_page.open("edges.ipynb")
    open_panel(page)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": code, "title": "Top"})]),
        Reply(f"Or as a block:\n\n```python\n{LONG_LINE}\n```\n\nand `x = 1` fits."),
    )
    send(page, "summarise sales")
    card = page.locator(f"{PANEL} .jck-widget").last
    out = output_dir("test_a_code_line_cut_at_an_edge_is_shaded_there")
    geometry = "(el) => ({scrollLeft: el.scrollLeft, scrollWidth: el.scrollWidth,"
    geometry += " clientWidth: el.clientWidth, box: el.getBoundingClientRect().toJSON()})"
    for n, pre in enumerate(
        (card.locator("pre").first, page.locator(f"{PANEL} .jck-code pre").first)
    ):
        # The card's block is laid out a frame or more after the answer's first message
        # shows (run 73: measured at once, its scroll width was not yet there; a moment
        # later 1124 px in 198): wait for the layout, the element found anew each time.
        poll_page(
            page,
            lambda pre=pre: pre.evaluate("(el) => el.scrollWidth > el.clientWidth + 50"),
            lambda pre=pre: pre.evaluate(geometry),
        )
        left, right = edge_shades(pre, out / f"edges-{n}-start.png")
        # At the start: shaded on the right only.
        assert right > 20 and left < 8, (left, right, pre.evaluate(geometry))
        pre.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
        left, right = edge_shades(pre, out / f"edges-{n}-end.png")
        assert left > 20 and right < 8, (left, right, pre.evaluate(geometry))
        pre.evaluate("(el) => { el.scrollLeft = 0; }")
    screenshot(page, "code-edges")
    # The shade is paint only: Insert puts the card's code in the cell, character for character.
    card.get_by_role("button", name=re.compile(r"^Insert$")).click()
    card.get_by_text("✓ Inserted in the notebook").wait_for()
    assert code in lab_page.cell_sources(), lab_page.cell_sources()


def test_a_code_block_s_buttons_stay_one_row_in_the_sidebar(
    lab_page: LabPage, screenshot: Callable[..., Path], scripted_llm: FakeLLM
) -> None:
    """In the 250 px sidebar a fenced block's Copy, Insert, Insert & run and Replace cell
    show their icons only, one row above the code (before: three rows of labels), each
    still named for a screen reader and on hover; the buttons still work."""
    page = lab_page.page
    lab_page.server.write_notebook("bar.ipynb", ["x = 1"])
    lab_page.open("bar.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("Try:\n\n```python\ny = x + 1\n```\n"))
    send(page, "add one")
    bar = page.locator(f"{PANEL} .jck-code-bar").first
    buttons = bar.locator("button")
    assert buttons.count() == 4
    tops = {round(b.bounding_box()["y"]) for b in buttons.all()}
    screenshot(page, "code-bar")
    assert len(tops) == 1, tops
    height = bar.evaluate("(el) => el.getBoundingClientRect().height")
    assert height < 34, height
    for button in buttons.all():
        assert button.get_attribute("aria-label") and button.get_attribute("title")
        assert button.is_visible()
    bar.get_by_role("button", name="Insert code into a new cell", exact=True).click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets.length === 2"
    )
    assert "y = x + 1" in lab_page.cell_sources()


def test_the_widget_tells_its_model_from_the_conversation_s_title(
    lab_page: LabPage, screenshot: Callable[..., Path], scripted_llm: FakeLLM
) -> None:
    """Under the %chat widget's title, the model's name and the conversation's title are
    told apart by a dot (before: 'fake-model Plot revenue by region' read as one)."""
    page = lab_page.page
    lab_page.server.write_notebook("sub.ipynb", ["%load_ext jupyter_chatkit\n%chat"])
    lab_page.open("sub.ipynb")
    lab_page.run_all()
    scope = ".jck-widget-host .jck-chat"
    page.locator(f"{scope} .jck-input").wait_for(timeout=60_000)
    send(page, "Plot revenue by region", scope=scope)
    subtitle = page.locator(f"{scope} .jck-subtitle")
    subtitle.wait_for()
    assert page.locator(f"{scope} .jck-model").first.inner_text() == "fake-model"
    screenshot(page, "widget-subline")
    dot = subtitle.evaluate("(el) => getComputedStyle(el, '::before').content")
    assert dot == '"·"', dot
    # JupyterLab's "Enable Scrolling for Outputs" caps the output at 24em: the chat fits
    # in it (before: up to 600px, its message box scrolled out of sight below the answers
    # behind a second scroll bar).
    page.evaluate(
        "() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0;"
        " return window.jupyterapp.commands.execute('notebook:enable-output-scrolling'); }"
    )
    caps = page.locator(scope).evaluate(
        "(chat) => [chat, chat.closest('.jp-Cell-outputArea')]"
        ".map((el) => parseFloat(getComputedStyle(el).maxHeight))"
    )
    assert caps[0] + 6 <= caps[1], caps  # 6px: the scrolled output's top padding


BOX = """() => {
  const box = document.querySelector('#jupyter-chatkit-panel .jck-input');
  return {height: box.getBoundingClientRect().height, placeholder: box.placeholder,
          title: box.title, value: box.value};
}"""


def test_the_message_box_placeholder_fits_the_default_sidebar(
    lab_page: LabPage, screenshot: Callable[..., Path]
) -> None:
    """In the 250 px sidebar the placeholder "Ask the assistant…  (Enter to send,
    Shift+Enter for a new line)" wrapped to four lines, an empty box four lines tall
    (walk W5): there it says "Ask the assistant…", the send keys on hover; wider, all."""
    page = lab_page.page
    page.set_viewport_size({"width": 1400, "height": 800})
    lab_page.open()
    open_panel(page)
    page.locator(INPUT).wait_for(state="visible")
    assert page.evaluate(f"() => document.querySelector('{PANEL}').offsetWidth") <= 260
    page.locator(INPUT).fill("x")
    line = page.evaluate(BOX)["height"]
    page.locator(INPUT).fill("")
    page.wait_for_function(f"(h) => ({BOX})().height < 2 * h", arg=line)
    empty = page.evaluate(BOX)
    screenshot(page, "placeholder-250")
    assert empty["placeholder"] == "Ask the assistant…", empty
    assert "Enter to send" in empty["title"], empty
    # A wide chat (the sidebar dragged wider): the send keys are in the placeholder too.
    page.evaluate(f"() => {{ document.querySelector('{PANEL} .jck-chat').style.width = '700px'; }}")
    page.wait_for_function(f"() => /Enter to send/.test(({BOX})().placeholder)")
    wide = page.evaluate(BOX)
    assert wide["height"] < 2 * line, wide
    screenshot(page, "placeholder-wide")


def test_jump_to_latest_is_one_line_in_the_default_sidebar(
    lab_page: LabPage, screenshot: Callable[..., Path], scripted_llm: FakeLLM
) -> None:
    """Walk W5: in the 250 px sidebar "Jump to latest" wrapped to two lines (the button,
    placed at the middle, shrank to the half on its right). One line, inside the panel."""
    page = lab_page.page
    page.set_viewport_size({"width": 1400, "height": 800})
    lab_page.open()
    open_panel(page)
    assert page.evaluate(f"() => document.querySelector('{PANEL}').offsetWidth") <= 260
    jump = scrolled_up_mid_answer(page, scripted_llm, 600)
    screenshot(page, "jump-250")
    shape = jump.evaluate(
        """(el) => {
          const label = el.querySelector('span');
          const panel = el.closest('#jupyter-chatkit-panel').getBoundingClientRect();
          const r = el.getBoundingClientRect();
          const line = parseFloat(getComputedStyle(label).lineHeight);
          return {lines: Math.round(label.getBoundingClientRect().height / line),
                  left: r.left - panel.left,
                  right: panel.right - r.right};
        }"""
    )
    assert shape["lines"] == 1, shape
    assert shape["left"] >= 0 and shape["right"] >= 0, shape
    jump.click()
    scripted_llm.token_delay = 0.0
    page.wait_for_function(
        "(sel) => !document.querySelector(sel + ' .jck-streaming')", arg=PANEL, timeout=60_000
    )


def test_a_long_unbroken_title_stays_inside_the_history(
    lab_page: LabPage, screenshot: Callable[..., Path], scripted_llm: FakeLLM
) -> None:
    """A title of 200 letters without a space (cut from 250), then its Delete: the inline
    "Delete “…”?" widened the list to ~1600 px in the 250 px sidebar and scrolled it
    sideways (the History heading and the other rows went out of view, the question cut at
    its left). The title is ellipsised in the row and the question; the list stays put."""
    page = lab_page.page
    page.set_viewport_size({"width": 1400, "height": 800})
    # The sidebar's chat with no notebook open: the history's rows and question are all
    # that is measured (a notebook's kernel would be started for nothing).
    lab_page.open()
    open_panel(page)
    scripted_llm.script(Reply("Hello."))
    send(page, "hi")
    page.locator(f"{PANEL} button[aria-label='Conversation history']").click()
    row = page.locator(f"{PANEL} .jck-history-row").first
    row.get_by_role("button", name=re.compile("^Rename")).click()
    field = row.locator(".jck-history-input")
    field.fill("L" * 250)
    field.press("Enter")
    row.locator(".jck-history-title", has_text="L" * 200).wait_for()
    fits = """(sel) => {
      const list = document.querySelector(sel + ' .jck-history');
      const panel = document.querySelector(sel).getBoundingClientRect();
      const inside = (el) => { const r = el.getBoundingClientRect();
        return r.left >= panel.left - 1 && r.right <= panel.right + 1; };
      return {scrolls: list.scrollWidth > list.clientWidth + 1, left: list.scrollLeft,
              parts: [...list.querySelectorAll('h3, .jck-history-row > *')].map(inside)};
    }"""
    shape = page.evaluate(fits, PANEL)
    assert not shape["scrolls"] and all(shape["parts"]), shape
    row.get_by_role("button", name=re.compile("^Delete")).click()
    question = row.locator("[role=alert]")
    question.wait_for()
    screenshot(page, "long-title-delete")
    shape = page.evaluate(fits, PANEL)
    assert not shape["scrolls"] and shape["left"] == 0 and all(shape["parts"]), shape
    # The question still names the whole title (on hover) and asks it.
    assert question.inner_text().startswith("Delete") and question.inner_text().endswith("?")
    row.get_by_role("button", name="Cancel").click()
