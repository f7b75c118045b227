"""Red team, engineer A: every route of the extension through a real Jupyter server.

Without a token, with a wrong one, with cookies and no XSRF token; uploads a browser
would run if they were served inline; names no HTTP header can carry as they are.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from tornado.httpclient import HTTPClientError, HTTPResponse

from .test_handlers import ENDPOINT, body, browser_login, jp_server_config, post

__all__ = ["jp_server_config"]

ROUTES = [
    ("chatkit", "POST"),
    ("health", "GET"),
    ("config", "GET"),
    ("models", "GET"),
    ("attachments/atc_x", "GET"),
    ("attachments/atc_x", "PUT"),
    ("attachments/atc_x", "POST"),
    # No route of ours: refused the same way before anything else is said.
    ("attachments/a.b", "GET"),
    ("attachments/a.b", "PUT"),
    ("no-such-route", "POST"),
]


async def _status(jp_fetch: Callable[..., Any], *path: str, **kwargs: Any) -> int:
    try:
        return int((await jp_fetch(*path, **kwargs)).code)
    except HTTPClientError as err:
        return err.code


async def _upload(
    jp_fetch: Callable[..., Any], name: str, mime: str, data: bytes, **kwargs: Any
) -> tuple[str, int]:
    created = json.loads(
        (
            await post(
                jp_fetch, body("attachments.create", name=name, size=len(data), mime_type=mime)
            )
        ).body
    )
    status = await _status(
        jp_fetch, "jupyter-chatkit", "attachments", created["id"], method="PUT", body=data, **kwargs
    )
    return str(created["id"]), status


async def _download(jp_fetch: Callable[..., Any], attachment_id: str) -> HTTPResponse:
    return await jp_fetch("jupyter-chatkit", "attachments", attachment_id)


@pytest.mark.parametrize("authorization", ["", "token wrong-token"])
async def test_every_route_refuses_no_token_and_a_wrong_one(
    jp_fetch: Callable[..., Any], authorization: str
) -> None:
    for path, method in ROUTES:
        status = await _status(
            jp_fetch,
            "jupyter-chatkit",
            *path.split("/"),
            method=method,
            body=body("threads.list") if method != "GET" else None,
            headers={"Authorization": authorization},
        )
        assert status == 403, (path, method)


async def test_a_path_no_route_serves_is_a_json_404(jp_fetch: Callable[..., Any]) -> None:
    # Jupyter answered these with its HTML page: an attachment id with a dot or a
    # traversal, past 100 characters, a route that does not exist.
    for path, method, said in (
        ("attachments/..%2F..%2Fetc%2Fpasswd", "GET", "No such attachment."),
        ("attachments/a.b", "PUT", "No such attachment."),
        ("attachments/" + "x" * 101, "GET", "No such attachment."),
        ("chatkit/x", "POST", "No such jupyter-chatkit route."),
        ("no-such-route", "GET", "No such jupyter-chatkit route."),
    ):
        with pytest.raises(HTTPClientError) as info:
            await jp_fetch(
                "jupyter-chatkit",
                *path.split("/"),
                method=method,
                body=b"x" if method != "GET" else None,
            )
        assert info.value.code == 404 and info.value.response is not None, path
        assert info.value.response.headers["Content-Type"].startswith("application/json")
        assert json.loads(info.value.response.body)["message"] == said, path


async def test_uploads_with_cookies_and_no_xsrf_token_are_refused(
    jp_fetch: Callable[..., Any], jp_serverapp: Any
) -> None:
    cookies = await browser_login(jp_fetch, jp_serverapp)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    created = json.loads(
        (
            await post(
                jp_fetch, body("attachments.create", name="a.txt", size=1, mime_type="text/plain")
            )
        ).body
    )
    for method in ("PUT", "POST"):
        status = await _status(
            jp_fetch,
            "jupyter-chatkit",
            "attachments",
            created["id"],
            method=method,
            body=b"x",
            headers={"Authorization": "", "Cookie": cookie, "Content-Type": "text/plain"},
        )
        assert status == 403, method


@pytest.mark.parametrize(
    ("mime", "data"),
    [
        ("text/html", b"<script>alert(1)</script>"),
        ("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("text/xml", b"<x:script xmlns:x='http://www.w3.org/1999/xhtml'>alert(1)</x:script>"),
        ("image/png\r\nX-Evil: 1", b"<script>alert(1)</script>"),
        ("application/javascript", b"alert(1)"),
    ],
)
async def test_an_upload_a_browser_would_run_is_never_served_inline(
    jp_fetch: Callable[..., Any], mime: str, data: bytes
) -> None:
    attachment_id, status = await _upload(jp_fetch, "x.html", mime, data)
    assert status == 200
    got = await _download(jp_fetch, attachment_id)
    assert got.body == data
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"]
    assert "X-Evil" not in got.headers


async def test_an_image_whose_bytes_are_html_is_served_sandboxed(
    jp_fetch: Callable[..., Any],
) -> None:
    attachment_id, _ = await _upload(jp_fetch, "x.png", "image/png", b"<html><script>1</script>")
    got = await _download(jp_fetch, attachment_id)
    # Inline as an image only: no sniffing into HTML, and a sandbox if it were.
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("name", "plain", "utf8"),
    [
        # Before: tornado refused the header ("Unsafe header value"), a 500 with a
        # traceback in the log, and the file could never be downloaded.
        ("数据.csv", "{id}.csv", "数据.csv"),
        ("报告", "{id}", "报告"),
        ("résumé 2024.csv", "rsum 2024.csv", "résumé 2024.csv"),
        ("\u202egnp.html", "gnp.html", None),
        ('a"\r\nX-Evil: 1;.csv', "aX-Evil 1.csv", None),
        ("../../etc/passwd", "{id}.etcpasswd", None),
    ],
)
async def test_any_attachment_name_downloads_with_a_safe_header(
    jp_fetch: Callable[..., Any], name: str, plain: str, utf8: str | None
) -> None:
    attachment_id, _ = await _upload(jp_fetch, name, "text/csv", b"a,b\n1,2\n")
    got = await _download(jp_fetch, attachment_id)
    assert got.code == 200 and got.body == b"a,b\n1,2\n"
    header = got.headers["Content-Disposition"]
    assert header.startswith(f'attachment; filename="{plain.format(id=attachment_id)}"')
    if utf8 is None:
        assert "filename*" not in header
    else:
        assert header.endswith(f"; filename*=UTF-8''{quote(utf8, safe='')}")
    assert "\r" not in header and "\n" not in header and "X-Evil" not in got.headers


async def test_a_token_in_the_query_never_reaches_the_log(
    jp_fetch: Callable[..., Any],
    jp_serverapp: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A client may authenticate with ``?token=`` (a link from ``jupyter server list``).
    tornado's warning for a refused request names the request's URI, query and all."""
    token = jp_serverapp.identity_provider.token
    caplog.set_level(logging.DEBUG)
    query = {"Authorization": ""}
    for payload in ("{not json", body("threads.nope"), body("threads.get_by_id", thread_id="x")):
        status = await _status(
            jp_fetch, *ENDPOINT, method="POST", body=payload, headers=query, params={"token": token}
        )
        assert status in (400, 404), payload
    status = await _status(
        jp_fetch,
        "jupyter-chatkit",
        "attachments",
        "atc_nope",
        headers=query,
        params={"token": token},
    )
    assert status == 404
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/jupyter-chatkit/" in logged  # the refusals were logged
    assert token not in logged
