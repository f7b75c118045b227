"""A request's store-wait notices: one at a time, and never after the turn's error.

- Two writes of one request queued behind the same lock (another process's) show one
  notice, then "Thinking…" once both are done; before, each wait sent its own notice
  and the end of the first sent it again (three notices for one wait).
- A turn whose model fails while another process holds the store's lock keeps its
  failure with the thread after the error went out; that write's wait sent its notice
  after the error, so the page said the store was waited for under the error. Now the
  error is the last thing the stream shows.
- Two waits of one request with different texts (a write waiting for another process's
  lock, the turn waiting for another window's answer) that end in another order than
  they began: the notice left says what is still waited for, and goes only when both
  are over. Before, the end of the lock wait took the turn wait's text away and put the
  lock's back (the store said locked while only the other answer was waited for).

Another process holds the lock (tests/test_store_locked.Locker) until the notice is
seen or the stream ends; nothing is timed (the guard only bounds a hang).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel
from chatkit.types import ErrorEvent, ProgressUpdateEvent, ThreadMetadata, ThreadStreamEvent

from jupyter_chatkit.assistant.lock_waits import THINKING, telling_lock_waits, thinking_if_owed
from jupyter_chatkit.assistant.results import StreamResult
from jupyter_chatkit.protocol import LOCK_WAIT_ICON
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.engine import PoolOptions, lock_wait_message
from jupyter_chatkit.store.turns import TURN_WAIT_MESSAGE

from .chatkit_helpers import ALICE, make_assistant, parse_sse, req, user_input
from .test_store_locked import Locker

# Bounds the test only.
HANG_GUARD = 60.0


def _first_error(shown: list[ThreadStreamEvent]) -> int:
    """The index of the first error shown (past the end while there is none)."""
    return next((n for n, e in enumerate(shown) if isinstance(e, ErrorEvent)), len(shown))


def _notices(shown: list[ThreadStreamEvent]) -> list[ProgressUpdateEvent]:
    return [e for e in shown if isinstance(e, ProgressUpdateEvent) and e.icon == LOCK_WAIT_ICON]


class Shown:
    """What a request shows: its stream's events and the chunks its transport sends
    beside them (store-wait notices), in order; ``changed`` set at each."""

    def __init__(self) -> None:
        self.events: list[ThreadStreamEvent] = []
        self.changed = asyncio.Event()

    def send(self, chunk: bytes) -> None:
        self.events.extend(parse_sse(chunk))
        self.changed.set()

    async def until(self, condition: Any) -> None:
        """Wait (within the guard) until ``condition()``: a notice sent, a stream ended."""
        async with asyncio.timeout(HANG_GUARD):
            while not condition():
                self.changed.clear()
                await self.changed.wait()


@pytest.mark.asyncio
async def test_two_writes_waiting_for_one_lock_show_one_notice(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}", pool=PoolOptions(lock_timeout=HANG_GUARD))
    threads = [ThreadMetadata(id=f"thr_{n}", created_at=datetime.now()) for n in (1, 2)]
    shown = Shown()
    try:
        with telling_lock_waits(shown.send):
            async with Locker(path):
                # Both wait: the second is queued behind the first, which waits for the lock.
                writes = [asyncio.ensure_future(store.save_thread(t, ALICE)) for t in threads]
                await shown.until(lambda: _notices(shown.events))
            await asyncio.wait_for(asyncio.gather(*writes), HANG_GUARD)
            thinking_if_owed()  # the turn's stream goes on
    finally:
        await store.close()
    progress = [e for e in shown.events if isinstance(e, ProgressUpdateEvent)]
    # One notice for the one wait, then "Thinking…".
    assert [e.icon for e in progress] == [LOCK_WAIT_ICON, None]
    assert progress[-1].text == THINKING
    assert {t.id for t in (await _listed(path))} == {"thr_1", "thr_2"}


async def _listed(path: Path) -> list[ThreadMetadata]:
    store = await open_store(f"sqlite:///{path}")
    try:
        return (await store.load_threads(10, None, "asc", ALICE)).data
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_failed_turns_error_stays_last_while_its_failure_waits_for_the_store(
    tmp_path: Path,
) -> None:
    path = tmp_path / "chat.sqlite3"
    # Past the notice's delay (1 s): the failure's write waits that long, then gives up.
    store = await open_store(f"sqlite:///{path}", pool=PoolOptions(lock_timeout=2.5))
    asked, fail = asyncio.Event(), asyncio.Event()

    async def failing(_request: Any) -> AsyncIterator[Any]:
        asked.set()
        await fail.wait()
        raise RuntimeError("the model's connection broke")
        yield  # an async generator

    assistant = make_assistant(store, ScriptedModel([ModelStep(stream_events=failing)]))
    shown = Shown()
    try:
        with telling_lock_waits(shown.send):
            result = await assistant.handle(req("threads.create", input=user_input("hi")), ALICE)
            assert isinstance(result, StreamResult)

            async def read() -> None:
                async for chunk in result.chunks:
                    shown.send(chunk)

            reader = asyncio.ensure_future(read())
            reader.add_done_callback(lambda _: shown.changed.set())
            await asyncio.wait_for(asked.wait(), HANG_GUARD)
            async with Locker(path):
                fail.set()
                await shown.until(
                    lambda: reader.done() or _notices(shown.events[_first_error(shown.events) :])
                )
            await asyncio.wait_for(reader, HANG_GUARD)
    finally:
        await assistant.aclose()
    first = _first_error(shown.events)
    assert first < len(shown.events), shown.events
    # Nothing after the error: no store wait's notice, no "Thinking…".
    assert shown.events[first + 1 :] == [], shown.events[first:]


@pytest.mark.asyncio
async def test_a_wait_ending_first_leaves_the_notice_of_the_one_still_waited_for(
    tmp_path: Path,
) -> None:
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}", pool=PoolOptions(lock_timeout=HANG_GUARD))
    thread = ThreadMetadata(id="thr_1", created_at=datetime.now())
    shown = Shown()
    other_answer_done, holding = asyncio.Event(), asyncio.Event()

    async def other_window() -> None:
        async with store.thread_turn(thread.id):
            holding.set()
            await other_answer_done.wait()

    async def this_turn() -> None:
        async with store.thread_turn(thread.id):
            pass

    try:
        await store.save_thread(thread, ALICE)
        other = asyncio.ensure_future(other_window())
        await asyncio.wait_for(holding.wait(), HANG_GUARD)
        with telling_lock_waits(shown.send):
            async with Locker(path):
                saving = asyncio.ensure_future(
                    store.save_thread(ThreadMetadata(id="thr_2", created_at=datetime.now()), ALICE)
                )
                await shown.until(lambda: _notices(shown.events))
                turn = asyncio.ensure_future(this_turn())
                await shown.until(lambda: len(_notices(shown.events)) == 2)
            # The lock wait is over; the turn still waits for the other window's answer.
            await asyncio.wait_for(saving, HANG_GUARD)
            assert not turn.done()
            still = [e.text for e in shown.events if isinstance(e, ProgressUpdateEvent)]
            other_answer_done.set()
            await asyncio.wait_for(turn, HANG_GUARD)
            thinking_if_owed()  # the turn's stream goes on
        await asyncio.wait_for(other, HANG_GUARD)
    finally:
        await store.close()
    lock_text = lock_wait_message(HANG_GUARD)
    # What is on show once the lock wait ended: the turn's wait, still under way.
    assert still == [lock_text, TURN_WAIT_MESSAGE]
    progress = [e.text for e in shown.events if isinstance(e, ProgressUpdateEvent)]
    assert progress == [lock_text, TURN_WAIT_MESSAGE, THINKING]
