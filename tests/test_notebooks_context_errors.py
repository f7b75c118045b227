"""Other notebooks' errors arrive whole through the real path.

A notebook run by nbclient in a real kernel asks the chat about the cell before each
question; the fake OpenAI-compatible server records what the model read. Chained
exceptions keep the exception they came from, a SyntaxError its line and caret, an
ExceptionGroup its members, a deep recursion its first and last frames, each bounded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall
from .nbrun import execute
from .test_context_kernel import tool_outputs

ASK = "from jupyter_chatkit import Chat\nChat().ask('Why did that fail?').ok"

FAILING = {
    "raise_from": (
        "def load(cfg):\n"
        "    return cfg['port']\n"
        "try:\n"
        "    load({})\n"
        "except KeyError as e:\n"
        "    raise ValueError('bad config') from e"
    ),
    "during_handling": "try:\n    1/0\nexcept ZeroDivisionError:\n    undefined_name",
    "group": (
        "raise ExceptionGroup('batch', [ValueError('row 1'), "
        "ExceptionGroup('inner', [TypeError('row 2')])])"
    ),
    "syntax": "x = (1,\n  2\ny = 3",
    "indent": "def g():\nreturn 1",
    # IPython's own display of ~3,000 frames (xmode Context) took 3-24 s of the kernel's
    # time; the error the model reads is ours, built from the exception, whatever the mode.
    "recursion": "%xmode Minimal\ndef down(n):\n    return down(n + 1)\n\ndown(0)",
    # Two functions calling each other: a block of two frames repeated ~1,500 times.
    "mutual": (
        "%xmode Minimal\ndef ping(n):\n    return pong(n + 1)\n"
        "def pong(n):\n    return ping(n + 1)\n\nping(0)"
    ),
    # An except* handler that fails: its error is a member, with what it was handling.
    "except_star": (
        "try:\n    raise ExceptionGroup('batch', [ValueError('row 1'), TypeError('row 2')])\n"
        "except* ValueError:\n    raise RuntimeError('cleanup failed')"
    ),
    # PEP 678 notes: Python (and IPython) print them under the message.
    "notes": ("e = ValueError('bad row')\ne.add_note('while loading row 5 of sales.csv')\nraise e"),
    # A coloured message longer than the message's bound: the cut falls in a colour code.
    "colour_cut": "raise ValueError('a' * 595 + '\\x1b[31mred\\x1b[0m')",
    # %run shows its script's error itself: the cell raised nothing, its output is the
    # traceback (before: the cell had no error for the model).
    "run_script": (
        "from pathlib import Path\n"
        "Path('failing_script.py').write_text("
        "'def g():\\n    raise RuntimeError(\"in the script\")\\ng()\\n')\n"
        "%run failing_script.py"
    ),
}


def ask_after_each(provider: FakeLLM, tmp_path: Path, sources: list[str]) -> list[dict[str, Any]]:
    """Run each source then a chat cell that asks about it (the model reads the active
    cell), in one real kernel; what the model read each time."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%load_ext jupyter_chatkit")]
    for source in sources:
        nb.cells += [nbformat.v4.new_code_cell(source), nbformat.v4.new_code_cell(ASK)]
    provider.script(
        *[
            r
            for _ in sources
            for r in (Reply(tool_calls=[ToolCall("get_active_cell", {})]), Reply("Seen."))
        ]
    )
    execute(nb, tmp_path, allow_errors=True)
    for i in range(len(sources)):
        assert nb.cells[2 + 2 * i].outputs[-1]["data"]["text/plain"] == "True"
    return tool_outputs(provider)


def test_each_error_reaches_the_model_whole_and_bounded(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    outputs = ask_after_each(kernel_provider, tmp_path, list(FAILING.values()))
    assert len(outputs) == len(FAILING)
    errors = dict(zip(FAILING, (o["cell"]["error"] for o in outputs), strict=True))
    for error in errors.values():
        assert len(error["traceback"]) <= 5_000

    # except*: the handler's error, the member it was handling, the member not handled.
    tb = errors["except_star"]["traceback"]
    assert errors["except_star"]["type"] == "ExceptionGroup"
    assert "RuntimeError: cleanup failed" in tb and "TypeError: row 2" in tb
    handling = tb.index("while handling")
    assert handling < tb.index("ValueError: row 1") < tb.index("RuntimeError: cleanup failed")

    tb = errors["notes"]["traceback"]
    assert tb.endswith("ValueError: bad row\nwhile loading row 5 of sales.csv"), tb

    # raise ... from ...: the KeyError and where it happened come first, as Python prints.
    tb = errors["raise_from"]["traceback"]
    assert errors["raise_from"]["type"] == "ValueError"
    assert "KeyError: 'port'" in tb and "in load\n    return cfg['port']" in tb
    assert "direct cause of the following exception" in tb
    assert tb.index("KeyError") < tb.index("direct cause") < tb.index("ValueError: bad config")
    assert tb.endswith("ValueError: bad config")

    tb = errors["during_handling"]["traceback"]
    assert "ZeroDivisionError: division by zero" in tb
    assert "During handling of the above exception" in tb
    assert tb.endswith("NameError: name 'undefined_name' is not defined")

    group = errors["group"]
    assert group["message"] == "batch (2 sub-exceptions)"
    assert "ValueError: row 1" in group["traceback"]
    assert "inner (1 sub-exception)" in group["traceback"]
    assert "TypeError: row 2" in group["traceback"]

    # A SyntaxError never ran: its message, line and caret, not IPython's compiler frames.
    for name, message, line in (
        ("syntax", "'(' was never closed", "x = (1,"),
        ("indent", "expected an indented block", "return 1"),
    ):
        error = errors[name]
        assert error["message"].startswith(message)
        assert f"\n    {line}\n" in error["traceback"] and "^" in error["traceback"]
        assert "compilerop" not in error["traceback"]
        assert "message not read" not in json.dumps(error)

    tb = errors["recursion"]["traceback"]
    assert tb.startswith("Cell In[") and "down(0)" in tb
    assert "repeated" in tb and tb.endswith("RecursionError: maximum recursion depth exceeded")

    # The pair once, told as a pair; the head (the call in the cell) and the tail kept.
    tb = errors["mutual"]["traceback"]
    assert tb.startswith("Cell In[") and "ping(0)" in tb
    assert "the 2 frames above repeated" in tb and "frames not shown" in tb
    assert tb.count("in ping\n") <= 3, tb
    assert tb.endswith("RecursionError: maximum recursion depth exceeded")

    error = errors["run_script"]
    assert error["type"] == "RuntimeError" and error["message"] == "in the script"
    assert 'raise RuntimeError("in the script")' in error["traceback"]

    # No piece of an escape sequence is left where the message was cut.
    error = errors["colour_cut"]
    assert "\x1b" not in error["message"] + error["traceback"]
    assert error["message"].startswith("a" * 595) and len(error["message"]) <= 600


def test_an_exception_whose_str_raises_is_the_cells_error(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        # An error before recording starts is not the loading cell's.
        nbformat.v4.new_code_cell("raise KeyError('before loading')"),
        nbformat.v4.new_code_cell("%load_ext jupyter_chatkit"),
        nbformat.v4.new_code_cell(
            "class Broken(Exception):\n"
            "    def __str__(self):\n"
            "        raise RuntimeError('str failed')\n"
            "    __repr__ = __str__\n"
            "raise Broken(object())"
        ),
        nbformat.v4.new_code_cell(ASK),
    ]
    kernel_provider.script(Reply(tool_calls=[ToolCall("get_notebook_cells", {})]), Reply("Seen."))
    execute(nb, tmp_path, allow_errors=True)
    assert nb.cells[3].outputs[-1]["data"]["text/plain"] == "True"
    (read,) = tool_outputs(kernel_provider)
    cells = {c["execution_count"]: c for c in read["cells"]}
    assert "error" not in cells[2], cells[2]
    # IPython could not show the traceback and left the count unset; the failing cell
    # still carries an error (before: no error on the cell at all).
    cell = cells[3]
    assert "raise Broken(object())" in cell["source"]
    assert cell["error"]["type"] == "RuntimeError"
    assert "Cell In[3], line 3, in __str__" in cell["error"]["traceback"]


def test_a_failed_shell_command_is_the_cells_error(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext jupyter_chatkit"),
        nbformat.v4.new_code_cell("!true"),
        nbformat.v4.new_code_cell(ASK),
        nbformat.v4.new_code_cell("!ls /no/such/dir/anywhere"),
        nbformat.v4.new_code_cell(ASK),
    ]
    kernel_provider.script(
        *[
            r
            for _ in range(2)
            for r in (Reply(tool_calls=[ToolCall("get_active_cell", {})]), Reply("ok"))
        ]
    )
    execute(nb, tmp_path)
    ok, failed = (o["cell"] for o in tool_outputs(kernel_provider))
    assert ok["source"] == "!true" and "error" not in ok
    # IPython raises nothing for a failing !cmd; its exit status is the news.
    assert failed["source"] == "!ls /no/such/dir/anywhere"
    assert failed["error"]["type"] == "ShellCommandExit"
    assert "exited with status 2" in failed["error"]["message"]


def test_a_shell_command_that_did_not_run_leaves_no_earlier_status(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    # Review: an indented !cmd under a branch not taken ran nothing, and _exit_code still
    # held the status of the failed command of the cell before.
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext jupyter_chatkit"),
        nbformat.v4.new_code_cell("!false"),
        nbformat.v4.new_code_cell("if False:\n    !ls /no/such/dir"),
        nbformat.v4.new_code_cell(ASK),
    ]
    kernel_provider.script(Reply(tool_calls=[ToolCall("get_active_cell", {})]), Reply("ok"))
    execute(nb, tmp_path)
    (cell,) = (o["cell"] for o in tool_outputs(kernel_provider))
    assert cell["source"].startswith("if False:") and "error" not in cell
