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

import contextlib
from collections.abc import Callable, Iterator

from chatkit.types import ProgressUpdateEvent

from ..store.engine import LOCK_WAIT_ICON, lock_waits_told_to
from .results import sse

# What the chat shows before an answer's first words (js/src/ui/status.ts).
THINKING = "Thinking…"


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
