"""Context you can trust, errors: a traceback reaches the model whole enough (the frame
that raised, each earlier exception of a chain, the error after a long log) and bounded,
and the user's own exception is read without running its ``__str__``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.context_policy import reduce_formatted_traceback
from jupyter_chatkit.kernel.executions import describe_error


def _descend(n: int) -> None:
    if n == 0:
        _fail()
    _descend(n - 1)


def _fail() -> None:
    raise KeyError("regoin")


def test_a_deep_traceback_keeps_the_frame_that_raised() -> None:
    """500 frames of recursion, then the function that raised: it is in the reduced
    traceback (the walk used to stop after the outermost 200 frames)."""
    try:
        _descend(500)
    except KeyError as exc:
        error = describe_error(exc)
    text = error["traceback"]
    assert len(text) <= 2_000
    assert "in _fail" in text and 'raise KeyError("regoin")' in text
    assert "repeated" in text and text.endswith("KeyError: 'regoin'")
    assert error["type"] == "KeyError"


def test_ten_thousand_formatted_frames_arrive_short_and_whole_enough() -> None:
    frame = "Cell \x1b[0;32mIn[3], line 2\x1b[0m, in f(n)\n----> 2     return f(n+1)"
    lines = ["Traceback (most recent call last)", *[frame] * 10_000, "RecursionError: deep"]
    text = reduce_formatted_traceback(lines, "RecursionError", "deep")
    assert len(text) <= 2_000 and "\x1b" not in text
    assert "return f(n+1)" in text and "repeated 9,999 more times" in text
    assert text.endswith("RecursionError: deep")


def test_an_exception_from_the_users_own_module_is_read_without_its_str(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module beside the notebook is the user's code too: its exception's ``__str__``
    never runs; the message comes from the arguments."""
    (tmp_path / "my_errors.py").write_text(
        "CALLED = []\n"
        "class LoginError(Exception):\n"
        "    def __str__(self):\n"
        "        CALLED.append('str')\n"
        "        return 'custom'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import my_errors

    try:
        raise my_errors.LoginError("login failed for ada")
    except Exception as exc:
        error = describe_error(exc)
    assert my_errors.CALLED == []
    assert error["message"] == "login failed for ada"
    assert error["type"] == "my_errors.LoginError"
    try:
        raise json.JSONDecodeError("bad", "{x", 1)  # a library's __str__ is trusted
    except Exception as exc:
        assert describe_error(exc)["message"].startswith("bad: line 1")


CHAINED = json.loads((Path(__file__).parent / "fixtures" / "chained_tracebacks.json").read_text())


@pytest.mark.parametrize("case", CHAINED["cases"], ids=lambda c: c["name"])
def test_a_chained_error_keeps_where_each_earlier_exception_happened(case: dict[str, Any]) -> None:
    """Each earlier exception the user's code raised keeps its own frames and line
    (bounded), then the line Python prints between them; one a library raised inside
    itself says its line only. The TypeScript copy is held to the same text."""
    text = reduce_formatted_traceback(case["traceback"], case["ename"], case["evalue"])
    assert text == case["reduced"]
    assert "\x1b" not in text
    final = f"{case['ename']}: {case['evalue']}"
    if case["name"].startswith("a library's own chain"):
        assert text.startswith("Cell In[") and "pandas/_libs" not in text
        assert text.endswith(f"(raised while handling {final})\n{final}")
        return
    links = text.split("\n\nDuring handling of the above exception, another exception occurred:\n")
    links = [
        part
        for link in links
        for part in link.split(
            "\n\nThe above exception was the direct cause of the following exception:\n"
        )
    ]
    assert len(links) >= 2
    for link in links[:-1]:
        assert "----> " in link or "--> " in link  # where it was raised
        assert len(link) <= 760
    assert links[-1].rstrip().endswith(final)


def test_the_error_after_a_long_log_in_a_saved_notebook_still_comes(tmp_path: Path) -> None:
    """stdout and stderr interleaved (a training loop) fill a cell's output budget; the
    error at the end is what the person asks about: it comes, its traceback whole."""
    import nbformat

    from jupyter_chatkit.kernel import notebook_file

    cell = nbformat.v4.new_code_cell("train()", execution_count=7)
    cell.outputs = [
        nbformat.v4.new_output(
            "stream", name="stderr" if k % 2 else "stdout", text=f"epoch {k} " + "loss 0.1 " * 300
        )
        for k in range(4)
    ]
    tb = [
        "Traceback (most recent call last)",
        '  File "train.py", line 9, in <module>',
        "RuntimeError: CUDA out of memory",
    ]
    cell.outputs.append(
        nbformat.v4.new_output(
            "error", ename="RuntimeError", evalue="CUDA out of memory", traceback=tb
        )
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    saved = notebook_file.read_cells(path)
    assert saved is not None
    outputs = saved[0]["outputs"]
    assert saved[0]["outputs_truncated"] is True
    assert outputs[-1]["output_type"] == "error"
    assert "line 9, in <module>" in outputs[-1]["text"]
    assert outputs[-1]["text"].endswith("RuntimeError: CUDA out of memory")
