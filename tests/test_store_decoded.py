"""A turn's history parses each stored item once (store.decoded.DECODED_ITEMS) and still
reads what is stored now: another process's rewrite or delete of an item shows in the
next turn, and no reader of a turn changes a kept item."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    CustomTask,
    InferenceOptions,
    ThreadCreatedEvent,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
    Workflow,
    WorkflowItem,
)

from jupyter_chatkit.protocol import STEP_UNDO_KEY, RequestContext
from jupyter_chatkit.store import SQLStore
from jupyter_chatkit.store.codec import dump_item
from jupyter_chatkit.store.decoded import DECODED_ITEMS, DecodedItems

from .chatkit_helpers import make_assistant, req, stream, user_input

CONTEXT = RequestContext(user_id="alice")


def user(thread_id: str, i: int, text: str) -> UserMessageItem:
    return UserMessageItem(
        id=f"msg_u{i:03d}",
        thread_id=thread_id,
        created_at=datetime.now(),
        content=[UserMessageTextContent(text=text)],
        inference_options=InferenceOptions(),
    )


def bot(thread_id: str, i: int, text: str) -> AssistantMessageItem:
    return AssistantMessageItem(
        id=f"msg_a{i:03d}",
        thread_id=thread_id,
        created_at=datetime.now(),
        content=[AssistantMessageContent(text=text)],
    )


async def turn_page(store: SQLStore, thread_id: str, i: int) -> list[Any]:
    """A follow-up's turn taken with its message saved; the history page it read."""
    async with store.thread_turn_adding(thread_id, user(thread_id, i, f"q{i}"), 60, CONTEXT) as (
        _,
        page,
    ):
        return list(page.data)


@pytest.mark.asyncio
async def test_a_turn_reads_another_process_s_rewrites_and_deletes(
    store: SQLStore, store_elsewhere: SQLStore
) -> None:
    thread = ThreadMetadata(id="thr_decoded", created_at=datetime.now())
    await store.save_thread(thread, CONTEXT)
    for i in range(3):
        await store.add_thread_item(thread.id, user(thread.id, i, f"q{i}"), CONTEXT)
        await store.add_thread_item(thread.id, bot(thread.id, i, f"answer {i}"), CONTEXT)

    first = await turn_page(store, thread.id, 10)
    # Another process rewrites one answer and deletes another.
    await store_elsewhere.save_item(thread.id, bot(thread.id, 1, "rewritten elsewhere"), CONTEXT)
    await store_elsewhere.delete_thread_item(thread.id, "msg_a002", CONTEXT)
    second = await turn_page(store, thread.id, 11)

    stored = await store.load_thread_items(thread.id, None, 60, "desc", CONTEXT)
    assert second == list(stored.data)
    texts = {item.id: item.content[0].text for item in second}
    assert texts["msg_a001"] == "rewritten elsewhere"
    assert "msg_a002" not in texts
    assert texts["msg_a000"] == "answer 0"
    # The items nobody touched were parsed once, for the first turn.
    kept = {item.id: item for item in first}
    assert next(i for i in second if i.id == "msg_a000") is kept["msg_a000"]
    assert next(i for i in second if i.id == "msg_a001") is not kept["msg_a001"]


def test_kept_items_are_bounded_by_their_text() -> None:
    kept = DecodedItems(max_chars=4000)
    payloads = [dump_item(bot("thr_b", i, "x" * 300)) for i in range(20)]
    for payload in payloads:
        assert kept.item(payload, item_id="i", thread_id="thr_b") is not None
    assert 0 < len(kept) < 20
    assert sum(len(text) for text, _ in kept.entries()) <= 4000
    # The newest are kept; an unreadable row is parsed (and skipped) each time.
    assert kept.entries()[-1][0] == payloads[-1]
    assert kept.item("{not json", item_id="i", thread_id="thr_b") is None
    assert all(text != "{not json" for text, _ in kept.entries())


@pytest.mark.asyncio
async def test_no_reader_of_a_turn_changes_a_kept_item(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(f"Answer {i}", item_id=f"m{i}")]) for i in range(4)]
    )
    assistant = make_assistant(sqlite_store, model)
    DECODED_ITEMS.clear()
    events = await stream(assistant, req("threads.create", input=user_input("first")))
    thread_id = next(e for e in events if isinstance(e, ThreadCreatedEvent)).thread.id
    # Items its readers treat apart: a finished step with an undo record and an output
    # big enough to be shortened for the model, and a workflow.
    step = ClientToolCallItem(
        id="tc_001",
        thread_id=thread_id,
        created_at=datetime.now(),
        status="completed",
        call_id="call_1",
        name="get_notebook_cells",
        arguments={"index": 1},
        output={"status": "ok", "text": "o" * 40_000, STEP_UNDO_KEY: {"source": "x = 1"}},
    )
    flow = WorkflowItem(
        id="wf_001",
        thread_id=thread_id,
        created_at=datetime.now(),
        workflow=Workflow(type="custom", tasks=[CustomTask(title="Looked")], expanded=True),
    )
    for item in (step, flow):
        await sqlite_store.add_thread_item(thread_id, item, CONTEXT)
    for text in ("second", "third", "fourth"):
        await stream(
            assistant,
            req("threads.add_user_message", thread_id=thread_id, input=user_input(text)),
        )
    entries = DECODED_ITEMS.entries()
    stored = await sqlite_store.load_thread_items(thread_id, None, 60, "asc", CONTEXT)
    # The last turn's history came through the kept items (all but its own answer,
    # saved after it), which still say what their stored text says after the turns
    # that read them.
    assert {item.id for _, item in entries} >= {item.id for item in stored.data[:-1]}
    for text, item in entries:
        assert dump_item(item) == text
