"""A provider error names the setting to check where it was set: the environment variable,
or ``c.JupyterChatKit.<name>`` from Jupyter's config; never its value."""

from __future__ import annotations

from pathlib import Path

import pytest
from chatkit.types import ErrorEvent
from traitlets.config import Config

from jupyter_chatkit.settings import ENV_API_KEY, ENV_BASE_URL, JupyterChatKit

from .chatkit_helpers import parse_sse, user_input
from .fixtures.endpoint import Endpoint, body
from .fixtures.fake_llm import FakeLLM
from .fixtures.fake_llm_script import unauthorized
from .test_handlers import server_config

KEY = "sk-configured-in-a-file-4Qz"


@pytest.fixture
def jp_server_config(tmp_path: Path, fake_llm: FakeLLM) -> Config:
    return server_config(
        tmp_path, base_url=fake_llm.base_url, api_key=KEY, api="chat_completions", max_retries=0
    )


async def test_a_rejected_key_set_in_the_config_names_the_config(
    endpoint: Endpoint, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    # c.JupyterChatKit.api_key in jupyter_server_config.py, no OPENAI_API_KEY: before, the
    # error said to check OPENAI_API_KEY, which the person never set.
    monkeypatch.delenv(ENV_API_KEY, raising=False)
    fake_llm.script(unauthorized())
    events = parse_sse(await endpoint.stream(body("threads.create", input=user_input("hi"))))
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1, [e.type for e in events]
    message = errors[0].message or ""
    assert "c.JupyterChatKit.api_key" in message and ENV_API_KEY not in message, message
    assert KEY not in message


def test_a_setting_is_named_where_it_was_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_BASE_URL, "http://localhost:11434/v1")
    monkeypatch.setenv(ENV_API_KEY, KEY)
    from_env = JupyterChatKit()
    assert from_env.where("base_url") == ENV_BASE_URL
    assert from_env.where("api_key") == ENV_API_KEY
    configured = JupyterChatKit(
        config=Config({"JupyterChatKit": {"base_url": "http://localhost:11434/v1"}})
    )
    assert configured.where("base_url") == "c.JupyterChatKit.base_url"
    assert configured.where("api_key") == ENV_API_KEY
    assert KEY not in configured.where("api_key")
