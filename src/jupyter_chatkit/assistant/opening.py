"""A streamed turn's opening events go out once its model request has been sent.

A turn's first events (``thread.created``, the user's message, ChatKit's stream options)
are ready a few milliseconds before the model is asked: the agent's run is set up and
the request built in between, on the server's one thread. Sent at once, they cost a
socket write on that path and wake the browser, which renders them on a core the
server also needs; the page meanwhile shows the message as being sent. So a transport
that can hold what a stream writes offers to (:func:`holding_opening`), a request that
starts a turn asks it to (:func:`hold_opening`), and the turn lets it go
(:func:`release_opening`) once the model has its request (the HTTP client's trace of
the request body written, :func:`watch_request_sent`) or the run produced an event of
its own (a model without HTTP, e.g. the offline one), whichever comes first; also
before an MCP server of Agent mode is asked (it may take a while). The transport lets
it go itself when the stream ends, for anything it must show at once (a wait for
the store's lock or for the turn before), and after :data:`HOLD_LIMIT` whatever else
happens: a model slow to reach (a connect that hangs, a retry after a refused one) must
not keep the new thread's id from the page, whose Stop needs it.

The hold travels in a context variable: the agent's run and the model's request run in
tasks started from the stream's own, which copy its context.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, Protocol


class Opening(Protocol):
    """A transport's hold on what a stream writes (see the module docstring)."""

    def hold(self) -> None:
        """Keep what is written from now on until :meth:`release`."""

    def release(self) -> None:
        """Send what was kept, and what comes later at once; again: nothing."""


# The longest a stream's opening is held (seconds); the model's request is normally
# written a few milliseconds after the hold begins.
HOLD_LIMIT = 0.5

_OPENING: ContextVar[Opening | None] = ContextVar("jupyter_chatkit_opening", default=None)

# httpcore's trace event once a request's body is written (HTTP/1.1 and HTTP/2).
_BODY_SENT = ".send_request_body.complete"


@contextlib.contextmanager
def holding_opening(opening: Opening) -> Iterator[None]:
    """Within: the stream driven here may hold its opening with ``opening``."""
    token = _OPENING.set(opening)
    try:
        yield
    finally:
        _OPENING.reset(token)


def hold_opening() -> None:
    """Hold what this context's stream writes until its turn has asked the model
    (nothing under a transport that does not hold)."""
    opening = _OPENING.get()
    if opening is not None:
        opening.hold()


def release_opening() -> None:
    """Let the held opening of this context's stream go (nothing if none is held)."""
    opening = _OPENING.get()
    if opening is not None:
        opening.release()


async def _trace(event_name: str, info: dict[str, Any]) -> None:
    if event_name.endswith(_BODY_SENT):
        release_opening()


async def _on_request(request: Any) -> None:
    """httpx's (async) request hook: the request, once its body is written, releases the opening
    of the stream it was made for. A trace the caller set is left as it is."""
    if _OPENING.get() is not None:
        request.extensions.setdefault("trace", _trace)


def watch_request_sent(client: Any) -> None:
    """Give an httpx(2) ``AsyncClient`` the request hook (once); its own hooks stay."""
    hooks = client.event_hooks
    if _on_request not in hooks["request"]:
        client.event_hooks = {**hooks, "request": [*hooks["request"], _on_request]}
