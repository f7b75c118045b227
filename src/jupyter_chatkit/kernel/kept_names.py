"""The variables of cells the person kept out (the ``chatkit-private`` tag).

A name bound only by kept-out cells (``salary = pd.read_csv(...)`` in a tagged cell) is
not described by ``list_kernel_variables`` or ``inspect_kernel_variable``: its value is
what that cell made, and the cell's source and outputs are not read. A name also bound
by a readable cell stays readable: that cell shows the model the name and how it is
made. Which names a cell binds is read from its source with :mod:`ast` (module-level
assignments, imports, ``def``/``class``, ``for``/``with``/``except`` targets, walrus,
``global`` in a function); no user code runs.

The cells come from the front end when it sends them (the live notebook, so a tag not
saved yet holds: :func:`LiveCells.parse`), else from the saved notebook the kernel
reads (:mod:`.cells`).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

KEPT_OUT_VARIABLE_NOTE = (
    "Defined only by a cell the person kept out of what the assistant reads: its value "
    "is not described. Do not guess it; ask the person if it matters."
)
# Sources read per call at most (a front end sends each code cell once).
MAX_SOURCES = 5_000
MAX_SOURCE_CHARS = 200_000


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


class _Binder(ast.NodeVisitor):
    """The names a module-level body binds (not those local to a function, class body
    or comprehension, except a walrus and ``global`` names, which bind here)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.names.add(node.id)

    def _alias(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name != "*":
                self.names.add(alias.asname or alias.name.split(".")[0])

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


@lru_cache(maxsize=4096)
def bound_names(source: str) -> frozenset[str]:
    """The names a cell with ``source`` binds in the namespace it runs in; none when it
    is not Python (a cell that does not parse does not run either)."""
    try:
        tree = ast.parse(_python(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    binder = _Binder()
    try:
        binder.visit(tree)
    except RecursionError:
        return frozenset()
    return frozenset(binder.names)


def kept_out_names(kept_out: Iterable[str], readable: Iterable[str]) -> frozenset[str]:
    """The names bound by a ``kept_out`` source and by no ``readable`` one."""
    names: set[str] = set()
    for source in kept_out:
        names |= bound_names(source)
    if not names:
        return frozenset()
    for source in readable:
        names -= bound_names(source)
    return frozenset(names)


def _sources(values: list[Any]) -> tuple[str, ...]:
    return tuple(s[:MAX_SOURCE_CHARS] for s in values[:MAX_SOURCES] if isinstance(s, str))


@dataclass(frozen=True)
class LiveCells:
    """The code cells of the notebook as the front end has it now: the sources of those
    kept out and of the others (``{"kept_out": [...], "readable": [...]}``)."""

    kept_out: tuple[str, ...]
    readable: tuple[str, ...]

    @classmethod
    def parse(cls, value: Any) -> LiveCells | None:
        """The front end's cells, or None when it sent none (or nothing well formed)."""
        if not isinstance(value, dict):
            return None
        kept, readable = value.get("kept_out"), value.get("readable")
        if not isinstance(kept, list) or not isinstance(readable, list):
            return None
        return cls(_sources(kept), _sources(readable))

    def names(self) -> frozenset[str]:
        """The names bound only by the kept-out cells."""
        return kept_out_names(self.kept_out, self.readable)
