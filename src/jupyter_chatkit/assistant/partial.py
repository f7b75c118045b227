"""Keep the words a model already streamed when its stream then fails.

openai-agents drops stream events still queued for the consumer when a model call
raises, unless the error is marked "drain first" (as the SDK itself does for terminal
response errors). A connection cut right after a burst of deltas would otherwise lose
text the user could have kept. :class:`KeepPartialOutput` marks such errors.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from agents.models.interface import Model

try:  # Private in openai-agents 0.24 (pinned <0.25); fall back to its attribute name.
    from agents.exceptions import _mark_error_to_drain_stream_events as _mark_drain
except ImportError:  # pragma: no cover - depends on the SDK version
    _DRAIN_ATTR = "_agents_drain_queued_stream_events"

    def _mark_drain(error: BaseException) -> None:
        setattr(error, _DRAIN_ATTR, True)


class KeepPartialOutput(Model):
    """Delegates to ``inner``; a mid-stream failure still delivers what was streamed."""

    def __init__(self, inner: Model) -> None:
        self.inner = inner

    async def get_response(self, *args: Any, **kwargs: Any) -> Any:
        """Non-streamed calls pass straight through."""
        return await self.inner.get_response(*args, **kwargs)

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        """Stream from ``inner``; mark a failure so queued events are drained first."""
        try:
            async for event in self.inner.stream_response(*args, **kwargs):
                yield event
        except Exception as error:
            _mark_drain(error)
            raise

    def get_retry_advice(self, request: Any) -> Any:
        """Retry decisions stay the inner model's."""
        return self.inner.get_retry_advice(request)

    async def close(self) -> None:
        """Close the inner model's client."""
        await self.inner.close()
