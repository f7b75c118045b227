"""Context you can trust: budgets under maximal arguments, whole errors, richer summaries.

Real pandas, polars, numpy and scikit-learn objects; a real IPython shell for errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.context_policy import MAX_RESULT_CHARS
from jupyter_chatkit.context_policy.errors import exception_message
from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool


def listing(ns: dict[str, Any], **args: Any) -> dict[str, Any]:
    return run_tool("list_kernel_variables", args, KernelView(ns))


def inspect(ns: dict[str, Any], name: str) -> dict[str, Any]:
    return run_tool("inspect_kernel_variable", {"name": name}, KernelView(ns))


def by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {v["name"]: v for v in result["variables"]}


# -- budgets ------------------------------------------------------------------------------------


def many_frames() -> dict[str, Any]:
    """60 thirty-column frames, 200 long strings and 200 dicts: a busy analysis."""
    rng = np.random.default_rng(0)
    ns: dict[str, Any] = {}
    names = ["sales", "orders", "customers", "returns", "inventory", "forecast"]
    for i in range(60):
        cols = {f"{names[i % 6]}_measure_{j}_long_name": rng.random(50) for j in range(30)}
        ns[f"{names[i % 6]}_{chr(97 + i % 26)}{chr(97 + i // 26)}"] = pd.DataFrame(cols)
    for i in range(200):
        tag = f"{chr(97 + i % 26)}{chr(97 + i // 26)}"
        ns[f"note_{tag}"] = "lorem ipsum dolor sit amet " * 40
        ns[f"cfg_{tag}"] = {f"key{k}": list(range(20)) for k in range(10)}
    return ns


@pytest.mark.parametrize("max_items", [1, 100, 500, 10_000])
def test_listing_fits_whatever_max_items(max_items: int) -> None:
    result = listing(many_frames(), max_items=max_items)
    assert len(dumps(result)) <= MAX_RESULT_CHARS
    assert result["total"] == 460
    if max_items >= 100:
        assert result["omitted"] > 0 and "name_filter" in result["note"]
        assert "compactly" in result["note"]
        compact = [v for v in result["variables"] if "head" not in v and "shape" in v]
        assert compact, "past the full entries, frames are listed compactly"


def test_numbered_families_collapse_into_one_entry() -> None:
    ns = {f"seg_{i}": pd.DataFrame({"a": [i]}) for i in range(1, 76)}
    ns["total"] = 3
    result = listing(ns)
    family = by_name(result)["seg_1 … seg_75"]
    assert family["count"] == 75 and family["type"] == "pandas.DataFrame"
    assert family["first"]["name"] == "seg_1" and "name_filter='seg_'" in family["note"]
    # A filter asks for the members themselves.
    assert len(listing(ns, name_filter="seg_")["variables"]) == 75


def test_wide_frame_gives_fifty_columns_and_a_dtype_summary() -> None:
    names = [f"feature_{i}_long_name" for i in range(3000)]
    wide = pd.DataFrame(np.zeros((5, 3000)), columns=names)
    wide["label"] = "x"
    detail = inspect({"wide": wide}, "wide")
    assert len(detail["columns"]) == 50 and detail["more_columns"] == 2951
    assert detail["dtype_summary"] == {"float64": 3000, str(wide.dtypes["label"]): 1}
    assert "first 50" in detail["columns_note"]
    assert len(dumps(detail)) <= MAX_RESULT_CHARS


def test_three_hundred_cells_fit_whatever_max_cells(shell: InteractiveShell) -> None:
    for i in range(300):
        text = "lorem ipsum " * 60
        shell.run_cell(
            f"# section {i}\nsection_{i} = {{'n': {i}, 'text': {text!r}}}\nsection_{i}",
            store_history=True,
        )
    for max_cells in (1, 200, 10_000):
        result = run_tool("get_notebook_cells", {"max_cells": max_cells}, KernelView.current())
        assert len(dumps(result)) <= MAX_RESULT_CHARS
        assert result["cells"][-1]["source"].startswith("# section 299")
    assert "omitted_cells" in result and "include_outputs=false" in result["omitted_note"]
    for i in range(300):
        shell.user_ns.pop(f"section_{i}", None)


# -- errors, whole ------------------------------------------------------------------------------


def test_errors_are_recorded_per_execution_with_the_users_frames(shell: InteractiveShell) -> None:
    for source in (
        "import numpy as np\nfrom sklearn.linear_model import LogisticRegression",
        "X_bad = np.zeros((10, 2)); y_bad = np.zeros(8)",
        "def train(X, y):\n    return LogisticRegression().fit(X, y)\n",
    ):
        shell.run_cell(source, store_history=True)
    failing = shell.execution_count
    shell.run_cell("model = train(X_bad, y_bad)", store_history=True)
    shell.run_cell("1 / 0", store_history=True)
    cells = run_tool("get_notebook_cells", {}, KernelView.current())
    errors = {c["execution_count"]: c["error"] for c in cells["cells"] if "error" in c}
    assert set(errors) >= {failing, failing + 1}, "both errors are kept, not only the last"
    error = errors[failing]
    assert error["type"] == "ValueError" and "inconsistent numbers of samples" in error["message"]
    tb = error["traceback"]
    first = f"Cell In[{failing}], line 1, in <module>\n    model = train(X_bad, y_bad)"
    assert tb.startswith(first)
    assert f"Cell In[{failing - 1}], line 2, in train" in tb
    assert "library frame" in tb and "sklearn" in tb
    assert tb.endswith(f"ValueError: {error['message']}") and len(tb) <= 2_000
    assert "\x1b" not in dumps(cells)
    shell.user_ns.pop("X_bad", None)
    shell.user_ns.pop("y_bad", None)


def test_the_active_cell_of_a_chat_cell_is_the_cell_before_it(shell: InteractiveShell) -> None:
    shell.run_cell("chosen_one = 41 + 1", store_history=True)
    shell.run_cell(
        "from jupyter_chatkit.kernel.introspect import run_tool\n"
        "asked = run_tool('get_active_cell')",
        store_history=True,
    )
    asked = shell.user_ns.pop("asked")
    assert asked["cell"]["source"] == "chosen_one = 41 + 1"
    assert "before the chat cell" in asked["note"]
    # Outside a running cell (JupyterLab's silent call), the newest cell is the active one.
    idle = run_tool("get_active_cell", {}, KernelView.current())
    assert "asked = run_tool" in idle["cell"]["source"]
    # ...unless it holds the chat widget (%chat): then the cell before it.
    shell.run_cell("chat_here = 'Chat()'  # stands for the widget's cell", store_history=True)
    shell.run_cell("widget = Chat", store_history=True)
    shell.run_cell("%chat", store_history=True)
    from_widget = run_tool("get_active_cell", {}, KernelView.current())
    assert from_widget["cell"]["source"] == "widget = Chat"
    assert "before the chat cell" in from_widget["note"]


def test_exception_messages_never_run_notebook_code() -> None:
    class Loud(Exception):
        def __str__(self) -> str:
            raise AssertionError("ran user code")

    Loud.__module__ = "__main__"
    assert exception_message(Loud("plain", 3)) == "plain, 3"

    class Arg:
        def __repr__(self) -> str:
            raise AssertionError("ran user code")

    assert "not read" in exception_message(ValueError(Arg()))
    assert exception_message(KeyError("revenue")) == "'revenue'"


# -- richer summaries -----------------------------------------------------------------------------


def test_pandas_index_labels_levels_and_categories() -> None:
    mi = pd.DataFrame(
        {"revenue": [385.20000000000005, 2.5]},
        index=pd.MultiIndex.from_tuples(
            [("north", 2020), ("south", 2021)], names=["region", "year"]
        ),
    )
    cat = pd.DataFrame({"tier": pd.Categorical(["gold", "basic", "gold"])}, index=["a", "b", "c"])
    ns = {"mi": mi, "cat": cat}
    entries = by_name(listing(ns))
    assert entries["mi"]["index"] == ["region", "year"]
    assert entries["mi"]["row_labels"] == [["north", 2020], ["south", 2021]]
    assert entries["mi"]["head"][0] == [385.2]  # rounded for display
    assert entries["cat"]["columns"][0]["categories"] == ["basic", "gold"]
    assert entries["cat"]["row_labels"] == ["a", "b", "c"]
    detail = inspect(ns, "mi")
    assert detail["index"]["names"] == ["region", "year"] and detail["index"]["levels"] == 2
    assert detail["head_row_labels"] == [["north", 2020], ["south", 2021]]


def test_polars_lazyframe_schema_and_numpy_masked_and_sampled_stats() -> None:
    lazy = pl.LazyFrame({"x": [1, 2], "y": ["a", "b"]}).with_columns(z=pl.col("x") * 2.5)
    masked = np.ma.masked_array([1.0, 2.0, 3.0, 4.0], mask=[0, 1, 0, 1])
    huge = np.arange(12_000_000, dtype=np.float64)
    ns = {"lazy": lazy, "masked": masked, "huge": huge}
    entries = by_name(listing(ns))
    assert entries["lazy"]["columns"] == [
        {"name": "x", "dtype": "Int64"},
        {"name": "y", "dtype": "String"},
        {"name": "z", "dtype": "Float64"},
    ]
    assert entries["masked"]["masked"] == 2 and entries["masked"]["preview"] == "[1 -- 3 --]"
    detail = inspect(ns, "masked")
    assert (detail["min"], detail["max"], detail["mean"]) == (1.0, 3.0, 2.0)
    stats = inspect(ns, "huge")
    assert "sample of" in stats["stats_over"] and stats["min"] == 0.0
    assert stats["max"] > 11_000_000


# scikit-learn is imported by the two tests that use it, not at collection: its import (scipy
# with it) cost ~2.3 s of CPU in every pytest process collecting this module, each xdist
# worker of the whole suite included, and no other test imports it.


def test_sklearn_pipeline_steps_params_and_fitted_facts() -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X = pd.DataFrame({"age": np.arange(20.0), "city": ["a", "b"] * 10})
    y = np.array(["no", "yes"] * 10)
    pre = ColumnTransformer(
        [("num", StandardScaler(), ["age"]), ("cat", OneHotEncoder(), ["city"])]
    )
    pipe = Pipeline([("pre", pre), ("scale", "passthrough"), ("clf", LogisticRegression(C=0.5))])
    pipe.fit(X, y)
    ns = {"pipe": pipe, "unfitted": LogisticRegression()}
    entry = by_name(listing(ns))["pipe"]
    assert entry["steps"] == [
        "pre: sklearn.compose.ColumnTransformer",
        "scale: passthrough",
        "clf: sklearn.linear_model.LogisticRegression",
    ]
    assert entry["fitted"] is True and entry["feature_names_in_"] == ["age", "city"]
    assert entry["classes_"] == ["no", "yes"]
    assert by_name(listing(ns))["unfitted"]["fitted"] is False
    detail = inspect(ns, "pipe")
    pre_step, _, clf = detail["steps"]
    assert [t["name"] for t in pre_step["transformers"]] == ["num", "cat"]
    assert pre_step["transformers"][1]["params"]["handle_unknown"] == "error"
    assert clf["params"]["C"] == 0.5 and clf["classes_"] == ["no", "yes"]


class Hostile:
    """Every hook that could run code when something is looked at, raising."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"__getattr__({name}) ran")

    def __repr__(self) -> str:
        raise AssertionError("__repr__ ran")

    def __len__(self) -> int:
        raise AssertionError("__len__ ran")


def sneaky_estimator(alpha: float) -> Any:
    """A user estimator (a scikit-learn BaseEstimator) whose property must not run."""
    from sklearn.base import BaseEstimator

    class SneakyEstimator(BaseEstimator):
        def __init__(self, alpha: float = 1.0) -> None:
            self.alpha = alpha

        @property
        def coef_(self) -> Any:
            raise AssertionError("property ran")

        @classmethod
        def _get_param_names(cls) -> list[str]:
            raise AssertionError("the estimator's own _get_param_names ran")

    return SneakyEstimator(alpha=alpha)


@pytest.fixture
def hostile() -> Iterator[dict[str, Any]]:
    yield {
        "hostile": Hostile(),
        "in_list": [Hostile(), (Hostile(),)],
        "in_frame": pd.DataFrame({"h": [Hostile()]}),
        "estimator": sneaky_estimator(alpha=0.3),
    }


def test_hostile_objects_stay_untouched(hostile: dict[str, Any]) -> None:
    result = listing(hostile)
    assert {v["name"] for v in result["variables"]} == set(hostile)
    for name in hostile:
        detail = inspect(hostile, name)
        assert "error" not in detail, detail
    assert inspect(hostile, "estimator")["params"] == {"alpha": 0.3}


def test_tuples_and_lists_keep_their_structure() -> None:
    detail = inspect({"t": (1, (2, 3), [4, (5, 6.000000000000001)])}, "t")
    assert detail["items"] == [1, [2, 3], [4, [5, 6.0]]]
    assert json.loads(dumps(detail))["type"] == "tuple"


# -- the kernel's own notebook file ------------------------------------------------------------


IPYTHON_TB = [
    "\x1b[31m---------------------------------------------------------------------------\x1b[39m",
    "\x1b[31mValueError\x1b[39m                                Traceback (most recent call last)",
    "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[7]\x1b[39m\x1b[32m, line 3\x1b[39m\n"
    "      1 pipe = make_pipeline(StandardScaler(), LogisticRegression())\n----> 3 pipe.fit(X, y)",
    "File /usr/lib/python3.11/site-packages/sklearn/base.py:1389, in wrapper\n   1387 return f()",
    "File /usr/lib/python3.11/site-packages/sklearn/pipeline.py:654, in Pipeline.fit\n    652 Xt",
    "File /usr/lib/python3.11/site-packages/sklearn/utils/validation.py:475, in check\n"
    "--> 475 raise ValueError(msg)",
    "\x1b[31mValueError\x1b[39m: Found input variables with inconsistent numbers of samples",
]


def test_saved_notebook_is_read_when_the_kernel_knows_it(
    shell: InteractiveShell, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Churn model\nWhy customers leave."),
        nbformat.v4.new_code_cell("pipe.fit(X, y)", execution_count=7),
        nbformat.v4.new_code_cell("print('never run')"),
    ]
    nb.cells[1].outputs = [
        nbformat.v4.new_output(
            "error", ename="\x1b[31mValueError\x1b[39m", evalue="inconsistent", traceback=IPYTHON_TB
        )
    ]
    path = tmp_path / "churn.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    result = run_tool("get_notebook_cells", {}, KernelView.current())
    assert result["from"] == "notebook_file" and result["notebook"] == "churn.ipynb"
    assert [c["cell_type"] for c in result["cells"]] == ["markdown", "code", "code"]
    assert result["cells"][0]["source"].startswith("# Churn model")
    error = result["cells"][1]["outputs"][0]
    assert error["ename"] == "ValueError" and "\x1b" not in dumps(result)
    assert error["text"].startswith("Cell In[7], line 3")
    assert "2 library frames omitted" in error["text"]
    assert "validation.py:475" in error["text"]
    assert error["text"].endswith("inconsistent numbers of samples")
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "missing.ipynb"))
    fallback = run_tool("get_notebook_cells", {}, KernelView.current())
    assert fallback["from"] == "kernel_execution_history"
