"""Probe 12's causes, each with cases of its own (tests/fixtures/probe12/causes.json):
a hidden case loses its secret, a kept case keeps its text whole. The lab reads the same
cases (js/lab/test/probe12causes.test.ts)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.kernel.signatures import hide_positional_secrets

from .probe12_counts import PROBE

CAUSES = json.loads((PROBE / "causes.json").read_text(encoding="utf-8"))


def redacted(text: str) -> str:
    return ContextPolicy().redactor().text(text)


@pytest.mark.parametrize("case", CAUSES["hidden"], ids=lambda c: c["cause"])
def test_a_secret_is_hidden(case: dict[str, str]) -> None:
    assert case["secret"] not in redacted(case["text"])


@pytest.mark.parametrize("case", CAUSES["kept"], ids=lambda c: c["cause"])
def test_a_look_alike_is_kept(case: dict[str, str]) -> None:
    assert case["kept"] in redacted(case["text"])


@pytest.mark.parametrize("case", CAUSES["positional"], ids=lambda c: c["cause"])
def test_a_literal_passed_to_a_secret_parameter(case: dict[str, str]) -> None:
    """The kernel's reader hides what the notebook's own functions take where a secret
    goes; a URL keeps all but its password."""
    namespace: dict[str, Any] = {}
    exec(case["definitions"], namespace)
    text = redacted(hide_positional_secrets(case["text"], namespace))
    assert case["secret"] not in text and case["kept"] in text, text
