"""What the offline model can say about an error without a language model.

From what it read (an error output: exception, message, reduced traceback; the failing
cell's source; the kernel's variables and DataFrame columns; names the notebook's cells
define), it names the exception and the failing line and, for common errors whose fix
follows from that alone, writes the corrected code:

- ``NameError``: a near-miss of a defined name (``pritn`` -> ``print``), or the usual
  import of a well-known alias (``pd`` -> ``import pandas as pd``);
- ``KeyError`` / ``AttributeError`` on a DataFrame: a near-miss of one of its columns;
  ``KeyError`` on a dict (or another mapping the kernel lists the keys of): a near-miss
  of one of its keys;
  ``AttributeError``: Python's own "Did you mean" suggestion;
- ``ModuleNotFoundError``: ``%pip install`` of the package that provides the module;
- ``ZeroDivisionError``: the division guarded against a zero divisor.

Anything else gets the diagnosis and a plain statement that a fix needs a configured
model. Pure functions over the JSON the tools returned: no user code runs here.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Fix",
    "FoundError",
    "Known",
    "diagnose",
    "find_errors",
    "key_owner",
    "known_names",
    "suggest_fix",
]

# How alike a misspelt name and a defined one must be (difflib's ratio).
_CUTOFF = 0.7

# Conventional aliases: `pd` undefined almost always means the import was not run.
_ALIASES = {
    "pd": "import pandas as pd",
    "np": "import numpy as np",
    "plt": "import matplotlib.pyplot as plt",
    "sns": "import seaborn as sns",
    "px": "import plotly.express as px",
    "tf": "import tensorflow as tf",
    "mpl": "import matplotlib as mpl",
    "sp": "import scipy as sp",
    "pl": "import polars as pl",
}
_STD_MODULES = ("os", "sys", "re", "json", "math", "time", "random", "datetime", "pathlib")

# Import names whose package on PyPI is named otherwise.
_PACKAGES = {
    "sklearn": "scikit-learn",
    "cv2": "opencv-python",
    "PIL": "pillow",
    "yaml": "pyyaml",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "skimage": "scikit-image",
    "Bio": "biopython",
    "OpenSSL": "pyopenssl",
    "jwt": "pyjwt",
    "docx": "python-docx",
    "serial": "pyserial",
    "attr": "attrs",
    "google.protobuf": "protobuf",
}

_NAME_ERROR = re.compile(r"name '([A-Za-z_]\w*)' is not defined")
_NO_MODULE = re.compile(r"No module named '([\w.]+)'")
_NO_ATTRIBUTE = re.compile(r"'(\w+)' object has no attribute '([A-Za-z_]\w*)'")
_DID_YOU_MEAN = re.compile(r"Did you mean:? '?([A-Za-z_][\w.]*)'?\??")
_CELL_FRAME = re.compile(r"^\s*(?:Cell In ?\[[^\]]*\]|Input In ?\[[^\]]*\]), line (\d+)")
_OTHER_FRAME = re.compile(r"^File |^\S.*, line \d+, in ")
_ARROW = re.compile(r"^-*> ?\s*(\d+)\s?(.*)$")
_WORD = r"(?<![\w.]){}(?!\w)"
# IPython's file for a cell's code in a SyntaxError's message ("(537175822.py, line 1)",
# "(<ipython-input-3-…>, line 1)"): the person knows the cell, so the line alone is said.
_CELL_FILE = re.compile(r"\((?:\d+\.py|<ipython-input-[^>]*>), line (\d+)\)")


@dataclass(frozen=True)
class FoundError:
    """One error output the model read."""

    ename: str
    evalue: str
    traceback: str = ""
    # The failing cell's source, when it came with the error.
    source: str = ""
    # How the cell is named to a person ("cell 3", "In [7]"), when known.
    where: str = ""

    def failing_line(self) -> tuple[int, str] | None:
        """(line number in the cell, its code): the line of the cell that ran where the
        error came from (the traceback's first cell frame; a function defined in another
        cell fails further down, in code this cell does not hold)."""
        number: int | None = None
        code = ""
        for line in self.traceback.splitlines():
            frame = _CELL_FRAME.match(line)
            if frame:
                if number is not None:
                    break  # a later cell frame: another cell's code
                number = int(frame.group(1))
                continue
            if number is not None and _OTHER_FRAME.match(line):
                break
            arrow = _ARROW.match(line)
            if number is not None and arrow:
                number, code = int(arrow.group(1)), arrow.group(2)
                break
        if number is None:
            return None
        lines = self.source.splitlines()
        if 0 < number <= len(lines) and (
            not code.strip() or lines[number - 1].strip() == code.strip()
        ):
            code = lines[number - 1]  # with its indentation
        return (number, code) if code.strip() else None

    def in_source(self, number: int, code: str) -> bool:
        """Whether line ``number`` of the cell's source is ``code`` (the cell as it ran)."""
        lines = self.source.splitlines()
        return 0 < number <= len(lines) and lines[number - 1] == code


@dataclass(frozen=True)
class Fix:
    """Corrected code and why."""

    code: str
    title: str
    why: str


@dataclass
class Known:
    """Names the model read: kernel variables, DataFrame columns, mapping keys, names
    cells define."""

    names: set[str] = field(default_factory=set)
    # DataFrame variable -> its column names (those the tool listed).
    columns: dict[str, list[str]] = field(default_factory=dict)
    # Mapping variable -> its string keys (those the kernel's description shows).
    keys: dict[str, list[str]] = field(default_factory=dict)


def find_errors(value: Any, source: str = "", where: str = "") -> Iterator[FoundError]:
    """Every error output in a tool result or context JSON, innermost cell source kept.

    Two shapes: an nbformat-like output (``ename``, ``evalue``, ``text``) from the
    notebook, and the kernel's record (``error: {type, message, traceback}``).
    """
    if isinstance(value, list):
        for item in value:
            yield from find_errors(item, source, where)
        return
    if not isinstance(value, dict):
        return
    if isinstance(value.get("source"), str):
        source = value["source"]
        where = _where(value) or where
    if isinstance(value.get("ename"), str) and value["ename"]:
        tb = value.get("text") or value.get("traceback") or ""
        evalue = _CELL_FILE.sub(r"(line \1)", str(value.get("evalue", "")))
        yield FoundError(value["ename"], evalue, _tb(tb), source, where)
        return
    error = value.get("error")
    if isinstance(error, dict) and isinstance(error.get("type"), str) and error["type"]:
        tb = _tb(error.get("traceback", ""))
        message = _CELL_FILE.sub(r"(line \1)", str(error.get("message", "")))
        yield FoundError(error["type"], message, tb, source, where)
    for key, item in value.items():
        if key == "last_error" and isinstance(item, dict):
            yield from find_errors(_placed(item, value), source, where)
        elif key != "error" and isinstance(item, dict | list):
            yield from find_errors(item, source, where)


# The first line of an IPython traceback that starts in a cell: "Cell In[2], line 1".
_CELL_IN = re.compile(r"^\s*(?:Cell|Input) In ?\[(\d+)\]")


def _placed(error: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The kernel's ``last_error`` (``{type, message, traceback}``, the run's
    ``execution_count`` when it was recorded) as the record of that run: its count, else
    the one its traceback starts in, and the run's source from the cells read with it.
    An error from before the kernel recorded errors is in no cell read (a notebook
    failed, then loaded the assistant), so it is known only there."""
    count = error.get("execution_count")
    if not isinstance(count, int) or isinstance(count, bool):
        found = _CELL_IN.match(str(error.get("traceback") or ""))
        count = int(found.group(1)) if found else None
    runs = [
        cell
        # This kernel's own runs first: a saved file's counts may be an older kernel's.
        for key in ("run_not_in_file", "cells")
        if isinstance(result.get(key), list)
        for cell in result[key]
        if isinstance(cell, dict) and cell.get("execution_count") == count
    ]
    source = next((c["source"] for c in runs if isinstance(c.get("source"), str)), "")
    # A saved notebook's cell has its place too ("cell 3"); a run of the history has not.
    place = {k: runs[0][k] for k in ("index",) if runs and k in runs[0]}
    return {"error": error, "source": source, "execution_count": count, **place}


def _tb(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def _where(cell: dict[str, Any]) -> str:
    index = cell.get("index")
    if isinstance(index, int) and not isinstance(index, bool):
        return f"cell {index + 1}"
    count = cell.get("execution_count")
    if isinstance(count, int) and not isinstance(count, bool):
        return f"In [{count}]"
    return ""


def known_names(value: Any, known: Known | None = None) -> Known:
    """Add what ``value`` (a tool result, context JSON) tells of defined names."""
    known = known or Known()
    if isinstance(value, list):
        for item in value:
            known_names(item, known)
        return known
    if not isinstance(value, dict):
        return known
    variables = value.get("variables")
    if isinstance(variables, list):
        for var in variables:
            if isinstance(var, dict) and isinstance(var.get("name"), str):
                known.names.add(var["name"])
                cols = [
                    c.get("name") if isinstance(c, dict) else c for c in var.get("columns") or []
                ]
                if cols:
                    known.columns[var["name"]] = [str(c) for c in cols if c is not None]
                _add_keys(known, var["name"], _preview_keys(var.get("preview")))
    if isinstance(value.get("name"), str) and isinstance(value.get("columns"), list):
        cols = [c.get("name") if isinstance(c, dict) else c for c in value["columns"]]
        known.columns[value["name"]] = [str(c) for c in cols if c is not None]
    if isinstance(value.get("name"), str) and isinstance(value.get("items"), list):
        # inspect_kernel_variable on a mapping: items are [key as the kernel shows it, value].
        shown = [i[0] for i in value["items"] if isinstance(i, list) and i]
        _add_keys(known, value["name"], [k for k in map(_literal, shown) if isinstance(k, str)])
    if isinstance(value.get("source"), str):
        known.names |= _defined_in(value["source"])
    for item in value.values():
        if isinstance(item, dict | list):
            known_names(item, known)
    return known


def _literal(text: Any) -> Any:
    """The Python literal ``text`` spells (a key as the kernel showed it); None if not."""
    try:
        return ast.literal_eval(text) if isinstance(text, str) else None
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _preview_keys(preview: Any) -> list[str]:
    """The string keys of a mapping's preview (``{'a': 1, … 3 more}``), when its shown
    part is a literal; else none."""
    if not isinstance(preview, str) or not preview.startswith("{"):
        return []
    shown = _literal(re.sub(r",?\s*…[^{}]*\}$", "}", preview))
    return [k for k in shown if isinstance(k, str)] if isinstance(shown, dict) else []


def _add_keys(known: Known, name: str, keys: list[str]) -> None:
    if keys:
        have = known.keys.setdefault(name, [])
        have += [k for k in keys if k not in have]


def _defined_in(source: str) -> set[str]:
    """Names a cell's code binds (assignments, defs, imports); none if it does not parse."""
    try:
        tree = ast.parse(
            "\n".join(
                line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
            )
        )
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    return names


def diagnose(error: FoundError) -> str:
    """The exception, where, and the failing line, in Markdown."""
    where = f" in {error.where}" if error.where else ""
    message = error.evalue.strip().splitlines()[0] if error.evalue.strip() else ""
    text = f"**{error.ename}**{where}" + (f": {_code(message)}" if message else "")
    line = error.failing_line()
    if line:
        text += f"\n\nIt fails at line {line[0]}: {_code(line[1].strip())}"
    return text


def _code(text: str) -> str:
    text = text if len(text) <= 200 else text[:199] + "…"
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def needs_names(error: FoundError) -> bool:
    """Whether the kernel's variables could name the fix (a near-miss name or column)."""
    if error.ename in ("NameError", "UnboundLocalError"):
        match = _NAME_ERROR.search(error.evalue)
        return not (match and match.group(1) in _ALIASES) and not _DID_YOU_MEAN.search(_all(error))
    return error.ename in ("KeyError", "AttributeError") and not _DID_YOU_MEAN.search(_all(error))


def _all(error: FoundError) -> str:
    return f"{error.evalue}\n{error.traceback}"


def suggest_fix(error: FoundError, known: Known) -> Fix | None:
    """Corrected code for ``error`` when it follows from what was read; else None."""
    if error.ename == "ModuleNotFoundError" or (
        error.ename == "ImportError" and "No module" in error.evalue
    ):
        return _install(error)
    line = error.failing_line()
    if line is None:
        return None
    number, code = line
    if error.ename in ("NameError", "UnboundLocalError"):
        return _name_fix(error, known, number, code)
    if error.ename == "KeyError":
        return _key_fix(error, known, number, code)
    if error.ename == "AttributeError":
        return _attribute_fix(error, known, number, code)
    if error.ename == "ZeroDivisionError":
        return _division_fix(error, number, code)
    return None


def _install(error: FoundError) -> Fix | None:
    match = _NO_MODULE.search(error.evalue)
    if not match:
        return None
    module = match.group(1)
    top = module.split(".")[0]
    package = _PACKAGES.get(module) or _PACKAGES.get(top) or top.replace("_", "-")
    return Fix(
        code=f"%pip install {package}",
        title=f"Install {package}",
        why=f"No module named `{module}` is installed in this kernel's environment: install "
        f"`{package}`, then restart the kernel and run the cell again.",
    )


def _replace_word(code: str, old: str, new: str) -> str:
    return re.sub(_WORD.format(re.escape(old)), new, code)


def _with_line(error: FoundError, number: int, code: str, fixed: str) -> str:
    """The failing cell with its line ``number`` (``code``) fixed; just the line when the
    cell's source is not known or was changed since it ran."""
    if not error.in_source(number, code):
        return fixed.strip()
    lines = error.source.splitlines()
    lines[number - 1] = fixed
    return "\n".join(lines)


def _near(word: str, candidates: set[str] | list[str]) -> str | None:
    pool = [c for c in candidates if c != word]
    found = difflib.get_close_matches(word, pool, n=1, cutoff=_CUTOFF)
    if not found:
        # A case slip ("Sales" for "sales") reads as no match to difflib at short lengths.
        found = [c for c in pool if c.lower() == word.lower()]
    if not found and len(word) >= 3:
        # A part of a longer name ("price" for "unit_price"), when only one has it.
        parts = [c for c in pool if word.lower() in re.split(r"[_\W]+", c.lower())]
        found = parts if len(parts) == 1 else []
    return found[0] if found else None


def _name_fix(error: FoundError, known: Known, number: int, code: str) -> Fix | None:
    match = _NAME_ERROR.search(error.evalue)
    if not match:
        return None
    name = match.group(1)
    if name in _ALIASES:
        return Fix(
            code=f"{_ALIASES[name]}\n{error.source.strip() or code.strip()}",
            title=f"Import {name}",
            why=f"`{name}` is the usual alias of an import that has not run in this kernel.",
        )
    if name in _STD_MODULES:
        return Fix(
            code=f"import {name}\n{error.source.strip() or code.strip()}",
            title=f"Import {name}",
            why=f"`{name}` is a standard-library module that was not imported.",
        )
    hint = _DID_YOU_MEAN.search(_all(error))
    # The notebook's and kernel's own names first, Python's builtins after.
    own = {n for n in known.names if not keyword.iskeyword(n)}
    other = hint.group(1) if hint else _near(name, own) or _near(name, set(dir(builtins)))
    if not other:
        return None
    fixed = _replace_word(code, name, other)
    if fixed == code:
        return None
    return Fix(
        code=_with_line(error, number, code, fixed),
        title=f"Use {other}",
        why=f"`{name}` is not defined; `{other}` is, and differs by a typo.",
    )


def key_owner(error: FoundError) -> str | None:
    """The variable a ``KeyError``'s failing line indexes with the missing key, if one."""
    line = error.failing_line()
    if error.ename != "KeyError" or line is None:
        return None
    return _subscripted(line[1], _missing_key(error))


def _missing_key(error: FoundError) -> str:
    key = error.evalue.strip()
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
        key = key[1:-1]
    return key


def _subscripted(code: str, key: str) -> str | None:
    """The variable indexed with ``key`` on the line (``sales['regoin']`` -> ``sales``)."""
    match = re.search(r"([A-Za-z_]\w*)\s*\[\s*(['\"])" + re.escape(key) + r"\2", code)
    return match.group(1) if match else None


def _key_fix(error: FoundError, known: Known, number: int, code: str) -> Fix | None:
    key = _missing_key(error)
    owner = _subscripted(code, key)
    columns = known.columns.get(owner or "") or []
    keys = known.keys.get(owner or "") or []
    other = _near(key, columns or keys)
    if not owner or not other:
        return None
    fixed = re.sub(
        r"(['\"])" + re.escape(key) + r"\1", lambda m: f"{m.group(1)}{other}{m.group(1)}", code
    )
    what = "column" if columns else "key"
    return Fix(
        code=_with_line(error, number, code, fixed),
        title=f"Use {what} {other}",
        why=f"`{owner}` has no {what} `{key}`; it has `{other}` ({what}s: "
        + ", ".join(f"`{c}`" for c in (columns or keys)[:8])
        + ").",
    )


def _attribute_fix(error: FoundError, known: Known, number: int, code: str) -> Fix | None:
    match = _NO_ATTRIBUTE.search(error.evalue) or re.search(
        r"has no attribute '([A-Za-z_]\w*)'", error.evalue
    )
    if not match:
        return None
    attr = match.group(match.lastindex or 1)
    hint = _DID_YOU_MEAN.search(_all(error))
    other = hint.group(1) if hint else None
    if other is None:
        owner = re.search(r"([A-Za-z_]\w*)\s*\.\s*" + re.escape(attr) + r"(?!\w)", code)
        columns = known.columns.get(owner.group(1)) if owner else None
        other = _near(attr, columns or [])
    if not other or not other.isidentifier():
        return None
    fixed = re.sub(r"\.\s*" + re.escape(attr) + r"(?!\w)", f".{other}", code)
    if fixed == code:
        return None
    return Fix(
        code=_with_line(error, number, code, fixed),
        title=f"Use .{other}",
        why=f"There is no attribute `{attr}` there; `{other}` is the close one.",
    )


def _division_fix(error: FoundError, number: int, code: str) -> Fix | None:
    """The line's one division, guarded: NaN instead of an error when the divisor is 0."""
    body = code.strip()
    indent = code[: len(code) - len(code.lstrip())]
    try:
        tree = ast.parse(body)
    except SyntaxError:
        return None
    divisions = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div | ast.FloorDiv | ast.Mod)
    ]
    if len(divisions) != 1:
        return None
    div = divisions[0]
    left, right, whole = (ast.get_source_segment(body, n) for n in (div.left, div.right, div))
    if not (left and right and whole):
        return None
    guarded = f"({whole} if {right} != 0 else float('nan'))"
    fixed = indent + body.replace(whole, guarded, 1)
    return Fix(
        code=_with_line(error, number, code, fixed),
        title="Guard the division",
        why=f"`{right}` is 0 here. The card gives NaN instead of an error when it is; "
        "whether that is the right result depends on your data.",
    )
