"""The variables of cells the person kept out (the ``chatkit-private`` tag).

A name a kept-out cell writes (``salary = pd.read_csv(...)``, ``total += salary``,
``df["ssn"] = ...``, ``def``/``class``) is not described by ``list_kernel_variables`` or
``inspect_kernel_variable``: its value may be what that cell made, and the cell's source
and outputs are not read. That holds even when a readable cell binds the name too (the
kernel cannot know which cell ran last: ``x = 1`` readable, ``x += salary`` kept out, or
the other way round), except for ``import m``: a module a kept-out cell imports under a
name a readable cell binds as well stays readable (a module holds no cell's data);
``from m import x`` may bind any value, so it counts as written.

Which names a cell binds is read from its source with :mod:`ast`, after IPython's
transforms (``x = !ls``, ``%time x = 1``, ``%%capture out``, ``%%bash --out o``); no user
code runs. Module-level assignments of every form, imports, ``def``/``class``, loop,
``with``, ``except`` and ``match`` targets, walrus, ``global`` in a function, ``exec`` of
a literal string and ``globals()["x"] = ...``. Where the source cannot say which names a
kept-out cell binds (``exec`` of a computed string, ``from m import *``, ``%run``, a
magic this module does not know), the answer is uncertain (:attr:`KeptNames.uncertain`)
and every variable no readable cell binds is kept out.

The cells come from the front end when it sends them (the live notebook, so a tag not
saved yet holds both ways: :func:`LiveCells.parse`), else from what a page last pushed to
this kernel (:func:`remember_live`), else from the saved notebook the kernel reads
(:mod:`.cells`).
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import parse_json

KEPT_OUT_VARIABLE_NOTE = (
    "Set by a cell the person kept out of what the assistant reads: its value is not "
    "described. Do not guess it; ask the person if it matters."
)
# Sources read per call at most (a front end sends each code cell once).
MAX_SOURCES = 5_000
MAX_SOURCE_CHARS = 200_000
# ``exec("exec('x = 1')")``: literal code read this deep, then uncertain.
_MAX_EXEC_DEPTH = 4
# The namespace functions whose dict a cell can write names into.
_NAMESPACES = frozenset({"globals", "locals", "vars"})
# A call :func:`_dynamic` looks at may be in a text holding this (a cheap first look).
_MAYBE_DYNAMIC = re.compile(r"\b(?:exec|eval|globals|locals|vars|get_ipython)\b")


def _python(source: str) -> str:
    """``source`` as Python: IPython's magics and ``!`` lines turned into calls
    (``x = !ls`` binds ``x``) when IPython is loaded; as it is otherwise."""
    if "IPython" not in sys.modules:
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        transformed: str = TransformerManager().transform_cell(source)
    except Exception:
        return source
    return transformed


@dataclass(frozen=True)
class Bindings:
    """What one cell binds in the namespace it runs in: the names it writes a value to,
    the names it imports modules under, and why that may not be all (``unknown``: empty
    when the source says every name)."""

    assigned: frozenset[str] = frozenset()
    imported: frozenset[str] = frozenset()
    unknown: str = ""

    @property
    def names(self) -> frozenset[str]:
        """Every name the cell is seen to bind."""
        return self.assigned | self.imported


class _Binder(ast.NodeVisitor):
    """The names a module-level body binds (not those local to a function, class body
    or comprehension, except a walrus and ``global`` names, which bind here)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.imported: set[str] = set()
        self.unknown = ""

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.names.add(node.id)

    def _written(self, node: ast.Attribute | ast.Subscript) -> None:
        # ``df["ssn"] = ...``, ``obj.a += 1``, ``del df["ssn"]``: the object named at the
        # base is changed by this cell.
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            base: ast.expr = node
            while isinstance(base, (ast.Attribute, ast.Subscript)):
                base = base.value
            if isinstance(base, ast.Name):
                self.names.add(base.id)
        self.generic_visit(node)

    visit_Attribute = _written
    visit_Subscript = _written

    def _alias(self, node: ast.Import | ast.ImportFrom) -> None:
        # ``import m`` binds a module; ``from m import x`` may bind any value (a key
        # read from a config module): that one counts as written.
        bound = self.imported if isinstance(node, ast.Import) else self.names
        for alias in node.names:
            if alias.name == "*":
                self.unknown = self.unknown or "a star import (from m import *)"
            else:
                bound.add(alias.asname or alias.name.split(".")[0])

    visit_Import = _alias
    visit_ImportFrom = _alias

    def _scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.names.add(node.name)
        # ``global x`` in a function binds ``x`` here when it runs.
        for inner in ast.walk(node):
            if isinstance(inner, ast.Global):
                self.names.update(inner.names)

    visit_FunctionDef = _scope
    visit_AsyncFunctionDef = _scope
    visit_ClassDef = _scope

    def visit_Lambda(self, node: ast.Lambda) -> None:
        return None

    def _comprehension(self, node: ast.AST) -> None:
        # Its loop variables are its own; a walrus inside binds in the cell's scope.
        for inner in ast.walk(node):
            if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name):
                self.names.add(inner.target.id)

    visit_ListComp = _comprehension
    visit_SetComp = _comprehension
    visit_DictComp = _comprehension
    visit_GeneratorExp = _comprehension

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.names.add(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.names.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.names.add(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.names.add(node.rest)
        self.generic_visit(node)


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _namespace_call(node: ast.AST) -> bool:
    """``globals()``, ``locals()`` or ``vars()``: the dict of the names a cell binds."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _NAMESPACES
        and not node.args
        and not node.keywords
    )


def _ipython_call(node: ast.Call) -> str | None:
    """``run_line_magic`` / ``run_cell_magic`` of ``get_ipython()``, else None."""
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in ("run_line_magic", "run_cell_magic")
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "get_ipython"
    ):
        return func.attr
    return None


def _dynamic(tree: ast.AST, depth: int) -> Bindings:
    """What ``tree`` binds beyond its statements: ``exec``/``eval`` of a literal (its
    names), ``globals()["x"] = ...`` (``x``), magics that run code or bind a name; why
    names cannot be known for the rest (``exec`` of a computed string, the namespace's
    dict handed on or changed by a method)."""
    from .kept_magics import magic_bindings

    names: set[str] = set()
    imported: set[str] = set()
    unknown = ""
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    literal_exec_args: set[int] = set()
    for node in ast.walk(tree):
        found: Bindings | None = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("exec", "eval") and node.args:
                code = _literal(node.args[0])
                if code is None:
                    found = Bindings(unknown=f"{node.func.id} of code built at run time")
                else:
                    literal_exec_args.update(id(a) for a in node.args[1:])
                    found = _bindings(code, depth + 1, transform=False)
        elif isinstance(node, ast.Call) and (kind := _ipython_call(node)):
            args = [_literal(a) for a in node.args]
            if len(args) < 2 or any(a is None for a in args):
                found = Bindings(unknown="a magic whose arguments are built at run time")
            else:
                found = magic_bindings(
                    kind == "run_cell_magic",
                    [a or "" for a in args],
                    lambda code: _bindings(code, depth + 1, transform=False),
                )
        if found is not None:
            names |= found.assigned
            imported |= found.imported
            unknown = unknown or found.unknown
    for node in ast.walk(tree):
        if not _namespace_call(node) or id(node) in literal_exec_args:
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Subscript) and parent.value is node:
            key = _literal(parent.slice)
            if isinstance(parent.ctx, ast.Load):
                continue  # read only
            if key is not None and key.isidentifier():
                names.add(key)
                continue
        unknown = unknown or "names written into globals() at run time"
    return Bindings(frozenset(names), frozenset(imported), unknown)


def _bindings(source: str, depth: int = 0, transform: bool = True) -> Bindings:
    if depth > _MAX_EXEC_DEPTH:
        return Bindings(unknown="code run by code run by code, too deep to read")
    text = _python(source) if transform else source
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # A cell that does not parse does not run either; code handed to exec that
        # does not parse raises there.
        return Bindings()
    binder = _Binder()
    try:
        binder.visit(tree)
        # Most cells call none of these: their tree is not walked again.
        extra = _dynamic(tree, depth) if _MAYBE_DYNAMIC.search(text) else Bindings()
    except RecursionError:
        return Bindings(unknown="code nested too deep to read")
    return Bindings(
        frozenset(binder.names) | extra.assigned,
        frozenset(binder.imported) | extra.imported,
        binder.unknown or extra.unknown,
    )


@lru_cache(maxsize=4096)
def cell_bindings(source: str) -> Bindings:
    """What a cell with ``source`` binds in the namespace it runs in (nothing when it
    is not Python: a cell that does not parse does not run either)."""
    return _bindings(source)


def bound_names(source: str) -> frozenset[str]:
    """The names a cell with ``source`` is seen to bind (:func:`cell_bindings`)."""
    return cell_bindings(source).names


@dataclass(frozen=True)
class KeptNames:
    """The names kept out: those kept-out cells write (and import under names no readable
    cell binds); the names readable cells bind; why kept-out cells may bind more than
    their sources show (``uncertain``; empty when they cannot)."""

    names: frozenset[str] = frozenset()
    readable: frozenset[str] = frozenset()
    uncertain: str = ""

    def among(self, present: Iterable[str]) -> frozenset[str]:
        """The names kept out of ``present`` (the kernel's variables): when uncertain,
        every one no readable cell binds too (the safe side)."""
        if not self.uncertain:
            return self.names
        return self.names | frozenset(n for n in present if n not in self.readable)

    def note(self) -> str:
        """What a tool result says when the kept-out names are uncertain, else ''."""
        if not self.uncertain:
            return ""
        return (
            f"which names the kept-out cells define is uncertain ({self.uncertain}), so "
            "every variable no readable cell defines is kept out"
        )


def kept_out_names(kept_out: Iterable[str], readable: Iterable[str]) -> KeptNames:
    """The names ``kept_out`` sources write (a readable source binding one too does not
    let it back in: which ran last is not known), those they may change in place, those
    they import that no ``readable`` source binds, and those readable sources fill with
    any of these (:mod:`.kept_flows`: a kept-out write wins)."""
    from .kept_flows import cell_changes, spread

    kept_out = list(kept_out)
    written: set[str] = set()
    imported: set[str] = set()
    changed: set[str] = set()
    uncertain = ""
    for source in kept_out:
        found = cell_bindings(source)
        written |= found.assigned
        imported |= found.imported
        changed |= cell_changes(source)
        uncertain = uncertain or found.unknown
    if not written and not imported and not changed and not uncertain:
        return KeptNames()
    readable = list(readable)
    readable_names: set[str] = set()
    modules = set(imported)
    for source in readable:
        found = cell_bindings(source)
        readable_names |= found.names
        modules |= found.imported
    # A module's name is not changed by calling its functions (``pd.read_csv(...)``).
    kept = written | (imported - readable_names) | (changed - (modules - written))
    kept = spread(kept, readable, frozenset(modules - written))
    return KeptNames(frozenset(kept), frozenset(readable_names), uncertain)


def _sources(values: list[Any]) -> tuple[str, ...]:
    return tuple(s[:MAX_SOURCE_CHARS] for s in values[:MAX_SOURCES] if isinstance(s, str))


@dataclass(frozen=True)
class LiveCells:
    """The cells of a notebook as the front end has it now: the sources of the code cells
    kept out and of the others (``{"kept_out": [...], "readable": [...]}``), and, when a
    page pushes them (:func:`remember_live`), of its markdown and raw cells kept out and
    of the others (``kept_out_text``, ``readable_text``)."""

    kept_out: tuple[str, ...]
    readable: tuple[str, ...]
    kept_out_text: tuple[str, ...] = ()
    readable_text: tuple[str, ...] = ()
    # Why these cells may keep out more than their sources say ('' when they cannot):
    # the kept-out cells of documents no longer kept apart were too many to keep.
    uncertain: str = ""

    @classmethod
    def parse(cls, value: Any) -> LiveCells | None:
        """The front end's cells, or None when it sent none (or nothing well formed)."""
        if not isinstance(value, dict):
            return None
        kept, readable = value.get("kept_out"), value.get("readable")
        if not isinstance(kept, list) or not isinstance(readable, list):
            return None
        texts = [value.get(k) for k in ("kept_out_text", "readable_text")]
        kept_text, readable_text = (_sources(t) if isinstance(t, list) else () for t in texts)
        return cls(_sources(kept), _sources(readable), kept_text, readable_text)

    @classmethod
    def merged(cls, many: Iterable[LiveCells]) -> LiveCells:
        """The cells of several documents as one: what any keeps out is kept out."""
        parts = list(many)
        return cls(
            tuple(s for c in parts for s in c.kept_out),
            tuple(s for c in parts for s in c.readable),
            tuple(s for c in parts for s in c.kept_out_text),
            tuple(s for c in parts for s in c.readable_text),
            next((c.uncertain for c in parts if c.uncertain), ""),
        )

    def names(self) -> KeptNames:
        """The names the kept-out cells keep out (:func:`kept_out_names`)."""
        found = kept_out_names(self.kept_out, self.readable)
        if not self.uncertain or found.uncertain:
            return found
        return KeptNames(found.names, found.readable, self.uncertain)


@dataclass(frozen=True)
class _Push:
    """What one document's page last pushed, and from which client session."""

    session: str
    path: str
    cells: LiveCells


# What each document's page last pushed to this kernel (:func:`remember_live`), by its
# path (else its session), oldest first. A kernel serves several documents at once (a
# notebook and its console, notebooks sharing a kernel): each keeps its own.
_pushed: dict[str, _Push] = {}
MAX_DOCUMENTS = 32
# The kept-out sources (code, then markdown and raw) of the documents pushed before the
# last MAX_DOCUMENTS, stripped, once each: no longer told apart, but still kept out (the
# variables their cells wrote are still in the kernel). Their readable cells are let go:
# fewer readable sources only keep out more.
_dropped: tuple[dict[str, None], dict[str, None]] = ({}, {})
# Whether more than MAX_SOURCES of a kind were dropped (the oldest then forgotten): every
# variable no readable cell binds is kept out from then on (uncertain).
_dropped_overflow: list[bool] = [False]
DROPPED_UNCERTAIN = "cells kept out in more documents than this kernel keeps apart"


def request_session() -> str:
    """The client session of the request this kernel is answering ('' when none): one
    per document's kernel connection, so it says which document asks."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        parent = kernel.get_parent() if kernel is not None else None
    except Exception:
        return ""
    header = parent.get("header") if isinstance(parent, dict) else None
    session = header.get("session") if isinstance(header, dict) else None
    return session if isinstance(session, str) else ""


def remember_live(cells_json: str) -> str:
    """Keep the live cells a page pushed (JSON ``{"kept_out": [...], "readable": [...],
    "kept_out_text": [...], "readable_text": [...], "path": ...}``: js/lab/src/livepush.ts)
    for the readers no front end is asked for, in this kernel (``%chat QUESTION``,
    ``Chat().ask()``, the widget without the extension): the tags on screen count there
    too, saved or not, in a notebook never saved as well. Kept per document: another
    document's push does not replace it. Answers ``"kept"``, or ``"ignored"`` for
    anything not well formed."""
    try:
        value = parse_json.loads(cells_json)
        live = LiveCells.parse(value)
    except (ValueError, TypeError):
        live = None
    if live is None:
        return "ignored"
    path = value.get("path")
    path = path if isinstance(path, str) else ""
    session = request_session()
    key = path or session or "live"
    _pushed.pop(key, None)
    _pushed[key] = _Push(session, path, live)
    while len(_pushed) > MAX_DOCUMENTS:
        _drop(_pushed.pop(next(iter(_pushed))).cells)
    return "kept"


def _drop(cells: LiveCells) -> None:
    """Keep a document's kept-out sources among those of documents no longer kept apart
    (:data:`_dropped`), at most MAX_SOURCES of each kind: past that the rest are kept
    out as uncertain (:func:`_dropped_cells`), never let in."""
    for kept, sources in zip(_dropped, (cells.kept_out, cells.kept_out_text), strict=True):
        for source in sources:
            kept.setdefault(source.strip(), None)
        # Bounded: a long-lived kernel serving many documents keeps no more than this.
        while len(kept) > MAX_SOURCES:
            kept.pop(next(iter(kept)))
            _dropped_overflow[0] = True


def _dropped_cells() -> LiveCells | None:
    """The kept-out cells of the documents no longer kept apart, None when none."""
    code, text = _dropped
    if not code and not text:
        return None
    return LiveCells(
        tuple(code), (), tuple(text), (), DROPPED_UNCERTAIN if _dropped_overflow[0] else ""
    )


def _server_root() -> Path | None:
    """The root directory of the Jupyter server running this kernel (its runtime file),
    which the pages' paths are under; None when unknown."""
    from .remote import runtime_info

    info = runtime_info(os.getppid())
    root = info.get("root_dir") if info is not None else None
    return Path(root) if isinstance(root, str) and root else None


def _file_match(path: str, file: str, root: Path | None) -> int:
    """How well the page's ``path`` (from the server's root) names ``file`` (absolute):
    0 not at all. With the server's root known only that file matches; without it the
    longer of two matching paths names it better (``sub/a.ipynb`` over ``a.ipynb``)."""
    page = path.replace("\\", "/").strip("/")
    if not page:
        return 0
    if root is not None:
        try:
            same = (root / page).resolve() == Path(file).resolve()
        except (OSError, ValueError, RuntimeError):
            same = False
        return len(page) if same else 0
    whole = file.replace("\\", "/")
    return len(page) if whole == page or whole.endswith("/" + page) else 0


def pushed_for(file: str | None = None) -> LiveCells | None:
    """What the asking document's page pushed: the one whose session asks, else the one
    showing ``file`` (the notebook the kernel reads), else one that named no document
    (an older page), else None."""
    session = request_session()
    pushes = list(reversed(_pushed.values()))
    for push in pushes:
        if session and push.session == session:
            return push.cells
    if file and pushes:
        root = _server_root()
        best = max(pushes, key=lambda p: _file_match(p.path, file, root))
        if _file_match(best.path, file, root):
            return best.cells
    return next((p.cells for p in pushes if not p.path), None)


def _with_dropped(parts: list[LiveCells]) -> LiveCells | None:
    """``parts`` and the cells of documents no longer kept apart, as one (None: none)."""
    dropped = _dropped_cells()
    if dropped is not None:
        parts = [*parts, dropped]
    return LiveCells.merged(parts) if parts else None


def pushed_live() -> LiveCells | None:
    """What every document's page pushed to this kernel, as one (they share its variables
    and its history: what any keeps out is kept out), or None when none did."""
    return _with_dropped([p.cells for p in _pushed.values()])


def pushed_by_others() -> LiveCells | None:
    """What the pages of documents other than the asking one pushed, as one (None when
    none did): their kept-out cells' names are kept out of its variables too."""
    session = request_session()
    return _with_dropped([p.cells for p in _pushed.values() if not session or p.session != session])


def forget_live() -> None:
    """Forget what pages pushed (tests; a kernel serving another notebook)."""
    _pushed.clear()
    for kept in _dropped:
        kept.clear()
    _dropped_overflow[0] = False
