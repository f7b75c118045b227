"""What a turn asks of the store: the SQL statements a new thread's first turn and a
follow-up turn run (real SQLite, scripted model), so reads and writes that creep back
into the request path show up here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from sqlalchemy import event
from sqlalchemy.engine import Engine

from jupyter_chatkit.store import open_store

from .chatkit_helpers import make_assistant, req, stream, user_input


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
        # The thread is read for its owner and for the turn, its items once (the history:
        # the question and the answer before it reach the model), and every read is one
        # snapshot (BEGIN DEFERRED).
        assert sum(s.startswith("SELECT items.id") for s in follow_up) == 1
        assert follow_up.count("BEGIN DEFERRED") == 3
        texts = model_input_texts(model)
        assert any("what is in df?" in t for t in texts) and any("more" in t for t in texts)
        model.assert_complete()
    finally:
        await store.close()
