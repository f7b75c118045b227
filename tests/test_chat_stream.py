"""``%chat QUESTION`` streams into its cell's output: one display updated as the answer
arrives, ending in stable Markdown (fenced code) plus the answer's cards as data.

A real kernel (jupyter_client) and nbclient; the fake OpenAI-compatible server stands in
for the model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from jupyter_chatkit.kernel.live import ANSWER_MIME

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall
from .nbrun import execute, python_kernel

CARD = 'sales.groupby("region")["revenue"].mean()'
SETUP = (
    "%load_ext jupyter_chatkit\n"
    "import pandas as pd\n"
    "sales = pd.DataFrame({'region': ['n', 's'], 'revenue': [1.0, 2.0]})"
)


@pytest.fixture
def provider_env(kernel_provider: FakeLLM) -> FakeLLM:
    """Kernels started here talk to the fake server (scripted for a code card)."""
    kernel_provider.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "sales"})]),
        Reply(tool_calls=[ToolCall("propose_code", {"code": CARD, "title": "Mean"})]),
        Reply("Insert it below."),
    )
    return kernel_provider


@pytest.mark.slow
def test_the_magic_streams_into_one_display(provider_env: FakeLLM) -> None:
    with python_kernel() as (_km, kc):
        assert kc.execute_interactive(SETUP, timeout=120)["content"]["status"] == "ok"
        messages: list[dict[str, Any]] = []
        reply = kc.execute_interactive(
            "%chat what is in sales?", timeout=180, output_hook=messages.append
        )
        assert reply["content"]["status"] == "ok"

    kinds = [m["msg_type"] for m in messages]
    assert "error" not in kinds and "stream" not in kinds, messages
    # No chat was shown: no widget, so no comm opened nor written to (nobody reads it).
    assert not {"comm_open", "comm_msg"} & set(kinds), kinds
    shown = [m for m in messages if m["msg_type"] == "display_data"]
    updates = [m for m in messages if m["msg_type"] == "update_display_data"]
    # One display, then updates of that same display (never a second output).
    assert len(shown) == 1
    display_id = shown[0]["content"]["transient"]["display_id"]
    assert updates and all(u["content"]["transient"]["display_id"] == display_id for u in updates)
    steps = [u["content"]["data"][ANSWER_MIME] for u in updates]
    # While the answer streams the output says what is happening (the kernel tool) and
    # shows the card before the final text; the last update is final.
    assert steps[-1]["streaming"] is False
    assert all(s["streaming"] for s in steps[:-1])
    assert any("Inspecting" in s["markdown"] for s in steps[:-1])
    assert any(CARD in s["markdown"] and "Insert it below." not in s["markdown"] for s in steps)
    final = updates[-1]["content"]["data"]
    assert final[ANSWER_MIME]["cards"] == [{"code": CARD, "title": "Mean", "language": "python"}]
    assert f"```python\n{CARD}\n```" in final["text/markdown"]
    assert "Insert it below." in final["text/markdown"]
    # What the answer read, for its "Read:" line: the call, not what it read.
    (read,) = final[ANSWER_MIME]["reads"]
    assert {k: read[k] for k in ("type", "status", "name", "arguments")} == {
        "type": "client_tool_call",
        "status": "completed",
        "name": "inspect_kernel_variable",
        "arguments": {"name": "sales"},
    }
    assert set(read["output"]) <= {"redacted", "error", "cell", "cells"}, read
    assert "revenue" not in json.dumps(read)
    # The kernel answered the model's tool call with the real frame.
    tool = next(m for m in provider_env.requests[1]["messages"] if m["role"] == "tool")
    assert [c["name"] for c in json.loads(tool["content"])["columns"]] == ["region", "revenue"]


@pytest.mark.slow
def test_under_nbclient_the_saved_output_is_the_final_markdown(
    provider_env: FakeLLM, tmp_path: Path
) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(SETUP),
        nbformat.v4.new_code_cell("%%chat\nwhat is in sales?"),
    ]
    execute(nb, tmp_path)
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, path)
    outputs = nbformat.read(path, as_version=4).cells[1].outputs
    # One output, the final answer: no "Thinking…" left behind, no widget needed.
    assert len(outputs) == 1, outputs
    data = outputs[0]["data"]
    assert f"```python\n{CARD}\n```" in data["text/markdown"]
    assert "Insert it below." in data["text/markdown"]
    assert "Thinking" not in data["text/markdown"] and "Inspecting" not in data["text/markdown"]
    # What was read, for front ends without our renderer: counted, "sales" not named.
    assert data["text/markdown"].endswith("\n\n*Read: 1 variable*"), data["text/markdown"]
    assert data[ANSWER_MIME]["streaming"] is False
    assert data[ANSWER_MIME]["cards"][0]["code"] == CARD
