"""Editing an earlier message, regenerating, and a card's insert counts (issue 11).

NotebookAssistant through ``handle()`` with a scripted model and real SQLite.
"""

from __future__ import annotations

from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import (
    ErrorEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemReplacedEvent,
    UserMessageItem,
    WidgetItem,
)

from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, make_assistant, req, stream, user_input


def said(text: str, item_id: str) -> ModelStep:
    return ModelStep(output=[assistant_message(text, item_id=item_id)])


@pytest.mark.asyncio
async def test_editing_an_earlier_message_replaces_it_and_what_followed(store: SQLStore) -> None:
    model = ScriptedModel([said("One.", "m1"), said("Two.", "m2"), said("Edited answer.", "m3")])
    assistant = make_assistant(store, model)
    first = await stream(assistant, req("threads.create", input=user_input("first question")))
    thread_id = next(e.thread.id for e in first if e.type == "thread.created")
    await stream(
        assistant,
        req("threads.add_user_message", thread_id=thread_id, input=user_input("second")),
    )
    items = (await store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data
    first_msg = items[0]
    assert isinstance(first_msg, UserMessageItem)

    action = {"type": "message.edit", "payload": {"item_id": first_msg.id, "text": "better"}}
    events = await stream(
        assistant, req("threads.custom_action", thread_id=thread_id, item_id=None, action=action)
    )
    removed = {e.item_id for e in events if isinstance(e, ThreadItemRemovedEvent)}
    assert removed == {i.id for i in items}
    kept = (await store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data
    assert [i.type for i in kept] == ["user_message", "assistant_message"]
    assert kept[0].content[0].text == "better"
    assert "Edited answer." in kept[1].content[0].text
    # The model saw only the edited message, not the old turns.
    request = str(model.calls[-1].input)
    assert "better" in request
    assert "first question" not in request and "second" not in request


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"item_id": "nope", "text": "x"}, "can be edited"),
        ({"item_id": "nope"}, "new text"),
        ({"text": "   "}, "new text"),
    ],
)
async def test_bad_edits_are_one_error_event(
    store: SQLStore, payload: dict[str, Any], needle: str
) -> None:
    model = ScriptedModel([said("One.", "m1")])
    assistant = make_assistant(store, model)
    first = await stream(assistant, req("threads.create", input=user_input("q")))
    thread_id = next(e.thread.id for e in first if e.type == "thread.created")
    action = {"type": "message.edit", "payload": payload}
    events = await stream(
        assistant, req("threads.custom_action", thread_id=thread_id, item_id=None, action=action)
    )
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and needle in (errors[0].message or "")
    assert not any(isinstance(e, ThreadItemRemovedEvent) for e in events)


@pytest.mark.asyncio
async def test_insert_and_insert_and_run_are_counted_separately(store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(
                output=[function_call("propose_code", {"code": "x = 1"}, call_id="c", item_id="f")]
            ),
            said("Here.", "m"),
        ]
    )
    assistant = make_assistant(store, model)
    events = await stream(assistant, req("threads.create", input=user_input("code please")))
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    card = next(
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, WidgetItem)
    )

    async def click(kind: str) -> str:
        action = {"type": kind, "payload": {"position": "below"}}
        out = await stream(
            assistant,
            req("threads.custom_action", thread_id=thread_id, item_id=card.id, action=action),
        )
        replaced = next(e for e in out if isinstance(e, ThreadItemReplacedEvent))
        dumped = replaced.item.widget.model_dump()
        return _status(dumped)

    assert await click("notebook.insert_cell") == "✓ Inserted in the notebook"
    assert (
        await click("notebook.insert_and_run_cell")
        == "✓ Inserted · Inserted and ran in the notebook"
    )
    assert (
        await click("notebook.insert_cell")
        == "✓ Inserted 2 times · Inserted and ran in the notebook"
    )


def _status(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("id") == "jck-card-status":
            return str(node.get("value"))
        for child in node.get("children") or []:
            found = _status(child)
            if found:
                return found
    return ""
