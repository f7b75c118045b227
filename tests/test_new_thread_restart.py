"""A new conversation not saved when the server stops is saved when it starts again.

A new thread whose first save waits for another process's lock is named to its page
(``thread.created``) before it is saved. If that save failed (the lock held past
``store_lock_timeout``), or was still waiting when the server stopped, the thread and
the person's first message lived only in the server's memory (kept for the page's
Retry, unsaved_threads.py): after a restart the conversation was gone, from the list
of a reloaded page too, and the page's Retry answered "No such conversation". Now they
are kept on disk too until saved, and the restarted server saves them: the
conversation is listed with its message, and Retry answers it.

Another process holds the store's lock (tests/test_store_locked.write_locked: SQLite's;
PostgreSQL's threads table); nothing is timed (the guard bounds a hang).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import AssistantMessageItem, ErrorEvent, ThreadStreamEvent, UserMessageItem

from jupyter_chatkit.assistant.results import StreamResult
from jupyter_chatkit.assistant.server import NotebookAssistant, create_assistant
from jupyter_chatkit.settings import Settings

from .chatkit_helpers import ALICE, BOB, json_call, read_turn, req, stream, user_input
from .test_store_locked import write_locked

# Bounds the test only.
HANG_GUARD = 60.0
# Past the store-wait notice's delay (1 s), when the thread is named; then the save fails.
LOCK_TIMEOUT = 2.0


async def _started(url: str, *answers: str) -> NotebookAssistant:
    """The server's assistant as it starts on the store at ``url``."""
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(t, item_id=f"m{n}")]) for n, t in enumerate(answers)]
    )
    settings = Settings(
        store_url=url,
        store_lock_timeout=LOCK_TIMEOUT,
        api_key="",
        base_url="",
        title_threads=False,
    )
    return await create_assistant(settings, model=model)


def _first_message(text: str) -> bytes:
    return json.dumps(
        {
            "type": "threads.create",
            "params": {"input": user_input(text)},
            "metadata": {"notebook": "work/nb.ipynb"},
        }
    ).encode()


async def _named_then_stopped(assistant: NotebookAssistant, failed: bool) -> str:
    """A new thread named to its page while its save waits; then the save fails
    (``failed``) or the server stops while it still waits. Its id."""
    result = await assistant.handle(_first_message("keep this question"), ALICE)
    assert isinstance(result, StreamResult)
    seen: list[ThreadStreamEvent] = []
    reading, created = read_turn(result.chunks, seen)
    thread_id = await asyncio.wait_for(created, HANG_GUARD)
    if failed:
        await asyncio.wait_for(reading, HANG_GUARD)
        assert isinstance(seen[-1], ErrorEvent), seen
    # The server stops (its turns stopped, the store closed).
    await asyncio.wait_for(assistant.aclose(), HANG_GUARD)
    await asyncio.wait({reading}, timeout=HANG_GUARD)
    return thread_id


@pytest.mark.asyncio
@pytest.mark.parametrize("when", ["its save failed", "its save still waited"])
async def test_a_new_thread_unsaved_when_the_server_stopped_is_there_after_a_restart(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    first = await _started(store_url)
    async with write_locked(store_url):
        thread_id = await _named_then_stopped(first, failed=when == "its save failed")
    # The lock is free; the server starts again and the page is reloaded.
    assistant = await _started(store_url, "Answered.")
    try:
        status, listed = await json_call(assistant, req("threads.list", limit=20))
        assert status == 200
        assert [t["id"] for t in listed["data"]] == [thread_id]
        items = (
            await assistant.sql_store.load_thread_items(thread_id, None, 20, "asc", ALICE)
        ).data
        assert [(type(i), i.content[0].text) for i in items] == [  # type: ignore[union-attr]
            (UserMessageItem, "keep this question")
        ]
        thread = await assistant.sql_store.load_thread(thread_id, ALICE)
        assert thread.metadata.get("notebook") == "work/nb.ipynb"
        # Nobody else's.
        status, _ = await json_call(assistant, req("items.list", thread_id=thread_id), BOB)
        assert status == 404
        # The page's Retry is answered.
        events = await stream(
            assistant, req("threads.retry_after_item", thread_id=thread_id, item_id=items[0].id)
        )
        assert not [e for e in events if isinstance(e, ErrorEvent)], events
        answered = [
            e.item.content[0].text
            for e in events
            if e.type == "thread.item.done" and isinstance(e.item, AssistantMessageItem)
        ]
        assert answered == ["Answered."]
    finally:
        await assistant.aclose()
    # Saved once: a later start saves nothing again (the thread as it is now stays).
    again = await _started(store_url)
    try:
        items = (await again.sql_store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
        assert [type(i) for i in items] == [UserMessageItem, AssistantMessageItem]
    finally:
        await again.aclose()
