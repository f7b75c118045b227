"""What a thread's turns told the person, kept with the thread.

ChatKit streams a turn's ``NoticeEvent`` (an attachment read in part, an MCP server left
out) and saves nothing of it: after a reload, or in another window, the thread showed
no notice, though its answers were made under what the notice said. Each notice a turn
streams is kept in the thread's metadata under :data:`~..protocol.TURN_NOTICES_KEY`
(ChatKit's ``NoticeEvent`` form, its text scrubbed of the configured secrets, each once,
the newest :data:`~..protocol.MAX_TURN_NOTICES`) once it is streamed, so a turn stopped
later keeps it too; ``threads.get_by_id`` hands them to clients, which show them as the
stream did. Metadata is not the model's input: it never reads them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from chatkit.types import NoticeEvent, ThreadMetadata

from ..protocol import MAX_TURN_NOTICES, TURN_NOTICES_KEY

if TYPE_CHECKING:
    from ..protocol import RequestContext
    from .server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")


def kept_notices(metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """The notices kept in a thread's ``metadata``, oldest first."""
    kept = metadata.get(TURN_NOTICES_KEY)
    return [n for n in kept if isinstance(n, dict)] if isinstance(kept, list) else []


async def keep_notice(
    server: NotebookAssistant, thread: ThreadMetadata, notice: NoticeEvent, context: RequestContext
) -> None:
    """Keep ``notice``, streamed by a turn of ``thread``, with the thread as stored.

    Only this key is written, into the thread as stored now (``thread`` is the turn's
    copy: a title saved since must stay), and into the turn's copy: ChatKit saves that
    copy at the turn's end, whole when the turn made it (a new conversation's), which
    dropped the notice; a copy the store handed out writes only what the turn changed.
    Best effort: a store that cannot is logged; the client that ran the turn has the
    notice from its stream.
    """
    shown = notice.model_dump(mode="json", exclude_none=True)
    for field in ("title", "message"):
        if isinstance(shown.get(field), str):
            shown[field] = server.scrubber.text(shown[field])

    def keep(stored: ThreadMetadata) -> bool:
        kept = kept_notices(stored.metadata)
        if shown in kept:
            return False
        stored.metadata = {**stored.metadata, TURN_NOTICES_KEY: [*kept, shown][-MAX_TURN_NOTICES:]}
        return True

    try:
        stored = await server.sql_store.change_thread(thread.id, keep, context)
    except Exception as exc:
        log.warning("Could not keep a notice: %s", type(exc).__name__)
        return
    thread.metadata = {**thread.metadata, TURN_NOTICES_KEY: kept_notices(stored.metadata)}
