"""Record "Undo agent changes" in the thread (the ``agent.undo`` action).

The front end reverts the cells itself (it holds the notebook) and then sends the ids
of the steps it reverted. Their stored outputs are marked undone here and replaced in
the thread, so a reopened conversation shows them as undone and offers no second Undo,
and the model, reading the thread later, knows those changes are gone. The steps it left
alone because their cell changed since (``kept_ids``) are marked kept, so a reopened
conversation refuses them as the page did. No model call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from chatkit.errors import CustomStreamError
from chatkit.store import NotFoundError
from chatkit.types import (
    ClientToolCallItem,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
)

from .. import protocol
from . import agent_tools

if TYPE_CHECKING:
    from chatkit.actions import Action

    from ..protocol import RequestContext
    from .server import NotebookAssistant

ACTION_UNDO_AGENT_STEPS = protocol.Action.UNDO_AGENT_STEPS

# A turn has at most agent_max_steps steps; this only bounds a malformed request.
MAX_UNDO_ITEMS = 500


BAD_IDS = (
    "Undo needs the item_ids of the agent steps it reverted"
    " and the kept_ids of those it left alone (lists of ids, not both empty)."
)


def _ids(payload: Any) -> tuple[list[str], list[str]]:
    """The payload's ``item_ids`` (reverted) and ``kept_ids`` (left alone; optional)."""
    if not isinstance(payload, dict):
        raise CustomStreamError(BAD_IDS, allow_retry=False)
    lists = payload.get("item_ids"), payload.get("kept_ids", [])
    for ids in lists:
        if (
            not isinstance(ids, list)
            or len(ids) > MAX_UNDO_ITEMS
            or not all(isinstance(i, str) and i for i in ids)
        ):
            raise CustomStreamError(BAD_IDS, allow_retry=False)
    undone, kept = (list(dict.fromkeys(cast("list[str]", ids))) for ids in lists)
    if not undone and not kept:
        raise CustomStreamError(BAD_IDS, allow_retry=False)
    return undone, [i for i in kept if i not in undone]


async def _steps(
    server: NotebookAssistant, thread: ThreadMetadata, ids: list[str], context: RequestContext
) -> list[ClientToolCallItem]:
    """The stored steps ``ids``, each an agent insert or edit of ``thread`` (else an error)."""
    items: list[ClientToolCallItem] = []
    for item_id in ids:
        try:
            item = await server.store.load_item(thread.id, item_id, context=context)
        except NotFoundError:
            item = None
        if not isinstance(item, ClientToolCallItem) or item.name not in agent_tools.UNDOABLE_STEPS:
            raise CustomStreamError(
                "Only the agent's inserts and edits in this conversation can be undone.",
                allow_retry=False,
            )
        items.append(item)
    return items


async def undo_steps(
    server: NotebookAssistant,
    thread: ThreadMetadata,
    action: Action[str, Any],
    context: RequestContext,
) -> AsyncIterator[ThreadStreamEvent]:
    """Mark the steps ``payload.item_ids`` of ``thread`` undone, and ``payload.kept_ids``
    (optional) kept, all or none.

    Each must be an insert or edit of this thread; one already undone (or kept, or not
    applied) is left as it is, so a repeated request changes nothing.
    """
    undone_ids, kept_ids = _ids(action.payload)
    undone = await _steps(server, thread, undone_ids, context)
    kept = await _steps(server, thread, kept_ids, context)
    # undoable_step checked that each output is a mapping.
    for item in undone:
        if agent_tools.undoable_step(item):
            output = agent_tools.undone_output(cast("Mapping[str, Any]", item.output))
            yield ThreadItemReplacedEvent(item=item.model_copy(update={"output": output}))
    for item in kept:
        if agent_tools.undoable_step(item):
            output = agent_tools.kept_output(cast("Mapping[str, Any]", item.output))
            yield ThreadItemReplacedEvent(item=item.model_copy(update={"output": output}))
