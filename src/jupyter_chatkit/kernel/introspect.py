"""The client tools, answered inside the kernel.

``tool_json(name, args_json)`` is the one entry point other processes use: the JupyterLab
extension calls it by silent execution, and the in-kernel client and the chat widget call
:func:`run_tool`. Results are JSON-ready dicts that passed the context policy: secrets
hidden (``redacted`` counts them), at most 16k characters whatever the arguments, framed
as data. A bad call gives ``{"error": "..."}``, never an exception.

Variables come from the IPython user namespace (``__main__`` outside IPython); those
set by cells the person kept out are not described (:mod:`.kept_names`). Cells come
from the saved notebook when the kernel knows its file, else from the execution history
and the executions recorded by :mod:`.executions`; the results say which.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
import types
from collections.abc import Mapping
from typing import Any

from .. import parse_json
from ..context_policy import RESULT_BUDGET, ContextPolicy, dumps
from ..protocol import (
    CLIENT_TOOLS,
    GET_ACTIVE_CELL,
    GET_NOTEBOOK_CELLS,
    INSPECT_KERNEL_VARIABLE,
    LIST_KERNEL_VARIABLES,
    ClientToolSpec,
)
from . import executions
from .cellpick import around_index
from .cells import DEFAULT_MAX_CELLS, get_active_cell, get_notebook_cells, saved_kept_sources
from .kept_names import (
    KEPT_OUT_VARIABLE_NOTE,
    KeptNames,
    LiveCells,
    kept_out_names,
    pushed_by_others,
    pushed_live,
)
from .known_secrets import known_secrets
from .values import brief, clip, describe, is_frame_like, kind_of, qualname, summarize, type_name
from .values.common import hidden, hides
from .values.pandas_arrays import foreign_index
from .values.typeinfo import is_a, type_module
from .view import KernelView, current_shell

__all__ = [
    "KernelView",
    "current_shell",
    "dumps",
    "get_active_cell",
    "get_notebook_cells",
    "inspect_kernel_variable",
    "list_kernel_variables",
    "run_tool",
    "tool_json",
]

DEFAULT_MAX_VARIABLES = 100
# A listing describes variables in full up to LIST_FULL_CHARS of JSON, then compactly
# (name, type, shape), and stops past LIST_HARD_CHARS: the whole result, framed, stays
# under the 16k characters a tool result may have, whatever max_items says.
LIST_FULL_CHARS = 8_000
LIST_HARD_CHARS = RESULT_BUDGET - 1_500
# Names like seg_1 … seg_75 of one type are listed as one family past this many.
FAMILY_MIN = 5
# Past this many seconds of the listing's own CPU a listing gives the remaining variables
# by name and type only. The kernel thread's CPU time, not the clock: a loaded machine
# (another kernel, a build) is not charged to it, so the same namespace is described
# the same way however busy the machine is.
LIST_TIME_BUDGET = 0.5

# Names IPython puts in a user namespace, hidden even without a shell to ask.
_IPYTHON_NAMES = frozenset({"In", "Out", "exit", "quit", "get_ipython", "open"})
_TOOLS_BY_NAME: dict[str, ClientToolSpec] = {t.name: t for t in CLIENT_TOOLS}


# -- variables ------------------------------------------------------------------------------


def is_user_variable(name: str, value: Any, hidden_names: Mapping[str, Any] | None) -> bool:
    """True for the variables a person made: not IPython's, not modules or imports."""
    if not isinstance(name, str) or name.startswith("_"):
        return False
    if hidden_names is None:
        if name in _IPYTHON_NAMES:
            return False
    elif name in hidden_names and hidden_names[name] is value:
        # Like %who: IPython's own names are hidden until the user rebinds them.
        return False
    if is_a(value, types.ModuleType):
        return False
    if is_a(value, type | types.FunctionType | types.BuiltinFunctionType):
        # Functions and classes defined in the notebook are listed; imported ones are not.
        # (A class's module through type's own descriptor: a metaclass may define one.)
        module = type_module(value) if is_a(value, type) else getattr(value, "__module__", None)
        return module == "__main__"
    # typing.Optional, TypeVars and the like come from imports too.
    return type_module(type(value)) != "typing"


def user_variables(
    view: KernelView, name_filter: str = "", kept_out: frozenset[str] = frozenset()
) -> list[tuple[str, Any]]:
    """The user's variables matching ``name_filter``, but those named in ``kept_out``:
    frames and arrays first (in the order they were defined), then the rest, newest
    first (the likeliest to matter now)."""
    needle = name_filter.strip().lower()
    # A snapshot: the namespace may change under us when called from another thread.
    items = list(view.namespace.items())
    picked = [
        (name, value)
        for name, value in items
        if name not in kept_out
        and is_user_variable(name, value, view.hidden)
        and (not needle or needle in name.lower())
    ]
    frames: list[tuple[str, Any]] = []
    others: list[tuple[str, Any]] = []
    for item in picked:
        (frames if is_frame_like(item[1]) else others).append(item)
    others.reverse()
    return frames + others


_NUMBERED = re.compile(r"^(.*?[A-Za-z_])(\d+)$")


def _families(items: list[tuple[str, Any]]) -> list[tuple[str, Any] | list[tuple[str, Any]]]:
    """``items`` with numbered names of one type (``seg_1`` … ``seg_75``) grouped."""
    groups: dict[tuple[str, type], list[tuple[str, Any]]] = {}
    for name, value in items:
        match = _NUMBERED.match(name)
        if match:
            groups.setdefault((match.group(1), type(value)), []).append((name, value))
    big = {key: members for key, members in groups.items() if len(members) >= FAMILY_MIN}
    placed: set[tuple[str, type]] = set()
    out: list[tuple[str, Any] | list[tuple[str, Any]]] = []
    for name, value in items:
        match = _NUMBERED.match(name)
        key = (match.group(1), type(value)) if match else None
        if key is not None and key in big:
            if key not in placed:
                placed.add(key)
                out.append(sorted(big[key], key=lambda m: int(_NUMBERED.match(m[0]).group(2))))  # type: ignore[union-attr]
            continue
        out.append((name, value))
    return out


def _compact(value: Any) -> dict[str, Any]:
    """Name-and-shape only: what a listing shows once the full ones used their room."""
    out: dict[str, Any] = {"type": qualname(value)}
    kind = kind_of(value)
    if kind in ("pandas.dataframe", "polars.dataframe"):
        # A pandas index backed by a third-party array: its length is that array's code.
        if kind == "polars.dataframe" or foreign_index(value.index) is None:
            out["shape"] = list(value.shape)
        cols = len(value.columns)
        out["columns"] = [str(c)[:40] for c in list(value.columns[:8])]
        if cols > 8:
            out["more_columns"] = cols - 8
    elif kind == "ndarray":
        out["shape"] = list(value.shape)
        out["dtype"] = str(value.dtype)
    else:
        text = brief(value, 60)
        if not text.endswith(" object>"):
            out["brief"] = text
    return out


def _entry(name: str, value: Any, compact: bool) -> dict[str, Any]:
    if hides(name, value):
        # The name and type stay: the model may say a credential exists, not what it is.
        return {"name": name, "type": qualname(value), "value": hidden(value)}
    try:
        return {"name": name, **(_compact(value) if compact else summarize(value))}
    except Exception as exc:
        # A broken object (or library) must not sink the whole listing.
        return {
            "name": name,
            "type": qualname(value),
            "error": f"could not summarize ({type(exc).__name__})",
        }


def _family_entry(members: list[tuple[str, Any]], compact: bool) -> dict[str, Any]:
    first_name, first = members[0]
    prefix = _NUMBERED.match(first_name).group(1)  # type: ignore[union-attr]
    return {
        "name": f"{first_name} … {members[-1][0]}",
        "family": f"{prefix}<n>",
        "count": len(members),
        "type": qualname(first),
        "first": _entry(first_name, first, compact),
        "note": f"{len(members)} variables named {prefix}<n>; inspect one by name, or "
        f"list them with name_filter={prefix!r}.",
    }


def list_kernel_variables(
    view: KernelView,
    name_filter: str = "",
    max_items: int = DEFAULT_MAX_VARIABLES,
    time_budget: float = LIST_TIME_BUDGET,
    kept_out: frozenset[str] = frozenset(),
    uncertain: str = "",
) -> dict[str, Any]:
    """A bounded listing: each variable's type and a summary by kind, compact when many.

    Variables named in ``kept_out`` (set by cells the person kept out) are not listed,
    not even by name (a name is part of the cell's source): only counted. ``uncertain``:
    why that count may hold more than those cells set (said in the note)."""
    deadline = time.thread_time() + time_budget
    candidates = user_variables(view, name_filter, kept_out)
    # Counted whatever the filter: a filter must not tell what a kept-out name contains.
    withheld = (
        len(user_variables(view)) - len(user_variables(view, kept_out=kept_out)) if kept_out else 0
    )
    picked = candidates[: max(1, max_items)]
    # A filter asks for those very names: families stay expanded then.
    grouped = _families(picked) if not name_filter.strip() else list(picked)
    entries: list[dict[str, Any]] = []
    used = 0
    brief_only = 0
    compact_count = 0
    listed = 0
    for item in grouped:
        late = time.thread_time() > deadline
        compact = used > LIST_FULL_CHARS
        if isinstance(item, list):
            entry = _family_entry(item, compact or late)
            members = len(item)
        else:
            name, value = item
            members = 1
            if late:
                entry = {"name": name, "type": qualname(value)}
                brief_only += 1
            else:
                entry = _entry(name, value, compact)
                compact_count += compact
        size = len(dumps(entry)) + 2
        if used + size > LIST_HARD_CHARS:
            break
        used += size
        listed += members
        entries.append(entry)
    result: dict[str, Any] = {"variables": entries, "total": len(candidates)}
    omitted = len(candidates) - listed
    notes = []
    if omitted:
        result["omitted"] = omitted
        notes.append(f"{omitted} more not shown (to keep this short); use name_filter to list them")
    if compact_count:
        notes.append(
            f"{compact_count} shown compactly (name, type, shape); inspect_kernel_variable "
            "gives one in full"
        )
    if brief_only:
        notes.append(f"{brief_only} shown by name and type only, to keep this short")
    if withheld:
        result["kept_out"] = withheld
        notes.append(
            f"not listed: {withheld} of the kernel's variables (kept_out), set by cells "
            "the person kept out of what the assistant reads; their names and values are "
            "not shown: ask the person if they matter"
        )
        if uncertain:
            notes.append(uncertain)
    if not candidates and name_filter.strip():
        notes.append("no variables match that filter")
    elif not candidates and not withheld:
        notes.append("no user variables yet")
    if notes:
        result["note"] = "; ".join(notes) + "."
    return result


# IPython's history in the namespace: every cell's source (``In``, ``_ih``, ``_i``,
# ``_i5``) and result (``Out``, ``_oh``, ``_``, ``_5``).
_HISTORY_NAMES = frozenset({"In", "Out", "_ih", "_oh"})
_HISTORY_ENTRY = re.compile(r"_(?:i{1,3}|i\d+|\d+|_{0,2})")
HISTORY_NOTE = (
    "That is IPython's history of the cells run, not a variable: get_notebook_cells and "
    "get_active_cell read the cells (without those the person kept out)."
)


def is_history_name(view: KernelView, name: str) -> bool:
    """Whether ``name`` is IPython's history of the cells run, as IPython bound it (a
    name the person bound is theirs): never inspected, as cells the person kept out
    (private_cells.py) would be read there."""
    if name in _HISTORY_NAMES:
        hidden_names = view.hidden
        return (
            hidden_names is not None
            and name in hidden_names
            and (hidden_names[name] is view.namespace.get(name))
        )
    return view.shell is not None and _HISTORY_ENTRY.fullmatch(name) is not None


def inspect_kernel_variable(
    view: KernelView, name: str, kept_out: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A detailed, bounded description of one variable, or a readable error. A name in
    ``kept_out`` (set by cells the person kept out) is said to be kept out,
    with nothing of its value (not even its type)."""
    key = name.strip()
    if is_history_name(view, key):
        return {"name": key, "error": HISTORY_NOTE}
    if key in kept_out and key in view.namespace:
        return {"name": key, "kept_out": KEPT_OUT_VARIABLE_NOTE}
    if key not in view.namespace:
        result: dict[str, Any] = {"error": f"No variable named {clip(key, 100)!r} in the kernel."}
        names = [n for n, _ in user_variables(view, kept_out=kept_out)]
        # Here, not on import: the sidebar's kernel check imports this module (KernelView).
        import difflib

        close = difflib.get_close_matches(key, names, n=3)
        if close:
            result["did_you_mean"] = close
        return result
    value = view.namespace[key]
    if hides(key, value):
        return {
            "name": key,
            "type": qualname(value),
            "value": hidden(value),
            "note": "Its name marks it as a secret: the value is never shown.",
        }
    try:
        return {"name": key, **describe(value)}
    except Exception as exc:
        return {
            "name": key,
            "type": qualname(value),
            "error": f"Could not inspect {key!r} ({type_name(type(exc))}).",
        }


# -- dispatch ---------------------------------------------------------------------------------


def validate_args(spec: ClientToolSpec, args: Any) -> str | None:
    """The first way ``args`` breaks the tool's JSON schema, as a sentence; None if valid.

    Integers out of the schema's range are not errors: :func:`clamp_args` brings them in
    (a model asking for 10,000 cells gets the most a result can hold).
    """
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
        kind = props[key].get("type")
        integral = type(value) is int or (type(value) is float and value.is_integer())
        if kind == "integer" and not integral:
            return f"{key} must be an integer."
        if kind == "boolean" and type(value) is not bool:
            return f"{key} must be true or false."
        if kind == "string" and not isinstance(value, str):
            return f"{key} must be a string."
    return None


def clamp_args(spec: ClientToolSpec, args: dict[str, Any]) -> dict[str, Any]:
    """Valid ``args`` with integers brought into the schema's range."""
    props: dict[str, Any] = spec.parameters.get("properties", {})
    out = dict(args)
    for key, value in args.items():
        schema = props[key]
        if schema.get("type") == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            number = int(value)
            if low is not None:
                number = max(int(low), number)
            if high is not None:
                number = min(int(high), number)
            out[key] = number
    return out


_HINTS = {
    LIST_KERNEL_VARIABLES.name: "Cut to fit; list fewer with name_filter, or inspect one "
    "variable with inspect_kernel_variable.",
    INSPECT_KERNEL_VARIABLE.name: "Cut to fit; select the part you need into a new "
    "variable (df[cols], df.head()) and inspect that.",
    GET_NOTEBOOK_CELLS.name: "Cut to fit; ask for fewer cells or include_outputs=false.",
    GET_ACTIVE_CELL.name: "Cut to fit.",
}


def kept_out_variables(view: KernelView, cells: Any = None) -> KeptNames:
    """The names cells the person kept out set: of the front end's live ``cells`` when it
    sent them (:class:`~.kept_names.LiveCells`) with those other documents' pages pushed,
    else of what pages pushed and the saved notebook (none without either)."""
    live = LiveCells.parse(cells)
    if live is not None:
        # The kernel's variables are every document's: what the pages of its other
        # documents (a second notebook on it) keep out is kept out here too.
        others = pushed_by_others()
        return (LiveCells.merged([live, others]) if others is not None else live).names()
    kept, readable = saved_kept_sources(view)
    found = kept_out_names(kept, readable) if kept else KeptNames()
    pushed = pushed_live()
    if pushed is not None and pushed.uncertain and not found.uncertain:
        # The sources above lost why the pushed cells are uncertain (too many documents'
        # kept-out cells to keep): every variable no readable cell binds stays out.
        return KeptNames(found.names, found.readable, pushed.uncertain)
    return found


def _kept_out(view: KernelView, cells: Any) -> tuple[frozenset[str], str]:
    """The kernel's names kept out, and what the result says when that is uncertain."""
    kept = kept_out_variables(view, cells)
    present = (n for n, _ in user_variables(view)) if kept.uncertain else ()
    return kept.among(present), kept.note()


def run_tool(
    name: str,
    args: Any = None,
    view: KernelView | None = None,
    policy: ContextPolicy | None = None,
    cells: Any = None,
) -> dict[str, Any]:
    """Answer one client tool call; errors come back as ``{"error": ...}``.

    ``cells``: the notebook's code cells as the front end has them, kept out or not
    (``{"kept_out": [sources], "readable": [sources]}``), for the variables tools; without
    it the saved notebook says which cells are kept out. The result passed the context
    policy: redacted, counted (``redacted``), at most 16k characters of JSON, framed as
    data.
    """
    spec = _TOOLS_BY_NAME.get(name)
    if spec is None:
        known = ", ".join(sorted(_TOOLS_BY_NAME))
        return {"error": f"Unknown tool {clip(str(name), 60)!r}; the kernel answers: {known}."}
    args = {} if args is None else args
    if spec is GET_NOTEBOOK_CELLS and isinstance(args, dict) and "around" in args:
        # A cell to centre on that is no whole number is ignored, as the sidebar does.
        args = {k: v for k, v in args.items() if k != "around" or around_index(v) is not None}
    problem = validate_args(spec, args)
    if problem:
        return {"error": problem}
    args = clamp_args(spec, args)
    view = view or KernelView.current()
    executions.install(view.shell)
    try:
        if spec is LIST_KERNEL_VARIABLES:
            kept_out, uncertain = _kept_out(view, cells)
            result = list_kernel_variables(
                view,
                name_filter=args.get("name_filter", ""),
                max_items=int(args.get("max_items", DEFAULT_MAX_VARIABLES)),
                kept_out=kept_out,
                uncertain=uncertain,
            )
        elif spec is INSPECT_KERNEL_VARIABLE:
            kept_out, uncertain = _kept_out(view, cells)
            result = inspect_kernel_variable(view, args["name"], kept_out=kept_out)
            if uncertain and "kept_out" in result:
                result["note"] = uncertain[0].upper() + uncertain[1:] + "."
        elif spec is GET_NOTEBOOK_CELLS:
            result = get_notebook_cells(
                view,
                max_cells=int(args.get("max_cells", DEFAULT_MAX_CELLS)),
                include_outputs=bool(args.get("include_outputs", True)),
                around=args.get("around"),
            )
        else:
            assert spec is GET_ACTIVE_CELL
            result = get_active_cell(view)
        policy = policy or ContextPolicy.for_kernel()
        if policy.redact_secrets:
            # A value shown without its name (``vals = creds.values``) is still hidden.
            generation = getattr(view.shell, "execution_count", None)
            seen = known_secrets(view.namespace, generation)
            policy = dataclasses.replace(policy, known=seen) if seen else policy
        return well_formed(policy.tool_result(result, _HINTS[spec.name]))
    except Exception as exc:
        return {"error": f"{name} failed in the kernel ({type_name(type(exc))})."}


# A lone UTF-16 surrogate (bytes decoded with ``surrogateescape``: odd file names, binary
# printed as text) cannot be encoded as UTF-8, and JSON parsers (the server's pydantic)
# reject its escape: the whole turn failed. In a str, paired surrogates are already one
# code point, so any surrogate left is lone.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with lone surrogates replaced by U+FFFD (the rest unchanged)."""
    text = dumps(result)
    if not _LONE_SURROGATE.search(text):
        return result
    fixed: dict[str, Any] = json.loads(_LONE_SURROGATE.sub("\ufffd", text))
    return fixed


def tool_json(name: str, args_json: str = "{}", cells_json: str | None = None) -> str:
    """Run client tool ``name`` with JSON arguments and return its result as JSON text.

    The JupyterLab extension calls this by silent execution:
    ``__import__('jupyter_chatkit.kernel.introspect', fromlist=['x']).tool_json(name, a)``,
    with the notebook's live cells as JSON (``cells_json``, see :func:`run_tool`) when
    it keeps some out.
    """
    try:
        args = parse_json.loads(args_json) if args_json and args_json.strip() else {}
    except (ValueError, TypeError):
        return dumps({"error": f"The arguments of {clip(str(name), 60)} are not valid JSON."})
    try:
        cells = parse_json.loads(cells_json) if cells_json else None
    except (ValueError, TypeError):
        cells = None
    return dumps(run_tool(name, args, cells=cells))
