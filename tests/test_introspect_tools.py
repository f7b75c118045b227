"""The introspection tools' entry points in the kernel: cells and the last error from the
execution history (or the saved notebook), and ``tool_json`` / ``run_tool``, which the
JupyterLab extension and the comm call. Variable summaries are in test_introspect.py.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.kernel import executions
from jupyter_chatkit.kernel.introspect import (
    KernelView,
    get_active_cell,
    get_notebook_cells,
    run_tool,
    tool_json,
)

# -- cells from the execution history ---------------------------------------------------------


def test_cells_come_from_the_execution_history(shell: InteractiveShell) -> None:
    start = len(shell.history_manager.input_hist_raw)
    shell.run_cell("history_a = 40", store_history=True)
    shell.run_cell("history_a + 2", store_history=True)
    shell.run_cell("   ", store_history=True)
    view = KernelView.current()
    cells = get_notebook_cells(view, max_cells=2)
    assert cells["from"] == "kernel_execution_history"
    assert "execution history" in cells["note"]
    assert [c["source"] for c in cells["cells"]] == ["history_a = 40", "history_a + 2"]
    assert cells["cells"][1]["result"] == {"type": "int", "value": 42}
    assert cells["executed_cells"] >= 2
    assert len(shell.history_manager.input_hist_raw) > start
    active = get_active_cell(view)
    assert active["cell"]["source"] == "history_a + 2"
    assert "most recently executed" in active["note"]


@pytest.mark.parametrize(
    "setup",
    [
        "%load_ext jupyter_chatkit",
        "# the assistant\nimport jupyter_chatkit",
        "from jupyter_chatkit import Chat",
        "%reload_ext jupyter_chatkit\nfrom jupyter_chatkit import Chat",
    ],
)
def test_a_cell_that_only_loads_the_assistant_is_not_the_one_asked_about(
    shell: InteractiveShell, setup: str
) -> None:
    # Run All of [data, %load_ext jupyter_chatkit, %chat ...]: the question is about the
    # data cell, not about loading the assistant (the sidebar's chips skip it too).
    shell.run_cell("setup_data = [1, 2]", store_history=True)
    shell.run_cell(setup, store_history=True)
    shell.user_ns["_probe_view"] = KernelView
    shell.user_ns["_probe_active"] = get_active_cell
    shell.run_cell("_probe = _probe_active(_probe_view.current())", store_history=True)
    active = shell.user_ns.pop("_probe")
    assert active["cell"]["source"] == "setup_data = [1, 2]", active


def test_last_error_is_reported(shell: InteractiveShell) -> None:
    shell.run_cell("1 / 0", store_history=True)
    cells = get_notebook_cells(KernelView.current())
    error = cells["last_error"]
    assert (error["type"], error["message"]) == ("ZeroDivisionError", "division by zero")
    assert error["traceback"].endswith("ZeroDivisionError: division by zero")


def test_the_last_error_is_reported_however_many_runs_followed_it(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run log keeps the newest runs only (executions.KEEP): an error older than
    them is still the last error, not none (before: none once it left the log)."""
    log = executions.log_for(shell)
    assert log is not None
    # The same log, bounded at 5 runs instead of 200 (the test runs 6, not 201).
    monkeypatch.setattr(log, "records", collections.deque(log.records, maxlen=5))
    shell.run_cell("{}['left8_old_key']", store_history=True)
    failed = shell.execution_count - 1
    for i in range(6):
        shell.run_cell(f"left8_fine = {i}", store_history=True)
    assert not log.errors()  # the failed run left the log
    view = KernelView.current()
    error = get_notebook_cells(view)["last_error"]
    assert (error["type"], error["message"]) == ("KeyError", "'left8_old_key'")
    assert error["execution_count"] == failed
    active = get_active_cell(view)
    assert active["cell"]["source"] == "left8_fine = 5"
    assert active["last_error"]["message"] == "'left8_old_key'"


def test_an_error_from_before_recording_names_its_run(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cell failed, then the assistant was loaded (its log starts then): the error
    (sys.last_value) names the run it came from, as a recorded one does, so the history
    read beside it says which run failed (before: no count; the run showed no error)."""
    shell.run_cell("walk14_ok = 1", store_history=True)
    shell.run_cell("def walk14_f():\n    return 1 / 0\nwalk14_f()", store_history=True)
    failed = shell.execution_count - 1
    shell.run_cell("walk14_after = 2", store_history=True)
    # Recording begins now, as `%load_ext jupyter_chatkit` starts it after the failure.
    monkeypatch.setitem(executions._logs, id(shell), executions.ExecutionLog(shell))
    error = get_notebook_cells(KernelView.current())["last_error"]
    assert (error["type"], error["execution_count"]) == ("ZeroDivisionError", failed)


def test_last_error_is_reported_beside_a_stale_saved_notebook(
    shell: InteractiveShell, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In JupyterLab the kernel reads the saved file, often saved before the cells ran:
    the error the kernel recorded still reaches the model (notebooks/02's last cell)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('orders["price"].mean()')]
    path = tmp_path / "unsaved_run.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    shell.run_cell("{}['price']", store_history=True)
    cells = get_notebook_cells(KernelView.current())
    assert cells["from"] == "notebook_file"
    assert cells["cells"][0]["outputs"] == []
    error = cells["last_error"]
    assert (error["type"], error["message"]) == ("KeyError", "'price'")
    assert "last_error" not in get_notebook_cells(KernelView.current(), include_outputs=False)


def test_no_shell_means_no_cells() -> None:
    result = get_notebook_cells(KernelView({}))
    assert result["cells"] == [] and "no IPython history" in result["note"]


# -- tool_json: the entry point the JupyterLab extension calls --------------------------------


def strict_loads(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def test_tool_json_reads_the_ipython_namespace(shell: InteractiveShell) -> None:
    shell.run_cell("import pandas as pd\ntj_frame = pd.DataFrame({'amount': [1.0, float('nan')]})")
    module = __import__("jupyter_chatkit.kernel.introspect", fromlist=["x"])
    listed = strict_loads(module.tool_json("list_kernel_variables", '{"name_filter": "tj_"}'))
    assert [v["name"] for v in listed["variables"]] == ["tj_frame"]
    detail = strict_loads(module.tool_json("inspect_kernel_variable", '{"name": "tj_frame"}'))
    assert detail["columns"] == [{"name": "amount", "dtype": "float64", "nulls": 1}]
    assert detail["head"] == [[1.0], ["nan"]]
    assert "pd" not in [
        v["name"] for v in strict_loads(tool_json("list_kernel_variables"))["variables"]
    ]
    # The shell is IPython's singleton: leave no frame behind for other modules' tests.
    shell.user_ns.pop("tj_frame", None)


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("list_kernel_variables", "{not json", "are not valid JSON"),
        # Nested deeper than the parser goes.
        ("list_kernel_variables", "[" * 100_000, "are not valid JSON"),
        ("list_kernel_variables", "[1]", "must be a JSON object"),
        ("list_kernel_variables", '{"max_items": "5"}', "max_items must be an integer"),
        ("list_kernel_variables", '{"max_items": true}', "max_items must be an integer"),
        ("list_kernel_variables", '{"name_filter": 3}', "name_filter must be a string"),
        ("list_kernel_variables", '{"limit": 3}', "Unknown argument 'limit'"),
        ("get_notebook_cells", '{"include_outputs": "yes"}', "must be true or false"),
        ("inspect_kernel_variable", "{}", "needs the argument 'name'"),
        ("run_code", "{}", "Unknown tool 'run_code'"),
    ],
)
def test_tool_json_rejects_bad_calls_readably(name: str, args: str, message: str) -> None:
    result = strict_loads(tool_json(name, args))
    assert list(result) == ["error"]
    assert message in result["error"]


def test_tool_json_reads_cells_nested_deeper_than_the_parser_goes_as_none_sent() -> None:
    # As cells that are not JSON: the tool reads the kernel's own record instead.
    deep = strict_loads(tool_json("get_notebook_cells", "{}", "[" * 100_000))
    assert deep == strict_loads(tool_json("get_notebook_cells", "{}", "{not json"))


def test_tool_json_accepts_empty_and_integral_float_args() -> None:
    assert "variables" in strict_loads(tool_json("list_kernel_variables", ""))
    assert "variables" in strict_loads(tool_json("list_kernel_variables", '{"max_items": 5.0}'))
    assert "cell" in strict_loads(tool_json("get_active_cell", "{}"))


def test_run_tool_turns_a_broken_library_object_into_an_error() -> None:
    # pandas' own code fails on this frame (its block manager is gone).
    frame = pd.DataFrame({"a": [1]})
    object.__setattr__(frame, "_mgr", None)
    listed = run_tool("list_kernel_variables", {}, KernelView({"frame": frame}))
    assert listed["variables"][0]["error"] == "could not summarize (AttributeError)"
    detail = run_tool("inspect_kernel_variable", {"name": "frame"}, KernelView({"frame": frame}))
    assert detail["error"] == "Could not inspect 'frame' (AttributeError)."


def test_a_frame_subclass_is_described_without_its_properties() -> None:
    """A subclass's raising ``shape`` is user code: the frame is read as pandas' own
    (c58630a), so it is described, not an error."""

    class Exploding(pd.DataFrame):
        @property
        def shape(self) -> Any:  # type: ignore[override]
            raise RuntimeError("boom")

    frame = Exploding({"a": [1]})
    listed = run_tool("list_kernel_variables", {}, KernelView({"frame": frame}))
    assert "error" not in listed["variables"][0]
    detail = run_tool("inspect_kernel_variable", {"name": "frame"}, KernelView({"frame": frame}))
    assert detail["shape"] == [1, 1]


def test_module_namespace_is_used_outside_ipython(tmp_path: Path) -> None:
    script = (
        "answer = 42\n"
        "from jupyter_chatkit.kernel.introspect import tool_json\n"
        "print(tool_json('list_kernel_variables', '{}'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 0, done.stderr
    names = [v["name"] for v in strict_loads(done.stdout)["variables"]]
    assert names == ["answer"]
    assert "IPython" not in done.stderr
