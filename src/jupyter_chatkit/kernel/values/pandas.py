"""pandas DataFrames, Series and Indexes: the summary (listing) and the detail (inspect).

Whole-data scans (null counts, ``describe()``) run only under a size threshold; past it
they run on leading rows and say so. Columns whose names mark a secret (``password``,
``api_key``) keep their name and dtype; their cells are hidden.
"""

from __future__ import annotations

import itertools
from typing import Any

from .common import (
    COLUMNS,
    DESCRIBE_CELLS,
    HEAD_ROWS,
    ITEMS,
    NULL_SCAN_CELLS,
    cell_value,
    hidden,
    hides,
    json_number,
    kind_of,
)
from .pandas_arrays import (
    FOREIGN_NOTE,
    foreign_columns,
    foreign_index,
    foreign_series,
    plain_pandas,
)
from .typeinfo import is_a, qualname, type_module

DETAIL_COLUMNS = 50
DETAIL_HEAD_ROWS = 5
DETAIL_ITEMS = 20
VALUE_COUNTS = 10
CATEGORIES = 20
# Row labels read for names that mark a secret (``any(...)`` over the first this many).
LABEL_SCAN = 10_000
# A wide frame's inspect: the first DETAIL_COLUMNS columns in full, a dtype tally of all.
DTYPE_SUMMARY_COLUMNS = 100_000


def label(value: Any) -> Any:
    """A column or index label as JSON: short strings and numbers as is."""
    return cell_value(value, 100)


def secret_label(name: Any) -> bool:
    """True for a column or index name that marks a secret (a MultiIndex tuple too)."""
    if is_a(name, tuple):
        return any(secret_label(part) for part in tuple.__iter__(name))
    return is_a(name, str) and hides(name, "x")


def _cell(name: Any, value: Any) -> Any:
    if secret_label(name) and value is not None and type(value) is not bool:
        return hidden(value)
    return cell_value(value)


def _hide_row(values: list[Any]) -> list[Any]:
    return [v if v is None or type(v) is bool else hidden(v) for v in values]


def _secret_rows(index: Any, rows: int) -> list[bool]:
    """Which of the first ``rows`` rows are labelled like a secret (a transposed frame's
    ``password`` row, ``pd.Series({"password": "x"})``): their values are secrets."""
    if index.dtype.kind in "biufcmM":
        return [False] * min(rows, len(index))
    return [secret_label(v) for v in index[:rows].tolist()]


def _any_secret_row(index: Any) -> bool:
    """True when a row label (of the first LABEL_SCAN) marks a secret."""
    return any(_secret_rows(index, LABEL_SCAN))


def _secret_index(index: Any) -> bool:
    return any(secret_label(n) for n in index.names)


def _labels(index: Any, values: list[Any]) -> list[Any]:
    # An index named like a secret (api_key, token) holds secrets as its labels.
    return [hidden(v) for v in values] if _secret_index(index) else values


def column_entry(name: Any, dtype: Any) -> dict[str, Any]:
    """``{name, dtype}``, plus the categories of a categorical column."""
    entry: dict[str, Any] = {"name": label(name), "dtype": str(dtype)}
    if str(dtype) == "category":
        cats = dtype.categories
        if secret_label(name):
            # A password column's categories are its values.
            entry["categories"] = hidden(cats[:CATEGORIES].tolist())
            return entry
        entry["categories"] = [label(c) for c in cats[:CATEGORIES].tolist()]
        if len(cats) > CATEGORIES:
            entry["more_categories"] = len(cats) - CATEGORIES
    return entry


def index_info(index: Any, rows: int) -> dict[str, Any]:
    """The index's type, level names (MultiIndex too), first and last labels."""
    names = [label(n) for n in index.names]
    out: dict[str, Any] = {"type": qualname(index)}
    if getattr(index, "nlevels", 1) > 1:
        out["levels"] = index.nlevels
        out["names"] = names
    else:
        out["name"] = names[0] if names else None
    if rows and _secret_index(index):
        out["first"] = out["last"] = hidden(index[0])
    elif rows:
        out["first"] = label(index[0]) if index.nlevels == 1 else [label(v) for v in index[0]]
        out["last"] = label(index[-1]) if index.nlevels == 1 else [label(v) for v in index[-1]]
    return out


def _row_labels(index: Any, rows: int) -> list[Any]:
    head = index[:rows]
    if _secret_index(index):
        return _labels(index, head.tolist())
    if getattr(index, "nlevels", 1) > 1:
        return [[label(v) for v in t] for t in head.tolist()]
    return [label(v) for v in head.tolist()]


def _is_default_index(df: Any) -> bool:
    pd = __import__("sys").modules.get("pandas")
    index = df.index
    return (
        pd is not None
        and type(index) is pd.RangeIndex
        and index.start == 0
        and index.step == 1
        and index.name is None
    )


def head_rows(df: Any, rows: int, cols: int) -> list[list[Any]]:
    """The first ``rows`` rows of the first ``cols`` columns, secret columns hidden."""
    head = df.iloc[:rows, :cols]
    names = list(head.columns)
    out = [
        [_cell(n, v) for n, v in zip(names, row, strict=False)]
        for row in head.itertuples(index=False, name=None)
    ]
    if _is_default_index(df):
        return out
    return [
        _hide_row(row) if secret else row
        for row, secret in zip(out, _secret_rows(df.index, rows), strict=False)
    ]


def summarize_frame(df: Any) -> dict[str, Any]:
    """Shape, column dtypes, index names and a few rows of a DataFrame (never its repr)."""
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
        "columns": [column_entry(name, dtype) for name, dtype, _ in leading],
    }
    if cols > COLUMNS:
        out["more_columns"] = cols - COLUMNS
    if not _is_default_index(df):
        names = [label(n) for n in df.index.names]
        out["index"] = names if len(names) > 1 else names[0]
        out["row_labels"] = _row_labels(df.index, HEAD_ROWS)
    shown = [[_cell(name, v) for v in values] for name, _, values in leading[:10]]
    out["head"] = [list(row) for row in zip(*shown, strict=True)]
    if not _is_default_index(df):
        flags = _secret_rows(df.index, HEAD_ROWS)
        out["head"] = [
            _hide_row(row) if k < len(flags) and flags[k] else row
            for k, row in enumerate(out["head"])
        ]
    return out


def _series_head(s: Any, rows: int) -> list[Any]:
    """The first values of a Series, hidden under a secret name or secret row labels."""
    head = [_cell(s.name, v) for v in s.iloc[:rows].tolist()]
    if _is_default_index(s):
        return head
    flags = _secret_rows(s.index, rows)
    return [
        hidden(v) if k < len(flags) and flags[k] and v is not None and type(v) is not bool else v
        for k, v in enumerate(head)
    ]


def summarize_series(s: Any) -> dict[str, Any]:
    """Length, dtype, name and first values of a Series."""
    out = {
        "length": len(s),
        "dtype": str(s.dtype),
        "series_name": label(s.name),
        "head": _series_head(s, ITEMS),
    }
    if str(s.dtype) == "category":
        out.update({k: v for k, v in column_entry(s.name, s.dtype).items() if "categor" in k})
    return out


def summarize_index(idx: Any) -> dict[str, Any]:
    """Length, dtype and first labels of an Index."""
    return {
        "length": len(idx),
        "dtype": str(idx.dtype),
        "head": _labels(idx, [cell_value(v) for v in idx[:ITEMS].tolist()]),
    }


# -- detail ---------------------------------------------------------------------------------


def describe_frame(df: Any) -> dict[str, Any]:
    """Columns with null counts, index, memory, head rows with labels, describe()."""
    rows, cols = df.shape
    cells = rows * cols
    out: dict[str, Any] = {"shape": [rows, cols]}
    shown = df.iloc[:, :DETAIL_COLUMNS] if cols > DETAIL_COLUMNS else df
    # isna().sum() touches every cell: count on leading rows when the frame is large.
    shown_cells = rows * shown.shape[1]
    if shown_cells <= NULL_SCAN_CELLS:
        nulls = shown.isna().sum()
        scope = "all rows"
    else:
        scan = max(1, NULL_SCAN_CELLS // max(shown.shape[1], 1))
        nulls = shown.iloc[:scan].isna().sum()
        scope = f"first {scan:,} of {rows:,} rows"
    columns = []
    for i, (name, dtype) in enumerate(zip(shown.columns, shown.dtypes, strict=False)):
        entry = column_entry(name, dtype)
        entry["nulls"] = int(nulls.iloc[i])
        columns.append(entry)
    out["columns"] = columns
    out["null_counts_over"] = scope
    if cols > DETAIL_COLUMNS:
        out["more_columns"] = cols - DETAIL_COLUMNS
        out["dtype_summary"] = _dtype_tally(df)
        out["columns_note"] = (
            f"Only the first {DETAIL_COLUMNS} of {cols:,} columns are described; "
            "dtype_summary counts all of them. Select columns into a new variable to "
            "inspect others."
        )
    out["index"] = index_info(df.index, rows)
    out["memory_bytes_shallow"] = int(df.memory_usage(index=True, deep=False).sum())
    out["head"] = head_rows(df, DETAIL_HEAD_ROWS, min(cols, 20))
    out["head_columns"] = [label(c) for c in df.columns[:20]]
    if not _is_default_index(df):
        out["head_row_labels"] = _row_labels(df.index, DETAIL_HEAD_ROWS)
    if 0 < cells <= DESCRIBE_CELLS and not _is_default_index(df) and _any_secret_row(df.index):
        out["describe"] = "skipped: rows labelled like secrets (their values would show)"
    elif 0 < cells <= DESCRIBE_CELLS:
        out["describe"] = _describe_stats(df)
    elif cells:
        out["describe"] = f"skipped: the frame has {cells:,} cells (limit {DESCRIBE_CELLS:,})"
    return out


def _dtype_tally(df: Any) -> dict[str, int]:
    tally: dict[str, int] = {}
    dtypes = (
        df.dtypes
        if df.shape[1] <= DTYPE_SUMMARY_COLUMNS
        else df.dtypes.iloc[:DTYPE_SUMMARY_COLUMNS]
    )
    for dtype in dtypes:
        key = str(dtype)
        tally[key] = tally.get(key, 0) + 1
    return tally


def _describe_stats(obj: Any) -> dict[str, Any] | str:
    if kind_of(obj) == "pandas.dataframe":
        # describe() works column by column (quantiles sort each): describe a few, and
        # never a secret column (its min/max are its values).
        # By position: with duplicate names ``obj[c]`` is a DataFrame, not a column.
        if not all(_inert_label(c) for c in obj.columns[:20]):
            # pandas hashes, compares and prints the labels of what it describes.
            return "not computed: a column label is a Python object of the user's"
        keep = [
            i
            for i, c in enumerate(obj.columns[:20])
            if not secret_label(c) and _hashes_safely(obj.iloc[:, i])
        ]
        obj = obj.iloc[:, keep]
    elif not _hashes_safely(obj):
        return "not computed: the column holds Python objects (their __eq__/__hash__ would run)"
    try:
        desc = obj.describe()
    except (ValueError, TypeError) as exc:
        return f"not available ({type(exc).__name__})"
    if kind_of(desc) == "pandas.series":
        return {str(k): json_number(v) for k, v in desc.items()}
    out: dict[str, Any] = {}
    for i, col in enumerate(desc.columns):
        key = str(col) if str(col) not in out else f"{col} (#{i + 1})"  # a duplicate name
        out[key] = {str(stat): json_number(v) for stat, v in desc.iloc[:, i].items()}
    return out


def _inert_label(label: Any) -> bool:
    """True for a label whose hashing and printing run no user code: an exact str or
    number, None, a label of numpy's, pandas' or datetime's own, or a tuple of them."""
    cls = type(label)
    if cls is tuple:
        return all(_inert_label(part) for part in tuple.__iter__(label))
    return (
        label is None
        or cls in (str, int, float, bool)
        or type_module(cls).partition(".")[0] in ("numpy", "pandas", "datetime")
    )


def _hashes_safely(s: Any) -> bool:
    """True unless a column holds objects whose ``__hash__``/``__eq__`` describe() would run.

    Object columns of strings, bytes and missing values are fine; any other Python
    object is the user's code, which the assistant never calls. Checked with ``type()``
    (pandas' ``infer_dtype`` uses ``isinstance``, which reads a ``__class__`` property).
    """
    if kind_of(s) != "pandas.series":
        return False  # a DataFrame (duplicate column names) or anything else: not checked
    if str(s.dtype) != "object":
        return True
    return all(type(v) in _PLAIN_CELLS for v in s.to_numpy())


_PLAIN_CELLS = frozenset({str, bytes, float, type(None)})


def describe_series(s: Any) -> dict[str, Any]:
    """Length, dtype, nulls, head, describe() and top values of a Series."""
    n = len(s)
    out: dict[str, Any] = {"length": n, "dtype": str(s.dtype), "series_name": label(s.name)}
    if str(s.dtype) == "category":
        out.update({k: v for k, v in column_entry(s.name, s.dtype).items() if "categor" in k})
    if n <= NULL_SCAN_CELLS:
        out["nulls"] = int(s.isna().sum())
    else:
        out["nulls_in_first"] = {
            "rows": NULL_SCAN_CELLS,
            "nulls": int(s.iloc[:NULL_SCAN_CELLS].isna().sum()),
        }
    out["head"] = _series_head(s, DETAIL_HEAD_ROWS * 2)
    if not _is_default_index(s):
        out["index"] = index_info(s.index, n)
    secret = secret_label(s.name) or _secret_index(s.index)
    secret = secret or (not _is_default_index(s) and _any_secret_row(s.index))
    if 0 < n <= DESCRIBE_CELLS and not secret:
        out["describe"] = _describe_stats(s)
        if s.dtype.kind not in "iufcmM" and _hashes_safely(s):
            counts = s.value_counts().iloc[:VALUE_COUNTS]
            out["top_values"] = [[cell_value(k), int(v)] for k, v in counts.items()]
    return out


def describe_index(idx: Any) -> dict[str, Any]:
    """Length, dtype, level names and first labels of an Index."""
    out = {"length": len(idx), "dtype": str(idx.dtype), **index_info(idx, len(idx))}
    out["head"] = _row_labels(idx, DETAIL_ITEMS)
    return out


# -- third-party extension arrays: named, never read (pandas_arrays.py) ---------------------


def _own_part(df: Any) -> tuple[Any, dict[str, Any]]:
    """The frame without its columns backed by a foreign array, and what to say about
    those instead of their values."""
    foreign = foreign_columns(df)
    if not foreign:
        return df, {}
    columns = df.columns
    own = df.iloc[:, [i for i in range(len(columns)) if i not in foreign]]
    said = {
        "shape": [len(df.index), len(columns)],
        "foreign_columns": [
            {"name": label(columns[i]), "array": cls, "values": FOREIGN_NOTE}
            for i, cls in sorted(foreign.items())[:COLUMNS]
        ],
    }
    return own, said


def _foreign_labels(obj: Any, index_class: str) -> dict[str, Any]:
    """A frame or Series whose index is a foreign array: even its length asks the array
    (``len(index)``), so only its columns' names and the index's class are said."""
    out: dict[str, Any] = {"index": {"array": index_class, "labels": FOREIGN_NOTE}}
    if kind_of(obj) == "pandas.dataframe":
        columns = obj.columns
        out["columns"] = [label(c) for c in columns[:COLUMNS]]
        out["column_count"] = len(columns)
    else:
        out["series_name"] = label(obj.name)
    out["values"] = FOREIGN_NOTE
    return out


def _frame(describe: Any) -> Any:
    def run(df: Any) -> dict[str, Any]:
        df = plain_pandas(df)  # a subclass's _constructor, attrs' deepcopy: user code
        index_class = foreign_index(df.index)
        if index_class is not None:
            return _foreign_labels(df, index_class)
        own, said = _own_part(df)
        out: dict[str, Any] = describe(own)
        out.update(said)
        return out

    return run


def _series(describe: Any) -> Any:
    def run(s: Any) -> dict[str, Any]:
        s = plain_pandas(s)
        index_class = foreign_index(s.index)
        if index_class is not None:
            return _foreign_labels(s, index_class)
        cls = foreign_series(s)
        if cls is None:
            return describe(s)
        return {
            "length": len(s.index),
            "array": cls,
            "series_name": label(s.name),
            "values": FOREIGN_NOTE,
        }

    return run


def _index(describe: Any) -> Any:
    def run(idx: Any) -> dict[str, Any]:
        cls = foreign_index(idx)
        return describe(idx) if cls is None else {"array": cls, "labels": FOREIGN_NOTE}

    return run


KINDS: dict[str, tuple[Any, Any]] = {
    "pandas.dataframe": (_frame(summarize_frame), _frame(describe_frame)),
    "pandas.series": (_series(summarize_series), _series(describe_series)),
    "pandas.index": (_index(summarize_index), _index(describe_index)),
}
