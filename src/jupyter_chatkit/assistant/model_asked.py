"""When a streamed turn's model request has left: a transport sends the turn's first
events (the user's message saved, the stream's options) then, not before.

Those events are ready a few milliseconds before the model is asked. Sent at once, their
write to the client's socket and the client waking up to read them (a browser rendering
the message) came before the request to the model, on a machine where the two share the
CPUs: the model was asked later by that much. Held until the request is written, they
go out while the model works on it.

A streaming request's :class:`ModelAsked` is set when the first model request of its turn
has been written to the provider's connection (httpcore's ``trace`` extension on the
OpenAI client's requests, :func:`trace_request`), when its model streams a first event
(any model: the offline one, a test's scripted one; :func:`model_asked`), or when its
stream ends. A transport still bounds its wait (a turn may start MCP servers first).
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from typing import Any

# The running stream's: set in the task that reads the stream, so the run's own task
# (openai-agents starts one, copying this context) sees it too.
_CURRENT: ContextVar[asyncio.Future[None] | None] = ContextVar(
    "jupyter_chatkit_model_asked", default=None
)

# httpcore's trace events that say a request was written (HTTP/1.1, HTTP/2).
_WRITTEN = frozenset({"http11.send_request_body.complete", "http2.send_request_body.complete"})


class ModelAsked:
    """Whether a stream's turn has asked its model (see the module docstring)."""

    def __init__(self) -> None:
        self.future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def start(self) -> None:
        """Make this the current stream's (call it in the task that reads the stream)."""
        _CURRENT.set(self.future)

    def set(self) -> None:
        """Asked (or it never will be: the stream ended)."""
        if not self.future.done() and not self.future.get_loop().is_closed():
            self.future.set_result(None)


def model_asked() -> None:
    """The current stream's model was asked (its request written, or a first event)."""
    future = _CURRENT.get()
    if future is not None and not future.done():
        future.set_result(None)


def trace_request(request: Any) -> None:
    """Have httpcore say when ``request`` (an httpx request to the model) is written,
    while the current stream waits for that; any ``trace`` of the caller's still runs."""
    future = _CURRENT.get()
    if future is None or future.done():
        return
    inner = request.extensions.get("trace")

    async def trace(name: str, info: dict[str, Any]) -> None:
        if name in _WRITTEN and not future.done():
            future.set_result(None)
        if inner is not None:
            await inner(name, info)

    request.extensions["trace"] = trace
