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

What the turn causes elsewhere on the server's thread can wait for the same moment
(:func:`after_opening`): the notice to pages that follow the thread (``Turn.CHANGES``,
running.py) answers their long-poll, whose reply and the page's next poll otherwise ran
on that thread between the turn's saved message and its model request. Work that may
wait longer waits until no stream of the process holds its opening
(:func:`when_none_held`): a new thread's first save (first_saves.py) is made once every
turn under way has asked its model, not between one turn's request and the next's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
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


# How many streams of this process hold their opening now (turns on their way to their
# models), and what waits for none to (when_none_held).
_holding = 0
_when_none: list[Callable[[], None]] = []


class _Held:
    """A stream's transport, whether this stream holds its opening, and what waits for
    it to go out."""

    __slots__ = ("after", "counted", "held", "limit", "opening")

    def __init__(self, opening: Opening) -> None:
        self.opening = opening
        self.held = False
        # Counted in _holding: from the hold until it goes out, the stream ends or
        # HOLD_LIMIT passes (the transport lets it go itself then).
        self.counted = False
        self.after: list[Callable[[], None]] = []
        self.limit: asyncio.TimerHandle | None = None

    def hold(self) -> None:
        global _holding
        self.held = True
        self.opening.hold()
        if not self.counted:
            self.counted = True
            _holding += 1
            if self.limit is None:
                self.limit = asyncio.get_running_loop().call_later(HOLD_LIMIT, self.run_after)

    def release(self) -> None:
        self.opening.release()
        self.held = False
        self.run_after()

    def run_after(self) -> None:
        """Call what waits for the opening (once each), now."""
        if self.limit is not None:
            self.limit.cancel()
            self.limit = None
        try:
            if self.after:
                after, self.after = self.after, []
                for callback in after:
                    callback()
        finally:
            if self.counted:
                self.counted = False
                _let_go()


def _let_go() -> None:
    """One stream's opening went out: when it was the last one held, call what waits."""
    global _holding, _when_none
    _holding -= 1
    if _holding == 0 and _when_none:
        waiting, _when_none = _when_none, []
        for callback in waiting:
            callback()


def when_none_held(callback: Callable[[], None]) -> None:
    """Call ``callback`` once no stream of this process holds its opening (every turn
    under way has asked its model, or its stream ended or held HOLD_LIMIT): at once
    when none does."""
    if _holding == 0:
        callback()
    elif callback not in _when_none:
        _when_none.append(callback)


_OPENING: ContextVar[_Held | None] = ContextVar("jupyter_chatkit_opening", default=None)

# httpcore's trace event once a request's body is written (HTTP/1.1 and HTTP/2).
_BODY_SENT = ".send_request_body.complete"


@contextlib.contextmanager
def holding_opening(opening: Opening) -> Iterator[None]:
    """Within: the stream driven here may hold its opening with ``opening``."""
    held = _Held(opening)
    token = _OPENING.set(held)
    try:
        yield
    finally:
        _OPENING.reset(token)
        # The stream ended (its transport sends what it held): so does the wait.
        held.run_after()


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


def after_opening(callback: Callable[[], None]) -> None:
    """Call ``callback`` once this context's held opening goes out (the model was asked,
    see the module docstring), the stream ends, or :data:`HOLD_LIMIT` passes, whichever
    comes first; at once when nothing is held."""
    held = _OPENING.get()
    if held is None or not held.counted:
        callback()
        return
    held.after.append(callback)


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
