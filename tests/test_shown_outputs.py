"""A saved cell's one-line output as the model reads it (tests/fixtures/shown_outputs.json;
the sidebar's twin is js/lab/test/shownoutputs.test.ts).

A client given a password (``!curl -u ana:'…' URL``, ``!PGPASSWORD=… psql``, a
header's ``$API_TOKEN``) prints the server's answer: it arrives whole, though the
policy's marker in the source says "password". A last line that shows the secret (a
decoded literal, a secret's variable, ``echo $PASSWORD``, a getter) keeps it hidden. Each
case goes through the notebook reader and the policy, then through the policy again as
the server reads the kernel's and the sidebar's already redacted answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.assistant.history import notebook_text
from jupyter_chatkit.context_policy import ContextPolicy

CASES = json.loads((Path(__file__).parent / "fixtures" / "shown_outputs.json").read_text("utf-8"))


def _notebook(case: dict[str, str]) -> str:
    output = {"output_type": "stream", "name": "stdout", "text": case["output"] + "\n"}
    cell = {"cell_type": "code", "metadata": {}, "source": case["source"], "outputs": [output]}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _read(case: dict[str, str]) -> list[str]:
    """What the model reads of the case's cell: the saved notebook's text, and the cell
    as a tool's answer redacted once (by the kernel or the sidebar) and again (server)."""
    policy = ContextPolicy()
    text, _ = policy.text(notebook_text(_notebook(case)) or "")
    cell: dict[str, Any] = {"cell_type": "code", "source": case["source"]}
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": case["output"]}]
    twice = policy.tool_result(policy.tool_result({"cells": [cell]}))
    return [text, json.dumps(twice, ensure_ascii=False)]


@pytest.mark.parametrize("case", CASES["shown"], ids=lambda c: c["source"][:40])
def test_a_clients_answer_arrives_whole(case: dict[str, str]) -> None:
    for read in _read(case):
        quoted = json.dumps(case["output"], ensure_ascii=False)[1:-1]
        assert case["output"] in read or quoted in read, read


@pytest.mark.parametrize("case", CASES["hidden"], ids=lambda c: c["source"][:40])
def test_a_shown_secret_stays_hidden(case: dict[str, str]) -> None:
    for read in _read(case):
        assert case["secret"] not in read, read
