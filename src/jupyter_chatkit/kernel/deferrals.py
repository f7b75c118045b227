"""The server extension's import deferrals (:mod:`..serverext.deferred_imports`), applied
in a kernel when it first needs the libraries they concern, never before.

- :func:`before_http`: before the kernel's first request to its Jupyter server. httpcore
  imports trio, when installed, in case it runs under trio's event loop; the kernel's
  client runs on asyncio's. Registering costs a file-system lookup.
- :func:`before_assistant`: before the in-kernel assistant's libraries load (a kernel
  with no server endpoint: nbclient, a script, a server without the extension). As in
  the server: MCP's client and server, SQLAlchemy's ORM session, openai's unused types,
  openai-agents' sandbox, griffe... load only if something uses them (the first
  question: ~1 s of CPU and ~40 MB less). Registering costs ~45 ms (the pinned releases'
  metadata), so a kernel that asks its server never pays it.

Any later use of a deferred package, by the assistant or by the person's code, loads it
in full first, as a plain import would have.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_done: set[str] = set()


def _once(what: str) -> bool:
    """True the first time ``what`` is asked for in this process."""
    with _lock:
        if what in _done:
            return False
        _done.add(what)
        return True


def before_http() -> None:
    """Defer trio (no part of the kernel's HTTP client on asyncio) before httpx's use."""
    if _once("http"):
        from ..serverext.deferred_imports import defer_package

        defer_package("trio")


def before_assistant() -> None:
    """Defer what the server defers, before the in-kernel assistant's first import."""
    if _once("assistant"):
        from ..serverext.deferred_imports import defer_unused_packages

        defer_unused_packages()
