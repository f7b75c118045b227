"""Merging chat-completions text deltas that reach the server together (coalesce.py)."""

from __future__ import annotations

import asyncio
import gc
import json
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openai import AsyncOpenAI
from openai._streaming import ServerSentEvent

from jupyter_chatkit.assistant.chat_completions import EndCheckedStream, closed_at_end
from jupyter_chatkit.assistant.coalesce import ReadyBatches, merge_text_deltas

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall

BASE = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}


def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> ServerSentEvent:
    choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
    return ServerSentEvent(data=json.dumps({**BASE, **extra, "choices": [choice]}))


def texts(events: list[Any]) -> list[str | None]:
    out: list[str | None] = []
    for event in events:
        if event.data.startswith("[DONE]"):
            out.append("[DONE]")
            continue
        choice = event.json()["choices"][0]
        out.append(choice["delta"].get("content"))
    return out


def test_a_run_of_text_deltas_becomes_one_chunk() -> None:
    events = [chunk({"content": w}) for w in ("Hello", " there", ",", " world")]
    merged = list(merge_text_deltas(events))
    assert texts(merged) == ["Hello there, world"]
    # The merged chunk is the first one with the run's text: same id, model, choice.
    data = merged[0].json()
    assert {k: data[k] for k in BASE} == BASE
    assert data["choices"][0]["finish_reason"] is None
    assert json.loads(merged[0].data) == data


def test_only_chunks_that_differ_in_their_text_merge() -> None:
    events = [
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "a"}),
        chunk({"content": "b"}),
        chunk({"content": "c"}, id="chatcmpl-2"),
        chunk({"tool_calls": [{"index": 0, "id": "call_1", "function": {"name": "f"}}]}),
        chunk({"content": "d"}),
        chunk({"content": "e"}, usage={"total_tokens": 3}),
        chunk({"content": "f"}),
        chunk({}, finish="stop"),
        ServerSentEvent(data="[DONE]"),
    ]
    assert texts(list(merge_text_deltas(events))) == [
        "",  # the role chunk has another shape
        "ab",
        "c",  # another completion id
        None,  # tool calls pass unchanged
        "d",
        "e",  # usage stays on its own chunk
        "f",
        None,  # finish_reason
        "[DONE]",
    ]


def test_deltas_carrying_reasoning_are_never_merged() -> None:
    # Providers stream reasoning beside an empty (or any) content; the agents SDK reads
    # it chunk by chunk, so equal consecutive reasoning tokens must all arrive.
    tokens = ["1", "0", "0", " rows"]
    for key in ("reasoning_content", "reasoning"):
        events = [chunk({"role": "assistant", "content": "", key: t}) for t in tokens]
        merged = list(merge_text_deltas(events))
        assert [e.json()["choices"][0]["delta"][key] for e in merged] == tokens
    # A refusal beside text is not text only either.
    events = [chunk({"content": "a", "refusal": "no"}), chunk({"content": "b", "refusal": "no"})]
    assert texts(list(merge_text_deltas(events))) == ["a", "b"]
    # Other fields present but null still merge, as do equal roles.
    events = [
        chunk({"role": "assistant", "content": w, "reasoning_content": None, "refusal": None})
        for w in ("x", "y")
    ]
    assert texts(list(merge_text_deltas(events))) == ["xy"]


def test_a_single_event_passes_as_it_is() -> None:
    event = chunk({"content": "x"})
    assert list(merge_text_deltas([event])) == [event]


async def from_list(items: list[bytes]) -> AsyncIterator[bytes]:
    for item in items:
        yield item


async def gated(first: list[bytes], gate: asyncio.Event, rest: list[bytes]) -> AsyncIterator[bytes]:
    for item in first:
        yield item
    await gate.wait()
    for item in rest:
        yield item


@pytest.mark.asyncio
async def test_ready_items_are_batched_and_nothing_waits_for_more() -> None:
    reader = ReadyBatches(from_list([b"a", b"b", b"c"]))
    assert await reader.batch() == [b"a", b"b", b"c"]
    assert await reader.batch() is None

    gate = asyncio.Event()
    reader = ReadyBatches(gated([b"1", b"2"], gate, [b"3"]))
    # What is ready goes out at once, though more is coming later.
    assert await reader.batch() == [b"1", b"2"]
    gate.set()
    assert await reader.batch() == [b"3"]
    assert await reader.batch() is None


@pytest.mark.asyncio
async def test_what_arrives_while_a_batch_is_handled_comes_in_the_next() -> None:
    # The response is read on while the consumer handles a batch (openai, agents,
    # ChatKit and the SSE write): what arrived meanwhile, over several network reads,
    # is one batch (a read at a time took only the first of them).
    gate = asyncio.Event()

    async def source() -> AsyncIterator[bytes]:
        yield b"1"
        await gate.wait()
        yield b"2"
        await asyncio.sleep(0.01)  # the next network read
        yield b"3"
        await asyncio.sleep(60)  # the model is thinking
        yield b"4"

    reader = ReadyBatches(source())
    try:
        assert await reader.batch() == [b"1"]
        gate.set()
        await asyncio.sleep(0.2)  # the consumer is busy with the first batch
        assert await reader.batch() == [b"2", b"3"]
    finally:
        await reader.aclose()


@pytest.mark.asyncio
async def test_a_closed_reader_stops_its_pending_read() -> None:
    gate = asyncio.Event()
    stopped: list[bool] = []

    async def source() -> AsyncIterator[bytes]:
        try:
            yield b"1"
            await gate.wait()
            yield b"2"
        except asyncio.CancelledError:
            stopped.append(True)
            raise

    reader = ReadyBatches(source())
    assert await reader.batch() == [b"1"]
    # A read is under way (waiting at the gate); closing cancels it there.
    await reader.aclose()
    assert stopped == [True]


async def _reports_after_a_failed_read(*, close: bool) -> list[object]:
    """What the loop reports once a reader's read-ahead failed after its first batch and
    the reader was closed (``close``) or only dropped, then collected."""
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    gate = asyncio.Event()
    raised: list[bool] = []

    async def source() -> AsyncIterator[bytes]:
        yield b"1"
        await gate.wait()
        raised.append(True)
        raise ConnectionError("the connection dropped mid-stream")

    try:
        reader = ReadyBatches(source())
        assert await reader.batch() == [b"1"]
        # The read under way fails while the batch is handled, and the stream stops
        # (Stop, another error) without asking for the next batch.
        gate.set()
        for _ in range(10):
            await asyncio.sleep(0)
        assert raised == [True]
        if close:
            await reader.aclose()
        del reader
        gc.collect()
    finally:
        loop.set_exception_handler(previous)
    return [context.get("message") for context in reported]


@pytest.mark.asyncio
async def test_a_closed_reader_takes_the_error_of_a_finished_read() -> None:
    assert await _reports_after_a_failed_read(close=True) == []


@pytest.mark.asyncio
async def test_a_long_answer_arrives_whole_through_openai(fake_llm: FakeLLM) -> None:
    words = " ".join(f"w{i}" for i in range(500))
    fake_llm.script(Reply(words), Reply(tool_calls=[ToolCall("get_active_cell", {})]))
    client = AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-x", max_retries=0)
    try:
        for _ in range(2):  # the second request reuses the connection the first kept
            stream = EndCheckedStream(
                await client.chat.completions.create(
                    model="m", messages=[{"role": "user", "content": "hi"}], stream=True
                )
            )
            text, finish = "", None
            calls: list[Any] = []
            async for part in stream:
                choice = part.choices[0]
                text += choice.delta.content or ""
                calls += choice.delta.tool_calls or []
                finish = choice.finish_reason or finish
            assert stream.finished and stream.done_event
            if not calls:
                assert text == words and finish == "stop"
            else:
                assert calls[0].function.name == "get_active_cell" and finish == "tool_calls"
        assert all(call.finished and not call.disconnected for call in fake_llm.calls)
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_a_reader_dropped_after_its_read_failed_reports_nothing() -> None:
    """The stream's consumer failed above the reader (openai's JSON parse of a malformed
    chunk) and dropped it, unclosed, while its read-ahead failed (the connection cut):
    asyncio logged "Task exception was never retrieved" when the read was collected."""
    assert await _reports_after_a_failed_read(close=False) == []


@pytest.mark.asyncio
async def test_a_stream_read_to_done_leaves_no_generator_to_the_loop(fake_llm: FakeLLM) -> None:
    """openai breaks out of its loop at [DONE]: the generators under it (its own event
    reader, the [DONE] watcher and the coalescing reader) were left suspended, and
    asyncio's finalizer closed each later with a loop wake-up and a task of its own."""
    fake_llm.script(Reply("one two three"), Reply("four five"))
    left: list[str] = []
    firstiter, finalizer = sys.get_asyncgen_hooks()

    def record(agen: Any) -> None:
        left.append(agen.ag_code.co_qualname)
        finalizer(agen)  # type: ignore[misc]

    client = AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-x", max_retries=0)
    sys.set_asyncgen_hooks(firstiter, record)
    try:
        for _ in range(2):  # the second request reuses the connection the first kept
            stream = EndCheckedStream(
                await client.chat.completions.create(
                    model="m", messages=[{"role": "user", "content": "hi"}], stream=True
                )
            )
            text = ""
            async for part in stream:
                text += part.choices[0].delta.content or ""
            assert text in ("one two three", "four five")
            assert stream.finished and stream.done_event
            del stream
            gc.collect()
            await asyncio.sleep(0)
    finally:
        sys.set_asyncgen_hooks(firstiter, finalizer)
        await client.close()
    assert left == []
    assert all(call.finished and not call.disconnected for call in fake_llm.calls)
    assert len(fake_llm.calls) == 2


async def _tasks_of_a_run(fake_llm: FakeLLM) -> list[str]:
    """The coroutines given tasks while a chat-completions model answers one run."""
    from agents import Agent, RunConfig, Runner

    from jupyter_chatkit.assistant.models import build_model, close_model
    from jupyter_chatkit.settings import Settings

    fake_llm.script(Reply("one two three"))
    settings = Settings(
        model="m", api="chat_completions", base_url=fake_llm.base_url, api_key="sk-x"
    )
    model = build_model(settings)
    loop = asyncio.get_running_loop()
    spawned: list[str] = []

    def record(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        spawned.append(getattr(coro, "__qualname__", type(coro).__name__))
        return asyncio.Task(coro, loop=loop, **kwargs)

    previous = loop.get_task_factory()
    loop.set_task_factory(record)
    try:
        result = Runner.run_streamed(
            Agent(name="a", instructions="Be brief."),
            "hi",
            run_config=RunConfig(model=model, tracing_disabled=True),
        )
        async for _ in result.stream_events():
            pass
        assert result.final_output == "one two three"
    finally:
        loop.set_task_factory(previous)
        await close_model(model)
    assert all(call.finished and not call.disconnected for call in fake_llm.calls)
    return spawned


@pytest.mark.asyncio
async def test_a_stream_read_to_its_end_is_not_closed_again_in_a_task(fake_llm: FakeLLM) -> None:
    """openai-agents closes the stream after its last event in a task of its own; the
    response was closed at its end already, and closing it again does nothing."""
    spawned = await _tasks_of_a_run(fake_llm)
    assert not [name for name in spawned if "aclose" in name]


@pytest.mark.asyncio
async def test_another_agents_version_closes_the_stream_as_the_sdk_does(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agents

    monkeypatch.setattr(agents, "__version__", "0.0.0")
    spawned = await _tasks_of_a_run(fake_llm)
    assert [name for name in spawned if "aclose" in name]


@pytest.mark.asyncio
async def test_only_a_stream_whose_response_is_closed_counts_as_closed(fake_llm: FakeLLM) -> None:
    fake_llm.script(Reply("one two"))
    client = AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-x", max_retries=0)
    try:
        stream = EndCheckedStream(
            await client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hi"}], stream=True
            )
        )
        assert not closed_at_end(stream)
        async for _ in stream:
            pass
        assert closed_at_end(stream)
        assert not closed_at_end(stream._stream)  # not one of ours
    finally:
        await client.close()
