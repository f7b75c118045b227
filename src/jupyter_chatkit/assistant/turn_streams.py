"""Streamed turns: one at a time per thread, ``threads.create`` atomic, and how a turn
ends when it is cancelled: stopped by its user (what was said is kept, marked stopped),
its thread deleted (:data:`THREAD_DELETED`) or the assistant shutting down
(:data:`ASSISTANT_STOPPING`). The :class:`~.server.NotebookAssistant` hooks delegate here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from chatkit.types import (
    AssistantMessageItem,
    ClientToolCallItem,
    ErrorEvent,
    ThreadCreatedEvent,
    ThreadItem,
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadsAddClientToolOutputReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsRetryAfterItemReq,
    ThreadStreamEvent,
    UserMessageItem,
    WorkflowItem,
)

from ..protocol import RequestContext
from ..store.turns import ThreadWatch
from . import notebook_threads, turn_failures
from .lock_waits import before_event, writing_in_task
from .message_edit import newest_first
from .partial import STOPPED_NOTE, mark_partial
from .running import RunningTurn
from .titles import local_title
from .turn import TurnRequest
from .user_messages import add_user_message, create_thread

if TYPE_CHECKING:
    from .server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")

# The end of an answer whose thread was deleted while it streamed (see server.turn_events).
THREAD_DELETED = (
    "This conversation was deleted (in another view or window) while its answer was being written."
)
# The end of an answer stopped because the server (or the kernel) running it stops.
ASSISTANT_STOPPING = (
    "The assistant was shut down (its Jupyter server or kernel stopped) while this answer "
    "was being written: what was written so far is kept, marked as stopped."
)


# A tool result for a thread whose last item is no call waiting for one: another client
# answered it first (a %chat widget or another window taking up a call the kernel, or the
# page, was about to answer), or the turn ended (stopped, failed). ChatKit raised
# ValueError("Last thread item in thr_... was not a ClientToolCallItem"), logged as an
# ERROR with its traceback's type and shown to the person as that sentence.
NO_CALL_WAITING = ErrorEvent(
    code="custom",
    message=(
        "No tool call in this conversation was waiting for this result: it was answered "
        "elsewhere (another window, a %chat widget or the kernel) or its answer ended. "
        "Nothing was changed."
    ),
    allow_retry=False,
)


# A Retry (threads.retry_after_item) of a message that is no longer the thread's last:
# ChatKit deletes every item after it, so a page that had not yet seen a message sent
# since (another window, a %chat widget; or its own, queued on the thread's turn before
# the Retry) deleted that message and its answer, silently.
NEWER_MESSAGE = ErrorEvent(
    code="custom",
    message=(
        "A newer message was sent in this conversation (in another window, or just "
        "before): only the last message can be answered again. Nothing was changed."
    ),
    allow_retry=False,
)


async def _message_followed(
    server: NotebookAssistant, thread_id: str, item_id: str, context: RequestContext
) -> bool:
    """Whether another user message comes after ``item_id`` in the thread (read under
    the thread's turn: no message can be saved in between)."""
    async for item in newest_first(server.store, thread_id, context):
        if item.id == item_id:
            return False
        if isinstance(item, UserMessageItem):
            return True
    return False


async def _call_waits(server: NotebookAssistant, thread_id: str, context: RequestContext) -> bool:
    """Whether the thread ends with a client tool call waiting for its result (what
    ChatKit answers a tool result with; read under the thread's turn, so no other
    client's result can come in between)."""
    last = await server.store.load_thread_items(thread_id, None, 1, "desc", context)
    return any(
        isinstance(item, ClientToolCallItem) and item.status == "pending" for item in last.data
    )


async def process_streaming(
    server: NotebookAssistant,
    request: Any,
    context: RequestContext,
    chatkit_streaming: Callable[[Any, RequestContext], AsyncIterator[ThreadStreamEvent]],
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """ChatKit's streaming, one turn at a time per thread, ``threads.create`` atomic.

    - A request into an existing thread holds the thread's turn (across processes,
      see :mod:`jupyter_chatkit.store.turns`) from saving the user's message until
      the answer is saved, so concurrent messages do not read each other's state.
    - ChatKit saves a new thread before it builds and saves the user's message; if
      that fails, the thread is deleted again instead of staying behind empty.

    ``chatkit_streaming`` is ChatKit's own (``ChatKitServer._process_streaming_impl``).
    """
    if isinstance(request, ThreadsAddUserMessageReq) and not request.params.input.attachments:
        # Only the owner may queue on a thread's turn (checked in the same hop that
        # takes it, which also reads the thread, saves the message and reads the
        # history).
        turn = server.running.begin(request.params.thread_id, context)
        try:
            async for event in add_user_message(server, request, context):
                before_event(event)
                turn.add(event)
                yield event
        except asyncio.CancelledError:
            end = cancelled_end(server, turn)
            if end is None:
                raise
            yield end
        finally:
            server.running.end(turn)
        return
    if not isinstance(request, ThreadsCreateReq):
        thread_id = request.params.thread_id
        # Only the owner may queue on a thread's turn.
        await server.store.load_thread(thread_id, context)
        turn = server.running.begin(thread_id, context)
        try:
            async with server.sql_store.thread_turn(thread_id, server.on_gone(thread_id, context)):
                if isinstance(request, ThreadsAddClientToolOutputReq) and not await _call_waits(
                    server, thread_id, context
                ):
                    yield NO_CALL_WAITING
                    return
                if isinstance(request, ThreadsRetryAfterItemReq) and await _message_followed(
                    server, thread_id, request.params.item_id, context
                ):
                    yield NEWER_MESSAGE
                    return
                server.turn_requests[thread_id] = TurnRequest.of(request)
                try:
                    async for event in chatkit_streaming(request, context):
                        before_event(event)
                        turn.add(event)
                        yield event
                finally:
                    # Used by respond(), or dropped with a request that never got there.
                    server.turn_requests.pop(thread_id, None)
        except asyncio.CancelledError:
            end = cancelled_end(server, turn)
            if end is None:
                raise
            yield end
        finally:
            server.running.end(turn)
        return
    events = (
        create_thread(server, request, context)
        if not request.params.input.attachments
        else chatkit_streaming(request, context)
    )
    created: str | None = None
    notebook: str | None = None
    kept = False
    first_turn: RunningTurn | None = None
    watch: ThreadWatch | None = None
    try:
        async for event in events:
            if isinstance(event, ThreadCreatedEvent):
                # (Before its save when the store waits for another process's lock:
                # then the client can name the turn in a Stop; see create_thread,
                # which also watches for the thread's delete by another process.)
                created = event.thread.id
                first_turn = server.running.begin(created, context)
                server.turn_requests[created] = TurnRequest.of(request)
                server.new_notebooks[created] = notebook_threads.notebook_to_record(
                    request.metadata
                )
                if request.params.input.attachments:
                    # ChatKit's way, which saved the thread first. Deleted by another
                    # process while it answers: ended as a delete here.
                    watch = server.sql_store.watch_thread(created, server.on_gone(created, context))
            elif isinstance(event, ThreadItemDoneEvent) and isinstance(event.item, UserMessageItem):
                kept = True
            if first_turn is not None:
                first_turn.add(event)
            before_event(event)
            yield event
    except asyncio.CancelledError:
        end = cancelled_end(server, first_turn) if first_turn is not None else None
        if end is None:
            raise
        yield end
        return
    except Exception:
        if created is not None and not kept and request.params.input.attachments:
            # ChatKit's way saved the thread before its message (create_thread saves
            # both in one transaction, or neither).
            await forget_thread(server, created, context)
        raise
    finally:
        if watch is not None:
            await watch.stop()
        if first_turn is not None:
            server.running.end(first_turn)
        if created is not None:
            server.turn_requests.pop(created, None)
            notebook = server.new_notebooks.pop(created, None)
    if created is not None and kept:
        await notebook_threads.record_notebook(server.sql_store, created, notebook, context)


def cancelled_end(server: NotebookAssistant, turn: RunningTurn) -> ErrorEvent | None:
    """The last event of a turn cancelled because its thread was deleted or the
    assistant stops (the cancellation taken back); None for a Stop (re-raised)."""
    why = server.running.cancelled_by()
    if why is None:
        return None
    message = THREAD_DELETED if why == "deleted" else ASSISTANT_STOPPING
    event = ErrorEvent(code="custom", message=message, allow_retry=False)
    turn.add(event)
    return event


async def forget_thread(server: NotebookAssistant, thread_id: str, context: RequestContext) -> None:
    """Delete a new thread whose first message was not saved (logged if it fails)."""
    try:
        await server.store.delete_thread(thread_id, context)
    except Exception as exc:
        log.warning("Could not remove the unfinished thread: %s", type(exc).__name__)


async def keep_stopped_turn(
    server: NotebookAssistant,
    thread: ThreadMetadata,
    pending_items: list[ThreadItem],
    context: RequestContext,
    chatkit_cancelled: Callable[
        [ThreadMetadata, list[ThreadItem], RequestContext], Awaitable[None]
    ],
) -> None:
    """After Stop: keep what was said, marked as stopped, and collapsed workflows.

    ChatKit keeps non-empty pending answers and notes the cancellation for the
    model; the answer itself is marked here so the stored thread says so too.
    Pending workflows are kept (collapsed) as well, so what the user saw does not
    vanish when the thread is reopened. A turn stopped because its thread was
    deleted keeps nothing (the store would refuse it). ``chatkit_cancelled`` is
    ChatKit's own hook, which saves the pending answer.

    Stop ends the turn promptly: when these writes wait for another process's lock
    (a kernel's write on the same SQLite file, a PostgreSQL lock), they go on in the
    background once that wait is told, the thread's turn held until they are done
    (so its next message reads them); people saw that text, so it is not dropped.
    """
    if server.running.deleting():
        return
    for item in pending_items:
        if isinstance(item, AssistantMessageItem) and any(
            part.text.strip() for part in item.content
        ):
            mark_partial(item, STOPPED_NOTE)
        elif isinstance(item, WorkflowItem):
            item.workflow.expanded = False
    # Taken now: the first turn's own end drops it when this turn's task ends.
    notebook = server.new_notebooks.pop(thread.id, None)
    keeping, waiting = writing_in_task(
        _keep_stopped(server, thread, pending_items, notebook, context, chatkit_cancelled)
    )
    server.sql_store.finish_in_background(thread.id, keeping)
    either: set[asyncio.Future[Any]] = {keeping, waiting}
    try:
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not keeping.done():
            # The turn ends without waiting for the store; a failure is logged.
            keeping.add_done_callback(_log_unkept)
    if keeping.done():
        keeping.result()


async def _keep_stopped(
    server: NotebookAssistant,
    thread: ThreadMetadata,
    pending_items: list[ThreadItem],
    notebook: str | None,
    context: RequestContext,
    chatkit_cancelled: Callable[
        [ThreadMetadata, list[ThreadItem], RequestContext], Awaitable[None]
    ],
) -> None:
    """The writes of :func:`keep_stopped_turn`."""
    if not await server.first_saves.made(thread.id):
        return  # a new thread whose first save failed: kept for its Retry, not here
    for item in pending_items:
        if isinstance(item, WorkflowItem):
            await server.store.add_thread_item(thread.id, item, context=context)
    await chatkit_cancelled(thread, pending_items, context)
    # Stopped before any answer: the message says so when reopened, not "no answer".
    await turn_failures.keep_stop(server, thread, context)
    # A first turn stopped early (e.g. the person opened another conversation) still
    # ties the thread to its notebook and gives it a (local, free) title; ChatKit does
    # not save the thread after this hook, so it is saved here.
    # The turn's title (perhaps not saved yet, the stream stopped first), else the local one.
    title = thread.title or None
    if title is None and server.settings.title_mode != "off":
        first = await first_user_message(server, thread.id, context)
        if first is not None:
            title = local_title(first, server.policy)

    def keep(stored: ThreadMetadata) -> bool:
        # Into the thread as stored now: a rename or a failure kept meanwhile stays.
        changed = False
        if notebook is not None:
            stored.metadata = {**stored.metadata, "notebook": notebook}
            changed = True
        if title is not None and not stored.title:
            stored.title = title
            changed = True
        return changed

    if notebook is not None or (title is not None and not thread.title):
        await server.sql_store.change_thread(thread.id, keep, context)
    # A model title still owed is written now and saved (after the save above, so it
    # is not overwritten); the client asks for it with get_by_id.
    server.titles.write_later(thread.id, server.sql_store, context)


def _log_unkept(keeping: asyncio.Future[None]) -> None:
    """A stopped turn's writes left to the background failed: said in the log."""
    if not keeping.cancelled() and keeping.exception() is not None:
        log.warning("The stopped answer could not be saved: %s", type(keeping.exception()).__name__)


async def first_user_message(
    server: NotebookAssistant, thread_id: str, context: RequestContext
) -> UserMessageItem | None:
    """The thread's first user message, if it was saved."""
    page = await server.store.load_thread_items(thread_id, None, 20, "asc", context)
    return next((i for i in page.data if isinstance(i, UserMessageItem)), None)
