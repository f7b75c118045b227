"""What a client is shown of a thread: the ``Thread`` of ChatKit's responses and events.

Built from ChatKit's public types as ChatKit (1.6) builds it: the thread's own fields and,
for a thread read with its items, those items but the hidden context ones. Of the
thread's metadata, only what :func:`thread_response` is given leaves the server.
"""

from __future__ import annotations

from typing import Any

from chatkit.types import (
    HiddenContextItem,
    Page,
    SDKHiddenContextItem,
    Thread,
    ThreadItem,
    ThreadMetadata,
)

# Items only the model reads: never sent to a client (ChatKit drops them too).
_HIDDEN = (HiddenContextItem, SDKHiddenContextItem)


def thread_response(thread: ThreadMetadata | Thread, metadata: dict[str, Any]) -> Thread:
    """``thread`` as a client receives it, with ``metadata`` as its metadata."""
    items: Page[ThreadItem] = Page()
    if isinstance(thread, Thread):
        items = Page(
            data=[item for item in thread.items.data if not isinstance(item, _HIDDEN)],
            has_more=thread.items.has_more,
            after=thread.items.after,
        )
    return Thread(
        id=thread.id,
        title=thread.title,
        created_at=thread.created_at,
        items=items,
        status=thread.status,
        allowed_image_domains=thread.allowed_image_domains,
        metadata=metadata,
    )
