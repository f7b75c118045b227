"""Probe 12: a held-out notebook and kernel state through the product's real paths.

``tests/fixtures/probe12/`` was written before the policy was read: credentials of many
vendors and home-made ones where a user's notebook has them (code, markdown, raw cells,
metadata, attachments, outputs of every kind, split streams, a huge log, tracebacks) and
in the kernel (str, bytes, nests, a dataclass, DataFrames, an environment copy, a config
parser), beside look-alikes that must stay (hashes, UUIDs, ids, placeholders, numbers).
Each path's model input is read for leaks (a credential, or a piece of half its length
when that is 12+ characters), changed look-alikes, error lines that did not arrive and
results past the 16k bound. The lab reads the same notebook (probe12notebook.test.ts).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from nbformat.v4 import new_code_cell

from jupyter_chatkit.assistant.history import notebook_text
from jupyter_chatkit.context_policy import MAX_RESULT_CHARS, ContextPolicy
from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall
from .nbrun import execute
from .probe12_counts import (
    PROBE,
    corpus,
    error_lines_missing,
    forms,
    leaks,
    over_hidden,
    received,
)

VARIABLES = [
    "cfg", "settings", "conf", "ns", "resp_text", "users", "conns", "key_bytes", "blob", "env",
    "db_password",
]  # fmt: skip
# The saved notebook is read in parts of this many cells: the tool reads a bounded window
# around the newest cell, and every cell is to be read once.
PART = 4
DATA = corpus()
CREDENTIALS, LOOKALIKES = DATA["credentials"], DATA["lookalikes"]
# Judged, not defects: a Slack webhook's whole path (team, bot and secret) is its key.
BY_DESIGN = {"slack_team"}
SAVED = (PROBE / "saved.ipynb").read_text(encoding="utf-8")


def in_notebook(values: dict[str, str]) -> dict[str, str]:
    """Those of ``values`` the saved notebook holds (the rest are the kernel's)."""
    return {k: v for k, v in values.items() if any(f in SAVED for f in forms(v))}


def parts(directory: Path) -> list[Path]:
    saved = json.loads(SAVED)
    paths = []
    for n in range(0, len(saved["cells"]), PART):
        path = directory / f"part{n // PART}.ipynb"
        path.write_text(json.dumps({**saved, "cells": saved["cells"][n : n + PART]}))
        paths.append(path)
    return paths


def check(payload: Any, credentials: dict[str, str], lookalikes: dict[str, str]) -> None:
    text = received(payload)
    report = {
        "leaks": leaks(text, credentials),
        "over_hidden": sorted(set(over_hidden(text, lookalikes)) - BY_DESIGN),
        "error_lines_missing": error_lines_missing(text, credentials),
    }
    assert report == {"leaks": [], "over_hidden": [], "error_lines_missing": []}


def test_the_kernel_reads_the_saved_notebook_and_its_variables(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel's tools in-process: each part of the notebook as the current one, and
    every variable the kernel's state sets from files and the environment."""
    for name in ("secrets.ini", "settings.json"):
        shutil.copy(PROBE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ACME_API_TOKEN", CREDENTIALS["env_token"])
    monkeypatch.setenv("PGPASSWORD", CREDENTIALS["pgpassword_env"])
    results = []
    for path in parts(tmp_path):
        monkeypatch.setenv("JPY_SESSION_NAME", str(path))
        results.append(
            run_tool("get_notebook_cells", {"max_cells": 200}, KernelView({}, None, shell))
        )
    ns: dict[str, Any] = {}
    exec((PROBE / "kernel_state.py").read_text(encoding="utf-8"), ns)
    ns.pop("__builtins__")
    view = KernelView(ns, None, shell)
    results.append(run_tool("list_kernel_variables", {}, view))
    results += [run_tool("inspect_kernel_variable", {"name": v}, view) for v in VARIABLES]
    assert all(len(dumps(r)) <= MAX_RESULT_CHARS for r in results)
    payload = json.loads(dumps(results))
    check(payload, CREDENTIALS, in_notebook(LOOKALIKES) | {"run": LOOKALIKES["mlflow_run"]})


def test_a_mentioned_notebook_reaches_the_model_as_the_server_reads_it() -> None:
    text, _ = ContextPolicy().text(notebook_text(SAVED) or "")
    check([text], in_notebook(CREDENTIALS), in_notebook(LOOKALIKES))


def test_probe12_through_a_real_kernel(
    kernel_provider: FakeLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``%chat`` and ``%%chat`` in a real kernel: each part of the notebook read as the
    current one, the kernel's variables, the questions themselves (a password in each)."""
    for name in ("secrets.ini", "settings.json"):
        shutil.copy(PROBE / name, tmp_path / name)
    monkeypatch.setenv("ACME_API_TOKEN", CREDENTIALS["env_token"])
    monkeypatch.setenv("PGPASSWORD", CREDENTIALS["pgpassword_env"])
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        new_code_cell("%load_ext jupyter_chatkit"),
        new_code_cell((PROBE / "kernel_state.py").read_text(encoding="utf-8")),
    ]
    steps: list[Reply] = []
    for path in parts(tmp_path):
        nb.cells.append(new_code_cell(f"import os\nos.environ['JPY_SESSION_NAME'] = {str(path)!r}"))
        nb.cells.append(new_code_cell(f"%chat What does {path.stem} do?"))
        steps += [Reply(tool_calls=[ToolCall("get_notebook_cells", {"max_cells": 200})])]
        steps += [Reply("Seen.")]
    question = CREDENTIALS["chat_question_pw"]
    nb.cells.append(new_code_cell(f"%chat Why does connect fail? My password is {question}"))
    calls = [ToolCall("get_active_cell", {}), ToolCall("list_kernel_variables", {})]
    calls += [ToolCall("inspect_kernel_variable", {"name": v}) for v in VARIABLES]
    # A few tool calls a question (a turn runs a bounded number of steps).
    for n in range(0, len(calls), 4):
        if n:
            nb.cells.append(new_code_cell(f"%chat And what else, {n}?"))
        steps += [Reply(tool_calls=[call]) for call in calls[n : n + 4]] + [Reply("Seen.")]
    dsn = f"postgresql://etl:{CREDENTIALS['chat_cell_pw']}@db.acme.internal/sales"
    nb.cells.append(new_code_cell(f"%%chat\nHere is my DSN {dsn}, why does it time out?"))
    steps += [Reply(tool_calls=[ToolCall("get_active_cell", {})]), Reply("Seen too.")]
    kernel_provider.script(*steps)
    execute(nb, tmp_path)
    requests = kernel_provider.requests
    assert len(requests) == len(steps)
    tools = [m["content"] for r in requests for m in r["messages"] if m.get("role") == "tool"]
    assert tools and all(len(t) <= MAX_RESULT_CHARS for t in tools)
    check(requests, CREDENTIALS, LOOKALIKES)
