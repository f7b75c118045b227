"""pandas columns backed by a third-party ExtensionArray: describing them runs none of its
code (its ``__getitem__``, ``__len__``, ``dtype`` property, the dtype's ``__str__``...);
they are named with their array's class and their values are not read, saying so. The
rest of the frame is described as usual."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray, ExtensionDtype, register_extension_dtype

from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool
from jupyter_chatkit.kernel.known_secrets import known_secrets

CALLS: list[str] = []
SECRET = "Zq8wL3vN7pX2kRt"


@register_extension_dtype
class SpyDtype(ExtensionDtype):
    """A user's dtype whose name and string form are code of its own."""

    type = str

    @property
    def name(self) -> str:
        CALLS.append("dtype.name")
        return "spy"

    def __str__(self) -> str:
        CALLS.append("dtype.__str__")
        return "spy"

    def __repr__(self) -> str:
        CALLS.append("dtype.__repr__")
        return "SpyDtype()"

    @classmethod
    def construct_array_type(cls) -> type[SpyArray]:
        return SpyArray


class SpyArray(ExtensionArray):
    """A user's ExtensionArray that notes every call pandas makes into it."""

    def __init__(self, values: Any) -> None:
        self._v = np.asarray(values, dtype=object)

    @classmethod
    def _from_sequence(cls, scalars: Any, dtype: Any = None, copy: bool = False) -> SpyArray:
        return cls(scalars)

    def __getitem__(self, item: Any) -> Any:
        CALLS.append("__getitem__")
        got = self._v[item]
        return SpyArray(got) if isinstance(got, np.ndarray) else got

    def __len__(self) -> int:
        CALLS.append("__len__")
        return len(self._v)

    def __iter__(self) -> Any:
        CALLS.append("__iter__")
        return iter(self._v)

    @property
    def dtype(self) -> SpyDtype:
        CALLS.append("array.dtype")
        return SpyDtype()

    @property
    def nbytes(self) -> int:
        CALLS.append("nbytes")
        return 0

    def isna(self) -> Any:
        CALLS.append("isna")
        return np.zeros(len(self._v), dtype=bool)

    def take(self, indices: Any, allow_fill: bool = False, fill_value: Any = None) -> SpyArray:
        CALLS.append("take")
        return SpyArray(self._v.take(indices))

    def copy(self) -> SpyArray:
        CALLS.append("copy")
        return SpyArray(self._v.copy())

    @classmethod
    def _concat_same_type(cls, to_concat: Any) -> SpyArray:
        return cls(np.concatenate([a._v for a in to_concat]))

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        CALLS.append("__array__")
        return self._v

    def __repr__(self) -> str:
        CALLS.append("__repr__")
        return "SpyArray"


def _namespace() -> dict[str, Any]:
    password = pd.Series(SpyArray([SECRET, "b"]), name="password")
    return {
        "frame": pd.DataFrame({"password": password, "n": [1, 2]}),
        "password_series": password,
        "notes": pd.Series(SpyArray(["x", "y"]), name="notes"),
        "labelled": pd.Series([1, 2], index=pd.Index(SpyArray(["a", "b"]))),
        "index": pd.Index(SpyArray(["a", "b"])),
    }


def test_no_code_of_an_extension_array_runs_to_describe_it() -> None:
    ns = _namespace()
    CALLS.clear()
    found = known_secrets(ns)
    listed = dumps(run_tool("list_kernel_variables", {}, KernelView(ns)))
    inspected = [
        dumps(run_tool("inspect_kernel_variable", {"name": name}, KernelView(ns))) for name in ns
    ]
    assert CALLS == []
    assert SECRET not in listed + "".join(inspected)
    assert found == ()  # its values are not read, so not known either


def test_the_frame_names_the_foreign_column_and_describes_the_rest() -> None:
    ns = _namespace()
    frame = json.loads(
        dumps(run_tool("inspect_kernel_variable", {"name": "frame"}, KernelView(ns)))
    )
    assert frame["shape"] == [2, 2]
    assert [c["name"] for c in frame["columns"]] == ["n"]
    assert frame["foreign_columns"] == [
        {
            "name": "password",
            "array": f"{__name__}.SpyArray",
            "values": frame["foreign_columns"][0]["values"],
        }
    ]
    assert "not read" in frame["foreign_columns"][0]["values"]
    assert frame["head"] == [[1], [2]]
    # Under a foreign index even the length asks the array: only names are said.
    series = json.loads(
        dumps(run_tool("inspect_kernel_variable", {"name": "labelled"}, KernelView(ns)))
    )
    assert series["index"]["array"].endswith("SpyArray") and "not read" in series["values"]


def test_pandas_own_extension_arrays_are_still_read() -> None:
    ns = {
        "frame": pd.DataFrame(
            {
                "kind": pd.Categorical(["a", "b"]),
                "count": pd.array([1, None], dtype="Int64"),
                "label": pd.array(["x", "y"], dtype="string"),
                "when": pd.date_range("2024-01-01", periods=2, tz="UTC"),
            }
        )
    }
    frame = json.loads(
        dumps(run_tool("inspect_kernel_variable", {"name": "frame"}, KernelView(ns)))
    )
    assert "foreign_columns" not in frame
    assert [c["dtype"] for c in frame["columns"]] == [
        "category",
        "Int64",
        "string",
        str(ns["frame"]["when"].dtype),
    ]
    assert frame["head"][0][:3] == ["a", 1, "x"]
