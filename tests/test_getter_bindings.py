"""The names a source binds to a secret's getter, chained (``a = b = getpass()``), wrapped
in a conversion that keeps the value (``str(…)``, ``(…)``, ``bytes(…)``, ``quote(…)``) or
in an assignment expression (``if (pw := getpass()):``): each then holds the secret, and
what prints it is hidden. Before, only the first target of a plain assignment counted.
Cases shared with the TypeScript copy (tests/fixtures/getter_bindings.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.assistant.history import notebook_text
from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.context_policy.getters import bound_to_getters

from .test_notebook_text_secrets import code, saved, stdout

CASES = json.loads(
    (Path(__file__).parent / "fixtures" / "getter_bindings.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["source"].split("\n")[0] for c in CASES])
def test_the_names_bound_to_a_getter(case: dict[str, Any]) -> None:
    assert sorted(bound_to_getters(case["source"])) == sorted(case["names"])


def test_a_saved_notebook_printing_a_chained_or_wrapped_getter_s_value_hides_it() -> None:
    """The notebook's text (a mentioned notebook) and its cells read by a tool."""
    secret = "Zq8wL3vN7pX2kr"
    cells = []
    for case in CASES:
        cells.append(code(case["source"]))
        cells += [code(f"print({name})", stdout(f"{secret}{name}\n")) for name in case["names"]]
    text = ContextPolicy().text(notebook_text(saved(*cells)) or "")[0]
    assert "print(a)" in text and secret not in text
    read = json.dumps(ContextPolicy().tool_result({"cells": cells}))
    assert "print(a)" in read and secret not in read
