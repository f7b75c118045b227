"""Values changed in place, for :mod:`.kept_names`: "a kept-out write wins".

Python changes a value in place without binding its name: ``rows.append(x)``,
``cfg.update(token=...)``, ``df.drop(columns=["ssn"], inplace=True)``,
``random.shuffle(rows)``. Whether a method or function changes its object cannot be told
without running user code (a method of the user's own class may do anything), so any call
that could counts:

- In a kept-out cell, the object a method is called on (``x`` in ``x.m()``,
  ``x.a.m()``, ``x[0].m()``) and a variable passed as such to a function (``f(x)``, but
  for builtins that change nothing: ``print``, ``len``, ``display``, ...) may now hold
  what that cell made: the name is kept out.
- In a readable cell, a statement that reads a kept-out name fills what it writes with
  kept-out data (``df.update(secret_df)``, ``alias = secret``, ``n = len(secret)``, a
  loop over it): those names are kept out too, followed from cell to cell (their order is
  not known) until nothing more is kept out.

A name bound by ``import m`` in some cell names a module: calling ``m.f()`` changes no
cell's data, so it is not counted. Read from the source with :mod:`ast`; no code runs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Builtins that change none of their arguments (so ``print(x)`` leaves ``x`` readable).
PURE_CALLS = frozenset(
    {
        "abs",
        "all",
        "any",
        "ascii",
        "bin",
        "bool",
        "bytes",
        "callable",
        "chr",
        "compile",
        "complex",
        "dict",
        "dir",
        "display",
        "divmod",
        "enumerate",
        "eval",
        "exec",
        "float",
        "format",
        "frozenset",
        "getattr",
        "hasattr",
        "hash",
        "help",
        "hex",
        "id",
        "int",
        "isinstance",
        "issubclass",
        "iter",
        "len",
        "list",
        "map",
        "max",
        "min",
        "oct",
        "ord",
        "pow",
        "print",
        "range",
        "repr",
        "reversed",
        "round",
        "set",
        "slice",
        "sorted",
        "str",
        "sum",
        "tuple",
        "type",
        "zip",
    }
)


def _base(node: ast.expr) -> str | None:
    """The variable at the base of ``x.a[0].b`` or ``x.get(k).b``, if it is one (not
    the function of ``globals().b``: a call's result is no variable)."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                return None
            node = node.func
        else:
            node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _getattr_receiver(func: ast.expr) -> str | None:
    """``x`` of ``getattr(x, "m")``, the method fetched by name, if ``func`` is that."""
    if (
        isinstance(func, ast.Call)
        and isinstance(func.func, ast.Name)
        and func.func.id == "getattr"
        and func.args
    ):
        return _base(func.args[0])
    return None


def changed_in(tree: ast.AST) -> frozenset[str]:
    """The variables ``tree`` may change in place: the objects methods are called on
    (``x.m()``, ``getattr(x, "m")()``), and variables passed to a function other than
    :data:`PURE_CALLS` or to a method (``random.shuffle(rows)``, ``fill(rows)``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute):
            receiver = _base(node.func.value)
            if not receiver:
                continue  # ``globals().update(v)``: handled as a namespace write
            names.add(receiver)
        elif receiver := _getattr_receiver(node.func):
            names.add(receiver)
        elif isinstance(node.func, ast.Name) and node.func.id in PURE_CALLS:
            continue
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            value = arg.value if isinstance(arg, ast.Starred) else arg
            if isinstance(value, ast.Name):
                names.add(value.id)
    return frozenset(names)


@dataclass(frozen=True)
class Flow:
    """One top-level statement of a cell: the variables it reads, and those it writes
    (binds, or may change in place)."""

    reads: frozenset[str]
    writes: frozenset[str]


def _tree(source: str) -> ast.Module | None:
    from .kept_names import _python

    try:
        return ast.parse(_python(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _run_code_changes(tree: ast.AST, depth: int) -> frozenset[str]:
    """What the literal code ``tree`` runs may change in place: ``exec``/``eval`` of a
    string, a magic running a statement or a cell body (``%time``, ``%%capture``), read
    as kept_names reads their bindings, :data:`~.kept_names._MAX_EXEC_DEPTH` deep."""
    from .kept_magics import magic_bindings
    from .kept_names import _MAX_EXEC_DEPTH, Bindings, _ipython_call, _literal

    if depth > _MAX_EXEC_DEPTH:
        return frozenset()

    def read(code: str) -> Bindings:
        try:
            inner = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return Bindings()
        return Bindings(changed_in(inner) | _run_code_changes(inner, depth + 1))

    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in ("exec", "eval") and node.args:
            code = _literal(node.args[0])
            if code is not None:
                names |= read(code).assigned
        elif kind := _ipython_call(node):
            args = [_literal(a) for a in node.args]
            if len(args) >= 2 and all(a is not None for a in args):
                found = magic_bindings(kind == "run_cell_magic", [a or "" for a in args], read)
                names |= found.assigned
    return frozenset(names)


@lru_cache(maxsize=4096)
def cell_changes(source: str) -> frozenset[str]:
    """The variables a cell with ``source`` may change in place (:func:`changed_in`),
    in the literal code it runs too (``exec("rows.append(x)")``, ``%time cfg.update()``)."""
    tree = _tree(source)
    if tree is None:
        return frozenset()
    # Most cells run no literal code: their tree is not walked again.
    runs_code = any(word in source for word in ("exec", "eval", "%", "get_ipython"))
    try:
        return changed_in(tree) | (_run_code_changes(tree, 0) if runs_code else frozenset())
    except RecursionError:
        return frozenset()


@lru_cache(maxsize=4096)
def cell_flows(source: str) -> tuple[Flow, ...]:
    """What each top-level statement of a cell with ``source`` reads and writes."""
    from .kept_names import _Binder

    tree = _tree(source)
    if tree is None:
        return ()
    flows: list[Flow] = []
    try:
        for statement in tree.body:
            binder = _Binder()
            binder.visit(statement)
            reads = frozenset(
                n.id
                for n in ast.walk(statement)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            )
            writes = frozenset(binder.names) | changed_in(statement)
            if writes:
                flows.append(Flow(reads, writes))
    except RecursionError:
        return ()
    return tuple(flows)


def spread(kept: Iterable[str], readable: Iterable[str], modules: frozenset[str]) -> set[str]:
    """``kept`` with every name a ``readable`` source writes from a kept-out one, until
    none is added (``modules``, names bound by ``import``, excepted)."""
    out = set(kept)
    flows = [f for source in readable for f in cell_flows(source)]
    changed = True
    while changed:
        changed = False
        for flow in flows:
            if flow.reads & out and not (flow.writes - modules) <= out:
                out |= flow.writes - modules
                changed = True
    return out
