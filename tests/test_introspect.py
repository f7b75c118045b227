"""Kernel introspection: what each kind of variable looks like, and that it stays bounded.

These run the real functions over real pandas/polars/numpy objects. The "bombs" below
record any call to repr/str/len/iter and raise (or sleep): summaries must never touch
an object they do not know to be cheap.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import OrderedDict, deque
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

from jupyter_chatkit.context_policy import MAX_RESULT_CHARS
from jupyter_chatkit.kernel import introspect
from jupyter_chatkit.kernel.introspect import (
    KernelView,
    inspect_kernel_variable,
    list_kernel_variables,
    run_tool,
)
from jupyter_chatkit.kernel.values import brief

BIG_ROWS = 10_000_000


class Touched(Exception):
    """Raised by a bomb when something calls into it."""


CALLS: list[str] = []


class ReprBomb:
    """An object of unknown size: any repr/str/len/iter/format is a failure."""

    def __init__(self) -> None:
        self.payload = "x"

    def __repr__(self) -> str:
        CALLS.append("repr")
        raise Touched("repr")

    def __str__(self) -> str:
        CALLS.append("str")
        raise Touched("str")

    def __format__(self, spec: str) -> str:
        CALLS.append("format")
        raise Touched("format")

    def __len__(self) -> int:
        CALLS.append("len")
        raise Touched("len")

    def __iter__(self) -> Iterator[Any]:
        CALLS.append("iter")
        raise Touched("iter")


class SlowRepr:
    """A repr that would take five seconds."""

    def __repr__(self) -> str:
        CALLS.append("slow repr")
        time.sleep(5)
        return "slow"


class SneakyList(list):  # type: ignore[type-arg]
    """A list whose Python-level methods must not be used."""

    def __len__(self) -> int:
        CALLS.append("list len")
        raise Touched("len")

    def __iter__(self) -> Iterator[Any]:
        CALLS.append("list iter")
        raise Touched("iter")

    def __repr__(self) -> str:
        CALLS.append("list repr")
        raise Touched("repr")

    def __getitem__(self, i: Any) -> Any:
        CALLS.append("list getitem")
        raise Touched("getitem")


class SneakyDict(dict):  # type: ignore[type-arg]
    def __len__(self) -> int:
        CALLS.append("dict len")
        raise Touched("len")

    def items(self) -> Any:
        CALLS.append("dict items")
        raise Touched("items")

    def __repr__(self) -> str:
        CALLS.append("dict repr")
        raise Touched("repr")


class SneakyStr(str):
    __slots__ = ()

    def __repr__(self) -> str:
        CALLS.append("str repr")
        raise Touched("repr")

    def __len__(self) -> int:
        CALLS.append("str len")
        raise Touched("len")


@pytest.fixture(autouse=True)
def _no_calls() -> Iterator[None]:
    CALLS.clear()
    yield
    assert CALLS == [], f"a summary called into an object it must not touch: {CALLS}"


@pytest.fixture(scope="session")
def big_frame() -> pd.DataFrame:
    """10 million rows, two columns (~160 MB), built once per session."""
    rng = np.random.default_rng(0)
    return pd.DataFrame({"id": np.arange(BIG_ROWS), "value": rng.random(BIG_ROWS)})


def main_function() -> int:
    """A function that looks like it was defined in a notebook."""
    return 1


main_function.__module__ = "__main__"


class MainClass:
    """A class defined in the notebook."""

    def method(self) -> None:
        """Does nothing."""


MainClass.__module__ = "__main__"


def bombs() -> dict[str, Any]:
    """Every hostile object, directly and nested in containers and frames."""
    return {
        "bomb": ReprBomb(),
        "slow": SlowRepr(),
        "sneaky_list": SneakyList([1, 2, ReprBomb()]),
        "sneaky_dict": SneakyDict(a=ReprBomb()),
        "sneaky_str": SneakyStr("hello " * 1000),
        "nested": {"k": [ReprBomb(), (SlowRepr(),)]},
        "obj_frame": pd.DataFrame({"o": [ReprBomb(), SlowRepr(), 1]}),
        "obj_series": pd.Series([SlowRepr(), ReprBomb()]),
        "obj_array": np.array([ReprBomb(), SlowRepr()], dtype=object),
        "huge_int": 10**20_000,
    }


def by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {v["name"]: v for v in result["variables"]}


# -- what each kind looks like ----------------------------------------------------------------


def test_pandas_frame_summary_has_shape_dtypes_and_bounded_head() -> None:
    df = pd.DataFrame(
        {"region": ["north", "south", "east", "west"], "sales": [1.5, 2.0, None, 4.25]}
    )
    entry = by_name(list_kernel_variables(KernelView({"df": df})))["df"]
    assert entry["type"] == "pandas.DataFrame"
    assert entry["shape"] == [4, 2]
    assert entry["columns"] == [
        {"name": "region", "dtype": str(df.dtypes["region"])},
        {"name": "sales", "dtype": "float64"},
    ]
    assert entry["head"] == [["north", 1.5], ["south", 2.0], ["east", "nan"]]


def test_series_polars_and_numpy_summaries() -> None:
    ns = {
        "s": pd.Series([3, 1, 2], name="score"),
        "pf": pl.DataFrame({"x": [1, None, 3], "y": ["a", "b", "c"]}),
        "ps": pl.Series("q", [1.5, 2.5]),
        "arr": np.arange(1_000_000, dtype=np.float32).reshape(1000, 1000),
        "cube": np.zeros((4, 5, 6, 7, 8, 9)),
    }
    entries = by_name(list_kernel_variables(KernelView(ns)))
    assert entries["s"] == {
        "name": "s",
        "type": "pandas.Series",
        "length": 3,
        "dtype": "int64",
        "series_name": "score",
        "head": [3, 1, 2],
    }
    assert entries["pf"]["columns"] == [
        {"name": "x", "dtype": "Int64"},
        {"name": "y", "dtype": "String"},
    ]
    assert entries["pf"]["head"][1] == [None, "b"]
    assert entries["ps"]["head"] == [1.5, 2.5]
    arr = entries["arr"]
    assert arr["shape"] == [1000, 1000] and arr["dtype"] == "float32"
    assert "..." in arr["preview"] and len(arr["preview"]) <= 300
    cube = entries["cube"]
    assert cube["preview"].startswith("first 2-D slice [0, 0, 0, 0, :, :]")


def test_builtins_are_bounded() -> None:
    lists = [list(range(i)) for i in range(1_000)]
    ns = {
        "n": 42,
        "x": 2.5,
        "nan": float("nan"),
        "flag": True,
        "text": "abc" * 10_000,
        "items": list(range(1_000_000)),
        # 10,000 keys, lists up to 999 long (shared: 50,000,000 ints took ~9 s to make).
        "table": {f"k{i}": lists[i % 1_000] for i in range(10_000)},
        "pair": (1, "two"),
        "tags": {"a"},
        "raw": b"\x00" * 100_000,
        "when": dt.date(2024, 1, 2),
        "queue": deque(range(10)),
        "ordered": OrderedDict(a=1),
        "nothing": None,
    }
    entries = by_name(list_kernel_variables(KernelView(ns)))
    assert entries["n"]["value"] == 42
    assert entries["nan"]["value"] == "nan"
    assert entries["flag"]["value"] is True
    assert entries["text"]["length"] == 30_000 and len(entries["text"]["value"]) < 120
    assert entries["items"]["length"] == 1_000_000
    assert entries["items"]["preview"] == "[0, 1, 2, 3, 4, … 999,995 more]"
    assert entries["table"]["length"] == 10_000 and len(entries["table"]["preview"]) <= 300
    assert entries["pair"]["preview"] == "(1, 'two')"
    assert entries["raw"]["preview"].startswith("bytes(100,000)")
    assert entries["when"] == {"name": "when", "type": "datetime.date", "value": "2024-01-02"}
    assert entries["queue"]["preview"] == "deque([0, 1, 2, 3, 4, … 5 more])"
    assert entries["nothing"]["value"] is None
    assert all(len(json.dumps(e)) < 700 for e in entries.values())


def test_which_names_are_listed() -> None:
    def imported() -> None:
        """Defined in this test module, like something imported."""

    ns = {
        "In": [""],
        "Out": {},
        "exit": object(),
        "get_ipython": lambda: None,
        "_": 1,
        "_private": 2,
        "np": np,
        "helper": imported,
        "notebook_func": main_function,
        "NotebookClass": MainClass,
        "Imported": OrderedDict,
        "kept": 3,
    }
    result = list_kernel_variables(KernelView(ns))
    assert [v["name"] for v in result["variables"]] == ["kept", "NotebookClass", "notebook_func"]
    funcs = by_name(result)
    assert funcs["notebook_func"]["signature"] == "main_function() -> 'int'"
    assert funcs["NotebookClass"]["doc"] == "A class defined in the notebook."


def test_ipython_hidden_names_are_skipped_until_rebound() -> None:
    marker = object()
    view = KernelView({"In": marker, "open": 5, "mine": 1}, hidden={"In": marker, "open": open})
    names = [v["name"] for v in list_kernel_variables(view)["variables"]]
    # Like %who: "open" was rebound by the user, so it is theirs now.
    assert names == ["mine", "open"]


def test_frames_first_then_newest_first_and_filter_and_max_items() -> None:
    ns = {"a": 1, "df_sales": pd.DataFrame({"x": [1]}), "b": 2, "c": 3, "sales_total": 9}
    view = KernelView(ns)
    assert [v["name"] for v in list_kernel_variables(view)["variables"]] == [
        "df_sales",
        "sales_total",
        "c",
        "b",
        "a",
    ]
    filtered = list_kernel_variables(view, name_filter="SALES")
    assert [v["name"] for v in filtered["variables"]] == ["df_sales", "sales_total"]
    capped = list_kernel_variables(view, max_items=2)
    assert capped["total"] == 5 and capped["omitted"] == 3 and "name_filter" in capped["note"]
    assert list_kernel_variables(view, name_filter="zzz")["note"] == (
        "no variables match that filter."
    )


# -- never touching unknown objects -------------------------------------------------------------


def test_hostile_objects_are_never_touched() -> None:
    # The autouse guard fails the test if any hostile method ran (SlowRepr included).
    ns = bombs()
    listing = list_kernel_variables(KernelView(ns))
    details = {name: inspect_kernel_variable(KernelView(ns), name) for name in ns}
    entries = by_name(listing)
    assert entries["bomb"] == {"name": "bomb", "type": "tests.test_introspect.ReprBomb"}
    assert entries["sneaky_list"]["length"] == 3
    assert "ReprBomb object" in entries["sneaky_list"]["preview"]
    assert entries["sneaky_str"]["length"] == 6000
    assert entries["obj_frame"]["head"][0] == ["<tests.test_introspect.ReprBomb object>"]
    assert entries["huge_int"]["value"] == "<int with 66,439 bits>"
    assert details["bomb"]["attributes"] == {"payload": "'x'"}
    assert "repr not shown" in details["slow"]["note"]
    assert details["obj_series"]["head"][0] == "<tests.test_introspect.SlowRepr object>"
    json.loads(tool_json_for(ns, "list_kernel_variables", {}))


def tool_json_for(ns: dict[str, Any], name: str, args: dict[str, Any]) -> str:
    return introspect.dumps(run_tool(name, args, KernelView(ns)))


def test_brief_of_nested_structures_is_bounded() -> None:
    deep: list[Any] = []
    node = deep
    for _ in range(10_000):
        child: list[Any] = []
        node.append(child)
        node = child
    assert brief(deep) == "[[… 1 more]]"
    assert brief(deep, depth=3) == "[[[[… 1 more]]]]"
    wide = {i: "v" * 1000 for i in range(100_000)}
    assert len(brief(wide, 80)) <= 80


# -- 1,000 variables and a 10-million-row frame: bounded work (timed in bench/) -------------


def thousand_variables(big_frame: pd.DataFrame) -> dict[str, Any]:
    """A namespace of 1,000 variables of every kind, plus the 10M-row frame."""
    rng = np.random.default_rng(1)
    kinds: list[Any] = [
        lambda i: i,
        lambda i: i * 0.5,
        lambda i: f"text {i} " * 20,
        lambda i: list(range(i * 10)),
        lambda i: {"id": i, "tags": ["a", "b"], "nested": {"x": [1, 2, 3]}},
        lambda i: rng.random(i % 100 + 1),
        lambda i: (i, str(i)),
        lambda i: {i, i + 1},
        lambda i: pd.DataFrame({"a": [i, i + 1, i + 2], "b": ["x", "y", "z"]}),
        lambda i: ReprBomb() if i % 2 else SlowRepr(),
    ]
    ns: dict[str, Any] = {f"var_{i:04d}": kinds[i % len(kinds)](i) for i in range(999)}
    ns["big"] = big_frame
    return ns


def test_thousand_variables_with_a_10m_row_frame(big_frame: pd.DataFrame) -> None:
    # bench/bench_introspect.py times this very namespace; here: what comes back.
    ns = thousand_variables(big_frame)
    assert len(ns) == 1000
    result = list_kernel_variables(KernelView(ns), max_items=1000)
    assert result["total"] == 1000
    text = introspect.dumps(result)
    assert len(text) < MAX_RESULT_CHARS
    big = by_name(result)["big"]
    assert big["shape"] == [BIG_ROWS, 2]
    assert [c["name"] for c in big["columns"]] == ["id", "value"]
    assert len(big["head"]) == 3


def test_inspecting_the_10m_row_frame_is_bounded_and_says_what_it_skipped(
    big_frame: pd.DataFrame,
) -> None:
    detail = inspect_kernel_variable(KernelView({"big": big_frame}), "big")
    assert detail["null_counts_over"] == "first 2,500,000 of 10,000,000 rows"
    assert detail["columns"][0] == {"name": "id", "dtype": "int64", "nulls": 0}
    assert detail["describe"].startswith("skipped: the frame has 20,000,000 cells")
    assert len(detail["head"]) == 5
    assert detail["index"]["last"] == BIG_ROWS - 1


def test_wide_frame_is_bounded() -> None:
    wide = pd.DataFrame(np.zeros((3, 20_000)), columns=[f"c{i}" for i in range(20_000)])
    entry = by_name(list_kernel_variables(KernelView({"wide": wide})))["wide"]
    detail = inspect_kernel_variable(KernelView({"wide": wide}), "wide")
    assert len(entry["columns"]) == 30 and entry["more_columns"] == 19_970
    assert len(detail["columns"]) == 50 and detail["more_columns"] == 19_950
    assert detail["dtype_summary"] == {"float64": 20_000}
    assert len(introspect.dumps(detail)) < MAX_RESULT_CHARS


def test_past_the_time_budget_variables_are_named_and_typed_only() -> None:
    ns = {"frame": pd.DataFrame({"a": [1]}), "n": 1}
    result = list_kernel_variables(KernelView(ns), time_budget=0.0)
    assert result["variables"] == [
        {"name": "frame", "type": "pandas.DataFrame"},
        {"name": "n", "type": "int"},
    ]
    assert result["note"] == "2 shown by name and type only, to keep this short."


def test_time_the_machine_spends_elsewhere_is_not_charged_to_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A loaded machine: describing each variable takes 0.2 s of the clock but almost no
    # CPU of the kernel's (the thread waits, as a descheduled one does). All are
    # described in full, as on an idle machine.
    describe = introspect._entry

    def descheduled(*args: Any, **kwargs: Any) -> dict[str, Any]:
        time.sleep(0.2)
        return describe(*args, **kwargs)

    monkeypatch.setattr(introspect, "_entry", descheduled)
    ns = {f"v{i}": i for i in range(4)}
    result = list_kernel_variables(KernelView(ns), name_filter="v")
    assert sorted((v["name"], v.get("value")) for v in result["variables"]) == [
        ("v0", 0),
        ("v1", 1),
        ("v2", 2),
        ("v3", 3),
    ]
    assert "note" not in result


def test_lazy_frames_are_never_collected() -> None:
    lazy = pl.LazyFrame({"x": [1, 2]}).select(pl.col("x") * 2)
    view = KernelView({"lazy": lazy})
    assert by_name(list_kernel_variables(view))["lazy"] == {
        "name": "lazy",
        "type": "polars.LazyFrame",
        "note": "lazy query, not collected",
        # The schema comes from the plan; no row is computed.
        "columns": [{"name": "x", "dtype": "Int64"}],
    }
    assert "not collected" in inspect_kernel_variable(view, "lazy")["note"]


def test_listing_stays_under_the_output_limit() -> None:
    ns = {f"v{i}": "y" * 10_000 for i in range(5_000)}
    result = list_kernel_variables(KernelView(ns), max_items=500)
    assert len(introspect.dumps(result)) < MAX_RESULT_CHARS
    assert result["total"] == 5_000 and result["omitted"] == 4_500


# -- inspect_kernel_variable ----------------------------------------------------------------------


def test_inspect_frame_counts_nulls_and_describes() -> None:
    df = pd.DataFrame({"city": ["a", "b", None, "a"], "temp": [1.0, None, 3.0, 5.0]})
    detail = inspect_kernel_variable(KernelView({"weather": df}), "weather")
    assert detail["columns"] == [
        {"name": "city", "dtype": str(df.dtypes["city"]), "nulls": 1},
        {"name": "temp", "dtype": "float64", "nulls": 1},
    ]
    assert detail["null_counts_over"] == "all rows"
    assert detail["describe"]["temp"]["mean"] == 3.0
    assert detail["head_columns"] == ["city", "temp"]


def test_inspect_series_polars_array_function_class_module() -> None:
    ns = {
        "colors": pd.Series(["red", "blue", "red"]),
        "pf": pl.DataFrame({"x": [1, None, 3]}),
        "arr": np.array([1.0, np.nan, 3.0]),
        "notebook_func": main_function,
        "NotebookClass": MainClass,
        "np": np,
    }
    view = KernelView(ns)
    colors = inspect_kernel_variable(view, "colors")
    assert colors["top_values"][0] == ["red", 2]
    pf = inspect_kernel_variable(view, "pf")
    assert pf["columns"] == [{"name": "x", "dtype": "Int64", "nulls": 1}]
    arr = inspect_kernel_variable(view, "arr")
    assert arr["nan_count"] == 1 and arr["max"] == 3.0 and arr["mean"] == 2.0
    func = inspect_kernel_variable(view, "notebook_func")
    assert "return 1" in func["source"]
    cls = inspect_kernel_variable(view, "NotebookClass")
    assert cls["members"] == ["method"]
    mod = inspect_kernel_variable(view, "np")
    assert mod["module"] == "numpy" and mod["version"] == np.__version__


def test_unknown_variable_is_a_readable_error() -> None:
    view = KernelView({"sales": 1, "sale": 2})
    assert inspect_kernel_variable(view, "x") == {"error": "No variable named 'x' in the kernel."}
    assert inspect_kernel_variable(view, "saless")["did_you_mean"] == ["sales", "sale"]
