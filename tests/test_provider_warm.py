"""A person writing a message gets the provider's connection opened again before Enter.

The provider closed the idle connection (uvicorn under vLLM does after 5 s; the client
drops its own after KEEPALIVE_EXPIRY): the page's ``Turn.WARM`` while the person types
makes the server open a new one in the background, so the turn's model request goes out
on it instead of paying the connection on its path. The provider is the fake one
(tests/fixtures/fake_llm.py), which counts the connections it accepts.
"""

from __future__ import annotations

import httpx2
import pytest
from freezegun import freeze_time

from jupyter_chatkit.assistant.provider_warm import connection_warmer
from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.protocol import Turn
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import json_call, make_assistant, req, stream, user_input
from .fixtures.fake_llm import MODEL, FakeLLM, Reply

# A second model of the fake provider's, which a person may pick in the chat's header.
PICKED = "picked-model"


def provider_assistant(store: SQLStore, llm: FakeLLM) -> NotebookAssistant:
    """An assistant whose model is the product's client of the fake provider."""
    settings = Settings(
        base_url=llm.base_url,
        api_key="sk-test-provider-key",
        api="chat_completions",
        model=MODEL,
        models=[PICKED],
        max_retries=0,
        title_threads=False,
    )
    return NotebookAssistant(store, settings)


def answer_text(events: list) -> str:
    """The assistant message's text in a turn's events."""
    done = [e for e in events if e.type == "thread.item.done"]
    return "".join(
        part.text for e in done if e.item.type == "assistant_message" for part in e.item.content
    )


async def warm_while_writing(assistant: NotebookAssistant, llm: FakeLLM) -> list[httpx2.Request]:
    """The page's ``turn.warm`` after the provider closed its connection: one connection
    opened by one ``HEAD`` with neither the key nor a body. The requests the warmed
    client sends from then on, that one first."""
    warmer = connection_warmer(assistant.provider_model)
    assert warmer is not None
    sent: list[httpx2.Request] = []

    async def seen(request: httpx2.Request) -> None:
        sent.append(request)

    warmer.client.event_hooks["request"].append(seen)
    opened = llm.connections
    assert await json_call(assistant, req(Turn.WARM)) == (200, {"warming": True})
    assert warmer.warming is not None
    await warmer.warming
    assert llm.connections == opened + 1  # opened while the person types
    # Neither the key nor anything of the conversation goes with it.
    assert [r.method for r in sent] == ["HEAD"]
    assert "authorization" not in sent[0].headers
    assert sent[0].content == b""
    return sent


@pytest.mark.asyncio
async def test_writing_opens_the_connection_the_provider_closed_before_the_turn(
    sqlite_store: SQLStore, fake_llm: FakeLLM
) -> None:
    fake_llm.script(Reply("first"), Reply("second"))
    assistant = provider_assistant(sqlite_store, fake_llm)
    try:
        events = await stream(assistant, req("threads.create", input=user_input("hi")))
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        assert fake_llm.connections == 1
        fake_llm.close_connections()  # the provider's idle timeout ran out
        # The person pauses and types (the clock the pool and the warmer read moves on).
        with freeze_time(tick=True, real_asyncio=True):
            await warm_while_writing(assistant, fake_llm)
            assert fake_llm.connections == 2
            # Typing on: it was just opened, so the page's next word asks nothing more.
            assert await json_call(assistant, req(Turn.WARM)) == (200, {"warming": False})

            events = await stream(
                assistant,
                req("threads.add_user_message", thread_id=thread_id, input=user_input("more?")),
            )
        assert answer_text(events) == "second"
        assert fake_llm.connections == 2  # the turn went out on the opened connection
        assert len(fake_llm.requests) == 2  # no model request of the warming's
    finally:
        await assistant.aclose()


@pytest.mark.asyncio
async def test_writing_opens_the_connection_of_a_model_picked_in_the_header(
    sqlite_store: SQLStore, fake_llm: FakeLLM
) -> None:
    fake_llm.script(Reply("first"), Reply("second"))
    assistant = provider_assistant(sqlite_store, fake_llm)
    picked = {**user_input("hi"), "inference_options": {"model": PICKED}}
    try:
        events = await stream(assistant, req("threads.create", input=picked))
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        assert answer_text(events) == "first"
        fake_llm.close_connections()  # the provider's idle timeout ran out
        opened = fake_llm.connections
        with freeze_time(tick=True, real_asyncio=True):
            sent = await warm_while_writing(assistant, fake_llm)

            more = {**user_input("more?"), "inference_options": {"model": PICKED}}
            events = await stream(
                assistant, req("threads.add_user_message", thread_id=thread_id, input=more)
            )
        assert answer_text(events) == "second"
        # The picked model's turn went out on the connection opened while writing.
        assert fake_llm.connections == opened + 1
        assert [r["model"] for r in fake_llm.requests] == [PICKED, PICKED]
        assert [r.method for r in sent] == ["HEAD", "POST"]
    finally:
        await assistant.aclose()


@pytest.mark.asyncio
async def test_warming_without_a_provider_is_answered_and_does_nothing(
    sqlite_store: SQLStore,
) -> None:
    from agents.testing import ScriptedModel

    assistant = make_assistant(sqlite_store, ScriptedModel([]))
    try:
        assert await json_call(assistant, req(Turn.WARM)) == (200, {"warming": False})
    finally:
        await assistant.aclose()
