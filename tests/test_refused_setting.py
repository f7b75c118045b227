"""A setting the environment gives a refused value (``JUPYTER_CHATKIT_API=chat``): the
server extension loads all the same, logs one line naming the setting (no traceback), and
every assistant request is answered 503 with a JSON message naming it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from .test_handlers import body, expect_error, post, server_config


@pytest.fixture
def jp_server_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> Config:
    # Before the server starts: the extension reads it when it loads (and capfd then
    # holds the server log from the start).
    monkeypatch.setenv("JUPYTER_CHATKIT_API", "chat")
    # With a key the model line read the API at load: the extension failed to load.
    return server_config(tmp_path, api_key="sk-not-used-no-assistant-is-built")


async def assistant_off_messages(jp_fetch: Callable[..., Any]) -> list[str]:
    """Health says not ready; every assistant request is a 503: their JSON messages."""
    health = json.loads((await jp_fetch("jupyter-chatkit", "health")).body)
    assert health["status"] == "ok" and not health["ready"]
    messages = []
    for call in (
        post(jp_fetch, body("threads.list", limit=10)),
        jp_fetch("jupyter-chatkit", "config"),
        jp_fetch("jupyter-chatkit", "models"),
    ):
        err = await expect_error(call)
        assert err.code == 503
        messages.append(json.loads(err.response.body)["message"])
    return messages


async def test_a_refused_setting_keeps_the_assistant_off_not_the_extension(
    jp_fetch: Callable[..., Any], capfd: pytest.CaptureFixture[str]
) -> None:
    assert all("JUPYTER_CHATKIT_API" in m for m in await assistant_off_messages(jp_fetch))
    log = capfd.readouterr().err
    said = [line for line in log.splitlines() if "JUPYTER_CHATKIT_API" in line]
    assert len(said) == 1 and said[0].startswith("[E ")
    assert "Traceback" not in log
