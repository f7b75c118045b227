"""A value the config gives that traitlets refuses (``--JupyterChatKit.max_upload_bytes=
…`` not a number): before, the extension failed to link (a traceback in the log) and then
ran with none of the config's settings, its redaction patterns and store URL dropped
without a word. Now it loads with the assistant off, as for a refused environment value:
one log line naming the setting, never its value, and a 503 saying so to every request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from .test_handlers import server_config
from .test_refused_setting import assistant_off_messages

PLANTED = "not-a-number-Wq73nZpK0d"


@pytest.fixture
def jp_server_config(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> Config:
    return server_config(tmp_path, redact_patterns=["TICKET-[0-9]{6}"], max_upload_bytes=PLANTED)


async def test_a_refused_config_value_keeps_the_assistant_off_and_is_named(
    jp_fetch: Callable[..., Any], capfd: pytest.CaptureFixture[str]
) -> None:
    for message in await assistant_off_messages(jp_fetch):
        assert "max_upload_bytes" in message and PLANTED not in message
    log = capfd.readouterr().err
    said = [line for line in log.splitlines() if "assistant is off" in line]
    assert len(said) == 1 and said[0].startswith("[E ")
    assert "max_upload_bytes" in said[0] and PLANTED not in said[0]
    assert "Traceback" not in log
    # (The configured secrets beside a refused value: test_security_logs, a real --debug.)
