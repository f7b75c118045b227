"""An uncaught ExceptionGroup, which IPython prints to stderr (no error output), is read
from a saved notebook as the cell's error: named, whole within the error's bound, and
still read after a long log (js/lab/test/grouperror.test.ts reads it in the sidebar)."""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_chatkit.kernel.notebook_file import output_text, read_cells
from jupyter_chatkit.kernel.uncaught_group import split_uncaught

SHELL = '"/usr/lib/python3.11/site-packages/IPython/core/interactiveshell.py"'
CELL = '"/tmp/ipykernel_7270/1560516565.py"'

# What IPython 9 printed for `await main()` whose TaskGroup's four tasks failed.
TASK_GROUP = "\n".join(
    [
        "  + Exception Group Traceback (most recent call last):",
        f"  |   File {SHELL}, line 3821, in run_code",
        "  |     await eval(code_obj, self.user_global_ns, self.user_ns)",
        f"  |   File {CELL}, line 7, in <module>",
        "  |     await main()",
        '  |   File "/usr/lib/python3.11/asyncio/taskgroups.py", line 145, in __aexit__',
        "  |     raise me from None",
        "  | ExceptionGroup: unhandled errors in a TaskGroup (4 sub-exceptions)",
        *[
            line
            for i in range(4)
            for line in (
                f"  {'+-+' if i == 0 else '  +'}---------------- {i + 1} ----------------",
                "    | Traceback (most recent call last):",
                f"    |   File {CELL}, line 3, in job",
                "    |     raise KeyError(f'job {i}')",
                f"    | KeyError: 'job {i}'",
            )
        ],
        "    +------------------------------------",
        "",
    ]
)
WARNING = f"{CELL[1:-1]}:2: UserWarning: slow path\n  warnings.warn('slow path')\n"


def _stream(text: str, name: str = "stderr") -> dict[str, object]:
    return {"output_type": "stream", "name": name, "text": text}


def test_an_uncaught_group_is_the_cells_error_after_a_long_log(tmp_path: Path) -> None:
    log = "\n".join(f"row {i} loaded" for i in range(400))
    table = {"output_type": "display_data", "data": {"text/plain": "x" * 2000}, "metadata": {}}
    outputs = [_stream(log, "stdout"), table, _stream(WARNING), _stream(TASK_GROUP)]
    cell = {"cell_type": "code", "execution_count": 7, "source": "await main()", "outputs": outputs}
    path = tmp_path / "tasks.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [cell]}))
    (read,) = read_cells(path) or []
    errors = [o for o in read["outputs"] if o["output_type"] == "error"]
    assert len(errors) == 1, read["outputs"]
    error = errors[0]
    assert error["ename"] == "ExceptionGroup"
    assert error["evalue"] == "unhandled errors in a TaskGroup (4 sub-exceptions)"
    for i in range(4):
        assert f"KeyError: 'job {i}'" in error["text"], error["text"]
    assert "Cell, line 7, in <module>" in error["text"]
    assert "interactiveshell" not in error["text"] and "ipykernel_" not in error["text"]


def test_an_error_raised_while_handling_a_group_is_named_by_its_last_line() -> None:
    text = "\n".join(
        [
            "  + Exception Group Traceback (most recent call last):",
            f"  |   File {CELL}, line 2, in <module>",
            "  | ExceptionGroup: eg (1 sub-exception)",
            "  +-+---------------- 1 ----------------",
            "    | ValueError: 1",
            "    +------------------------------------",
            "",
            "During handling of the above exception, another exception occurred:",
            "",
            "Traceback (most recent call last):",
            f"  File {SHELL}, line 3823, in run_code",
            "    exec(code_obj, self.user_global_ns, self.user_ns)",
            f"  File {CELL}, line 4, in <module>",
            "RuntimeError: cleanup failed",
        ]
    )
    (error,) = split_uncaught(_stream(text), str)
    read = output_text(error)
    assert (read["ename"], read["evalue"]) == ("RuntimeError", "cleanup failed")
    assert "ValueError: 1" in read["text"] and read["text"].endswith("cleanup failed")


def test_a_traceback_the_cell_printed_and_stdout_stay_streams() -> None:
    printed = f"Traceback (most recent call last):\n  File {CELL}, line 2\nZeroDivisionError: x\n"
    for output in (_stream(printed), _stream(TASK_GROUP, "stdout")):
        assert split_uncaught(output, str) == [output]


def test_line_ends_are_read_as_in_the_sidebar() -> None:
    """A kernel writing "\\r\\n" (Windows): its group is the cell's error, as with "\\n";
    a lone "\\r" ends no line, so a frame line it splits is not IPython's (both as in
    grouperror.ts, whose test reads the same texts)."""
    crlf = split_uncaught(_stream((WARNING + TASK_GROUP).replace("\n", "\r\n")), str)
    lf = split_uncaught(_stream(WARNING + TASK_GROUP), str)
    assert [o["output_type"] for o in crlf] == ["stream", "error"]
    assert [(o.get("ename"), o.get("evalue")) for o in crlf] == [
        (o.get("ename"), o.get("evalue")) for o in lf
    ]
    assert crlf[1]["traceback"] == lf[1]["traceback"]
    lone = TASK_GROUP.replace("in run_code\n", "in run_code\r")
    assert [o["output_type"] for o in split_uncaught(_stream(lone), str)] == ["stream"]
