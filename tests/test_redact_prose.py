"""Prose that names a secret keeps its words; values in the same shapes are hidden.

The cases live in tests/fixtures/prose_texts.json, read by js/lab/test/prose.test.ts too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.context_policy import ContextPolicy

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "prose_texts.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("text", CASES["harmless"])
def test_prose_about_a_secret_comes_back_unchanged(text: str) -> None:
    assert ContextPolicy().text(text) == (text, 0)


@pytest.mark.parametrize("case", CASES["leaks"], ids=[c["id"] for c in CASES["leaks"]])
def test_a_value_in_the_same_shape_is_hidden(case: dict[str, Any]) -> None:
    text, count = ContextPolicy().text(case["text"])
    assert count >= 1
    for secret in case["secrets"]:
        assert secret not in text
