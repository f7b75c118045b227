"""Turns that outlive their client.

A person who reloads the page, closes the tab or loses the network in the middle of an
answer expects it to be finished and saved when they come back: a transport whose client
goes away stops writing, and the turn runs on to its end (bounded as any turn is: the
model's timeouts, the step limit; a step waiting for a person's approval ends the
stream, so nothing runs unapproved). Only an explicit Stop stops a turn:
``Turn.STOP {thread_id}``, a request of its own, since aborting a request can no longer
say it; so do deleting its thread (``threads.delete``, another tab) and the server's (or
kernel's) stop, which end the turn's stream with one error saying so. Someone who comes
back while the answer is still being written follows it live: ``Turn.WATCH
{thread_id}`` streams the turn's events from its start, then as they come.

A turn is known to the process that runs it (:class:`RunningTurns`); the task that drives
it (the transport's) is what Stop cancels, as a disconnect did before: ChatKit then keeps
the partial answer, marked as stopped (``handle_stream_cancelled``).
"""

from __future__ import annotations

import asyncio
import functools
import json
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chatkit.store import NotFoundError
from chatkit.types import (
    AssistantMessageContentPartTextDelta,
    ClientEffectEvent,
    ThreadCreatedEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
)

from .. import parse_json
from ..protocol import ErrorCode, RequestContext, Turn
from .opening import after_opening
from .results import JsonResult, StreamResult, failed_request, failure_event, sse
from .turn_changes import TurnChanges

if TYPE_CHECKING:
    from chatkit.store import Store


# Events a watcher neither gets nor replays: a new thread's creation (the watcher has the
# thread) and client effects (carried out by the client that asked, once).
_NOT_WATCHED = (ThreadCreatedEvent, ClientEffectEvent)
# Events kept for a late watcher, text deltas apart (consecutive ones are joined into
# one): a turn past this many keeps none, and a watcher then only waits for its end.
MAX_KEPT_EVENTS = 5_000
# How long the server's stop waits for its running turns to keep their answers.
STOP_ALL_SECONDS = 10.0


@dataclass
class _Text:
    """Consecutive text deltas of one content part, joined when replayed."""

    item_id: str
    content_index: int
    pieces: list[str]

    def event(self) -> ThreadItemUpdatedEvent:
        delta = AssistantMessageContentPartTextDelta(
            content_index=self.content_index, delta="".join(self.pieces)
        )
        return ThreadItemUpdatedEvent(item_id=self.item_id, update=delta)


_SSE_HEAD = b"data: "
_SSE_TAIL = b"\n\n"


class LastSerialized:
    """The text of the event a turn kept last, for the transport's serialization of that
    same event, which comes right after (NotebookAssistant._serialize): each kept event
    is serialized once, not twice (~10 µs an event, ~5 a turn)."""

    __slots__ = ("_chunk", "_event")

    def __init__(self) -> None:
        self._event: object = None
        self._chunk = b""

    def keep(self, event: object, chunk: bytes) -> None:
        """``chunk`` is ``event`` as a server-sent event (results.sse)."""
        self._event, self._chunk = event, chunk

    def take(self, event: object) -> bytes | None:
        """The JSON of ``event`` if it is the one kept last (once), else None."""
        if self._event is not event or event is None:
            return None
        chunk = self._chunk
        self._event, self._chunk = None, b""
        return chunk[len(_SSE_HEAD) : -len(_SSE_TAIL)]


@dataclass
class RunningTurn:
    """One turn being answered: the task that drives it, its events so far, its watchers."""

    thread_id: str
    user_id: str
    task: asyncio.Task[Any] | None
    _kept: list[bytes | _Text] | None = field(default_factory=list)
    _watchers: list[asyncio.Queue[bytes | None]] = field(default_factory=list)
    # Shared by the turns of one RunningTurns (see LastSerialized).
    _last: LastSerialized | None = None

    def add(self, event: ThreadStreamEvent) -> None:
        """One event of the turn, as its client gets it: kept, and sent to the watchers."""
        if isinstance(event, _NOT_WATCHED):
            return
        kept = self._kept
        chunk: bytes | None = None
        if isinstance(event, ThreadItemUpdatedEvent) and isinstance(
            event.update, AssistantMessageContentPartTextDelta
        ):
            if kept is not None:
                last = kept[-1] if kept else None
                if (
                    isinstance(last, _Text)
                    and last.item_id == event.item_id
                    and last.content_index == event.update.content_index
                ):
                    last.pieces.append(event.update.delta)
                else:
                    kept.append(
                        _Text(event.item_id, event.update.content_index, [event.update.delta])
                    )
        elif kept is not None:
            if len(kept) >= MAX_KEPT_EVENTS:
                self._kept = None
            else:
                # Kept serialized, as sent: ChatKit's bookkeeping goes on changing the
                # items it streamed (a deep copy of each cost ~5x the serialization).
                chunk = sse(event)
                kept.append(chunk)
        if self._watchers:
            chunk = chunk or sse(event)
            for queue in self._watchers:
                queue.put_nowait(chunk)
        if chunk is not None and self._last is not None:
            self._last.keep(event, chunk)

    def close(self) -> None:
        """The turn ended: its watchers' streams end too."""
        for queue in self._watchers:
            queue.put_nowait(None)
        self._watchers.clear()
        self._kept = None

    async def watch(self) -> AsyncIterator[bytes]:
        """The turn's events so far, then each one as it comes, until it ends."""
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        # Read and joined in one step: no event falls between the two.
        replay = [sse(e.event()) if isinstance(e, _Text) else e for e in self._kept or ()]
        self._watchers.append(queue)
        try:
            for chunk in replay:
                yield chunk
            while (live := await queue.get()) is not None:
                yield live
        finally:
            if queue in self._watchers:
                self._watchers.remove(queue)


class RunningTurns:
    """The turns this process is answering, by thread."""

    def __init__(self) -> None:
        self._turns: dict[str, list[RunningTurn]] = {}
        # The tasks of turns being cancelled because their thread was deleted, or
        # because the server (or kernel) stops: each ends its stream saying so.
        self._deleted: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        self._stopping: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        self._last = LastSerialized()
        # Pages showing a thread wait on it for its turns (Turn.CHANGES).
        self.changes = TurnChanges()

    def serialized(self, event: object) -> bytes | None:
        """The JSON a turn made of ``event`` when it kept it just now, else None."""
        return self._last.take(event)

    def begin(self, thread_id: str, context: RequestContext) -> RunningTurn:
        """A turn of ``thread_id`` starts (or queues for the thread), driven by this task.

        Pages waiting on the thread (``Turn.CHANGES``) hear of it once its model has
        been asked (:func:`~.opening.after_opening`), not on the way there; ``now``
        answers see it at once."""
        turn = RunningTurn(thread_id, context.user_id, asyncio.current_task(), _last=self._last)
        self._turns.setdefault(thread_id, []).append(turn)
        after_opening(functools.partial(self._began, turn))
        return turn

    def _began(self, turn: RunningTurn) -> None:
        if any(t is turn for t in self._turns.get(turn.thread_id, ())):
            self.changes.changed(turn.user_id, turn.thread_id)

    def end(self, turn: RunningTurn) -> None:
        """``turn`` ended (answered, stopped or failed)."""
        turns = self._turns.get(turn.thread_id)
        if turns is not None and turn in turns:
            turns.remove(turn)
            if not turns:
                del self._turns[turn.thread_id]
            self.changes.changed(turn.user_id, turn.thread_id)
        turn.close()

    def answering(self, thread_id: str) -> bool:
        """True while a turn of ``thread_id`` runs (or waits for the thread) here."""
        return thread_id in self._turns

    def of(self, thread_id: str, user_id: str) -> list[RunningTurn]:
        """The user's turns of ``thread_id`` that run (or wait for the thread) now."""
        return [turn for turn in self._turns.get(thread_id, ()) if turn.user_id == user_id]

    @staticmethod
    def stop(turns: list[RunningTurn]) -> bool:
        """Stop those of ``turns`` still running; False when none was."""
        stopped = False
        for turn in turns:
            if turn.task is not None and not turn.task.done():
                turn.task.cancel()
                stopped = True
        return stopped

    def thread_deleted(self, thread_id: str, user_id: str) -> None:
        """The user deleted ``thread_id``: its turns stop now, so their model runs are
        closed (no more tokens spent on an answer nobody can see). Each task is
        cancelled as Stop does; the turn knows it by :meth:`cancelled_by_delete`."""
        current = asyncio.current_task()
        for turn in self.of(thread_id, user_id):
            task = turn.task
            if task is not None and not task.done() and task is not current:
                self._deleted.add(task)
                task.cancel()

    def deleting(self) -> bool:
        """True in a turn's task being cancelled because its thread was deleted."""
        task = asyncio.current_task()
        return task is not None and task in self._deleted

    def cancelled_by(self) -> str | None:
        """In a turn's ``except CancelledError``: ``"deleted"`` when the cancellation
        came from :meth:`thread_deleted`, ``"stopping"`` from :meth:`stop_all`; it is
        then taken back (the task goes on to end its stream with one error saying so).
        None for a Stop, which ends the stream as it is."""
        task = asyncio.current_task()
        if task is None:
            return None
        for why, tasks in (("deleted", self._deleted), ("stopping", self._stopping)):
            if task in tasks:
                tasks.discard(task)
                task.uncancel()
                return why
        return None

    async def stop_all(self, within: float = STOP_ALL_SECONDS) -> None:
        """Stop every turn (the server stops): each keeps its answer so far, marked
        stopped, while the store is still open. A turn that takes longer than ``within``
        to wind down is left."""
        tasks = {
            turn.task
            for turns in self._turns.values()
            for turn in turns
            if turn.task is not None and not turn.task.done()
        }
        tasks.discard(asyncio.current_task())
        self.changes.wake_all()
        for task in tasks:
            self._stopping.add(task)
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=within)

    async def watch(self, thread_id: str, user_id: str) -> AsyncIterator[bytes]:
        """The events of the user's turn running in ``thread_id`` (nothing if none runs)."""
        turn = next(iter(self.of(thread_id, user_id)), None)
        if turn is None:
            return
        async for chunk in turn.watch():
            yield chunk


# Requests of our own (see protocol.Turn); STEP_STARTED is answered by step_starts.py,
# CHANGES by turn_changes.py.
_OWN = (Turn.STOP, Turn.WATCH, Turn.STEP_STARTED, Turn.CHANGES, Turn.WARM)


def own_request(body: bytes | str) -> tuple[str, Any] | None:
    """``(type, params)`` of a :class:`Turn` request; None for anything else."""
    try:
        data = parse_json.loads(body)
    except ValueError:
        # (Nested deeper than the parser goes: no request of ours, answered as ChatKit's.)
        return None
    if not isinstance(data, dict) or data.get("type") not in _OWN:
        return None
    return data["type"], data.get("params")


async def answer_own(
    kind: str,
    params: Any,
    turns: RunningTurns,
    store: Store[RequestContext],
    context: RequestContext,
) -> JsonResult | StreamResult:
    """Answer a :class:`Turn` request of the user's (their own threads only)."""
    thread_id = params.get("thread_id") if isinstance(params, dict) else None
    if not isinstance(thread_id, str) or not thread_id:
        return JsonResult.error(400, f"{kind} needs params.thread_id, the id of a conversation.")
    # A Stop stops what runs when it is asked: a message sent while its ownership check
    # reads the store below is not stopped by it.
    running_now = turns.of(thread_id, context.user_id) if kind == Turn.STOP else []
    if running_now:
        # The user's own turns (of() checks the owner): no read needed, and a new
        # thread named before its save (the store waits for another process) has none.
        stopped = turns.stop(running_now)
        return JsonResult(200, json.dumps({"stopped": stopped}).encode())
    failure: JsonResult | None = None
    try:
        await store.load_thread(thread_id, context)
    except NotFoundError:
        failure = JsonResult.error(404, "No such conversation.", ErrorCode.NOT_FOUND)
    except Exception as exc:
        failure = failed_request(exc, kind)
    if kind == Turn.STOP:
        if failure is not None:
            return failure
        stopped = turns.stop(running_now)
        return JsonResult(200, json.dumps({"stopped": stopped}).encode())
    if failure is not None:
        # A stream is asked for: its one event says what is wrong, as ChatKit's do.
        return StreamResult(_one(failure_event(failure)))
    return StreamResult(turns.watch(thread_id, context.user_id))


async def _one(chunk: bytes) -> AsyncIterator[bytes]:
    yield chunk
