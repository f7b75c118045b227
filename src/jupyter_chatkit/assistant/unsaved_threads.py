"""New threads named to their client whose first save then failed, kept for a Retry.

A new thread's first save that waits for another process's lock names the thread to its
client first (``thread.created``, so that Stop can name the turn; user_messages.py). If
that save then fails (the lock held past ``store_lock_timeout``; awaited by the turn, or
left to the background by a Stop), the client holds the
id of a thread that was never stored, and shows the message and the error with Retry:
its Retry (``threads.retry_after_item``), its next message or a look at the thread
would meet "No such conversation". So the thread and its first message are kept here
(in memory, a bounded number, for their owner only); the next request of their owner
naming the thread saves them first (:meth:`UnsavedThreads.save_named`), then is answered as
usual. A server restart forgets them: the page's Retry then says the conversation is
gone and gives the message back (the client's own handling of a missing thread).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import notebook_threads

if TYPE_CHECKING:
    from chatkit.types import ThreadItem, ThreadMetadata

    from ..protocol import RequestContext
    from ..store import SQLStore

log = logging.getLogger("jupyter_chatkit")

# The most kept at once (the oldest are forgotten): each is one thread and one message.
MAX_KEPT = 64


class UnsavedThreads:
    """New threads named to their client whose first save failed (module docstring)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    def keep(
        self,
        thread: ThreadMetadata,
        first: ThreadItem,
        notebook: str | None,
        context: RequestContext,
    ) -> None:
        """Keep ``thread`` and its ``first`` message, whose save failed, for a Retry
        (with the notebook its first request named, recorded once it is saved)."""
        self._kept[thread.id] = _Kept(context.user_id, thread, first, notebook)
        while len(self._kept) > MAX_KEPT:
            self._kept.popitem(last=False)

    def __len__(self) -> int:
        """How many are kept."""
        return len(self._kept)

    async def save_named(self, store: SQLStore, request: Any, context: RequestContext) -> None:
        """Save the kept thread ``request`` names (its ``params.thread_id``) if it is this
        user's, with its first message (then forgotten); a failure passes on (the thread
        stays kept)."""
        thread_id = getattr(getattr(request, "params", None), "thread_id", None)
        kept = self._kept.get(thread_id) if isinstance(thread_id, str) else None
        if kept is None or kept.user_id != context.user_id:
            return
        # Taken while it is saved: a second request meanwhile does not save it again.
        del self._kept[kept.thread.id]
        try:
            await store.create_thread_with_item(kept.thread, kept.first, context)
        except BaseException:
            self._kept[kept.thread.id] = kept
            raise
        await notebook_threads.record_notebook(store, kept.thread.id, kept.notebook, context)
        log.info("A new conversation whose first save had failed is saved now.")


@dataclass(frozen=True)
class _Kept:
    user_id: str
    thread: ThreadMetadata
    first: ThreadItem
    notebook: str | None
