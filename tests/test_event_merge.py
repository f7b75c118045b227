"""The merge of a run's events with its agent context's events (assistant/event_merge.py).

The sources here are what ChatKit merges: an ``asyncio.Queue`` read through ChatKit's own
``_AsyncQueueIterator`` (the agent context's events), and an async generator reading a
queue (as the agents SDK's ``stream_events`` does).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from chatkit import agents as chatkit_agents
from chatkit.agents import _AsyncQueueIterator, _EventWrapper

from jupyter_chatkit.assistant import event_merge
from jupyter_chatkit.assistant.event_merge import install, merge_events

_END = object()


async def run_source(queue: asyncio.Queue[Any], reads: list[str]) -> AsyncIterator[Any]:
    """The run's events: what is put in ``queue`` until ``_END``; an exception put there
    is raised. ``reads`` records each read and how it ended."""
    try:
        while True:
            reads.append("read")
            item = await queue.get()
            if item is _END:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    except asyncio.CancelledError:
        reads.append("cancelled")
        raise


def unwrap(event: Any) -> Any:
    return event.event if isinstance(event, _EventWrapper) else event


def test_install_replaces_chatkits_merge() -> None:
    assert install()
    assert chatkit_agents._merge_generators is merge_events


def test_another_chatkit_keeps_its_own_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    async def chatkits_merge(a: Any, b: Any) -> Any:  # pragma: no cover - never run
        yield None

    monkeypatch.setattr(chatkit_agents, "_merge_generators", chatkits_merge)
    monkeypatch.setattr(event_merge, "EVENT_MERGE_CHATKIT_VERSIONS", frozenset({"0.0.1"}))
    assert not install()
    assert chatkit_agents._merge_generators is chatkits_merge


@pytest.mark.asyncio
async def test_events_ready_together_come_out_without_a_loop_turn_between() -> None:
    # The model's item, content part and text of one read: a transport flushing at the
    # next loop turn sends them in one write (ChatKit's merge took a turn per event).
    run: asyncio.Queue[Any] = asyncio.Queue()
    for item in ("item.added", "part.added", "delta", _END):
        run.put_nowait(item)
    merged = merge_events(run_source(run, []), _AsyncQueueIterator(asyncio.Queue()))
    loop = asyncio.get_running_loop()
    turns: list[str] = []
    async for event in merged:
        turns.append(event)
        loop.call_soon(turns.append, "loop turn")
    assert turns[:3] == ["item.added", "part.added", "delta"]


@pytest.mark.asyncio
async def test_events_of_both_sources_come_in_the_order_they_were_put() -> None:
    run: asyncio.Queue[Any] = asyncio.Queue()
    context: asyncio.Queue[Any] = asyncio.Queue()
    merged = merge_events(run_source(run, []), _AsyncQueueIterator(context))
    got: list[Any] = []

    async def consume() -> None:
        async for event in merged:
            got.append(unwrap(event))

    task = asyncio.ensure_future(consume())
    for source, item in [(run, "r1"), (context, "c1"), (run, "r2"), (context, "c2")]:
        source.put_nowait(item)
        await asyncio.sleep(0.01)
    run.put_nowait("r3")
    context.put_nowait("c3")
    await asyncio.sleep(0.01)
    run.put_nowait(_END)
    await asyncio.wait_for(task, 5)
    assert got == ["r1", "c1", "r2", "c2", "r3", "c3"]


@pytest.mark.asyncio
async def test_the_end_of_the_run_ends_the_merge_and_what_comes_later_stays_queued() -> None:
    run: asyncio.Queue[Any] = asyncio.Queue()
    context: asyncio.Queue[Any] = asyncio.Queue()
    got: list[Any] = []
    run.put_nowait("r1")
    context.put_nowait("c1")
    run.put_nowait(_END)
    async for event in merge_events(run_source(run, []), _AsyncQueueIterator(context)):
        got.append(unwrap(event))
    assert got == ["r1", "c1"]
    # ChatKit drains the context's queue itself after the merge: nothing was lost.
    context.put_nowait("c2")
    await asyncio.sleep(0.01)
    assert context.get_nowait() == "c2"
    assert {task for task in asyncio.all_tasks() if not task.done()} == {asyncio.current_task()}


@pytest.mark.asyncio
async def test_a_failing_run_raises_after_its_events_and_stops_the_other_read() -> None:
    run: asyncio.Queue[Any] = asyncio.Queue()
    context: asyncio.Queue[Any] = asyncio.Queue()
    got: list[Any] = []
    run.put_nowait("r1")
    run.put_nowait(RuntimeError("the model failed"))
    with pytest.raises(RuntimeError, match="the model failed"):
        async for event in merge_events(run_source(run, []), _AsyncQueueIterator(context)):
            got.append(unwrap(event))
    assert got == ["r1"]
    await asyncio.sleep(0)
    # ChatKit's merge left the context queue's read pending ("Task was destroyed but it
    # is pending" at the loop's end).
    assert {task for task in asyncio.all_tasks() if not task.done()} == {asyncio.current_task()}


@pytest.mark.asyncio
async def test_a_consumer_going_away_cancels_both_reads() -> None:
    # The client disconnects mid-stream: the handler cancels the task reading the
    # stream, and the run's read sees the cancellation (the SDK then stops the run).
    run: asyncio.Queue[Any] = asyncio.Queue()
    context: asyncio.Queue[Any] = asyncio.Queue()
    reads: list[str] = []
    merged = merge_events(run_source(run, reads), _AsyncQueueIterator(context))
    got: list[Any] = []

    async def consume() -> None:
        async for event in merged:
            got.append(event)

    task = asyncio.ensure_future(consume())
    run.put_nowait("r1")
    for _ in range(100):
        if got:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0)
    assert got == ["r1"]
    assert reads[-1] == "cancelled"
    assert {t for t in asyncio.all_tasks() if not t.done()} == {asyncio.current_task()}


@pytest.mark.asyncio
async def test_a_closed_merge_cancels_both_reads() -> None:
    run: asyncio.Queue[Any] = asyncio.Queue()
    reads: list[str] = []
    merged = merge_events(run_source(run, reads), _AsyncQueueIterator(asyncio.Queue()))
    run.put_nowait("r1")
    assert await merged.__anext__() == "r1"
    await merged.aclose()  # type: ignore[attr-defined]
    await asyncio.sleep(0)
    assert reads[-1] == "cancelled"
    assert {t for t in asyncio.all_tasks() if not t.done()} == {asyncio.current_task()}
