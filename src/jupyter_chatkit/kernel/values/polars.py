"""polars DataFrames, Series and LazyFrames: summary and detail.

A LazyFrame is never collected: its schema is resolved from the query plan
(``collect_schema``), which reads no rows.
"""

from __future__ import annotations

from typing import Any

from .common import (
    COLUMNS,
    DESCRIBE_CELLS,
    HEAD_ROWS,
    ITEMS,
    cell_value,
    hidden,
    hides,
    json_number,
)

DETAIL_COLUMNS = 50
DETAIL_HEAD_ROWS = 5


def columns(df: Any, limit: int) -> list[dict[str, Any]]:
    """``[{name, dtype}]`` for the first ``limit`` columns of a polars frame."""
    names = df.columns[:limit]
    dtypes = df.dtypes[:limit]
    return [{"name": n, "dtype": str(t)} for n, t in zip(names, dtypes, strict=False)]


def head_rows(df: Any, rows: int, cols: int) -> list[list[Any]]:
    """The first rows of the first columns, as cell values (secret columns hidden)."""
    names = df.columns[:cols]
    head = df.select(names).head(rows)
    return [
        [hidden(v) if hides(n, v) else cell_value(v) for n, v in zip(names, row, strict=False)]
        for row in head.rows()
    ]


def summarize_frame(df: Any) -> dict[str, Any]:
    """Shape, schema and a few rows of a polars DataFrame."""
    rows, cols = df.shape
    out: dict[str, Any] = {"shape": [rows, cols], "columns": columns(df, COLUMNS)}
    if cols > COLUMNS:
        out["more_columns"] = cols - COLUMNS
    out["head"] = head_rows(df, HEAD_ROWS, min(cols, 10))
    return out


def summarize_series(s: Any) -> dict[str, Any]:
    """Length, dtype, name and first values of a polars Series."""
    return {
        "length": s.len(),
        "dtype": str(s.dtype),
        "series_name": s.name,
        "head": [hidden(v) if hides(s.name, v) else cell_value(v) for v in s.head(ITEMS).to_list()],
    }


def summarize_lazyframe(lf: Any) -> dict[str, Any]:
    """The schema of a lazy query, from its plan; the query is not run."""
    out: dict[str, Any] = {"note": "lazy query, not collected"}
    try:
        schema = lf.collect_schema()
    except Exception as exc:
        out["schema"] = f"not available ({type(exc).__name__})"
        return out
    names = list(schema.names())
    out["columns"] = [{"name": n, "dtype": str(schema[n])} for n in names[:COLUMNS]]
    if len(names) > COLUMNS:
        out["more_columns"] = len(names) - COLUMNS
    return out


def describe_frame(df: Any) -> dict[str, Any]:
    """Columns with null counts, estimated size, head rows and describe()."""
    rows, cols = df.shape
    cols_out = columns(df, DETAIL_COLUMNS)
    # Polars keeps null counts as array metadata: null_count() does not scan the data.
    nulls = df.select(df.columns[:DETAIL_COLUMNS]).null_count().row(0)
    for entry, count in zip(cols_out, nulls, strict=False):
        entry["nulls"] = int(count)
    out: dict[str, Any] = {"shape": [rows, cols], "columns": cols_out}
    if cols > DETAIL_COLUMNS:
        out["more_columns"] = cols - DETAIL_COLUMNS
        tally: dict[str, int] = {}
        for dtype in df.dtypes:
            tally[str(dtype)] = tally.get(str(dtype), 0) + 1
        out["dtype_summary"] = tally
    out["estimated_bytes"] = int(df.estimated_size())
    out["head_columns"] = df.columns[:20]
    out["head"] = head_rows(df, DETAIL_HEAD_ROWS, 20)
    cells = rows * cols
    if 0 < cells <= DESCRIBE_CELLS:
        try:
            keep = [c for c in df.columns[:20] if not hides(c, "")]
            desc = df.select(keep).describe()
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


def describe_series(s: Any) -> dict[str, Any]:
    """Length, dtype, null count and head of a polars Series."""
    return {
        "length": s.len(),
        "dtype": str(s.dtype),
        "series_name": s.name,
        "nulls": int(s.null_count()),
        "head": [
            hidden(v) if hides(s.name, v) else cell_value(v)
            for v in s.head(DETAIL_HEAD_ROWS * 2).to_list()
        ],
    }


def describe_lazyframe(lf: Any) -> dict[str, Any]:
    """A lazy query's schema; collecting could run an expensive query, so it is not."""
    out = summarize_lazyframe(lf)
    out["note"] = "A lazy query: not collected (collecting could run an expensive query)."
    return out


KINDS: dict[str, tuple[Any, Any]] = {
    "polars.dataframe": (summarize_frame, describe_frame),
    "polars.series": (summarize_series, describe_series),
    "polars.lazyframe": (summarize_lazyframe, describe_lazyframe),
}
