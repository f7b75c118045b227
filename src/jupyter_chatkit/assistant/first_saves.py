"""A new thread's first save, made while its model is being asked.

A new conversation's turn saved its thread and first message (one transaction, ~0.4 ms
of the event loop's CPU) before its model was asked; under many new conversations at
once each save also came before the later ones' model requests. Now the save is made
ready there (the message as a read of the thread gives it, for the turn's history) and
made once the turn has asked its model and no other turn of the process is on its way
to its own (opening.py's :func:`~.opening.when_none_held`): the saves due then go in
one transaction, while the models think. Nothing is lost or misordered:

- nothing of the turn's ``respond()`` (an event, its error, its end) goes on before the
  save is made (:func:`saved_first`), so every write of the turn (ChatKit's items and
  thread, a failure kept) comes after it; a turn that gets there first makes it then;
- a request naming the thread meanwhile (``get_by_id``, a Stop's writes) makes it
  first and waits for it (:meth:`FirstSaves.settled`);
- it is made at the latest :data:`SAVE_WITHIN` after its model was asked, when its
  stream ends first (a model that could not be reached), and before the store closes;
- a save the store cannot take now (another process holds SQLite's lock; PostgreSQL,
  which has no write on the loop) goes on in a task, kept on disk once it waits
  (unsaved_threads.py), and its failure ends the turn with the store's error, the
  thread and message kept for the page's Retry, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from chatkit.types import ThreadMetadata, ThreadStreamEvent, UserMessageItem

from ..protocol import RequestContext
from .lock_waits import told_while, writing_in_task
from .opening import after_opening, when_none_held

if TYPE_CHECKING:
    from ..store import SQLStore
    from ..store.sql import PreparedCreate
    from .unsaved_threads import UnsavedThreads

# The longest a first save waits after its model was asked for the other turns under
# way to ask theirs (seconds): the opening's own limit.
SAVE_WITHIN = 0.5


class FirstSaveFailed(BaseException):
    """A new thread's first save failed: raised out of its turn's ``respond()`` past
    ChatKit's handling of a turn's errors (which would write to the thread the store
    does not have); ``cause`` is the store's failure, raised to the stream instead."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(cause)
        self.cause = cause


class FirstSave:
    """One new thread's first save (module docstring)."""

    def __init__(
        self,
        prepared: PreparedCreate,
        thread: ThreadMetadata,
        message: UserMessageItem,
        notebook: str | None,
        context: RequestContext,
    ) -> None:
        self.prepared = prepared
        self.thread = thread
        self.message = message
        self.notebook = notebook
        self.context = context
        self.started = False
        # Named to its client (thread.created): a failed save is kept for its Retry.
        self.named = False
        # Done once saved, or with the store's failure.
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # A save in a task: done (with what to show) once it waits for another
        # process's lock.
        self.waiting: asyncio.Future[str] | None = None
        # The request's context: a save in a task tells its lock waits to its request.
        self._request = contextvars.copy_context()

    def on_saved(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once saved (never if the save fails)."""

        def saved(done: asyncio.Future[None]) -> None:
            if not done.cancelled() and done.exception() is None:
                callback()

        self.done.add_done_callback(saved)


class FirstSaves:
    """The first saves of new threads of one store not made yet (module docstring)."""

    def __init__(
        self, store: SQLStore, unsaved: UnsavedThreads, saving: dict[str, asyncio.Future[None]]
    ) -> None:
        self._store = store
        self._unsaved = unsaved
        # Shared with the server: requests naming one of these threads wait for it.
        self._saving = saving
        # By thread id, until made (or failed).
        self._pending: dict[str, FirstSave] = {}
        # Those whose models were asked, in that order.
        self._due: list[FirstSave] = []
        self._armed = False
        self._limit: asyncio.TimerHandle | None = None

    def begin(
        self,
        thread: ThreadMetadata,
        message: UserMessageItem,
        notebook: str | None,
        context: RequestContext,
    ) -> FirstSave:
        """The first save of ``thread`` with ``message``, made ready; made once its
        turn has asked its model (this stream's opening goes out) and no other turn
        is on its way to its own, or when needed sooner."""
        prepared = self._store.prepared_create(thread, message, context)
        save = FirstSave(prepared, thread, message, notebook, context)
        thread_id = thread.id
        self._pending[thread_id] = save
        self._saving[thread_id] = save.done

        def forget(_: asyncio.Future[None]) -> None:
            self._pending.pop(thread_id, None)
            self._saving.pop(thread_id, None)

        save.done.add_done_callback(forget)
        after_opening(lambda: self._asked(save))
        return save

    def _asked(self, save: FirstSave) -> None:
        if save.started:
            return
        self._due.append(save)
        if not self._armed:
            self._armed = True
            when_none_held(self._flush)
        # Made at once (no stream held its opening): no limit left to wait for.
        if self._armed and self._limit is None:
            self._limit = asyncio.get_running_loop().call_later(SAVE_WITHIN, self._flush)

    def start(self, thread_id: str) -> None:
        """Make the first save of ``thread_id`` now if it is one not made yet (with
        those due)."""
        save = self._pending.get(thread_id)
        if save is not None and not save.started:
            self._due.append(save)
            self._flush()

    def _flush(self) -> None:
        """Make the saves due (:meth:`_make`)."""
        self._armed = False
        if self._limit is not None:
            self._limit.cancel()
            self._limit = None
        saves = [save for save in dict.fromkeys(self._due) if not save.started]
        self._due = []
        for save in saves:
            save.started = True
        if saves:
            self._make(saves)

    def _make(self, saves: list[FirstSave]) -> None:
        """``saves`` in one transaction at once when the store can take it now, else
        each in a task; one the store refuses fails alone, not the others with it."""
        try:
            made = self._store.create_now([save.prepared for save in saves])
        except Exception as exc:
            if len(saves) == 1:
                self._failed(saves[0], exc)
            else:
                for save in saves:
                    self._make([save])
            return
        for save in saves:
            if made:
                save.done.set_result(None)
            else:
                save._request.run(self._in_task, save)

    def _in_task(self, save: FirstSave) -> None:
        """``save`` in a task of its own (run in its request's context)."""
        task, waiting = writing_in_task(self._store.create(save.prepared), tell_request=False)
        save.waiting = waiting
        self._store.finish_in_background(save.thread.id, task)
        spooled = False

        def waits(told: asyncio.Future[str]) -> None:
            nonlocal spooled
            if not told.cancelled() and not task.done():
                # Kept on disk until saved: a server stopped meanwhile loses nothing.
                spooled = True
                self._unsaved.named(save.thread, save.message, save.notebook, save.context)

        def ended(done: asyncio.Task[None]) -> None:
            if done.cancelled():
                self._failed(save, asyncio.CancelledError())
            elif done.exception() is not None:
                self._failed(save, done.exception())  # type: ignore[arg-type]
            else:
                if spooled:
                    self._unsaved.saved(save.thread.id)
                save.done.set_result(None)

        waiting.add_done_callback(waits)
        task.add_done_callback(ended)

    def _failed(self, save: FirstSave, exc: BaseException) -> None:
        """``save`` failed: kept for its page's Retry once named (unsaved_threads.py)."""
        if save.named:
            self._unsaved.keep(save.thread, save.message, save.notebook, save.context)
        save.done.set_exception(exc)
        # Retrieved by whoever waits; none may.
        save.done.exception()

    async def settled(self, save: FirstSave) -> None:
        """``save`` made (now, if it was not started); raises the store's failure. A
        wait for another process's lock is told to this request meanwhile."""
        self.start(save.thread.id)
        done = save.done
        waiting = save.waiting
        if not done.done() and waiting is not None:
            either: set[asyncio.Future[Any]] = {done, waiting}
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
            if not done.done() and waiting.done() and not waiting.cancelled():
                with told_while(waiting.result()):
                    await asyncio.wait({done})
        if not done.done():
            await asyncio.wait({done})
        done.result()

    async def made(self, thread_id: str | None) -> bool:
        """Whether ``thread_id`` is not a new thread whose first save failed (kept for
        its Retry, not stored): one not made yet is made first (:meth:`settled`)."""
        if thread_id is None:
            return True
        save = self._pending.get(thread_id)
        if save is None:
            return not self._unsaved.keeps(thread_id)
        try:
            await self.settled(save)
        except Exception:
            return False
        return True

    async def before(self, request: object, context: RequestContext) -> None:
        """Before ``request`` is answered: the first save of the thread it names made
        (a read, a delete, a message into it find it); for ``threads.list``, this
        user's first saves not made yet (a reload lists the new thread)."""
        params = getattr(request, "params", None)
        thread_id = getattr(params, "thread_id", None)
        if isinstance(thread_id, str):
            await self.made(thread_id)
            return
        if getattr(request, "type", None) != "threads.list":
            return
        for save in [s for s in self._pending.values() if s.context.user_id == context.user_id]:
            await self.made(save.thread.id)

    async def close(self) -> None:
        """Make every save not made yet, and wait for them (the store closes next)."""
        pending = list(self._pending.values())
        for save in pending:
            self.start(save.thread.id)
        if pending:
            await asyncio.wait([save.done for save in pending])


async def saved_first(
    saves: FirstSaves, save: FirstSave, events: AsyncIterator[ThreadStreamEvent]
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """``events`` (a new thread's ``respond()``), none of them, nor their error or end,
    before ``save`` is made; a failed save raises :class:`FirstSaveFailed` (``events``
    closed: the model's run stops)."""
    async with contextlib.aclosing(events):  # type: ignore[type-var]
        try:
            first = await anext(events)
        except StopAsyncIteration:
            await _made(saves, save)
            return
        except Exception:
            await _made(saves, save)
            raise
        await _made(saves, save)
        yield first
        async for event in events:
            yield event


async def _made(saves: FirstSaves, save: FirstSave) -> None:
    try:
        await saves.settled(save)
    except Exception as exc:
        raise FirstSaveFailed(exc) from exc
