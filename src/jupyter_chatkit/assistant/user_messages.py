"""A user's message saved in the same transaction as what its turn reads.

ChatKit 1.6.5 saves a new thread and its first message in two writes, and a follow-up's
message in one write and its history in another read. For a message without
attachments, :class:`~.server.NotebookAssistant` takes these instead: the thread and its
first message in one transaction (:meth:`~..store.SQLStore.create_thread_with_item`),
a follow-up's turn, its message and the thread's newest items in one transaction
(:meth:`~..store.SQLStore.thread_turn_adding`). The history read there is handed to
``respond()``, which then reads nothing. Clients see the same events in the same order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chatkit.types import (
    Page,
    Thread,
    ThreadCreatedEvent,
    ThreadItem,
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadStreamEvent,
    UserMessageInput,
    UserMessageItem,
)

from . import notebook_threads
from .history import History, first_turn_history, page_history
from .lock_waits import told_while, writing_in_task
from .titles import local_title
from .turn import TurnRequest

if TYPE_CHECKING:
    from chatkit.store import Store

    from ..protocol import RequestContext
    from .server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")


async def create_thread(
    server: NotebookAssistant, request: ThreadsCreateReq, context: RequestContext
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """ChatKit's ``threads.create`` (chatkit 1.6.5), with the thread and its first
    message saved in one transaction instead of two.

    The same events in the same order; a message with attachments takes ChatKit's
    own way (they are saved with the thread's id between the two writes). When the
    save waits for another process's lock long enough to be told, ``thread.created``
    goes out first, so the client can name the turn in a Stop; stopped then, the
    turn ends at once and the message is saved in the background once the lock comes.
    """
    thread = Thread(
        id=server.store.generate_thread_id(context), created_at=datetime.now(), items=Page()
    )
    message = await user_message(server.store, request.params.input, thread, context)
    if server.settings.title_mode != "off":
        # The title is there from the first event on: a first turn stopped at once
        # (the stream closed, so no later thread.updated arrives) still shows it.
        # A model title replaces it when written (owe_model_title).
        thread.title = local_title(message, server.policy)
    metadata = ThreadMetadata(**thread.model_dump())
    # Usually at once, on the event loop (a task to watch for waits costs ~20 us).
    done, stored = server.sql_store.create_thread_with_item_now(metadata, message, context)
    named = False
    if not done:
        # The notebook the request names, read from it (not from the stream's record of
        # it: a stream closed at its first event still ties the thread to it).
        notebook = notebook_threads.notebook_to_record(request.metadata)
        saving, waiting = writing_in_task(
            server.sql_store.create_thread_with_item(metadata, message, context),
            tell_request=False,
        )
        try:
            either: set[asyncio.Future[Any]] = {saving, waiting}
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
            if saving.done():
                stored = saving.result()
            else:
                # The store waits for another process's lock: the client learns the
                # thread's id now, so that its Stop can name the turn, and shows the
                # message it sent (kept, even if stopped); then the wait is told (a
                # client starts the new thread's state afresh on thread.created).
                named = True
                server.saving_threads[thread.id] = saving
                saving.add_done_callback(lambda _: server.saving_threads.pop(thread.id, None))

                # Kept on disk until saved: a server stopped meanwhile loses nothing.
                # If the save fails (awaited here, or in the background once stopped),
                # the thread named but never stored is kept for the client's Retry
                # (unsaved_threads.py), with the notebook its request named; stopped
                # with the server, it is saved at the next start.
                server.unsaved_threads.named(metadata, message, notebook, context)

                def keep_if_unsaved(done: asyncio.Future[Any]) -> None:
                    if done.cancelled():
                        return
                    if done.exception() is not None:
                        server.unsaved_threads.keep(metadata, message, notebook, context)
                    else:
                        server.unsaved_threads.saved(thread.id)

                saving.add_done_callback(keep_if_unsaved)
                yield ThreadCreatedEvent(thread=server.thread_response(thread))
                yield ThreadItemDoneEvent(item=message)
                with told_while(waiting.result()):
                    stored = await asyncio.shield(saving)
        finally:
            if not saving.done():
                # Stopped while it waits: the turn ends now, and the message people
                # saw in the new thread is saved once the lock comes (the thread
                # was named), tied to its notebook.
                later = asyncio.ensure_future(
                    _saved_later(server, saving, thread.id, notebook, context)
                )
                server.sql_store.finish_in_background(thread.id, later)
    # Saved: ChatKit's save of the turn's copy (changed by the turn) writes only what
    # the turn changed, and keeps a rename made meanwhile (store/thread_changes.py).
    server.sql_store.track_copy(thread)
    if thread.title is not None:
        # Owed only once the thread exists: a failed create leaves nothing behind.
        server.owe_model_title(thread.id, thread.title, message, context)
    if not named:
        yield ThreadCreatedEvent(thread=server.thread_response(thread))
        yield ThreadItemDoneEvent(item=message)
    history = None
    if stored is not None:
        max_items, max_tokens = server.history_limits()
        history = first_turn_history(stored, max_items, max_tokens)
    # Deleted by another process while it answers: ended as a delete here. Watched
    # from its save on (before it, a look would find no thread).
    watch = server.sql_store.watch_thread(thread.id, server.on_gone(thread.id, context))
    try:
        async for event in _respond(server, thread, message, history, context):
            yield event
    finally:
        await watch.stop()


async def _saved_later(
    server: NotebookAssistant,
    saving: asyncio.Future[ThreadItem | None],
    thread_id: str,
    notebook: str | None,
    context: RequestContext,
) -> None:
    """A stopped new thread's save, left to the background, then its notebook tie; a
    failure is said in the log."""
    try:
        await saving
        await notebook_threads.record_notebook(server.sql_store, thread_id, notebook, context)
    except Exception as exc:
        log.warning("The stopped new conversation could not be saved: %s", type(exc).__name__)


async def add_user_message(
    server: NotebookAssistant, request: ThreadsAddUserMessageReq, context: RequestContext
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """ChatKit's ``threads.add_user_message`` (chatkit 1.6.5) for a message without
    attachments, holding the thread's turn: the turn taken, the thread read, the
    message saved and the thread's newest items read in one transaction
    (:meth:`~..store.SQLStore.thread_turn_adding`; respond() then reads nothing). The
    same events in the same order.
    """
    thread_id = request.params.thread_id
    # Of the thread, user_message() reads only the id when there are no attachments;
    # the message is dated again when the turn is taken.
    unread = ThreadMetadata(id=thread_id, created_at=datetime.now())
    message = await user_message(server.store, request.params.input, unread, context)
    max_items, max_tokens = server.history_limits()
    on_gone = server.on_gone(thread_id, context)
    turn = server.sql_store.thread_turn_adding(
        thread_id, message, max(1, max_items), context, on_gone
    )
    async with turn as (thread, page):
        # As for a new thread's (create_thread).
        server.sql_store.track_copy(thread)
        # What this request asks of its turn, for respond() (see turn.py).
        server.turn_requests[thread_id] = TurnRequest.of(request)
        try:
            yield ThreadItemDoneEvent(item=message)
            history = page_history(page, max_items, max_tokens)
            async for event in _respond(server, thread, message, history, context):
                yield event
        finally:
            server.turn_requests.pop(thread_id, None)


async def user_message(
    store: Store[RequestContext],
    input: UserMessageInput,
    thread: ThreadMetadata,
    context: RequestContext,
) -> UserMessageItem:
    """The message item of a request's ``input`` in ``thread``, as ChatKit (1.6) builds
    it: a new id, dated now, its attachments read from the store and given the thread."""
    return UserMessageItem(
        id=store.generate_item_id("message", thread, context),
        content=input.content,
        thread_id=thread.id,
        attachments=[
            (await store.load_attachment(attachment_id, context)).model_copy(
                update={"thread_id": thread.id}
            )
            for attachment_id in input.attachments
        ],
        quoted_text=input.quoted_text,
        inference_options=input.inference_options,
        created_at=datetime.now(),
    )


async def _respond(
    server: NotebookAssistant,
    thread: ThreadMetadata,
    message: UserMessageItem,
    history: History | None,
    context: RequestContext,
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """The turn's answer, with ``history`` (read with the message) handed to respond()."""
    if history is not None:
        server.histories[thread.id] = history
    try:
        async for event in server.process_events(
            thread, context, lambda: server.respond(thread, message, context)
        ):
            yield event
    finally:
        server.histories.pop(thread.id, None)
