"""Bounded descriptions of Python values, for the model to read.

Everything here is bounded in size and, as far as Python allows, in time: it never calls
``repr``/``str``/``len`` on an object whose type it does not know to be cheap. Builtin
containers are read through their base type's C methods (``list.__len__(v)``), so a
subclass overriding ``__len__``/``__iter__``/``__repr__`` cannot run. pandas, polars and
numpy are recognised through ``sys.modules`` only: this module never imports them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import fractions
import inspect
import itertools
import math
import pathlib
import sys
import types
import uuid
from collections import deque
from typing import Any

# Sizes of the compact per-variable entries of list_kernel_variables.
BRIEF_CHARS = 80  # one value inside a preview
ITEMS = 5  # container items previewed
HEAD_ROWS = 3  # DataFrame rows previewed
COLUMNS = 30  # DataFrame columns described
PREVIEW_CHARS = 300  # any preview string

# Past these many cells, inspect_kernel_variable counts nulls on leading rows only and
# skips describe(): both scan the whole frame.
NULL_SCAN_CELLS = 5_000_000
DESCRIBE_CELLS = 1_000_000
STATS_ELEMENTS = 5_000_000

# Exact types whose repr is cheap and bounded (or truncated right after, see _cheap_repr).
_CHEAP_REPR_TYPES: frozenset[type] = frozenset(
    {
        dt.datetime,
        dt.date,
        dt.time,
        dt.timedelta,
        dt.timezone,
        uuid.UUID,
        range,
        pathlib.PosixPath,
        pathlib.WindowsPath,
        pathlib.PurePosixPath,
        pathlib.PureWindowsPath,
        type(Ellipsis),
        type(NotImplemented),
    }
)
_BYTES_TYPES = (bytes, bytearray, memoryview)


def qualname(value: Any) -> str:
    """The qualified name of a value's type, e.g. ``pandas.DataFrame`` or ``int``."""
    return type_name(type(value))


def type_name(cls: type) -> str:
    """``module.QualName`` for a class, without the ``builtins.`` prefix."""
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", None) or getattr(cls, "__name__", "?")
    if not isinstance(module, str) or not isinstance(name, str):
        return "?"
    if module == "builtins":
        return name
    # pandas.core.frame.DataFrame reads better as pandas.DataFrame.
    for lib in ("pandas", "polars", "numpy"):
        if module.startswith(lib + ".") and getattr(sys.modules.get(lib), name, None) is cls:
            return f"{lib}.{name}"
    return f"{module}.{name}"


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with a marker saying how much was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"


def _quote(text: str, limit: int) -> str:
    # str.__len__/__getitem__ so a str subclass cannot run code; repr of a bounded slice.
    n = str.__len__(text)
    head = str.__getitem__(text, slice(0, limit))
    return repr(head) if n <= limit else f"{head!r}… ({n:,} chars)"


def _pd() -> Any:
    return sys.modules.get("pandas")


def _pl() -> Any:
    return sys.modules.get("polars")


def _np() -> Any:
    return sys.modules.get("numpy")


# Exact builtin types need none of the library checks below (most of a namespace).
_PLAIN_TYPES: frozenset[type] = frozenset(
    {int, float, complex, bool, str, bytes, list, tuple, dict, set, frozenset, type(None)}
)


def kind_of(value: Any) -> str:
    """A coarse kind used to pick a summary: ``dataframe``, ``ndarray``, ``str``, ..."""
    if type(value) in _PLAIN_TYPES:
        return "value"
    pd, pl, np = _pd(), _pl(), _np()
    if pd is not None:
        if isinstance(value, pd.DataFrame):
            return "pandas.dataframe"
        if isinstance(value, pd.Series):
            return "pandas.series"
        if isinstance(value, pd.Index):
            return "pandas.index"
    if pl is not None:
        if isinstance(value, pl.DataFrame):
            return "polars.dataframe"
        if isinstance(value, pl.Series):
            return "polars.series"
        if isinstance(value, pl.LazyFrame):
            return "polars.lazyframe"
    if np is not None:
        if isinstance(value, np.ndarray):
            return "ndarray"
        if isinstance(value, np.generic):
            return "numpy.scalar"
    if isinstance(value, types.ModuleType):
        return "module"
    if isinstance(value, type):
        return "class"
    if isinstance(value, types.FunctionType | types.BuiltinFunctionType | types.MethodType):
        return "function"
    return "value"


def is_frame_like(value: Any) -> bool:
    """True for DataFrames, Series and arrays: the values people ask about most."""
    return kind_of(value).split(".")[-1] in ("dataframe", "series", "ndarray", "lazyframe")


# -- brief: one short line for any value ---------------------------------------------------


def brief(value: Any, limit: int = BRIEF_CHARS, depth: int = 1) -> str:
    """A short text for ``value`` (at most ~``limit`` chars), never running its repr.

    Known cheap types are shown as their repr; builtin containers show their first items
    (``depth`` levels deep); DataFrames and arrays show their shape; anything else shows
    only its type.
    """
    try:
        return clip(_brief(value, limit, depth), limit)
    except Exception:
        return f"<{qualname(value)}>"


def _brief(value: Any, limit: int, depth: int) -> str:
    t = type(value)
    if value is None or t is bool:
        return repr(value)
    if t is int:
        return _int_text(value)
    if t is float or t is complex:
        return repr(value)
    if isinstance(value, str):
        return _quote(value, limit)
    if isinstance(value, _BYTES_TYPES):
        return _bytes_text(value, limit)
    if t in _CHEAP_REPR_TYPES:
        return repr(value)
    if t is decimal.Decimal:
        return repr(value) if len(value.as_tuple().digits) <= 60 else "Decimal(<long>)"
    if t is fractions.Fraction:
        if value.numerator.bit_length() + value.denominator.bit_length() <= 256:
            return repr(value)
        return "Fraction(<long>)"
    if isinstance(value, list | tuple | set | frozenset | dict | deque):
        return _container_text(value, limit, depth)
    kind = kind_of(value)
    if kind == "numpy.scalar":
        return _numpy_scalar_text(value, limit)
    if kind in ("pandas.dataframe", "polars.dataframe"):
        rows, cols = value.shape
        return f"<{qualname(value)} {rows:,} x {cols:,}>"
    if kind in ("pandas.series", "polars.series", "pandas.index"):
        return f"<{qualname(value)} len {len(value):,} dtype {value.dtype}>"
    if kind == "ndarray":
        shape = " x ".join(str(n) for n in value.shape) or "scalar"
        return f"<ndarray {shape} {value.dtype}>"
    if kind == "module":
        return f"<module {value.__name__}>"
    if kind == "class":
        return f"<class {type_name(value)}>"
    if kind == "function":
        return f"<function {getattr(value, '__qualname__', '?')}>"
    pd = _pd()
    if pd is not None and t in (pd.Timestamp, pd.Timedelta, pd.Period, type(pd.NaT)):
        return repr(value)
    if pd is not None and value is pd.NA:
        return "<NA>"
    return f"<{qualname(value)} object>"


def _int_text(value: int) -> str:
    # repr of a huge int is quadratic (and refused past 4,300 digits): show its size.
    bits = int.bit_length(value)
    return int.__repr__(value) if bits <= 256 else f"<int with {bits:,} bits>"


def _bytes_text(value: bytes | bytearray | memoryview, limit: int) -> str:
    n = value.nbytes if isinstance(value, memoryview) else len(value)
    head = bytes(value[: max(1, limit // 4)])
    return f"{type(value).__name__}({n:,}): {head!r}" + ("…" if n > len(head) else "")


def _container_text(value: Any, limit: int, depth: int) -> str:
    if isinstance(value, dict):
        n, opener, closer = dict.__len__(value), "{", "}"
        pairs = itertools.islice(dict.items(value), ITEMS)
        shown: list[str] = []
        for k, v in pairs:
            if depth <= 0:
                break
            shown.append(f"{_brief(k, 30, 0)}: {_brief(v, 40, depth - 1)}")
    else:
        if isinstance(value, list):
            n, opener, closer = list.__len__(value), "[", "]"
            items: Any = (list.__getitem__(value, i) for i in range(min(n, ITEMS)))
        elif isinstance(value, tuple):
            n, opener, closer = tuple.__len__(value), "(", ")"
            items = (tuple.__getitem__(value, i) for i in range(min(n, ITEMS)))
        elif isinstance(value, deque):
            n, opener, closer = deque.__len__(value), "deque([", "])"
            items = itertools.islice(deque.__iter__(value), ITEMS)
        else:
            base = frozenset if isinstance(value, frozenset) else set
            n, opener, closer = base.__len__(value), "{", "}"
            items = itertools.islice(base.__iter__(value), ITEMS)
        shown = [] if depth <= 0 else [_brief(v, 40, depth - 1) for v in items]
    more = n - len(shown)
    body = ", ".join(shown)
    if more > 0:
        body += (", " if body else "") + f"… {more:,} more"
    return f"{opener}{body}{closer}"


def _numpy_scalar_text(value: Any, limit: int) -> str:
    if value.dtype.kind == "O":
        return f"<{qualname(value)}>"
    if value.dtype.kind in "US":
        return _quote(str(value), limit) if value.dtype.kind == "U" else repr(bytes(value)[:limit])
    return repr(value.item()) if value.dtype.kind in "biufc" else repr(value)


# -- JSON-safe scalars ----------------------------------------------------------------------


def cell_value(value: Any, limit: int = BRIEF_CHARS) -> Any:
    """A JSON value for one table cell: numbers, bools, None and short strings as they
    are (NaN/inf as text), everything else as :func:`brief` text."""
    np = _np()
    if np is not None and isinstance(value, np.generic) and value.dtype.kind in "biuf":
        value = value.item()
    t = type(value)
    if value is None or t is bool:
        return value
    if t is int:
        return value if int.bit_length(value) <= 53 else _int_text(value)
    if t is float:
        return value if math.isfinite(value) else repr(value)
    if t is str:
        return value if len(value) <= limit else clip(value, limit)
    if isinstance(value, dt.date | dt.time | dt.timedelta) and type(value).__module__ in (
        "datetime",
        "pandas",
    ):
        # In a table "2024-01-01 00:00:00" reads better than Timestamp('2024-01-01 ...').
        return str(value)
    pd = _pd()
    if pd is not None and value is pd.NaT:
        return "NaT"
    return brief(value, limit)


def json_number(value: Any) -> Any:
    """A number for JSON: finite floats/ints as they are, NaN/inf and others as text."""
    return cell_value(value, 40)


# -- pandas ---------------------------------------------------------------------------------


def _label(value: Any) -> Any:
    """A column or index label as JSON: short strings and numbers as is."""
    return cell_value(value, 100)


def pandas_columns(df: Any, limit: int, nulls: Any = None) -> list[dict[str, Any]]:
    """``[{name, dtype[, nulls]}]`` for the first ``limit`` columns of a pandas frame."""
    ncols = df.shape[1]
    # df.dtypes builds a Series over every column: slice first when the frame is wide.
    dtypes = df.dtypes if ncols <= 4 * limit else df.iloc[:0, :limit].dtypes
    out: list[dict[str, Any]] = []
    for i, (name, dtype) in enumerate(zip(df.columns[:limit], dtypes.iloc[:limit], strict=False)):
        entry: dict[str, Any] = {"name": _label(name), "dtype": str(dtype)}
        if nulls is not None:
            entry["nulls"] = int(nulls.iloc[i])
        out.append(entry)
    return out


def pandas_head(df: Any, rows: int, cols: int) -> list[list[Any]]:
    """The first ``rows`` rows of the first ``cols`` columns, as lists of cell values."""
    head = df.iloc[:rows, :cols]
    return [[cell_value(v) for v in row] for row in head.itertuples(index=False, name=None)]


def summarize_pandas_frame(df: Any) -> dict[str, Any]:
    """Shape, column dtypes and a few rows of a pandas DataFrame (never its repr)."""
    rows, cols = df.shape
    # One pass over the leading columns: each Series' dtype and its first values, read
    # from the backing array. ~10x cheaper than df.dtypes + df.iloc[...] on small frames,
    # which matters when a namespace holds hundreds of them.
    leading = [
        (name, series.dtype, list(series.array[:HEAD_ROWS]))
        for name, series in itertools.islice(df.items(), COLUMNS)
    ]
    out: dict[str, Any] = {
        "shape": [rows, cols],
        "columns": [{"name": _label(name), "dtype": str(dtype)} for name, dtype, _ in leading],
    }
    if cols > COLUMNS:
        out["more_columns"] = cols - COLUMNS
    shown = [values for _, _, values in leading[:10]]
    out["head"] = [[cell_value(v) for v in row] for row in zip(*shown, strict=True)]
    return out


def summarize_pandas_series(s: Any) -> dict[str, Any]:
    """Length, dtype, name and first values of a pandas Series."""
    return {
        "length": len(s),
        "dtype": str(s.dtype),
        "series_name": _label(s.name),
        "head": [cell_value(v) for v in s.iloc[:ITEMS].tolist()],
    }


# -- polars ---------------------------------------------------------------------------------


def polars_columns(df: Any, limit: int) -> list[dict[str, Any]]:
    """``[{name, dtype}]`` for the first ``limit`` columns of a polars frame."""
    names = df.columns[:limit]
    dtypes = df.dtypes[:limit]
    return [{"name": n, "dtype": str(t)} for n, t in zip(names, dtypes, strict=False)]


def polars_head(df: Any, rows: int, cols: int) -> list[list[Any]]:
    """The first rows of the first columns of a polars frame, as lists of cell values."""
    head = df.select(df.columns[:cols]).head(rows)
    return [[cell_value(v) for v in row] for row in head.rows()]


def summarize_polars_frame(df: Any) -> dict[str, Any]:
    """Shape, schema and a few rows of a polars DataFrame."""
    rows, cols = df.shape
    out: dict[str, Any] = {"shape": [rows, cols], "columns": polars_columns(df, COLUMNS)}
    if cols > COLUMNS:
        out["more_columns"] = cols - COLUMNS
    out["head"] = polars_head(df, HEAD_ROWS, min(cols, 10))
    return out


def summarize_polars_series(s: Any) -> dict[str, Any]:
    """Length, dtype, name and first values of a polars Series."""
    return {
        "length": s.len(),
        "dtype": str(s.dtype),
        "series_name": s.name,
        "head": [cell_value(v) for v in s.head(ITEMS).to_list()],
    }


# -- numpy ----------------------------------------------------------------------------------


def array_preview(a: Any, threshold: int = 20, chars: int = PREVIEW_CHARS) -> str:
    """A bounded text preview of an ndarray (object arrays: first elements, briefly)."""
    np = _np()
    if a.dtype.kind == "O" or a.dtype.hasobject:
        # array2string would call repr on every element it shows.
        first = [brief(a.flat[i], 30, 0) for i in range(min(a.size, ITEMS))]
        return clip("[" + ", ".join(first) + (", …]" if a.size > ITEMS else "]"), chars)
    if a.ndim == 1 and a.dtype.kind in "biuf":
        return clip(_vector_text(a, threshold), chars)
    view = a
    note = ""
    if a.ndim > 2:
        # Summarised printing still shows 2*edgeitems per axis: 6**ndim numbers for big ndim.
        view = a[(0,) * (a.ndim - 2)]
        note = f"first 2-D slice [{', '.join(['0'] * (a.ndim - 2))}, :, :]: "
    text = np.array2string(view, threshold=threshold, edgeitems=3, max_line_width=100)
    return clip(note + text, chars)


def _vector_text(a: Any, threshold: int, edge: int = 3) -> str:
    """numpy-style ``[1 2 3 ... 8 9]`` for a 1-D numeric array, without array2string.

    array2string sizes a formatter over every shown value (~100 µs even for tiny arrays);
    namespaces hold hundreds of small vectors, so plain 1-D previews are built here.
    """
    n = a.shape[0]
    if n <= threshold:
        parts = [_number_text(x) for x in a.tolist()]
    else:
        head = [_number_text(x) for x in a[:edge].tolist()]
        tail = [_number_text(x) for x in a[n - edge :].tolist()]
        parts = [*head, "...", *tail]
    return "[" + " ".join(parts) + "]"


def _number_text(x: Any) -> str:
    return f"{x:.6g}" if type(x) is float else str(x)


def summarize_ndarray(a: Any) -> dict[str, Any]:
    """Shape, dtype and a bounded preview of a numpy array."""
    return {"shape": list(a.shape), "dtype": str(a.dtype), "preview": array_preview(a)}


# -- everything else --------------------------------------------------------------------------


def signature_text(func: Any) -> str:
    """``name(args)`` for a function, or just its name when it has no signature."""
    name = getattr(func, "__name__", "?")
    try:
        return clip(f"{name}{inspect.signature(func)}", PREVIEW_CHARS)
    except (TypeError, ValueError):
        return f"{name}(...)"


def first_doc_line(obj: Any) -> str:
    """The first line of an object's own docstring (read from ``__dict__``, no getattr)."""
    doc = None
    try:
        doc = object.__getattribute__(obj, "__doc__")
    except AttributeError:
        return ""
    if not isinstance(doc, str):
        return ""
    return clip(doc.strip().split("\n", 1)[0], 200)


def summarize(value: Any) -> dict[str, Any]:
    """The compact entry of one variable in ``list_kernel_variables`` (without its name)."""
    out: dict[str, Any] = {"type": qualname(value)}
    kind = kind_of(value)
    if kind == "pandas.dataframe":
        out.update(summarize_pandas_frame(value))
    elif kind == "pandas.series":
        out.update(summarize_pandas_series(value))
    elif kind == "polars.dataframe":
        out.update(summarize_polars_frame(value))
    elif kind == "polars.series":
        out.update(summarize_polars_series(value))
    elif kind == "polars.lazyframe":
        out["note"] = "lazy query, not collected"
    elif kind == "ndarray":
        out.update(summarize_ndarray(value))
    elif kind == "pandas.index":
        out.update({"length": len(value), "dtype": str(value.dtype)})
        out["head"] = [cell_value(v) for v in value[:ITEMS].tolist()]
    elif kind == "function":
        out["signature"] = signature_text(value)
        doc = first_doc_line(value)
        if doc:
            out["doc"] = doc
    elif kind == "class":
        out["type"] = "class"
        out["class"] = type_name(value)
        doc = first_doc_line(value)
        if doc:
            out["doc"] = doc
    elif isinstance(value, str):
        out["length"] = str.__len__(value)
        out["value"] = _quote(value, BRIEF_CHARS)
    elif isinstance(value, list | tuple | set | frozenset | dict | deque):
        out["length"] = _builtin_len(value)
        out["preview"] = brief(value, PREVIEW_CHARS, depth=2)
    elif isinstance(value, _BYTES_TYPES):
        out["preview"] = brief(value, BRIEF_CHARS)
    elif dataclasses.is_dataclass(value):
        names = [f.name for f in dataclasses.fields(value)]
        out["fields"] = names[:20]
    else:
        text = brief(value, PREVIEW_CHARS)
        if not text.endswith(" object>"):
            out["value"] = cell_value(value, PREVIEW_CHARS)
    return out


def _builtin_len(value: Any) -> int:
    bases: tuple[Any, ...] = (list, tuple, dict, set, frozenset, deque)
    for base in bases:
        if isinstance(value, base):
            return int(base.__len__(value))
    return -1
