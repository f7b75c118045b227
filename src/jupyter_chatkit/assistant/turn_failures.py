"""Why a thread's last turn failed, kept with the thread.

ChatKit streams a failed turn's ``ErrorEvent`` and saves nothing of it: after a reload,
or in another window, the last message just had no answer. The error is kept in the
thread's metadata under :data:`~..protocol.TURN_FAILURE_KEY`, in ChatKit's own
``ErrorEvent`` form (its message scrubbed of the configured secrets), with the id of
the thread's last visible item when the turn failed; ``threads.get_by_id`` hands it to
clients, which show it while the thread still ends there and no turn runs.

The next turn that adds an item (an answer, a Retry's answer) removes it, and ChatKit's
own save of a thread changed while it streams stores that; a new failure replaces it
(set in the thread as stored, so nothing else saved meanwhile is undone).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from chatkit.types import (
    ErrorEvent,
    HiddenContextItem,
    SDKHiddenContextItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadStreamEvent,
)

from ..protocol import TURN_FAILURE_KEY

if TYPE_CHECKING:
    from ..protocol import RequestContext
    from .server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")

# Items clients do not show: a failure stands after the last item they do show.
_HIDDEN = (HiddenContextItem, SDKHiddenContextItem)
# How many of the newest items are read to find the last shown one.
_LAST_ITEMS = 20


def clear_on_new_item(thread: ThreadMetadata, event: ThreadStreamEvent) -> None:
    """Drop the kept failure once this turn adds a shown item to ``thread``.

    Changed in place: ChatKit saves a thread that changed while it streams (and streams
    ``thread.updated``), so no write of its own is needed.
    """
    if (
        TURN_FAILURE_KEY in thread.metadata
        and isinstance(event, (ThreadItemAddedEvent, ThreadItemDoneEvent))
        and not isinstance(event.item, _HIDDEN)
    ):
        thread.metadata = {k: v for k, v in thread.metadata.items() if k != TURN_FAILURE_KEY}


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
    try:
        page = await server.store.load_thread_items(thread.id, None, _LAST_ITEMS, "desc", context)
        last = next((item for item in page.data if not isinstance(item, _HIDDEN)), None)
        if last is None:
            return
        stored = error.model_dump(mode="json")
        if error.message:
            stored["message"] = server.scrubber.text(error.message)
        failure = {"error": stored, "after": last.id}

        def keep(stored_thread: ThreadMetadata) -> bool:
            stored_thread.metadata = {**stored_thread.metadata, TURN_FAILURE_KEY: failure}
            return True

        # Only the failure is written, into the thread as stored now: ``thread`` is the
        # copy loaded when the turn began, and a title saved since (the model's, written
        # in the background; a rename) must stay.
        await server.sql_store.change_thread(thread.id, keep, context)
    except Exception as exc:
        log.warning("Could not keep why the turn failed: %s", type(exc).__name__)


def shown_failure(metadata: dict[str, Any]) -> dict[str, Any] | None:
    """The kept failure of a thread's ``metadata``, for its clients (None without one)."""
    failure = metadata.get(TURN_FAILURE_KEY)
    return failure if isinstance(failure, dict) else None
