"""First tokens first: a model response's first text delta goes out before its run reads
on, and, while other responses of this process still wait for theirs, before the rest
of the answer.

What comes after a response's first text delta (the rest of the read it came in, the
end of the response, the step's resolution, the answer's save) is ~2 ms of CPU that no
one waits for as keenly as for a first token. On one event loop, concurrent answers
share the CPU in turns: without a priority, the rest of the early answers ran between
the later answers' first tokens (under 50 concurrent streams whose model answers in
300 ms, even the fastest 5% of first tokens came ~150 ms late).

While other responses of this event loop have been asked for and have not yet yielded
a text delta of their own:

- :data:`FIRST_DELTA_HANDOFF`: after its first delta, a response's stream waits a few
  event-loop turns, enough for the delta to pass the consumer's hops and be flushed;
- :data:`FIRST_DELTA_PRIORITY`: then it waits until those others have their first
  delta (at most that many seconds), so their first tokens come first;
- before, the response reader hands each read to its consumer before it reads on,
  until the first content (coalesce.ReadyBatches.prompt).

Alone, a response waits for nothing: its answer goes on at once (its first token ~0.6
ms later than it could, ~120 fewer function calls a turn).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

# The event of a streamed text delta (Responses events, which the agents SDK also makes
# of chat-completions chunks).
TEXT_DELTA = "response.output_text.delta"

FIRST_DELTA_HANDOFF = 3
"""Event-loop turns a response's stream waits after its first text delta (while others
wait for theirs), so that the delta reaches the client before the run goes on.

The SDK's run loop puts each event in its queue and reads on without waiting; when the
rest of the answer came in the same read (a short answer, a fast model), it went on to
parse it, finish the response and resolve the step before the consumer ever ran, ~0.7 ms
of CPU ahead of the first token. Three turns are the consumer's hops: the SDK's queue to
the event merge's reader (event_merge.py), the reader to the transport's task, which
writes the event and schedules its flush.
"""

FIRST_DELTA_PRIORITY = 0.1
"""Seconds at most that a response's stream, past its first delta, waits for the other
responses of its event loop that still wait for their first (see the module)."""


class _Waiting:
    """The responses of one event loop asked for and without a text delta yet."""

    __slots__ = ("count", "none_left")

    def __init__(self) -> None:
        self.count = 0
        # Resolved when the count drops to 0 while someone waits for that.
        self.none_left: asyncio.Future[None] | None = None

    def done(self) -> None:
        self.count -= 1
        if self.count == 0 and self.none_left is not None:
            none_left, self.none_left = self.none_left, None
            if not none_left.done():
                none_left.set_result(None)

    async def until_none_left(self, within: float) -> None:
        if self.count == 0:
            return
        if self.none_left is None:
            self.none_left = asyncio.get_running_loop().create_future()
        # Not cancelled when this wait is: it is shared.
        await asyncio.wait({self.none_left}, timeout=within)


_WAITING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Waiting] = (
    weakref.WeakKeyDictionary()
)


def _waiting() -> _Waiting:
    loop = asyncio.get_running_loop()
    waiting = _WAITING.get(loop)
    if waiting is None:
        waiting = _WAITING[loop] = _Waiting()
    return waiting


def others_wait_for_a_first_delta() -> bool:
    """Whether, besides one response (the caller's), another of this event loop waits
    for its first text delta."""
    waiting = _WAITING.get(asyncio.get_running_loop())
    return waiting is not None and waiting.count > 1


class FirstDelta:
    """One model response, waiting for its first text delta among this event loop's.

    Counted from its making until :meth:`arrived` or :meth:`close`.
    """

    __slots__ = ("_waiting", "pending")

    def __init__(self) -> None:
        self._waiting = _waiting()
        self._waiting.count += 1
        self.pending = True

    def is_first_delta(self, event: Any) -> bool:
        """Whether ``event`` is this response's first text delta."""
        return self.pending and getattr(event, "type", None) == TEXT_DELTA

    async def arrived(self) -> None:
        """The first delta was yielded: the waits of the module docstring, while other
        responses wait for theirs (alone, the answer goes on at once)."""
        others = self._waiting.count > 1
        self.close()
        if not others:
            return
        for _ in range(FIRST_DELTA_HANDOFF):
            await asyncio.sleep(0)
        await self._waiting.until_none_left(FIRST_DELTA_PRIORITY)

    def close(self) -> None:
        """No longer waiting (a first delta, or an end without one: a tool call, a
        failure, a stop)."""
        if self.pending:
            self.pending = False
            self._waiting.done()
