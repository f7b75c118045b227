"""A streamed answer says so while its store waits for another process's lock.

A write that waits for a SQLite lock another process holds (a kernel or server using
the same store, a backup, a sqlite3 shell) can wait ``store_lock_timeout`` seconds; the
stream is silent meanwhile, since the turn's generator is blocked in that write. So the
transport that drives the stream (the Jupyter server's handler, the kernel's comm, the
kernel's Python client) hands :func:`telling_lock_waits` a way to send one chunk beside
the stream, and the store's write (store/onehop.py) tells it, after
:data:`~..store.engine.STORE_WAIT_SHOWN_AFTER`: a ``progress_update`` event saying what
happens and what to do if it keeps happening, and another (``Thinking…``, what the
chat shows by default) once the wait is over and the turn's stream goes on (not in
between two waits, :class:`_Told`). If the wait ends in failure, the turn's stream ends
with its readable error as before. A turn that waits for the one before it in its
thread (another window's, another server's on the same store) says so the same way
(store/turns.py).

Work that must not wait that long (a stopped turn's last writes, a new thread's first
save, whose ``thread.created`` then goes out first) runs in a task of its own that
says when its store waits (:func:`writing_in_task`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

from chatkit.types import ErrorEvent, ProgressUpdateEvent, ThreadStreamEvent

from ..store.engine import LOCK_WAIT_ICON, lock_wait_listener, lock_waits_told_to
from .results import sse

# What the chat shows before an answer's first words (js/src/ui/status.ts).
THINKING = "Thinking…"

T = TypeVar("T")


class _Told:
    """A request's store waits as its transport shows them: one notice at a time, sent
    when the first wait begins (or the text to show changes: a lock wait inside a wait
    for the turn before), never again for a wait that overlaps one already shown (two
    writes of the request queued behind the same lock). A wait ending while others go on
    shows the newest of those still under way, if its text differs (whichever ended: a
    lock wait ending before the turn wait begun after it leaves the turn's text, not its
    own); the notice goes only when every wait has ended; the last one's end ("Thinking…") is
    owed until the turn's stream goes on (:func:`thinking_if_owed`): a turn whose next
    step waits for the store again shows no "Thinking…" in between. Once the turn's
    stream has sent its error (:func:`before_event`), nothing more is sent: the error
    stays the last thing shown of the turn."""

    def __init__(self, send: Callable[[bytes], None]) -> None:
        self.send = send
        self.active = True
        # The texts of the waits under way, oldest first.
        self.waits: list[str] = []
        # The notice on show (None: none, or "Thinking…" sent since).
        self.shown: str | None = None
        self.owed = False

    def __call__(self, text: str, waiting: bool) -> None:
        if not self.active:
            return
        if waiting:
            self.waits.append(text)
            self._owe(False)
            self._show(text)
            return
        if text in self.waits:
            # The newest wait with this text: any of them reads the same.
            del self.waits[len(self.waits) - 1 - self.waits[::-1].index(text)]
        if self.waits:
            self._show(self.waits[-1])
        else:
            self._owe(True)

    def _show(self, text: str) -> None:
        if text != self.shown:
            self.shown = text
            self.send(sse(ProgressUpdateEvent(icon=LOCK_WAIT_ICON, text=text)))

    def _owe(self, owed: bool) -> None:
        global _owed
        if owed != self.owed:
            self.owed = owed
            _owed += 1 if owed else -1

    def settle(self) -> None:
        """Send the "Thinking…" owed, if any."""
        if self.owed:
            self._owe(False)
            self.shown = None
            self.send(sse(ProgressUpdateEvent(text=THINKING)))

    def close(self) -> None:
        """Nothing is sent any more (the request's block was left, or its stream ended
        in an error)."""
        self._owe(False)
        self.active = False


# How many requests owe a "Thinking…" now: the stream's check costs a global read.
_owed = 0


@contextlib.contextmanager
def telling_lock_waits(send: Callable[[bytes], None]) -> Iterator[None]:
    """Inside, a store write of this task that waits for another process's lock sends
    ``send`` a ``progress_update`` chunk saying so, and one ("Thinking…") when it is
    over and the turn's stream goes on (see :class:`_Told`). Nothing is sent once the
    block is left (a background write the request started)."""
    told = _Told(send)
    try:
        with lock_waits_told_to(told):
            yield
    finally:
        told.close()


def thinking_if_owed() -> None:
    """The turn's stream goes on: a store wait of its request that ended is now said
    to be over (before the stream's next event)."""
    if _owed:
        listener = lock_wait_listener()
        if isinstance(listener, _Told):
            listener.settle()


def before_event(event: ThreadStreamEvent) -> None:
    """The turn's stream is about to send ``event``: a store wait that ended is said to
    be over first (:func:`thinking_if_owed`); after an error, the request's store waits
    are no longer told (a failure kept with the thread, ChatKit's last save of it: a
    wait's notice under the error would say the turn still goes on)."""
    if _owed:
        thinking_if_owed()
    if event.__class__ is ErrorEvent:
        listener = lock_wait_listener()
        if isinstance(listener, _Told):
            listener.close()


def writing_in_task(
    work: Coroutine[Any, Any, T], *, tell_request: bool = True
) -> tuple[asyncio.Task[T], asyncio.Future[str]]:
    """``work`` (store writes) started in a task of its own, and a future done (with
    the notice to show) once one of its writes has waited
    :data:`~..store.engine.STORE_WAIT_SHOWN_AFTER` for another process's lock (a lock
    held by another process, or a PostgreSQL row or table lock): a caller that must not
    wait that long (a stopped turn) leaves it running then. The request's transport is
    told of the wait as before (:func:`telling_lock_waits`) unless ``tell_request`` is
    False (the caller tells it, see :func:`told_while`)."""
    waiting: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    request = lock_wait_listener() if tell_request else None

    def told(text: str, begun: bool) -> None:
        if request is not None:
            request(text, begun)
        if begun and not waiting.done():
            waiting.set_result(text)

    with lock_waits_told_to(told):
        # The task copies the context, with this listener in it.
        task = asyncio.ensure_future(work)
    task.add_done_callback(lambda _: waiting.cancel())
    return task, waiting


@contextlib.contextmanager
def told_while(text: str) -> Iterator[None]:
    """The request's transport shows the store wait ``text`` inside (see
    :func:`writing_in_task`), and its end when the block is left."""
    listener = lock_wait_listener()
    if listener is not None:
        listener(text, True)
    try:
        yield
    finally:
        if listener is not None:
            listener(text, False)
