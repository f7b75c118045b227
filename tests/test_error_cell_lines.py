"""A SyntaxError in the model's context names the cell's line, not IPython's temporary
file (``979625684.py``): the notebook's error outputs as the kernel reads them from the
file (notebook_file.output_text; js/lab/src/cells.ts outputText keeps parity, tested in
js/lab/test/errortext.test.ts)."""

from __future__ import annotations

import json

import pytest

from jupyter_chatkit.assistant.history import notebook_text
from jupyter_chatkit.context_policy.errors import with_cell_lines
from jupyter_chatkit.kernel.notebook_file import output_text

from .test_redact_backtracking import CPU_PER_CHAR, LONG, cpu_budget

# As ipykernel 7 / IPython 9 record it (taken from a real kernel's output).
MODERN = {
    "output_type": "error",
    "ename": "SyntaxError",
    "evalue": "'(' was never closed (3023257235.py, line 1)",
    "traceback": [
        "  \x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[2]\x1b[39m\x1b[32m, line 1\x1b[39m\n"
        "\x1b[31m    \x1b[39m\x1b[31mx = (1,\x1b[39m\n        ^\n"
        "\x1b[31mSyntaxError\x1b[39m\x1b[31m:\x1b[39m '(' was never closed\n"
    ],
}
# As older IPython (and plain tracebacks) show the cell: its temporary file.
PLAIN = {
    "output_type": "error",
    "ename": "SyntaxError",
    "evalue": "invalid syntax (979625684.py, line 3)",
    "traceback": [
        '  File "/tmp/ipykernel_123/979625684.py", line 3\n    y = 2 3\n        ^\n',
        "SyntaxError: invalid syntax\n",
    ],
}


def test_a_syntax_errors_context_names_the_cells_line() -> None:
    for output, line in ((MODERN, 1), (PLAIN, 3)):
        described = output_text(output)
        shown = json.dumps(described)
        assert ".py" not in shown and "ipykernel_" not in shown, shown
        assert described["evalue"].endswith(f"(line {line})"), described
        assert f"line {line}" in described["text"] and "^" in described["text"], described


# ``traceback.print_exc()`` and ``warnings.warn`` in a cell, recorded from a real ipykernel
# 7 / IPython 9 kernel (nbclient): stderr names IPython's temporary file.
PRINTED = {
    "output_type": "stream",
    "name": "stderr",
    "text": "Traceback (most recent call last):\n"
    '  File "/tmp/ipykernel_12048/1528889588.py", line 3, in <module>\n'
    "    1/0\n    ~^~\nZeroDivisionError: division by zero\n"
    "/tmp/ipykernel_12048/1528889588.py:6: UserWarning: use x\n  warnings.warn('use x')\n",
}


def test_a_printed_traceback_and_a_warning_name_the_cells_lines() -> None:
    described = output_text(PRINTED)
    shown = json.dumps(described)
    assert ".py" not in shown and "ipykernel_" not in shown, shown
    assert "line 3, in <module>" in described["text"], described
    assert "line 6: UserWarning: use x" in described["text"], described
    assert "ZeroDivisionError: division by zero" in described["text"], described


def test_an_attached_notebooks_printed_traceback_names_the_cells_lines() -> None:
    raw = json.dumps(
        {"cells": [{"cell_type": "code", "source": ["1/0"], "outputs": [PRINTED, PLAIN]}]}
    )
    text = notebook_text(raw)
    assert text is not None and ".py" not in text and "ipykernel_" not in text, text
    assert "line 3, in <module>" in text and "line 6: UserWarning" in text, text


def test_a_modules_own_file_stays_named() -> None:
    output = {
        "output_type": "error",
        "ename": "SyntaxError",
        "evalue": "invalid syntax (helpers.py, line 4)",
        "traceback": [
            '  File "/home/ada/helpers.py", line 4\n    a b\n      ^\n',
            "SyntaxError: x\n",
        ],
    }
    shown = json.dumps(output_text(output))
    assert "helpers.py, line 4" in shown and "/home/ada/helpers.py" in shown, shown


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('File "' + "a" * LONG + '/ipykernel_1/2.py", line 1', id="long-path"),
        pytest.param('File "/ipykernel_1/' * (LONG // 19), id="cell-files-open"),
        pytest.param("(1.py, line " * (LONG // 12), id="messages-open"),
        pytest.param(" " + "a" * LONG + "/ipykernel_1/2.py:3:", id="long-warning-path"),
        pytest.param(" /ipykernel_1/2.py:" * (LONG // 19), id="warnings-open"),
    ],
)
def test_long_texts_are_read_in_linear_work(text: str) -> None:
    with cpu_budget(CPU_PER_CHAR * len(text)):
        assert with_cell_lines(text)
