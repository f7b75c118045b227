"""A streamed answer says so while its store waits for another process's lock.

A write that waits for a SQLite lock another process holds (a kernel or server using
the same store, a backup, a sqlite3 shell) can wait ``store_lock_timeout`` seconds; the
stream is silent meanwhile, since the turn's generator is blocked in that write. So the
transport that drives the stream (the Jupyter server's handler, the kernel's comm, the
kernel's Python client) hands :func:`telling_lock_waits` a way to send one chunk beside
the stream, and the store's write (store/onehop.py) tells it, after
:data:`~..store.engine.STORE_WAIT_SHOWN_AFTER`: a ``progress_update`` event saying what
happens and what to do if it keeps happening, and another (``Thinking…``, what the
chat shows by default) when the wait is over. If the wait ends in failure, the turn's
stream ends with its readable error as before. A turn that waits for the one before it
in its thread (another window's, another server's on the same store) says so the same
way (store/turns.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

from chatkit.types import ProgressUpdateEvent

from ..store.engine import LOCK_WAIT_ICON, lock_wait_listener, lock_waits_told_to
from .results import sse

# What the chat shows before an answer's first words (js/src/ui/status.ts).
THINKING = "Thinking…"

T = TypeVar("T")


@contextlib.contextmanager
def telling_lock_waits(send: Callable[[bytes], None]) -> Iterator[None]:
    """Inside, a store write of this task that waits for another process's lock sends
    ``send`` a ``progress_update`` chunk saying so, and one when it is over. Nothing is
    sent once the block is left (a background write the request started)."""
    active = True

    def told(text: str | None) -> None:
        if not active:
            return
        if text is None:
            event = ProgressUpdateEvent(text=THINKING)
        else:
            event = ProgressUpdateEvent(icon=LOCK_WAIT_ICON, text=text)
        send(sse(event))

    try:
        with lock_waits_told_to(told):
            yield
    finally:
        active = False


def writing_in_task(
    work: Coroutine[Any, Any, T],
) -> tuple[asyncio.Task[T], asyncio.Future[None]]:
    """``work`` (store writes) started in a task of its own, and a future done once one
    of its writes has waited :data:`~..store.engine.STORE_WAIT_SHOWN_AFTER` for another
    process's lock (a lock held by another process, or a PostgreSQL row or table lock):
    a caller that must not wait that long (a stopped turn) leaves it running then. The
    request's transport is told of the wait as before (:func:`telling_lock_waits`)."""
    waiting: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    request = lock_wait_listener()

    def told(text: str | None) -> None:
        if request is not None:
            request(text)
        if text is not None and not waiting.done():
            waiting.set_result(None)

    with lock_waits_told_to(told):
        # The task copies the context, with this listener in it.
        task = asyncio.ensure_future(work)
    task.add_done_callback(lambda _: waiting.cancel())
    return task, waiting
