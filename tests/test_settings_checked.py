"""A refused value in the config (a type traitlets refuses, a list literal holding a
number, a malformed MCP server) is left out and named, never quoted: the other settings
are kept, and the reason names the setting and what it must be."""

from __future__ import annotations

from typing import Any

import pytest
from traitlets.config import Config
from traitlets.config.loader import DeferredConfigString

from jupyter_chatkit.settings_checked import checked_settings, unknown_settings

# What the refused values hold: none may appear in the reason (a value may be a key, or a
# pattern for what is to be hidden).
PLANTED = "sk-live-Zq81kfPwX2"


def _config(**section: Any) -> Config:
    return Config({"JupyterChatKit": {"redact_patterns": ["TICKET-[0-9]{6}"], **section}})


@pytest.mark.parametrize(
    ("key", "value", "must"),
    [
        ("max_upload_bytes", PLANTED, "must be an int"),
        ("models", [PLANTED, 1], "must be a list of strings"),
        ("models", DeferredConfigString(f'["{PLANTED}", 1]'), "quoted string"),
        ("mcp_servers", {"docs": {"command": "x", "url": PLANTED}}, "exactly one of"),
        ("redact_secrets", PLANTED, "must be a boolean"),
    ],
)
def test_a_refused_value_is_named_left_out_and_the_rest_kept(
    key: str, value: Any, must: str
) -> None:
    settings, why = checked_settings(_config(**{key: value}))
    assert why is not None
    assert key in why and must in why and PLANTED not in why
    assert settings.redact_patterns == ["TICKET-[0-9]{6}"]  # the other settings stay
    assert getattr(settings, key) == settings.trait_defaults(key)


def test_accepted_settings_are_not_refused() -> None:
    settings, why = checked_settings(_config(models=["a", "b"], max_upload_bytes=1024))
    assert why is None
    assert settings.models == ["a", "b"] and settings.max_upload_bytes == 1024


def test_a_name_that_is_no_setting_is_said_with_the_close_one() -> None:
    config = _config(redact_pattern=["SECRET-[0-9]+"], modle="gpt-4.1", zzz_unrelated=1)
    said = unknown_settings(config)
    assert len(said) == 3
    assert "redact_pattern " in said[0] and "did you mean redact_patterns?" in said[0]
    assert "did you mean model?" in said[1] and "did you mean" not in said[2]
    assert not any("SECRET-" in s or "gpt-4.1" in s for s in said)  # names, never values
    assert unknown_settings(_config(model="m", models=["a"])) == []
