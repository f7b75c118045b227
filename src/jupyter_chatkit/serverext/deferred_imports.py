"""Defer a package's ``__init__`` until one of its own names is used (idle memory).

``import agents`` imports ``mcp.shared.exceptions`` (for one exception class), and
importing any submodule runs the package's ``__init__`` first: ``mcp/__init__`` imports
MCP's client, its server, starlette, uvicorn, opentelemetry and cryptography, ~22 MB
resident that a Jupyter server with no MCP server configured never uses.

:func:`defer_package` puts the package in ``sys.modules`` as a module whose ``__init__``
has not run yet, and names the few submodules that may be imported without it. The
import system only reads the machinery attributes of a parent package (``__path__``,
``__spec__``, ...) to import its submodules, so ``import mcp.shared.exceptions`` costs
that submodule alone. Every other submodule keeps Python's usual order, the package's
``__init__`` first (a finder on ``sys.meta_path``, inert once nothing is deferred): a module
such as ``mcp.client.session_group``, which reads ``mcp.ClientSession`` while it is
imported and is itself imported by ``mcp/__init__``, imports as it does without the
deferral. Any other use of the package (an attribute, ``from mcp import X``,
``vars(mcp)``, ``dir(mcp)``) runs the real ``__init__`` first, once, and the module
becomes an ordinary module: an MCP server configured later still gets the whole package.
A package may also serve a few names without its ``__init__``, each the very object its
``__init__`` would bind, read from the submodule that defines it; and a subpackage
(``sqlalchemy.ext.asyncio``) is deferred when it is first imported, so registering it
imports nothing. Only the server extension uses this: for ``mcp`` (until an MCP server
configured in ``c.JupyterChatKit.mcp_servers`` is first started, by an Agent-mode turn);
for ``sqlalchemy.ext.asyncio``, whose ``__init__`` imports the ORM session
(``sqlalchemy.orm``, ~8 MB) while the store uses its engine alone; and for ``trio``
(httpcore imports it, when installed, for code running under trio's event loop; a
Jupyter server runs asyncio's), ~2.6 MB. :func:`defer_reexport_tree` defers a tree of
packages whose ``__init__`` only re-exports its submodules' names, each served from its
submodule: ``openai.types`` (openai/__init__ imports it, and it imports every type of
every API, ~470 modules; a turn uses ~300), ~3 MB.
"""

from __future__ import annotations

import ast
import importlib.util
import logging
import os
import sys
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from importlib import _bootstrap
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType
from typing import Any, NamedTuple, cast

log = logging.getLogger("jupyter_chatkit")

# What the import system reads from a parent package while importing a submodule, and
# what repr() reads: these never run the deferred __init__.
_MACHINERY = frozenset(
    {
        "__name__",
        "__spec__",
        "__path__",
        "__loader__",
        "__package__",
        "__file__",
        "__cached__",
        "__class__",
    }
)


class Served(NamedTuple):
    """A name a deferred module serves as ``value`` itself, a stand-in for the object its
    code would define, until any module of its group (:func:`defer_module`) loads."""

    value: object


# Where a deferred module's name comes from: a submodule's name (str), the submodule
# itself (None), or a stand-in.
Source = str | Served | None
# The submodules each deferred package may import without its __init__, by package.
_WITHOUT_INIT: dict[str, frozenset[str]] = {}
# Names a deferred package serves without its __init__, by package: each from the
# submodule its __init__ takes it from (None: the name is that submodule itself).
_FORWARD: dict[str, dict[str, Source]] = {}
# Subpackages to defer when first imported (their parent is not imported yet), by name;
# a forward map of None: a package that only re-exports (see defer_reexport_tree).
_PENDING: dict[str, tuple[frozenset[str], dict[str, Source] | None]] = {}
# Modules serving stand-ins (defer_module), by the modules whose first real load (of
# them or of anything under them) ends those stand-ins.
_SERVED_GROUPS: dict[tuple[str, ...], set[str]] = {}
# In without_init: any submodule may be imported without the __init__.
ANY_SUBMODULE = frozenset({"*"})
# The thread running an __init__, by package name: its own attribute reads during that
# run (``from . import types``) go to the module as is, and submodule imports meanwhile
# take the ordinary path. _CLAIM guards it and the class switch, and no import runs under it.
_RUNNING: dict[str, int] = {}
_CLAIM = threading.Lock()
# openai-agents' imports from mcp (checked in a fresh Python by the tests): these load
# without mcp/__init__; any other mcp submodule runs it first.
MCP_WITHOUT_INIT = ("mcp.shared", "mcp.shared.exceptions")
# sqlalchemy.ext.asyncio's __init__ imports its ORM session (sqlalchemy.orm, ~8 MB); the
# store uses its engine alone. These names, which the __init__ takes from the engine and
# result modules (the tests check they are the very same objects), and those modules
# load without it; any other name (AsyncSession, ...) runs it first.
# openai's generated types: packages whose __init__ only re-exports (defer_reexport_tree).
OPENAI_TYPES = "openai.types"
SQLALCHEMY_ASYNC = "sqlalchemy.ext.asyncio"
_SQLALCHEMY_ENGINE = SQLALCHEMY_ASYNC + ".engine"
_SQLALCHEMY_RESULT = SQLALCHEMY_ASYNC + ".result"
SQLALCHEMY_ASYNC_FORWARD: dict[str, str | None] = {
    **dict.fromkeys(
        (
            "AsyncConnection",
            "AsyncEngine",
            "AsyncTransaction",
            "async_engine_from_config",
            "create_async_engine",
            "create_async_pool_from_url",
        ),
        _SQLALCHEMY_ENGINE,
    ),
    **dict.fromkeys(
        ("AsyncMappingResult", "AsyncResult", "AsyncScalarResult", "AsyncTupleResult"),
        _SQLALCHEMY_RESULT,
    ),
    # Its submodules, as `from . import exc` reads them.
    **dict.fromkeys(("base", "engine", "exc", "result"), None),
}


class DeferredPackage(ModuleType):
    """A package whose ``__init__`` runs at the first use of a name of its own."""

    def __getattribute__(self, name: str) -> Any:
        """Run the real ``__init__`` first, except for the import machinery's reads
        and the names the package serves without it."""
        if name not in _MACHINERY:
            own = ModuleType.__getattribute__(self, "__name__")
            if _RUNNING.get(own) != threading.get_ident():
                forward = _FORWARD.get(own)
                if forward is not None and name in forward:
                    source = forward[name]
                    if isinstance(source, Served):
                        return source.value
                    if source is None:
                        return importlib.import_module(f"{own}.{name}")
                    return getattr(importlib.import_module(source), name)
                _run_init(self)
        return ModuleType.__getattribute__(self, name)


def _run_init(module: ModuleType, wait: bool = True) -> None:
    """Execute the package's real ``__init__`` in ``module`` (once, whichever thread asks).

    As an ordinary import of the package runs: under the import system's own lock for
    it, with ``_initializing`` set on its spec (what makes ``import mcp`` in another
    thread wait). A thread that finds the ``__init__`` running in another waits on that
    lock when ``wait`` (an attribute read), so a cycle with that thread's imports is one
    Python detects (``_DeadlockError``), as without the deferral, never a hang behind a
    lock it cannot see; without ``wait`` (a submodule import) it goes on at once, as a
    submodule import does while its parent's ``__init__`` runs.
    """
    name: str = ModuleType.__getattribute__(module, "__name__")
    spec = ModuleType.__getattribute__(module, "__spec__")
    me = threading.get_ident()
    end_stand_ins(name)
    # The claim is taken before the import lock, under a lock held for no import.
    with _CLAIM:
        if type(module) is not DeferredPackage:
            return  # ran already
        owner = _RUNNING.get(name)
        if owner is None:
            _RUNNING[name] = me
    if owner is not None:
        # Running in another thread (in this one, its own reads never come here).
        while wait and owner != me and type(module) is DeferredPackage:
            with _bootstrap._ModuleLockManager(name):  # type: ignore[attr-defined]
                pass
            if type(module) is DeferredPackage:
                time.sleep(0.001)  # claimed, its lock not taken yet
        return
    with _bootstrap._ModuleLockManager(name):  # type: ignore[attr-defined]
        spec._initializing = True
        try:
            spec.loader.exec_module(module)
        except BaseException:
            # As a failed import does: the next `import` starts afresh.
            if sys.modules.get(name) is module:
                del sys.modules[name]
            raise
        finally:
            spec._initializing = False
            with _CLAIM:
                del _RUNNING[name]
                _WITHOUT_INIT.pop(name, None)
                _FORWARD.pop(name, None)
                cast(Any, module).__class__ = ModuleType
    log.debug("jupyter-chatkit: package %s loaded in full on first use", name)


class _InitFirstLoader(Loader):
    """Import one submodule of a deferred package after the package's real ``__init__``.

    The ``__init__`` runs in :meth:`create_module`, that is under this submodule's
    module lock only (``find_spec`` runs under the global import lock, which the
    ``__init__``'s own imports from other threads would need). When the ``__init__``
    imported the submodule itself, that module is the result; else it loads as usual.
    """

    def __init__(self, package: ModuleType, spec: ModuleSpec) -> None:
        self._package = package
        self._spec = spec
        self._loaded_by_init = False

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        """Run the package's ``__init__``; the submodule it imported, or a new one."""
        _run_init(self._package, wait=False)
        loaded = sys.modules.get(spec.name)
        if loaded is not None:
            self._loaded_by_init = True
            self._spec = cast(ModuleSpec, loaded.__spec__)
            return loaded
        return importlib.util.module_from_spec(self._spec)

    def exec_module(self, module: ModuleType) -> None:
        """Give the module back its real spec (the import set this loader's), then load."""
        module.__spec__ = self._spec
        if self._loaded_by_init:
            return
        # Marked as the import system marks the spec it loads: another thread's import
        # of this module (the __init__'s) waits for it instead of taking it half-run.
        self._spec._initializing = True  # type: ignore[attr-defined]
        try:
            cast(Loader, self._spec.loader).exec_module(module)
        finally:
            self._spec._initializing = False  # type: ignore[attr-defined]


class _InitFirstFinder(MetaPathFinder):
    """Route a deferred package's submodules, but the allowed few, through its ``__init__``."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """A spec that runs the package's ``__init__`` first, when it is still deferred
        (or that defers it, for a subpackage registered before its parent was imported)."""
        if fullname in _PENDING:
            return self._deferring_spec(fullname, path, target)
        if _SERVED_GROUPS:
            end_stand_ins(fullname)  # a module of the group loads for real
        top = _deferred_parent(fullname)
        if top is None:
            return None
        allowed = _WITHOUT_INIT.get(top)
        package = sys.modules.get(top)
        if (
            allowed is None
            or fullname in allowed
            or "*" in allowed
            or type(package) is not DeferredPackage
            or top in _RUNNING  # the __init__ is running: its imports take the usual path
        ):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            real = finder.find_spec(fullname, path, target)
            if real is not None:
                if real.loader is None:  # a namespace package: nothing to wrap
                    return None
                spec = ModuleSpec(
                    fullname,
                    _InitFirstLoader(package, real),
                    origin=real.origin,
                    is_package=real.submodule_search_locations is not None,
                )
                spec.submodule_search_locations = real.submodule_search_locations
                return spec
        return None

    def _real_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None
    ) -> ModuleSpec | None:
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                real = finder.find_spec(fullname, path, target)
                if real is not None:
                    return cast(ModuleSpec, real)
        return None

    def _deferring_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None
    ) -> ModuleSpec | None:
        with _CLAIM:
            pending = _PENDING.pop(fullname, None)
        real = self._real_spec(fullname, path, target)
        if pending is None or real is None or real.loader is None:
            return real
        without, forward = pending
        if real.submodule_search_locations is None:
            # A module (defer_module): deferred only while it serves stand-ins.
            if not forward or not any(isinstance(v, Served) for v in forward.values()):
                return real
            _WITHOUT_INIT[fullname] = frozenset()
            _FORWARD[fullname] = forward
            return ModuleSpec(fullname, _DeferringLoader(real), origin=real.origin)
        if forward is None:
            # Deferred only if its __init__ does nothing but re-export (read now, in the
            # importing thread, not when the server starts).
            names = reexports(fullname, real.origin)
            if names is None:
                return real
            forward = dict(names)
            _defer_subpackages(fullname, real.submodule_search_locations)
        _WITHOUT_INIT[fullname] = without
        if forward:
            _FORWARD[fullname] = forward
        spec = ModuleSpec(fullname, _DeferringLoader(real), origin=real.origin, is_package=True)
        spec.submodule_search_locations = real.submodule_search_locations
        return spec


class _DeferringLoader(Loader):
    """Import a subpackage as a :class:`DeferredPackage`: its ``__init__`` does not run."""

    def __init__(self, spec: ModuleSpec) -> None:
        self._spec = spec

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        """A module as the real loader would make it, not yet executed."""
        return importlib.util.module_from_spec(self._spec)

    def exec_module(self, module: ModuleType) -> None:
        """Give the module back its real spec and loader; defer its ``__init__``."""
        module.__spec__ = self._spec
        module.__loader__ = self._spec.loader
        module.__class__ = DeferredPackage


def reexports(package: str, origin: str | None) -> dict[str, str | None] | None:
    """The names ``package``'s ``__init__`` file (``origin``) binds, each with the
    submodule it takes it from (None: the name is a submodule); None unless the file
    does nothing else.

    Only docstrings, ``from __future__`` and relative ``from .x import A as A`` lines
    (openai's generated ``types`` packages): such an ``__init__`` has no effect but
    those bindings, so serving each name from its submodule is the same object (a name
    bound twice: the later binding, as when it runs). A name that is also a submodule
    the ``__init__`` imports: None, left to the real ``__init__``.
    """
    if origin is None or not origin.endswith("__init__.py"):
        return None
    try:
        with open(origin, encoding="utf-8") as source:
            tree = ast.parse(source.read(), origin)
    except (OSError, SyntaxError, ValueError):
        return None
    names: dict[str, str | None] = {}
    submodules: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if not isinstance(node, ast.ImportFrom) or node.level != 1:
            return None
        for alias in node.names:
            bound = alias.asname or alias.name
            if alias.name == "*":
                return None
            if node.module is None:  # from . import x
                if bound != alias.name:
                    return None
                names[bound] = None
            else:  # from .x.y import A: binds A, and x (the submodule imported)
                names[bound] = f"{package}.{node.module}"
                submodules.add(node.module.split(".")[0])
    for submodule in submodules:
        if names.setdefault(submodule, None) is not None:
            return None  # a name shadows a submodule: whichever ran last wins
    return names


def end_stand_ins(name: str) -> None:
    """Before module ``name`` loads for real: the stand-ins of every :func:`defer_module`
    whose real code it may hold or use end (the real objects from then on)."""
    for ends, members in list(_SERVED_GROUPS.items()):
        if name in members or any(name == e or name.startswith(e + ".") for e in ends):
            with _CLAIM:
                _SERVED_GROUPS.pop(ends, None)
                for module in members:
                    _drop_stand_ins(_FORWARD.get(module))
                    pending = _PENDING.get(module)
                    if pending is not None:
                        _drop_stand_ins(pending[1])


def _drop_stand_ins(forward: dict[str, Source] | None) -> None:
    """Remove the names ``forward`` serves as stand-ins (their modules load from now on)."""
    if forward is None:
        return
    for key in [k for k, v in forward.items() if isinstance(v, Served)]:
        del forward[key]


def _defer_subpackages(package: str, locations: Sequence[str]) -> None:
    """Register the subpackages of re-export package ``package`` as re-export packages."""
    for location in locations:
        try:
            entries = list(os.scandir(location))
        except OSError:
            continue
        for entry in entries:
            name = f"{package}.{entry.name}"
            if (
                entry.name.isidentifier()
                and name not in sys.modules
                and os.path.isfile(os.path.join(entry.path, "__init__.py"))
            ):
                with _CLAIM:
                    _PENDING.setdefault(name, (ANY_SUBMODULE, None))


def _deferred_parent(fullname: str) -> str | None:
    """The registered deferred package ``fullname`` is a submodule of, if any."""
    for package in list(_WITHOUT_INIT):
        if fullname.startswith(package + "."):
            return package
    return None


# Installed by the first defer_package and left in place: once nothing is deferred it
# answers None at once, and taking it out of sys.meta_path could make an import that is
# iterating the list in another thread skip the finder after it (ModuleNotFoundError).
_FINDER = _InitFirstFinder()


def defer_package(
    name: str,
    without_init: Collection[str] = (),
    forward: Mapping[str, Source] | None = None,
) -> bool:
    """Register package ``name`` with its ``__init__`` deferred.

    ``without_init``: the full names of the submodules that may be imported before the
    ``__init__`` runs (and their parents, which import first); any other submodule runs
    it first. ``forward``: names the package serves meanwhile, each read from the
    submodule named (which must be in ``without_init``; None: the name is a submodule
    of the package). A subpackage (``a.b``) whose parent is not imported yet is
    deferred when it is first imported; nothing is imported now. False (and nothing
    changes) when the package is imported already, is not installed, or is not a
    package.
    """
    if name in sys.modules:
        return False
    spec = _package_to_defer(name)
    if spec is None:
        return False
    if "." in name:
        # Deferred when it is first imported, after its parent (a Jupyter server's
        # start must not wait for that import).
        _PENDING[name] = (frozenset(without_init), dict(forward or {}))
        return True
    module = importlib.util.module_from_spec(spec)
    module.__class__ = DeferredPackage
    _WITHOUT_INIT[name] = frozenset(without_init)
    if forward:
        _FORWARD[name] = dict(forward)
    sys.modules[name] = module
    return True


def defer_module(name: str, served: Mapping[str, object], ends: Collection[str]) -> bool:
    """Defer module ``name`` (of a package not imported yet): it serves the names of
    ``served``, each as the stand-in given, without running its code.

    Any other use of it runs its code in place. The first real load of it or of a
    module named in ``ends`` (or under one: a submodule imported, a deferred
    ``__init__`` run) ends its stand-ins first, so the code that needs the real objects
    gets them; a stand-in handed out before must then behave as the real object (which
    it can import). False when ``name`` is imported already or not installed.
    """
    if "." not in name or name in sys.modules or _find_without_import(name) is None:
        return False
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    with _CLAIM:
        _SERVED_GROUPS.setdefault(tuple(ends), set()).add(name)
        _PENDING[name] = (frozenset(), {key: Served(value) for key, value in served.items()})
    return True


def defer_reexport_tree(name: str) -> bool:
    """Defer subpackage ``name`` and its subpackages, each whose ``__init__`` only
    re-exports its submodules' names (:func:`reexports`; any other is imported as usual).

    Each is deferred when first imported: any of its submodules then imports without
    its ``__init__``, and the names its ``__init__`` would bind are served from their
    submodules, so ``from openai.types import ChatModel`` costs that one module. Any
    other use (``dir()``, ``vars()``, a name it does not bind) runs the real ``__init__``.
    Nothing is read or imported now. False when ``name`` is not a subpackage, is
    imported already, or is not installed.
    """
    if "." not in name or name in sys.modules or _package_to_defer(name) is None:
        return False
    with _CLAIM:
        _PENDING.setdefault(name, (ANY_SUBMODULE, None))
    return True


def _package_to_defer(name: str) -> ModuleSpec | None:
    """The spec of installed package ``name``, found without importing anything (a
    parent's import runs its __init__), with the deferring finder installed; None if
    ``name`` is not an installed package."""
    spec = _find_without_import(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return None
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    return spec


def _find_without_import(name: str) -> ModuleSpec | None:
    """The spec of module ``name``, its parents searched on the file system only."""
    top, *rest = name.split(".")
    loaded = sys.modules.get(top)
    spec = importlib.util.find_spec(top) if loaded is None else loaded.__spec__
    for part in rest:
        if spec is None or spec.submodule_search_locations is None:
            return None
        spec = PathFinder.find_spec(f"{spec.name}.{part}", spec.submodule_search_locations)
    return spec


def is_deferred(name: str) -> bool:
    """True while package ``name`` is registered and its ``__init__`` has not run."""
    return type(sys.modules.get(name)) is DeferredPackage


def defer_unused_packages() -> list[str]:
    """Defer the packages an idle server extension leaves unused; their names.

    ``mcp`` (MCP's client and server, starlette, uvicorn): openai-agents imports one of
    its submodules regardless, and configured MCP servers start only on the first
    Agent-mode turn (assistant/mcp_connection.py loads the package then, off the event loop).
    ``sqlalchemy.ext.asyncio`` (the store's engine served, the ORM session not loaded),
    ``trio`` and ``openai.types``' re-exports: whatever uses more of them runs their
    ``__init__`` first. ``agents.sandbox``, ``agents.mcp._compat`` and ``griffe``: until
    used (sdk_stand_ins.py).
    """
    deferred: list[str] = []
    if defer_package("mcp", MCP_WITHOUT_INIT):
        deferred.append("mcp")
    # The store uses sqlalchemy.ext.asyncio's engine, never its ORM session.
    without = [f"{SQLALCHEMY_ASYNC}.{n}" for n, s in SQLALCHEMY_ASYNC_FORWARD.items() if s is None]
    if defer_package(SQLALCHEMY_ASYNC, without, SQLALCHEMY_ASYNC_FORWARD):
        deferred.append(SQLALCHEMY_ASYNC)
    # httpcore imports trio, when installed, in case it runs under trio's event loop;
    # a Jupyter server runs asyncio's (tornado), so trio would stay unused.
    if defer_package("trio"):
        deferred.append("trio")
    # openai/__init__ imports openai.types, whose __init__ (and each subpackage's)
    # imports every type of every API: ~470 modules, of which a turn uses a third.
    if defer_reexport_tree(OPENAI_TYPES):
        deferred.append(OPENAI_TYPES)
    # openai-agents' sandbox (its run loop makes a disabled SandboxRuntime in every run)
    # and MCP's types (for one exception class): stand-ins until used (sdk_stand_ins.py).
    # griffe (docstring parsing for tools made from functions; ours have schemas).
    from .sdk_stand_ins import (
        GRIFFE,
        MCP_COMPAT,
        OPENAI_STREAMS,
        SANDBOX,
        defer_griffe,
        defer_mcp_compat,
        defer_response_streams,
        defer_sandbox,
    )

    if defer_sandbox():
        deferred.append(SANDBOX)
    if defer_mcp_compat():
        deferred.append(MCP_COMPAT)
    if defer_griffe():
        deferred.append(GRIFFE)
    # openai's parse()/stream() helpers for Responses (the assistant calls create()).
    if defer_response_streams():
        deferred.append(OPENAI_STREAMS)
    return deferred
