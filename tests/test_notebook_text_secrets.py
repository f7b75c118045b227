"""A notebook file read as text (an attached .ipynb, js/lab/src/mentions.ts's twin for a
mentioned one): a cell that prints a secret it names has that output hidden, as the live
cells' readers hide it."""

from __future__ import annotations

import json

from jupyter_chatkit.assistant.history import notebook_text
from jupyter_chatkit.context_policy import ContextPolicy

PASSWORD = "Kx7mPq2vLw9e"  # no key's shape: hidden for its name only


def saved(*cells: dict[str, object]) -> str:
    """A notebook file's JSON, its cells as given (nbformat's shape)."""
    return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def code(source: str, *outputs: dict[str, object]) -> dict[str, object]:
    return {"cell_type": "code", "source": source, "outputs": list(outputs), "metadata": {}}


def test_a_printed_secret_in_an_attached_notebook_is_hidden() -> None:
    raw = saved(
        code(f"db_password = {PASSWORD!r}"),
        code(
            "print('connecting with', db_password)",
            {"output_type": "stream", "name": "stdout", "text": [f"connecting with {PASSWORD}\n"]},
        ),
        code(
            "db_password",
            {"output_type": "execute_result", "data": {"text/plain": [repr(PASSWORD)]}},
        ),
    )
    text = ContextPolicy().text(notebook_text(raw) or "")[0]
    # Before: the assignment's literal was hidden, both outputs were sent whole.
    assert PASSWORD not in text, text
    assert "print('connecting with', db_password)" in text and text.count("«redacted") == 3


def test_other_outputs_stay() -> None:
    raw = saved(
        code("rows = 42\nrows", {"output_type": "execute_result", "data": {"text/plain": ["42"]}}),
        code("print(user)", {"output_type": "stream", "name": "stdout", "text": ["ada\n"]}),
    )
    text = notebook_text(raw) or ""
    assert "\n42" in text and "\nada" in text
