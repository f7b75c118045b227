"""What a turn asks of the store: the SQL statements a new thread's first turn and a
follow-up turn run (real SQLite, scripted model), so reads and writes that creep back
into the request path show up here."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.schema import thread_turns

from .chatkit_helpers import ALICE, make_assistant, req, stream, user_input

BOB = RequestContext(user_id="bob")


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """Every SQL statement any engine of this process runs meanwhile, first words only."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()[:3]))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def model_input_texts(model: ScriptedModel) -> list[str]:
    """The user texts of the last model request."""
    call = model.last_call
    assert call is not None
    return [json.dumps(item) for item in call.input] if isinstance(call.input, list) else []


@pytest.mark.asyncio
async def test_a_new_threads_first_turn_reads_nothing_back(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    model = ScriptedModel(
        [
            ModelStep(output=[assistant_message("Hello", item_id="m1")]),
            ModelStep(output=[assistant_message("Again", item_id="m2")]),
        ]
    )
    assistant = make_assistant(store, model)
    try:
        with recorded_statements() as first_turn:
            events = await stream(
                assistant, req("threads.create", input=user_input("what is in df?"))
            )
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        # The thread with its message (one transaction), then the answer: the history
        # is the message just saved, not a read of it.
        assert first_turn == [
            "BEGIN IMMEDIATE",
            "INSERT INTO threads",
            "INSERT INTO items",
            "BEGIN IMMEDIATE",
            "UPDATE threads SET",
            "INSERT INTO items",
        ]
        assert any("what is in df?" in text for text in model_input_texts(model))

        with recorded_statements() as follow_up:
            await stream(
                assistant,
                req("threads.add_user_message", thread_id=thread_id, input=user_input("more")),
            )
        # Three transactions: the thread read (its owner, the state the turn starts from)
        # with the turn's lease, the question saved and the history read (the question
        # and the answer before it reach the model); the answer; the lease's release.
        assert follow_up == [
            "BEGIN IMMEDIATE",
            "SELECT threads.id, threads.title,",
            "INSERT INTO thread_turns",
            "UPDATE threads SET",
            "INSERT INTO items",
            "SELECT items.id, items.payload,",
            "BEGIN IMMEDIATE",
            "UPDATE threads SET",
            "INSERT INTO items",
            "BEGIN IMMEDIATE",
            "DELETE FROM thread_turns",
        ]
        texts = model_input_texts(model)
        assert any("what is in df?" in t for t in texts) and any("more" in t for t in texts)
        model.assert_complete()
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_follow_up_answers_from_the_history_read_with_its_question(
    tmp_path: Path,
) -> None:
    # The history read in the question's transaction is the thread's newest items, the
    # question first: earlier turns reach the model in order, within history_max_items.
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(f"answer {i}", item_id=f"m{i}")]) for i in range(4)]
    )
    assistant = make_assistant(store, model, history_max_items=4)
    try:
        events = await stream(assistant, req("threads.create", input=user_input("question 0")))
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        for i in range(1, 4):
            question = user_input(f"question {i}")
            await stream(
                assistant, req("threads.add_user_message", thread_id=thread_id, input=question)
            )
        texts = " ".join(model_input_texts(model))
        # Four items: question 2, answer 2, question 3 (question 1's answer would start
        # the history with an answer, so it is dropped with its question).
        assert "question 1" not in texts and "answer 1" not in texts
        assert texts.index("question 2") < texts.index("answer 2") < texts.index("question 3")
        page = await store.load_thread_items(thread_id, None, 20, "asc", ALICE)
        kinds = [item.type for item in page.data]
        assert kinds == ["user_message", "assistant_message"] * 4
        model.assert_complete()
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_follow_up_from_someone_else_is_refused_without_waiting_or_writing(
    tmp_path: Path,
) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    model = ScriptedModel([ModelStep(output=[assistant_message("Hello", item_id="m1")])])
    assistant = make_assistant(store, model)
    try:
        events = await stream(assistant, req("threads.create", input=user_input("mine")))
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        body = req("threads.add_user_message", thread_id=thread_id, input=user_input("theirs"))
        # While the owner's turn runs, another user's message is refused at once (it does
        # not queue behind the turn), and nothing is written for it.
        async with store.thread_turn(thread_id):
            with recorded_statements() as statements:
                refused = asyncio.ensure_future(stream(assistant, body, BOB))
                # A safety net against a hang, not a timing assertion.
                await asyncio.wait({refused}, timeout=60)
                assert refused.done()
        assert [e.type for e in refused.result()] == ["error"]
        assert "No such conversation" in str(refused.result()[0])
        assert not any(s.split()[0] in {"INSERT", "UPDATE", "DELETE"} for s in statements)
        # Once the turn is free, the same: refused in the transaction that would take the
        # turn, which then takes none (and has none to release).
        with recorded_statements() as statements:
            assert [e.type for e in await stream(assistant, body, BOB)] == ["error"]
        assert statements == ["BEGIN IMMEDIATE", "SELECT threads.id, threads.title,"]
        async with store.engine.connect() as conn:
            assert (await conn.execute(select(thread_turns))).all() == []
        page = await store.load_thread_items(thread_id, None, 20, "asc", ALICE)
        assert [item.type for item in page.data] == ["user_message", "assistant_message"]
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_follow_up_waiting_for_the_turn_before_comes_after_its_answer(
    tmp_path: Path,
) -> None:
    # The question is dated when its turn is taken, in the transaction that saves it:
    # a question that waited for the turn before is listed after that turn's answer.
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(f"answer {i}", item_id=f"m{i}")]) for i in range(2)]
    )
    assistant = make_assistant(store, model)
    try:
        events = await stream(assistant, req("threads.create", input=user_input("first")))
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        body = req("threads.add_user_message", thread_id=thread_id, input=user_input("second"))
        async with store.thread_turn(thread_id):
            waiting = asyncio.ensure_future(stream(assistant, body))
            # The follow-up builds its question, then queues for this turn (held here);
            # nothing signals a queued turn, so its queue is looked at each loop round.
            while store._turns._local.get(thread_id, (None, 0))[1] < 2:  # noqa: ASYNC110
                await asyncio.sleep(0)
            # The turn before ends with its answer, saved now.
            stored = await store.load_thread_items(thread_id, None, 5, "asc", ALICE)
            answer = stored.data[-1].model_copy(update={"id": "msg_late", "content": []})
            answer.created_at = datetime.now()
            await store.add_thread_item(thread_id, answer, ALICE)
        events = await asyncio.wait_for(waiting, 60)  # a safety net against a hang
        assert "error" not in [e.type for e in events]
        page = await store.load_thread_items(thread_id, None, 20, "asc", ALICE)
        ids = [item.id for item in page.data]
        question = next(e.item.id for e in events if e.type == "thread.item.done")
        assert ids.index("msg_late") < ids.index(question)
        model.assert_complete()
    finally:
        await store.close()
