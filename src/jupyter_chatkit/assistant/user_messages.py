"""A user's message saved in the same transaction as what its turn reads.

ChatKit 1.6.5 saves a new thread and its first message in two writes, and a follow-up's
message in one write and its history in another read. For a message without
attachments, :class:`~.server.NotebookAssistant` takes these instead: the thread and its
first message in one transaction (:meth:`~..store.SQLStore.prepared_create`, made once
its model has been asked: first_saves.py), a follow-up's turn, its message and the
thread's newest items in one transaction (:meth:`~..store.SQLStore.thread_turn_adding`).
The history read there is handed to ``respond()``, which then reads nothing. Clients see
the same events in the same order.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING

from chatkit.types import (
    Page,
    Thread,
    ThreadCreatedEvent,
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadStreamEvent,
    UserMessageInput,
    UserMessageItem,
)

from . import notebook_threads
from .first_saves import FirstSave, FirstSaveFailed, saved_first
from .history import History, first_turn_history, page_history
from .titles import local_title
from .turn import TurnRequest

if TYPE_CHECKING:
    from chatkit.store import Store

    from ..protocol import RequestContext
    from ..store.turns import ThreadWatch
    from .server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")


async def create_thread(
    server: NotebookAssistant, request: ThreadsCreateReq, context: RequestContext
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """ChatKit's ``threads.create`` (chatkit 1.6.5), with the thread and its first
    message saved in one transaction instead of two, once its model has been asked.

    The same events in the same order; a message with attachments takes ChatKit's
    own way (they are saved with the thread's id between the two writes). The save is
    made while the model is asked (first_saves.py); nothing of the turn goes on before
    it, and if it fails the stream ends with the store's error, the thread and message
    kept for the page's Retry (unsaved_threads.py).
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
    # The notebook the request names, read from it (not from the stream's record of it:
    # a stream closed at its first event still ties the thread to it).
    notebook = notebook_threads.notebook_to_record(request.metadata)
    save = server.first_saves.begin(metadata, message, notebook, context)
    if save.done.done():
        # Made at once (no transport holds this stream's opening): one that failed
        # ends the request here, nothing named, nothing kept, the model not asked.
        save.done.result()
    save.named = True
    # As it will be saved: ChatKit's save of the turn's copy (changed by the turn)
    # writes only what the turn changed, and keeps a rename made meanwhile
    # (store/thread_changes.py).
    server.sql_store.track_copy(thread)
    if thread.title is not None:
        # Dropped again if the save fails: a failed create leaves nothing behind.
        server.owe_model_title(thread.id, thread.title, message, context)
    yield ThreadCreatedEvent(thread=server.thread_response(thread))
    yield ThreadItemDoneEvent(item=message)
    history = None
    if save.prepared.item is not None:
        max_items, max_tokens = server.history_limits()
        history = first_turn_history(save.prepared.item, max_items, max_tokens)
    # Deleted by another process while it answers: ended as a delete here. Watched
    # from its save on (before it, a look would find no thread).
    watches: list[ThreadWatch] = []
    ended = False

    def watch() -> None:
        if not ended:
            on_gone = server.on_gone(thread.id, context)
            watches.append(server.sql_store.watch_thread(thread.id, on_gone))

    save.on_saved(watch)
    try:
        async for event in _respond(server, thread, message, history, context, save):
            yield event
    except FirstSaveFailed as failed:
        server.titles.deleted(thread.id, context.user_id)
        raise failed.cause from None
    finally:
        ended = True
        for each in watches:
            await each.stop()


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
    save: FirstSave | None = None,
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """The turn's answer, with ``history`` (read with the message) handed to respond();
    with a new thread's first ``save``, nothing of respond() goes on before it is made."""
    if history is not None:
        server.histories[thread.id] = history

    def respond() -> AsyncIterator[ThreadStreamEvent]:
        events = server.respond(thread, message, context)
        return events if save is None else saved_first(server.first_saves, save, events)

    try:
        async for event in server.process_events(thread, context, respond):
            yield event
    finally:
        server.histories.pop(thread.id, None)
