"""The model input kept for stored items (model_input.py's ConvertedItems and
RedactedItems) is shared by every request's turns and handed to the agents SDK without a
copy: a turn must change none of it. After turns with a client tool's round trip and
follow-ups, converting the thread's stored items from the shared memory gives what a
conversion with no memory gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import ThreadItem

from jupyter_chatkit.assistant.model_input import ConvertedItems, PolicyConverter, RedactedItems
from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.store import SQLStore
from jupyter_chatkit.store.codec import StoredItems

from .chatkit_helpers import ALICE, make_assistant, req, stream, user_input

KEY = "sk-sharedtest-Wq7zL3vN8pX2kR5tYb4M"


async def stored_input(
    store: SQLStore, thread_id: str, policy: ContextPolicy, **memory: Any
) -> tuple[list[Any], list[ThreadItem]]:
    """The thread's stored items read back and converted as a turn does (with
    ``memory``, else the shared memory)."""
    page = await store.load_thread_items(thread_id, None, 100, "asc", ALICE)
    assert isinstance(page, StoredItems)
    stored = {id(item): text for item, text in zip(page.data, page.payloads, strict=True)}
    converter = PolicyConverter(policy, stored=stored, **memory)
    return await converter.to_agent_input(page.data), page.data


@pytest.mark.asyncio
async def test_turns_change_nothing_kept_for_the_next(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("get_active_cell", {}, call_id="c1", item_id="f1")]),
            ModelStep(output=[assistant_message("It sets the key.", item_id="m1")]),
            ModelStep(output=[assistant_message("Use an environment variable.", item_id="m2")]),
            ModelStep(output=[assistant_message("Done.", item_id="m3")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model, api_key=KEY)
    events = await stream(
        assistant, req("threads.create", input=user_input(f"what does key = '{KEY}' do?"))
    )
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    cell = {"index": 0, "source": f"key = '{KEY}'", "outputs": [{"text": "ok\n"}]}
    await stream(assistant, req("threads.add_client_tool_output", thread_id=thread_id, result=cell))
    for text in ("how do I hide it?", "thanks"):
        await stream(
            assistant, req("threads.add_user_message", thread_id=thread_id, input=user_input(text))
        )
    # The last turns were answered from memory (each item converted once, then kept).
    sent = json.dumps(model.calls[-1].input)
    assert "It sets the key." in sent and "how do I hide it?" in sent and KEY not in sent

    shared, items = await stored_input(sqlite_store, thread_id, assistant.policy)
    fresh, _ = await stored_input(
        sqlite_store,
        thread_id,
        assistant.policy,
        cache=RedactedItems(),
        converted=ConvertedItems(),
    )
    assert len(items) >= 7 and shared == fresh
