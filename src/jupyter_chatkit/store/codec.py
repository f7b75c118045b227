"""ChatKit objects to and from the JSON text the store keeps in ``payload`` columns.

Decoding is defensive: a row whose JSON no longer validates (hand-edited, truncated, or
written by a ChatKit version with different types) must not take down a whole thread
listing. Decoders log a warning naming the row (never its content, which is the user's
conversation) and return ``None``; callers skip the row.
"""

from __future__ import annotations

import logging
from datetime import datetime

from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata
from pydantic import Field, TypeAdapter, ValidationError

logger = logging.getLogger("jupyter_chatkit.store")

_ITEM: TypeAdapter[ThreadItem] = TypeAdapter(ThreadItem)
_ATTACHMENT: TypeAdapter[Attachment] = TypeAdapter(Attachment)
_THREAD_FIELDS = frozenset(ThreadMetadata.model_fields)


def dump_item(item: ThreadItem) -> str:
    """The stored JSON of a thread item (all fields, including integration metadata)."""
    return _ITEM.dump_json(item).decode()


def load_item(payload: str, *, item_id: str, thread_id: str) -> ThreadItem | None:
    """Parse a stored item; ``None`` (and a warning) when it does not validate."""
    try:
        return _ITEM.validate_json(payload)
    except (ValidationError, ValueError) as exc:
        logger.warning(
            "skipping unreadable thread item %s in thread %s (%s)",
            item_id,
            thread_id,
            _summary(exc),
        )
        return None


class StoredItems(Page[ThreadItem]):
    """A page of items read from the store, with the stored JSON each was parsed from.

    ``payloads[i]`` is the text ``data[i]`` was parsed from, so a reader can key what it
    derives from an item (e.g. its size in the history, see
    :func:`jupyter_chatkit.assistant.history.page_history`) by the text, which fixes the
    item exactly, instead of serialising the item again. A serialised page (items.list)
    leaves them out.
    """

    payloads: list[str] = Field(default_factory=list, exclude=True, repr=False)


def dump_thread(thread: ThreadMetadata) -> str:
    """The stored JSON of a thread's metadata; a full ``Thread``'s items are left out."""
    return thread.model_dump_json(include=set(_THREAD_FIELDS))


def load_thread(
    payload: str, *, thread_id: str, title: str | None, created_at: datetime
) -> ThreadMetadata:
    """Parse stored thread metadata, falling back to the indexed columns when it is unreadable.

    A thread is the handle to all its items, so an unreadable payload degrades to a bare
    thread (id, title, creation time) rather than hiding the conversation.
    """
    try:
        return ThreadMetadata.model_validate_json(payload)
    except (ValidationError, ValueError) as exc:
        logger.warning(
            "thread %s has unreadable metadata (%s); using its columns", thread_id, _summary(exc)
        )
        return ThreadMetadata(id=thread_id, title=title, created_at=created_at)


def dump_attachment(attachment: Attachment) -> str:
    """The stored JSON of attachment metadata."""
    return _ATTACHMENT.dump_json(attachment).decode()


def load_attachment(payload: str, *, attachment_id: str) -> Attachment | None:
    """Parse stored attachment metadata; ``None`` (and a warning) when it does not validate."""
    try:
        return _ATTACHMENT.validate_json(payload)
    except (ValidationError, ValueError) as exc:
        logger.warning("attachment %s has unreadable metadata (%s)", attachment_id, _summary(exc))
        return None


def _summary(exc: Exception) -> str:
    # Pydantic messages quote the offending input; keep only the error kinds.
    if isinstance(exc, ValidationError):
        kinds = sorted({error["type"] for error in exc.errors()})
        return f"{exc.error_count()} validation error(s): {', '.join(kinds)}"
    return type(exc).__name__
