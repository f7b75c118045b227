"""A provider base URL carrying its key in the query (Azure OpenAI's ``?api-key=``): the
model requests go to the API's paths with those parameters, and the key reaches no log,
no browser and no model."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from traitlets.config import Config

from jupyter_chatkit.assistant.models import client_options
from jupyter_chatkit.settings import JupyterChatKit

from .chatkit_helpers import parse_sse, user_input
from .fixtures.endpoint import Endpoint, body
from .fixtures.fake_llm import FakeLLM, Reply
from .test_handlers import server_config
from .test_logs import server_log

KEY = "az0123456789abcdef0123456789abcd"
QUERY = f"api-version=2024-06-01&api-key={KEY}"


@pytest.fixture
def jp_server_config(tmp_path: Path, fake_llm: FakeLLM) -> Config:
    return server_config(
        tmp_path,
        base_url=f"{fake_llm.base_url}?{QUERY}",
        api="chat_completions",
        model="gpt-4o",
        max_retries=0,
    )


async def test_a_key_in_the_base_urls_query_is_sent_as_a_parameter_and_shown_nowhere(
    endpoint: Endpoint, fake_llm: FakeLLM, jp_serverapp: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Before: openai appended the path after the query (``/v1?api-key=K/chat/completions``),
    # so no request reached the API: every turn failed.
    fake_llm.script(Reply("from azure"))
    # The HTTP client logs each request's URL at INFO: with the key, once it is sent.
    caplog.set_level(logging.INFO, logger="httpx2")
    with server_log(jp_serverapp) as log:
        shown = await endpoint.stream(body("threads.create", input=user_input("hi")))
        async with httpx.AsyncClient() as client:
            config = await client.get(
                endpoint.url.replace("/chatkit", "/config"), headers=endpoint.headers
            )
    posts = [c for c in fake_llm.calls if c.method == "POST"]
    assert [c.path for c in posts] == ["/v1/chat/completions"], [c.path for c in fake_llm.calls]
    assert parse_qs(posts[0].query) == {"api-version": ["2024-06-01"], "api-key": [KEY]}
    assert [e.type for e in parse_sse(shown)][-1] == "thread.item.done" and b"from azure" in shown
    assert config.status_code == 200
    requested = [r.getMessage() for r in caplog.records if r.name == "httpx2"]
    assert any("/v1/chat/completions?" in line for line in requested), requested
    logged = log.getvalue() + caplog.text
    for where in (shown.decode(), config.text, json.dumps(fake_llm.requests), logged):
        assert KEY not in where


def test_the_query_moves_from_the_base_url_to_the_clients_parameters() -> None:
    settings = JupyterChatKit(
        base_url=f"https://x.openai.azure.com/openai/v1?{QUERY}&tag=a&tag=b#part"
    )
    options = client_options(settings)
    assert options["base_url"] == "https://x.openai.azure.com/openai/v1"
    assert options["default_query"] == {
        "api-version": "2024-06-01",
        "api-key": KEY,
        "tag": ["a", "b"],
    }
    plain = client_options(JupyterChatKit(base_url="http://localhost:11434/v1"))
    assert plain["base_url"] == "http://localhost:11434/v1" and not plain["default_query"]
