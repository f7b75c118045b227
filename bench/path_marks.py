"""A Jupyter server extension for ``bench/enter_path.py`` only: wall-clock marks of a
POST from the moment tornado has its headers to the handler's ``post``, on the ChatKit
endpoint and on two floors mounted beside it.

Enabled by that bench (``jpserver_extensions``, this directory on ``PYTHONPATH``), never
by the package. Adds, under the server's base URL:

- ``bench-path/bare``: a plain ``tornado.web.RequestHandler`` (no Jupyter auth, no XSRF
  check, no body limit) answering ``{}`` at once: the floor of a same-origin POST;
- ``bench-path/jupyter``: a Jupyter ``APIHandler`` with ``@web.authenticated`` (the
  server's identity provider, XSRF and origin checks) answering ``{}`` at once.

For those and for ``jupyter-chatkit/chatkit`` it appends one JSON line per request
carrying an ``X-Bench-Id`` header to ``$PATH_MARKS``: the id, the handler, the client's
port (a new one is a new connection), whether the request came with an ``Authorization``
header, and ``time.time()`` at: tornado's request made (its headers read),
``prepare`` entered, ``prepare`` left (authenticated), ``post`` entered (body read).
"""

from __future__ import annotations

import functools
import json
import os
import time
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

OUT = os.environ.get("PATH_MARKS", "path_marks.jsonl")


def _marks(handler: web.RequestHandler) -> dict[str, Any] | None:
    """The marks of ``handler``'s request (made on first use), None without an id."""
    found = getattr(handler, "_bench_marks", None)
    if found is not None:
        return found
    bench_id = handler.request.headers.get("X-Bench-Id")
    if bench_id is None:
        return None
    address = handler.request.connection.context.address  # type: ignore[union-attr]
    found = {
        "id": bench_id,
        "handler": type(handler).__name__,
        "port": address[1] if isinstance(address, tuple) else 0,
        "token": "Authorization" in handler.request.headers,
        "headers": handler.request._start_time,
    }
    handler._bench_marks = found  # type: ignore[attr-defined]
    return found


def _write(marks: dict[str, Any]) -> None:
    with open(OUT, "a") as f:
        f.write(json.dumps(marks) + "\n")


def _timed(cls: type[web.RequestHandler]) -> None:
    """Mark ``cls``'s prepare (in, out) and post (in): the post's mark ends the line."""
    prepare: Any = cls.prepare
    post: Any = getattr(cls, "post")  # noqa: B009 (RequestHandler declares no post)

    @functools.wraps(prepare)
    async def timed_prepare(self: Any, *args: Any, **kwargs: Any) -> Any:
        marks = _marks(self)
        if marks is not None:
            marks["prepare"] = time.time()
        result = prepare(self, *args, **kwargs)
        if result is not None:
            result = await result
        if marks is not None:
            marks["prepared"] = time.time()
        return result

    @functools.wraps(post)
    async def timed_post(self: Any, *args: Any, **kwargs: Any) -> Any:
        marks = _marks(self)
        if marks is not None:
            marks["post"] = time.time()
            _write(marks)
        return await post(self, *args, **kwargs)

    cls.prepare = timed_prepare  # type: ignore[method-assign]
    setattr(cls, "post", timed_post)  # noqa: B010


class BareHandler(web.RequestHandler):
    """The floor: tornado alone."""

    def check_xsrf_cookie(self) -> None:
        """No XSRF check: the floor has none of Jupyter's."""

    async def post(self) -> None:
        """Answer at once."""
        self.set_header("Content-Type", "application/json")
        self.finish(b"{}")


class JupyterAuthHandler(APIHandler):
    """Jupyter's authentication and checks, nothing after them."""

    @web.authenticated
    async def post(self) -> None:
        """Answer at once."""
        self.set_header("Content-Type", "application/json")
        self.finish(b"{}")


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "path_marks"}]


def _load_jupyter_server_extension(app: Any) -> None:
    from jupyter_chatkit.serverext.handlers import ChatKitHandler

    for cls in (BareHandler, JupyterAuthHandler, ChatKitHandler):
        _timed(cls)
    base = app.web_app.settings["base_url"]
    app.web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "bench-path", "bare"), BareHandler),
            (url_path_join(base, "bench-path", "jupyter"), JupyterAuthHandler),
        ],
    )
