"""Why a thread's last turn failed, kept with the thread.

ChatKit streams a failed turn's ``ErrorEvent`` and saves nothing of it: after a reload,
or in another window, the last message just had no answer. The error is kept in the
thread's metadata under :data:`~..protocol.TURN_FAILURE_KEY`, in ChatKit's own
``ErrorEvent`` form (its message scrubbed of the configured secrets), with the id of
the thread's last visible item when the turn failed; ``threads.get_by_id`` hands it to
clients, which show it while the thread still ends there and no turn runs.

The next turn that adds an item (an answer, a Retry's answer) moves it to the thread's
earlier failures (:data:`~..protocol.EARLIER_FAILURES_KEY`, bounded, in the same write),
so the history still says which message failed and why (:class:`KeptFailure`). A new
failure replaces it after the same item (a Retry's), and moves it to the earlier ones
after another (a failed turn after a failed one adds no item that drops it). Both
change the thread as stored, so nothing else saved meanwhile (a rename, a model title)
is undone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chatkit.types import (
    ErrorEvent,
    HiddenContextItem,
    SDKHiddenContextItem,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
)

from ..protocol import EARLIER_FAILURES_KEY, MAX_EARLIER_FAILURES, TURN_FAILURE_KEY

if TYPE_CHECKING:
    from ..protocol import RequestContext
    from .server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")

# Items clients do not show: a failure stands after the last item they do show.
_HIDDEN = (HiddenContextItem, SDKHiddenContextItem)
# How many of the newest items are read to find the last shown one.
_LAST_ITEMS = 20
# The most characters of an earlier failure's message kept (the history's note).
_EARLIER_MESSAGE_CHARS = 500


class KeptFailure:
    """A turn's drop of the failure kept with its thread, once it adds a shown item.

    The drop (the failure moved to the earlier ones) is written into the thread as
    stored; the turn's copy drops it too. ChatKit then saves that copy, which the store
    handed out: only what the turn changed in it is written, and the copy takes the rest
    (a rename, a model title, the earlier failures; store/thread_changes.py).
    """

    @classmethod
    def of(cls, thread: ThreadMetadata) -> KeptFailure | None:
        """The drop to make in a turn of ``thread``; None if no failure is kept."""
        return cls() if TURN_FAILURE_KEY in thread.metadata else None

    @staticmethod
    def dropped_by(event: ThreadStreamEvent) -> bool:
        """Whether ``event`` adds an item clients show (then the failure is dropped)."""
        return isinstance(event, (ThreadItemAddedEvent, ThreadItemDoneEvent)) and not isinstance(
            event.item, _HIDDEN
        )

    async def drop(
        self, server: NotebookAssistant, thread: ThreadMetadata, context: RequestContext
    ) -> None:
        """Drop the failure from the stored thread and from ``thread``, the turn's copy."""

        def without_failure(stored: ThreadMetadata) -> bool:
            if TURN_FAILURE_KEY not in stored.metadata:
                return False
            stored.metadata = _moved_to_earlier(stored.metadata)
            return True

        try:
            await server.sql_store.change_thread(thread.id, without_failure, context)
        except Exception as exc:
            # ChatKit's save of the turn's copy, or its error, says what the store does.
            log.warning("Could not drop the kept failure: %s", type(exc).__name__)
        thread.metadata = _without_failure(thread.metadata)


def _without_failure(metadata: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in metadata.items() if k != TURN_FAILURE_KEY}


def _moved_to_earlier(metadata: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` with its kept failure moved to the earlier ones (the newest
    :data:`MAX_EARLIER_FAILURES`, one per item, the message cut)."""
    failure = shown_failure(metadata)
    rest = _without_failure(metadata)
    if failure is None or not isinstance(failure.get("error"), dict):
        return rest
    error = dict(failure["error"])
    if isinstance(error.get("message"), str):
        error["message"] = error["message"][:_EARLIER_MESSAGE_CHARS]
    kept = {**failure, "error": error}
    earlier = [f for f in earlier_failures(rest) if f.get("after") != kept.get("after")]
    rest[EARLIER_FAILURES_KEY] = [*earlier, kept][-MAX_EARLIER_FAILURES:]
    return rest


async def keep_failure(
    server: NotebookAssistant,
    thread: ThreadMetadata,
    error: ErrorEvent,
    context: RequestContext,
) -> None:
    """Save ``error``, which ended a turn of ``thread``, with the thread.

    Best effort: a store that cannot save it (the reason the turn failed, perhaps) is
    logged, and the client that ran the turn has the error from its stream anyway.
    """

    def failure(last: ThreadItem) -> dict[str, Any]:
        stored = error.model_dump(mode="json")
        if error.message:
            stored["message"] = server.scrubber.text(error.message)
        return {"error": stored, "after": last.id}

    await _keep(server, thread, context, failure, "why the turn failed")


async def keep_stop(
    server: NotebookAssistant, thread: ThreadMetadata, context: RequestContext
) -> None:
    """After Stop: a last message left without an answer is kept marked stopped.

    ChatKit saves nothing of an answer stopped before its text began: reloaded, the
    message read as failed ("no answer"). Kept as a failure marked ``stopped`` (ChatKit's
    ``ErrorEvent`` form, "Stopped."), clients show it as the person's own choice, with
    Retry; the next turn's item drops it as it drops a failure. Best effort, as
    :func:`keep_failure`.
    """

    def stopped(last: ThreadItem) -> dict[str, Any] | None:
        if not isinstance(last, UserMessageItem):
            return None
        error = ErrorEvent(code="custom", message="Stopped.", allow_retry=True)
        return {"error": error.model_dump(mode="json"), "after": last.id, "stopped": True}

    await _keep(server, thread, context, stopped, "that the turn was stopped")


async def _keep(
    server: NotebookAssistant,
    thread: ThreadMetadata,
    context: RequestContext,
    failure_after: Callable[[ThreadItem], dict[str, Any] | None],
    what: str,
) -> None:
    """Keep ``failure_after(the thread's last shown item)`` with ``thread`` (nothing for
    None, or a thread without a shown item); a failure to is logged as ``what``."""
    try:
        page = await server.store.load_thread_items(thread.id, None, _LAST_ITEMS, "desc", context)
        last = next((item for item in page.data if not isinstance(item, _HIDDEN)), None)
        failure = None if last is None else failure_after(last)
        if failure is None:
            return

        def keep(stored_thread: ThreadMetadata) -> bool:
            metadata = stored_thread.metadata
            before = shown_failure(metadata)
            if before is not None and before.get("after") != failure["after"]:
                # A failure kept after another message (a turn that failed, then this
                # one): that message is now mid-thread, and keeps its reason.
                metadata = _moved_to_earlier(metadata)
            stored_thread.metadata = {**metadata, TURN_FAILURE_KEY: failure}
            return True

        # Only the failure is written, into the thread as stored now: ``thread`` is the
        # copy loaded when the turn began, and a title saved since (the model's, written
        # in the background; a rename) must stay.
        await server.sql_store.change_thread(thread.id, keep, context)
    except Exception as exc:
        log.warning("Could not keep %s: %s", what, type(exc).__name__)


def shown_failure(metadata: dict[str, Any]) -> dict[str, Any] | None:
    """The kept failure of a thread's ``metadata``, for its clients (None without one)."""
    failure = metadata.get(TURN_FAILURE_KEY)
    return failure if isinstance(failure, dict) else None


def earlier_failures(metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """The failures of a thread's earlier turns (``metadata``'s), oldest first."""
    kept = metadata.get(EARLIER_FAILURES_KEY)
    return [f for f in kept if isinstance(f, dict)] if isinstance(kept, list) else []
