"""ChatKit's save of a turn's whole copy of its thread keeps what others saved meanwhile.

ChatKit saves the thread object a turn holds whenever the turn changed it (its Ask/Agent
choice recorded, a title given), the whole copy as loaded when the turn began. A rename
(``threads.update``) or another writer's metadata saved since was undone by that save.
Now ``SQLStore.save_thread`` of a copy the store handed out (loaded, or saved before)
writes only what its holder changed since, into the thread as stored, and the copy
takes the rest: the ``thread.updated`` the turn streams shows the rename too. On
SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import ThreadMetadata, ThreadUpdatedEvent

from jupyter_chatkit.assistant.results import StreamResult
from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, json_call, make_assistant, parse_sse, req, stream, user_input

ASK = {"mode": "ask", "auto_run": False}


def _answers(*texts: str) -> ScriptedModel:
    return ScriptedModel(
        [ModelStep(output=[assistant_message(t, item_id=f"m{n}")]) for n, t in enumerate(texts)]
    )


def _tagged(stored: ThreadMetadata) -> bool:
    stored.metadata = {**stored.metadata, "elsewhere": "kept"}
    return True


async def _renamed_while_answering(
    store: SQLStore,
    assistant: NotebookAssistant,
    params: dict[str, Any],
    *,
    untitled: bool = False,
    **request: Any,
) -> tuple[ThreadMetadata, list[Any]]:
    """A thread whose follow-up turn (``params`` and ``request`` besides the thread and
    its input) is renamed "Renamed", and tagged by another writer, while its answer
    streams (the turn has loaded its copy and saved the message); the thread as stored
    after, and the events shown."""
    try:
        first = await stream(assistant, req("threads.create", input=user_input("first")))
        thread_id = first[0].thread.id  # type: ignore[union-attr]
        if untitled:
            await store.change_thread(thread_id, _untitled, ALICE)
        body = json.dumps(
            {
                "type": "threads.add_user_message",
                "params": {"thread_id": thread_id, **params},
                **request,
            }
        )
        result = await assistant.handle(body, ALICE)
        assert isinstance(result, StreamResult)
        chunks = aiter(result.chunks)
        shown: list[Any] = []
        while not any(e.type == "thread.item.done" for e in shown):
            shown.extend(parse_sse(await anext(chunks)))
        status, _ = await json_call(
            assistant, req("threads.update", thread_id=thread_id, title="Renamed")
        )
        assert status == 200
        await store.change_thread(thread_id, _tagged, ALICE)
        async for chunk in chunks:
            shown.extend(parse_sse(chunk))
    finally:
        await assistant.aclose()
    return await store.load_thread(thread_id, ALICE), shown


@pytest.mark.asyncio
async def test_a_turns_save_of_its_copy_keeps_a_rename_made_meanwhile(store: SQLStore) -> None:
    # A message recording its Ask/Agent choice: the turn changes its copy, which ChatKit
    # then saves.
    stored, shown = await _renamed_while_answering(
        store,
        make_assistant(store, _answers("First.", "Second.")),
        {"input": user_input("second")},
        metadata={"agent": ASK},
    )
    assert stored.title == "Renamed"
    assert stored.metadata["elsewhere"] == "kept"
    assert stored.metadata["agent"] == ASK  # the turn's own change
    updated = [e for e in shown if isinstance(e, ThreadUpdatedEvent)]
    assert updated and updated[-1].thread.title == "Renamed"


def _untitled(stored: ThreadMetadata) -> bool:
    stored.title = None
    return True


@pytest.mark.asyncio
async def test_a_title_given_at_a_turns_end_keeps_a_rename_made_meanwhile(store: SQLStore) -> None:
    """An untitled thread (titled off before, say) is titled by its next turn, but not
    over the name the person gave it while that answer streamed."""
    stored, shown = await _renamed_while_answering(
        store,
        make_assistant(store, _answers("First.", "Second."), title_threads="local"),
        {"input": user_input("second question")},
        untitled=True,
    )
    assert stored.title == "Renamed"
    assert stored.metadata["elsewhere"] == "kept"
    updated = [e for e in shown if isinstance(e, ThreadUpdatedEvent)]
    assert not updated or updated[-1].thread.title == "Renamed"
