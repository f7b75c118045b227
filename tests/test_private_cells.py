"""A cell tagged ``chatkit-private`` (private_cells) is read by no kernel tool: its
source and outputs reach the model from neither the saved file nor the kernel's history
(run_not_in_file, last_error, get_active_cell); the model reads that the cell at that
number was kept out. A real kernel answers ``Chat().ask``; only the LLM is faked."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.assistant.history import notebook_text
from jupyter_chatkit.kernel.introspect import KernelView, get_active_cell

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall
from .nbrun import execute

PRIVATE_SOURCE = "plan = 'PRIVSRC-7Hq'\nprint('PRIVOUT-3Lw')\nraise ValueError('PRIVERR-9Kd')"
PRIVATE_MARKS = ("PRIVSRC-7Hq", "PRIVOUT-3Lw", "PRIVERR-9Kd", "PRIVMD-2Vx")
OPEN_SOURCE = "x = 1\nprint('OPENOUT-4Qz')"
# The private cell edited after the last save and run again: its source is no saved cell's.
EDITED_PRIVATE = PRIVATE_SOURCE.replace("print(", "print('edited', ")


def _saved_notebook(path: Path) -> None:
    opened = nbformat.v4.new_code_cell(OPEN_SOURCE, execution_count=1)
    opened.outputs = [nbformat.v4.new_output("stream", name="stdout", text="OPENOUT-4Qz\n")]
    private = nbformat.v4.new_code_cell(PRIVATE_SOURCE, execution_count=2)
    private.metadata["tags"] = ["chatkit-private"]
    private.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="PRIVOUT-3Lw\n"),
        nbformat.v4.new_output(
            "error", ename="ValueError", evalue="PRIVERR-9Kd", traceback=["ValueError: PRIVERR-9Kd"]
        ),
    ]
    note = nbformat.v4.new_markdown_cell("Budget notes PRIVMD-2Vx")
    note.metadata["tags"] = ["remove-cell", "chatkit-private"]
    after = nbformat.v4.new_markdown_cell("OPENMD-8Rt")
    nb = nbformat.v4.new_notebook(cells=[opened, private, note, after])
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_a_private_cell_reaches_the_model_from_no_kernel_tool(
    kernel_provider: FakeLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The private cell ran in this kernel and raised, then ran again edited after the
    last save (the newest error; its source is no saved cell's): neither the saved file,
    nor the history's runs, nor the last error, nor the active cell give its source or
    outputs; the open cells around it are read, the model reads that cells 1 and 2 were
    kept out and that runs since the save were not read."""
    saved = tmp_path / "saved.ipynb"
    _saved_notebook(saved)
    monkeypatch.setenv("JPY_SESSION_NAME", str(saved))
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(OPEN_SOURCE),
        nbformat.v4.new_code_cell(PRIVATE_SOURCE),
        nbformat.v4.new_code_cell(EDITED_PRIVATE),
        nbformat.v4.new_code_cell(
            "%load_ext jupyter_chatkit\nfrom jupyter_chatkit import Chat\n"
            "Chat().ask('What does my notebook do?').ok"
        ),
    ]
    calls = [ToolCall("get_notebook_cells", {}), ToolCall("get_active_cell", {})]
    kernel_provider.script(*(Reply(tool_calls=[c]) for c in calls), Reply("Done."))
    execute(nb, tmp_path, allow_errors=True)
    assert nb.cells[3].outputs[-1]["data"]["text/plain"] == "True", nb.cells[3].outputs
    assert len(kernel_provider.requests) == 3
    log = json.dumps(kernel_provider.requests, ensure_ascii=False).replace('\\"', '"')
    leaked = [mark for mark in PRIVATE_MARKS if mark in log]
    assert not leaked, leaked
    for seen in ("OPENOUT-4Qz", "OPENMD-8Rt", "x = 1"):
        assert seen in log, seen
    assert '"index": 1, "cell_type": "code", "kept_out"' in log, log[:3000]
    assert '"index": 2, "cell_type": "markdown", "kept_out"' in log, log[:3000]
    # Both tools say the edited run was not read (the last request holds both results).
    last = json.dumps(kernel_provider.requests[-1]).replace('\\"', '"')
    assert last.count('"runs_not_read": 1') == 2, last[-3000:]


def test_a_rewritten_saved_notebook_is_read_again(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """get_active_cell keeps what the saved file keeps out until the file changes: a
    save that removes the tag lets the cell be read."""
    path = tmp_path / "rewritten.ipynb"
    source = "rewrite_plan = 'RWSRC-5Tb'"
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.metadata["tags"] = ["chatkit-private"]
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    shell.run_cell(source, store_history=True)
    assert "RWSRC-5Tb" not in json.dumps(get_active_cell(KernelView.current()))
    cell.metadata["tags"] = []
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    assert get_active_cell(KernelView.current())["cell"]["source"] == source


def test_a_mentioned_or_attached_notebook_is_read_without_its_private_cells(
    tmp_path: Path,
) -> None:
    """A notebook file mentioned or attached (assistant.history.notebook_text, which the
    server reads it by): the private cells give their number, not their content."""
    path = tmp_path / "sent.ipynb"
    _saved_notebook(path)
    text = notebook_text(path.read_text(encoding="utf-8")) or ""
    leaked = [mark for mark in PRIVATE_MARKS if mark in text]
    assert not leaked, leaked
    assert "OPENOUT-4Qz" in text and "OPENMD-8Rt" in text
    assert "--- cell 1 (code) ---" in text and "--- cell 2 (markdown) ---" in text
