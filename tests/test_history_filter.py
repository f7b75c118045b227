"""A turn's history reaches the model through openai-agents' model-input filter, as the
items kept in memory for the next turns (assistant/history_filter.py): each model call
gets the request's own history, whole and once, and no request changes the kept items.

NotebookAssistant through ``handle()`` with real SQLite; the model is a scripted one or
the fake OpenAI-compatible server behind the real chat-completions and Responses models.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import ThreadItemDoneEvent, UserMessageItem

from jupyter_chatkit.assistant.model_input import ConvertedItems, RedactedItems
from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, make_assistant, req, stream, user_input
from .fixtures.fake_llm import FakeLLM, Reply, ToolCall
from .test_shared_model_input import stored_input

BOB = RequestContext(user_id="bob")


class HandedInput(ScriptedModel):
    """A scripted model that keeps each call's input as it was handed over (the
    ScriptedModel's own record is a deep copy); with ``barrier`` set, calls wait there
    for each other, so runs reach the model at the same time."""

    def __init__(self, steps: list[ModelStep]) -> None:
        super().__init__(steps)
        self.inputs: list[Any] = []
        self.barrier: asyncio.Barrier | None = None

    async def stream_response(
        self, system_instructions: Any, input: Any, *args: Any, **kw: Any
    ) -> AsyncIterator[Any]:
        self.inputs.append(input)
        if self.barrier is not None:
            await self.barrier.wait()
        async for event in super().stream_response(system_instructions, input, *args, **kw):
            yield event


def said(text: str, item_id: str) -> ModelStep:
    return ModelStep(output=[assistant_message(text, item_id=item_id)])


async def new_thread(assistant: NotebookAssistant, text: str, ctx: RequestContext = ALICE) -> str:
    events = await stream(assistant, req("threads.create", input=user_input(text)), ctx)
    return next(e.thread.id for e in events if e.type == "thread.created")


async def follow_up(
    assistant: NotebookAssistant, thread_id: str, text: str, ctx: RequestContext = ALICE
) -> list[Any]:
    body = req("threads.add_user_message", thread_id=thread_id, input=user_input(text))
    return await stream(assistant, body, ctx)


async def fresh_input(store: SQLStore, thread_id: str, assistant: NotebookAssistant) -> list[Any]:
    """The thread's stored items converted without any memory."""
    memory: dict[str, Any] = {"cache": RedactedItems(), "converted": ConvertedItems()}
    return (await stored_input(store, thread_id, assistant.policy, **memory))[0]


@pytest.mark.asyncio
async def test_a_follow_up_hands_the_kept_history_over_uncopied(sqlite_store: SQLStore) -> None:
    model = HandedInput([said("One.", "m1"), said("Two.", "m2")])
    assistant = make_assistant(sqlite_store, model)
    thread_id = await new_thread(assistant, "first question")
    await follow_up(assistant, thread_id, "second question")

    sent = model.inputs[-1]
    fresh = await fresh_input(sqlite_store, thread_id, assistant)
    # What the model got: the thread up to the new message, as converted without memory.
    assert len(sent) == 3 and sent == fresh[:3]
    # The items before it are the ones kept for the next turns, not copies of them.
    kept, _ = await stored_input(sqlite_store, thread_id, assistant.policy)
    assert all(handed is own for handed, own in zip(sent[:2], kept[:2], strict=True))


@pytest.mark.asyncio
async def test_a_step_within_a_run_sends_the_history_once(sqlite_store: SQLStore) -> None:
    code = function_call("propose_code", {"code": "x = 1"}, call_id="c1", item_id="f1")
    model = HandedInput([said("One.", "m1"), ModelStep(output=[code]), said("Here it is.", "m2")])
    assistant = make_assistant(sqlite_store, model)
    thread_id = await new_thread(assistant, "first question")
    await follow_up(assistant, thread_id, "write the code")

    asked, after_step = model.inputs[1], model.inputs[2]
    assert after_step[: len(asked)] == asked
    assert [item.get("type") for item in after_step[len(asked) :]] == [
        "function_call",
        "function_call_output",
    ]
    assert sum("first question" in json.dumps(item) for item in after_step) == 1


@pytest.mark.asyncio
async def test_an_edit_sends_the_thread_as_it_is_now(sqlite_store: SQLStore) -> None:
    model = HandedInput([said("One.", "m1"), said("Two.", "m2"), said("Three.", "m3")] * 2)
    assistant = make_assistant(sqlite_store, model)
    thread_id = await new_thread(assistant, "first question")
    await follow_up(assistant, thread_id, "second question")
    await follow_up(assistant, thread_id, "third question")
    items = (await sqlite_store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data
    second = next(i for i in items if isinstance(i, UserMessageItem) and i.id != items[0].id)
    # The second message edited: it and everything after it go, the new text is answered.
    action = {"type": "message.edit", "payload": {"item_id": second.id, "text": "edited"}}
    events = await stream(
        assistant, req("threads.custom_action", thread_id=thread_id, item_id=None, action=action)
    )
    assert any(isinstance(e, ThreadItemDoneEvent) for e in events)

    sent = json.dumps(model.inputs[-1])
    assert "first question" in sent and "One." in sent and "edited" in sent
    assert "second question" not in sent and "Two." not in sent and "third" not in sent
    fresh = await fresh_input(sqlite_store, thread_id, assistant)
    assert model.inputs[-1] == fresh[: len(model.inputs[-1])]

    # Regenerating the first answer: only the first message is sent.
    first = items[0]
    await stream(assistant, req("threads.retry_after_item", thread_id=thread_id, item_id=first.id))
    assert json.dumps(model.inputs[-1]).count("question") == 1


@pytest.mark.asyncio
async def test_runs_at_the_same_time_each_send_their_own_thread(sqlite_store: SQLStore) -> None:
    model = HandedInput([said(f"Answer {n}.", f"m{n}") for n in range(4)])
    assistant = make_assistant(sqlite_store, model)
    alice = await new_thread(assistant, "alpha question")
    bob = await new_thread(assistant, "bravo question", BOB)
    model.barrier = asyncio.Barrier(2)
    await asyncio.gather(
        follow_up(assistant, alice, "alpha again"), follow_up(assistant, bob, "bravo again", BOB)
    )

    sent = [json.dumps(handed) for handed in model.inputs[2:]]
    assert len(sent) == 2
    alpha = next(s for s in sent if "alpha again" in s)
    bravo = next(s for s in sent if "bravo again" in s)
    assert "alpha question" in alpha and "bravo" not in alpha
    assert "bravo question" in bravo and "alpha" not in bravo


@pytest.mark.asyncio
@pytest.mark.parametrize("api", ["chat_completions", "responses"])
async def test_the_models_requests_change_no_kept_item(
    sqlite_store: SQLStore, fake_llm: FakeLLM, api: str
) -> None:
    fake_llm.script(
        Reply(tool_calls=[ToolCall("get_active_cell", {})]),
        Reply("It sets x."),
        Reply("Use a function."),
        Reply("Done."),
    )
    settings = Settings(
        base_url=fake_llm.base_url,
        api_key="sk-test-history-filter",
        model="fake-model",
        api=api,
        max_retries=0,
        title_threads=False,
    )
    assistant = NotebookAssistant(sqlite_store, settings)
    try:
        thread_id = await new_thread(assistant, "what does my cell do?")
        cell = {"index": 0, "source": "x = 1", "outputs": []}
        await stream(
            assistant, req("threads.add_client_tool_output", thread_id=thread_id, result=cell)
        )
        for text in ("how do I reuse it?", "thanks"):
            await follow_up(assistant, thread_id, text)
    finally:
        await assistant.aclose()

    assert len(fake_llm.requests) == 4
    last = json.dumps(fake_llm.requests[-1])
    assert "what does my cell do?" in last and "It sets x." in last and "Use a function." in last
    kept, items = await stored_input(sqlite_store, thread_id, assistant.policy)
    assert len(items) >= 7 and kept == await fresh_input(sqlite_store, thread_id, assistant)
