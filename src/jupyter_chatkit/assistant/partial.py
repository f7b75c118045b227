"""Keep the words a model already streamed when its stream then fails.

openai-agents drops stream events still queued for the consumer when a model call
raises, unless the error is marked "drain first" (as the SDK itself does for terminal
response errors). A connection cut right after a burst of deltas would otherwise lose
text the user could have kept. :class:`KeepPartialOutput` marks such errors.

What is kept is marked as partial (:func:`mark_partial`): cut off by a failure, or
stopped by the user.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from agents.models.interface import Model
from chatkit.types import AssistantMessageContent, AssistantMessageItem

from .model_errors import IncompleteStreamError

try:  # Private in openai-agents 0.24 (pinned <0.25); fall back to its attribute name.
    from agents.exceptions import _mark_error_to_drain_stream_events as _mark_drain
except ImportError:  # pragma: no cover - depends on the SDK version
    _DRAIN_ATTR = "_agents_drain_queued_stream_events"

    def _mark_drain(error: BaseException) -> None:
        setattr(error, _DRAIN_ATTR, True)


# Events that end a Responses-API stream (and the agents SDK's converted streams).
_TERMINAL_EVENTS = frozenset(
    {"response.completed", "response.failed", "response.incomplete", "response.error", "error"}
)


class KeepPartialOutput(Model):
    """Delegates to ``inner``; a mid-stream failure still delivers what was streamed."""

    def __init__(self, inner: Model) -> None:
        self.inner = inner

    async def get_response(self, *args: Any, **kwargs: Any) -> Any:
        """Non-streamed calls pass straight through."""
        return await self.inner.get_response(*args, **kwargs)

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        """Stream from ``inner``; mark a failure so queued events are drained first.

        A stream that ends without a terminal event (``response.completed``, or a
        failure event) was cut, even if it ended cleanly: that is an
        :class:`IncompleteStreamError` too, for every provider and API.
        """
        terminal = False
        try:
            async for event in self.inner.stream_response(*args, **kwargs):
                if getattr(event, "type", None) in _TERMINAL_EVENTS:
                    terminal = True
                yield event
            if not terminal:
                raise IncompleteStreamError("the model's stream ended without a terminal event")
        except Exception as error:
            _mark_drain(error)
            raise

    def get_retry_advice(self, request: Any) -> Any:
        """Retry decisions stay the inner model's."""
        return self.inner.get_retry_advice(request)

    async def close(self) -> None:
        """Close the inner model's client."""
        await self.inner.close()


# Appended to an answer kept after its stream ended early, so that the stored thread
# (reopened later, read in a notebook, or replayed to the model) says it is partial.
CUT_OFF_NOTE = "*[Answer cut off before it finished.]*"
STOPPED_NOTE = "*[Stopped.]*"


def mark_partial(item: AssistantMessageItem, note: str) -> AssistantMessageItem:
    """``item`` with ``note`` as a paragraph after its text (once, however often called)."""
    if not item.content:
        item.content.append(AssistantMessageContent(text=""))
    last = item.content[-1]
    if not last.text.rstrip().endswith(note):
        last.text = f"{last.text.rstrip()}\n\n{note}" if last.text.strip() else note
    return item
