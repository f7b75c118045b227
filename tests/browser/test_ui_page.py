"""The chat bundle (js/src) on a bare page, against a real jupyter-chatkit endpoint.

The page is ``js/test/page/e2e.ts``, bundled here with esbuild and answered by the test
under the server's origin (so Jupyter's auth applies, as for any page of the server);
every other request goes to a real JupyterLab server whose model is the module's fake
OpenAI-compatible server. Both ways a browser page authenticates are covered: the token
header, and the login cookie with the XSRF token. The server, the browser and the fake
model are the shared ones of ``tests/fixtures/browser.py``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import REPO, JupyterServer, user_texts
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

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
