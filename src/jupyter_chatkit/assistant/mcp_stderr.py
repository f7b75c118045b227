"""A stdio MCP server's stderr, read into the log line by line with its secrets hidden.

The MCP client hands a stdio server the Jupyter process's own stderr by default, so what
a server prints there (its configuration, a token it read, a traceback with its
environment) reached the Jupyter log unscrubbed, and in a kernel the cell under which the
assistant ran. Here each server writes to a pipe instead; a thread reads it and logs each
line on ``jupyter_chatkit`` (at WARNING: a server's stderr is where it says why it failed),
after the context policy's patterns, and the log's own scrubbing of every configured
secret (scrub.py's record factory).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger("jupyter_chatkit")
# Longer lines are logged in pieces of this many bytes.
MAX_LINE = 4000


def _pump(fd: int, server: str) -> None:
    """Log each line read from ``fd`` until every writer has closed it."""
    from ..context_policy.redact import Redactor

    redactor = Redactor()
    with os.fdopen(fd, "rb") as pipe:
        for raw in iter(lambda: pipe.readline(MAX_LINE), b""):
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                log.warning("MCP server %r: %s", server, redactor.text(line))


@contextlib.asynccontextmanager
async def stdio_streams(params: Any, server: str) -> AsyncIterator[Any]:
    """The MCP client's stdio streams for ``params``, the server's stderr logged."""
    from mcp.client.stdio import stdio_client

    read_fd, write_fd = os.pipe()
    try:
        threading.Thread(
            target=_pump, args=(read_fd, server), name=f"mcp-stderr-{server}", daemon=True
        ).start()
    except BaseException:
        os.close(read_fd)
        os.close(write_fd)
        raise
    # Our copy of the write end is closed when the client is done; the reader ends once
    # the server process (which holds the other) has exited too.
    with os.fdopen(write_fd, "w", encoding="utf-8") as errlog:
        async with stdio_client(params, errlog=errlog) as streams:
            yield streams
