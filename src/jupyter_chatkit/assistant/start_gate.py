"""Turns reach their model one after the other, not all at once at the end of a burst.

From its request to its model call a turn is a few milliseconds of CPU on the event loop,
cut into steps by its awaits (the request's task, the user message's event, the agents
SDK's run task, the HTTP client's connection and writes). The loop runs ready steps in
the order they became ready, so when many requests come together (a class opening
their notebooks, a burst of 50 streams) every turn does its first step, then every turn
its second, and so on: the model requests all leave in the last round, after the CPU
of every turn's preparation, and every first token waits for all of them (measured: 50
concurrent turns' model requests reached the model within 20 ms of each other, the
first one only after ~all 50 turns were ready).

:class:`StartGate` lets a few turns at a time (:data:`WIDTH`) go from their request to
their model call: the others wait at their start, so the first model requests leave
after a few turns' preparation, the next ones after a few more, and the first tokens
come back in the same order (measured in a burst of 50 with a 300 ms model: the model
requests spread over the burst instead of arriving together at its end; the 95th
percentile first token came earlier in each of 4 alternated bursts on a loaded
machine). Nothing is serialized that could overlap: a turn passes its place on as soon
as its model call starts (:func:`pass_on`, called by the model wrapper), when it ends
or fails, before it waits for anything but the CPU (another turn of its thread, MCP
servers starting), and at the latest :data:`HOLD_SECONDS` after it entered. A turn that
finds a place free enters at once, without a step of its own.
"""

from __future__ import annotations

import asyncio
from collections import deque
from contextvars import ContextVar

WIDTH = 3
"""Turns preparing at once: a few, so that one's hand-over (a turn of the event loop)
overlaps the others' work."""

HOLD_SECONDS = 0.03
"""The longest one turn keeps the others waiting (its preparation takes a few ms; a
turn that waits for I/O it was not known to wait for passes the gate on after this)."""


class GatePass:
    """A turn's hold of the gate; :meth:`release` hands it on (once; later calls do
    nothing)."""

    __slots__ = ("_gate", "_timer")

    def __init__(self, gate: StartGate) -> None:
        self._gate: StartGate | None = gate
        self._timer = asyncio.get_running_loop().call_later(gate.hold_seconds, self.release)

    def release(self) -> None:
        """The turn's model call started, it ended, or it waits: the next turn goes."""
        gate, self._gate = self._gate, None
        if gate is not None:
            self._timer.cancel()
            gate._hand_on()


class StartGate:
    """``width`` turns at a time from their start to their model call (see the module
    docstring)."""

    def __init__(self, width: int = WIDTH, hold_seconds: float = HOLD_SECONDS) -> None:
        self._width = width
        self.hold_seconds = hold_seconds
        self._held = 0
        # The turns waiting, first come first: each future is set when it may go.
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def enter(self) -> GatePass:
        """Wait for the turns that entered before this one to reach their model call."""
        if self._held < self._width and not self._waiting:
            self._held += 1
            return GatePass(self)
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                # Handed a place just as it was cancelled: hand it on.
                self._hand_on()
            else:
                self._waiting.remove(turn)
            raise
        # The place of the turn that handed it on (see _hand_on).
        return GatePass(self)

    def _hand_on(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # the place is that turn's now
                return
        self._held -= 1


_current: ContextVar[GatePass | None] = ContextVar("jupyter_chatkit_gate_pass", default=None)


def hold(gate_pass: GatePass) -> None:
    """``gate_pass`` is the running turn's: tasks it starts (the SDK's run) see it."""
    _current.set(gate_pass)


def pass_on() -> None:
    """The running turn (if any) calls its model now, or waits for something other
    than the CPU: the next turn may start."""
    gate_pass = _current.get()
    if gate_pass is not None:
        gate_pass.release()
