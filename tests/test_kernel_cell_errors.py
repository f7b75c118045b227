"""The kernel's own log (``%chat``, ``Chat().ask``, the widget) reads a failed cell as it
failed: a shell command's error with what it printed, and no traceback a thread, a
callback or a function that catches errors showed meanwhile (real kernel under
nbclient, fake LLM)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from jupyter_chatkit.context_policy.errors import exception_message

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall
from .nbrun import execute
from .test_context_kernel import tool_outputs
from .test_notebooks_context_errors import ASK, ask_after_each

CELLS = {
    # %%bash raises CalledProcessError naming its script; the news is on its stderr.
    "bash": "%%bash\necho starting\necho 'fatal: cannot open /data/in.csv' >&2\nexit 2",
    # !cmd raises nothing; its output (stderr merged in) says why it failed.
    "bang": "!ls /no/such/dir/for/err6",
    # A progress line written over with carriage returns before the command failed.
    "progress": (
        "%%bash\nprintf 'copy 10%%\\rcopy 55%%\\rfailed at 55%%: disk full\\n' >&2\nexit 1"
    ),
    # A thread shows a traceback while the cell runs; the cell itself ran fine.
    "thread": (
        "import threading\n"
        "def work():\n"
        "    try:\n"
        "        1 / 0\n"
        "    except ZeroDivisionError:\n"
        "        get_ipython().showtraceback()\n"
        "t = threading.Thread(target=work)\nt.start()\nt.join()\nthread_done = 1"
    ),
    # A widget's click handler run by a timer thread: ipywidgets shows its error.
    "widget": (
        "import ipywidgets, threading\n"
        "button = ipywidgets.Button()\n"
        "def clicked(_):\n"
        "    raise KeyError('clicked')\n"
        "button.on_click(clicked)\n"
        "t = threading.Thread(target=button.click)\nt.start()\nt.join()\nwidget_done = 1"
    ),
    # The cell's own function catches an error and shows its traceback: the reply is ok.
    "caught": (
        "def load():\n"
        "    try:\n"
        "        {}['missing']\n"
        "    except KeyError:\n"
        "        get_ipython().showtraceback()\n"
        "load()\ncaught_done = 1"
    ),
}


def test_shell_errors_say_what_they_printed_and_background_errors_are_not_the_cells(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    outputs = ask_after_each(kernel_provider, tmp_path, list(CELLS.values()))
    read = dict(zip(CELLS, (o["cell"] for o in outputs), strict=True))

    bash = read["bash"]["error"]
    assert bash["type"] == "subprocess.CalledProcessError"
    assert bash["output"] == "fatal: cannot open /data/in.csv"

    bang = read["bang"]["error"]
    assert bang["type"] == "ShellCommandExit"
    assert "/no/such/dir/for/err6" in bang["output"] and "No such file" in bang["output"]

    # Read as the output area showed it: the last frame, not every one.
    assert read["progress"]["error"]["output"] == "failed at 55%: disk full"

    # The thread's, the callback's and the function's tracebacks are in the cells'
    # outputs, but no cell raised (each reply said ok): their errors are not the cells',
    # as run_cell and the readers of outputs say (before: ZeroDivisionError, KeyError;
    # the function's KeyError until LEFT7).
    for name in ("thread", "widget", "caught"):
        assert read[name]["source"] == CELLS[name]
        assert "error" not in read[name], read[name]


def test_a_kernel_whose_cells_never_raised_reads_no_last_error(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    """The cells' notebook-wide reader (get_notebook_cells) gives the last error only if
    a cell raised: a traceback a thread or a function showed (IPython keeps it as its
    last error, sys.last_value) is not one (before: it was the notebook's last_error)."""
    nb = nbformat.v4.new_notebook()
    sources = ["%load_ext jupyter_chatkit", CELLS["thread"], CELLS["caught"], ASK]
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    kernel_provider.script(Reply(tool_calls=[ToolCall("get_notebook_cells", {})]), Reply("Seen."))
    execute(nb, tmp_path, allow_errors=True)
    assert nb.cells[-1].outputs[-1]["data"]["text/plain"] == "True"
    (read,) = tool_outputs(kernel_provider)
    shown = [c for c in read["cells"] if c.get("source") in (CELLS["thread"], CELLS["caught"])]
    assert len(shown) == 2 and not [c for c in shown if "error" in c], read
    assert "last_error" not in read, read


def test_a_unicode_decode_errors_message_is_read() -> None:
    try:
        b"\xff\xfe bad".decode("utf-8")
    except UnicodeDecodeError as e:
        message = exception_message(e)
    # Its arguments hold the bytes it could not decode: plain data, read (before: "not
    # read: arguments of type str, bytes, int, int, str").
    assert message == "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"
    assert exception_message(KeyError(b"raw key")) == "b'raw key'"


def test_a_long_chain_counts_every_earlier_exception() -> None:
    from jupyter_chatkit.kernel.error_description import describe_error

    def fail(n: int) -> None:
        try:
            raise ValueError(f"level {n}")
        except ValueError:
            if n:
                fail(n - 1)
            else:
                raise

    try:
        fail(200)
    except ValueError as e:
        error = describe_error(e)
    # 201 exceptions: the last one and the three before it are described, the other 197
    # counted (before: 97, the count stopped where the walk's bound did).
    assert error["message"] == "level 0"
    assert error["traceback"].startswith("… 197 earlier chained exceptions not shown\n")
