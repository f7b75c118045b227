"""The "Read:" line of a ``%chat`` answer in its plain Markdown (nbconvert, GitHub, VS
Code): what the kernel's tools read, in counts and cell numbers, never what was read."""

from __future__ import annotations

from typing import Any

from jupyter_chatkit.kernel.client import Answer, CodeCard
from jupyter_chatkit.kernel.live import ANSWER_MIME, answer_bundle
from jupyter_chatkit.kernel.read_line import read_line_markdown


def call(name: str, arguments: dict[str, Any] | None = None, **output: Any) -> dict[str, Any]:
    """A tool call as kernel/client.py ``read_call`` keeps it."""
    return {
        "type": "client_tool_call",
        "id": f"cti_{name}",
        "status": "completed",
        "name": name,
        "arguments": arguments or {},
        "output": output,
    }


READS = [
    call("inspect_kernel_variable", {"name": "secret_key"}, redacted=1),
    call("inspect_kernel_variable", {"name": "sales"}),
    call("inspect_kernel_variable", {"name": "sales"}),
    call("list_kernel_variables"),
    call("get_active_cell", cell={"index": 2}),
    call("get_notebook_cells", cells=[{"index": 0}, {"index": 1}]),
    # A call that failed read nothing, and hid nothing either.
    call("get_active_cell", error="failed", redacted=4),
]


def test_the_plain_markdown_of_an_answer_says_what_was_read_by_counts() -> None:
    """Before: only our JupyterLab renderer said "Read: ..."; the bundle's Markdown, all
    other front ends and a notebook saved and shared show, said nothing."""
    answer = Answer("The key is set.", [CodeCard(code="print(1)")], reads=READS)
    bundle = answer_bundle(answer)
    plain = bundle["text/markdown"]
    line = "*Read: 2 variables · the variable list · cells 1\u20133 · 1 value hidden*"
    assert plain.endswith("\n\n" + line), plain
    # Names are what was read: counted, never shown.
    assert "secret_key" not in plain and "sales" not in plain
    # Our renderer builds its own line (with the names) from ``reads``: not twice.
    assert "Read:" not in bundle[ANSWER_MIME]["markdown"]
    # Chat().ask()'s answer shown in IPython says the same.
    assert answer._bundle()["text/markdown"] == plain


def test_an_answer_that_read_nothing_has_no_line() -> None:
    assert read_line_markdown([]) == ""
    assert read_line_markdown([call("get_active_cell", error="failed")]) == ""
    assert "Read:" not in answer_bundle(Answer("Hello."))["text/markdown"]


def test_cells_are_said_as_the_chat_says_them() -> None:
    assert read_line_markdown([call("get_active_cell", cell={"index": 0})]) == "*Read: cell 1*"
    spread = call("get_notebook_cells", cells=[{"index": 0}, {"index": 4}])
    assert read_line_markdown([spread]) == "*Read: cells 1, 5*"
    assert read_line_markdown([call("list_kernel_variables", redacted=2)]) == (
        "*Read: the variable list · 2 values hidden*"
    )


def test_cells_kept_out_are_said_apart_not_read() -> None:
    """RED7: the `%%chat` output said "Read: cells 1-3" where the sidebar said "cells 1-2":
    cell 3 (the asking cell, edited since saved) was named kept out, not read."""
    kept = call(
        "get_notebook_cells", cells=[{"index": 0}, {"index": 1}, {"index": 2, "kept_out": True}]
    )
    assert read_line_markdown([kept]) == "*Read: cells 1\u20132 \u00b7 cell 3 kept out*"
    runs = call("get_notebook_cells", cells=[{"index": i} for i in (0, 2, 4, 5, 6)])
    assert read_line_markdown([runs]) == "*Read: cells 1, 3, 5\u20137*"


def test_the_kept_read_call_keeps_the_kept_out_mark() -> None:
    from types import SimpleNamespace

    from jupyter_chatkit.kernel.client import read_call

    tool = SimpleNamespace(id="cti_1", name="get_notebook_cells", arguments={})
    output = {"cells": [{"index": 0, "source": "x = 1"}, {"index": 1, "kept_out": "edited"}]}
    kept = read_call(tool, output)  # type: ignore[arg-type]
    assert kept["output"]["cells"] == [{"index": 0}, {"index": 1, "kept_out": True}]
    assert read_line_markdown([kept]) == "*Read: cell 1 \u00b7 cell 2 kept out*"
