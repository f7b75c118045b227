"""Red team in a real JupyterLab (sidebar), under a JupyterHub-like base URL.

Hostile text from every place the sidebar shows it (the model's answer and code card,
the notebook's name, a cell's source, the person's own message) must stay inert, and
nothing the model writes may make the browser send a request nobody asked for, least
of all to another hub user's server (same origin, ``/user/<other>/``) or the hub.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import ASSISTANT, PANEL, LabPage, open_panel, send
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

JUPYTER_BASE_URL = "/user/alice/"  # read by the jupyter_lab fixture

XSS = "<img src=x onerror=\"window.__pwned='{}'\">"
HOSTILE = (
    "Here you go " + XSS.format("img") + " <script>window.__pwned='script'</script>\n\n"
    "[click me](javascript:window.__pwned='link') "
    "<svg onload=\"window.__pwned='svg'\"></svg>\n\n"
    # Same origin, but another hub user's server, the hub, and a relative way there:
    # a request to any of them hands what the URL carries to someone else's log.
    "![beacon](/user/mallory/files/beacon.png?leak=answer) "
    "![hub](/hub/logout) "
    "![rel](../../../../../mallory/files/rel.png?leak=relative) "
    "![ok](files/plot.png)"
)
LIVE = """(els) => {
  const all = els.flatMap(el => [...el.querySelectorAll('*')]);
  const attr = (test) => all.filter(e => [...e.attributes].some(test)).length;
  return {
    tags: all.filter(e => /^(SCRIPT|IFRAME|OBJECT|EMBED|FORM)$/.test(e.tagName)).length,
    handlers: attr(a => a.name.startsWith('on')),
    js: all.filter(e => /^\\s*javascript:/i.test(e.getAttribute('href') || '')).length,
  };
}"""


def test_hostile_text_everywhere_in_the_sidebar_stays_inert_and_sends_nothing(
    lab_page: LabPage, scripted_llm: FakeLLM, screenshot: Callable[..., Path]
) -> None:
    page: Any = lab_page.page
    name = "<img src=x onerror=window.__pwned=1>.ipynb"
    lab_page.server.write_notebook(name, ["# " + XSS.format("cell"), "x = 1"])
    lab_page.open(name)
    lab_page.run_all()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    dialogs: list[str] = []

    def dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    scripted_llm.default_reply = Reply(HOSTILE)
    scripted_llm.script(
        Reply(
            tool_calls=[
                ToolCall(
                    "propose_code",
                    {"code": "print('" + XSS.format("code") + "')", "title": XSS.format("title")},
                )
            ]
        ),
        Reply(HOSTILE),
    )
    open_panel(page)
    answer = send(page, XSS.format("user") + " explain this")
    assert "Here you go" in answer
    page.wait_for_timeout(500)
    panel = page.locator(PANEL)
    for link_text in ("click me", "beacon", "hub"):
        link = panel.get_by_text(link_text)
        if link.count():
            link.first.click(modifiers=["Control"])  # opens a tab at most, never runs code
    page.wait_for_timeout(500)
    screenshot(page, "hostile-sidebar")

    assert page.evaluate("() => window.__pwned ?? null") is None
    assert dialogs == []
    # What the model and the person wrote, wherever it is shown (messages, the card):
    # no live element or attribute came out of it.
    shown = page.locator(f"{PANEL} .jck-msg")
    assert shown.count() >= 2
    assert shown.evaluate_all(LIVE) == {"tags": 0, "handlers": 0, "js": 0}
    assert panel.evaluate("(el) => el.querySelectorAll('[onerror], [onload], script').length") == 0
    # No cell came from the code card: nobody clicked Insert.
    assert lab_page.cell_sources() == ["# " + XSS.format("cell"), "x = 1"]
    # Every image the answer named as under the server is one request under the server;
    # none went to another user's server or to the hub.
    base = f"{lab_page.server.origin}{lab_page.server.base_url}"
    stray = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
    assert stray == []
    # The blocked images are offered as links the person may open.
    assert page.locator(f"{ASSISTANT} .jck-blocked-img").count() >= 3
