"""A turn that waits says so, and Stop ends the wait at once.

- A turn waiting for the one before it in its thread, held by another process on the
  same store (two servers on one PostgreSQL, a kernel and a server on one SQLite file):
  its stream carries the waiting ``progress_update`` (a store wait's icon), then one back
  to "Thinking…", then the answer. Before, it was silent for as long as the other
  answer took (up to ten minutes).
- A turn waiting for that lease whose store then waits for another process's lock too
  shows the lease wait again once the lock comes, not "Thinking…" (its turn has not
  started); "Thinking…" comes only when it has.
- A turn's write waiting for a PostgreSQL lock another session holds says so too, as
  SQLite's waits did (test_store_lock_waits_told.py).
- Stop while a turn's write waits for another process's lock (SQLite's busy wait, a
  PostgreSQL row or table lock) ends the turn at once, nothing of it written; before,
  the Stop took effect only when the lock came or ``store_lock_timeout`` was spent.
  The thread then takes its next turn as usual.
- A new conversation's first message waiting for another process's lock names its
  thread (``thread.created``) once the wait is told, so its Stop can name the turn; the
  Stop ends it at once, and the message is saved once the lock comes. Before, the
  thread was named only after the wait: nothing could be stopped.
- Stop while the answer's own save waits for another process's lock ends the turn
  too; the answer the person saw is saved (marked stopped) once the lock comes, and the
  thread's next message, which waits for that, reads it. Before, the Stop waited for
  the lock.

Another process holds the lock until the waiting line is seen; nothing is timed (the
guard below only bounds a test that would otherwise hang).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import (
    AssistantMessageItem,
    ProgressUpdateEvent,
    SDKHiddenContextItem,
    ThreadStreamEvent,
    UserMessageItem,
)

from jupyter_chatkit.assistant.lock_waits import telling_lock_waits
from jupyter_chatkit.assistant.partial import STOPPED_NOTE
from jupyter_chatkit.assistant.results import StreamResult
from jupyter_chatkit.protocol import LOCK_WAIT_ICON, Turn
from jupyter_chatkit.store import SQLStore, open_store
from jupyter_chatkit.store.engine import PoolOptions

from .chatkit_helpers import (
    ALICE,
    json_call,
    make_assistant,
    parse_sse,
    read_turn,
    req,
    stream,
    user_input,
)
from .test_running_turns_review import _pausing_model
from .test_store_locked import Locker

# Bounds the test only: before the fixes it waited for the lock for ever.
HANG_GUARD = 60.0
# Long, so that a wait that ends only when its lock_timeout is spent is seen as a hang.
LONG_LOCK_TIMEOUT = 600.0


def _answers(*texts: str) -> ScriptedModel:
    return ScriptedModel(
        [ModelStep(output=[assistant_message(t, item_id=f"m{n}")]) for n, t in enumerate(texts)]
    )


class Told:
    """What a transport sends beside a turn's stream (its store waits), and an event set
    when a store wait is told."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.waiting = asyncio.Event()

    def send(self, chunk: bytes) -> None:
        self.chunks.append(chunk)
        if any(e.icon == LOCK_WAIT_ICON for e in self.progress()):
            self.waiting.set()

    def progress(self) -> list[ProgressUpdateEvent]:
        events = parse_sse(b"".join(self.chunks))
        return [e for e in events if isinstance(e, ProgressUpdateEvent)]

    async def notices(self, count: int) -> None:
        """Wait until ``count`` store-wait notices were sent."""
        while sum(e.icon == LOCK_WAIT_ICON for e in self.progress()) < count:
            self.waiting.clear()
            await asyncio.wait_for(self.waiting.wait(), HANG_GUARD)


async def _first_turn(store: SQLStore, model: ScriptedModel) -> tuple[Any, str]:
    assistant = make_assistant(store, model)
    events = await stream(assistant, req("threads.create", input=user_input("first")))
    return assistant, events[0].thread.id  # type: ignore[union-attr]


def _next_message(thread_id: str, text: str) -> bytes:
    return req("threads.add_user_message", thread_id=thread_id, input=user_input(text))


async def _stop_and_check(assistant: Any, turn: asyncio.Future[Any], thread_id: str) -> None:
    """Stop the waiting turn: it ends while the lock is still held."""
    status, body = await json_call(assistant, req(Turn.STOP, thread_id=thread_id))
    assert status == 200 and body == {"stopped": True}
    await asyncio.wait({turn}, timeout=HANG_GUARD)
    assert turn.done(), "Stop waited for the lock"
    assert turn.cancelled()


async def _thread_goes_on(store: SQLStore, assistant: Any, thread_id: str) -> None:
    """Nothing of the stopped turn was kept, and the thread takes its next turn."""
    events = await asyncio.wait_for(stream(assistant, _next_message(thread_id, "third")), 60)
    assert [e.item.content[0].text for e in events if e.type == "thread.item.done"][-1] == "Third."  # type: ignore[union-attr]
    items = (await store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
    said = [i.content[0].text for i in items if isinstance(i, UserMessageItem)]  # type: ignore[union-attr]
    answered = [i.content[0].text for i in items if isinstance(i, AssistantMessageItem)]
    assert said == ["first", "third"] and answered == ["First.", "Third."]


@pytest.mark.asyncio
async def test_a_turn_waiting_for_another_processs_turn_says_so_then_answers(
    store: SQLStore, store_elsewhere: SQLStore
) -> None:
    assistant, thread_id = await _first_turn(store, _answers("First.", "Second."))
    told = Told()
    async with contextlib.AsyncExitStack() as held:
        # The other process's turn in this thread (its answer being written).
        await held.enter_async_context(store_elsewhere.thread_turn(thread_id))
        with telling_lock_waits(told.send):
            turn = asyncio.ensure_future(stream(assistant, _next_message(thread_id, "second")))
            await asyncio.wait_for(told.waiting.wait(), HANG_GUARD)
            assert not turn.done()
            await held.aclose()  # that answer is done
            events = await asyncio.wait_for(turn, HANG_GUARD)
    # Told it waits, then back to what the chat says before an answer.
    assert [e.icon for e in told.progress()] == [LOCK_WAIT_ICON, None]
    answered = [e.item for e in events if e.type == "thread.item.done"]
    assert isinstance(answered[-1], AssistantMessageItem)
    assert answered[-1].content[0].text == "Second."


@pytest.mark.asyncio
async def test_a_turn_waiting_for_a_lease_then_a_lock_shows_no_thinking_until_it_starts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "chat.sqlite3"
    url = f"sqlite:///{path}"
    store = await open_store(url, pool=PoolOptions(lock_timeout=LONG_LOCK_TIMEOUT))
    elsewhere = await open_store(url)
    try:
        assistant, thread_id = await _first_turn(store, _answers("First.", "Second."))
        told = Told()
        async with contextlib.AsyncExitStack() as held:
            await held.enter_async_context(elsewhere.thread_turn(thread_id))
            with telling_lock_waits(told.send):
                turn = asyncio.ensure_future(stream(assistant, _next_message(thread_id, "second")))
                await asyncio.wait_for(told.waiting.wait(), HANG_GUARD)
                told.waiting.clear()
                async with Locker(path):
                    # Its next look at the lease waits for the lock, and says so.
                    await asyncio.wait_for(told.waiting.wait(), HANG_GUARD)
                    assert len(told.progress()) == 2
                # The other answer is done (its release came after the lock).
                await held.aclose()
                events = await asyncio.wait_for(turn, HANG_GUARD)
        shown = told.progress()
        # Store waits until the turn started, then what the chat says before an answer.
        assert [e.icon for e in shown[:-1]] == [LOCK_WAIT_ICON] * (len(shown) - 1)
        assert shown[-1].icon is None and len(shown) >= 3
        answered = [e.item for e in events if e.type == "thread.item.done"]
        assert answered[-1].content[0].text == "Second."  # type: ignore[union-attr]
    finally:
        await elsewhere.close()
        await store.close()


@pytest.mark.asyncio
async def test_a_turn_waiting_for_another_windows_turn_says_so_then_answers(
    sqlite_store: SQLStore,
) -> None:
    # Two windows on one server: the second message waits for the first's answer.
    _, thread_id = await _first_turn(sqlite_store, _answers("First."))
    resume = asyncio.Event()
    paused, answering = await _pausing_model("A long second answer", resume)
    window = make_assistant(sqlite_store, paused)
    second = asyncio.ensure_future(stream(window, _next_message(thread_id, "second")))
    await asyncio.wait_for(answering.wait(), HANG_GUARD)
    other_window = make_assistant(sqlite_store, _answers("Third."))
    told = Told()
    with telling_lock_waits(told.send):
        third = asyncio.ensure_future(stream(other_window, _next_message(thread_id, "third")))
        await asyncio.wait_for(told.waiting.wait(), HANG_GUARD)
        assert not third.done()
        resume.set()
        await asyncio.wait_for(second, HANG_GUARD)
        events = await asyncio.wait_for(third, HANG_GUARD)
    assert [e.icon for e in told.progress()] == [LOCK_WAIT_ICON, None]
    answered = [e.item for e in events if e.type == "thread.item.done"]
    assert isinstance(answered[-1], AssistantMessageItem)
    assert answered[-1].content[0].text == "Third."


@pytest.mark.asyncio
async def test_stop_during_a_sqlite_lock_wait_ends_the_turn_at_once(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}", pool=PoolOptions(lock_timeout=LONG_LOCK_TIMEOUT))
    try:
        assistant, thread_id = await _first_turn(store, _answers("First.", "Third."))
        told = Told()
        async with Locker(path):
            with telling_lock_waits(told.send):
                turn = asyncio.ensure_future(stream(assistant, _next_message(thread_id, "second")))
                await asyncio.wait_for(told.waiting.wait(), HANG_GUARD)
                await _stop_and_check(assistant, turn, thread_id)
        await _thread_goes_on(store, assistant, thread_id)
    finally:
        await store.close()


async def _stop_while_the_answer_waits(
    store: SQLStore, locked: Callable[[], contextlib.AbstractAsyncContextManager[Any]]
) -> None:
    """Stop while the answer's save waits for ``locked()`` (another process's lock): the
    turn ends at once; the next message waits for the answer's save, then reads it."""
    # (Ids other than the paused answer's, "m1".)
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(t, item_id=t)]) for t in ("First.", "Third.")]
    )
    first, thread_id = await _first_turn(store, model)
    resume = asyncio.Event()
    said = "A long second answer"
    paused, answering = await _pausing_model(said, resume)
    assistant = make_assistant(store, paused)
    told = Told()
    with telling_lock_waits(told.send):
        turn = asyncio.ensure_future(stream(assistant, _next_message(thread_id, "second")))
        await asyncio.wait_for(answering.wait(), HANG_GUARD)
        async with locked():
            # The whole answer streams, then its save waits for the lock.
            resume.set()
            await asyncio.wait_for(told.waiting.wait(), HANG_GUARD)
            await _stop_and_check(assistant, turn, thread_id)
    events = await asyncio.wait_for(stream(first, _next_message(thread_id, "third")), HANG_GUARD)
    done = [e.item for e in events if e.type == "thread.item.done"]
    assert done[-1].content[0].text == "Third."  # type: ignore[union-attr]
    items = (await store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
    said_then = [i.content[0].text for i in items if isinstance(i, UserMessageItem)]  # type: ignore[union-attr]
    answered = [i.content[0].text for i in items if isinstance(i, AssistantMessageItem)]
    assert said_then == ["first", "second", "third"]
    assert answered[0] == "First." and answered[2] == "Third."
    assert answered[1].startswith(said) and answered[1].endswith(STOPPED_NOTE)


@pytest.mark.asyncio
async def test_stop_while_the_answer_waits_to_be_saved_ends_the_turn_and_keeps_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}", pool=PoolOptions(lock_timeout=LONG_LOCK_TIMEOUT))
    try:
        await _stop_while_the_answer_waits(store, lambda: Locker(path))
    finally:
        await store.close()


@pytest.mark.postgres
@pytest.mark.asyncio
async def test_stop_while_the_answer_waits_for_a_postgresql_lock_keeps_it(role_url: str) -> None:
    import asyncpg

    store = await open_store(role_url, pool=PoolOptions(lock_timeout=LONG_LOCK_TIMEOUT))
    other = await asyncpg.connect(role_url)

    @contextlib.asynccontextmanager
    async def items_locked() -> AsyncIterator[None]:
        # Another session (psql, another server's long transaction) blocks item writes.
        locked = other.transaction()
        await locked.start()
        await other.execute("LOCK TABLE items IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            await locked.rollback()

    try:
        await _stop_while_the_answer_waits(store, items_locked)
    finally:
        await other.close()
        await store.close()


@pytest.mark.asyncio
async def test_a_new_conversation_waiting_for_the_store_can_be_stopped(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}", pool=PoolOptions(lock_timeout=LONG_LOCK_TIMEOUT))
    try:
        assistant = make_assistant(store, _answers("Never."))
        told = Told()
        seen: list[ThreadStreamEvent] = []
        async with Locker(path):
            with telling_lock_waits(told.send):
                result = await assistant.handle(
                    req("threads.create", input=user_input("first")), ALICE
                )
                assert isinstance(result, StreamResult)
                turn, created = read_turn(result.chunks, seen)
                await asyncio.wait_for(told.waiting.wait(), HANG_GUARD)
                # What the client's Stop needs: the new thread's id.
                await asyncio.wait(
                    {created, turn}, timeout=HANG_GUARD, return_when=asyncio.FIRST_COMPLETED
                )
                assert created.done(), "the thread was named only after the wait"
                thread_id = created.result()
                # And the message it sent, which it goes on showing once stopped.
                await told.notices(1)
                assert [type(e.item) for e in seen if e.type == "thread.item.done"] == [
                    UserMessageItem
                ]
                await _stop_and_check(assistant, turn, thread_id)
        # Saved once the lock came (the store's close waits for that write), then the
        # note that it was stopped (its model was asked while the save waited).
        await store.close()
        items = (await store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
        assert [type(i) for i in items] == [UserMessageItem, SDKHiddenContextItem]
        assert (await store.load_thread(thread_id, ALICE)).id == thread_id
    finally:
        await store.close()


@pytest.mark.postgres
@pytest.mark.asyncio
async def test_a_postgresql_lock_wait_is_told_and_stop_ends_it_at_once(role_url: str) -> None:
    import asyncpg

    pool = PoolOptions(lock_timeout=LONG_LOCK_TIMEOUT)
    store = await open_store(role_url, pool=pool)
    other = await asyncpg.connect(role_url)
    try:
        assistant, thread_id = await _first_turn(store, _answers("First.", "Third."))
        told = Told()
        locked = other.transaction()
        await locked.start()
        # Another session (psql, another server's long transaction) blocks the writes
        # that take a thread's turn.
        await other.execute("LOCK TABLE thread_turns IN EXCLUSIVE MODE")
        with telling_lock_waits(told.send):
            turn = asyncio.ensure_future(stream(assistant, _next_message(thread_id, "second")))
            await asyncio.wait_for(told.waiting.wait(), HANG_GUARD)
            await _stop_and_check(assistant, turn, thread_id)
        await locked.rollback()
        await _thread_goes_on(store, assistant, thread_id)
    finally:
        await other.close()
        await store.close()


@pytest.mark.asyncio
async def test_a_store_closed_as_its_waiting_turn_stops_leaves_nothing_running(
    tmp_path: Path,
) -> None:
    # A server shutting down stops its turns, then closes its store at once. The turn
    # waits for another process's turn; its lease's release (a no-op here, but a lease
    # taken just as it was stopped is released the same way) waits for another
    # process's write lock. Before, close returned with that release still under way,
    # run on a writer thread started after the close (or destroyed with the loop), and
    # the lease it held stayed until it lapsed.
    path = tmp_path / "chat.sqlite3"
    url = f"sqlite:///{path}"
    store = await open_store(url, pool=PoolOptions(lock_timeout=0.5))
    elsewhere = await open_store(url)
    told = Told()
    try:
        async with contextlib.AsyncExitStack() as held:
            await held.enter_async_context(elsewhere.thread_turn("thr_busy"))

            async def turn_then_close() -> None:
                try:
                    async with store.thread_turn("thr_busy"):
                        pytest.fail("the other process's turn was not waited for")
                finally:
                    await store.close()

            with telling_lock_waits(told.send):
                turn = asyncio.ensure_future(turn_then_close())
                await asyncio.wait_for(told.waiting.wait(), HANG_GUARD)
            async with Locker(path):
                turn.cancel()
                await asyncio.wait({turn}, timeout=HANG_GUARD)
                assert turn.cancelled()
                running = asyncio.all_tasks() - {asyncio.current_task()}
                assert not running, "the store's close left its work running"
    finally:
        await elsewhere.close()
        await store.close()


@pytest.mark.postgres
@pytest.mark.asyncio
async def test_a_turn_whose_first_write_waits_after_its_lease_shows_no_thinking_between(
    role_url: str,
) -> None:
    # A retry waits for another server's turn in its thread, then ChatKit's first write
    # of the retry (deleting the answer it replaces) waits for a table lock.
    import asyncpg

    pool = PoolOptions(lock_timeout=LONG_LOCK_TIMEOUT)
    store = await open_store(role_url, pool=pool)
    elsewhere = await open_store(role_url, pool=pool)
    other = await asyncpg.connect(role_url)
    try:
        assistant, thread_id = await _first_turn(store, _answers("First.", "Again."))
        items = (await store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
        retry = req("threads.retry_after_item", thread_id=thread_id, item_id=items[0].id)
        told = Told()
        async with contextlib.AsyncExitStack() as held:
            await held.enter_async_context(elsewhere.thread_turn(thread_id))
            with telling_lock_waits(told.send):
                turn = asyncio.ensure_future(stream(assistant, retry))
                await told.notices(1)
                locked = other.transaction()
                await locked.start()
                await other.execute("LOCK TABLE items IN EXCLUSIVE MODE")
                await held.aclose()  # the other turn is done: this one takes the lease
                await told.notices(2)
                await locked.rollback()
                events = await asyncio.wait_for(turn, HANG_GUARD)
        assert [e.icon for e in told.progress()] == [LOCK_WAIT_ICON, LOCK_WAIT_ICON, None]
        answered = [e.item for e in events if e.type == "thread.item.done"]
        assert answered[-1].content[0].text == "Again."  # type: ignore[union-attr]
    finally:
        await other.close()
        await elsewhere.close()
        await store.close()


async def test_a_new_conversation_named_before_its_save_opens_once_saved(tmp_path: Path) -> None:
    """Its thread.created goes out while the save waits for another process's lock: a
    chat opening it then (a notebook's deferred switch, another window) got "No such
    conversation or item." (walk NU 31). The open waits for the save and gets the thread."""
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}", pool=PoolOptions(lock_timeout=LONG_LOCK_TIMEOUT))
    try:
        assistant = make_assistant(store, _answers("Saved."))
        told = Told()
        async with Locker(path):
            with telling_lock_waits(told.send):
                result = await assistant.handle(
                    req("threads.create", input=user_input("first")), ALICE
                )
                assert isinstance(result, StreamResult)
                turn, created = read_turn(result.chunks)
                await asyncio.wait(
                    {created, turn}, timeout=HANG_GUARD, return_when=asyncio.FIRST_COMPLETED
                )
                thread_id = created.result()
                opening = asyncio.ensure_future(
                    json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
                )
                await asyncio.wait({opening}, timeout=0.5)
        status, body = await asyncio.wait_for(opening, HANG_GUARD)
        assert status == 200, body
        assert body["id"] == thread_id
        await asyncio.wait_for(turn, HANG_GUARD)
    finally:
        await store.close()
