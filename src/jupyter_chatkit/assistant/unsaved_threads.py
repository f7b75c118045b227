"""New threads named to their client before they were saved, kept until they are.

A new thread's first save that waits for another process's lock names the thread to its
client first (``thread.created``, so that Stop can name the turn; user_messages.py). If
that save then fails (the lock held past ``store_lock_timeout``; awaited by the turn, or
left to the background by a Stop), the client holds the
id of a thread that was never stored, and shows the message and the error with Retry:
its Retry (``threads.retry_after_item``), its next message or a look at the thread
would meet "No such conversation". So the thread and its first message are kept here
(in memory, a bounded number, for their owner only); the next request of their owner
naming the thread saves them first (:meth:`UnsavedThreads.save_named`), then is answered as
usual.

They are kept on disk as well from the moment the thread is named until it is saved
(:class:`~..store.unsaved_spool.UnsavedSpool`): a server stopped meanwhile (the save
failed, or still waited) does not lose the person's message. The next start on the
store saves what it finds there (:meth:`UnsavedThreads.restore`), so the conversation is
listed with its message again and the page's Retry answers it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..protocol import RequestContext
from ..store.unsaved_spool import SpooledThread, UnsavedSpool
from . import notebook_threads

if TYPE_CHECKING:
    from chatkit.types import ThreadItem, ThreadMetadata

    from ..store import SQLStore

log = logging.getLogger("jupyter_chatkit")

# The most kept in memory at once (the oldest are forgotten there; their files stay
# for the next start): each is one thread and one message.
MAX_KEPT = 64
# The longest a start waits for what it finds on disk to be saved (seconds); then the
# saves go on in the background (a store locked by another process: up to its
# store_lock_timeout, as any write).
RESTORE_WAIT = 0.2


class UnsavedThreads:
    """New threads named to their client whose first save failed (module docstring)."""

    def __init__(self, spool: UnsavedSpool | None = None) -> None:
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self.spool = spool
        # The saves of what the last stop left on disk (restore), while under way.
        self._restoring: asyncio.Future[None] | None = None

    def named(
        self,
        thread: ThreadMetadata,
        first: ThreadItem,
        notebook: str | None,
        context: RequestContext,
    ) -> None:
        """``thread`` and its ``first`` message are named to their client before they are
        saved: kept on disk until :meth:`saved` (a server stopped meanwhile loses
        nothing)."""
        if self.spool is not None:
            self.spool.put(SpooledThread(context.user_id, thread, first, notebook))

    def saved(self, thread_id: str) -> None:
        """``thread_id`` is saved: nothing of it is kept any more."""
        if self.spool is not None:
            self.spool.drop(thread_id)

    def keep(
        self,
        thread: ThreadMetadata,
        first: ThreadItem,
        notebook: str | None,
        context: RequestContext,
    ) -> None:
        """Keep ``thread`` and its ``first`` message, whose save failed, for a Retry
        (with the notebook its first request named, recorded once it is saved)."""
        self._keep(_Kept(context.user_id, thread, first, notebook))

    def _keep(self, kept: _Kept) -> None:
        self._kept[kept.thread.id] = kept
        while len(self._kept) > MAX_KEPT:
            self._kept.popitem(last=False)

    async def restore(self, store: SQLStore) -> None:
        """Save the new threads a stopped server (or kernel) left on disk unsaved
        (module docstring); kept for their pages' Retry meanwhile. Waits at most
        :data:`RESTORE_WAIT`, then the saves go on in the background (the store's close
        waits for them); one that fails stays on disk for the next start."""
        if self.spool is None:
            return
        found = self.spool.entries()
        if not found:
            return
        for entry in found:
            self._keep(_Kept(entry.user_id, entry.thread, entry.first, entry.notebook))
        saving = asyncio.ensure_future(self._save_all(store, [e.thread.id for e in found]))
        store.finish_in_background(None, saving)
        self._restoring = saving
        await asyncio.wait({saving}, timeout=RESTORE_WAIT)

    async def _save_all(self, store: SQLStore, thread_ids: list[str]) -> None:
        for thread_id in thread_ids:
            kept = self._kept.get(thread_id)
            if kept is None:
                continue  # saved by a request naming it meanwhile
            try:
                await self._save(store, kept)
            except Exception as exc:
                log.warning(
                    "A new conversation left unsaved by the last stop could not be saved"
                    " yet (%s); its page's Retry or the next start saves it.",
                    type(exc).__name__,
                )

    def keeps(self, thread_id: str) -> bool:
        """Whether ``thread_id`` is kept here, not saved."""
        return thread_id in self._kept

    def __len__(self) -> int:
        """How many are kept (one more while a restore's saves may be under way)."""
        return len(self._kept) + (self._restoring is not None)

    async def save_named(self, store: SQLStore, request: Any, context: RequestContext) -> None:
        """Save the kept thread ``request`` names (its ``params.thread_id``) if it is this
        user's, with its first message (then forgotten); a failure passes on (the thread
        stays kept). While the saves of what the last stop left are under way (a store
        still locked at the start), every request waits for them first: a reloaded
        page lists the conversation it saved."""
        restoring = self._restoring
        if restoring is not None:
            if not restoring.done():
                await asyncio.wait({restoring})
            self._restoring = None
        thread_id = getattr(getattr(request, "params", None), "thread_id", None)
        kept = self._kept.get(thread_id) if isinstance(thread_id, str) else None
        if kept is None or kept.user_id != context.user_id:
            return
        await self._save(store, kept, context)

    async def _save(
        self, store: SQLStore, kept: _Kept, context: RequestContext | None = None
    ) -> None:
        """Save ``kept`` (then forgotten, on disk too) unless the store has its thread
        already (saved by another process opening the same store, say: the thread as
        it is now stays); a failure passes on (it stays kept)."""
        context = context or RequestContext(user_id=kept.user_id)
        # Taken while it is saved: a second request meanwhile does not save it again.
        del self._kept[kept.thread.id]
        try:
            # Only if the store has no such thread, in one transaction: one saved
            # meanwhile (its turn may have renamed it since) stays as it is.
            if await store.create_new_thread_with_item(kept.thread, kept.first, context):
                await notebook_threads.record_notebook(
                    store, kept.thread.id, kept.notebook, context
                )
                log.info("A new conversation whose first save had not been done is saved now.")
        except BaseException:
            self._kept.setdefault(kept.thread.id, kept)
            raise
        self.saved(kept.thread.id)


@dataclass(frozen=True)
class _Kept:
    user_id: str
    thread: ThreadMetadata
    first: ThreadItem
    notebook: str | None
