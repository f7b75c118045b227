"""The client tools, answered inside the kernel.

``tool_json(name, args_json)`` is the one entry point other processes use: the JupyterLab
extension calls it by silent execution, and the in-kernel client and the chat widget call
:func:`run_tool`. Results are JSON-ready dicts, bounded in size and time; a bad call gives
``{"error": "..."}``, never an exception.

Variables come from the IPython user namespace (``__main__`` outside IPython). Cells come
from the kernel's input history, since the kernel cannot see the notebook document: the
results say so, and front ends that can see the notebook answer those tools themselves.
"""

from __future__ import annotations

import difflib
import json
import math
import sys
import time
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..assistant.tools import (
    CLIENT_TOOLS,
    GET_ACTIVE_CELL,
    GET_NOTEBOOK_CELLS,
    INSPECT_KERNEL_VARIABLE,
    LIST_KERNEL_VARIABLES,
    MAX_TOOL_OUTPUT_BYTES,
    ClientToolSpec,
)
from .detail import describe
from .summarize import brief, clip, is_frame_like, qualname, summarize, type_name

DEFAULT_MAX_VARIABLES = 100
DEFAULT_MAX_CELLS = 20
# A listing stops describing variables in full past this many characters of JSON, and
# stops listing them at all past the hard limit; both stay under what the model is sent.
LIST_SOFT_CHARS = 40_000
LIST_HARD_CHARS = 56_000
# Past this many seconds a listing gives the remaining variables by name and type only.
LIST_TIME_BUDGET = 0.5
CELL_SOURCE_CHARS = 4_000
CELLS_TOTAL_CHARS = 40_000

HISTORY_NOTE = (
    "From the kernel's execution history, not the notebook file: the cells run in this "
    "kernel session, in the order they ran (unsaved edits and unrun cells are not seen)."
)
# Names IPython puts in a user namespace, hidden even without a shell to ask.
_IPYTHON_NAMES = frozenset({"In", "Out", "exit", "quit", "get_ipython", "open"})
_TOOLS_BY_NAME: dict[str, ClientToolSpec] = {t.name: t for t in CLIENT_TOOLS}


@dataclass
class KernelView:
    """What the tools read: a user namespace, IPython's hidden names, and its history."""

    namespace: Mapping[str, Any]
    hidden: Mapping[str, Any] | None = None
    shell: Any = field(default=None, repr=False)

    @classmethod
    def current(cls) -> KernelView:
        """The running IPython shell's namespace, or ``__main__``'s outside IPython."""
        shell = current_shell()
        if shell is not None:
            return cls(shell.user_ns, shell.user_ns_hidden, shell)
        main = sys.modules.get("__main__")
        return cls(vars(main) if main is not None else {})


def current_shell() -> Any:
    """The running IPython shell, or None (without importing IPython)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    try:
        return ipython.get_ipython()
    except Exception:
        return None


# -- variables ------------------------------------------------------------------------------


def is_user_variable(name: str, value: Any, hidden: Mapping[str, Any] | None) -> bool:
    """True for the variables a person made: not IPython's, not modules or imports."""
    if not isinstance(name, str) or name.startswith("_"):
        return False
    if hidden is None:
        if name in _IPYTHON_NAMES:
            return False
    elif name in hidden and hidden[name] is value:
        # Like %who: IPython's own names are hidden until the user rebinds them.
        return False
    if isinstance(value, types.ModuleType):
        return False
    if isinstance(value, type | types.FunctionType | types.BuiltinFunctionType):
        # Functions and classes defined in the notebook are listed; imported ones are not.
        return getattr(value, "__module__", None) == "__main__"
    # typing.Optional, TypeVars and the like come from imports too.
    return type(value).__module__ != "typing"


def user_variables(view: KernelView, name_filter: str = "") -> list[tuple[str, Any]]:
    """The user's variables matching ``name_filter``: frames and arrays first (in the order
    they were defined), then the rest, newest first (the likeliest to matter now)."""
    needle = name_filter.strip().lower()
    # A snapshot: the namespace may change under us when called from another thread.
    items = list(view.namespace.items())
    picked = [
        (name, value)
        for name, value in items
        if is_user_variable(name, value, view.hidden) and (not needle or needle in name.lower())
    ]
    frames: list[tuple[str, Any]] = []
    others: list[tuple[str, Any]] = []
    for item in picked:
        (frames if is_frame_like(item[1]) else others).append(item)
    others.reverse()
    return frames + others


def list_kernel_variables(
    view: KernelView,
    name_filter: str = "",
    max_items: int = DEFAULT_MAX_VARIABLES,
    time_budget: float = LIST_TIME_BUDGET,
) -> dict[str, Any]:
    """A bounded listing: each variable's type and a compact summary by kind."""
    deadline = time.perf_counter() + time_budget
    candidates = user_variables(view, name_filter)
    entries: list[dict[str, Any]] = []
    used = 0
    brief_only = 0
    for name, value in candidates[:max_items]:
        if time.perf_counter() > deadline or used > LIST_SOFT_CHARS:
            entry: dict[str, Any] = {"name": name, "type": qualname(value)}
            brief_only += 1
        else:
            entry = {"name": name, **_safe_summary(value)}
        size = len(json.dumps(entry, ensure_ascii=False, default=str)) + 2
        if used + size > LIST_HARD_CHARS:
            break
        used += size
        entries.append(entry)
    result: dict[str, Any] = {"variables": entries, "total": len(candidates)}
    omitted = len(candidates) - len(entries)
    notes = []
    if omitted:
        result["omitted"] = omitted
        notes.append(f"{omitted} more not shown; use name_filter to narrow the list")
    if brief_only:
        notes.append(f"{brief_only} shown by name and type only, to keep this short")
    if not candidates:
        notes.append(
            "no variables match that filter" if name_filter.strip() else "no user variables yet"
        )
    if notes:
        result["note"] = "; ".join(notes) + "."
    return result


def _safe_summary(value: Any) -> dict[str, Any]:
    try:
        return summarize(value)
    except Exception as exc:
        # A broken object (or library) must not sink the whole listing.
        return {"type": qualname(value), "error": f"could not summarize ({type(exc).__name__})"}


def inspect_kernel_variable(view: KernelView, name: str) -> dict[str, Any]:
    """A detailed, bounded description of one variable, or a readable error."""
    key = name.strip()
    if key not in view.namespace:
        result: dict[str, Any] = {"error": f"No variable named {clip(key, 100)!r} in the kernel."}
        names = [n for n, _ in user_variables(view)]
        close = difflib.get_close_matches(key, names, n=3)
        if close:
            result["did_you_mean"] = close
        return result
    value = view.namespace[key]
    try:
        return {"name": key, **describe(value)}
    except Exception as exc:
        return {
            "name": key,
            "type": qualname(value),
            "error": f"Could not inspect {key!r} ({type_name(type(exc))}).",
        }


# -- cells ----------------------------------------------------------------------------------


def _history(view: KernelView) -> tuple[list[str], Mapping[int, Any]] | None:
    manager = getattr(view.shell, "history_manager", None) if view.shell is not None else None
    if manager is None:
        return None
    return list(manager.input_hist_raw), manager.output_hist


def _cell_entry(
    count: int, source: str, outputs: Mapping[int, Any], with_output: bool
) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "execution_count": count,
        "cell_type": "code",
        "source": clip(source, CELL_SOURCE_CHARS),
    }
    if with_output and count in outputs:
        try:
            cell["result"] = summarize(outputs[count])
        except Exception:
            cell["result"] = {"type": qualname(outputs[count])}
    return cell


def _last_error() -> dict[str, str] | None:
    exc = getattr(sys, "last_value", None)
    if not isinstance(exc, BaseException):
        return None
    try:
        message = str(exc)
    except Exception:
        message = ""
    return {"type": type_name(type(exc)), "message": clip(message, 500)}


def get_notebook_cells(
    view: KernelView, max_cells: int = DEFAULT_MAX_CELLS, include_outputs: bool = True
) -> dict[str, Any]:
    """The newest ``max_cells`` executed cells from the kernel's input history."""
    history = _history(view)
    if history is None:
        return {
            "from": "nothing",
            "cells": [],
            "note": "No notebook front end answered and this process has no IPython "
            "history, so no cells can be read.",
        }
    inputs, outputs = history
    cells: list[dict[str, Any]] = []
    used = 0
    # Newest first, so the total budget drops the oldest cells.
    for count in range(len(inputs) - 1, 0, -1):
        source = inputs[count]
        if not isinstance(source, str) or not source.strip():
            continue
        cell = _cell_entry(count, source, outputs, include_outputs)
        size = len(json.dumps(cell, ensure_ascii=False, default=str))
        if len(cells) >= max_cells or used + size > CELLS_TOTAL_CHARS:
            break
        used += size
        cells.append(cell)
    cells.reverse()
    result: dict[str, Any] = {
        "from": "kernel_execution_history",
        "note": HISTORY_NOTE,
        "cells": cells,
        "executed_cells": sum(1 for s in inputs[1:] if isinstance(s, str) and s.strip()),
    }
    error = _last_error() if include_outputs else None
    if error:
        result["last_error"] = error
    return result


def get_active_cell(view: KernelView) -> dict[str, Any]:
    """The most recently executed cell (the running one, when called from a cell)."""
    found = get_notebook_cells(view, max_cells=1, include_outputs=True)
    cells = found.get("cells") or []
    if not cells:
        return {"from": found["from"], "cell": None, "note": "No cell has been executed yet."}
    return {
        "from": found["from"],
        "note": "The front end did not report its active cell; this is the most recently "
        "executed cell in this kernel session.",
        "cell": cells[0],
        **({"last_error": found["last_error"]} if "last_error" in found else {}),
    }


# -- dispatch ---------------------------------------------------------------------------------


def validate_args(spec: ClientToolSpec, args: Any) -> str | None:
    """The first way ``args`` breaks the tool's JSON schema, as a sentence; None if valid."""
    if not isinstance(args, dict):
        return f"The arguments of {spec.name} must be a JSON object."
    props: dict[str, Any] = spec.parameters.get("properties", {})
    for key in args:
        if key not in props:
            allowed = ", ".join(props) or "none"
            return f"Unknown argument {clip(str(key), 50)!r} for {spec.name} (allowed: {allowed})."
    for key in spec.parameters.get("required", []):
        if key not in args:
            return f"{spec.name} needs the argument {key!r}."
    for key, value in args.items():
        schema = props[key]
        kind = schema.get("type")
        if kind == "integer" and (type(value) is not int):
            if not (type(value) is float and value.is_integer()):
                return f"{key} must be an integer."
            value = int(value)
        if kind == "boolean" and type(value) is not bool:
            return f"{key} must be true or false."
        if kind == "string" and not isinstance(value, str):
            return f"{key} must be a string."
        if kind == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            if (low is not None and value < low) or (high is not None and value > high):
                return f"{key} must be between {low} and {high}."
    return None


def run_tool(name: str, args: Any = None, view: KernelView | None = None) -> dict[str, Any]:
    """Answer one client tool call; errors come back as ``{"error": ...}``."""
    spec = _TOOLS_BY_NAME.get(name)
    if spec is None:
        known = ", ".join(sorted(_TOOLS_BY_NAME))
        return {"error": f"Unknown tool {clip(str(name), 60)!r}; the kernel answers: {known}."}
    args = {} if args is None else args
    problem = validate_args(spec, args)
    if problem:
        return {"error": problem}
    view = view or KernelView.current()
    try:
        if spec is LIST_KERNEL_VARIABLES:
            result = list_kernel_variables(
                view,
                name_filter=args.get("name_filter", ""),
                max_items=int(args.get("max_items", DEFAULT_MAX_VARIABLES)),
            )
        elif spec is INSPECT_KERNEL_VARIABLE:
            result = inspect_kernel_variable(view, args["name"])
        elif spec is GET_NOTEBOOK_CELLS:
            result = get_notebook_cells(
                view,
                max_cells=int(args.get("max_cells", DEFAULT_MAX_CELLS)),
                include_outputs=bool(args.get("include_outputs", True)),
            )
        else:
            assert spec is GET_ACTIVE_CELL
            result = get_active_cell(view)
    except Exception as exc:
        return {"error": f"{name} failed in the kernel ({type_name(type(exc))})."}
    return fit(result)


def fit(result: dict[str, Any], limit: int = MAX_TOOL_OUTPUT_BYTES - 1_000) -> dict[str, Any]:
    """Drop the bulkiest optional parts of a result until its JSON fits in ``limit``."""
    if len(dumps(result)) <= limit:
        return result
    out = dict(result)
    for key in ("describe", "top_values", "source", "head", "attributes", "items", "columns"):
        if key in out:
            out[key] = f"omitted to keep the answer under {limit:,} characters"
            out.setdefault("truncated", True)
            if len(dumps(out)) <= limit:
                return out
    return {
        "error": "The answer was too large to send.",
        "type": out.get("type"),
        "name": out.get("name"),
    }


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def dumps(result: Any) -> str:
    """Strict JSON text (no NaN: browsers reject it); unknown objects become a type name."""
    try:
        return json.dumps(result, ensure_ascii=False, allow_nan=False, default=_unknown)
    except ValueError:
        return json.dumps(_finite(result), ensure_ascii=False, allow_nan=False, default=_unknown)


def _unknown(value: Any) -> str:
    return brief(value)


def tool_json(name: str, args_json: str = "{}") -> str:
    """Run client tool ``name`` with JSON arguments and return its result as JSON text.

    The JupyterLab extension calls this by silent execution:
    ``__import__('jupyter_chatkit.kernel.introspect', fromlist=['x']).tool_json(name, a)``.
    """
    try:
        args = json.loads(args_json) if args_json and args_json.strip() else {}
    except (json.JSONDecodeError, TypeError):
        return dumps({"error": f"The arguments of {clip(str(name), 60)} are not valid JSON."})
    return dumps(run_tool(name, args))
