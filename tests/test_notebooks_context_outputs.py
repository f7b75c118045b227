"""Another notebook's saved outputs reach the model bounded, whole where it matters.

The kernel serves a saved notebook (``JPY_SESSION_NAME``, as jupyter_server sets it)
of 2,000 cells with 5 MB of printed output ending in the line that matters, embedded
images and base64 attachments, a 5,000-line cell, HTML, widget and odd-text outputs.
A chat run by nbclient in a real kernel reads it; the fake OpenAI-compatible server
records what the model received.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output, new_raw_cell

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall
from .nbrun import execute
from .test_context_kernel import tool_outputs

PNG = base64.b64encode(os.urandom(200_000)).decode()
LAST_LINE = "epoch 99: loss=nan (THE LINE THAT MATTERS)"


def other_notebook(path: Path) -> None:
    """Write the saved notebook the kernel will read."""
    cells = [new_code_cell(f"x{i} = {i}", execution_count=i + 1) for i in range(2_000)]
    log = new_code_cell("train()", execution_count=2_001)
    log.outputs = [
        new_output("stream", name="stdout", text="epoch 1: loss=0.5\n" * 300_000 + "saved.\n"),
        new_output("stream", name="stderr", text=f"\x1b[31m{LAST_LINE}\x1b[0m\n"),
    ]
    shown = new_code_cell("plot()", execution_count=1_999)
    shown.outputs = [
        new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure 640x480>"}),
        new_output("execute_result", data={"text/html": "<td>x</td>" * 50_000}, execution_count=1),
        new_output(
            "display_data",
            data={
                "application/vnd.jupyter.widget-view+json": {"model_id": "a", "version_major": 2},
                "text/plain": "IntSlider(value=3)",
            },
        ),
    ]
    note = new_markdown_cell(f"Result ![fig](data:image/png;base64,{PNG}) and ![p](attachment:p)")
    note.attachments = {"p": {"image/png": PNG}}
    long_cell = new_code_cell(
        "\n".join(f"step_{i} = {i}" for i in range(5_000)), execution_count=1_998
    )
    odd = new_code_cell("dump()", execution_count=1_997)
    odd.outputs = [new_output("stream", name="stdout", text="a\x00b \udcff c \x07 d")]
    cells[1_000:1_000] = [log, shown, note, new_raw_cell(PNG), long_cell, odd]
    nb = nbformat.v4.new_notebook(cells=cells)
    # json.dumps escapes the lone surrogate as JSON allows; nbformat.write cannot write it.
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_a_saved_notebook_reaches_the_model_bounded(
    kernel_provider: FakeLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = tmp_path / "other.ipynb"
    other_notebook(saved)
    monkeypatch.setenv("JPY_SESSION_NAME", str(saved))
    chat = nbformat.v4.new_notebook()
    chat.cells = [
        new_code_cell(
            "%load_ext jupyter_chatkit\nfrom jupyter_chatkit import Chat\n"
            "Chat().ask('What went wrong in training?').ok"
        )
    ]
    kernel_provider.script(
        Reply(tool_calls=[ToolCall("get_notebook_cells", {"max_cells": 30})]),
        Reply("Seen."),
    )
    execute(chat, tmp_path)
    assert chat.cells[0].outputs[-1]["data"]["text/plain"] == "True", chat.cells[0].outputs

    (result,) = tool_outputs(kernel_provider)
    assert result["from"] == "notebook_file" and result["cell_count"] == 2_006
    assert result["omitted_cells"] == 2_006 - len(result["cells"])
    by_index = {c["index"]: c for c in result["cells"]}
    # The newest cell's 5 MB log: its head, how much was cut, and its last line.
    stdout, stderr = by_index[1_000]["outputs"]
    assert stdout["text"].startswith("epoch 1: loss=0.5") and "more characters] …" in stdout["text"]
    assert stdout["text"].endswith("epoch 1: loss=0.5\nsaved.\n")
    assert stderr["text"] == LAST_LINE + "\n"
    # Images and base64 say their kind and size, never their bytes.
    figure = by_index[1_001]["outputs"]
    assert "image/png" in figure[0]["text"] and "<Figure 640x480>" in figure[0]["text"]
    assert "IntSlider(value=3)" in figure[2]["text"]
    assert "chars not shown" in by_index[1_002]["source"]
    assert "chars not shown" in by_index[1_003]["source"]
    # The 5,000-line cell is there, and says what was left out.
    source = by_index[1_004]["source"]
    assert source.startswith("step_0 = 0") and "lines, not shown]" in source
    # A lone surrogate (bytes decoded with surrogateescape) no longer fails the turn.
    # (Its NUL and bell are not read: control characters reach the model in no text.)
    assert by_index[1_005]["outputs"][0]["text"] == "ab \ufffd c  d"

    log = json.dumps(kernel_provider.requests)
    assert PNG[:64] not in log and PNG[-64:] not in log
    assert "\\u001b" not in log
    assert len(json.dumps(result)) <= 16_000


def test_a_variable_with_undecodable_bytes_does_not_fail_the_turn(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        new_code_cell("name = b'caf\\xe9.csv'.decode('utf-8', 'surrogateescape')"),
        new_code_cell(
            "%load_ext jupyter_chatkit\nfrom jupyter_chatkit import Chat\n"
            "Chat().ask('Which file?').ok"
        ),
    ]
    kernel_provider.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "name"})]),
        Reply("Seen."),
    )
    execute(nb, tmp_path)
    assert nb.cells[1].outputs[-1]["data"]["text/plain"] == "True", nb.cells[1].outputs
    (result,) = tool_outputs(kernel_provider)
    # Shown as its repr: the escape is text, the request stays valid JSON.
    assert result["value"] == "'caf\\udce9.csv'"


def test_a_notebook_past_the_file_bound_says_it_was_not_read(
    kernel_provider: FakeLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = new_code_cell("for i in range(10**7): print('row', i)", execution_count=1)
    printed.outputs = [new_output("stream", name="stdout", text="row 1234567\n" * 4_500_000)]
    saved = tmp_path / "huge.ipynb"
    saved.write_text(json.dumps(nbformat.v4.new_notebook(cells=[printed])), encoding="utf-8")
    assert saved.stat().st_size > 50_000_000
    monkeypatch.setenv("JPY_SESSION_NAME", str(saved))
    chat = nbformat.v4.new_notebook()
    chat.cells = [
        new_code_cell(
            "%load_ext jupyter_chatkit\nfrom jupyter_chatkit import Chat\n"
            "Chat().ask('What did it print?').ok"
        )
    ]
    kernel_provider.script(
        Reply(tool_calls=[ToolCall("get_notebook_cells", {})]),
        Reply("Seen."),
    )
    execute(chat, tmp_path)
    assert chat.cells[0].outputs[-1]["data"]["text/plain"] == "True", chat.cells[0].outputs
    (result,) = tool_outputs(kernel_provider)
    assert result["from"] == "kernel_execution_history"
    # The history does not hold the 50 MB that was printed, and says so.
    assert "printed output (stdout, stderr, warnings)" in result["note"]
    assert "huge.ipynb" in result["file_note"] and "larger than the 50 MB" in result["file_note"]
    assert len(json.dumps(kernel_provider.requests[-1])) < 40_000


def test_long_runs_of_text_are_not_taken_for_base64() -> None:
    """A DNA sequence, hex digits or one letter repeated is text (clipped like any
    output, its head kept); encoded bytes mix capitals, small letters and digits."""
    from jupyter_chatkit.kernel.notebook_file import output_text, without_base64

    for text in ("ACGT" * 500, "0123456789abcdef" * 50, "x" * 5000):
        assert without_base64(text) == text
    printed = output_text({"output_type": "stream", "name": "stdout", "text": "GATTACA" * 2000})
    assert printed["text"].startswith("GATTACA") and "more characters] …" in printed["text"]
    assert without_base64(PNG) == f"…[base64-like text, {len(PNG)} chars not shown]"
