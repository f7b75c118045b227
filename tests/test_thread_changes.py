"""A thread's title and its kept failure, saved by different writers, both stay.

A failed turn's failure is kept after its stream ends, from the copy of the thread the
turn loaded when it began; a model title is saved in the background meanwhile, and the
person may rename the thread. Each writer changes only its own part of the thread as
stored (store.change_thread), in whatever order the writes land, on this server or on
another one sharing a PostgreSQL store.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from agents.testing import ModelStep, ScriptedModel
from chatkit.store import NotFoundError
from chatkit.types import (
    ErrorEvent,
    InferenceOptions,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)

from jupyter_chatkit.assistant import turn_failures
from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.store import SQLStore
from jupyter_chatkit.store.codec import dump_thread

from .chatkit_helpers import ALICE, BOB, json_call, make_assistant, req, stream, user_input
from .fixtures.store import opened_store
from .test_assistant import _as_network_stream, _recorded_stream

LOCAL = "plot the sales"
MODEL_TITLE = "Regional sales plot"
FAILED = ErrorEvent(code="custom", message="The provider fell over.", allow_retry=True)
# Bounds the test only: a write waiting for a lock that is never released.
HANG_GUARD = 30.0


async def failed_first_turn(store: SQLStore) -> tuple[NotebookAssistant, ThreadMetadata]:
    """An assistant, and the copy of a new thread (local title, one message) its failed
    first turn loaded when it began."""
    assistant = make_assistant(store, ScriptedModel([]), title_threads="model")
    thread = ThreadMetadata(id="thr_failed", title=LOCAL, created_at=datetime.now(UTC))
    await store.save_thread(thread, ALICE)
    message = UserMessageItem(
        id="msg_1",
        thread_id=thread.id,
        created_at=datetime.now(UTC),
        content=[UserMessageTextContent(text=LOCAL)],
        inference_options=InferenceOptions(),
    )
    await store.add_thread_item(thread.id, message, ALICE)
    return assistant, await store.load_thread(thread.id, ALICE)


def owe_model_title(assistant: NotebookAssistant, thread_id: str) -> None:
    async def write() -> str:
        return MODEL_TITLE

    assistant.titles.expect(thread_id, LOCAL, write, ALICE.user_id)


async def assert_kept(store: SQLStore, thread_id: str, title: str) -> None:
    stored = await store.load_thread(thread_id, ALICE)
    assert stored.title == title
    kept = turn_failures.shown_failure(stored.metadata)
    assert kept is not None and kept["after"] == "msg_1"
    assert kept["error"]["message"] == FAILED.message


@pytest.mark.asyncio
async def test_a_failure_kept_after_the_model_title_keeps_that_title(store: SQLStore) -> None:
    assistant, turn_copy = await failed_first_turn(store)
    owe_model_title(assistant, turn_copy.id)
    assistant.titles.write_later(turn_copy.id, store, ALICE)
    await assistant.titles.settle(turn_copy.id, store, ALICE, running=False)
    await turn_failures.keep_failure(assistant, turn_copy, FAILED, ALICE)
    await assert_kept(store, turn_copy.id, MODEL_TITLE)


class FailureKeptAfterARead:
    """The real store; right after its first read of a thread, the failed turn keeps
    its failure (the interleaving that lost it: the title writer read, then saved)."""

    def __init__(self, store: SQLStore, assistant: NotebookAssistant, turn_copy: Any) -> None:
        self.store = store
        self.keep = lambda: turn_failures.keep_failure(assistant, turn_copy, FAILED, ALICE)
        self.kept = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    async def load_thread(self, thread_id: str, context: Any) -> ThreadMetadata:
        thread = await self.store.load_thread(thread_id, context)
        if not self.kept:
            self.kept = True
            await self.keep()
        return thread


@pytest.mark.asyncio
async def test_a_model_title_saved_while_the_failure_is_kept_keeps_the_failure(
    store: SQLStore,
) -> None:
    assistant, turn_copy = await failed_first_turn(store)
    owe_model_title(assistant, turn_copy.id)
    racing = FailureKeptAfterARead(store, assistant, turn_copy)
    assistant.titles.write_later(turn_copy.id, cast("SQLStore", racing), ALICE)
    await assistant.titles.settle(turn_copy.id, store, ALICE, running=False)
    if not racing.kept:  # the writer read nothing apart from its write
        await racing.keep()
    await assert_kept(store, turn_copy.id, MODEL_TITLE)


@pytest.mark.asyncio
async def test_a_failure_kept_after_a_rename_keeps_the_persons_title(store: SQLStore) -> None:
    assistant, turn_copy = await failed_first_turn(store)
    status, _ = await json_call(
        assistant, req("threads.update", thread_id=turn_copy.id, title="My sales plot")
    )
    assert status == 200
    await turn_failures.keep_failure(assistant, turn_copy, FAILED, ALICE)
    await assert_kept(store, turn_copy.id, "My sales plot")


@pytest.mark.asyncio
async def test_a_rename_while_the_failure_is_kept_keeps_the_failure(store: SQLStore) -> None:
    assistant, turn_copy = await failed_first_turn(store)
    racing = FailureKeptAfterARead(store, assistant, turn_copy)
    renaming = make_assistant(cast("SQLStore", racing), ScriptedModel([]))
    status, renamed = await json_call(
        renaming, req("threads.update", thread_id=turn_copy.id, title="My sales plot")
    )
    if not racing.kept:  # the rename read nothing apart from its write
        await racing.keep()
    assert status == 200 and renamed["title"] == "My sales plot"
    await assert_kept(store, turn_copy.id, "My sales plot")


async def answered_once_renamed(store: SQLStore) -> ThreadMetadata:
    """The failed first turn's thread, with its failure kept, after a follow-up whose
    model first speaks once the thread was renamed (from another tab, say): the
    follow-up loaded the thread before that rename."""
    assistant, turn_copy = await failed_first_turn(store)
    await turn_failures.keep_failure(assistant, turn_copy, FAILED, ALICE)
    full = _as_network_stream(await _recorded_stream("Here is the plot."))
    asked, renamed = asyncio.Event(), asyncio.Event()

    async def late(_call: Any) -> AsyncIterator[Any]:
        asked.set()
        await renamed.wait()
        for event in full:
            yield event

    answering = make_assistant(store, ScriptedModel([ModelStep(stream_events=late)]))
    follow_up = req("threads.add_user_message", thread_id=turn_copy.id, input=user_input("again"))
    turn = asyncio.ensure_future(stream(answering, follow_up))
    await asyncio.wait_for(asked.wait(), HANG_GUARD)
    status, _ = await json_call(
        assistant, req("threads.update", thread_id=turn_copy.id, title="My sales plot")
    )
    assert status == 200
    renamed.set()
    await asyncio.wait_for(turn, HANG_GUARD)
    return await store.load_thread(turn_copy.id, ALICE)


@pytest.mark.asyncio
async def test_an_answer_dropping_the_kept_failure_keeps_a_rename_made_meanwhile(
    store: SQLStore,
) -> None:
    stored = await answered_once_renamed(store)
    assert turn_failures.shown_failure(stored.metadata) is None
    assert stored.title == "My sales plot"


@pytest.mark.asyncio
async def test_a_change_leaves_deleted_and_other_users_threads_alone(store: SQLStore) -> None:
    assistant, turn_copy = await failed_first_turn(store)

    def retitle(thread: ThreadMetadata) -> bool:
        thread.title = "changed"
        return True

    with pytest.raises(NotFoundError):
        await store.change_thread(turn_copy.id, retitle, BOB)
    assert (await store.load_thread(turn_copy.id, ALICE)).title == LOCAL
    await store.delete_thread(turn_copy.id, ALICE)
    with pytest.raises(NotFoundError):
        await store.change_thread(turn_copy.id, retitle, ALICE)
    # Kept failures of a deleted thread are not saved (nor does it come back).
    await turn_failures.keep_failure(assistant, turn_copy, FAILED, ALICE)
    with pytest.raises(NotFoundError):
        await store.load_thread(turn_copy.id, ALICE)


@pytest.mark.postgres
@pytest.mark.asyncio
async def test_another_servers_rename_in_flight_stays_on_postgresql(role_url: str) -> None:
    """Another server renames the thread (its transaction holds the row) while this one
    keeps the failure: this one reads the thread once the rename has committed."""
    async with opened_store(role_url) as store:
        await _rename_in_flight(store, role_url)


async def _rename_in_flight(store: SQLStore, url: str) -> None:
    import asyncpg

    _, turn_copy = await failed_first_turn(store)
    renamed = turn_copy.model_copy(update={"title": "Renamed elsewhere"})
    other = await asyncpg.connect(url)
    watcher = await asyncpg.connect(url)
    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute(
            "UPDATE threads SET title = $1, payload = $2 WHERE id = $3",
            renamed.title,
            dump_thread(renamed),
            turn_copy.id,
        )
        assistant = make_assistant(store, ScriptedModel([]))
        keeping = asyncio.create_task(
            turn_failures.keep_failure(assistant, turn_copy, FAILED, ALICE)
        )
        # Until this server's write waits for the row the other one holds.
        async with asyncio.timeout(HANG_GUARD):
            while not await watcher.fetchval(  # noqa: ASYNC110 (another process's state)
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database() AND usename = current_user"
            ):
                await asyncio.sleep(0.01)
        await transaction.commit()
        await asyncio.wait_for(keeping, HANG_GUARD)
    finally:
        await other.close()
        await watcher.close()
    await assert_kept(store, turn_copy.id, "Renamed elsewhere")
