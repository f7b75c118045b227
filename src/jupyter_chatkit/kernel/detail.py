"""A detailed, still bounded, description of one variable (``inspect_kernel_variable``).

Whole-data scans (null counts, ``describe()``, min/max) run only under a size threshold;
past it they run on leading rows and say so. Unknown objects are described by their type
and instance attributes, never by their ``repr``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import itertools
import sys
import types
from collections import deque
from typing import Any

from .summarize import (
    DESCRIBE_CELLS,
    NULL_SCAN_CELLS,
    PREVIEW_CHARS,
    STATS_ELEMENTS,
    _quote,
    array_preview,
    brief,
    cell_value,
    clip,
    first_doc_line,
    json_number,
    kind_of,
    pandas_columns,
    pandas_head,
    polars_columns,
    polars_head,
    qualname,
    signature_text,
    summarize,
    type_name,
)

DETAIL_COLUMNS = 200
DETAIL_HEAD_ROWS = 5
DETAIL_HEAD_COLUMNS = 50
DETAIL_ITEMS = 20
DETAIL_STR_CHARS = 2_000
SOURCE_CHARS = 4_000
ATTRIBUTES = 30
VALUE_COUNTS = 10


def describe(value: Any) -> dict[str, Any]:
    """Everything useful and cheap to know about one value, as JSON-ready data."""
    kind = kind_of(value)
    handler = _HANDLERS.get(kind)
    if handler is not None:
        out = {"type": qualname(value)}
        out.update(handler(value))
        return out
    if isinstance(value, str):
        return {
            "type": qualname(value),
            "length": str.__len__(value),
            "value": _quote(value, DETAIL_STR_CHARS),
        }
    if isinstance(value, list | tuple | set | frozenset | dict | deque):
        return _describe_container(value)
    out = summarize(value)
    if not (set(out) - {"type"}) or dataclasses.is_dataclass(value):
        out.update(_describe_object(value))
    return out


# -- pandas ---------------------------------------------------------------------------------


def _describe_pandas_frame(df: Any) -> dict[str, Any]:
    rows, cols = df.shape
    cells = rows * cols
    out: dict[str, Any] = {"shape": [rows, cols]}
    # isna().sum() touches every cell: count on leading rows when the frame is large.
    if cells <= NULL_SCAN_CELLS:
        nulls = df.isna().sum()
        scope = "all rows"
    else:
        scan = max(1, NULL_SCAN_CELLS // max(cols, 1))
        nulls = df.iloc[:scan].isna().sum()
        scope = f"first {scan:,} of {rows:,} rows"
    out["columns"] = pandas_columns(df, DETAIL_COLUMNS, nulls=nulls)
    out["null_counts_over"] = scope
    if cols > DETAIL_COLUMNS:
        out["more_columns"] = cols - DETAIL_COLUMNS
    out["index"] = {
        "type": qualname(df.index),
        "name": cell_value(df.index.name),
        "first": cell_value(df.index[0]) if rows else None,
        "last": cell_value(df.index[-1]) if rows else None,
    }
    out["memory_bytes_shallow"] = int(df.memory_usage(index=True, deep=False).sum())
    out["head_columns"] = [cell_value(c, 100) for c in df.columns[:DETAIL_HEAD_COLUMNS]]
    out["head"] = pandas_head(df, DETAIL_HEAD_ROWS, DETAIL_HEAD_COLUMNS)
    if 0 < cells <= DESCRIBE_CELLS:
        out["describe"] = _pandas_describe(df)
    elif cells:
        out["describe"] = f"skipped: the frame has {cells:,} cells (limit {DESCRIBE_CELLS:,})"
    return out


def _pandas_describe(obj: Any) -> dict[str, Any] | str:
    if kind_of(obj) == "pandas.dataframe":
        # describe() works column by column (quantiles sort each): describe what is shown.
        obj = obj.iloc[:, :DETAIL_HEAD_COLUMNS]
    try:
        desc = obj.describe()
    except (ValueError, TypeError) as exc:
        return f"not available ({type(exc).__name__})"
    if kind_of(desc) == "pandas.series":
        return {str(k): json_number(v) for k, v in desc.items()}
    return {
        str(col): {str(stat): json_number(v) for stat, v in desc[col].items()}
        for col in desc.columns
    }


def _describe_pandas_series(s: Any) -> dict[str, Any]:
    n = len(s)
    out: dict[str, Any] = {"length": n, "dtype": str(s.dtype), "series_name": cell_value(s.name)}
    if n <= NULL_SCAN_CELLS:
        out["nulls"] = int(s.isna().sum())
    else:
        out["nulls_in_first"] = {
            "rows": NULL_SCAN_CELLS,
            "nulls": int(s.iloc[:NULL_SCAN_CELLS].isna().sum()),
        }
    out["head"] = [cell_value(v) for v in s.iloc[: DETAIL_HEAD_ROWS * 2].tolist()]
    if 0 < n <= DESCRIBE_CELLS:
        out["describe"] = _pandas_describe(s)
        if s.dtype.kind not in "iufcmM":
            counts = s.value_counts().iloc[:VALUE_COUNTS]
            out["top_values"] = [[cell_value(k), int(v)] for k, v in counts.items()]
    return out


def _describe_pandas_index(idx: Any) -> dict[str, Any]:
    return {
        "length": len(idx),
        "dtype": str(idx.dtype),
        "name": cell_value(idx.name),
        "head": [cell_value(v) for v in idx[:DETAIL_ITEMS].tolist()],
    }


# -- polars ---------------------------------------------------------------------------------


def _describe_polars_frame(df: Any) -> dict[str, Any]:
    rows, cols = df.shape
    columns = polars_columns(df, DETAIL_COLUMNS)
    # Polars keeps null counts as array metadata: null_count() does not scan the data.
    nulls = df.select(df.columns[:DETAIL_COLUMNS]).null_count().row(0)
    for entry, count in zip(columns, nulls, strict=False):
        entry["nulls"] = int(count)
    out: dict[str, Any] = {"shape": [rows, cols], "columns": columns}
    if cols > DETAIL_COLUMNS:
        out["more_columns"] = cols - DETAIL_COLUMNS
    out["estimated_bytes"] = int(df.estimated_size())
    out["head_columns"] = df.columns[:DETAIL_HEAD_COLUMNS]
    out["head"] = polars_head(df, DETAIL_HEAD_ROWS, DETAIL_HEAD_COLUMNS)
    cells = rows * cols
    if 0 < cells <= DESCRIBE_CELLS:
        try:
            desc = df.select(df.columns[:DETAIL_HEAD_COLUMNS]).describe()
            stat_col = desc.columns[0]
            out["describe"] = {
                col: {
                    str(stat): json_number(v)
                    for stat, v in zip(desc[stat_col], desc[col], strict=False)
                }
                for col in desc.columns[1:]
            }
        except Exception as exc:
            out["describe"] = f"not available ({type(exc).__name__})"
    elif cells:
        out["describe"] = f"skipped: the frame has {cells:,} cells (limit {DESCRIBE_CELLS:,})"
    return out


def _describe_polars_series(s: Any) -> dict[str, Any]:
    return {
        "length": s.len(),
        "dtype": str(s.dtype),
        "series_name": s.name,
        "nulls": int(s.null_count()),
        "head": [cell_value(v) for v in s.head(DETAIL_HEAD_ROWS * 2).to_list()],
    }


def _describe_lazyframe(lf: Any) -> dict[str, Any]:
    return {"note": "A lazy query: not collected (collecting could run an expensive query)."}


# -- numpy ----------------------------------------------------------------------------------


def _describe_ndarray(a: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "shape": list(a.shape),
        "dtype": str(a.dtype),
        "size": int(a.size),
        "nbytes": int(a.nbytes),
        "preview": array_preview(a, threshold=100, chars=1_500),
    }
    if a.dtype.kind in "biuf" and 0 < a.size <= STATS_ELEMENTS:
        np = sys.modules["numpy"]
        with np.errstate(all="ignore"):
            out["min"] = json_number(np.nanmin(a) if a.dtype.kind == "f" else a.min())
            out["max"] = json_number(np.nanmax(a) if a.dtype.kind == "f" else a.max())
            out["mean"] = json_number(np.nanmean(a) if a.dtype.kind == "f" else a.mean())
        if a.dtype.kind == "f":
            out["nan_count"] = int(np.isnan(a).sum())
    return out


def _describe_numpy_scalar(v: Any) -> dict[str, Any]:
    return {"dtype": str(v.dtype), "value": cell_value(v, PREVIEW_CHARS)}


# -- functions, classes, modules ------------------------------------------------------------


def _describe_function(f: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"signature": signature_text(f)}
    doc = inspect.getdoc(f) if isinstance(f, types.FunctionType) else first_doc_line(f)
    if doc:
        out["doc"] = clip(doc, 1_000)
    module = getattr(f, "__module__", None)
    out["module"] = module if isinstance(module, str) else None
    if isinstance(f, types.FunctionType):
        with contextlib.suppress(OSError, TypeError):
            out["source"] = clip(inspect.getsource(f), SOURCE_CHARS)
    return out


def _describe_class(cls: type) -> dict[str, Any]:
    members = [n for n in vars(cls) if not n.startswith("_")]
    out: dict[str, Any] = {
        "type": "class",
        "class": type_name(cls),
        "bases": [type_name(b) for b in cls.__bases__],
        "members": members[:50],
    }
    doc = inspect.getdoc(cls)
    if doc:
        out["doc"] = clip(doc, 1_000)
    return out


def _describe_module(mod: types.ModuleType) -> dict[str, Any]:
    # Read the module's dict directly: a module-level __getattr__ could do anything.
    d = vars(mod)
    version = d.get("__version__")
    file = d.get("__file__")
    return {
        "module": mod.__name__,
        "version": version if isinstance(version, str) else None,
        "file": file if isinstance(file, str) else None,
    }


# -- containers and plain objects ---------------------------------------------------------------


def _describe_container(value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": qualname(value)}
    if isinstance(value, dict):
        out["length"] = dict.__len__(value)
        out["items"] = [
            [brief(k, 60, 1), brief(v, 200, 2)]
            for k, v in itertools.islice(dict.items(value), DETAIL_ITEMS)
        ]
    else:
        base = next(b for b in (list, tuple, deque, frozenset, set) if isinstance(value, b))
        out["length"] = base.__len__(value)
        items = itertools.islice(base.__iter__(value), DETAIL_ITEMS)
        out["items"] = [cell_value(v, 200) for v in items]
        # Element types say a lot about a list and are cheap over the first few.
        seen = {qualname(v) for v in itertools.islice(base.__iter__(value), 100)}
        out["item_types_in_first_100"] = sorted(seen)[:10]
    if out["length"] > DETAIL_ITEMS:
        out["more_items"] = out["length"] - DETAIL_ITEMS
    return out


def _describe_object(value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"note": "repr not shown: its cost and size are unknown"}
    mro = [type_name(c) for c in type(value).__mro__[1:-1]][:5]
    if mro:
        out["bases"] = mro
    try:
        attrs = object.__getattribute__(value, "__dict__")
    except AttributeError:
        attrs = None
    if type(attrs) is dict:
        out["attributes"] = {
            str(k): brief(v, 120, 1)
            for k, v in itertools.islice(attrs.items(), ATTRIBUTES)
            if isinstance(k, str) and not k.startswith("__")
        }
        if len(attrs) > ATTRIBUTES:
            out["more_attributes"] = len(attrs) - ATTRIBUTES
    return out


_HANDLERS: dict[str, Any] = {
    "pandas.dataframe": _describe_pandas_frame,
    "pandas.series": _describe_pandas_series,
    "pandas.index": _describe_pandas_index,
    "polars.dataframe": _describe_polars_frame,
    "polars.series": _describe_polars_series,
    "polars.lazyframe": _describe_lazyframe,
    "ndarray": _describe_ndarray,
    "numpy.scalar": _describe_numpy_scalar,
    "function": _describe_function,
    "class": _describe_class,
    "module": _describe_module,
}
