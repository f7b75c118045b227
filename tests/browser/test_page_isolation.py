"""The ``page`` fixture's persistent context (tests/fixtures/browser.py): what one test's
pages leave in their origins' storage is gone for the next test."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def origin() -> Iterator[str]:
    """An http origin serving one blank page."""

    class Blank(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><body>blank</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Blank)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_storage_a_closing_page_writes_is_cleared(_active_browser: Any, origin: str) -> None:
    """A page that writes its storage as it closes (a pagehide handler) left that write to
    the next test: the storage was cleared while the test's pages were still open."""
    context = _active_browser.context()
    first = context.new_page()
    first.goto(origin)
    first.evaluate(
        "() => { localStorage.setItem('early', '1');"
        " addEventListener('pagehide', () => localStorage.setItem('late', '1')); }"
    )
    _active_browser.clear()  # what the page fixture does after each test
    second = _active_browser.context().new_page()
    try:
        second.goto(origin)
        left = second.evaluate(
            "() => [localStorage.getItem('early'), localStorage.getItem('late')]"
        )
        assert left == [None, None]
    finally:
        _active_browser.clear()
