"""Picking the model per conversation (issue 11, item 6): a real Jupyter server, the fake
OpenAI-compatible server as the provider, and the ``models`` allow-list."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import ErrorEvent
from traitlets.config import Config

from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.kernel.client import ChatClient
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, parse_sse, req, stream, user_input
from .fixtures.fake_llm import FakeLLM, Reply
from .test_handlers import answer_of, body, post, server_config


@pytest.fixture
def jp_server_config(tmp_path: Path, fake_llm: FakeLLM) -> Config:
    return server_config(
        tmp_path,
        base_url=fake_llm.base_url,
        api_key="sk-test-provider-key",
        api="chat_completions",
        model="fake-model",
        models=["other-model", "*"],
        max_retries=0,
        request_timeout=5.0,
        title_threads=False,
    )


def with_model(text: str, model: str | None) -> dict[str, Any]:
    data = user_input(text)
    data["inference_options"] = {"model": model} if model else {}
    return data


async def test_models_lists_the_allow_list_and_the_providers_models(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    fake_llm.model = "listed-model"
    models = json.loads((await jp_fetch("jupyter-chatkit", "models")).body)
    assert models == {
        "default": "fake-model",
        "models": ["fake-model", "other-model", "listed-model"],
        "offline": False,
    }
    config = json.loads((await jp_fetch("jupyter-chatkit", "config")).body)
    assert config["models"] == ["fake-model", "other-model"]
    assert "sk-test" not in json.dumps(models) + json.dumps(config)


async def test_a_picked_model_answers_that_thread(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    fake_llm.script(Reply("From the other model."), Reply("From the default."))
    response = await post(jp_fetch, body("threads.create", input=with_model("hi", "other-model")))
    events = parse_sse(response.body)
    assert answer_of(events) == "From the other model."
    assert fake_llm.requests[0]["model"] == "other-model"
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    # A message without a pick goes to the configured model.
    await post(
        jp_fetch,
        body("threads.add_user_message", thread_id=thread_id, input=with_model("and?", None)),
    )
    assert fake_llm.requests[1]["model"] == "fake-model"


async def test_a_model_off_the_allow_list_is_refused_before_anything_is_saved(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    response = await post(jp_fetch, body("threads.create", input=with_model("hi", "gpt-expensive")))
    events = parse_sse(response.body)
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1, events
    assert "'gpt-expensive' is not available" in (errors[0].message or "")
    assert "fake-model, other-model" in (errors[0].message or "")
    assert not fake_llm.requests  # the model was never called
    threads = json.loads((await post(jp_fetch, body("threads.list", limit=10))).body)
    assert threads["data"] == []


@pytest.mark.asyncio
async def test_a_question_from_the_kernel_keeps_the_threads_picked_model(
    sqlite_store: SQLStore, fake_llm: FakeLLM
) -> None:
    """``%chat QUESTION`` / ``Chat().ask`` on a conversation whose model was picked in the
    widget is answered by that model, and by the default once the browser picks it back."""
    fake_llm.script(*(Reply(f"a{i}") for i in range(5)))
    assistant = NotebookAssistant(
        sqlite_store,
        Settings(
            base_url=fake_llm.base_url,
            api_key="sk-test-provider-key",
            api="chat_completions",
            model="fake-model",
            models=["other-model"],
            max_retries=0,
            title_threads=False,
        ),
    )
    try:
        events = await stream(
            assistant, req("threads.create", input=with_model("hi", "other-model"))
        )
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        client = ChatClient(assistant, ALICE, thread_id=thread_id)
        answer = await client.ask("and from the kernel?")
        assert answer.ok, answer.error
        assert [r["model"] for r in fake_llm.requests] == ["other-model", "other-model"]

        # The browser goes back to the default: the kernel's next question follows.
        await stream(
            assistant,
            req("threads.add_user_message", thread_id=thread_id, input=with_model("x", None)),
        )
        assert (await client.ask("again?")).ok
        assert [r["model"] for r in fake_llm.requests[2:]] == ["fake-model", "fake-model"]
    finally:
        await assistant.aclose()
