"""The ``page`` fixture's persistent context (tests/fixtures/browser.py): what one test's
pages leave in their origins' storage is gone for the next test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.fixtures.html_page import serve_html

pytestmark = [pytest.mark.browser]


@pytest.fixture
def origin() -> Iterator[str]:
    """An http origin serving one blank page."""
    with serve_html(b"<html><body>blank</body></html>") as url:
        yield url


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
