"""A streamed event kept by its running turn (for a late watcher) is serialized once:
ChatKit's serialization for the client takes the text the turn made of it a moment
before (running.LastSerialized, NotebookAssistant._serialize)."""

from __future__ import annotations

from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import AssistantMessageItem, ThreadItemDoneEvent

from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import make_assistant, req, stream, user_input


@pytest.mark.asyncio
async def test_each_kept_event_is_serialized_once(
    sqlite_store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("Hello there", item_id="m1")])])
    assistant = make_assistant(sqlite_store, model)
    dumps: list[str] = []
    original = ThreadItemDoneEvent.model_dump_json

    def counted(self: ThreadItemDoneEvent, **kwargs: Any) -> str:
        dumps.append(self.item.id)
        return original(self, **kwargs)

    monkeypatch.setattr(ThreadItemDoneEvent, "model_dump_json", counted)
    events = await stream(assistant, req("threads.create", input=user_input("hi")))
    done = [e for e in events if isinstance(e, ThreadItemDoneEvent)]
    # The user's message and the answer, each sent as before and serialized once.
    assert [e.item.type for e in done] == ["user_message", "assistant_message"]
    answer = done[1].item
    assert isinstance(answer, AssistantMessageItem)
    assert answer.content[0].text == "Hello there"
    assert sorted(dumps) == sorted(e.item.id for e in done)
