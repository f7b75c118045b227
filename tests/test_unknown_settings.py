"""A ``c.JupyterChatKit`` name that is no setting (``redact_pattern`` for
``redact_patterns``): traitlets ignored it without a word, so a site's redaction pattern
or model given under a typo'd name went unnoticed. The server's log now says so, naming
the close setting, never the value; the assistant runs with the rest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from .test_handlers import server_config

PATTERN = "ACME-TICKET-[0-9]{6}"


@pytest.fixture
def jp_server_config(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> Config:
    return server_config(tmp_path, redact_pattern=[PATTERN])


async def test_a_typo_d_setting_is_said_in_the_log_with_the_close_one(
    jp_fetch: Callable[..., Any], capfd: pytest.CaptureFixture[str]
) -> None:
    config = json.loads((await jp_fetch("jupyter-chatkit", "config")).body)
    assert config["offline"] is True  # the assistant runs
    log = capfd.readouterr().err
    said = [line for line in log.splitlines() if "redact_pattern " in line]
    assert len(said) == 1 and said[0].startswith("[W "), said
    assert "did you mean redact_patterns?" in said[0] and PATTERN not in said[0]
