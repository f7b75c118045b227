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
Only the server extension uses this: for ``mcp`` when no MCP server is configured, and
for ``trio`` (httpcore imports it, when installed, for code running under trio's event
loop; a Jupyter server runs asyncio's), ~2.6 MB resident.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import threading
import time
from collections.abc import Collection, Sequence
from importlib import _bootstrap
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, cast

log = logging.getLogger("jupyter_chatkit")

# What the import system reads from a parent package while importing a submodule, and
# what repr() reads: these never run the deferred __init__.
_MACHINERY = frozenset(
    {"__name__", "__spec__", "__path__", "__loader__", "__package__", "__file__", "__class__"}
)
# The submodules each deferred package may import without its __init__, by package.
_WITHOUT_INIT: dict[str, frozenset[str]] = {}
# The thread running an __init__, by package name: its own attribute reads during that
# run (``from . import types``) go to the module as is, and submodule imports meanwhile
# take the ordinary path. _CLAIM guards it and the class switch, and no import runs under it.
_RUNNING: dict[str, int] = {}
_CLAIM = threading.Lock()
# openai-agents' imports from mcp (checked in a fresh Python by the tests): these load
# without mcp/__init__; any other mcp submodule runs it first.
MCP_WITHOUT_INIT = ("mcp.shared", "mcp.shared.exceptions")


class DeferredPackage(ModuleType):
    """A package whose ``__init__`` runs at the first use of a name of its own."""

    def __getattribute__(self, name: str) -> Any:
        """Run the real ``__init__`` first, except for the import machinery's reads."""
        if name not in _MACHINERY:
            own = ModuleType.__getattribute__(self, "__name__")
            if _RUNNING.get(own) != threading.get_ident():
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
        """A spec that runs the package's ``__init__`` first, when it is still deferred."""
        top, dot, _ = fullname.partition(".")
        allowed = _WITHOUT_INIT.get(top)
        package = sys.modules.get(top)
        if (
            not dot
            or allowed is None
            or fullname in allowed
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


# Installed by the first defer_package and left in place: once nothing is deferred it
# answers None at once, and taking it out of sys.meta_path could make an import that is
# iterating the list in another thread skip the finder after it (ModuleNotFoundError).
_FINDER = _InitFirstFinder()


def defer_package(name: str, without_init: Collection[str] = ()) -> bool:
    """Register top-level package ``name`` with its ``__init__`` deferred.

    ``without_init``: the full names of the submodules that may be imported before the
    ``__init__`` runs (and their parents, which import first); any other submodule runs
    it first. False (and nothing changes) when the package is imported already, is not
    installed, or is not a package.
    """
    if name in sys.modules or "." in name:
        return False
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return False
    module = importlib.util.module_from_spec(spec)
    module.__class__ = DeferredPackage
    _WITHOUT_INIT[name] = frozenset(without_init)
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    sys.modules[name] = module
    return True


def is_deferred(name: str) -> bool:
    """True while package ``name`` is registered and its ``__init__`` has not run."""
    return type(sys.modules.get(name)) is DeferredPackage


def defer_unused_packages(mcp_servers: object) -> list[str]:
    """Defer the packages the server extension's settings leave unused; their names.

    ``mcp`` (MCP's client and server, starlette, uvicorn) when no MCP server is
    configured: openai-agents imports one of its submodules regardless. ``trio``
    always: only code running under trio's event loop uses it, and that runs its
    ``__init__`` at its first use.
    """
    deferred: list[str] = []
    if not mcp_servers and defer_package("mcp", MCP_WITHOUT_INIT):
        deferred.append("mcp")
    # httpcore imports trio, when installed, in case it runs under trio's event loop;
    # a Jupyter server runs asyncio's (tornado), so trio would stay unused.
    if defer_package("trio"):
        deferred.append("trio")
    return deferred
