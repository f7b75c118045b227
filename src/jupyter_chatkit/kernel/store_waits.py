"""This kernel's own store's lock waits, read without loading the store.

Only a kernel that runs its own assistant opens a conversation store (and so may wait
for another process's lock on it). A kernel that asks its Jupyter server never does: it
has no wait to tell, and the store's modules (SQLAlchemy, ~0.3 s to import) need not
load to learn that. The server's own waits reach that kernel as ``progress_update``
events (:data:`~jupyter_chatkit.protocol.LOCK_WAIT_ICON`).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager

# The module that holds this process's lock waits; loaded with any store.
STORE_ENGINE = __name__.rsplit(".", 2)[0] + ".store.engine"


def has_store() -> bool:
    """True once this process has loaded the store (its own assistant's)."""
    return STORE_ENGINE in sys.modules


def shown_wait() -> float | None:
    """The limit (seconds) of this process's oldest wait for another process's store
    lock, once it has lasted long enough to be told; None when there is none."""
    if not has_store():
        return None
    from ..store.engine import LOCK_WAITS, STORE_WAIT_SHOWN_AFTER

    wait = LOCK_WAITS.oldest()
    if wait is None or wait[0] < STORE_WAIT_SHOWN_AFTER:
        return None
    return wait[1]


def wait_text(limit: float) -> str:
    """What the answer says while the store waits for another process's lock."""
    from ..store.engine import lock_wait_message

    return lock_wait_message(limit, "; interrupt the kernel to stop")


def telling_waits(send: Callable[[bytes], None]) -> AbstractContextManager[None]:
    """Inside, this process's store writes that wait for another process's lock send
    a ``progress_update`` chunk (:func:`~..assistant.lock_waits.telling_lock_waits`);
    nothing to do without a store."""
    if not has_store():
        return contextlib.nullcontext()
    from ..assistant.lock_waits import telling_lock_waits

    return telling_lock_waits(send)
