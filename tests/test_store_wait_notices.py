"""A request's store-wait notices: one at a time, and never after the turn's error.

- Two writes of one request queued behind the same lock (another process's) show one
  notice, then "Thinking…" once both are done; before, each wait sent its own notice
  and the end of the first sent it again (three notices for one wait).
- A turn whose model fails while another process holds the store's lock keeps its
  failure with the thread after the error went out; that write's wait sent its notice
  after the error, so the page said the store was waited for under the error. Now the
  error is the last thing the stream shows.

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
from jupyter_chatkit.store.engine import PoolOptions

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
