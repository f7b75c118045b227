"""An answer whose save the store cannot take (another process holds the store locked
past ``store_lock_timeout`` while the answer streams) ends with one readable error that
says the answer was not saved and why, not ChatKit's bare ``stream.error`` ("The
assistant ran into an error"); nothing stored before is lost, and the next turn works.

Real SQLite (another process holds its write lock) and PostgreSQL (another session
holds ``LOCK TABLE items``); only the model is scripted, paused mid-answer while the
lock is taken.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import ErrorEvent
from sqlalchemy.engine import make_url

from jupyter_chatkit.assistant.server import StreamResult
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.engine import STORE_WAITING, PoolOptions

from .chatkit_helpers import ALICE, collect, json_call, make_assistant, req, stream, user_input
from .test_running_turns_review import _pausing_model
from .test_store_locked_start import HeldLock


@contextlib.asynccontextmanager
async def _locked(url: str) -> AsyncIterator[None]:
    """Another process (SQLite) or session (PostgreSQL) holding the store's writes."""
    if url.startswith("sqlite"):
        lock = HeldLock(make_url(url).database)  # type: ignore[arg-type]
        try:
            yield
        finally:
            lock.release()
        return
    import asyncpg

    other = await asyncpg.connect(url)
    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("LOCK TABLE items IN EXCLUSIVE MODE")
        yield
        await transaction.rollback()
    finally:
        await other.close()


@pytest.mark.asyncio
async def test_an_answer_the_store_cannot_save_says_so_and_loses_nothing(store_url: str) -> None:
    store = await open_store(store_url, pool=PoolOptions(lock_timeout=0.5))
    try:
        kept = make_assistant(
            store, ScriptedModel([ModelStep(output=[assistant_message("Kept.", item_id="k")])])
        )
        kept_id = (await stream(kept, req("threads.create", input=user_input("keep"))))[0]
        resume = asyncio.Event()
        model, waiting = await _pausing_model("An answer nobody can save", resume)
        assistant = make_assistant(store, model, store_lock_timeout=0.5)
        result = await assistant.handle(req("threads.create", input=user_input("hi")), ALICE)
        assert isinstance(result, StreamResult)
        reader = asyncio.ensure_future(collect(result.chunks))
        await asyncio.wait_for(waiting.wait(), 10)
        thread_id = next(iter(assistant.running._turns))
        async with _locked(store_url):
            resume.set()
            events = await asyncio.wait_for(reader, 30)
        errors = [e for e in events if isinstance(e, ErrorEvent)]
        assert len(errors) == 1 and events[-1] is errors[0], [e.type for e in events]
        assert errors[0].code == "custom" and errors[0].allow_retry
        message = errors[0].message or ""
        assert message.startswith("This answer could not be saved.") and STORE_WAITING in message
        assert "Traceback" not in message and "StoreBusyError" not in message

        # Nothing stored before is lost: the other thread, this thread's question.
        status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
        assert status == 200
        kinds = [i["type"] for i in thread["items"]["data"]]
        assert kinds == ["user_message"]
        status, other = await json_call(
            assistant,
            req("threads.get_by_id", thread_id=kept_id.thread.id),  # type: ignore[union-attr]
        )
        assert status == 200 and len(other["items"]["data"]) == 2
        # The lock gone, the next turn answers and is saved.
        again = make_assistant(
            store, ScriptedModel([ModelStep(output=[assistant_message("Saved.", item_id="s")])])
        )
        events = await stream(
            again, req("threads.add_user_message", thread_id=thread_id, input=user_input("again"))
        )
        assert not [e for e in events if isinstance(e, ErrorEvent)]
        status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
        assert [i["type"] for i in thread["items"]["data"]][-1] == "assistant_message"
    finally:
        await store.close()
