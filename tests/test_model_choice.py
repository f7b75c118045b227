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

from .chatkit_helpers import parse_sse, user_input
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
