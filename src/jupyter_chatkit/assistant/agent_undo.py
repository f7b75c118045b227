"""Record "Undo agent changes" in the thread (the ``agent.undo`` action).

The front end reverts the cells itself (it holds the notebook) and then sends the ids
of the steps it reverted. Their stored outputs are marked undone here and replaced in
the thread, so a reopened conversation shows them as undone and offers no second Undo,
and the model, reading the thread later, knows those changes are gone. No model call.
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


def _item_ids(payload: Any) -> list[str]:
    ids = payload.get("item_ids") if isinstance(payload, dict) else None
    if (
        not isinstance(ids, list)
        or not ids
        or len(ids) > MAX_UNDO_ITEMS
        or not all(isinstance(i, str) and i for i in ids)
    ):
        raise CustomStreamError(
            "Undo needs the item_ids of the agent steps it reverted.", allow_retry=False
        )
    return list(dict.fromkeys(ids))


async def undo_steps(
    server: NotebookAssistant,
    thread: ThreadMetadata,
    action: Action[str, Any],
    context: RequestContext,
) -> AsyncIterator[ThreadStreamEvent]:
    """Mark the steps ``payload.item_ids`` of ``thread`` undone (all or none).

    Each must be an applied insert or edit of this thread; one already undone is left
    as it is (a repeated request changes nothing).
    """
    marked: list[ClientToolCallItem] = []
    for item_id in _item_ids(action.payload):
        try:
            item = await server.store.load_item(thread.id, item_id, context=context)
        except NotFoundError:
            item = None
        if not isinstance(item, ClientToolCallItem) or item.name not in agent_tools.UNDOABLE_STEPS:
            raise CustomStreamError(
                "Only the agent's inserts and edits in this conversation can be undone.",
                allow_retry=False,
            )
        if agent_tools.undoable_step(item):
            marked.append(item)
    for item in marked:
        # undoable_step checked that the output is a mapping.
        output = agent_tools.undone_output(cast("Mapping[str, Any]", item.output))
        yield ThreadItemReplacedEvent(item=item.model_copy(update={"output": output}))
