"""Markdown summaries of client tool outputs, for the offline model's answers.

The outputs come from ``kernel.introspect`` (``{"variables": [...]}``, ``{"cells": [...],
"last_error": {...}}``, ...) or from a front end that reads the notebook itself (cells
with nbformat ``outputs``); the readers here accept both and skip what they don't know.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .tools import (
    GET_ACTIVE_CELL,
    GET_NOTEBOOK_CELLS,
    INSPECT_KERNEL_VARIABLE,
    LIST_KERNEL_VARIABLES,
)

PROPOSE_CODE = "propose_code"

# (name, dtype, null count) of one DataFrame column; empty strings when unknown.
Column = tuple[str, str, str]

MAX_TABLE_ROWS = 30


def summarise(tool: str, arguments: Mapping[str, Any], output: Any) -> str:
    """What the offline model says once ``tool`` has answered with ``output``."""
    error = error_of(output)
    if tool == PROPOSE_CODE:
        if error:
            return f"I couldn't show the code card: {clip(error, 200)}"
        return (
            "The code is in the card above. Review it and insert it into your notebook "
            "when it looks right; nothing runs until you click."
        )
    if error:
        return _tool_error(tool, error, output)
    if tool == LIST_KERNEL_VARIABLES.name:
        return _variables_summary(output)
    if tool == INSPECT_KERNEL_VARIABLE.name:
        return _inspect_summary(output, str(arguments.get("name", "")))
    if tool == GET_NOTEBOOK_CELLS.name:
        return _cells_summary(output)
    if tool == GET_ACTIVE_CELL.name:
        return _active_cell_summary(output)
    shown = json.dumps(output, default=str)
    return f"The `{tool or 'tool'}` tool returned:\n\n```json\n{clip(shown, 800)}\n```"


def _tool_error(tool: str, error: str, output: Any) -> str:
    text = f"The `{tool}` tool couldn't answer: {clip(error, 200)}"
    close = output.get("did_you_mean") if isinstance(output, dict) else None
    if isinstance(close, list) and close:
        text += "\n\nDid you mean " + " or ".join(f"`{c}`" for c in close[:3]) + "?"
    return text


# --- reading outputs -----------------------------------------------------------------


def error_of(output: Any) -> str:
    """The error a tool reported instead of answering, else ''.

    Kernel tools answer ``{"error": ...}``; server tools answer text starting "Error".
    """
    if isinstance(output, str) and output.startswith("Error"):
        return output.removeprefix("Error").lstrip(": ")
    # A listed variable can carry its own error too; only small dicts (or ones without a
    # name) are whole-call failures.
    if (
        isinstance(output, dict)
        and isinstance(output.get("error"), str)
        and (len(output) <= 3 or "name" not in output)
    ):
        return str(output["error"])
    return ""


def unwrap(data: Any, keys: Sequence[str]) -> Any:
    """``data[key]`` for the first of ``keys`` present, else ``data``."""
    if isinstance(data, dict):
        for key in keys:
            if key in data:
                return data[key]
    return data


def variable_rows(data: Any) -> list[dict[str, Any]]:
    """The per-variable entries of a listing, each with a ``name``."""
    data = unwrap(data, ("variables", "items", "result", "data"))
    if isinstance(data, dict) and data and all(isinstance(v, dict) for v in data.values()):
        return [{"name": k, **v} for k, v in data.items()]
    if isinstance(data, list):
        return [d for d in data if isinstance(d, dict) and isinstance(d.get("name"), str)]
    return []


def type_of(info: Mapping[str, Any]) -> str:
    """The type name an entry reports, e.g. ``pandas.DataFrame``."""
    for key in ("type", "type_name", "kind"):
        if isinstance(info.get(key), str):
            return str(info[key])
    return ""


def is_frame(info: Mapping[str, Any]) -> bool:
    """True for pandas and polars DataFrames."""
    return "dataframe" in type_of(info).lower()


def is_numeric(dtype: str) -> bool:
    """True for integer, float and decimal dtypes (pandas, numpy or polars spelling)."""
    return bool(re.search(r"int|float|double|decimal|number", dtype, re.IGNORECASE))


def columns(info: Mapping[str, Any]) -> list[Column]:
    """The columns an entry describes, from the shapes introspection may use."""
    cols = info.get("columns")
    dtypes: Mapping[str, Any] = info["dtypes"] if isinstance(info.get("dtypes"), dict) else {}
    nulls: Mapping[str, Any] = next(
        (info[k] for k in ("null_counts", "nulls") if isinstance(info.get(k), dict)), {}
    )
    out: list[Column] = []
    if isinstance(cols, dict):
        for name, value in cols.items():
            meta = value if isinstance(value, dict) else {"dtype": value}
            out.append((str(name), _field(meta, "dtype", "type"), _field(meta, "nulls")))
    elif isinstance(cols, list):
        for col in cols:
            if isinstance(col, dict):
                name = _field(col, "name", "column")
                dtype = _field(col, "dtype", "type") or _text(dtypes.get(name))
                out.append((name, dtype, _field(col, "nulls") or _text(nulls.get(name))))
            else:
                out.append((str(col), _text(dtypes.get(str(col))), _text(nulls.get(str(col)))))
    elif dtypes:
        out = [(str(k), str(v), _text(nulls.get(str(k)))) for k, v in dtypes.items()]
    return out


def _field(meta: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        if meta.get(key) is not None:
            return str(meta[key])
    return ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _shape_of(info: Mapping[str, Any]) -> str:
    shape = info.get("shape")
    if isinstance(shape, list | tuple):
        return " x ".join(f"{n:,}" if isinstance(n, int) else str(n) for n in shape)
    if shape not in (None, ""):
        return str(shape)
    for key in ("length", "len", "size"):
        if isinstance(info.get(key), int):
            return f"length {info[key]:,}"
    return ""


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(value: Any) -> str:
    """A value safe inside a markdown table cell."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return clip(text.replace("\n", " ").replace("|", "\\|"), 60)


def _clip_lines(text: str, max_lines: int, max_chars: int) -> str:
    lines = text.rstrip().splitlines()
    clipped = "\n".join(lines[:max_lines]) + ("\n…" if len(lines) > max_lines else "")
    return clip(clipped, max_chars)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    return [
        "| " + " | ".join(_cell(h) for h in header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(_cell(v) for v in row) + " |" for row in rows),
    ]


# --- variables -----------------------------------------------------------------------


def _details(row: Mapping[str, Any]) -> str:
    cols = [c[0] for c in columns(row)]
    if cols:
        return "columns: " + ", ".join(cols[:6]) + (", …" if len(cols) > 6 else "")
    if row.get("dtype"):
        return f"dtype {row['dtype']}"
    return _field(row, "signature", "value", "preview", "doc", "note")


def _variables_summary(data: Any) -> str:
    rows = variable_rows(data)
    if not rows:
        return (
            "Your kernel has no variables of its own yet. Run a cell that defines some, "
            "then ask again."
        )
    total = data.get("total", len(rows)) if isinstance(data, dict) else len(rows)
    total = total if isinstance(total, int) and total >= len(rows) else len(rows)
    lines = [f"Your kernel has {total} variable{'s' if total != 1 else ''}:", ""]
    shown = rows[:MAX_TABLE_ROWS]
    lines += _table(
        ["Name", "Type", "Shape", "Details"],
        [(f"`{r['name']}`", type_of(r), _shape_of(r), _details(r)) for r in shown],
    )
    if total > len(shown):
        lines += ["", f"…and {total - len(shown)} more."]
    frame = next((r["name"] for r in rows if is_frame(r)), "")
    if frame:
        lines += ["", f"Ask “describe {frame}” for details, or “plot {frame}” for a chart."]
    else:
        lines += ["", f"Ask “describe {rows[0]['name']}” to look at one in detail."]
    return "\n".join(lines)


def _inspect_summary(data: Any, asked: str) -> str:
    info = unwrap(data, ("variable", "result"))
    if not isinstance(info, dict):
        return f"`{asked}` is:\n\n```text\n{clip(str(info), 1200)}\n```"
    name = str(info.get("name") or asked)
    kind, shape = type_of(info), _shape_of(info)
    intro = f"**`{name}`**" + (f" is a `{kind}`" if kind else "")
    lines = [intro + (f" with shape {shape}." if shape else ".")]
    cols = columns(info)
    if cols:
        with_nulls = any(n for _, _, n in cols)
        header = ["Column", "Dtype", "Nulls"] if with_nulls else ["Column", "Dtype"]
        body = [(f"`{c}`", d, n) if with_nulls else (f"`{c}`", d) for c, d, n in cols[:40]]
        lines += ["", *_table(header, body)]
        more = info.get("more_columns")
        if isinstance(more, int) and more:
            lines += ["", f"…and {more} more columns."]
        numeric = [c for c, d, _ in cols if is_numeric(d)]
        if numeric:
            lines += ["", "Numeric columns: " + ", ".join(f"`{c}`" for c in numeric[:8]) + "."]
    lines += _preview(info)
    if is_frame(info):
        lines += ["", f"Ask “plot {name}” for a chart template."]
    return "\n".join(lines)


def _preview(info: Mapping[str, Any]) -> list[str]:
    head = info.get("head")
    head_cols = info.get("head_columns") or [c[0] for c in columns(info)]
    if isinstance(head, list) and head and all(isinstance(r, list) for r in head):
        width = max(len(r) for r in head)
        header = [str(c) for c in head_cols[:width]] if head_cols else []
        header += [""] * (width - len(header))
        return ["", "First rows:", "", *_table(header, head[:5])]
    for key in ("head", "preview", "value"):
        value = info.get(key)
        if isinstance(value, str) and value.strip():
            return ["", "```text", _clip_lines(value, 15, 1500), "```"]
        if isinstance(value, list | dict) and value:
            shown = json.dumps(value, default=str)
            return ["", "```json", clip(shown, 600), "```"]
    return []


# --- cells ---------------------------------------------------------------------------

_HINTS = {
    "NameError": "a name is used before it is defined: run the cell that defines it, or "
    "check the spelling.",
    "ModuleNotFoundError": "the package isn't installed in this kernel: run "
    "`%pip install <package>`, then restart the kernel.",
    "ImportError": "the package or name can't be imported: check it is installed in this "
    "kernel and the name is right.",
    "KeyError": "that key or column doesn't exist: check `df.columns` or the dict's keys.",
    "AttributeError": "the object has no such attribute: check its type with `type(obj)`.",
    "TypeError": "a value has an unexpected type: check the types of the arguments.",
    "ValueError": "a value has the right type but an unusable content or shape.",
    "IndexError": "an index is out of range: check the length first.",
    "SyntaxError": "Python couldn't parse the cell: look at the line the caret points to.",
    "IndentationError": "the indentation is inconsistent: use four spaces per level.",
    "ZeroDivisionError": "something is divided by zero: guard the denominator.",
    "FileNotFoundError": "the path doesn't exist relative to the notebook's folder: check "
    "it with `import os; os.getcwd()`.",
}
_ERROR_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))\s*:?\s*(.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _error_pair(value: Any) -> tuple[str, str] | None:
    """(name, message) of an error in any of the shapes cells and kernels report."""
    if isinstance(value, dict):
        if value.get("output_type") == "error" or "ename" in value:
            return str(value.get("ename", "Error")), str(value.get("evalue", ""))
        if isinstance(value.get("type"), str) and "message" in value:
            return str(value["type"]), str(value.get("message", ""))
        text = _field(value, "text")
        if isinstance(value.get("text"), list):
            text = "".join(map(str, value["text"]))
    else:
        text = value if isinstance(value, str) else ""
    if "Traceback" in text or "Error" in text:
        for line in reversed(_ANSI.sub("", text).strip().splitlines()):
            match = _ERROR_LINE.match(line)
            if match:
                return match.group(1), match.group(2)
    return None


def _cell_errors(cell: Mapping[str, Any]) -> list[tuple[str, str]]:
    outputs: list[Any] = cell["outputs"] if isinstance(cell.get("outputs"), list) else []
    found = (_error_pair(out) for out in [*outputs, cell.get("error")])
    return [pair for pair in found if pair is not None]


def _describe_error(ename: str, evalue: str) -> str:
    hint = _HINTS.get(ename.rsplit(".", 1)[-1], "the last line of the traceback says why.")
    shown = f"{ename}: {evalue}" if evalue else ename
    return f"`{clip(shown, 160)}`: {hint}"


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(map(str, source)) if isinstance(source, list) else str(source)


def _label(cell: Mapping[str, Any], position: int) -> str:
    # Tools report 0-based indexes; people (and JupyterLab's status bar) count from 1.
    if isinstance(cell.get("index"), int):
        return str(cell["index"] + 1)
    if cell.get("execution_count") is not None:
        return f"[{cell['execution_count']}]"
    return str(position)


def _cells_summary(data: Any) -> str:
    raw = unwrap(data, ("cells", "result"))
    cells = [c for c in raw if isinstance(c, dict)] if isinstance(raw, list) else []
    last_error = _error_pair(data.get("last_error")) if isinstance(data, dict) else None
    if not cells:
        note = data.get("note") if isinstance(data, dict) else None
        return "I couldn't read any cells. " + (str(note) if note else "Is a notebook open?")
    kinds = [str(c.get("cell_type") or c.get("type") or "code") for c in cells]
    code, markdown = kinds.count("code"), kinds.count("markdown")
    lines = [f"I can see {len(cells)} cells ({code} code, {markdown} markdown)."]
    if isinstance(data, dict) and data.get("from") == "kernel_execution_history":
        lines[0] += " They come from the kernel's execution history, not the notebook file."
    errors = [(_label(c, i), err) for i, c in enumerate(cells) for err in _cell_errors(c)]
    if errors:
        lines.append("")
        lines += [f"- Cell {where} raised {_describe_error(*err)}" for where, err in errors[:3]]
    elif last_error:
        lines += ["", "The last error in this kernel was " + _describe_error(*last_error)]
    else:
        lines.append("No error shows in what I can see.")
    rows = []
    for i, cell in enumerate(cells[-10:], start=max(0, len(cells) - 10)):
        first = next((ln for ln in _source(cell).splitlines() if ln.strip()), "")
        rows.append((_label(cell, i), kinds[i], f"`{first}`" if first else "(empty)"))
    lines += ["", *_table(["Cell", "Type", "First line"], rows)]
    return "\n".join(lines)


def _active_cell_summary(data: Any) -> str:
    cell = unwrap(data, ("cell", "result"))
    if not isinstance(cell, dict):
        note = data.get("note") if isinstance(data, dict) else None
        return "I couldn't read the active cell. " + (
            str(note) if note else "Click into a cell and ask again."
        )
    source = _source(cell)
    where = f" {_label(cell, 0)}" if ("index" in cell or "execution_count" in cell) else ""
    if not source.strip():
        return f"Your active cell{where} is empty."
    kind = str(cell.get("cell_type") or cell.get("type") or "code")
    count = len(source.splitlines())
    lines = [
        f"Your active cell{where} is a {kind} cell with {count} line{'s' * (count != 1)}:",
        "",
        "```" + ("python" if kind == "code" else "markdown"),
        _clip_lines(source, 20, 2000),
        "```",
    ]
    selected = _field(cell, "selected_text", "selection")
    if selected.strip():
        lines += ["", f"You selected: `{_cell(selected)}`"]
    errors = _cell_errors(cell)
    last = _error_pair(data.get("last_error")) if isinstance(data, dict) else None
    if errors:
        lines += ["", "It raised " + _describe_error(*errors[-1])]
    elif last:
        lines += ["", "The last error in this kernel was " + _describe_error(*last)]
    else:
        lines += ["", "Its outputs show no error."]
    return "\n".join(lines)
