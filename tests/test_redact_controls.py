"""Control characters between a secret's letters do not hide it from the context policy.

A UTF-16 file or output read as bytes puts a NUL between every two letters
(``p\\x00a\\x00s\\x00s\\x00…``); the model reads through them, and before no rule saw a word
in such a text. The cases live in tests/fixtures/control_texts.json, read by
js/lab/test/controls.test.ts too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.context_policy import ContextPolicy

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "control_texts.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES["leaks"], ids=[c["id"] for c in CASES["leaks"]])
def test_a_secret_between_control_characters_is_hidden(case: dict[str, Any]) -> None:
    text, count = ContextPolicy().text(case["text"])
    assert count >= 1
    for secret in case["secrets"]:
        assert secret not in text


@pytest.mark.parametrize(
    "case", CASES["harmless"], ids=[repr(c["text"]) for c in CASES["harmless"]]
)
def test_control_characters_alone_hide_nothing_and_are_not_read(case: dict[str, str]) -> None:
    assert ContextPolicy().text(case["text"]) == (case["read"], 0)
